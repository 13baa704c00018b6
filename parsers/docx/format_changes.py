"""Tracked changes that change no text: formatting, numbering, table and section properties.

Word records the properties before the change inside the changed properties (`w:rPrChange`
in `w:rPr`, `w:pPrChange` in `w:pPr`, ...). Each becomes a `FormatChange` on the block it
applies to, with a short description of what changed ("bold added", "style Heading 2
(was Normal)").
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ...models.document import FormatChange, Revision
from ...ooxml.names import P, PPR, R, RPR, qn
from ...ooxml.text import run_text

_INS = qn("w:ins")
_NUMPR, _PSTYLE, _VAL = qn("w:numPr"), qn("w:pStyle"), qn("w:val")
_TBL, _TR, _TC = qn("w:tbl"), qn("w:tr"), qn("w:tc")

KINDS = {
    qn("w:rPrChange"): "run-format",
    qn("w:pPrChange"): "paragraph-format",
    qn("w:numberingChange"): "numbering",
    qn("w:sectPrChange"): "section-format",
    qn("w:tblPrChange"): "table-format",
    qn("w:tblPrExChange"): "table-format",
    qn("w:trPrChange"): "table-format",
    qn("w:tcPrChange"): "table-format",
    qn("w:tblGridChange"): "table-format",
}

_WORDS = {
    "b": "bold", "bCs": "bold", "i": "italic", "iCs": "italic", "u": "underline",
    "strike": "strikethrough", "dstrike": "double strikethrough", "color": "colour",
    "sz": "size", "szCs": "size", "rFonts": "font", "highlight": "highlight",
    "vertAlign": "superscript/subscript", "caps": "capitals", "smallCaps": "small capitals",
    "lang": "language", "shd": "shading", "jc": "alignment", "ind": "indentation",
    "spacing": "spacing", "numPr": "numbering", "pStyle": "style", "rStyle": "character style",
    "keepNext": "keep with next", "keepLines": "keep lines together", "outlineLvl": "outline level",
}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


# Children that are not compared: nested properties kept elsewhere, and revision marks.
_NOT_COMPARED = {"rPr", "sectPr", "ins", "del", "moveFrom", "moveTo", "cellIns", "cellDel",
                 "cellMerge"}


def _props(el: etree._Element | None, skip: str) -> dict[str, bytes]:
    """Property name -> its XML, leaving out the change record itself."""
    if el is None:
        return {}
    return {
        _local(c): etree.tostring(c) for c in el
        if isinstance(c.tag, str) and c.tag != skip and _local(c) not in _NOT_COMPARED
    }


def describe(change: etree._Element) -> str:
    """What a property change changed, in a few words."""
    parent = change.getparent()
    old_holder = change.find(parent.tag) if parent is not None else None
    if old_holder is None:
        return "numbering changed" if KINDS.get(change.tag) == "numbering" else "properties changed"
    old = _props(old_holder, change.tag)
    new = _props(parent, change.tag)
    parts = []
    if "pStyle" in old or "pStyle" in new:
        was, now = old.get("pStyle"), new.get("pStyle")
        if was != now:
            name = lambda x: etree.fromstring(x).get(_VAL) if x else "default"  # noqa: E731
            parts.append(f"style {name(now)} (was {name(was)})")
    for key in sorted(set(old) | set(new)):
        if key == "pStyle" or old.get(key) == new.get(key):
            continue
        word = _WORDS.get(key, key)
        state = "added" if key not in old else "removed" if key not in new else "changed"
        phrase = f"{word} {state}"
        if phrase not in parts:
            parts.append(phrase)
    return ", ".join(parts) or "properties changed"


def read_format_changes(
    root: etree._Element,
    block_of: Callable[[etree._Element], int | None],
    block_text: Callable[[int], str],
    revision: Callable[[etree._Element, str], Revision],
) -> list[FormatChange]:
    """Every property change under `root`, on the block it applies to (in document order).

    `block_of(p)` gives a paragraph's block index (None for paragraphs not read, e.g. in a
    text box); `revision(el, kind)` makes the shared `Revision` of a change element.
    """
    out: list[FormatChange] = []
    for el in root.iter(*KINDS, _NUMPR):
        if el.tag == _NUMPR:
            mark = el.find(_INS)
            if mark is None:
                continue
            kind, rev_el, detail = "numbering", mark, "numbering added"
        else:
            kind, rev_el = KINDS[el.tag], el
            detail = describe(el)
            if kind == "paragraph-format" and detail in ("numbering added", "numbering removed",
                                                         "numbering changed"):
                kind = "numbering"
        block, text = _where(el, block_of, block_text)
        if block is None:
            continue
        out.append(FormatChange(block, revision(rev_el, kind), text, detail))
    return out


def _where(el: etree._Element, block_of, block_text) -> tuple[int | None, str]:
    """The block a change applies to, and the text it covers."""
    run = paragraph = container = None
    for anc in el.iterancestors():
        if anc.tag == R and run is None and paragraph is None:
            run = anc
        elif anc.tag == P:
            paragraph = anc
            break
        elif anc.tag in (_TBL, _TR, _TC):
            container = anc
            break
    if paragraph is None and container is not None:
        paragraph = next((p for p in container.iter(P) if block_of(p) is not None), None)
    if paragraph is None:  # the body's own section properties: the last block
        paras = [p for p in el.getparent().getparent().iterchildren(P)] if el.getparent() is not None else []
        paragraph = next((p for p in reversed(paras) if block_of(p) is not None), None)
    if paragraph is None:
        return None, ""
    block = block_of(paragraph)
    if block is None:
        return None, ""
    if run is not None:
        return block, run_text(run)
    if container is not None and el.getparent() is not None and el.getparent().tag != PPR:
        return block, block_text(block)
    parent = el.getparent()
    if parent is not None and parent.tag == RPR and parent.getparent() is not None and parent.getparent().tag == PPR:
        return block, "\u00b6"  # the paragraph mark's own formatting
    return block, block_text(block)
