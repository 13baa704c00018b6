"""A messy inbox through the whole flow: every message and attachment accounted for.

Forwards, a winmail.dat, an Outlook .msg, an HTML-only mail, an unknown charset, a file named
to escape the work dir, a re-send, a superseding version, an unknown sender, an oversized
file, the secretariat's own call, mail exactly at the deadline and a second after. The same
inbox is also put in an IMAP folder (the .msg aside: IMAP holds e-mails, not files), and gives
the same rows.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

import docx
import pytest

from conftest import SAMPLE
from outlook_factory import FileSpec, MsgSpec, msg_bytes, tnef_bytes
from redraft.flows import stages
from redraft.parsers.consultation import read_consultation

pytestmark = pytest.mark.flow

DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
TOR = SAMPLE.parent / "drafts" / "tor-v1.docx"
DEADLINE = read_consultation(SAMPLE).deadline
BEFORE = DEADLINE - timedelta(days=2)


def edited_copy(old: str, new: str) -> bytes:
    """A clean edited copy of the ToR draft (as a member saves it from Word)."""
    document = docx.Document(str(TOR))
    for paragraph in document.paragraphs:
        if old in paragraph.text:
            paragraph.runs[0].text = paragraph.text.replace(old, new)
            for run in paragraph.runs[1:]:
                run.text = ""
            break
    else:
        raise AssertionError(f"{old!r} not in the draft")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def mail(sender: str, message_id: str, when: datetime, body: str | None = "Please find our comments attached.",
         *, subject: str = "Comments on the draft ToR", html: str | None = None,
         files: list[tuple[bytes, str, str, str]] = (), charset: str | None = None,
         forward: bytes | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "info@alliance87.org", subject
    msg["Date"], msg["Message-ID"] = format_datetime(when), message_id
    if html is not None:
        msg.set_content(html, subtype="html")
    elif body is not None:
        msg.set_content(body)
    for data, maintype, subtype, name in files:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    if forward is not None:
        from email import message_from_bytes, policy

        msg.add_attachment(message_from_bytes(forward, policy=policy.default))
    data = msg.as_bytes(policy=SMTP)
    if charset:  # declare a charset nobody knows, as some mail systems do
        data = data.replace(b'charset="utf-8"', f'charset="{charset}"'.encode())
    return data


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> Path:
    """The sample consultation with a messy inbox (folder) and a 1 MB size limit."""
    root = tmp_path_factory.mktemp("messy")
    shutil.copytree(SAMPLE.parent, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("inbox", "out"))
    (root / "consultation.toml").write_text(SAMPLE.read_text() + "\n[mailbox]\nmax_attachment_mb = 1\n")
    inbox = root / "inbox"
    inbox.mkdir()
    ilo = edited_copy("four strategic objectives", "five strategic objectives")
    iom_v1 = edited_copy("Driving innovation", "Driving responsible innovation")
    iom_v2 = edited_copy("Driving innovation", "Driving safe and responsible innovation")
    unicef = edited_copy("Conducting research", "Conducting independent research")
    ituc = edited_copy("Accelerating action", "Accelerating concerted action")
    inner = mail("Colleague <m.rossi@ilo.org>", "<inner@ilo.org>", BEFORE - timedelta(hours=3),
                 files=[(ilo, *DOCX, "ToR ILO comments.docx")])
    mails = {
        "01-call.eml": mail("Alliance 8.7 Secretariat <info@alliance87.org>", "<call@a87>", BEFORE - timedelta(days=30),
                            "Dear GCG members, please send comments.", files=[(TOR.read_bytes(), *DOCX, "tor-v1.docx")]),
        "02-forward.eml": mail("Jane Doe <j.doe@ilo.org>", "<fwd@ilo.org>", BEFORE, "FYI, our comments below.",
                               forward=inner),
        "03-resend.eml": mail("Jane Doe <j.doe@ilo.org>", "<resend@ilo.org>", BEFORE + timedelta(hours=1), None,
                              files=[(ilo, *DOCX, "ToR ILO comments.docx")]),
        "04-winmail.eml": mail("UNICEF <o.okafor@unicef.org>", "<tnef@unicef.org>", BEFORE, None,
                               files=[(tnef_bytes([FileSpec("UNICEF ToR.docx", unicef)]), "application", "ms-tnef",
                                       "winmail.dat")]),
        "05-html.eml": mail("ITUC <a.sanchez@ituc-csi.org>", "<html@ituc>", BEFORE, None,
                            html="<p>In <b>4.2</b> replace 'twice a year' with 'at least twice a year'.</p>"),
        "06-charset.eml": mail("Walk Free <k.lee@walkfree.org>", "<charset@walkfree>", BEFORE,
                               "We support the draft.", charset="x-unknown-8859"),
        "07-traversal.eml": mail("ITUC <a.sanchez@ituc-csi.org>", "<trav@ituc>", BEFORE + timedelta(minutes=5),
                                 files=[(ituc, *DOCX, "../../x.docx")]),
        "08-iom-v1.eml": mail("IOM <p.nair@iom.int>", "<v1@iom>", BEFORE, files=[(iom_v1, *DOCX, "ToR IOM.docx")]),
        "09-iom-v2.eml": mail("IOM <p.nair@iom.int>", "<v2@iom>", BEFORE + timedelta(days=1),
                              "Please use this version instead.", files=[(iom_v2, *DOCX, "ToR IOM v2.docx")]),
        "10-stranger.eml": mail("Stranger <someone@example.com>", "<who@example.com>", BEFORE,
                                files=[(ituc, *DOCX, "ToR.docx")]),
        "11-oversized.eml": mail("African Union <k.mensah@au.int>", "<big@au.int>", BEFORE,
                                 files=[(ilo + b"\0" * 1_050_000, *DOCX, "ToR AU.docx")]),
        "15-huge.eml": mail("African Union <k.mensah@au.int>", "<huge@au.int>", BEFORE + timedelta(minutes=1),
                            files=[(b"\1" * 3_000_000, "application", "octet-stream", "scan.pdf")]),
        "12-at-deadline.eml": mail("Anti-Slavery <r.b@antislavery.org>", "<at@asi>", DEADLINE,
                                   "In 1.2 replace 'four strategic objectives' with 'four objectives'."),
        "13-second-late.eml": mail("Anti-Slavery <r.b@antislavery.org>", "<late@asi>", DEADLINE + timedelta(seconds=1),
                                   "One more: in 1.1 delete 'considerable'."),
    }
    for name, data in mails.items():
        (inbox / name).write_bytes(data)
    (inbox / "14-outlook.msg").write_bytes(msg_bytes(MsgSpec(
        sender_name="UNODC", sender_email="l.ortiz@unodc.org", message_id="<msg@unodc>",
        delivered=BEFORE, submitted=BEFORE, attachments=[FileSpec("ToR UNODC.docx", unicef)])))
    return root


@pytest.fixture(scope="module")
def messy_run(messy, prefect_harness, tmp_path_factory):
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from redraft.flows.consultation import consultation_flow

    out = tmp_path_factory.mktemp("messy-out")
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        summary = consultation_flow(str(messy / "consultation.toml"), str(out))
    rows = list(csv.DictReader(io.StringIO((out / "submissions.csv").read_text(encoding="utf-8-sig"))))
    return out, summary, rows


def by_source(rows, kind="message") -> dict[str, dict]:
    return {r["source"]: r for r in rows if r["kind"] == kind}


def attachments_of(rows, source: str) -> list[dict]:
    return [r for r in rows if r["kind"] == "attachment" and r["source"] == source]


def test_every_message_and_file_is_accounted_for(messy, messy_run):
    out, summary, rows = messy_run
    files = sorted(p.name for p in (messy / "inbox").iterdir())
    assert sorted(by_source(rows)) == files  # one message row per file: nothing lost
    assert summary["messages"] == len(files)
    assert all(r["status"] and (r["reason"] or r["status"] == "accepted") for r in rows)


def test_statuses_and_reasons(messy_run):
    _, _, rows = messy_run
    m = by_source(rows)
    expect = {
        "01-call.eml": "not-a-submission", "02-forward.eml": "accepted", "03-resend.eml": "duplicate",
        "04-winmail.eml": "accepted", "05-html.eml": "accepted", "06-charset.eml": "accepted",
        "07-traversal.eml": "accepted", "08-iom-v1.eml": "superseded", "09-iom-v2.eml": "accepted",
        "10-stranger.eml": "held-unknown-sender", "11-oversized.eml": "accepted",
        "12-at-deadline.eml": "accepted", "13-second-late.eml": "late", "14-outlook.msg": "accepted",
        "15-huge.eml": "rejected",
    }
    assert {k: v["status"] for k, v in m.items()} == expect
    assert m["01-call.eml"]["reason"] == "sent by the secretariat"
    assert m["03-resend.eml"]["reason"] == "same file as 02-forward.eml"
    assert "redraft admit" in m["10-stranger.eml"]["reason"]
    assert m["11-oversized.eml"]["reason"].startswith("no readable Word attachment: the e-mail text is read")
    assert "over the 1 MB limit of this consultation: it was not downloaded" in m["15-huge.eml"]["reason"]
    assert attachments_of(rows, "15-huge.eml") == []
    assert m["13-second-late.eml"]["reason"] == (
        "received 2018-08-15 18:00:01 +02:00, after the deadline 2018-08-15 18:00:00 +02:00")
    assert m["08-iom-v1.eml"]["reason"].startswith("its copy was superseded by the later version sent in 09-iom-v2.eml")


def test_attachments_found_wherever_they_hide(messy_run):
    _, _, rows = messy_run
    forwarded = attachments_of(rows, "02-forward.eml")
    assert [(r["filename"], r["status"], r["document"]) for r in forwarded] == [
        ("ToR ILO comments.docx", "accepted", "tor")]
    assert [(r["filename"], r["status"], r["document"]) for r in attachments_of(rows, "04-winmail.eml")] == [
        ("UNICEF ToR.docx", "accepted", "tor")]
    assert [(r["filename"], r["status"]) for r in attachments_of(rows, "14-outlook.msg")] == [
        ("ToR UNODC.docx", "accepted")]
    [odd] = attachments_of(rows, "07-traversal.eml")
    assert odd["status"] == "accepted" and "/" not in odd["filename"] and ".." not in odd["filename"]
    [v1] = attachments_of(rows, "08-iom-v1.eml")
    assert v1["status"] == "superseded" and "ToR IOM v2.docx" in v1["reason"]
    [big] = attachments_of(rows, "11-oversized.eml")
    assert big["status"] == "rejected" and "over the 1 MB limit" in big["reason"]
    assert [r["status"] for r in attachments_of(rows, "10-stranger.eml")] == ["held-unknown-sender"]


def test_nothing_written_outside_the_work_dir(messy, messy_run):
    out, _, _ = messy_run
    assert not (out.parent / "x.docx").exists() and not (messy.parent / "x.docx").exists()
    stored = list((out / ".redraft" / "attachments").rglob("*"))
    assert stored and all(p.resolve().is_relative_to((out / ".redraft").resolve()) for p in stored)
    assert not any(".." in p.name or p.name.endswith("x.docx") for p in stored)


def test_texts_reach_the_table(messy_run):
    out, _, _ = messy_run
    table = (out / "resolution.csv").read_text(encoding="utf-8-sig")
    assert "at least twice a year" in table  # the HTML-only proposal
    assert "We support the draft." in table  # the text in an unknown charset
    assert "Insert: safe and responsible" in table and "ToR IOM v2.docx" in table  # the standing version
    assert "ToR IOM.docx" not in table  # the superseded one's change is gone


def test_the_same_inbox_over_imap_gives_the_same_rows(messy, dovecot, tmp_path):  # noqa: F811
    import os
    from dataclasses import replace

    from imap_seed import append_messages, clear_mailbox
    from redraft.parsers.mail.eml import read_eml

    clear_mailbox(dovecot, "Messy")
    emails = sorted(p for p in (messy / "inbox").glob("*.eml"))
    append_messages(dovecot, [(p.read_bytes(), read_eml(p.read_bytes(), p.name, tmp_path / "x").received)
                              for p in emails], folder="Messy")
    spec = read_consultation(messy / "consultation.toml")
    local = replace(spec, inbox=str(messy / "inbox"))
    remote = replace(spec, inbox=f"imap://{dovecot.user}@{dovecot.host}:{dovecot.port}/Messy")
    os.environ["REDRAFT_IMAP_PASSWORD"], os.environ["REDRAFT_IMAP_CA_FILE"] = dovecot.password, str(dovecot.ca_file)

    def rows(consultation, work):
        messages, records = stages.intake(consultation, work / "attachments", stages.fetch(consultation, work))
        return [(r.kind, r.message_id, r.filename, r.sha256, r.status, r.received) for r in records
                if not r.source.endswith(".msg")]

    assert rows(remote, tmp_path / "imap") == rows(local, tmp_path / "folder")
