"""Read .docx files with a running LibreOffice over UNO (an independent reader for tests).

Run with the SYSTEM Python (the one that has `uno`), against an soffice started with
`--accept='socket,host=127.0.0.1,port=N;urp;'`:

    /usr/bin/python3 tests/lo_uno_reader.py --port N [--wait SECONDS] FILE.docx [FILE2.docx ...]

For each file it prints one JSON line:

    {"file": ..., "accepted": ..., "rejected": ..., "redlines": [...], "comments": [...],
     "seconds": ...}

- "accepted"/"rejected": the plain text after `.uno:AcceptAllTrackedChanges` /
  `.uno:RejectAllTrackedChanges` (the document is loaded afresh for each), paragraphs
  (table cells included, in row order) joined by "\\n";
- "redlines": the tracked changes as loaded (`XRedlinesSupplier.getRedlines()`):
  author, type ("Insert", "Delete", "Format", "ParagraphFormat", ...), date (ISO 8601, or
  "" when unset) and, when LibreOffice can give it, the text the change covers;
- "comments": the annotation text fields: author, content, anchor (the commented text).

A file that cannot be read gives {"file": ..., "error": ...} and the others still run.
Every file is loaded from a private copy in a temporary folder (a crash leaves `.~lock.*#`
files beside the document that make later loads fail silently), hidden.
With no FILE, it only waits (up to --wait seconds) until LibreOffice accepts a connection:
exit status 0 when connected, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

TABLE = "com.sun.star.text.TextTable"
PARAGRAPH = "com.sun.star.text.Paragraph"
ANNOTATION = "com.sun.star.text.TextField.Annotation"


def connect(port: int, wait: float):
    """The component context of the soffice listening on `port`, retrying for `wait` s."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + wait
    while True:
        try:
            return resolver.resolve(url)
        except NoConnectException:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.25)


def prop(name: str, value) -> PropertyValue:
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


class Reader:
    def __init__(self, ctx):
        self.ctx = ctx
        smgr = ctx.ServiceManager
        self.desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        self.dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)

    def load(self, path: str):
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        args = [prop("Hidden", True), prop("ReadOnly", False), prop("MacroExecutionMode", 0),
                prop("UpdateDocMode", 0)]
        if path.lower().endswith(".docx"):  # no type detection: a broken .docx must fail, not
            args.append(prop("FilterName", "MS Word 2007 XML"))  # open as plain text
        args = tuple(args)
        doc = self.desktop.loadComponentFromURL(url, "_blank", 0, args)
        if doc is None:
            raise RuntimeError(f"LibreOffice could not load {path}")
        return doc

    def dispatch(self, doc, command: str) -> None:
        frame = doc.getCurrentController().getFrame()
        self.dispatcher.executeDispatch(frame, command, "", 0, ())

    def read(self, original: str, workdir: str) -> dict:
        start = time.monotonic()
        copy = os.path.join(workdir, "doc" + os.path.splitext(original)[1])
        shutil.copyfile(original, copy)
        out = {"file": original}
        doc = self.load(copy)
        try:
            out["redlines"] = redlines(doc)
            out["comments"] = comments(doc)
            self.dispatch(doc, ".uno:AcceptAllTrackedChanges")
            out["accepted"] = document_text(doc)
        finally:
            close(doc)
        doc = self.load(copy)
        try:
            self.dispatch(doc, ".uno:RejectAllTrackedChanges")
            out["rejected"] = document_text(doc)
        finally:
            close(doc)
        out["seconds"] = round(time.monotonic() - start, 3)
        return out


def close(doc) -> None:
    try:
        doc.close(True)
    except Exception:  # noqa: BLE001 - e.g. CloseVetoException; dispose as a last resort
        try:
            doc.dispose()
        except Exception:  # noqa: BLE001
            pass


def document_text(doc) -> str:
    return "\n".join(text_lines(doc.getText()))


def text_lines(text) -> list[str]:
    """Paragraph strings of a text (body or cell), tables flattened cell by cell in row order."""
    lines = []
    enum = text.createEnumeration()
    while enum.hasMoreElements():
        element = enum.nextElement()
        if element.supportsService(TABLE):
            for name in element.getCellNames():
                lines.extend(text_lines(element.getCellByName(name)))
        elif element.supportsService(PARAGRAPH):
            lines.append(element.getString())
    return lines


def iso(value) -> str:
    """A com.sun.star.util.DateTime as ISO 8601 ("" when unset)."""
    if value is None or not getattr(value, "Year", 0):
        return ""
    return (f"{value.Year:04d}-{value.Month:02d}-{value.Day:02d}"
            f"T{value.Hours:02d}:{value.Minutes:02d}:{value.Seconds:02d}"
            + ("Z" if getattr(value, "IsUTC", False) else ""))


def redlines(doc) -> list[dict]:
    found = []
    enum = doc.getRedlines().createEnumeration()
    while enum.hasMoreElements():
        redline = enum.nextElement()
        item = {
            "author": redline.getPropertyValue("RedlineAuthor"),
            "type": redline.getPropertyValue("RedlineType"),
            "date": iso(redline.getPropertyValue("RedlineDateTime")),
        }
        try:
            begin = redline.getPropertyValue("RedlineStart")
            end = redline.getPropertyValue("RedlineEnd")
            cursor = begin.getText().createTextCursorByRange(begin)
            cursor.gotoRange(end, True)
            item["text"] = cursor.getString()
        except Exception:  # noqa: BLE001 - ranges across text objects (e.g. table rows)
            item["text"] = None
        found.append(item)
    return found


def comments(doc) -> list[dict]:
    found = []
    enum = doc.getTextFields().createEnumeration()
    while enum.hasMoreElements():
        field = enum.nextElement()
        if not field.supportsService(ANNOTATION):
            continue
        try:
            anchor = field.getAnchor().getString()
        except Exception:  # noqa: BLE001
            anchor = None
        found.append({
            "author": field.getPropertyValue("Author"),
            "content": field.getPropertyValue("Content"),
            "anchor": anchor,
        })
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--wait", type=float, default=10.0, help="seconds to retry connecting")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    try:
        ctx = connect(args.port, args.wait)
    except NoConnectException as exc:
        print(f"no LibreOffice on port {args.port}: {exc.Message}", file=sys.stderr)
        return 1
    if not args.files:
        return 0
    return report_each(args.files, Reader(ctx).read, "lo-reader-")


def report_each(files: list[str], read_one, prefix: str) -> int:
    """`read_one(path, workdir)` for each file, in a private work folder, one JSON line each
    (an error line for a file that fails; the others go on); 2 when any failed."""
    status = 0
    for path in files:
        workdir = tempfile.mkdtemp(prefix=prefix)
        try:
            line = read_one(path, workdir)
        except Exception as exc:  # noqa: BLE001 - report per file, go on with the others
            message = getattr(exc, "Message", "") or str(exc)
            line = {"file": path, "error": f"{type(exc).__name__}: {message}"}
            status = 2
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
