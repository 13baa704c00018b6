"""Read e-mails (.eml files, RFC 5322) into `Message` models.

What is read, and what happens to odd input (each oddity leaves a `Notice`, the message is
still used):

- sender: the first address of ``From:`` (lower-cased) and its display name (RFC 2047
  decoded). No or unreadable ``From:`` → sender "" and a notice.
- received: when the secretariat's mail server received it — IMAP's INTERNALDATE when the
  message came from a mailbox, else the newest ``Received:`` header (stamped by the
  receiving server), else the ``Date:`` header (the sender's clock when the mail was written).
  A date without a time zone (or with the RFC 5322 "unknown zone" ``-0000``) is read as
  UTC; no or unreadable date → None. `Message.received_from` says which was used.
- message_id: the ``Message-ID:`` header as written; none → ``<sha256[:16]@redraft.invalid>``
  (the same file always gets the same made-up id).
- body: every inline ``text/plain`` part of the message itself (not of forwarded messages),
  in order, joined; Apple Mail splits one body around inline images this way, and a
  ``multipart/alternative`` normally holds one text/plain part. With no text/plain part, the
  inline ``text/html`` parts converted to text. Unknown charsets → UTF-8 with replacement
  characters and a notice.
- attachments: every leaf part with a file name, or ``Content-Disposition: attachment``, or
  any type other than text/plain and text/html (``application/octet-stream``, inline
  images...), including the parts of attached ``message/rfc822`` (forwarded) messages, down
  to `MAX_FORWARD_DEPTH` levels. The bytes are stored by sha256 (see `store`); the file name
  is cleaned for display only. The forwarded message itself is not an attachment.
  ``message/delivery-status`` and similar report parts are skipped.

A file that is not an e-mail at all (empty, no header lines) raises `MessageRefused`;
`inbox.read_mail` turns that into an `UnreadableMessage`.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.errors
import email.header
import email.utils
import hashlib
import mimetypes
import quopri
import re
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path

from ...models.intake import MessageRefused
from ...models.notices import Notice
from ...models.submission import Attachment, Message
from .body_text import clean_body
from .parts import decode_text, display_filename, html_to_text_with_notices, one_line, repair_header_text, shown_text
from .store import store_bytes

__all__ = ["read_eml", "canonical_sha256", "MAX_FORWARD_DEPTH"]

MAX_MIME_DEPTH = 40  # nested multiparts
MAX_FORWARD_DEPTH = 5  # message/rfc822 inside message/rfc822 ...
_KNOWN_HEADERS = frozenset(
    "from to cc date subject message-id received mime-version content-type sender "
    "reply-to return-path delivered-to x-mailer user-agent".split()
)


# --------------------------------------------------------------------------- message


def canonical_sha256(data: bytes) -> str:
    """sha256 of a message with its line endings as on the wire (CRLF), so the same e-mail
    has the same digest whether it was saved as a file, kept in an mbox or fetched by IMAP."""
    return hashlib.sha256(_LINE_END.sub(b"\r\n", data)).hexdigest()


_LINE_END = re.compile(rb"\r\n|\r|\n")


def read_eml(data: bytes, source: str, store: Path | str, server_received: datetime | None = None) -> Message:
    """Parse one e-mail's raw bytes; store its attachments under `store` by sha256.

    `server_received` (IMAP's INTERNALDATE) is the received time when given; otherwise the
    newest `Received:` header (stamped by the receiving mail server), else `Date:`.
    """
    digest = canonical_sha256(data)
    if not data.strip():
        raise MessageRefused("the file is empty")
    try:
        msg = email.message_from_bytes(data, policy=policy.default)
    except RecursionError:
        raise MessageRefused("the e-mail is nested too deeply to be read") from None
    if not any(key.lower() in _KNOWN_HEADERS for key in msg.keys()):
        raise MessageRefused("not an e-mail: the file does not start with header lines such as From: and Date:")

    notices: list[Notice] = []

    def note(text: str, where: str = "") -> None:
        notices.append(Notice(text, where=where or source))

    address, name = _sender(msg, note)
    if server_received is not None:
        received, received_from = server_received, "server"
    else:
        received, received_from = _received(msg, note)
    message_id = _message_id(msg, digest, note)
    subject = _subject(msg)

    parts = _Parts(Path(store), source, note)
    parts.visit(msg, depth=0, forwarded=0)
    if parts.plain:
        body = "\n\n".join(t for t in parts.plain if t.strip())
    else:
        texts = []
        for html in parts.html:
            text, problems = html_to_text_with_notices(html)
            for problem in problems:
                note(problem.message)
            if text:
                texts.append(text)
        body = "\n\n".join(texts)
    if not body.strip() and parts.tnef_bodies:
        body = "\n\n".join(parts.tnef_bodies)
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    body, body_notices = clean_body(body)  # quoted replies, forwards and signatures out
    for notice in body_notices:
        note(notice.message)

    return Message(
        message_id=message_id,
        sender_address=address,
        sender_name=name,
        received=received,
        subject=subject,
        body=body,
        attachments=tuple(parts.attachments),
        source=source,
        sha256=digest,
        notices=tuple(notices),
        received_from=received_from,
    )


def _guess_type(name: str) -> str:
    """A content type from a file name (files inside winmail.dat carry none)."""
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


def _raw_header(msg: EmailMessage, name: str) -> str | None:
    """The header's value as it appears in the file (unfolded), or None."""
    for key, value in msg.raw_items():
        if key.lower() == name:
            return repair_header_text(one_line(str(value)))
    return None


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words; fall back to the text as written."""
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
        return value


def _sender(msg: EmailMessage, note) -> tuple[str, str]:
    raw = shown_text(_raw_header(msg, "from") or "")
    if not raw:
        note("the e-mail has no sender (From:)")
        return "", ""
    pairs: list[tuple[str, str]]
    try:
        header = msg["from"]
        pairs = [(a.display_name, a.addr_spec) for a in header.addresses]
    except Exception:  # noqa: BLE001 - the stdlib header parser fails on some bad input
        pairs = [(_decode_words(n), a) for n, a in email.utils.getaddresses([raw])]
    pairs = [(shown_text(repair_header_text(one_line(n))), shown_text(a).strip()) for n, a in pairs]
    if not pairs:
        note(f"the sender (From: {raw}) cannot be read")
        return "", ""
    if len(pairs) > 1:
        note(f"the e-mail names {len(pairs)} senders (From:); the first one is used")
    name, address = pairs[0]
    local, at, domain = address.rpartition("@")
    if not (at and local and domain) or any(ch.isspace() for ch in address):
        note(f"the sender address (From: {raw}) cannot be read")
        return "", name
    return address.lower(), name


def _server_stamp(msg: EmailMessage) -> datetime | None:
    """The time in the newest (topmost) `Received:` header, when it has a readable one."""
    for key, value in msg.raw_items():
        if key.lower() != "received":
            continue
        stamp = one_line(str(value)).rpartition(";")[2].strip()
        try:
            when = email.utils.parsedate_to_datetime(stamp) if stamp else None
        except (TypeError, ValueError, IndexError, OverflowError):
            when = None
        if when is not None and when.tzinfo is not None and when.utcoffset() is not None:
            return when
        return None  # only the newest stamp is the receiving server's
    return None


def _received(msg: EmailMessage, note) -> tuple[datetime | None, str]:
    stamp = _server_stamp(msg)
    if stamp is not None:
        return stamp, "Received"
    return _date_header(msg, note), "Date"


def _date_header(msg: EmailMessage, note) -> datetime | None:
    raw = _raw_header(msg, "date")
    if not raw:
        note("the e-mail has no date (Date:)")
        return None
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        note(f"the date of the e-mail cannot be read (Date: {raw})")
        return None
    if when.tzinfo is None or when.utcoffset() is None:
        note(f"the date of the e-mail has no time zone (Date: {raw}): read as UTC")
        when = when.replace(tzinfo=timezone.utc)
    return when


def _message_id(msg: EmailMessage, digest: str, note) -> str:
    raw = _raw_header(msg, "message-id")
    if raw and raw.strip():
        return raw.strip()
    made_up = f"<{digest[:16]}@redraft.invalid>"
    note(f"the e-mail has no Message-ID: {made_up} is used instead")
    return made_up


def _subject(msg: EmailMessage) -> str:
    try:
        value = msg["subject"]
        text = "" if value is None else str(value)
    except Exception:  # noqa: BLE001 - the stdlib header parser fails on some bad input
        text = _decode_words(_raw_header(msg, "subject") or "")
    return one_line(shown_text(repair_header_text(text)))


# --------------------------------------------------------------------------- parts


def _inner_message(part: EmailMessage) -> EmailMessage | None:
    """The message inside a message/rfc822 part.

    RFC 2046 forbids encoding a message/rfc822 part, but some mailers base64 it; the
    parser then sees one header-less "message" holding the encoded text, decoded here.
    """
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    if encoding not in ("base64", "quoted-printable"):
        return inner
    if inner is not None and len(inner.keys()) == 0 and isinstance(inner.get_payload(), str):
        encoded = inner.get_payload()
    elif isinstance(payload, str):
        encoded = payload
    else:
        return inner
    raw = encoded.encode("ascii", "surrogateescape")
    try:
        data = base64.b64decode(raw) if encoding == "base64" else quopri.decodestring(raw)
    except (binascii.Error, ValueError):
        return inner
    try:
        return email.message_from_bytes(data, policy=policy.default)
    except RecursionError:
        return None


class _Parts:
    """Walks the MIME tree (depth-bounded), collecting body texts and stored attachments."""

    def __init__(self, store: Path, source: str, note) -> None:
        self.store = store
        self.source = source
        self.note = note
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[Attachment] = []
        self.tnef_bodies: list[str] = []  # text found inside winmail.dat (used when there is no other)
        self.warned_depth = False

    def visit(self, part: EmailMessage, depth: int, forwarded: int) -> None:
        if depth > MAX_MIME_DEPTH:
            self._too_deep("the e-mail's parts are nested too deeply; the deepest ones were not read")
            return
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/global"):
            if forwarded >= MAX_FORWARD_DEPTH:
                self._too_deep(
                    f"forwarded messages are nested more than {MAX_FORWARD_DEPTH} deep; "
                    "the deeper ones were not read"
                )
                return
            inner = _inner_message(part)
            if inner is not None:
                self.visit(inner, depth + 1, forwarded + 1)
            return
        if part.is_multipart():
            if ctype.startswith("message/"):
                return  # delivery reports and the like
            for child in part.iter_parts():
                self.visit(child, depth + 1, forwarded)
            return
        if ctype in ("message/delivery-status", "message/disposition-notification", "text/rfc822-headers"):
            return
        if ctype.startswith("multipart/"):  # no usable boundary: keep the raw text
            if forwarded == 0:
                self.note("the e-mail's structure is damaged (multipart without parts); its raw text is used")
                self.plain.append(self._text(part))
            return
        filename = self._filename(part)
        try:
            disposition = part.get_content_disposition()
        except Exception:  # noqa: BLE001 - the stdlib header parser fails on some bad input
            disposition = None
        if filename is None and disposition != "attachment" and ctype in ("text/plain", "text/html"):
            if forwarded == 0:
                text = self._text(part)
                (self.plain if ctype == "text/plain" else self.html).append(text)
            return
        self._attach(part, filename or "", ctype)

    def _too_deep(self, text: str) -> None:
        if not self.warned_depth:
            self.warned_depth = True
            self.note(text)

    @staticmethod
    def _filename(part: EmailMessage) -> str | None:
        try:
            name = part.get_filename()
        except Exception:  # noqa: BLE001 - the stdlib header parser fails on some bad input
            return None
        if name is None:
            return None
        name = str(name)
        if "=?" in name and "?=" in name:  # RFC 2047 words the header parser left alone
            name = _decode_words(name)
        return name

    def _text(self, part: EmailMessage) -> str:
        data = part.get_payload(decode=True) or b""
        try:
            charset = part.get_content_charset()
        except Exception:  # noqa: BLE001
            charset = None
        text, problem = decode_text(data, charset)
        if problem:
            self.note(problem)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def _attach(self, part: EmailMessage, filename: str, ctype: str) -> None:
        try:
            data = part.get_payload(decode=True)
        except Exception:  # noqa: BLE001 - broken transfer encodings
            data = None
        if data is None:
            payload = part.get_payload()
            data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
        if ctype == "application/ms-tnef" or filename.strip().lower() == "winmail.dat":
            if self._unpack_tnef(data, filename or "winmail.dat"):
                return
        self._store(data, filename, ctype)

    def _unpack_tnef(self, data: bytes, filename: str) -> bool:
        """Outlook's rich-text wrapper: keep the files inside it instead (True when done)."""
        from .outlook import TnefRefused, unpack_tnef  # the optional extra, imported on demand

        where = f"{self.source}, attachment '{filename}'"
        try:
            content = unpack_tnef(data)
        except TnefRefused as refusal:
            self.note(refusal.reason, where)
            return False
        for text in content.notices:
            self.note(text, where)
        if content.body.strip():
            self.tnef_bodies.append(content.body)
        for name, inner in content.attachments:
            self._store(inner, name, _guess_type(name))
        return True

    def _store(self, data: bytes, filename: str, ctype: str) -> None:
        shown, changes = display_filename(filename)
        digest, path = store_bytes(data, self.store)
        where = f"{self.source}, attachment '{shown or '(no name)'}'"
        for change in changes:
            self.note(change, where)
        self.attachments.append(
            Attachment(
                filename=shown,
                content_type=ctype,
                sha256=digest,
                size=len(data),
                path=str(path),
            )
        )
