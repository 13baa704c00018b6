"""A reviewer's copy → proposals placed on the current draft.

- A copy with tracked changes: each run of revisions by one author is one proposal, placed by
  mapping the copy's *rejected* view onto the draft (identity when the copy was made from
  this draft, a word-level alignment otherwise).
- A clean copy (no tracking): the word-level differences between the draft and the copy,
  credited to the sender.
- Word comments: placed on the draft by their anchor.

Where a copy's text differs from the draft at the place of a change (made from another
version), the proposal gets a notice and the default policy leaves it pending.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models.changes import Origin, Proposal, Source
from ..models.document import Document, Revision, Story
from ..models.notices import Notice
from .alignment import Alignment, Hunk
from .three_way import Carrier


@dataclass
class _Hunk:
    start: int  # offsets in the copy's rejected view
    end: int
    old: str
    new: str
    revision: Revision | None


def revision_hunks(copy: Document) -> list[_Hunk]:
    """Contiguous revisions of one author, in rejected-view offsets."""
    hunks: list[_Hunk] = []
    pos = 0
    current: _Hunk | None = None
    for seg in copy.segments:
        changed = seg.inserted is not None or seg.deleted is not None
        if not changed:
            current = None
            pos += len(seg.text)
            continue
        if seg.inserted is not None and seg.deleted is not None:
            continue  # inserted and deleted again: neither view shows it
        revision = seg.deleted or seg.inserted
        if current is None or (current.revision and revision and current.revision.author != revision.author):
            current = _Hunk(pos, pos, "", "", revision)
            hunks.append(current)
        if seg.deleted is not None:
            current.old += seg.text
            current.end += len(seg.text)
            pos += len(seg.text)
        else:
            current.new += seg.text
    return hunks


def proposals_from_copy(copy: Document, draft: Document, origin: Origin,
                        base: Document | None = None, base_name: str = "") -> list[Proposal]:
    """Every change and comment of a reviewer's copy, on the draft's text.

    `base`: the earlier version of the draft the copy was made from (see `three_way`), when
    it is not the current draft; `base_name` names it in notes.
    """
    draft_text = draft.text("accepted")
    if base is not None and base.text("accepted") != draft_text:
        return _from_older_version(copy, draft, base, base_name, origin)
    rejected = copy.text("rejected")
    align = Alignment(draft_text, rejected)
    out: list[Proposal] = []
    if copy.has_revisions:
        for hunk in revision_hunks(copy):
            out.append(_tracked(hunk, align, draft, draft_text, origin))
    else:  # a clean copy: its text is the same in both views, `align` holds the diff already
        for hunk in align.hunks():
            out.append(_placed(draft, origin.proposal(
                source=Source.CLEAN, start=hunk.a_start, end=hunk.a_end, old=hunk.old,
                new=hunk.new, located_by="clean copy"), draft_text))
    return out + _comments_and_stories(copy, draft, draft_text, align, origin)


def _from_older_version(copy: Document, draft: Document, base: Document, base_name: str,
                        origin: Origin) -> list[Proposal]:
    """A copy of an earlier version: its changes against that version, carried onto the draft."""
    draft_text, base_text = draft.text("accepted"), base.text("accepted")
    carrier = Carrier(base_text, draft_text)
    made_from = f"made from {base_name or 'an earlier version'}"
    out: list[Proposal] = []
    if copy.has_revisions:
        to_base = Alignment(base_text, copy.text("rejected"))
        for hunk in revision_hunks(copy):
            start, _ = to_base.to_a(hunk.start)
            end, _ = to_base.to_a(hunk.end)
            rev = hunk.revision
            author = _credit(origin, rev)
            out.append(_carried(carrier, Hunk(start, max(start, end), base_text[start:max(start, end)], hunk.new),
                                draft, draft_text, origin, Source.TRACKED, made_from, author=author,
                                date=(rev.date if rev and rev.date else origin.received)))
    else:
        for hunk in Alignment(base_text, copy.text("accepted")).hunks():
            out.append(_carried(carrier, hunk, draft, draft_text, origin, Source.CLEAN, made_from))
    align = Alignment(draft_text, copy.text("rejected"))
    return out + _comments_and_stories(copy, draft, draft_text, align, origin)


def _comments_and_stories(copy: Document, draft: Document, draft_text: str, align: Alignment,
                          origin: Origin) -> list[Proposal]:
    """The copy's Word comments (placed through `align`) and its changes outside the body."""
    out = [_comment(comment, copy, align, draft, draft_text, origin) for comment in copy.comments]
    drafts_stories = {s.name: s for s in draft.stories}
    for story in copy.stories:
        out += _story_changes(story, drafts_stories.get(story.name), origin)
    return out


def _credit(origin: Origin, rev: Revision | None) -> str:
    """Who a tracked change is credited to: the member's organisation, else the Word author."""
    return origin.credited if origin.organisation else (rev.author if rev and rev.author else origin.credited)


