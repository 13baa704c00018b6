"""Write the draft with edits and comments: the redline, proposals and merged documents.

One function serves all three, so the redline's "accept all" and the merged draft cannot
drift apart: the merged draft is the same edits applied untracked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..ooxml.comments_part import CommentBody, add_comments, next_comment_id, remove_all_comments
from ..ooxml.editing import BodyEditor, RevisionMark
from ..ooxml.package import Package, parse_xml, to_xml


@dataclass(frozen=True)
class Edit:
    """Replace draft[start:end] by `new`, credited to `author`."""

    start: int
    end: int
    new: str
    author: str
    date: datetime | None


@dataclass(frozen=True)
class Note:
    """A comment on draft[start:end] (a point when start == end)."""

    start: int
    end: int
    text: str
    author: str
    date: datetime | None
    initials: str = ""


def overlapping(edits: list[Edit]) -> list[tuple[Edit, Edit]]:
    """Pairs of edits that touch the same text (callers must not pass any)."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    pairs = []
    for a, b in zip(ordered, ordered[1:]):
        if b.start < a.end or (a.start == a.end == b.start == b.end):
            pairs.append((a, b))
    return pairs


def write_revised(draft: bytes, edits: list[Edit], notes: list[Note], *, tracked: bool) -> bytes:
    """The draft with `edits` (tracked or applied) and `notes` as Word comments.

    Untracked output (the merged draft) carries no comments at all: it is the clean text.
    """
    clash = overlapping(edits)
    if clash:
        raise ValueError(f"overlapping edits cannot both be applied: {clash[0]}")
    package = Package(draft)
    root = parse_xml(package.parts[package.main])
    editor = BodyEditor(root)
    editor.prepare([x for e in edits for x in (e.start, e.end)] + [x for n in notes for x in (n.start, n.end)])
    if tracked:
        first_id = next_comment_id(package)
        bodies = {}
        for n, note in enumerate(sorted(notes, key=lambda n: (n.start, n.end))):
            cid = first_id + n
            editor.comment(note.start, note.end, str(cid))
            bodies[cid] = CommentBody(note.author, note.initials, note.date, note.text)
        add_comments(package, bodies)
    else:
        editor.remove_comments()
        remove_all_comments(package)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        mark = RevisionMark(edit.author, edit.date) if tracked else None
        editor.replace(edit.start, edit.end, edit.new, mark)
    package.parts[package.main] = to_xml(root)
    return package.to_bytes()


def draft_text(draft: bytes) -> str:
    """The draft's text as the writer counts it (for checks and tests)."""
    package = Package(draft)
    return BodyEditor(parse_xml(package.parts[package.main])).text
