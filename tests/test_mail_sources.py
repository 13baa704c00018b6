"""Intake from every kind of local inbox (folder, Maildir, mbox), the received time, the size
limit, held senders and the way to admit them, superseded versions, and the [mailbox] table."""

from __future__ import annotations

import mailbox
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from redraft.flows import stages
from redraft.models.consultation import MailboxSettings, Member
from redraft.models.intake import ConsultationRefused, InboxRefused, RawMail
from redraft.models.submission import Message, Status
from redraft.parsers.consultation import parse_consultation
from redraft.parsers.mail.accounting import account_messages, arrival_order
from redraft.parsers.mail.inbox import LocalInbox, read_mail
from redraft.parsers.members import read_members

from test_mail_intake import DEADLINE, DOCX_TYPE, consultation, mail, make_docx, raw

CEST = DEADLINE.tzinfo


def _messages(docx: bytes) -> list[bytes]:
    return [
        raw(mail(message_id="<a@ilo.org>", date=DEADLINE - timedelta(days=1),
                 attachments=[(docx, *DOCX_TYPE, "ToR ILO.docx")])),
        raw(mail(sender="Ana <ana@ituc-csi.org>", message_id="<b@ituc>", date=DEADLINE, body="Typo in 2.1.")),
        raw(mail(sender="Ana <ana@ituc-csi.org>", message_id="<c@ituc>", date=DEADLINE + timedelta(seconds=1),
                 body="One more thing: section 3.")),
        raw(mail(sender="Someone <x@example.com>", message_id="<d@x>", date=DEADLINE - timedelta(hours=12),
                 body="Hello")),
        raw(mail(sender="Secretariat <info@alliance87.org>", message_id="<e@a87>", date=DEADLINE - timedelta(days=30),
                 body="Call for comments")),
    ]


def _as_folder(folder: Path, messages: list[bytes]) -> Path:
    folder.mkdir()
    for n, data in enumerate(reversed(messages), start=1):  # file names not in arrival order
        (folder / f"{n:02d}.eml").write_bytes(data)
    return folder


def _as_maildir(folder: Path, messages: list[bytes]) -> Path:
    box = mailbox.Maildir(str(folder), create=True)
    for data in messages:
        box.add(data)
    return folder


