"""Small helpers for message parts: text decoding, HTML to text, display file names."""

from __future__ import annotations

import codecs
import re
import unicodedata
from html import unescape

from lxml import etree

from ...models.notices import Notice

# --------------------------------------------------------------------------- text


def decode_text(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Decode a text part; never raises. Returns (text, problem or None).

    A missing or ASCII charset is read as UTF-8 (a superset) and, failing that, as
    Windows-1252 (what 8-bit mail without a charset usually is). An unknown charset is
    read as UTF-8 with undecodable bytes replaced.
    """
    name = (charset or "").strip().strip('"').lower()
    if name in ("", "us-ascii", "ascii", "utf-8", "utf8"):
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            if name in ("utf-8", "utf8"):
                return (
                    data.decode("utf-8", errors="replace"),
                    "some characters of the text could not be read (invalid UTF-8)",
                )
            return data.decode("cp1252", errors="replace"), None
    shown = "".join(ch for ch in str(charset) if ch.isprintable())[:40]  # the sender's name, tamed
    unknown = (
        data.decode("utf-8", errors="replace"),
        f"unknown character set '{shown}': the text was read as UTF-8 and may show "
        "wrong characters",
    )
    try:
        info = codecs.lookup(name)
        if not getattr(info, "_is_text_encoding", True):
            raise LookupError(name)
    except (LookupError, ValueError):  # ValueError: a name with a NUL in it
        return unknown
    try:
        return _no_surrogates(data.decode(info.name)), None
    except UnicodeError:  # UnicodeDecodeError, or the plain UnicodeError of codecs like idna
        try:
            return (
                _no_surrogates(data.decode(info.name, errors="replace")),
                f"some characters of the text could not be read (not valid {charset})",
            )
        except UnicodeError:  # a codec that takes no error handler (idna, punycode)
            return unknown


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(text: str) -> str:
    """Lone surrogates (malformed UTF-7 or unicode-escape text decodes to them) cannot be
    written as UTF-8 anywhere downstream: each becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def repair_header_text(value: str) -> str:
    """Header text with raw 8-bit bytes (surrogate escapes) read as UTF-8."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return _no_surrogates(value)


def one_line(value: str) -> str:
    return " ".join(value.split())


# --------------------------------------------------------------------------- HTML
#
# The stdlib html.parser is not used: on Python 3.11 it takes quadratic time on unclosed
# constructs ("<a" repeated 500,000 times: minutes). libxml2 (through lxml, a dependency
# already) reads any tag soup in linear time, and its parser-target interface hands over
# start/end/data events without building a tree, so nesting depth does not matter.

DAMAGED_HTML = "the HTML of the e-mail was damaged; its text was read roughly"

_BLOCK_TAGS = frozenset(
    "address article aside blockquote caption center dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr legend li main nav ol p pre "
    "section summary table tbody tfoot thead tr ul".split()
)
_PARAGRAPH_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote table ul ol pre hr".split())
_CELL_TAGS = frozenset(("td", "th"))
_SKIP_TAGS = frozenset(("script", "style", "title", "template", "head"))
_SKIP, _PRE, _QUOTE, _LIST, _ROW = 1, 2, 4, 8, 16  # what an open element set, undone at its end
_WHITESPACE = re.compile(r"\s+")
_SPACES = re.compile(r"[ \r\f\v\u00a0]+")
_CELL_GAP = re.compile(r" ?\t[ \t]*")
_BLANKS = re.compile(r"\n{3,}")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _is_reply_quote(attrib) -> bool:
    """A blockquote a mail client made for a quoted reply (Apple Mail, Thunderbird, Gmail)."""
    kind = (attrib.get("type") or "").lower()
    return kind == "cite" or "quote" in (attrib.get("class") or "").lower()


class _TextTarget:
    """lxml parser target collecting text with block breaks.

    Block boundaries only ask for a break (`pending`): adjacent boundaries merge instead of
    piling up blank lines. Cells of a table row are separated by tabs, list items start with
    "- " (or "1. " in numbered lists), and lines inside a reply-quote blockquote start with
    "> " (one per level), as in plain-text replies.
    """

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.pending = 0  # line breaks owed before the next text
        self.line_start = True
        self.stack: list[int] = []  # per open element: the _SKIP/_PRE/... flags it set
        self.lists: list[int | None] = []  # open lists: last number (ol) or None (ul)
        self.rows: list[bool] = []  # open table rows: has the row any text yet
        self.cell_open = False  # in a cell that has no text yet: its paragraphs add no break
        self.skip = self.pre = self.quote = 0

    def _block(self, breaks: int) -> None:
        if not self.cell_open:
            self.pending = max(self.pending, breaks)

    def _emit(self, text: str) -> None:
        if self.pending:
            if self.chunks:
                self.chunks.append("\n" * self.pending)
                self.line_start = True
            self.pending = 0
        if self.line_start and self.quote:
            self.chunks.append("> " * self.quote)
        self.chunks.append(text)
        self.line_start = text.endswith("\n")
        self.cell_open = False
        if self.rows:
            self.rows[-1] = True

    def start(self, tag, attrib) -> None:
        tag = tag.lower() if isinstance(tag, str) else ""
        flags = 0
        if tag in _SKIP_TAGS:
            self.skip += 1
            flags |= _SKIP
        elif tag == "br":
            if not self.skip:
                self._emit("\n")
        elif tag in _PARAGRAPH_TAGS:
            self._block(2)
        elif tag in _BLOCK_TAGS:
            self._block(1)
        elif tag in _CELL_TAGS:
            self._cell()
        if tag == "pre":
            self.pre += 1
            flags |= _PRE
        elif tag == "blockquote" and _is_reply_quote(attrib):
            self.quote += 1
            flags |= _QUOTE
        elif tag in ("ul", "ol"):
            self.lists.append(0 if tag == "ol" else None)
            flags |= _LIST
        elif tag == "tr":
            self.rows.append(False)
            flags |= _ROW
        elif tag == "li" and not self.skip:
            self._emit(self._marker())
        self.stack.append(flags)

    def _cell(self) -> None:
        """A cell after text in its row goes on the same line, after a tab."""
        if self.rows and self.rows[-1] and not self.skip:
            self.pending = 0  # breaks owed by the end of the previous cell's paragraphs
            self._emit("\t")
        self.cell_open = True

    def _marker(self) -> str:
        if self.lists and self.lists[-1] is not None:
            self.lists[-1] += 1
            return f"{self.lists[-1]}. "
        return "- "

    def end(self, tag) -> None:
        tag = tag.lower() if isinstance(tag, str) else ""
        if tag in _CELL_TAGS:
            self.cell_open = False
        if tag in _PARAGRAPH_TAGS:
            self._block(2)
        elif tag in _BLOCK_TAGS:
            self._block(1)
        flags = self.stack.pop() if self.stack else 0
        if flags & _SKIP:
            self.skip -= 1
        if flags & _PRE:
            self.pre -= 1
        if flags & _QUOTE:
            self.quote -= 1
        if flags & _LIST and self.lists:
            self.lists.pop()
        if flags & _ROW and self.rows:
            self.rows.pop()

    def data(self, data: str) -> None:
        if self.skip or not data:
            return
        if self.pre:
            if self.quote:
                data = data.replace("\n", "\n" + "> " * self.quote)
            self._emit(data)
            return
        text = _WHITESPACE.sub(" ", data)
        if text == " " and (self.pending or not self.chunks):
            return  # indentation between blocks
        self._emit(text)

    def close(self) -> str:
        return "".join(self.chunks)


def _parse_text(html: str) -> str:
    """Text of `html` read by libxml2's HTML parser (raises on parser failure)."""
    parser = etree.HTMLParser(target=_TextTarget(), huge_tree=True, no_network=True)
    parser.feed(html)
    return parser.close()


_ROUGH_SKIP = re.compile(r"<!--|<(script|style|title|head|template)\b", re.I)
_ROUGH_BREAK = re.compile(
    r"<(?:br|/?(?:p|div|li|tr|ul|ol|table|blockquote|h[1-6]|hr|pre))\b[^<>]*>", re.I
)
_ROUGH_CELL = re.compile(r"<t[dh]\b[^<>]*>", re.I)
_ROUGH_TAG = re.compile(r"<[^<>]*>")
_ROUGH_OPEN_TAIL = re.compile(r"<[A-Za-z/!?][^<>]*\Z")


def _drop_hidden(html: str) -> str:
    """`html` without comments and script/style/title/head blocks (linear time).

    An unclosed comment, script or style hides the rest, as a browser would do; an unclosed
    title or head only loses its tag.
    """
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()  # no closing tag after some point: none after any later one
    while True:
        found = _ROUGH_SKIP.search(html, pos)
        if found is None:
            break
        out.append(html[pos : found.start()])
        tag = found.group(1)
        if tag is None:
            close = html.find("-->", found.end())
            pos = len(html) if close < 0 else close + 3
            continue
        tag = tag.lower()
        close_tag = None
        if tag not in unclosed:
            close_tag = re.compile(rf"</{tag}\s*>", re.I).search(html, found.end())
            if close_tag is None:
                unclosed.add(tag)
        if close_tag is not None:
            pos = close_tag.end()
        elif tag in ("script", "style"):
            pos = len(html)
        else:
            out.append(found.group(0))
            pos = found.end()
    out.append(html[pos:])
    return "".join(out)


def _rough_text(html: str) -> str:
    """Fallback reading: hidden blocks dropped, tags stripped by regex, entities unescaped."""
    text = _drop_hidden(html)
    text = _ROUGH_BREAK.sub("\n", text)
    text = _ROUGH_CELL.sub("\t", text)
    text = _ROUGH_OPEN_TAIL.sub("", _ROUGH_TAG.sub("", text))
    return unescape(text)


def _tidy(text: str) -> str:
    """Spaces collapsed, lines stripped, at most one blank line in a row."""
    text = _CONTROLS.sub("", text)
    lines = [_CELL_GAP.sub("\t", _SPACES.sub(" ", line)).strip(" \t") for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def html_to_text_with_notices(html: str) -> tuple[str, list[Notice]]:
    """Plain text of an HTML body, and a notice if the HTML had to be read roughly.

    Tags stripped, entities unescaped, scripts/styles/head dropped; <p>, <div>, <br>, <li>,
    <tr> give line breaks, table cells are separated by tabs, reply-quote blockquotes give
    "> " lines. Linear time and no recursion whatever the input. If libxml2 fails, or finds
    no text where a regex reading does (e.g. an unclosed <title> swallowing the body), the
    regex reading is returned with a notice.
    """
    if not html or not html.strip():
        return "", []
    html = _SURROGATES.sub("\ufffd", html)
    try:
        text = _tidy(_parse_text(html))
    except Exception:  # noqa: BLE001 - any parser failure falls back to the rough reading
        return _tidy(_rough_text(html)), [Notice(DAMAGED_HTML)]
    if not text:
        rough = _tidy(_rough_text(html))
        if rough:
            return rough, [Notice(DAMAGED_HTML)]
    return text, []


def html_to_text(html: str) -> str:
    """Plain text of an HTML body (see `html_to_text_with_notices`)."""
    return html_to_text_with_notices(html)[0]


# --------------------------------------------------------------------------- names

# Characters that change how text is displayed without being visible themselves: bidi
# embeddings/overrides/isolates and marks (U+202E makes "cod.exe" look like "exe.doc"),
# zero-width space, word joiner, byte-order mark. Zero-width (non-)joiners are kept: some
# scripts (Persian, Indic) need them inside words.
_INVISIBLE = frozenset(
    "\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MAX_NAME = 200


def shown_text(value: str) -> str:
    """A sender's name or subject made safe to show: no direction overrides, invisible or
    control characters (U+202E can make a sender or subject read backwards)."""
    return "".join(ch for ch in value if ch not in _INVISIBLE and unicodedata.category(ch) not in ("Cc", "Cs", "Co"))


def display_filename(name: str | None) -> tuple[str, list[str]]:
    """A sender's file name made safe to show: (name, what was changed, in plain words).

    Only for display: nothing is ever stored under this name. Keeps the last path
    component, drops control characters and invisible direction-changing characters,
    keeps letters of every script.
    """
    if not name:
        return "", []
    changes: list[str] = []
    name = repair_header_text(name)
    name = unicodedata.normalize("NFC", name)
    if any(ch in _BIDI for ch in name):
        changes.append(
            "the file name contained hidden text-direction characters that can disguise "
            "its type; they were removed"
        )
    kept: list[str] = []
    for ch in name:
        if ch in "\t\n\r":
            kept.append(" ")
        elif ch not in _INVISIBLE and unicodedata.category(ch) not in ("Cc", "Cs", "Co"):
            kept.append(ch)
    cleaned = "".join(kept)
    if cleaned != name and not changes:
        changes.append("the file name contained control characters; they were removed")
    parts = [p for p in re.split(r"[\\/]+", cleaned)]
    last = parts[-1].strip() if parts else ""
    if len(parts) > 1:
        changes.append("the file name contained folder names; only the last part is kept")
    if not last.strip(". "):
        last = ""  # ".", "..", "   "
    if ":" in last[:3] and re.match(r"^[A-Za-z]:", last):  # a Windows drive "C:"
        last = last[2:]
    last = one_line(last)
    if len(last) > MAX_NAME:
        stem, dot, ext = last.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            last = stem[: MAX_NAME - len(ext) - 2] + "…." + ext
        else:
            last = last[: MAX_NAME - 1] + "…"
    return last, changes


def extension(name: str) -> str:
    """Lower-case extension without the dot ('' if none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""
