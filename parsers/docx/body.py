"""`word/document.xml` body: blocks of segments with their revision state.

Text is taken exactly as the shared `ooxml.text` layer defines it (`body_paragraphs`,
`runs_with_text`), one block per paragraph, so that full-stream offsets agree
with the redline writer. A run's state comes from the `w:ins`/`w:moveTo` and
`w:del`/`w:moveFrom` around it (innermost of each kind), else from its table cell
(`w:cellIns`/`w:cellDel`) or row (`w:trPr/w:ins|w:del`). A paragraph mark's state comes from
`w:pPr/w:rPr`, else from its cell or row.

Numbers and sections: Word's auto-number is replayed twice, over the paragraphs of the
original text (rejected view) and of the edited text (accepted view). A block takes its
number from the original text when it is there (a reviewer's comments refer to the numbers
of the draft they were sent, even if they delete a section before them), else from the
edited text (a heading the reviewer inserted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from lxml import etree

from ...models.document import PARAGRAPH_MARK, Block, FormatChange, Revision, Segment
from ...models.notices import Notice
from ...ooxml.names import AUTHOR, DATE, ID, PARA_ID, PPR, RPR, qn
from ...ooxml.text import REVISION_TAGS, body_paragraphs, revision_wrappers, runs_with_text
from .format_changes import read_format_changes
from .numbering import Counter, Label, Numbering, trim_number
from .styles import NumPr, Styles, read_num_pr, read_outline_level

_TC, _TR, _TBL = qn("w:tc"), qn("w:tr"), qn("w:tbl")
_TCPR, _TRPR = qn("w:tcPr"), qn("w:trPr")
_CELL_INS, _CELL_DEL = qn("w:cellIns"), qn("w:cellDel")
_INS, _DEL = qn("w:ins"), qn("w:del")
_PSTYLE, _VAL = qn("w:pStyle"), qn("w:val")
_PPR_CHANGE, _NUMPR = qn("w:pPrChange"), qn("w:numPr")
_BODY = qn("w:body")
_COMMENT_START, _COMMENT_END = qn("w:commentRangeStart"), qn("w:commentRangeEnd")
_COMMENT_REF = qn("w:commentReference")
_P, _R = qn("w:p"), qn("w:r")
_INSERTING = {"ins", "moveTo"}

_NOTE_REFS = {qn("w:footnoteReference"): "footnote", qn("w:endnoteReference"): "endnote"}


# -- revisions ---------------------------------------------------------------------------


_YEAR_ZERO = re.compile(r"^0+-0+-0+(T|$)")


def parse_date(value: str | None) -> tuple[datetime | None, bool]:
    """(date, valid) from an OOXML `w:date`. Missing -> (None, True); unreadable -> (None, False).

    Dates without an offset are taken as UTC (Word writes a "Z" on local times anyway).
    LibreOffice writes "0-00-00T00:00:00Z" for an unset date: that is no date, not a bad one.
    """
    if value is None or not value.strip():
        return None, True
    text = value.strip()
    if _YEAR_ZERO.match(text):  # LibreOffice's way of writing "no date"
        return None, True
    try:
        date = datetime.fromisoformat(text)
    except ValueError:
        # fromisoformat takes at most 6 fraction digits; trim longer fractions
        m = re.match(r"^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$", text)
        if not m:
            return None, False
        try:
            date = datetime.fromisoformat(m.group(1) + (m.group(2) or "")[:7] + (m.group(3) or ""))
        except ValueError:
            return None, False
    if date.tzinfo is None:
        date = date.replace(tzinfo=timezone.utc)
    return date, True


class Revisions:
    """One `Revision` per revision element (so runs under one `w:ins` share it)."""

    def __init__(self) -> None:
        self._cache: dict[etree._Element, Revision] = {}
        self._dates: dict[str | None, tuple[datetime | None, bool]] = {}
        self.bad_dates: dict[str, int] = {}

    def get(self, el: etree._Element, kind: str) -> Revision:
        rev = self._cache.get(el)
        if rev is None:
            raw = el.get(DATE)
            parsed = self._dates.get(raw)
            if parsed is None:
                parsed = self._dates[raw] = parse_date(raw)
            date, ok = parsed
            if not ok:
                self.bad_dates[raw] = self.bad_dates.get(raw, 0) + 1
            rev = self._cache[el] = Revision(kind, el.get(AUTHOR) or "", date, el.get(ID) or "")
        return rev

    def notices(self) -> list[Notice]:
        if not self.bad_dates:
            return []
        n = sum(self.bad_dates.values())
        shown = ", ".join(repr(v) for v in list(self.bad_dates)[:3])
        return [Notice(f"{n} tracked change(s) carry no valid date ({shown}); they are kept undated")]


# -- paragraphs --------------------------------------------------------------------------


@dataclass(frozen=True)
class ParaProps:
    """What the paragraph properties say about outline and numbering, in one view."""

    style: str | None
    outline_level: int | None
    num_pr: NumPr | None


def _props(ppr: etree._Element | None) -> ParaProps:
    if ppr is None:
        return ParaProps(None, None, None)
    pstyle = ppr.find(_PSTYLE)
    return ParaProps(
        pstyle.get(_VAL) if pstyle is not None else None,
        read_outline_level(ppr),
        read_num_pr(ppr),
    )


def _view_props(ppr: etree._Element | None) -> tuple[ParaProps, ParaProps]:
    """(accepted, rejected) properties: `w:pPrChange` keeps the old ones, an inserted
    `w:numPr` (`w:numPr/w:ins`) did not number the paragraph before."""
    accepted = _props(ppr)
    rejected = accepted
    if ppr is not None:
        change = ppr.find(_PPR_CHANGE)
        old = change.find(PPR) if change is not None else None
        if old is not None:
            rejected = _props(old)
        else:
            numpr = ppr.find(_NUMPR)
            if numpr is not None and numpr.find(_INS) is not None:
                rejected = ParaProps(accepted.style, accepted.outline_level, NumPr("0", None))
    return accepted, rejected


def _label(props: ParaProps, styles: Styles, numbering: Numbering, counter: Counter) -> Label | None:
    """Count the paragraph in its numbering list; its label (or None when not numbered)."""
    style_num, carrier = styles.num_pr(props.style)
    own = props.num_pr
    num_id = own.num_id if own and own.num_id is not None else (style_num.num_id if style_num else None)
    if not num_id or num_id == "0":
        return None
    ilvl = own.ilvl if own and own.ilvl is not None else None
    if ilvl is None and style_num is not None:
        ilvl = style_num.ilvl
        if ilvl is None and carrier is not None:
            ilvl = numbering.level_for_style(num_id, carrier)
    return counter.next(num_id, ilvl or 0)


_LITERAL_NUMBER = re.compile(
    r"""^\s*(
        (?:Annex|Appendix|Attachment|Schedule|Part|Chapter|Section|Article|Clause)\s+
            (?:[IVXLC]+|\d+|[A-Z])\b(?:\.\d+)*
      | \d+(?:\.\d+)*\.?(?=\s|$)
      | [IVXLC]+\.(?=\s|$)
      | [A-Z]\.(?=\s|$)
    )""",
    re.VERBOSE,
)


def literal_number(text: str) -> str:
    """A number typed at the start of a heading ("4.2", "4.2.", "IV.", "Annex I", "A.")."""
    m = _LITERAL_NUMBER.match(text)
    return m.group(1) if m else ""


# -- containers (tables) -------------------------------------------------------------------


# a table cell or row: (its properties, its insertion and deletion marks, the kind's name)
_CONTAINER_MARKS = {_TC: (_TCPR, _CELL_INS, _CELL_DEL, "cell"), _TR: (_TRPR, _INS, _DEL, "row")}


def _container_state(p: etree._Element, revs: Revisions, cache: dict) -> tuple[Revision | None, Revision | None, bool]:
    """(inserted, deleted, in_table) from the cells and rows around a paragraph, innermost first."""
    parent = p.getparent()
    key = parent
    hit = cache.get(key)
    if hit is not None:
        return hit
    ins = dele = None
    in_table = False
    el = parent
    while el is not None and el.tag != _BODY:
        marks = _CONTAINER_MARKS.get(el.tag)
        if marks is not None:
            in_table = True
            props_tag, ins_tag, del_tag, what = marks
            props = el.find(props_tag)
            if props is not None:
                c = props.find(ins_tag)
                if c is not None and ins is None:
                    ins = revs.get(c, f"{what}-ins")
                c = props.find(del_tag)
                if c is not None and dele is None:
                    dele = revs.get(c, f"{what}-del")
        el = el.getparent()
    cache[key] = (ins, dele, in_table)
    return ins, dele, in_table


_BLOCK_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}


def _first_block(el: etree._Element) -> etree._Element | None:
    """`el` itself when it is a paragraph or table, else the first one inside its wrappers."""
    if el.tag == _P or el.tag == _TBL:
        return el
    if el.tag in _BLOCK_WRAPPERS:
        for child in el:
            found = _first_block(child)
            if found is not None:
                return found
    return None


def _next_block(p: etree._Element) -> etree._Element | None:
    """The paragraph or table after `p` in its cell, note or body, seeing through content
    controls and custom XML around either; None when `p` is the last."""
    node = p
    while node is not None:
        sibling = node.getnext()
        while sibling is not None:
            found = _first_block(sibling)
            if found is not None:
                return found
            sibling = sibling.getnext()
        node = node.getparent()
        if node is None or node.tag not in _BLOCK_WRAPPERS:
            return None
    return None


def _mark_is_fixed(p: etree._Element) -> bool:
    """A paragraph mark Word cannot remove: the last one of a cell, note or the body (it
    ends the container), or one right before a table (a paragraph cannot join a table)."""
    following = _next_block(p)
    return following is None or following.tag == _TBL


# -- the body -----------------------------------------------------------------------------


@dataclass
class Body:
    blocks: list[Block]
    segments: list[Segment]
    notices: list[Notice]
    # comment id -> full-stream offsets of its markers, in document order
    comment_starts: dict[str, list[int]] = field(default_factory=dict)
    comment_ends: dict[str, list[int]] = field(default_factory=dict)
    comment_refs: dict[str, list[int]] = field(default_factory=dict)
    format_changes: list[FormatChange] = field(default_factory=list)
    # ("footnote" | "endnote", note id) -> index of the block holding its reference, in order
    note_refs: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass(frozen=True)
class Place:
    """How to name the blocks of a story outside the body (footnote, header, ...)."""

    kind: str  # the Block.kind of every block
    prefix: str  # positional ids are "<prefix>-p<n>"
    section: str = ""
    section_title: str = ""
    taken_ids: frozenset[str] = frozenset()  # paraIds already used in the body


def read_body(body: etree._Element, styles: Styles, numbering: Numbering, place: Place | None = None) -> Body:
    """Read a body (or a footnote, header or footer: any element holding paragraphs)."""
    revs = Revisions()
    paragraphs = body_paragraphs(body)
    segments: list[Segment] = []
    run_pos: dict[etree._Element, tuple[int, int]] = {}
    para_pos: dict[etree._Element, tuple[int, int]] = {}
    container_cache: dict = {}
    spans: list[tuple[int, int, bool]] = []  # (first, last, in_table) per paragraph
    pos = 0

    for bi, p in enumerate(paragraphs):
        c_ins, c_del, in_table = _container_state(p, revs, container_cache)
        first = len(segments)
        p_start = pos
        pend_text: list[str] = []
        pend_state: tuple[Revision | None, Revision | None] | None = None
        for r, text in runs_with_text(p):
            run_pos[r] = (pos, pos + len(text))
            if not text:
                continue
            pos += len(text)
            ins = dele = None
            if r.getparent() is not p:  # most runs sit right in the paragraph: no wrapper
                for w in revision_wrappers(r, p):
                    kind = REVISION_TAGS[w.tag]
                    if kind in _INSERTING:
                        if ins is None:
                            ins = revs.get(w, kind)
                    elif dele is None:
                        dele = revs.get(w, kind)
            state = (ins or c_ins, dele or c_del)
            # identity, not equality: one Revision object per revision element
            if pend_text and (state[0] is not pend_state[0] or state[1] is not pend_state[1]):
                segments.append(Segment("".join(pend_text), bi, pend_state[0], pend_state[1]))
                pend_text = []
            pend_state = state
            pend_text.append(text)
        if pend_text:
            segments.append(Segment("".join(pend_text), bi, pend_state[0], pend_state[1]))

        # the paragraph mark
        m_ins = m_del = None
        ppr = p.find(PPR)
        rpr = ppr.find(RPR) if ppr is not None else None
        if rpr is not None:
            for child in rpr:
                kind = REVISION_TAGS.get(child.tag)
                if kind is None:
                    continue
                if kind in _INSERTING:
                    m_ins = m_ins or revs.get(child, kind)
                else:
                    m_del = m_del or revs.get(child, kind)
        if (m_del is not None or m_ins is not None) and _mark_is_fixed(p):
            # The last mark of a cell or of the document, or one before a table, cannot go:
            # accepting a deletion or rejecting an insertion of it keeps it.
            m_ins = m_del = None
        segments.append(Segment(PARAGRAPH_MARK, bi, m_ins or c_ins, m_del or c_del, is_mark=True))
        para_pos[p] = (p_start, pos)
        pos += 1
        spans.append((first, len(segments) - 1, in_table))

    blocks = _blocks(paragraphs, spans, segments, styles, numbering, place)
    out = Body(blocks, segments, [])
    _markers(body, run_pos, para_pos, out)
    index = {p: i for i, p in enumerate(paragraphs)}
    out.format_changes = read_format_changes(
        body, index.get,
        lambda i: _view_text(segments, spans[i][0], spans[i][1], "accepted"),
        revs.get,
    )
    for el in body.iter(_NOTE_REFS):
        p = next((a for a in el.iterancestors(_P)), None)
        if p in index:
            out.note_refs.setdefault((_NOTE_REFS[el.tag], el.get(ID) or ""), index[p])
    out.notices = revs.notices()
    return out


_LETTER = re.compile(r"[A-Za-z]")
_OUTLINE_NUMBER = re.compile(r"(?:\d+|[IVXLCDM]+)(?:\.(?:\d+|[A-Za-z]))*")


def _qualified(outline: list[tuple[int, str, bool]], level: int, section: str, numbered: bool) -> str:
    """A heading's section as the draft's outline numbers it: a sub-heading lettered "A" under
    "IV. Working methods" is section "IV.A"; "3.1" under "3." stays "3.1". Updates `outline`."""
    while outline and outline[-1][0] >= level:
        outline.pop()
    parent = outline[-1] if outline else None
    if numbered and parent and parent[2] and _LETTER.fullmatch(section) and _OUTLINE_NUMBER.fullmatch(parent[1]):
        section = f"{parent[1]}.{section}"
    outline.append((level, section, numbered))
    return section


def _view_text(segments: list[Segment], first: int, last: int, view: str) -> str:
    return "".join(s.text for s in segments[first:last] if s.visible(view))


def _blocks(paragraphs, spans, segments, styles: Styles, numbering: Numbering,
            place: Place | None) -> list[Block]:
    counters = {"accepted": Counter(numbering), "rejected": Counter(numbering)}
    ids: dict[str, int] = {}
    for p in paragraphs:
        pid = p.get(PARA_ID)
        if pid:
            ids[pid] = ids.get(pid, 0) + 1

    blocks: list[Block] = []
    outline: list[tuple[int, str, bool]] = []  # open headings: (level, section, numbered)
    section = place.section if place else ""
    title = place.section_title if place else ""
    for bi, (p, (first, last, in_table)) in enumerate(zip(paragraphs, spans)):
        ppr = p.find(PPR)
        accepted, rejected = _view_props(ppr)
        mark = segments[last]
        labels: dict[str, Label | None] = {}
        for view, props in (("rejected", rejected), ("accepted", accepted)):
            if mark.visible(view):
                labels[view] = _label(props, styles, numbering, counters[view])
        view = "rejected" if "rejected" in labels else "accepted"
        label = labels.get(view)
        level = styles.heading_level(accepted.style, accepted.outline_level)
        text = _view_text(segments, first, last, view).strip()

        number = label.text if label is not None and not label.bullet else ""
        if level is not None:
            kind = "heading"
            if not number:
                number = literal_number(text)
            if number or text:  # an empty heading paragraph opens no section
                section = _qualified(outline, level, trim_number(number) if number else text, bool(number))
                title = text
        elif in_table:
            kind = "table-cell"
        elif label is not None:
            kind = "list-item"
        else:
            kind = "paragraph"

        pid = p.get(PARA_ID)
        if place is not None:
            kind = place.kind
            section, title = place.section, place.section_title
            unique = pid and ids.get(pid) == 1 and pid not in place.taken_ids
            block_id = pid if unique else f"{place.prefix}-p{bi}"
        else:
            block_id = pid if pid and ids.get(pid) == 1 else f"p{bi}"
        blocks.append(
            Block(
                index=bi,
                id=block_id,
                kind=kind,
                style=styles.name(accepted.style or styles.default_paragraph),
                first=first,
                last=last,
                heading_level=level,
                number=number,
                section=section,
                section_title=title,
            )
        )
    return blocks


def _markers(body: etree._Element, run_pos: dict, para_pos: dict, out: Body) -> None:
    """Full-stream offsets of the comment markers, wherever they sit in the body.

    A marker inside a paragraph is at the end of the last counted run before it (the
    paragraph start when there is none); one between paragraphs is after the previous
    paragraph's mark. Only the markers' own surroundings are walked, not the whole body.
    """
    targets = {_COMMENT_START: out.comment_starts, _COMMENT_END: out.comment_ends,
               _COMMENT_REF: out.comment_refs}
    for el in body.iter(_COMMENT_START, _COMMENT_END, _COMMENT_REF):
        cid = el.get(ID)
        if cid is not None:
            targets[el.tag].setdefault(cid, []).append(_marker_pos(el, body, run_pos, para_pos))


def _marker_pos(el: etree._Element, body: etree._Element, run_pos: dict, para_pos: dict) -> int:
    p = next((a for a in el.iterancestors(_P) if a in para_pos), None)
    if p is not None:
        pos = para_pos[p][0]
        for event, x in etree.iterwalk(p, events=("start", "end"), tag=(_R, el.tag)):
            if x is el:
                return pos
            span = run_pos.get(x)
            if span is not None:
                pos = span[0] if event == "start" else span[1]
        return pos
    node = el
    while node is not None and node is not body:
        for prev in node.itersiblings(preceding=True):
            if prev.tag == _P and prev in para_pos:
                return para_pos[prev][1] + 1
            last = None
            for q in prev.iter(_P):
                if q in para_pos:
                    last = q
            if last is not None:
                return para_pos[last][1] + 1
        node = node.getparent()
    return 0