def _as_mbox(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.mbox(str(path), create=True)
    for data in messages:
        box.add(data)
    box.flush()
    box.close()
    return path


def _rows(location: Path, tmp_path: Path, store: str) -> list[tuple]:
    spec = consultation(inbox=str(location))
    with LocalInbox(location, spec.mailbox) as inbox:
        entries = list(inbox.mails())
    messages, records = stages.intake(spec, tmp_path / store, entries)
    return [(r.kind, r.message_id, r.sender, r.received, r.filename, r.sha256, r.status, r.reason)
            for r in records]


def test_folder_maildir_and_mbox_give_the_same_rows(tmp_path: Path) -> None:
    messages = _messages(make_docx("Comments of the ILO."))
    folder = _rows(_as_folder(tmp_path / "folder", messages), tmp_path, "s1")
    maildir = _rows(_as_maildir(tmp_path / "maildir", messages), tmp_path, "s2")
    mbox = _rows(_as_mbox(tmp_path / "inbox.mbox", messages), tmp_path, "s3")
    assert folder == maildir == mbox
    statuses = [(r[1], r[6]) for r in folder if r[0] == "message"]
    assert statuses == [("<e@a87>", Status.NOT_A_SUBMISSION), ("<a@ilo.org>", Status.ACCEPTED),
                        ("<d@x>", Status.HELD), ("<b@ituc>", Status.ACCEPTED), ("<c@ituc>", Status.LATE)]


def test_exactly_at_the_deadline_is_on_time_a_second_later_is_late(tmp_path: Path) -> None:
    rows = _rows(_as_folder(tmp_path / "inbox", _messages(make_docx("x"))), tmp_path, "s")
    by_id = {r[1]: r for r in rows if r[0] == "message"}
    assert by_id["<b@ituc>"][6] == Status.ACCEPTED
    assert by_id["<c@ituc>"][6] == Status.LATE
    assert by_id["<c@ituc>"][7] == "received 2018-08-15 18:00:01 +02:00, after the deadline 2018-08-15 18:00:00 +02:00"


def test_received_time_is_the_mail_servers_stamp_when_there_is_one(tmp_path: Path) -> None:
    data = raw(mail(date=DEADLINE - timedelta(hours=1), body="Our comments."))
    stamped = (b"Received: from mx.ilo.org by mail.alliance87.org; Wed, 15 Aug 2018 18:00:05 +0200\r\n"
               b"Received: from laptop by mx.ilo.org; Wed, 15 Aug 2018 16:59:00 +0200\r\n" + data)
    message = read_mail(RawMail("m.eml", stamped, len(stamped)), tmp_path / "store")
    assert (message.received, message.received_from) == (datetime(2018, 8, 15, 18, 0, 5, tzinfo=CEST), "Received")
    [row] = account_messages([message], consultation())
    assert row.status == Status.LATE  # the sender's clock said 17:00
    server = datetime(2018, 8, 15, 15, 0, tzinfo=timezone.utc)
    fetched = read_mail(RawMail("INBOX UID 7", stamped, len(stamped), server_received=server, uid="7"),
                        tmp_path / "store")
    assert (fetched.received, fetched.received_from, fetched.uid) == (server, "server", "7")


def test_arrival_order_not_file_order(tmp_path: Path) -> None:
    read = [read_mail(r, tmp_path / "s") for r in LocalInbox(_as_folder(tmp_path / "in", _messages(b"")),
                                                               MailboxSettings()).mails()]
    assert [m.source for m in read] == ["01.eml", "02.eml", "03.eml", "04.eml", "05.eml"]  # name order
    ordered = sorted(read, key=arrival_order)
    assert [m.received for m in ordered] == sorted(m.received for m in ordered)
    assert [m.message_id for m in ordered] == ["<e@a87>", "<a@ilo.org>", "<d@x>", "<b@ituc>", "<c@ituc>"]


# -- size limit --------------------------------------------------------------------------------

def test_attachment_over_the_limit_is_rejected_with_its_size(tmp_path: Path) -> None:
    big = make_docx("x") + b"\0" * (1_300_000)
    spec = consultation(mailbox=MailboxSettings(max_attachment_mb=1))
    data = raw(mail(attachments=[(big, *DOCX_TYPE, "big.docx")]))
    message = read_mail(RawMail("big.eml", data, len(data)), tmp_path / "s")
    rows = account_messages([message], spec)
    assert rows[1].status == Status.REJECTED
    assert rows[1].reason.startswith("file of 1.3 MB, over the 1 MB limit of this consultation")


def test_email_over_the_limit_is_not_read_and_rejected(tmp_path: Path) -> None:
    big = b"\1" * 2_000_000
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "huge.eml").write_bytes(raw(mail(attachments=[(big, "application", "octet-stream", "a.bin")])))
    spec = consultation(inbox=str(inbox), mailbox=MailboxSettings(max_attachment_mb=1))
    messages, records = stages.intake(spec, tmp_path / "store")
    assert messages[0].too_large > 2_000_000 and messages[0].attachments == ()
    assert messages[0].sender_address == "jane.doe@ilo.org" and messages[0].message_id == "<1@ilo.org>"
    assert records[0].status == Status.REJECTED
    assert "over the 1 MB limit" in records[0].reason and "not downloaded" in records[0].reason
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("*"))


# -- held senders and admitting them -------------------------------------------------------------

