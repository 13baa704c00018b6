"""Edit a .docx with a running LibreOffice over UNO, recording the edits as tracked changes.

Run with the SYSTEM Python (the one that has `uno`), against an soffice started with
`--accept='socket,host=127.0.0.1,port=N;urp;'` (see lo_uno_reader.py):

    /usr/bin/python3 tests/lo_uno_editor.py --port N SOURCE.docx SCRIPT.json OUT.docx

SOURCE is loaded hidden from a private copy, change recording is switched on, the script's
operations run in order, and the result is stored as OUT with the "MS Word 2007 XML" filter.
The script is a JSON list of operations; a place is a unique string `find` (optionally only
in top-level paragraph `paragraph`, counted from 0 over body paragraphs, tables skipped):

    {"op": "author", "name": "ILO"}                     redline author from now on ("" = none)
    {"op": "insert", "before"|"after": S, "text": T}    insert T before/after S
    {"op": "delete", "find": S}                         delete S
    {"op": "replace", "find": S, "text": T}             replace S by T
    {"op": "split", "after": S}                         a paragraph break after S
    {"op": "paragraph", "after": S, "text": T}          a new paragraph T after the one holding S
    {"op": "join", "paragraph": I | "find": S}          delete the paragraph mark of paragraph I
                                                        (or of the paragraph holding S)
    {"op": "comment", "find": S, "text": T, "author": A[, "initials": X, "date": D,
     "resolved": true]}                                 a comment (annotation) on S
    {"op": "bold", "find": S}                           make S bold (a format change)
    {"op": "drop", "find": S}                           delete the paragraph holding S, mark too
    {"op": "add_row", "row": R, "cells": [T, ...]}      a new row R in table 0 (or "table": N)
    {"op": "delete_row", "row": R}                      delete row R (as the menu command does)

"delete", "replace", "comment" and "bold" also take {"from": S1, "to": S2} instead of
"find": the span from the start of S1 to the end of S2 (across paragraphs and cells too).

The redline author is the user profile name (/org.openoffice.UserProfile/Data givenname,
sn); it is reset to "" at the start, so a script without an "author" op edits as nobody.
A comment's date is D ("YYYY-MM-DDTHH:MM:SS") when given, else the current time, else
("date": null) left unset. Prints one JSON line: {"out": OUT, "seconds": ...} or
{"error": ...} (exit status 2).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import uno  # noqa: E402
from com.sun.star.util import DateTime  # noqa: E402

from lo_uno_reader import PARAGRAPH, close, connect, prop  # noqa: E402

PROFILE = "/org.openoffice.UserProfile/Data"
PARAGRAPH_BREAK = 0  # com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK
BOLD = 150.0  # com.sun.star.awt.FontWeight.BOLD


class EditError(RuntimeError):
    """A script operation that cannot be carried out (e.g. its string is not unique)."""


def set_user_name(ctx, name: str) -> None:
    """The user profile name, which LibreOffice takes as the author of tracked changes."""
    provider = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (prop("nodepath", PROFILE),))
    access.setPropertyValue("givenname", name)
    access.setPropertyValue("sn", "")
    access.setPropertyValue("initials", "")
    access.commitChanges()


def uno_datetime(value: datetime) -> DateTime:
    dt = DateTime()
    dt.Year, dt.Month, dt.Day = value.year, value.month, value.day
    dt.Hours, dt.Minutes, dt.Seconds = value.hour, value.minute, value.second
    return dt


class Editor:
    def __init__(self, ctx, doc):
        self.ctx = ctx
        self.doc = doc
        self.text = doc.getText()

    # -- places ------------------------------------------------------------------------

    def paragraphs(self) -> list:
        """Top-level body paragraphs (tables skipped)."""
        found = []
        enum = self.text.createEnumeration()
        while enum.hasMoreElements():
            element = enum.nextElement()
            if element.supportsService(PARAGRAPH):
                found.append(element)
        return found

    def find(self, needle: str, paragraph: int | None = None):
        """The one range showing `needle` (in the whole document or in one paragraph)."""
        search = self.doc.createSearchDescriptor()
        search.SearchString = needle
        search.SearchCaseSensitive = True
        hits = self.doc.findAll(search)
        ranges = [hits.getByIndex(i) for i in range(hits.getCount())]
        if paragraph is not None:
            where = self.paragraphs()[paragraph]
            ranges = [r for r in ranges if self.within(r, where)]
        if len(ranges) != 1:
            raise EditError(f"{needle!r} found {len(ranges)} times, expected once")
        return ranges[0]

    def within(self, found, paragraph) -> bool:
        """Whether a found range lies in a body paragraph."""
        if found.getText() != paragraph.getText():
            return False
        return (self.text.compareRegionStarts(paragraph, found) >= 0
                and self.text.compareRegionEnds(found, paragraph) >= 0)

    def cursor(self, start, end=None):
        cursor = start.getText().createTextCursorByRange(start)
        if end is not None:
            cursor.gotoRange(end, True)
        return cursor

    def place(self, op: dict, key: str = "find"):
        """The range op[key] names, or (with "from"/"to") the span from one string to another."""
        if key == "find" and "from" in op:
            return self.cursor(self.find(op["from"]).getStart(), self.find(op["to"]).getEnd())
        return self.find(op[key], op.get("paragraph"))

    # -- operations --------------------------------------------------------------------

    def run(self, op: dict) -> None:
        action = getattr(self, "op_" + op["op"], None)
        if action is None:
            raise EditError(f"unknown operation {op['op']!r}")
        action(op)

    def op_author(self, op: dict) -> None:
        set_user_name(self.ctx, op["name"])

    def op_insert(self, op: dict) -> None:
        key = "before" if "before" in op else "after"
        found = self.place(op, key)
        at = found.getStart() if key == "before" else found.getEnd()
        at.getText().insertString(at, op["text"], False)

    def op_delete(self, op: dict) -> None:
        self.place(op).setString("")

    def op_replace(self, op: dict) -> None:
        self.place(op).setString(op["text"])

    def op_split(self, op: dict) -> None:
        at = self.place(op, "after").getEnd()
        at.getText().insertControlCharacter(at, PARAGRAPH_BREAK, False)

    def paragraph_end(self, op: dict, key: str = "find"):
        """A cursor at the end of paragraph `op["paragraph"]`, or of the one holding op[key]."""
        if key in op:
            cursor = self.cursor(self.place(op, key).getEnd())
            cursor.gotoEndOfParagraph(False)
            return cursor
        return self.cursor(self.paragraphs()[op["paragraph"]].getEnd())

    def op_paragraph(self, op: dict) -> None:
        cursor = self.paragraph_end(op, "after")
        cursor.getText().insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        cursor.getText().insertString(cursor, op["text"], False)

    def op_drop(self, op: dict) -> None:
        cursor = self.paragraph_end(op)
        cursor.gotoStartOfParagraph(False)
        cursor.gotoEndOfParagraph(True)
        if not cursor.goRight(1, True):
            raise EditError(f"no paragraph follows ({op})")
        cursor.setString("")

    def table(self, op: dict):
        return self.doc.getTextTables().getByIndex(op.get("table", 0))

    def op_add_row(self, op: dict) -> None:
        table = self.table(op)
        table.getRows().insertByIndex(op["row"], 1)
        for col, value in enumerate(op.get("cells", [])):
            cell = table.getCellByPosition(col, op["row"])
            cell.insertString(cell.getStart(), value, False)

    def op_delete_row(self, op: dict) -> None:
        """As the menu command does (the API's removeByIndex is not recorded)."""
        cell = self.table(op).getCellByPosition(0, op["row"])
        controller = self.doc.getCurrentController()
        controller.getViewCursor().gotoRange(cell.getStart(), False)
        helper = self.ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", self.ctx)
        helper.executeDispatch(controller.getFrame(), ".uno:DeleteRows", "", 0, ())

    def op_join(self, op: dict) -> None:
        cursor = self.paragraph_end(op)
        if not cursor.goRight(1, True):
            raise EditError(f"no paragraph follows ({op})")
        cursor.setString("")

    def op_bold(self, op: dict) -> None:
        self.place(op).setPropertyValue("CharWeight", BOLD)

    def op_comment(self, op: dict) -> None:
        found = self.place(op)
        span = self.cursor(found.getStart(), found.getEnd())
        field = self.doc.createInstance("com.sun.star.text.TextField.Annotation")
        field.setPropertyValue("Author", op["author"])
        field.setPropertyValue("Content", op["text"])
        if op.get("resolved"):
            field.setPropertyValue("Resolved", True)
        if op.get("initials"):
            field.setPropertyValue("Initials", op["initials"])
        date = op.get("date", datetime.now().replace(microsecond=0).isoformat())
        if date is not None:
            field.setPropertyValue("DateTimeValue", uno_datetime(datetime.fromisoformat(date)))
        span.getText().insertTextContent(span, field, True)


def edit(ctx, source: str, script: list[dict], out: str, workdir: str) -> None:
    copy = os.path.join(workdir, "source" + os.path.splitext(source)[1])
    shutil.copyfile(source, copy)
    set_user_name(ctx, "")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    args = (prop("Hidden", True), prop("MacroExecutionMode", 0), prop("UpdateDocMode", 0),
            prop("FilterName", "MS Word 2007 XML"))
    url = uno.systemPathToFileUrl(os.path.abspath(copy))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, args)
    if doc is None:
        raise EditError(f"LibreOffice could not load {source}")
    try:
        doc.setPropertyValue("RecordChanges", True)
        editor = Editor(ctx, doc)
        for op in script:
            editor.run(op)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(out)),
                       (prop("FilterName", "MS Word 2007 XML"),))
    finally:
        close(doc)
        set_user_name(ctx, "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--wait", type=float, default=10.0, help="seconds to retry connecting")
    parser.add_argument("source")
    parser.add_argument("script")
    parser.add_argument("out")
    args = parser.parse_args(argv)
    start = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="lo-editor-")
    try:
        with open(args.script, encoding="utf-8") as f:
            script = json.load(f)
        edit(connect(args.port, args.wait), args.source, script, args.out, workdir)
        line = {"out": args.out, "seconds": round(time.monotonic() - start, 3)}
        status = 0
    except Exception as exc:  # noqa: BLE001 - one JSON line either way
        message = getattr(exc, "Message", "") or str(exc)
        line = {"error": f"{type(exc).__name__}: {message}"}
        status = 2
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
