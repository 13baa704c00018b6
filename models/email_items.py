"""What one sentence of an e-mail says about a draft, placed on the draft's text.

`start`/`end` are offsets into `Document.text("accepted")` of the draft (see
`models.changes`): `old` is the draft text between them and `new` the proposed text.
An insertion has `start == end` and `old == ""`. A comment (no proposed wording) has
`kind = None` and `new = None`. A place that could not be decided has `start = end = None`:
`located_by == "ambiguous"` lists every possible place in `candidates`;
`located_by == "general"` means nothing in the sentence pointed at the draft.

A comment placed by a reference ("We oppose section 4.2") spans the whole referenced part
with `old == ""`; a change placed by a reference ("add ... at the end of section 4.2",
"delete paragraph 3", "paragraph 3 should read ...") has `located_by == "reference"` and the
usual `old`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .notices import Notice

Intent = Literal[
    "wording_change", "addition", "deletion", "general", "support", "objection", "question", "editorial"
]
Kind = Literal["replace", "delete", "insert"]
LocatedBy = Literal["quoted text", "reference", "topic", "similarity", "general", "ambiguous"]


@dataclass(frozen=True)
class EmailItem:
    """One proposal or comment found in an e-mail body."""

    text: str  # the sentence, verbatim (wrapped lines joined by a space)
    lang: str  # "en" | "fr" | "es"
    intent: Intent
    kind: Kind | None  # None for a comment
    old: str  # draft text between start and end; the quoted text when not placed
    new: str | None  # proposed text (spaces adapted to the place); None for a comment
    start: int | None
    end: int | None
    section: str = ""  # display number of the section, e.g. "4.2"
    block_id: str = ""
    located_by: LocatedBy = "general"
    candidates: tuple[tuple[int, int], ...] = ()  # every possible (start, end) when ambiguous
    anchor: str = ""  # what an insertion is placed by: the quoted text, or "end of section 3.2"
    method: str = ""  # which step decided the section, when not `located_by` (see analysis.comments)
    notices: tuple[Notice, ...] = ()

    @property
    def is_change(self) -> bool:
        return self.kind is not None and self.start is not None
