"""Mutators for the fuzz tests: damage a real .docx or e-mail in a way a recipe can repeat.

A mutation is a plain tuple — an operation name and integers / strings — so a failing
example is written down as data (`@example(recipe=...)`), and `apply_*` turns the original
bytes and a recipe into the damaged bytes again, deterministically. Integers are positions
or indexes taken modulo the size of what they index, so any integer is a valid parameter.

    docx:  bit flips, truncation, random bytes; zip entries dropped, duplicated, renamed,
           shuffled, stored instead of deflated; XML inside an entry: an element deleted,
           duplicated, moved, an attribute set to a bogus value (ids, dates, numbers), random
           text, raw bytes overwritten.
    mail:  bit flips, truncation, random bytes; a header dropped, duplicated or given a
           hostile value; MIME boundaries damaged; charset names replaced; base64 garbage.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import signal
import warnings
import zipfile
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from lxml import etree

# Values that readers meet in the wild, or should survive: bogus ids, dates, numbers, names.
BOGUS_VALUES = (
    "", "0", "-1", "1e9", "999999999999999999999999", "NaN", "abc", " ", "\u202e", "\u00e9\u00e8",
    "0-00-00T00:00:00Z", "2018-13-45T99:99:99Z", "9999-12-31T23:59:59+14:00", "2018-08-15", "T",
    "rId1", "rId999", "../../etc/passwd", "http://127.0.0.1/x", "true", "1" * 300, "x" * 5000,
)
ENTRY_NAMES = (
    "word/document.xml", "word/comments.xml", "word/commentsExtended.xml", "word/styles.xml",
    "word/numbering.xml", "[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
    "WORD/DOCUMENT.XML", "../evil.xml", "/abs.xml", "word\\document.xml", "word/vbaProject.bin",
    "docProps/core.xml", "word/footnotes.xml", "",
)
HEADERS = ("From", "Date", "Message-ID", "Content-Type", "MIME-Version", "Subject",
           "Content-Transfer-Encoding", "Received", "To", "Content-Disposition")
HEADER_VALUES = (
    "", "<", "<<<>>>", "=?x-unknown?B?SGVsbG8=?=", "=?utf-8?Q?=FF=FE?=", "=?utf-8?B?****?=",
    "Mon, 99 Foo 2018 99:99:99 +9999", "Thu, 01 Jan 1970 00:00:00 -0000", "31 Dec 9999 23:59:59 +1400",
    "multipart/mixed", "multipart/mixed; boundary=", 'multipart/mixed; boundary="x"',
    "text/plain; charset=unknown-8bit", "application/octet-stream; name*=utf-8''%FF%FE.docx",
    "base64", "quoted-printable", "x-uuencode", "8bit", '"\u202eevil" <a@b>', "a@b@c", "@", "\t",
    "attachment; filename=\"../../etc/passwd.docx\"", "attachment; filename*=x-bogus''a.docx",
    "from x by y; Mon, 32 Aug 2018 25:61:61 +0200", "x" * 2000,
)
CHARSETS = ("x-unknown", "utf-7", "utf-16", "utf-32-be", "unicode-1-1-utf-7", "", "../../etc",
            "utf-8\x00", "iso-2022-jp", "cp1252", "\"", "ascii'", "x" * 200, "ibm1047")


def _idx(n: int, size: int) -> int:
    return n % size if size else 0


# --------------------------------------------------------------------------- bytes level

def flip(data: bytes, pos: int, bit: int) -> bytes:
    if not data:
        return data
    i = _idx(pos, len(data))
    return data[:i] + bytes([data[i] ^ (1 << (bit % 8))]) + data[i + 1:]


def truncate(data: bytes, keep: int) -> bytes:
    return data[:_idx(keep, len(data) + 1)]


def overwrite(data: bytes, pos: int, junk: bytes) -> bytes:
    i = _idx(pos, len(data) + 1)
    return data[:i] + junk + data[i + len(junk):]


def _bytes_op(data: bytes, op: tuple) -> bytes | None:
    name = op[0]
    if name == "flip":
        return flip(data, op[1], op[2])
    if name == "truncate":
        return truncate(data, op[1])
    if name == "overwrite":
        return overwrite(data, op[1], op[2])
    if name == "insert":
        i = _idx(op[1], len(data) + 1)
        return data[:i] + op[2] + data[i:]
    return None


# --------------------------------------------------------------------------- zip level

def _entries(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(info, archive.read(info)) for info in archive.infolist()]
    except Exception:  # noqa: BLE001 - an earlier mutation broke the zip: zip-level ops do nothing
        return None


def _zip(entries: list[tuple[zipfile.ZipInfo, bytes]], stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" is the point of some mutations
        with zipfile.ZipFile(buffer, "w") as archive:
            for info, payload in entries:
                clone = zipfile.ZipInfo(info.filename, date_time=(2018, 8, 15, 0, 0, 0))
                clone.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                archive.writestr(clone, payload)
    return buffer.getvalue()


def _xml_indexes(entries) -> list[int]:
    return [i for i, (info, _) in enumerate(entries) if info.filename.endswith((".xml", ".rels"))]


def _mutate_xml(payload: bytes, op: tuple) -> bytes:
    """An XML-level mutation of one part; a part that does not parse is left as it is."""
    try:
        root = etree.fromstring(payload, etree.XMLParser(resolve_entities=False, no_network=True,
                                                         load_dtd=False))
    except etree.LxmlError:
        return payload
    elements = [root, *root.iterdescendants()]
    elements = [e for e in elements if isinstance(e.tag, str)]
    name = op[0]
    target = elements[_idx(op[2], len(elements))]
    if name == "xml_delete" and target is not root:
        target.getparent().remove(target)
    elif name == "xml_duplicate" and target is not root:
        parent = target.getparent()
        parent.insert(parent.index(target), etree.fromstring(etree.tostring(target)))
    elif name == "xml_move" and target is not root:
        dest = elements[_idx(op[3], len(elements))]
        if dest is not target and target not in dest.iterancestors():
            target.getparent().remove(target)
            dest.insert(_idx(op[3], len(dest) + 1), target)
    elif name == "xml_attr":
        attrs = list(target.attrib)
        value = BOGUS_VALUES[_idx(op[4], len(BOGUS_VALUES))]
        if attrs:
            target.set(attrs[_idx(op[3], len(attrs))], value)
        else:  # give it a w:id, w:date or w:val it did not have
            key = ("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
                   + ("id", "date", "val", "author")[_idx(op[3], 4)])
            target.set(key, value)
    elif name == "xml_text":
        try:
            target.text = op[3]
        except ValueError:  # a character XML cannot hold: lxml refuses to write it
            return payload
    elif name == "xml_bytes":
        return overwrite(payload, op[3], op[4])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _zip_op(data: bytes, op: tuple) -> bytes:
    entries = _entries(data)
    if not entries:
        return data
    name = op[0]
    if name == "zip_drop":
        del entries[_idx(op[1], len(entries))]
    elif name == "zip_duplicate":
        i = _idx(op[1], len(entries))
        entries.insert(i, entries[i])
    elif name == "zip_rename":
        i = _idx(op[1], len(entries))
        info = zipfile.ZipInfo(ENTRY_NAMES[_idx(op[2], len(ENTRY_NAMES))] or "noname")
        entries[i] = (info, entries[i][1])
    elif name == "zip_shuffle":
        random.Random(op[1]).shuffle(entries)
    elif name == "zip_stored":
        return _zip(entries, stored=True)
    elif name.startswith("xml_"):
        xml = _xml_indexes(entries)
        if not xml:
            return data
        i = xml[_idx(op[1], len(xml))]
        entries[i] = (entries[i][0], _mutate_xml(entries[i][1], op))
    return _zip(entries)


def apply_docx(data: bytes, recipe: tuple) -> bytes:
    """The .docx bytes after each mutation of the recipe, in order."""
    for op in recipe:
        out = _bytes_op(data, op)
        data = out if out is not None else _zip_op(data, op)
    return data


# --------------------------------------------------------------------------- e-mail level

_BOUNDARY = re.compile(rb'boundary="?([^";\r\n]+)"?', re.I)
_CHARSET = re.compile(rb'charset="?([^";\s]+)"?', re.I)
_B64_LINE = re.compile(rb"^[A-Za-z0-9+/]{40,}={0,2}\r?$", re.M)


def _header_op(data: bytes, op: tuple) -> bytes:
    head, sep, body = data.partition(b"\n\n")
    if not sep:
        head, sep, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\n")
    header = HEADERS[_idx(op[1], len(HEADERS))].encode()
    hits = [i for i, line in enumerate(lines) if line.lower().startswith(header.lower() + b":")]
    name = op[0]
    if name == "header_drop" and hits:
        i = hits[_idx(op[2], len(hits))]
        j = i + 1
        while j < len(lines) and lines[j][:1] in (b" ", b"\t"):
            j += 1  # and its folded continuation lines
        del lines[i:j]
    elif name == "header_dup" and hits:
        i = hits[_idx(op[2], len(hits))]
        lines.insert(i, lines[i])
    elif name == "header_set":
        value = HEADER_VALUES[_idx(op[2], len(HEADER_VALUES))].encode("utf-8", "surrogateescape")
        line = header + b": " + value
        if hits:
            lines[hits[0]] = line
        else:
            lines.insert(0, line)
    return b"\n".join(lines) + sep + body


def _boundary_op(data: bytes, op: tuple) -> bytes:
    found = _BOUNDARY.findall(data)
    if not found:
        return data
    boundary = found[_idx(op[1], len(found))]
    marks = [m.start() for m in re.finditer(re.escape(b"--" + boundary), data)]
    kind = _idx(op[2], 4)
    if kind == 0 and marks:  # one delimiter line damaged
        i = marks[_idx(op[3], len(marks))]
        return data[:i] + b"-" + data[i + 3:]
    if kind == 1:  # the closing delimiter removed
        return data.replace(b"--" + boundary + b"--", b"")
    if kind == 2:  # the declared boundary no longer matches the parts
        return data.replace(b"boundary=\"" + boundary, b"boundary=\"" + boundary[:-1], 1) \
                   .replace(b"boundary=" + boundary, b"boundary=" + boundary[:-1], 1)
    return data.replace(b"\n--" + boundary, b"\n--" + boundary + boundary)  # every delimiter wrong


def _charset_op(data: bytes, op: tuple) -> bytes:
    spans = list(_CHARSET.finditer(data))
    if not spans:
        return data
    m = spans[_idx(op[1], len(spans))]
    name = CHARSETS[_idx(op[2], len(CHARSETS))].encode("utf-8", "surrogateescape")
    return data[:m.start(1)] + name + data[m.end(1):]


def _base64_op(data: bytes, op: tuple) -> bytes:
    spans = list(_B64_LINE.finditer(data))
    if not spans:
        return data
    m = spans[_idx(op[1], len(spans))]
    line = data[m.start():m.end()].rstrip(b"\r")
    kind = _idx(op[2], 3)
    if kind == 0:
        bad = overwrite(line, op[3], op[4])  # junk bytes in the middle
    elif kind == 1:
        bad = line[:-1 - _idx(op[3], 3)]  # padding lost: a length that is not a multiple of 4
    else:
        bad = line + b"===="  # padding in the middle of the stream
    return data[:m.start()] + bad + data[m.start() + len(line):]


def apply_mail(data: bytes, recipe: tuple) -> bytes:
    """The e-mail bytes after each mutation of the recipe, in order."""
    for op in recipe:
        out = _bytes_op(data, op)
        if out is None:
            out = {"header": _header_op, "boundary": _boundary_op, "charset": _charset_op,
                   "base64": _base64_op}[op[0].split("_")[0]](data, op)
        data = out
    return data


# --------------------------------------------------------------------------- strategies

_n = st.integers(min_value=0, max_value=2**31)
_junk = st.binary(min_size=1, max_size=64)
_xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=200)

bytes_ops = st.one_of(
    st.tuples(st.just("flip"), _n, st.integers(0, 7)),
    st.tuples(st.just("truncate"), _n),
    st.tuples(st.just("overwrite"), _n, _junk),
    st.tuples(st.just("insert"), _n, _junk),
)
docx_ops = st.one_of(
    bytes_ops,
    st.tuples(st.sampled_from(["zip_drop", "zip_duplicate", "zip_shuffle", "zip_stored"]), _n),
    st.tuples(st.just("zip_rename"), _n, _n),
    st.tuples(st.sampled_from(["xml_delete", "xml_duplicate"]), _n, _n),
    st.tuples(st.just("xml_move"), _n, _n, _n),
    st.tuples(st.just("xml_attr"), _n, _n, _n, _n),
    st.tuples(st.just("xml_text"), _n, _n, _xml_text),
    st.tuples(st.just("xml_bytes"), _n, _n, _n, _junk),
)
# XML-level damage is the one a well-formed zip hides from the package checks: weight it
docx_recipes = st.lists(st.one_of(docx_ops, docx_ops.filter(lambda op: op[0].startswith("xml_"))),
                        min_size=1, max_size=4).map(tuple)
mail_ops = st.one_of(
    bytes_ops,
    st.tuples(st.sampled_from(["header_drop", "header_dup", "header_set"]), _n, _n),
    st.tuples(st.just("boundary_damage"), _n, _n, _n),
    st.tuples(st.just("charset_rename"), _n, _n),
    st.tuples(st.just("base64_garbage"), _n, _n, _n, _junk),
)
mail_recipes = st.lists(mail_ops, min_size=1, max_size=4).map(tuple)


# --------------------------------------------------------------------------- bounds

class Hang(BaseException):
    """An input the reader did not finish with in time (BaseException: no `except Exception`
    in a reader can turn it into a refusal)."""


@contextlib.contextmanager
def time_bound(seconds: float):
    """Raise `Hang` in this thread if the block runs longer than `seconds` (SIGALRM)."""
    def on_alarm(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


FUZZ_EXAMPLES = int(os.environ.get("REDRAFT_FUZZ_EXAMPLES", "0") or 0)


def fuzz_settings(default_examples: int) -> settings:
    """CI: `default_examples`, derandomized (the same inputs every run, so CI time and outcome
    are fixed). With REDRAFT_FUZZ_EXAMPLES=N: N examples a test, random, for a longer hunt."""
    return settings(
        max_examples=FUZZ_EXAMPLES or default_examples, derandomize=not FUZZ_EXAMPLES,
        deadline=timedelta(seconds=10),  # a robustness bound, not a speed assertion
        database=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
    )
