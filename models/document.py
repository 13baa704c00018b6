"""A Word document as plain data: blocks of text segments, tracked revisions, comments.

The whole body is one sequence of segments. Each paragraph (also inside tables) is a block
whose last segment is its paragraph mark, written "\\n". A segment carries the revision
that inserted and/or deleted it, so two views follow without XML:

- the *accepted* view: every segment not deleted;
- the *rejected* view: every segment not inserted (the text before anyone's changes).

Positions in a document (comment anchors, change spans) are offsets into the *full stream*,
the concatenation of every segment; `Document.to_view` maps them into a view.

Text outside the body (footnotes, endnotes, headers, footers) is read into `stories`, each a
small `Document` of its own, so body offsets stay those of the body alone. Changes that do
not change text (formatting, numbering, table properties) are listed in `format_changes`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Literal

from .notices import Notice

View = Literal["accepted", "rejected"]

PARAGRAPH_MARK = "\n"


@dataclass(frozen=True)
class Revision:
    """Who changed something and when (a `w:ins`, `w:del`, move or formatting change)."""

    # text: "ins" | "del" | "moveTo" | "moveFrom"; tables: "row-ins" | "row-del" |
    # "cell-ins" | "cell-del"; no text: "run-format" | "paragraph-format" | "numbering" |
    # "table-format" | "section-format"
    kind: str
    author: str
    date: datetime | None
    id: str = ""


@dataclass(frozen=True)
class Segment:
    """A piece of text with one revision state. `block` is its block's index."""

    text: str
    block: int
    inserted: Revision | None = None
    deleted: Revision | None = None
    is_mark: bool = False

    def visible(self, view: View) -> bool:
        return self.deleted is None if view == "accepted" else self.inserted is None


@dataclass(frozen=True)
class Block:
    """A paragraph of the body (or of a table cell), with where it sits in the outline."""

    index: int
    id: str  # w14:paraId where Word wrote one, else "p<index>"
    # "paragraph" | "heading" | "list-item" | "table-cell" | "footnote" | "endnote" | "header" | "footer"
    kind: str
    style: str
    first: int  # index of its first segment in Document.segments
    last: int  # index of its paragraph-mark segment
    heading_level: int | None = None
    number: str = ""  # the number shown before it, e.g. "4.2" (computed or typed)
    section: str = ""  # the section it belongs to, e.g. "4.2"; "" before any heading
    section_title: str = ""


@dataclass(frozen=True)
class WordComment:
    """A reviewer's Word comment with its anchor (full-stream offsets)."""

    id: str
    author: str
    initials: str
    date: datetime | None
    text: str
    anchor: str  # the anchored text as the reviewer saw it (accepted view)
    start: int | None  # full-stream offsets; None when the range markers are missing
    end: int | None
    parent: str | None = None  # id of the comment this one replies to
    resolved: bool = False
    notices: tuple[Notice, ...] = ()
    block_ids: tuple[str, ...] = ()  # the blocks its range touches
    story: str = ""  # "" in the body, else where it sits, e.g. "footnote 2" (start/end are then None)
    section: str = ""  # the section it belongs to (for a story: where the story is referenced)


@dataclass(frozen=True)
class FormatChange:
    """A tracked change that changes no text: formatting, numbering, table or section properties."""

    block: int  # index of the block it applies to (for tables: their first block)
    revision: Revision
    text: str  # the text it applies to (a run's text, or the block's text)
    detail: str = ""  # what changed, e.g. "bold added" or "style Heading 2 (was Normal)"


@dataclass(frozen=True)
class Document:
    """A parsed .docx body."""

    blocks: tuple[Block, ...]
    segments: tuple[Segment, ...]
    comments: tuple[WordComment, ...] = ()
    notices: tuple[Notice, ...] = ()
    sha256: str = ""
    source: str = ""
    properties: dict = field(default_factory=dict, compare=False)  # core properties (author, title)
    format_changes: tuple[FormatChange, ...] = ()
    stories: tuple[Story, ...] = ()

    @cached_property
    def _view_starts(self) -> dict[str, list[int]]:
        """Per view, the view offset at which each segment starts (for `to_view`)."""
        out = {}
        for view in ("accepted", "rejected"):
            starts, pos = [], 0
            for seg in self.segments:
                starts.append(pos)
                if seg.visible(view):
                    pos += len(seg.text)
            starts.append(pos)
            out[view] = starts
        return out

    @cached_property
    def _starts(self) -> list[int]:
        """Full-stream offset at which each segment starts."""
        starts, pos = [], 0
        for seg in self.segments:
            starts.append(pos)
            pos += len(seg.text)
        starts.append(pos)
        return starts

    @property
    def full_text(self) -> str:
        return "".join(s.text for s in self.segments)

    def text(self, view: View) -> str:
        """The body as one string in a view; paragraphs end with "\\n"."""
        return "".join(s.text for s in self.segments if s.visible(view))

    def block_text(self, block: Block, view: View) -> str:
        """A block's text in a view, without its paragraph mark."""
        return "".join(
            s.text for s in self.segments[block.first : block.last] if s.visible(view)
        )

    @property
    def has_revisions(self) -> bool:
        return any(s.inserted or s.deleted for s in self.segments)

    def to_view(self, offset: int, view: View) -> int:
        """Map a full-stream offset to the same place in a view."""
        i = bisect.bisect_right(self._starts, offset) - 1
        i = max(0, min(i, len(self.segments)))
        pos = self._view_starts[view][i]
        if i < len(self.segments) and self.segments[i].visible(view):
            pos += offset - self._starts[i]
        return pos

    def block_at(self, offset: int) -> Block:
        """The block holding a full-stream offset."""
        i = bisect.bisect_right(self._starts, offset) - 1
        i = max(0, min(i, len(self.segments) - 1))
        return self.blocks[self.segments[i].block]

    def block_revisions(self, block: Block) -> list[Revision]:
        """The distinct revisions touching a block's text or mark, in order of appearance."""
        seen: dict[int, Revision] = {}
        for seg in self.segments[block.first : block.last + 1]:
            for rev in (seg.inserted, seg.deleted):
                if rev is not None and id(rev) not in seen:
                    seen[id(rev)] = rev
        return list(seen.values())

    def block_starts(self, view: View) -> list[int]:
        """Offset in the view's text where each block starts."""
        starts, pos = [], 0
        for block in self.blocks:
            starts.append(pos)
            pos += sum(len(s.text) for s in self.segments[block.first : block.last + 1] if s.visible(view))
        return starts


@dataclass(frozen=True)
class Story:
    """Text outside the body: one footnote or endnote, or a header or footer part."""

    kind: str  # "footnote" | "endnote" | "header" | "footer"
    name: str  # as staff would say it: "footnote 2", "header (first page)"
    part: str  # the zip member it was read from
    document: Document  # its blocks and segments (offsets of its own)
