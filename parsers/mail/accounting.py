"""Message-level bookkeeping: who a message speaks for and how each message and file counts.

`account_messages` gives the rows of submissions.csv: for each input, in order, one
``kind="message"`` row followed by one ``kind="attachment"`` row per attachment.

Message rows, first rule that applies:

1. unreadable file → UNREADABLE, with the reader's reason;
2. sent by a secretariat address → NOT_A_SUBMISSION "sent by the secretariat";
3. same Message-ID as an earlier message → DUPLICATE "same Message-ID as <file>";
4. larger than the consultation's limit (not downloaded) → REJECTED with its size;
5. a members list is named and the sender is not on it → HELD ("held-unknown-sender"), with
   the one-line command that admits the sender on the next run;
6. received (the server's time, see `eml.read_eml`) strictly after the deadline → LATE
   "received …, after the deadline …" (times shown in the deadline's time zone); a message
   without a date counts as on time, with a notice asking staff to check;
7. otherwise the message is on time and its attachments are judged (below), then:

   - a resend: every submitted attachment (signature images aside) is a duplicate and the
     text adds nothing new (empty, or the same words as the earlier message) →
     DUPLICATE "same file and text as <file>"; with no attachment at all, the same text as
     an earlier accepted message of the same sender → DUPLICATE "same text as <file>";
   - at least one Word attachment accepted → ACCEPTED;
   - **no usable attachment but some text in the e-mail → ACCEPTED**, reason "no attachment:
     the e-mail text is read for comments" (or "no readable Word attachment: …"): the body
     goes on to comment extraction, so the message is a submission in its own right;
   - no usable attachment and no text → NO_ATTACHMENT.

   NO_ATTACHMENT therefore means "nothing to read", never "read the body only".

Attachment rows of messages stopped at 2–6 take the message's status and reason. Otherwise:

- a file over the size limit → REJECTED with its size;
- an image under 100 kB → NOT_A_SUBMISSION "image in the e-mail signature";
- a Word .docx (zip signature ``PK`` and a .docx name or the Word content type) →
  ACCEPTED, pending the checks of the .docx reader (which may turn it UNREADABLE), unless
  the same sender already sent the same bytes in an accepted attachment → DUPLICATE;
- legacy .doc, encrypted .docx, macro files, PDF and every other file → UNREADABLE with a
  reason that tells staff what to ask the member for.

Messages are accounted in the order they arrived (received time, then Message-ID), so the
same mail gives the same rows from a folder, a Maildir, an mbox or IMAP. A later version of
a copy from the same member supersedes the earlier one: that needs the copies matched to
their drafts, so it is done after reading (`flows/stages.supersede`).

The only I/O: the first bytes of each stored attachment are read to check its type.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from ...models.consultation import Consultation
from ...models.intake import UnreadableMessage
from ...models.notices import Notice
from ...models.submission import Attachment, Message, Status, SubmissionRecord, Submitter
from .parts import extension

__all__ = ["submitter_for", "account_messages", "arrival_order", "attachment_verdict", "SIGNATURE_IMAGE_LIMIT"]

SIGNATURE_IMAGE_LIMIT = 100 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PDF_MAGIC = b"%PDF"
_ASK_DOCX = "redraft reads Word (.docx) copies only — ask the member for a .docx"
_KINDS = {
    "pdf": "PDF file",
    "odt": "OpenDocument (.odt) file",
    "rtf": "Rich Text (.rtf) file",
    "txt": "text file",
    "xlsx": "Excel file",
    "xls": "Excel file",
    "pptx": "PowerPoint file",
    "ppt": "PowerPoint file",
    "zip": "zip archive",
    "pages": "Apple Pages file",
    "html": "web page file",
    "htm": "web page file",
}


def submitter_for(message: Message, consultation: Consultation) -> Submitter:
    """Who the message speaks for.

    The organisation comes from the members list (exact address first, then an ``@domain``
    entry); otherwise (open consultation, or a sender not on the list) it is the sender's
    display name, else the address. `name` is the credited name (the same value).
    """
    address = message.sender_address.strip().lower()
    member = consultation.member_for(address) if address else None
    if member is not None:
        return Submitter(
            name=member.organisation,
            organisation=member.organisation,
            constituency=member.constituency,
            address=address,
        )
    credited = message.sender_name.strip() or address
    return Submitter(name=credited, organisation=credited, constituency="", address=address)


_LAST = datetime.max.replace(tzinfo=timezone.utc)


def arrival_order(item: Message | UnreadableMessage) -> tuple:
    """Sort key: received time, then Message-ID, then where it was found; unreadable ones last."""
    if isinstance(item, UnreadableMessage):
        return (1, _LAST, "", item.source)
    return (0, item.received or _LAST, item.message_id, item.source)


def account_messages(
    messages: Iterable[Message | UnreadableMessage], consultation: Consultation
) -> list[SubmissionRecord]:
    """The submissions.csv rows for these messages (see the module docstring)."""
    records: list[SubmissionRecord] = []
    seen_ids: dict[str, str] = {}  # Message-ID -> source
    accepted_files: dict[tuple[str, str], str] = {}  # (sender, sha256) -> source
    accepted_bodies: dict[tuple[str, str], str] = {}  # (sender, normalised body) -> source
    bodies_by_source: dict[str, str] = {}  # source of an accepted message -> normalised body

    for item in messages:
        if isinstance(item, UnreadableMessage):
            records.append(
                SubmissionRecord(
                    kind="message",
                    source=item.source,
                    message_id="",
                    sender="",
                    organisation="",
                    constituency="",
                    received=None,
                    sha256=item.sha256,
                    status=Status.UNREADABLE,
                    reason=item.reason,
                )
            )
            continue

        message = item
        submitter = submitter_for(message, consultation)
        row = SubmissionRecord(
            kind="message",
            source=message.source,
            message_id=message.message_id,
            sender=_sender_label(message),
            organisation=submitter.organisation,
            constituency=submitter.constituency,
            received=message.received,
            subject=message.subject,
            sha256=message.sha256,
            notices=list(message.notices),
        )
        attachment_rows = [_attachment_row(row, a) for a in message.attachments]
        records.append(row)
        records.extend(attachment_rows)

        stop = _message_stop(message, consultation, seen_ids)
        seen_ids.setdefault(message.message_id, message.source)
        if stop is not None:
            row.status, row.reason = stop
            for arow in attachment_rows:
                arow.status, arow.reason = stop
            continue

        if message.received is None:
            row.notices.append(
                Notice("no date on the e-mail: counted as on time — check when it arrived", message.source)
            )

        sender = submitter.address
        first_duplicate_of = ""
        submitted = 0  # attachments that are not signature images
        duplicates = 0
        accepted = 0
        for attachment, arow in zip(message.attachments, attachment_rows):
            status, reason = attachment_verdict(attachment, consultation.mailbox.max_bytes)
            if status is not Status.NOT_A_SUBMISSION:
                submitted += 1
            if status is Status.ACCEPTED and sender:  # no resend check without a sender
                earlier = accepted_files.get((sender, attachment.sha256))
                if earlier is not None:
                    status = Status.DUPLICATE
                    reason = (
                        "same file as already attached to this e-mail"
                        if earlier == message.source
                        else f"same file as sent earlier in {earlier}"
                    )
                    duplicates += 1
                    first_duplicate_of = first_duplicate_of or earlier
                else:
                    accepted_files[(sender, attachment.sha256)] = message.source
                    accepted += 1
            arow.status, arow.reason = status, reason

        body = _normalise(message.body)
        if accepted == 0 and submitted and duplicates == submitted:
            earlier_source = first_duplicate_of
            if earlier_source != message.source and (
                not body or bodies_by_source.get(earlier_source) == body
            ):
                row.status = Status.DUPLICATE
                row.reason = f"same file and text as {earlier_source}" if body else f"same file as {earlier_source}"
                continue
        if submitted == 0 and body and sender and (sender, body) in accepted_bodies:
            row.status = Status.DUPLICATE
            row.reason = f"same text as {accepted_bodies[(sender, body)]}"
            continue

        if accepted:
            row.status, row.reason = Status.ACCEPTED, ""
        else:
            if submitted == 0:
                what = "no attachment"
            elif duplicates == submitted:
                what = f"the attachment was already sent in {first_duplicate_of}"
            else:
                what = "no readable Word attachment"
            if body:
                row.status, row.reason = Status.ACCEPTED, f"{what}: the e-mail text is read for comments"
            else:
                row.status, row.reason = Status.NO_ATTACHMENT, f"{what} and no text in the e-mail"
        bodies_by_source[message.source] = body
        if body:
            accepted_bodies.setdefault((sender, body), message.source)
    return records


def _message_stop(
    message: Message, consultation: Consultation, seen_ids: dict[str, str]
) -> tuple[Status, str] | None:
    """Rules 2-4: a status that covers the message and all its attachments."""
    if message.sender_address and consultation.is_secretariat(message.sender_address):
        return Status.NOT_A_SUBMISSION, "sent by the secretariat"
    earlier = seen_ids.get(message.message_id)
    if earlier is not None:
        return Status.DUPLICATE, f"same Message-ID as {earlier}"
    limit = consultation.mailbox.max_attachment_mb
    if message.too_large:
        return Status.REJECTED, (
            f"the e-mail is {_mb(message.too_large)}, over the {limit:g} MB limit of this consultation: "
            "it was not downloaded — ask the member to send smaller files (or raise max_attachment_mb)")
    if consultation.members is not None and consultation.member_for(message.sender_address or "") is None:
        return Status.HELD, _held_reason(message, consultation)
    if message.received is not None and message.received > consultation.deadline:
        tz = consultation.deadline.tzinfo
        seconds = bool(message.received.second or consultation.deadline.second)
        return (
            Status.LATE,
            f"received {_when(message.received.astimezone(tz), seconds)}, "
            f"after the deadline {_when(consultation.deadline, seconds)}",
        )
    return None


def _held_reason(message: Message, consultation: Consultation) -> str:
    address = message.sender_address or "(no sender)"
    file = consultation.source.name if consultation.source else "CONSULTATION.toml"
    if not message.sender_address:
        return "no sender address, and the consultation has a members list: check who sent it"
    return (f"sender {address} is not on the members list — to admit it on the next run: "
            f"redraft admit {file} {address} --organisation \"…\"")


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f} MB"


def attachment_verdict(attachment: Attachment, max_bytes: int | None = None) -> tuple[Status, str]:
    """What an attachment is worth at intake, judged by its size, first bytes, name and type."""
    if max_bytes is not None and attachment.size > max_bytes:
        return Status.REJECTED, (
            f"file of {_mb(attachment.size)}, over the {max_bytes / 1048576:g} MB limit of this consultation "
            "— ask the member for a smaller file")
    head = _head(attachment.path)
    ext = extension(attachment.filename)
    ctype = attachment.content_type.lower()
    if ctype.startswith("image/") or ext in ("png", "jpg", "jpeg", "gif", "bmp", "webp", "emz", "wmz"):
        if attachment.size < SIGNATURE_IMAGE_LIMIT:
            return Status.NOT_A_SUBMISSION, "image in the e-mail signature"
        return Status.UNREADABLE, f"image file: {_ASK_DOCX}"
    if head.startswith(_ZIP_MAGIC):
        if ext == "docx" or (ctype == DOCX_TYPE and ext in ("", "bin", "dat")):
            return Status.ACCEPTED, ""
        if ext == "docm" or ctype == "application/vnd.ms-word.document.macroenabled.12":
            return Status.UNREADABLE, "macro-enabled Word file (.docm) — ask the member to save it as .docx"
        if ext in ("dotx", "dotm"):
            return Status.UNREADABLE, "Word template file — ask the member to save it as a .docx document"
    if head.startswith(_OLE_MAGIC):
        if ext == "docx" and _ole_has_stream(attachment.path, "WordDocument") \
                and not _ole_has_stream(attachment.path, "EncryptedPackage"):
            return Status.UNREADABLE, (
                "legacy Word 97-2003 .doc file renamed .docx — ask the member to save it as .docx")
        if ext == "docx":
            return Status.UNREADABLE, (
                "the .docx is password-protected (encrypted) — ask the member for an unprotected copy"
            )
        if ext in ("doc", "dot") or ctype == "application/msword":
            return Status.UNREADABLE, "legacy Word 97-2003 .doc file — ask the member to save it as .docx"
    if ext == "doc" or ctype == "application/msword":
        return Status.UNREADABLE, "legacy Word 97-2003 .doc file — ask the member to save it as .docx"
    if head.startswith(_PDF_MAGIC) or ext == "pdf" or ctype == "application/pdf":
        if ext == "docx":
            return Status.UNREADABLE, f"named .docx but it is a PDF file: {_ASK_DOCX}"
        return Status.UNREADABLE, f"PDF file: {_ASK_DOCX}"
    if ext == "docx" or ctype == DOCX_TYPE:
        return Status.UNREADABLE, (
            "named as a Word .docx file but it is not one (damaged or another kind of file) — ask the member "
            "to send the document saved from Word as .docx")
    if ctype == "application/ms-tnef" or attachment.filename.lower() == "winmail.dat":
        return Status.UNREADABLE, (
            "winmail.dat (Outlook rich-text wrapper) that could not be unpacked (see the notes; "
            "reading it needs pip install 'redraft[outlook]') — ask the member to resend the file "
            "as a normal attachment")
    kind = _KINDS.get(ext) or (f".{ext} file" if ext else f"file of type {ctype}")
    return Status.UNREADABLE, f"{kind}: {_ASK_DOCX}"


def _attachment_row(message_row: SubmissionRecord, attachment: Attachment) -> SubmissionRecord:
    return SubmissionRecord(
        kind="attachment",
        source=message_row.source,
        message_id=message_row.message_id,
        sender=message_row.sender,
        organisation=message_row.organisation,
        constituency=message_row.constituency,
        received=message_row.received,
        subject=message_row.subject,
        filename=attachment.filename,
        sha256=attachment.sha256,
    )


def _head(path: str, size: int = 8) -> bytes:
    try:
        with Path(path).open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def _ole_has_stream(path: str, name: str) -> bool:
    """Whether an OLE compound file names a stream `name` (its directory holds UTF-16 names):
    Office encrypts a .docx into an "EncryptedPackage" stream; a .doc has a "WordDocument"."""
    try:
        return name.encode("utf-16-le") in Path(path).read_bytes()
    except OSError:
        return False


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _sender_label(message: Message) -> str:
    name, address = message.sender_name.strip(), message.sender_address
    if name and address and name.lower() != address:
        return f"{name} <{address}>"
    return address or name


def _when(moment: datetime, seconds: bool = False) -> str:
    text = moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    offset = moment.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{text} {sign}{minutes // 60:02d}:{minutes % 60:02d}"
