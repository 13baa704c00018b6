"""Which elements are body paragraphs and runs, and the text a run shows.

Text conventions (shared by every reader and writer):
- `w:t` and `w:delText` give their text; `w:tab`/`w:ptab` give "\\t";
- `w:br` and `w:cr` give "\\v" (a line break inside a paragraph; "\\n" is the paragraph mark);
- `w:noBreakHyphen` gives U+2011, `w:softHyphen` U+00AD, `w:sym` its character;
- field instructions (`w:instrText`) are not text; field results are.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from .names import DEL, FALLBACK, INS, MOVE_FROM, MOVE_TO, P, R, TXBX, qn

_CHAR = {
    qn("w:tab"): "\t",
    qn("w:ptab"): "\t",
    qn("w:br"): "\v",
    qn("w:cr"): "\v",
    qn("w:noBreakHyphen"): "\u2011",
    qn("w:softHyphen"): "\u00ad",
}
_TEXT = {qn("w:t"), qn("w:delText")}
_SYM = qn("w:sym")
_CHAR_ATTR = qn("w:char")
REVISION_TAGS = {INS: "ins", DEL: "del", MOVE_TO: "moveTo", MOVE_FROM: "moveFrom"}


def child_text(child: etree._Element) -> str:
    """The text one child of a `w:r` shows ("" for properties, field codes, drawings)."""
    tag = child.tag
    if tag in _TEXT:
        return child.text or ""
    if tag in _CHAR:
        return _CHAR[tag]
    if tag == _SYM:
        try:
            code = int(child.get(_CHAR_ATTR, ""), 16)
        except ValueError:
            return ""
        if 0xF000 <= code <= 0xF0FF:  # symbol-font private-use range
            code -= 0xF000
        return chr(code) if 0x20 <= code < 0x110000 else ""
    return ""


def run_text(run: etree._Element) -> str:
    """The text a `w:r` shows."""
    return "".join(child_text(c) for c in run)


def _outside(el: etree._Element, stop: etree._Element) -> bool:
    """True when no ancestor of `el` below `stop` is a textbox or an mc:Fallback."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in (TXBX, FALLBACK, P):
            return False
        parent = parent.getparent()
    return True


def body_paragraphs(body: etree._Element) -> list[etree._Element]:
    """Every paragraph of the body in document order, tables included.

    Paragraphs inside text boxes and `mc:Fallback` copies are left out: they are not part of
    the flow of text (and a Fallback repeats its Choice).
    """
    return [p for p in body.iter(P) if _outside(p, body)]


def paragraph_runs(paragraph: etree._Element) -> list[etree._Element]:
    """The runs of one paragraph in order (inside hyperlinks, fields, content controls, revisions)."""
    return [r for r in paragraph.iter(R) if _outside(r, paragraph)]


_RUN_OR_TEXT = (R, *_TEXT, *_CHAR, _SYM)


def runs_with_text(paragraph: etree._Element) -> list[tuple[etree._Element, str]]:
    """`paragraph_runs` with each run's `run_text`, in one pass.

    lxml filters the elements by tag in C, so a run's properties (rFonts, lang, sz, ...) are
    never visited; this is the reader's and the editor's hot loop.
    """
    out: list[tuple[etree._Element, str]] = []
    current, parts = None, []
    for el in paragraph.iter(_RUN_OR_TEXT):
        if el.tag == R:
            if el.getparent() is paragraph or _outside(el, paragraph):
                if current is not None:
                    out.append((current, "".join(parts)))
                current, parts = el, []
            # a run inside a text box of this run: its text is not ours
        elif current is not None and el.getparent() is current:
            parts.append(child_text(el))
    if current is not None:
        out.append((current, "".join(parts)))
    return out


def revision_wrappers(run: etree._Element, paragraph: etree._Element) -> Iterator[etree._Element]:
    """The `w:ins`/`w:del`/`w:moveFrom`/`w:moveTo` elements around a run, innermost first."""
    parent = run.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag in REVISION_TAGS:
            yield parent
        parent = parent.getparent()
