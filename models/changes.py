"""Proposals on a draft, how they group, and what was decided about them.

Every proposal — a tracked change, a difference in a clean copy, a Word comment, wording
lifted from an e-mail — is placed on the *current draft's* text (its rejected == accepted
view, `Document.text("accepted")` of the draft): `start`/`end` are offsets into that string,
`old` is the draft text between them and `new` the proposed text ("\\n" in `new` starts a
new paragraph; "\\n" in `old` joins paragraphs). A comment has `new = None`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from .notices import Notice


class Source(StrEnum):
    TRACKED = "tracked change"
    CLEAN = "clean copy"
    EMAIL = "e-mail text"
    COMMENT = "Word comment"


class Disposition(StrEnum):
    """GUIDE §6 dispositions; PENDING means nobody has decided yet."""

    PENDING = "Pending"
    ACCEPTED = "Accepted"
    MODIFIED = "Accepted with modification"
    NOT_ACCEPTED = "Not accepted"
    NOTED = "Noted"
    DUPLICATE = "Duplicate"
    DEFERRED = "Deferred"
    WITHDRAWN = "Withdrawn"
    OUT_OF_SCOPE = "Out of scope"


APPLYING = {Disposition.ACCEPTED, Disposition.MODIFIED}


@dataclass(frozen=True)
class Proposal:
    """One comment or proposed change by one member on one draft."""

    document: str  # draft key
    source: Source
    author: str  # credited name (organisation, else Word author, else sender name)
    organisation: str
    constituency: str
    sender: str  # e-mail address
    received: datetime | None
    date: datetime | None  # the change's own date, else received
    message_id: str
    file: str  # attachment file name ("" for e-mail text)
    file_sha256: str
    start: int | None  # offsets in the draft text; None when it could not be placed
    end: int | None
    old: str
    new: str | None  # None for a comment
    comment: str = ""  # the reviewer's words (Word comment, e-mail sentence)
    anchor: str = ""  # the text the reviewer pointed at
    block_id: str = ""
    section: str = ""
    located_by: str = ""  # "tracked change" | "word anchor" | "quoted text" | "reference" | "general"
    late: bool = False
    key: str = ""  # identity within a run, stable across reruns (see consolidate.ids)
    id: str = ""  # ORG-nnn, the table's stable ID
    notices: tuple[Notice, ...] = ()
    stale_conflict: bool = False  # made on an older draft, on text the secretariat has since rewritten
    intent: str = ""  # wording_change | addition | deletion | question | support | objection | editorial | general

    @property
    def is_change(self) -> bool:
        return self.new is not None and self.start is not None

    def with_(self, **changes) -> "Proposal":
        return replace(self, **changes)


@dataclass
class Group:
    """Proposals on one span (one change, identical changes, or a conflict), one comment, or
    comments by several members that say the same thing (duplicates)."""

    id: str  # e.g. "tor-G003"
    kind: str  # "change" | "identical" | "conflict" | "comment" | "duplicate"
    proposals: list[Proposal]
    start: int | None
    end: int | None


@dataclass
class Decision:
    """What the policy or the secretariat decided about one proposal."""

    disposition: Disposition
    rationale: str = ""
    by: str = ""  # "policy: accept-non-conflicting" or the secretariat's name
    at: datetime | None = None
    modified_text: str | None = None  # for "Accepted with modification"
    duplicate_of: str = ""


@dataclass
class Decided:
    """A proposal with its group and decision, ready for the outputs."""

    proposal: Proposal
    group: Group
    decision: Decision
    resulting_text: str = ""
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True)
class Origin:
    """Where a set of proposals came from: one attachment or one e-mail body."""

    document: str
    organisation: str
    constituency: str
    sender: str  # address
    sender_name: str
    received: datetime | None
    message_id: str
    file: str = ""
    file_sha256: str = ""
    late: bool = False
    credited: str = ""  # organisation, else sender name, else address

    def proposal(self, **fields) -> Proposal:
        """A Proposal with this origin's fields filled in."""
        base = dict(
            document=self.document, organisation=self.organisation,
            constituency=self.constituency, sender=self.sender, received=self.received,
            message_id=self.message_id, file=self.file, file_sha256=self.file_sha256,
            late=self.late, author=self.credited, date=self.received,
        )
        base.update(fields)
        return Proposal(**base)
