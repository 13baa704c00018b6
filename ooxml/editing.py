"""Edit the body of a document.xml at character offsets, tracked or not.

Offsets count the text of the body as `ooxml.text` defines it (runs in deleted revisions are
not counted, every paragraph ends with one "\\n"), i.e. the accepted view of the draft, which
is what proposals are placed on.

`BodyEditor` first cuts runs at every offset it will need (`prepare`), then applies edits
from the end of the document backwards so earlier offsets stay valid:

- `replace(start, end, new, revision)`: tracked (`w:del` + `w:ins` credited to the revision's
  author) or applied in place (`revision=None`). "\\n" in `new` makes new paragraphs; a range
  across paragraph marks joins paragraphs;
- `comment(start, end, comment_id)`: range markers and the reference run.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timezone

from lxml import etree

from .names import DEL, DEL_TEXT, INS, MOVE_FROM, MOVE_TO, P, PPR, R, RPR, T, XML_SPACE, qn
from .text import body_paragraphs, revision_wrappers, run_text, runs_with_text

_INSTR, _DEL_INSTR = qn("w:instrText"), qn("w:delInstrText")
_WRAPPERS = {INS, DEL, MOVE_FROM, MOVE_TO}
_CHAR_CHILDREN = {qn(t) for t in ("w:tab", "w:ptab", "w:br", "w:cr", "w:noBreakHyphen", "w:softHyphen", "w:sym")}
_PLACEHOLDER = "{urn:redraft}point"
_PARA_RPR_FIRST = {qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo")}


@dataclass(frozen=True)
class RevisionMark:
    """Author and date written on a `w:ins`/`w:del`."""

    author: str
    date: datetime | None


@dataclass
class _Run:
    element: etree._Element
    start: int  # offset within its paragraph
    end: int


class BodyEditor:
    """Offsets → runs for one document.xml root; edits in place."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.body = root.find(qn("w:body"))
        self.paragraphs = body_paragraphs(self.body)
        self._next_id = 1 + max(
            (int(el.get(qn("w:id"))) for el in root.iter(INS, DEL, MOVE_FROM, MOVE_TO)
             if (el.get(qn("w:id")) or "").isdigit()),
            default=0,
        )
        self._index()

    # -- offsets -------------------------------------------------------------------------

    def _index(self, dirty: range | set[int] | None = None) -> None:
        """Map offsets to runs again: every paragraph, or only the `dirty` ones (an edit
        changes its own paragraphs; the others only move, which `starts` records)."""
        if dirty is None:
            self.runs = [self._paragraph_runs(p) for p in self.paragraphs]
        else:
            for k in dirty:
                if 0 <= k < len(self.paragraphs):
                    self.runs[k] = self._paragraph_runs(self.paragraphs[k])
        self.starts = []
        pos = 0
        for runs in self.runs:
            self.starts.append(pos)
            pos += (runs[-1].end if runs else 0) + 1
        self.length = pos

    @staticmethod
    def _paragraph_runs(p: etree._Element) -> list[_Run]:
        """The runs of one paragraph that show in the accepted text, with their offsets."""
        local, runs = 0, []
        for r, text in runs_with_text(p):
            if r.getparent() is not p and any(w.tag in (DEL, MOVE_FROM) for w in revision_wrappers(r, p)):
                continue
            n = len(text)
            runs.append(_Run(r, local, local + n))
            local += n
        return runs

    @property
    def text(self) -> str:
        parts = []
        for runs in self.runs:
            parts.append("".join(run_text(r.element) for r in runs) + "\n")
        return "".join(parts)

    def locate(self, offset: int) -> tuple[int, int]:
        """(paragraph index, offset within it) of a body offset; the mark is at len(text)."""
        if not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} outside the body (0..{self.length})")
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo, offset - self.starts[lo]

    def prepare(self, offsets: list[int]) -> None:
        """Cut runs so every offset falls between two runs."""
        by_para: dict[int, set[int]] = {}
        for offset in offsets:
            i, local = self.locate(min(offset, self.length - 1))
            by_para.setdefault(i, set()).add(local)
        for i, cuts in by_para.items():
            for run in list(self.runs[i]):
                inner = sorted(c for c in cuts if run.start < c < run.end)
                element = run.element
                for cut in reversed(inner):
                    _split_run(element, cut - run.start)
        self._index(set(by_para))

    def _run_ending_at(self, i: int, local: int) -> _Run | None:
        for run in self.runs[i]:
            if run.end == local and run.end > run.start:
                return run
        return None

    def _run_starting_at(self, i: int, local: int) -> _Run | None:
        for run in self.runs[i]:
            if run.start == local and run.end > run.start:
                return run
        return None

    def _runs_within(self, i: int, start: int, end: int) -> list[_Run]:
        return [r for r in self.runs[i] if start <= r.start and r.end <= end and r.end > r.start]

    # -- insertion points ----------------------------------------------------------------

    def _point(self, i: int, local: int, outside_revisions: bool = False):
        """(parent, index) at which to insert something at a paragraph offset."""
        p = self.paragraphs[i]
        before = self._run_ending_at(i, local)
        if before is not None:
            node = _lift(before.element, p) if outside_revisions else before.element
            return node.getparent(), node.getparent().index(node) + 1
        after = self._run_starting_at(i, local)
        if after is not None:
            node = _lift(after.element, p) if outside_revisions else after.element
            return node.getparent(), node.getparent().index(node)
        ppr = p.find(PPR)
        return p, (p.index(ppr) + 1 if ppr is not None else 0) if not len(self.runs[i]) else len(p)

    def _style_run(self, i: int, local: int) -> etree._Element | None:
        """The run whose formatting new text at this point should take."""
        run = (self._run_ending_at(i, local) or self._run_starting_at(i, local)
               or (self.runs[i][0] if self.runs[i] else None))
        return run.element if run is not None else None

    def _new_run(self, text: str, like: etree._Element | None, deleted: bool = False) -> etree._Element:
        run = etree.Element(R)
        if like is not None and like.find(RPR) is not None:
            run.append(copy.deepcopy(like.find(RPR)))
        for piece in _text_children(text, deleted):
            run.append(piece)
        return run

    def _wrap(self, tag: str, mark: RevisionMark) -> etree._Element:
        wrapper = etree.Element(tag)
        wrapper.set(qn("w:id"), str(self._next_id))
        self._next_id += 1
        wrapper.set(qn("w:author"), mark.author or "Unknown")
        if mark.date is not None:
            wrapper.set(qn("w:date"), _iso(mark.date))
        return wrapper

    # -- edits ---------------------------------------------------------------------------

    def replace(self, start: int, end: int, new: str, mark: RevisionMark | None) -> None:
        """Replace body[start:end] by `new`; tracked when `mark` is given."""
        i, a = self.locate(start)
        j, b = self.locate(end)
        count = len(self.paragraphs)
        lines = new.split("\n")
        first = self._runs_within(i, a, b if i == j else len(self._para_text(i)))
        # where the new text goes: after the deleted text (tracked) or in its place. A
        # placeholder holds the spot, since deleting may add elements (a w:pPr) before it.
        placeholder = etree.Element(_PLACEHOLDER)
        if first and mark is not None:
            first[-1].element.addnext(placeholder)
        elif first:
            first[0].element.addprevious(placeholder)
        else:
            parent, index = self._point(i, a, outside_revisions=True)
            parent.insert(index, placeholder)
        # 1. delete, from the last paragraph back to the first
        for k in range(j, i - 1, -1):
            lo = a if k == i else 0
            hi = b if k == j else len(self._para_text(k))
            for run in self._runs_within(k, lo, hi):
                self._delete_run(run.element, mark)
            if k < j:  # this paragraph's mark is deleted: it joins the next
                self._delete_mark(k, mark)
        if placeholder.getparent().tag in _WRAPPERS and mark is not None:
            _lift_out(placeholder, self.paragraphs[i])
        point_parent = placeholder.getparent()
        point_index = point_parent.index(placeholder)
        point_parent.remove(placeholder)
        # 2. the first line at the point
        if lines[0]:
            like = first[0].element if first else self._style_run(i, a)
            node = self._new_run(lines[0], like)
            if mark is not None:
                wrapper = self._wrap(INS, mark)
                wrapper.append(node)
                node = wrapper
            point_parent.insert(point_index, node)
            point_index += 1
        # 3. further lines: new paragraphs after the point
        if len(lines) > 1:
            self._split(i, a, point_parent, point_index, lines[1:], mark)
        self._index(range(i, j + len(self.paragraphs) - count + 1))

    def _para_text(self, i: int) -> str:
        return "".join(run_text(r.element) for r in self.runs[i])

    def _delete_run(self, run: etree._Element, mark: RevisionMark | None) -> None:
        parent = run.getparent()
        if mark is None:
            parent.remove(run)
            return
        for child in run:
            if child.tag == T:
                child.tag = DEL_TEXT
            elif child.tag == _INSTR:
                child.tag = _DEL_INSTR
        wrapper = self._wrap(DEL, mark)
        parent.replace(run, wrapper)
        wrapper.append(run)

    def _delete_mark(self, i: int, mark: RevisionMark | None) -> None:
        p = self.paragraphs[i]
        if mark is not None:
            _mark_rpr(p).insert(0, self._wrap(DEL, mark))
            return
        nxt = self.paragraphs[i + 1]
        for child in list(nxt):
            if child.tag != PPR:
                p.append(child)
        nxt.getparent().remove(nxt)
        self.paragraphs.pop(i + 1)
        self.runs[i] = self.runs[i] + self.runs.pop(i + 1)

    def _split(self, i: int, local: int, parent, index: int, lines: list[str], mark: RevisionMark | None) -> None:
        """Split paragraph i at (parent, index); `lines` go into new paragraphs.

        The original paragraph keeps the content before the point and gets a new (inserted)
        mark; the last new paragraph takes the rest of the content and the original mark.
        Rejecting the inserted marks joins everything back.
        """
        p = self.paragraphs[i]
        style_like = self._style_run(i, local)
        tail_children = _children_after(p, parent, index)
        ppr = p.find(PPR)
        new_paragraphs = []
        for line in lines:
            para = etree.Element(P)
            if ppr is not None:
                para.append(_plain_ppr(ppr))
            if line:
                run = self._new_run(line, style_like)
                if mark is not None:
                    wrapper = self._wrap(INS, mark)
                    wrapper.append(run)
                    run = wrapper
                para.append(run)
            new_paragraphs.append(para)
        tail = new_paragraphs[-1]
        for child in tail_children:
            tail.append(child)
        if ppr is not None:  # the tail keeps the original mark; p gets a copy
            tail.replace(tail.find(PPR), ppr)
            p.insert(0, _plain_ppr(ppr))
        if mark is not None:
            _mark_rpr(p).insert(0, self._wrap(INS, mark))
            for para in new_paragraphs[:-1]:
                _mark_rpr(para).insert(0, self._wrap(INS, mark))
        anchor = p
        for para in new_paragraphs:
            anchor.addnext(para)
            anchor = para
        self.paragraphs[i + 1 : i + 1] = new_paragraphs
        self.runs[i + 1 : i + 1] = [[] for _ in new_paragraphs]

    # -- comments ------------------------------------------------------------------------

    def comment(self, start: int, end: int, comment_id: str) -> None:
        """Anchor comment `comment_id` on body[start:end] (a point when start == end)."""
        i, a = self.locate(start)
        j, b = self.locate(end)
        range_start = etree.Element(qn("w:commentRangeStart"))
        range_start.set(qn("w:id"), comment_id)
        range_end = etree.Element(qn("w:commentRangeEnd"))
        range_end.set(qn("w:id"), comment_id)
        reference = etree.Element(R)
        ref = etree.SubElement(reference, qn("w:commentReference"))
        ref.set(qn("w:id"), comment_id)
        parent, index = self._start_point(i, a)
        parent.insert(index, range_start)
        parent, index = self._point(j, b, outside_revisions=True)
        parent.insert(index, reference)
        parent.insert(index, range_end)
        self._index({i, j})

    def _start_point(self, i: int, local: int):
        after = self._run_starting_at(i, local)
        if after is not None:
            node = _lift(after.element, self.paragraphs[i])
            return node.getparent(), node.getparent().index(node)
        return self._point(i, local, outside_revisions=True)

    def remove_comments(self) -> None:
        """Drop every comment range marker and reference (for the clean merged draft)."""
        for tag in ("w:commentRangeStart", "w:commentRangeEnd"):
            for el in list(self.root.iter(qn(tag))):
                el.getparent().remove(el)
        for ref in list(self.root.iter(qn("w:commentReference"))):
            run = ref.getparent()
            run.remove(ref)
            if run.tag == R and not [c for c in run if c.tag != RPR]:
                run.getparent().remove(run)
        self._index()


