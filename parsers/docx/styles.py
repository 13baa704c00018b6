"""`word/styles.xml`: paragraph styles, their inheritance, outline levels and numbering.

A heading is recognised the way Word's navigation pane does it: an outline level
(`w:outlineLvl`, 0-based, 9 = body text) on the paragraph or anywhere up its style chain, or a
built-in heading style name ("heading 1".."heading 9"; Word stores these English names in
styles.xml whatever the interface language). "Title" is not a heading: it names the
document, it does not open a section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ...ooxml.names import qn

_STYLE, _NAME, _BASED_ON = qn("w:style"), qn("w:name"), qn("w:basedOn")
_PPR, _OUTLINE, _NUMPR = qn("w:pPr"), qn("w:outlineLvl"), qn("w:numPr")
_NUM_ID, _ILVL = qn("w:numId"), qn("w:ilvl")
_VAL, _TYPE, _STYLE_ID, _DEFAULT = qn("w:val"), qn("w:type"), qn("w:styleId"), qn("w:default")
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)


@dataclass(frozen=True)
class NumPr:
    """A `w:numPr`: either part may be missing (then inherited or defaulted)."""

    num_id: str | None
    ilvl: int | None


@dataclass(frozen=True)
class Style:
    id: str
    name: str
    type: str  # "paragraph" | "character" | "table" | "numbering"
    based_on: str | None
    outline_level: int | None  # 0-based as in w:outlineLvl
    num_pr: NumPr | None


def read_num_pr(ppr: etree._Element | None) -> NumPr | None:
    """The `w:numPr` of a `w:pPr` (None when absent)."""
    if ppr is None:
        return None
    el = ppr.find(_NUMPR)
    if el is None:
        return None
    num = el.find(_NUM_ID)
    lvl = el.find(_ILVL)
    return NumPr(
        num.get(_VAL) if num is not None else None,
        _int(lvl.get(_VAL)) if lvl is not None else None,
    )


def read_outline_level(ppr: etree._Element | None) -> int | None:
    if ppr is None:
        return None
    el = ppr.find(_OUTLINE)
    return _int(el.get(_VAL)) if el is not None else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class Styles:
    """Styles by id, with the style-chain lookups the body reader needs."""

    def __init__(self, styles: dict[str, Style], default_paragraph: str | None):
        self._styles = styles
        self.default_paragraph = default_paragraph
        self._chains: dict[str | None, list[Style]] = {}

    @classmethod
    def empty(cls) -> "Styles":
        return cls({}, None)

    def get(self, style_id: str | None) -> Style | None:
        return self._styles.get(style_id) if style_id else None

    def name(self, style_id: str | None) -> str:
        style = self.get(style_id)
        return style.name if style else (style_id or "")

    def chain(self, style_id: str | None) -> list[Style]:
        """The style and the styles it is based on, nearest first (loops cut)."""
        chain = self._chains.get(style_id)
        if chain is None:
            chain = self._chains[style_id] = self._chain(style_id)
        return chain

    def _chain(self, style_id: str | None) -> list[Style]:
        out, seen = [], set()
        style = self.get(style_id or self.default_paragraph)
        while style is not None and style.id not in seen:
            seen.add(style.id)
            out.append(style)
            style = self.get(style.based_on)
        return out

    def heading_level(self, style_id: str | None, outline_level: int | None = None) -> int | None:
        """1-based heading level from the paragraph's own outline level or its style chain."""
        if outline_level is not None:
            return outline_level + 1 if 0 <= outline_level < 9 else None
        for style in self.chain(style_id):
            if style.outline_level is not None:
                return style.outline_level + 1 if 0 <= style.outline_level < 9 else None
            m = _HEADING_NAME.match(style.name.strip())
            if m:
                return int(m.group(1))
        return None

    def num_pr(self, style_id: str | None) -> tuple[NumPr | None, str | None]:
        """The numbering a paragraph style gives, and the id of the style that carries it."""
        for style in self.chain(style_id):
            if style.num_pr is not None:
                return style.num_pr, style.id
        return None, None

    def num_id(self, style_id: str | None) -> str | None:
        """The numId a (numbering) style points to, for w:numStyleLink."""
        style = self.get(style_id)
        if style is None or style.num_pr is None:
            return None
        return style.num_pr.num_id


def read_styles(root: etree._Element | None) -> Styles:
    if root is None:
        return Styles.empty()
    styles: dict[str, Style] = {}
    default = None
    for el in root.iter(_STYLE):
        sid = el.get(_STYLE_ID)
        if not sid:
            continue
        kind = el.get(_TYPE, "paragraph")
        name_el, based_el = el.find(_NAME), el.find(_BASED_ON)
        ppr = el.find(_PPR)
        styles[sid] = Style(
            id=sid,
            name=name_el.get(_VAL, "") if name_el is not None else "",
            type=kind,
            based_on=based_el.get(_VAL) if based_el is not None else None,
            outline_level=read_outline_level(ppr),
            num_pr=read_num_pr(ppr),
        )
        if kind == "paragraph" and el.get(_DEFAULT) in ("1", "true", "on") and default is None:
            default = sid
    return Styles(styles, default)
