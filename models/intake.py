"""Intake: what could not be read at all, and the refusals of the intake readers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .notices import Refusal


@dataclass(frozen=True)
class RawMail:
    """One message as an inbox holds it, before it is parsed.

    `key` says where it is in its inbox ("comments.eml", "maildir cur/1700…", "mbox #3",
    "INBOX UID 17"); `server_received` is when the mail server received it, where the inbox
    knows (IMAP INTERNALDATE). `data` is None when it was not downloaded (over the size
    limit); `headers` then holds its header block.
    """

    key: str
    data: bytes | None
    size: int
    server_received: datetime | None = None
    headers: bytes = b""
    uid: str = ""  # IMAP UID, to flag it once processed


@dataclass(frozen=True)
class UnreadableMessage:
    """A file in the inbox that could not be read as an e-mail.

    It still gets a row in submissions.csv (status "unreadable") so the counts reconcile
    with what is in the inbox.
    """

    source: str  # file name in the inbox
    sha256: str  # of the file's bytes ("" for a folder)
    reason: str  # a plain sentence for secretariat staff


class ConsultationRefused(Refusal):
    """The consultation file (or a file it names) cannot be used."""


class MembersRefused(ConsultationRefused):
    """The members list cannot be used; the reason lists every bad row."""


class InboxRefused(Refusal):
    """The inbox as a whole cannot be read (e.g. the folder does not exist, wrong password)."""


class InboxUnavailable(InboxRefused):
    """The mail server could not be reached or dropped the connection: worth trying again."""


class MessageRefused(Refusal):
    """One message cannot be read as an e-mail at all."""
