"""One entry point for every kind of inbox, and the parse of what it holds.

    with open_inbox(consultation.inbox, consultation.mailbox) as inbox:
        for raw in inbox.mails():          # RawMail | UnreadableMessage
            message = read_mail(raw, store)   # Message | UnreadableMessage
        inbox.mark_processed(uids)         # IMAP: set the keyword; elsewhere nothing

The inbox is a folder of .eml/.msg files, a Maildir, an mbox file, or an `imap://` /
`imaps://` address (see `imap.py`). E-mails larger than the limit are not downloaded (nor
read): their headers are, and the message is rejected with its size.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import email.utils
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from ...models.consultation import MailboxSettings
from ...models.intake import InboxRefused, MessageRefused, RawMail, UnreadableMessage
from ...models.submission import Message
from . import mailboxes
from .eml import canonical_sha256, read_eml

# An attachment of the size limit takes about 4/3 of it once base64-encoded, plus line ends.
ENCODING_ALLOWANCE = 1.5


class Inbox(Protocol):
    description: str

    def mails(self) -> Iterator[RawMail | UnreadableMessage]: ...

    def mark_processed(self, uids: list[str]) -> None: ...

    def close(self) -> None: ...


class LocalInbox:
    """A folder, Maildir or mbox on disk (nothing to flag)."""

    def __init__(self, path: Path, settings: MailboxSettings):
        self.path = path
        self.kind = mailboxes.kind_of(path)
        self.description = f"{self.kind} {path}"
        self._limit = message_limit(settings)

    def mails(self) -> Iterator[RawMail | UnreadableMessage]:
        reader = {"folder": mailboxes.folder_mails, "maildir": mailboxes.maildir_mails,
                  "mbox": mailboxes.mbox_mails}[self.kind]
        return reader(self.path, self._limit)

    def mark_processed(self, uids: list[str]) -> None:
        return None

    def close(self) -> None:
        return None

    def __enter__(self) -> LocalInbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def message_limit(settings: MailboxSettings) -> int:
    """The size in bytes above which an e-mail is not downloaded."""
    return int(settings.max_bytes * ENCODING_ALLOWANCE)


def open_inbox(location: str, settings: MailboxSettings):
    """The inbox a consultation names. Raises `InboxRefused` when it cannot be opened."""
    if location.lower().startswith(("imap://", "imaps://")):
        from .imap import ImapInbox

        return ImapInbox.open(location, settings)
    return LocalInbox(Path(location), settings)


def read_mail(raw: RawMail | UnreadableMessage, store: Path | str) -> Message | UnreadableMessage:
    """Parse one inbox entry (never raises for bad input)."""
    if isinstance(raw, UnreadableMessage):
        return raw
    if raw.data is None:
        return _not_downloaded(raw)
    try:
        if raw.key.lower().endswith(".msg"):
            from .outlook import read_msg

            message = read_msg(raw.data, raw.key, store)
            if raw.server_received is not None:
                message = replace(message, received=raw.server_received, received_from="server")
        else:
            message = read_eml(raw.data, raw.key, store, server_received=raw.server_received)
    except (MessageRefused, UnicodeError) as problem:
        # UnicodeError: Python's email package itself fails on encoded text that decodes to
        # lone surrogates (a malformed UTF-7 word in a header or file name; found by fuzzing)
        reason = problem.reason if isinstance(problem, MessageRefused) else (
            "the e-mail's headers hold malformed encoded text that cannot be read — "
            "ask the member to send it again")
        binary = raw.key.lower().endswith(".msg")  # not text: its line ends are not normalised
        digest = hashlib.sha256(raw.data).hexdigest() if binary else canonical_sha256(raw.data)
        return UnreadableMessage(raw.key, digest, reason)
    return replace(message, uid=raw.uid) if raw.uid else message


def _not_downloaded(raw: RawMail) -> Message:
    """A message over the size limit: what its headers say, with no body or attachment."""
    msg = email.message_from_bytes(raw.headers or b"", policy=email.policy.default)

    def header(name: str) -> str:  # a malformed encoded word (e.g. bad UTF-7): read it undecoded
        try:
            return str(msg.get(name, ""))
        except UnicodeError:
            raw_value = email.message_from_bytes(raw.headers, policy=email.policy.compat32).get(name, "")
            return str(raw_value).encode("utf-8", "replace").decode("utf-8")

    name, address = email.utils.parseaddr(header("From"))
    received = raw.server_received
    if received is None and header("Date"):
        try:
            received = email.utils.parsedate_to_datetime(header("Date"))
        except (TypeError, ValueError, IndexError, OverflowError):
            received = None
    digest = canonical_sha256(raw.headers)
    return Message(
        message_id=header("Message-ID").strip() or f"<{digest[:16]}@redraft.invalid>",
        sender_address=address.lower(), sender_name=name, received=received,
        subject=" ".join(header("Subject").split()), body="", attachments=(),
        source=raw.key, sha256="", received_from="server" if raw.server_received else "Date",
        uid=raw.uid, too_large=raw.size,
    )


def read_inbox_folder(folder: Path | str, store: Path | str,
                      settings: MailboxSettings | None = None) -> list[Message | UnreadableMessage]:
    """Read every file of an inbox folder, in file-name order (each file accounted for).

    Raises `InboxRefused` if the folder does not exist or is not a folder.
    """
    folder = Path(folder)
    settings = settings or MailboxSettings()
    if mailboxes.kind_of(folder) != "folder":
        raise InboxRefused(f"the inbox {folder} is not a folder of e-mail files")
    return [read_mail(raw, store) for raw in mailboxes.folder_mails(folder, message_limit(settings))]
