"""Small helpers for message parts: text decoding, HTML to text, display file names."""

from __future__ import annotations

import codecs
import re
import unicodedata
from html.parser import HTMLParser

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
    try:
        info = codecs.lookup(name)
        if not getattr(info, "_is_text_encoding", True):
            raise LookupError(name)
    except LookupError:
        return (
            data.decode("utf-8", errors="replace"),
            f"unknown character set '{charset}': the text was read as UTF-8 and may show "
            "wrong characters",
        )
    try:
        return data.decode(info.name), None
    except UnicodeDecodeError:
        return (
            data.decode(info.name, errors="replace"),
            f"some characters of the text could not be read (not valid {charset})",
        )


def repair_header_text(value: str) -> str:
    """Header text with raw 8-bit bytes (surrogate escapes) read as UTF-8."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value


def one_line(value: str) -> str:
    return " ".join(value.split())


# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = frozenset(
    "address article aside blockquote caption center dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr legend li main nav ol p pre "
    "section summary table tbody tfoot thead tr ul".split()
)
_PARAGRAPH_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote table ul ol pre hr".split())
_CELL_TAGS = frozenset(("td", "th"))
_SKIP_TAGS = frozenset(("script", "style", "title", "template", "head"))
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n{3,}")


class _TextExtractor(HTMLParser):
    """Collects text with block breaks. Iterative (no recursion), so any nesting depth works.

    Block boundaries only ask for a break (`pending`): adjacent boundaries merge instead of
    piling up blank lines, and nothing is emitted for empty nested blocks.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.pending = 0  # line breaks owed before the next text
        self.skip = 0  # inside script/style/head...
        self.pre = 0

    def _block(self, breaks: int) -> None:
        self.pending = max(self.pending, breaks)

    def _emit(self, text: str) -> None:
        if self.pending:
            if self.chunks:
                self.chunks.append("\n" * self.pending)
            self.pending = 0
        self.chunks.append(text)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if tag == "body":
            self.skip = 0  # an unclosed <head> or <style> must not hide the body
        elif tag == "br":
            self._emit("\n")
        elif tag in _PARAGRAPH_TAGS:
            self._block(2)
        elif tag in _BLOCK_TAGS:
            self._block(1)
        elif tag in _CELL_TAGS:
            self._emit("\t")
        if tag == "pre":
            self.pre += 1
        elif tag == "li":
            self._emit("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _PARAGRAPH_TAGS:
            self._block(2)
        elif tag in _BLOCK_TAGS:
            self._block(1)
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        if self.pre:
            self._emit(data)
            return
        text = re.sub(r"\s+", " ", data)
        if text == " " and (self.pending or not self.chunks):
            return  # indentation between blocks
        self._emit(text)


def html_to_text(html: str) -> str:
    """Plain text of an HTML body: tags stripped, entities unescaped, block breaks kept."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.chunks)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


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
