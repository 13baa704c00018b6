"""The outbox: who gets the merged drafts, and each message composed byte for byte.

Pure functions (no network, no files read): the flows layer reads the run and the
consultation and passes plain data in. A message is deterministic: its Date is the run's,
its MIME boundary and Message-ID are derived from its content, so the `.eml` written by a
dry run is exactly what `--send` delivers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..models.consultation import Consultation, Member
from ..models.sending import Delivery, FileToSend, Letter, Recipient, RunRecord, Sender, Unreachable
from .safe_cells import neutralise

_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=False, trim_blocks=True, lstrip_blocks=True,
                         keep_trailing_newline=True, undefined=StrictUndefined)
_UNSAFE_NAME = re.compile(r"[^a-z0-9@._-]+")
# Bodies are encoded at 78 columns (policy.SMTP); headers are written unfolded up to RFC 5322's
# 998 so a long subject is not folded right after "Subject:" (which leaves a leading space).
_WIRE = policy.SMTP.clone(max_line_length=998)


def run_record_json(consultation: Consultation, written_at: datetime, outputs: dict[str, str],
                    earlier: bytes | None = None) -> bytes:
    """`DIR/.redraft/run.json`: which consultation a run's outputs belong to, and when they
    were written. A rerun that writes the same outputs keeps the earlier time, so the messages
    `redraft send` makes of them (dated from it) keep their Date and Message-ID and nobody is
    mailed the same drafts twice."""
    digest = hashlib.sha256(json.dumps(outputs, sort_keys=True).encode()).hexdigest()
    when = written_at.isoformat(timespec="seconds")
    try:
        before = json.loads(earlier) if earlier else {}
    except ValueError:
        before = {}
    if isinstance(before, dict) and before.get("outputs") == digest and before.get("written_at"):
        when = before["written_at"]
    record = {
        "consultation": str(consultation.source) if consultation.source else "",
        "title": consultation.title,
        "documents": [{"key": d.key, "title": d.title} for d in consultation.documents],
        "written_at": when,
        "outputs": digest,
    }
    return (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def member_recipients(members: tuple[Member, ...], senders: list[Sender],
                      secretariat: tuple[str, ...] = ()) -> tuple[list[Recipient], list[Unreachable]]:
    """Every listed address; for a domain row (`@ilo.org`), the addresses of that domain that
    wrote to the consultation. Domain rows with no such sender are returned as unreachable.
    Each address once, in members-list order; the secretariat's own addresses never."""
    def own(address: str) -> bool:
        return any(s in (address, "@" + address.rpartition("@")[2]) for s in secretariat)

    names = {}
    for sender in senders:
        names.setdefault(sender.address.lower(), sender.name)
    recipients: list[Recipient] = []
    unreachable: list[Unreachable] = []
    seen: set[str] = set()
    listed = {m.email.lower() for m in members if not m.email.startswith("@")}
    for member in members:
        entry = member.email.lower()
        if not entry.startswith("@"):
            found = [entry]
        else:
            found = [a for a in names if a.rpartition("@")[2] == entry[1:] and a not in listed]
            if not found:
                unreachable.append(Unreachable(entry, member.organisation,
                                               f"nobody from {entry} wrote to the consultation, so there is no "
                                               "address to send to: add a person's address to the members list"))
                continue
        for address in found:
            if address in seen or own(address):
                continue
            seen.add(address)
            recipients.append(Recipient(address, member.organisation, names.get(address, "")))
    return recipients, unreachable


def named_recipients(addresses: list[str], consultation: Consultation) -> list[Recipient]:
    """Explicit `--to` addresses, each with its organisation when the members list knows it."""
    recipients, seen = [], set()
    for address in addresses:
        address = address.strip().lower()
        if address and address not in seen:
            seen.add(address)
            member = consultation.member_for(address)
            recipients.append(Recipient(address, member.organisation if member else ""))
    return recipients


def outbox_name(number: int, address: str) -> str:
    """`001-jane.doe@ilo.org.eml`: numbered, with the address made safe for a file name."""
    return f"{number:03d}-{_UNSAFE_NAME.sub('_', address.lower())[:80]}.eml"


def body_text(recipient: Recipient, run: RunRecord, drafts: list[tuple[str, str]], table: str | None,
              reply_to: str, sender: str) -> str:
    """The message text: which drafts are attached (file name, title), and the table if it is."""
    name, address = parseaddr(sender)
    return _TEMPLATES.get_template("send_body.txt.j2").render(
        greeting=recipient.name or recipient.organisation or "colleague",
        title=run.title,
        drafts=[{"filename": f, "title": t} for f, t in drafts],
        table=table,
        reply_to=parseaddr(reply_to)[1] if reply_to else "",
        signature=name or address,
    )


def compose(recipient: Recipient, run: RunRecord, *, sender: str, reply_to: str, subject: str,
            drafts: list[tuple[str, FileToSend]], table: FileToSend | None, number: int) -> Letter:
    """One message to one recipient (no other address in it). `drafts` is (title, file)."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = formataddr((recipient.name, recipient.address))
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject.replace("{title}", run.title)
    message["Date"] = format_datetime(run.written_at)
    message.set_content(body_text(recipient, run, [(f.filename, t) for t, f in drafts],
                                  table.filename if table else None, reply_to, sender))
    files = [f for _, f in drafts] + ([table] if table else [])
    for file in files:
        maintype, _, subtype = file.content_type.partition("/")
        message.add_attachment(file.data, maintype=maintype, subtype=subtype, filename=file.filename)
    content = hashlib.sha256(recipient.address.encode())
    for part in (sender, reply_to, str(message["Subject"]), str(message["Date"]), *(f.filename for f in files)):
        content.update(b"\0" + part.encode())
    for file in files:
        content.update(hashlib.sha256(file.data).digest())
    message.set_boundary(f"=_redraft_{content.hexdigest()[:32]}")
    digest = hashlib.sha256(message.as_bytes(policy=_WIRE)).hexdigest()
    envelope_from = parseaddr(sender)[1]
    message["Message-ID"] = f"<{digest[:32]}@{envelope_from.rpartition('@')[2] or 'redraft.invalid'}>"
    return Letter(recipient=recipient, message_id=message["Message-ID"], envelope_from=envelope_from,
                  filename=outbox_name(number, recipient.address), data=message.as_bytes(policy=_WIRE),
                  attachments=tuple((f.filename, hashlib.sha256(f.data).hexdigest()) for f in files))


SENT_HEADER = ("at", "to", "organisation", "message_id", "file", "status", "reason")


def sent_records(deliveries: list[Delivery]) -> list[dict]:
    """Audit records ("sent") for the letters the server accepted: who got which files."""
    return [{"step": "sent", "to": d.letter.recipient.address, "organisation": d.letter.recipient.organisation,
             "message_id": d.letter.message_id, "sha256": hashlib.sha256(d.letter.data).hexdigest(),
             "attachments": {name: sha for name, sha in d.letter.attachments}}
            for d in deliveries if d.status == "sent"]


def sent_log_rows(deliveries: list[Delivery], at: datetime, header: bool) -> str:
    """Rows for `DIR/outbox/sent.csv` (one per attempt), with the header for a new file."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    if header:
        writer.writerow(SENT_HEADER)
    when = at.isoformat(timespec="seconds")
    for d in deliveries:
        writer.writerow([neutralise(v) for v in (when, d.letter.recipient.address, d.letter.recipient.organisation,
                                                 d.letter.message_id, d.letter.filename, d.status, d.reason)])
    return buffer.getvalue()
