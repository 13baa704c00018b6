"""Sending the merged drafts: the run being sent, who gets a message, and what happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .notices import Refusal


class SendRefused(Refusal):
    """`redraft send` cannot go ahead: no run in the folder, no mail settings, the mail server
    cannot be reached or refused the login. `reason` says which, in plain words."""


@dataclass(frozen=True)
class RunRecord:
    """What a run's output folder says about itself (`DIR/.redraft/run.json`)."""

    consultation: Path  # the consultation file the run read
    title: str
    documents: tuple[tuple[str, str], ...]  # (key, title), in the consultation's order
    written_at: datetime  # when the run wrote its outputs (timezone-aware): the messages' Date


@dataclass(frozen=True)
class Sender:
    """Someone who wrote to the consultation (a submissions.csv message row)."""

    address: str
    name: str = ""
    status: str = ""


@dataclass(frozen=True)
class Recipient:
    """One address that gets its own message."""

    address: str
    organisation: str = ""
    name: str = ""  # display name, when the address wrote to the consultation


@dataclass(frozen=True)
class Unreachable:
    """A members-list row with nobody to send to (a domain no one wrote from)."""

    entry: str  # "@ilo.org"
    organisation: str
    reason: str


@dataclass(frozen=True)
class FileToSend:
    """An attachment: its name as members see it, its bytes and MIME type."""

    filename: str
    data: bytes
    content_type: str


@dataclass(frozen=True)
class Letter:
    """One composed message, byte for byte as written to the outbox and sent."""

    recipient: Recipient
    message_id: str  # "<...@domain>", derived from the content
    envelope_from: str  # the bare sender address (SMTP MAIL FROM)
    filename: str  # its name in DIR/outbox/
    data: bytes  # RFC 5322 message, CRLF line ends
    attachments: tuple[tuple[str, str], ...] = ()  # (file name, sha256) of each attached file


@dataclass(frozen=True)
class Delivery:
    """What happened to one letter: sent, refused by the server (with why), or not sent."""

    letter: Letter
    status: str  # "sent" | "refused" | "not sent" | "already sent"
    reason: str = ""