def test_held_sender_is_admitted_by_one_command(tmp_path: Path) -> None:
    (tmp_path / "tor.docx").write_bytes(make_docx("draft"))
    (tmp_path / "members.csv").write_text("email,organisation,constituency\n@ilo.org,ILO,UN agency\n")
    (tmp_path / "c.toml").write_text(
        '[consultation]\ntitle = "t"\ndeadline = 2018-08-15T18:00:00+02:00\ninbox = "inbox"\n'
        'members = "members.csv"\n[[documents]]\nkey = "tor"\ndraft = "tor.docx"\n')
    command = [sys.executable, "-m", "redraft.cli", "admit", str(tmp_path / "c.toml"), "x@example.com",
               "--organisation", "Example NGO", "--constituency", "Civil society"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    members = read_members(tmp_path / "members.csv")
    assert Member("x@example.com", "Example NGO", "Civil society") in members
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "already on the members list" in again.stderr
    message = read_mail(RawMail("d.eml", _messages(b"")[3], 1), tmp_path / "s")
    [row] = account_messages([message], consultation(members=members))
    assert row.status == Status.ACCEPTED and row.organisation == "Example NGO"


def test_open_consultation_counts_every_sender_by_display_name(tmp_path: Path) -> None:
    message = read_mail(RawMail("d.eml", _messages(b"")[3], 1), tmp_path / "s")
    [row] = account_messages([message], consultation(members=None))
    assert (row.status, row.organisation) == (Status.ACCEPTED, "Someone")


# -- superseded versions -------------------------------------------------------------------------

def test_later_version_from_the_same_member_supersedes_the_earlier(tmp_path: Path) -> None:
    result_rows = []
    results = []
    for n, (when, sha) in enumerate([(DEADLINE - timedelta(days=2), "a" * 64), (DEADLINE - timedelta(days=1), "b" * 64)]):
        head = stages.SubmissionRecord(kind="message", source=f"{n}.eml", message_id=f"<{n}@ilo>",
                                       sender="jane.doe@ilo.org", organisation="ILO", constituency="",
                                       received=when, status=Status.ACCEPTED)
        row = replace(head, kind="attachment", filename=f"v{n}.docx", sha256=sha, document="tor")
        proposal = stages.Origin(document="tor", organisation="ILO", constituency="", sender="jane.doe@ilo.org",
                                 sender_name="Jane", received=when, message_id=f"<{n}@ilo>",
                                 file=f"v{n}.docx", file_sha256=sha).proposal(
            source=stages.Source.TRACKED, start=0, end=1, old="x", new="y")
        results.append(stages.SubmissionResult(records=[head, row], proposals=[proposal]))
        result_rows.append(row)
    stages.supersede(results)
    assert [r.status for r in result_rows] == [Status.SUPERSEDED, Status.ACCEPTED]
    assert result_rows[0].reason == "superseded by the later version v1.docx sent in 1.eml"
    assert results[0].proposals == [] and len(results[1].proposals) == 1
    assert results[0].records[0].status == Status.SUPERSEDED  # nothing else in that e-mail


# -- the [mailbox] table and inbox addresses -----------------------------------------------------

def _spec(tmp_path: Path, extra: str, inbox: str = "inbox"):
    (tmp_path / "tor.docx").write_bytes(b"x")
    text = (f'[consultation]\ntitle = "t"\ndeadline = 2018-08-15T18:00:00+02:00\ninbox = "{inbox}"\n'
            f'{extra}\n[[documents]]\nkey = "tor"\ndraft = "tor.docx"\n')
    return parse_consultation(text, tmp_path / "c.toml")


def test_mailbox_table(tmp_path: Path) -> None:
    assert _spec(tmp_path, "").mailbox == MailboxSettings()
    spec = _spec(tmp_path, '[mailbox]\nkeyword = "$done"\nfetch = "new"\nmax_attachment_mb = 10',
                 inbox="imaps://secretariat%40alliance87.org@mail.example.org/INBOX")
    assert spec.mailbox == MailboxSettings("$done", "new", 10.0)
    assert spec.inbox.startswith("imaps://")
    for bad, says in (('fetch = "some"', "fetch must be"), ("max_attachment_mb = 0", "above 0"),
                      ('keyword = "two words"', "keyword must be"), ('fecth = "new"', "did you mean 'fetch'")):
        with pytest.raises(ConsultationRefused, match=says):
            _spec(tmp_path, f"[mailbox]\n{bad}")
    with pytest.raises(ConsultationRefused, match="not a folder, a file or an imap"):
        _spec(tmp_path, "", inbox="pop3://x@y")


def test_inbox_kinds_and_refusals(tmp_path: Path) -> None:
    with pytest.raises(InboxRefused, match="not found"):
        LocalInbox(tmp_path / "nowhere", MailboxSettings())
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InboxRefused, match="not an mbox"):
        LocalInbox(tmp_path / "notes.txt", MailboxSettings())
    from redraft.parsers.mail.imap import ImapAddress

    address = ImapAddress.parse("imap://secretariat@alliance87.org@127.0.0.1:1430/Comments%20GCG")
    assert (address.user, address.host, address.port, address.folder, address.secure) == (
        "secretariat@alliance87.org", "127.0.0.1", 1430, "Comments GCG", False)
    assert ImapAddress.parse("imaps://u@h").port == 993
    with pytest.raises(InboxRefused, match="must not hold the password"):
        ImapAddress.parse("imaps://u:secret@h/INBOX")
    with pytest.raises(InboxRefused, match="names no user"):
        ImapAddress.parse("imaps://h/INBOX")


def test_message_model_defaults_are_unchanged_for_files(tmp_path: Path) -> None:
    message = read_mail(RawMail("a.eml", _messages(b"")[1], 1), tmp_path / "s")
    assert isinstance(message, Message) and message.uid == "" and message.too_large == 0
    assert message.received_from == "Date"
