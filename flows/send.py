"""`redraft send`: wire the run folder, the consultation and the outbox together.

A plain function, not a Prefect flow: sending a few dozen messages needs no engine start.
Dry run (the default): every message is written to `DIR/outbox/` and nothing is sent.
With `send=True` the same bytes are delivered, each attempt is appended to
`DIR/outbox/sent.csv` and each delivered message to the audit log (step "sent": recipient,
Message-ID, sha256 of the message and of each attachment); a message already sent (same
Message-ID) is not sent twice unless `resend=True`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..models.consultation import Consultation, SmtpSettings
from ..models.sending import Delivery, FileToSend, Letter, RunRecord, SendRefused, Unreachable
from ..outputs.files import write_atomic
from ..outputs.audit import append_records
from ..outputs.outbox import compose, member_recipients, named_recipients, sent_log_rows, sent_records
from ..parsers.consultation import read_consultation
from ..parsers.run_record import address_list, read_run_record, read_senders, read_sent_ids, run_folder

OUTBOX = "outbox"
SENT_LOG = "sent.csv"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_FORMATS = {"docx": DOCX, "xlsx": XLSX}


@dataclass
class Outbox:
    """What `redraft send` would send (or sent)."""

    letters: list[Letter]
    unreachable: list[Unreachable]
    folder: Path
    smtp: SmtpSettings | None
    deliveries: list[Delivery] = field(default_factory=list)


def prepare(out_dir: Path, to: str = "members", consultation_file: Path | None = None,
            table: str | None = None) -> Outbox:
    """Compose every message and write it to DIR/outbox/ (earlier .eml files are replaced).

    `to` is "members" or comma-separated addresses; `table` is None, "docx" or "xlsx".
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise SendRefused(f"{out_dir} is not a folder with a run's outputs")
    out_dir = run_folder(out_dir)  # a `redraft serve` folder: its latest run
    if consultation_file is not None:
        consultation = read_consultation(consultation_file)
        run = _run_from(consultation, out_dir)
    else:
        run = read_run_record(out_dir)
        consultation = read_consultation(run.consultation)
    sender, reply_to, subject = _sender(consultation)
    drafts = []
    for spec in consultation.documents:
        path = out_dir / spec.key / "merged.docx"
        if not path.is_file():
            raise SendRefused(f"{path} is missing: run the consultation into {out_dir} first")
        drafts.append((spec.title, FileToSend(f"{spec.key}-merged.docx", path.read_bytes(), DOCX)))
    attachment = None
    if table is not None:
        path = out_dir / f"resolution.{table}"
        if not path.is_file():
            raise SendRefused(f"{path} is missing: run the consultation into {out_dir} first")
        attachment = FileToSend(path.name, path.read_bytes(), TABLE_FORMATS[table])

    unreachable: list[Unreachable] = []
    if to.strip().lower() == "members":
        if consultation.members is None:
            raise SendRefused("this consultation has no members list: name the addresses, "
                              "e.g. --to jane@example.org,omar@example.org")
        recipients, unreachable = member_recipients(consultation.members, read_senders(out_dir / "submissions.csv"),
                                                    consultation.secretariat)
    else:
        recipients = named_recipients(address_list(to), consultation)
    letters = [compose(r, run, sender=sender, reply_to=reply_to, subject=subject, drafts=drafts,
                       table=attachment, number=n) for n, r in enumerate(recipients, start=1)]
    folder = out_dir / OUTBOX
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    for letter in letters:
        write_atomic(folder / letter.filename, letter.data)
    return Outbox(letters, unreachable, folder, consultation.smtp)


def send(outbox: Outbox, resend: bool = False, now: datetime | None = None) -> list[Delivery]:
    """Deliver the outbox's letters; append every attempt to sent.csv."""
    from ..outputs.smtp_delivery import deliver

    if outbox.smtp is None:
        raise SendRefused("the consultation file has no [smtp] table: add one with host, username and from "
                          "(see the README, \"Sending the merged draft\")")
    log = outbox.folder / SENT_LOG
    done = set() if resend else read_sent_ids(log)
    pending = [letter for letter in outbox.letters if letter.message_id not in done]
    delivered = iter(deliver(pending, outbox.smtp) if pending else [])
    outbox.deliveries = [Delivery(letter, "already sent") if letter.message_id in done else next(delivered)
                         for letter in outbox.letters]
    attempts = [d for d in outbox.deliveries if d.status != "already sent"]
    if attempts:
        rows = sent_log_rows(attempts, now or datetime.now(timezone.utc), header=not log.is_file())
        with log.open("a", encoding="utf-8", newline="") as handle:
            handle.write(rows)
    audit = outbox.folder.parent / "audit.jsonl"
    if audit.is_file() and sent_records(attempts):
        append_records(audit, sent_records(attempts))
    return outbox.deliveries


def _sender(consultation: Consultation) -> tuple[str, str, str]:
    """From, Reply-To, Subject: the [smtp] table's, else the first secretariat address."""
    if consultation.smtp is not None:
        return consultation.smtp.sender, consultation.smtp.reply_to, consultation.smtp.subject
    own = [a for a in consultation.secretariat if not a.startswith("@")]
    if not own:
        raise SendRefused("no address to send from: add an [smtp] table with from = \"...\" to the "
                          "consultation file")
    return own[0], "", SmtpSettings.subject


def _run_from(consultation: Consultation, out_dir: Path) -> RunRecord:
    """A run record for a folder named with --consultation: run.json's date if it has one."""
    try:
        written_at = read_run_record(out_dir).written_at
    except SendRefused:
        summary = out_dir / "summary.json"
        if not summary.is_file():
            raise SendRefused(f"{out_dir} holds no finished run (no summary.json)") from None
        written_at = datetime.fromtimestamp(int(summary.stat().st_mtime), timezone.utc)
    return RunRecord(consultation.source or Path(), consultation.title,
                     tuple((d.key, d.title) for d in consultation.documents), written_at)