def _carried(carrier: Carrier, hunk: Hunk, draft: Document, draft_text: str, origin: Origin, source: Source,
             made_from: str, **fields) -> Proposal:
    moved = carrier.carry(hunk)
    notices = []
    if moved.conflict:
        notices = [Notice(f"conflict: {made_from}, and the secretariat has since rewritten this text "
                          f"(the current draft reads {moved.secretariat_text!r}): the secretariat decides")]
    how = "tracked change" if source == Source.TRACKED else "clean copy"
    proposal = origin.proposal(
        source=source, start=moved.start, end=moved.end, old=moved.old, new=moved.new,
        located_by=f"{how}, {made_from}",
        comment=f"({made_from}) was {hunk.old!r}" if moved.conflict else "",
        notices=tuple(notices), stale_conflict=moved.conflict, **fields)
    return _placed(draft, proposal, draft_text)


def _story_changes(story: Story, draft_story: Story | None, origin: Origin) -> list[Proposal]:
    """Changes to a footnote, header or footer: listed for the secretariat, not applied (the
    redline carries changes to the body text only). Tracked changes as recorded; in a clean
    copy, the differences from the draft's story of the same name."""
    section = story.document.blocks[0].section if story.document.blocks else ""
    note = (Notice(f"a change to the {story.name}: apply it by hand if accepted"),)
    out = []
    if story.document.has_revisions:
        for hunk in revision_hunks(story.document):
            rev = hunk.revision
            author = _credit(origin, rev)
            out.append(origin.proposal(
                source=Source.TRACKED, start=None, end=None, old=hunk.old, new=hunk.new,
                located_by=story.name, author=author, date=(rev.date if rev and rev.date else origin.received),
                comment=f"tracked change in the {story.name}", notices=note,
            ).with_(section=section))
    elif draft_story is not None:
        for hunk in Alignment(draft_story.document.text("accepted"), story.document.text("accepted")).hunks():
            out.append(origin.proposal(
                source=Source.CLEAN, start=None, end=None, old=hunk.old, new=hunk.new,
                located_by=story.name, comment=f"edit of the {story.name}", notices=note,
            ).with_(section=section))
    return out


def _tracked(hunk: _Hunk, align: Alignment, draft: Document, draft_text: str, origin: Origin) -> Proposal:
    start, s_out = align.to_a(hunk.start)
    end, e_out = align.to_a(hunk.end)
    rev = hunk.revision
    notices = []
    if draft_text[start:end] != hunk.old or s_out or e_out:
        notices.append(Notice("the copy's text here differs from the current draft "
                              "(made from another version?): left for the secretariat"))
    author = _credit(origin, rev)
    return _placed(draft, origin.proposal(
        source=Source.TRACKED, start=start, end=max(start, end), old=draft_text[start:max(start, end)],
        new=hunk.new, located_by="tracked change", author=author,
        date=(rev.date if rev and rev.date else origin.received),
        comment="" if not rev or not rev.author else f"Word author: {rev.author}",
        notices=tuple(notices)), draft_text)


def _comment(comment, copy: Document, align: Alignment, draft: Document, draft_text: str, origin: Origin) -> Proposal:
    notices = list(comment.notices)
    if comment.story:
        start = end = None
        located = comment.story
    elif comment.start is None:
        start = end = None
        located = "general"
        notices.append(Notice("the comment's place in the text is missing"))
    else:
        start, _ = align.to_a(copy.to_view(comment.start, "rejected"))
        end, _ = align.to_a(copy.to_view(comment.end if comment.end is not None else comment.start, "rejected"))
        end = max(start, end)
        located = "word anchor"
    text = comment.text
    if comment.parent is not None:
        text = f"(reply to comment {comment.parent}) {text}"
    if comment.resolved:
        notices.append(Notice("marked resolved in the member's copy"))
    author = origin.credited if origin.organisation else (comment.author or origin.credited)
    proposal = origin.proposal(
        source=Source.COMMENT, start=start, end=end, old=draft_text[start:end] if start is not None else "",
        new=None, comment=text, anchor=comment.anchor, located_by=located, author=author,
        date=comment.date or origin.received, notices=tuple(notices))
    if start is None:
        return proposal.with_(section=comment.section) if comment.section else proposal
    return _placed(draft, proposal, draft_text)


def _placed(draft: Document, proposal: Proposal, draft_text: str) -> Proposal:
    """Fill in block id and section from the draft."""
    block = block_for(draft, proposal.start)
    return proposal.with_(block_id=block.id, section=block.section) if block else proposal


def block_for(draft: Document, offset: int | None):
    """The draft block holding an offset of the draft's text (None for None)."""
    if offset is None or not draft.blocks:
        return None
    starts = draft.block_starts("accepted")
    import bisect

    k = max(0, bisect.bisect_right(starts, offset) - 1)
    return draft.blocks[min(k, len(draft.blocks) - 1)]