# -- element helpers ---------------------------------------------------------------------

def _iso(moment: datetime) -> str:
    """w:date form: UTC with a Z (naive datetimes are taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

def _lift(node: etree._Element, paragraph: etree._Element) -> etree._Element:
    """Climb out of revision wrappers (so new content is not inside someone's del/ins)."""
    while node.getparent() is not None and node.getparent() is not paragraph and node.getparent().tag in _WRAPPERS:
        node = node.getparent()
    return node


def _lift_out(node: etree._Element, paragraph: etree._Element) -> None:
    """Move `node` out of the revision wrappers around it, just after them."""
    parent = node.getparent()
    while parent is not paragraph and parent.tag in _WRAPPERS:
        parent.remove(node)
        parent.addnext(node)
        parent = node.getparent()


def _text_children(text: str, deleted: bool) -> list[etree._Element]:
    """Run children for `text`: w:t (or w:delText) pieces, w:tab and w:br."""
    out, buf = [], []

    def flush():
        if buf:
            t = etree.Element(DEL_TEXT if deleted else T)
            t.text = "".join(buf)
            t.set(XML_SPACE, "preserve")
            out.append(t)
            buf.clear()

    for ch in text:
        if ch == "\t":
            flush()
            out.append(etree.Element(qn("w:tab")))
        elif ch == "\v":
            flush()
            out.append(etree.Element(qn("w:br")))
        else:
            buf.append(ch)
    flush()
    return out


def _split_run(run: etree._Element, at: int) -> etree._Element:
    """Split a run after `at` characters; returns the new second run (placed after it)."""
    second = etree.Element(R)
    for name, value in run.attrib.items():
        second.set(name, value)
    rpr = run.find(RPR)
    if rpr is not None:
        second.append(copy.deepcopy(rpr))
    seen = 0
    moving = False
    for child in list(run):
        if child.tag == RPR:
            continue
        if moving:
            second.append(child)
            continue
        text = _child_len(child)
        if seen + text <= at:
            seen += text
            if seen == at:
                moving = True
            continue
        # the cut falls inside this text element
        keep = at - seen
        tail = copy.deepcopy(child)
        child.text = (child.text or "")[:keep]
        tail.text = (tail.text or "")[keep:]
        child.set(XML_SPACE, "preserve")
        tail.set(XML_SPACE, "preserve")
        second.append(tail)
        moving = True
        seen = at
    run.addnext(second)
    return second


def _child_len(child: etree._Element) -> int:
    from .text import child_text

    return len(child_text(child))


def _mark_rpr(p: etree._Element) -> etree._Element:
    """The paragraph mark's run properties (`w:pPr/w:rPr`), created where missing."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = etree.Element(PPR)
        p.insert(0, ppr)
    rpr = ppr.find(RPR)
    if rpr is None:
        rpr = etree.Element(RPR)
        # w:rPr sits before w:sectPr and w:pPrChange at the end of pPr
        tail = [c for c in ppr if c.tag in (qn("w:sectPr"), qn("w:pPrChange"))]
        if tail:
            tail[0].addprevious(rpr)
        else:
            ppr.append(rpr)
    return rpr


def _plain_ppr(ppr: etree._Element) -> etree._Element:
    """A copy of paragraph properties without mark revisions or section breaks."""
    clone = copy.deepcopy(ppr)
    for child in list(clone):
        if child.tag in (qn("w:sectPr"), qn("w:pPrChange")):
            clone.remove(child)
    rpr = clone.find(RPR)
    if rpr is not None:
        for child in list(rpr):
            if child.tag in _PARA_RPR_FIRST:
                rpr.remove(child)
    return clone


def _children_after(p: etree._Element, parent: etree._Element, index: int) -> list[etree._Element]:
    """Detach and return the paragraph's content after the point (parent, index).

    When the point is inside a hyperlink or other container, that container is split.
    """
    moved: list[etree._Element] = []
    node_parent, node_index = parent, index
    while True:
        rest = list(node_parent)[node_index:]
        for child in rest:
            node_parent.remove(child)
        moved = rest if node_parent is p else moved
        if node_parent is p:
            return moved
        # split the container: its tail part becomes a copy holding the rest
        container = node_parent
        twin = etree.Element(container.tag, attrib=dict(container.attrib))
        for child in rest:
            twin.append(child)
        grand = container.getparent()
        grand.insert(grand.index(container) + 1, twin)
        node_parent, node_index = grand, grand.index(container) + 1
