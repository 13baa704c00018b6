"""What arrived by mail: messages, their attachments, and how each was accounted for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .notices import Notice


class Status(StrEnum):
    """The status column of submissions.csv."""

    ACCEPTED = "accepted"
    LATE = "late"
    DUPLICATE = "duplicate"
    NO_ATTACHMENT = "no-attachment"
    NOT_A_SUBMISSION = "not-a-submission"
    UNREADABLE = "unreadable"
    HELD = "held-unknown-sender"  # sender not on the members list: for the secretariat to admit
    SUPERSEDED = "superseded"  # an earlier version of a copy the same member sent again
    REJECTED = "rejected"  # over the consultation's size limit


@dataclass(frozen=True)
class Attachment:
    """One attached file, stored once by its sha256 (never by the sender's file name)."""

    filename: str  # as the sender named it; for display only
    content_type: str
    sha256: str
    size: int
    path: str  # where the bytes are stored under the run's work dir (by sha256)


@dataclass(frozen=True)
class Message:
    """One e-mail, parsed. `received` is timezone-aware."""

    message_id: str
    sender_address: str
    sender_name: str
    received: datetime | None
    subject: str
    body: str  # plain text, quoted replies not removed yet
    attachments: tuple[Attachment, ...]
    source: str  # where it came from (file name in the inbox)
    sha256: str  # of the raw message bytes
    notices: tuple[Notice, ...] = ()
    received_from: str = "Date"  # what `received` was read from: "server" | "Received" | "Date"
    uid: str = ""  # IMAP UID, to flag it once processed
    too_large: int = 0  # size in bytes of an e-mail over the limit, not downloaded (else 0)


@dataclass(frozen=True)
class Submitter:
    """Who a message speaks for."""

    name: str  # the credited name: organisation, else display name, else address
    organisation: str
    constituency: str
    address: str


@dataclass
class SubmissionRecord:
    """A row of submissions.csv: one per message and one per attachment."""

    kind: str  # "message" | "attachment"
    source: str
    message_id: str
    sender: str
    organisation: str
    constituency: str
    received: datetime | None
    subject: str = ""
    filename: str = ""
    sha256: str = ""
    document: str = ""  # key of the draft it was matched to
    similarity: float | None = None
    status: Status = Status.ACCEPTED
    reason: str = ""
    notices: list[Notice] = field(default_factory=list)
