"""`word/comments.xml` and `word/commentsExtended.xml`: reviewers' Word comments.

A comment's body is in comments.xml; where it applies is marked in the body by
`w:commentRangeStart`/`w:commentRangeEnd` with the same `w:id` (found by the body reader,
as full-stream offsets). Replies and the "resolved" flag are in commentsExtended.xml,
keyed by the `w14:paraId` of the comment's last paragraph. Comment ids are their own
numbering: LibreOffice numbers comments and revisions from 0 both, so the same id may
appear on a `w:ins` — they are never mixed here.

A comment is never dropped: a missing or half range leaves a notice on the comment.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ...models.document import Document, WordComment
from ...models.notices import Notice
from ...ooxml.names import AUTHOR, DATE, ID, PARA_ID, qn
from ...ooxml.text import body_paragraphs, paragraph_runs, run_text
from .body import Body, parse_date

_COMMENT, _INITIALS = qn("w:comment"), qn("w:initials")
_COMMENT_EX = qn("w15:commentEx")
_W15_PARA_ID, _W15_PARENT, _W15_DONE = qn("w15:paraId"), qn("w15:paraIdParent"), qn("w15:done")


def _comment_text(el: etree._Element) -> tuple[str, str | None]:
    """The comment's text (paragraphs joined with "\\n") and its last paragraph's paraId."""
    paragraphs = body_paragraphs(el)
    text = "\n".join("".join(run_text(r) for r in paragraph_runs(p)) for p in paragraphs)
    last = paragraphs[-1].get(PARA_ID) if paragraphs else None
    return text.strip(), last


def _threads(extended: etree._Element | None) -> dict[str, tuple[str | None, bool]]:
    """paraId -> (parent paraId, done) from commentsExtended.xml."""
    out: dict[str, tuple[str | None, bool]] = {}
    if extended is None:
        return out
    for el in extended.iter(_COMMENT_EX):
        pid = el.get(_W15_PARA_ID)
        if pid:
            out[pid] = (el.get(_W15_PARENT), el.get(_W15_DONE, "0") in ("1", "true", "on"))
    return out


@dataclass(frozen=True)
class Where:
    """A text a comment may be anchored in: the body (story "") or a note, header or footer."""

    body: Body  # its comment markers
    doc: Document
    story: str = ""
    section: str = ""

    def markers(self, cid: str) -> tuple[list[int], list[int], list[int]]:
        return (self.body.comment_starts.get(cid, []), self.body.comment_ends.get(cid, []),
                self.body.comment_refs.get(cid, []))


def _rejected_slice(doc: Document, start: int, end: int) -> str:
    return doc.text("rejected")[doc.to_view(start, "rejected"): doc.to_view(end, "rejected")]


def read_comments(
    root: etree._Element | None,
    extended: etree._Element | None,
    places: list[Where],
) -> tuple[list[WordComment], list[Notice]]:
    """The comments with their anchors; `places[0]` is the body, the rest are stories."""
    notices: list[Notice] = []
    if root is None:
        if any(w.body.comment_starts or w.body.comment_refs for w in places):
            notices.append(Notice("the text marks comments but the file has no comments part"))
        return [], notices

    accepted = {id(w): w.doc.text("accepted") for w in places}
    threads = _threads(extended)
    raw = []  # (id, element, text, last paraId)
    seen: set[str] = set()
    for el in root.iter(_COMMENT):
        cid = el.get(ID)
        if cid is None:
            notices.append(Notice("a comment without an id was skipped"))
            continue
        if cid in seen:
            notices.append(Notice(f"two comments share the id {cid}; both are kept"))
        seen.add(cid)
        text, last_para = _comment_text(el)
        raw.append((cid, el, text, last_para))
    by_para = {para: cid for cid, _, _, para in raw if para}

    comments = []
    for cid, el, text, last_para in raw:
        where = f"comment {cid}"
        own: list[Notice] = []
        date, ok = parse_date(el.get(DATE))
        if not ok:
            own.append(Notice(f"its date {el.get(DATE)!r} is not a valid date; kept undated", where))
        author = el.get(AUTHOR) or ""
        if not author:
            own.append(Notice("it has no author name", where))

        where_found = next((w for w in places if any(w.markers(cid))), places[0])
        starts, ends, refs = where_found.markers(cid)
        doc = where_found.doc
        start = end = None
        if starts and ends:
            start, end = starts[0], ends[-1]
            if end < start:
                own.append(Notice("its range ends before it starts; the two ends were swapped", where))
                start, end = end, start
            if len(starts) > 1 or len(ends) > 1:
                own.append(Notice("its range is marked more than once; the widest range was kept", where))
        elif starts or ends:
            start = end = (starts or ends)[0]
            own.append(Notice(
                "only one end of its range is marked in the text; it is anchored at that point", where))
        elif refs:
            start = end = refs[0]
            own.append(Notice("no text range is marked; it is anchored where its mark sits", where))
        else:
            own.append(Notice("it is not anchored anywhere in the text", where))
        anchor = ""
        block_ids: tuple[str, ...] = ()
        section = ""
        if start is not None and end is not None:
            view_text = accepted[id(where_found)]
            anchor = view_text[doc.to_view(start, "accepted"): doc.to_view(end, "accepted")]
            if not anchor.strip() and end > start:  # on text deleted since: what it was
                anchor = doc.full_text[start:end] if not doc.has_revisions else _rejected_slice(doc, start, end)
            first, last = doc.block_at(start), doc.block_at(max(start, end - 1) if end > start else end)
            block_ids = tuple(b.id for b in doc.blocks[first.index: last.index + 1])
            section = where_found.section or first.section
        if where_found.story:
            own.append(Notice(f"it is on the text of the {where_found.story}", where))
            start = end = None

        parent = None
        resolved = False
        if last_para and last_para in threads:
            parent_para, resolved = threads[last_para]
            if parent_para:
                parent = by_para.get(parent_para)
                if parent is None:
                    own.append(Notice("it replies to a comment that is not in the file", where))
        initials = el.get(_INITIALS) or ""
        comments.append(
            WordComment(
                id=cid,
                author=author,
                initials=initials,
                date=date,
                text=text,
                anchor=anchor,
                start=start,
                end=end,
                parent=parent,
                resolved=resolved,
                notices=tuple(own),
                block_ids=block_ids,
                story=where_found.story,
                section=section,
            )
        )
    known = {c.id for c in comments}
    marked = set()
    for w in places:
        marked |= set(w.body.comment_starts) | set(w.body.comment_ends) | set(w.body.comment_refs)
    orphans = sorted(marked - known, key=lambda i: (len(i), i))
    if orphans:
        notices.append(Notice(f"the text marks comment(s) {', '.join(orphans)} that are not in the comments part"))
    return comments, notices
