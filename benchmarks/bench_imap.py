"""Time mail intake over IMAP: N messages with a .docx each, fetched from a real Dovecot on
127.0.0.1 and parsed (MIME, attachments stored by sha256, every message accounted for).

    python benchmarks/bench_imap.py [--messages 1000] [--imaps]

Starts its own throwaway Dovecot (tests/dovecot.py; needs `apt-get install dovecot-imapd`),
seeds it with IMAP APPEND (not timed), then times the intake stages as a run does them:
fetch (one read-only session: SEARCH, sizes and INTERNALDATEs, bodies in chunks) and read
(parse each e-mail, store its attachments, account for it). Prints wall and CPU seconds per
stage and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from dovecot import Dovecot  # noqa: E402
from imap_seed import append_messages  # noqa: E402

from redraft.flows import stages  # noqa: E402
from redraft.parsers.consultation import read_consultation  # noqa: E402

SAMPLE = ROOT / "samples" / "alliance87" / "consultation.toml"
ORGS = ["ilo.org", "unicef.org", "ituc-csi.org", "iom.int", "antislavery.org", "au.int"]


def word_copy(n: int) -> bytes:
    """A small Word copy (about 40 KB), different for every n."""
    document = docx.Document()
    document.add_heading("Terms of Reference of Alliance 8.7", 1)
    for i in range(30):
        document.add_paragraph(f"Paragraph {i}: comments of member {n} on the role of the Global "
                               "Coordinating Group, its meetings and its reporting to partners.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def message(n: int, sent: datetime, attachment: bytes) -> bytes:
    msg = EmailMessage()
    org = ORGS[n % len(ORGS)]
    msg["From"] = f"Member {n} <member{n}@{org}>"
    msg["To"] = "info@alliance87.org"
    msg["Subject"] = f"Comments on the draft ToR ({n})"
    msg["Date"] = sent.strftime("%a, %d %b %Y %H:%M:%S +0000")
    msg["Message-ID"] = f"<bench-{n}@{org}>"
    msg.set_content(f"Dear Secretariat,\n\nPlease find our comments attached ({n}).\n\nBest regards,\nMember {n}\n")
    msg.add_attachment(attachment, maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                       filename=f"ToR comments {n}.docx")
    return msg.as_bytes(policy=SMTP)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--imaps", action="store_true", help="fetch over IMAPS instead of IMAP + STARTTLS")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with Dovecot(tmp / "dovecot") as server:
            start = datetime(2018, 8, 1, tzinfo=timezone.utc)
            mails = [message(n, start + timedelta(minutes=n), word_copy(n)) for n in range(args.messages)]
            size = sum(len(m) for m in mails)
            seeded = time.perf_counter()
            append_messages(server, [(m, start + timedelta(minutes=n)) for n, m in enumerate(mails)], folder="Bench")
            seed_s = time.perf_counter() - seeded
            del mails

            os.environ["REDRAFT_IMAP_PASSWORD"] = server.password
            os.environ["REDRAFT_IMAP_CA_FILE"] = str(server.ca_file)
            port = server.imaps_port if args.imaps else server.port
            scheme = "imaps" if args.imaps else "imap"
            from dataclasses import replace

            consultation = replace(read_consultation(SAMPLE), members=None,
                                   inbox=f"{scheme}://{server.user}@127.0.0.1:{port}/Bench")
            work = tmp / "work"
            rows = []

            def timed(name, fn):
                wall, cpu = time.perf_counter(), time.process_time()
                value = fn()
                rows.append((name, time.perf_counter() - wall, time.process_time() - cpu))
                return value

            entries = timed("fetch over IMAP", lambda: stages.fetch(consultation, work))
            messages, records = timed("read and account", lambda: stages.intake(consultation, work / "attachments",
                                                                                  entries))
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"{args.messages} messages, {size / 1048576:.1f} MB in all ({scheme}); seeding with APPEND took {seed_s:.1f} s")
    print(f"{'stage':<22}{'wall s':>9}{'cpu s':>9}")
    for name, wall, cpu in rows:
        print(f"{name:<22}{wall:>9.2f}{cpu:>9.2f}")
    total = sum(r[1] for r in rows)
    print(f"{'total':<22}{total:>9.2f}{sum(r[2] for r in rows):>9.2f}")
    accepted = sum(1 for r in records if r.kind == "attachment" and r.status.value == "accepted")
    print(f"messages read: {len(messages)}, Word attachments accepted: {accepted}, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
