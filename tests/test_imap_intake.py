"""Intake from a real IMAP server (Dovecot on 127.0.0.1, started by the test setup).

The sample consultation's 13 e-mails are put in mailbox folders with IMAP APPEND (the
INTERNALDATE set to the time a saved copy says the mail arrived) and the whole flow runs
against them, over IMAP (STARTTLS) and IMAPS, to show the outputs are those of the folder
form; then the faults: a wrong password, a dropped connection, a run killed mid-fetch.
"""

from __future__ import annotations

import csv
import email
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE
from dovecot import dovecot  # noqa: F401  (session fixture)
from imap_seed import append_messages, clear_mailbox, keywords_of
from redraft.models.consultation import MailboxSettings
from redraft.models.intake import InboxRefused
from redraft.parsers.mail.eml import read_eml
from redraft.parsers.mail.inbox import open_inbox
from tcp_proxy import TcpProxy

pytestmark = pytest.mark.flow

INBOX = SAMPLE.parent / "inbox"
KEYWORD = "$redraft-processed"
# Columns of submissions.csv that say where a message was found (a file name, or a UID).
WHERE = "source"


def arrival(data: bytes):
    """When a saved e-mail says it arrived (what a folder run uses), for APPEND's INTERNALDATE."""
    message = read_eml(data, "x.eml", "/nonexistent")
    return message.received


def seed(server, folder: str) -> list[int]:
    clear_mailbox(server, folder)
    mails = [(p.read_bytes(), arrival(p.read_bytes())) for p in sorted(INBOX.glob("*.eml"))]
    return append_messages(server, mails, folder=folder)


def consultation_copy(tmp_path: Path, inbox: str, mailbox: str = "") -> Path:
    """The sample consultation in tmp_path with another inbox line (and [mailbox] table)."""
    folder = tmp_path / "consultation"
    shutil.copytree(SAMPLE.parent, folder, ignore=shutil.ignore_patterns("out", "inbox"))
    text = (SAMPLE.read_text()).replace('inbox = "inbox"', f'inbox = "{inbox}"')
    assert f'inbox = "{inbox}"' in text, "the sample's inbox line changed"
    (folder / "consultation.toml").write_text(text + ("\n" + mailbox if mailbox else ""))
    return folder / "consultation.toml"


def imap_url(server, folder: str, port: int | None = None, secure: bool = False) -> str:
    scheme = "imaps" if secure else "imap"
    return f"{scheme}://{server.user}@{server.host}:{port or (server.imaps_port if secure else server.port)}/{folder}"


@pytest.fixture(scope="module")
def mail_env(dovecot):  # noqa: F811
    saved = {k: os.environ.get(k) for k in ("REDRAFT_IMAP_PASSWORD", "REDRAFT_IMAP_CA_FILE", "REDRAFT_IMAP_TOKEN")}
    os.environ["REDRAFT_IMAP_PASSWORD"] = dovecot.password
    os.environ["REDRAFT_IMAP_CA_FILE"] = str(dovecot.ca_file)
    os.environ.pop("REDRAFT_IMAP_TOKEN", None)
    yield dovecot
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def run_flow(consultation_run):
    return consultation_run


@pytest.fixture(scope="module")
def folder_out(run_flow, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("folder-out")
    run_flow(SAMPLE, out)
    return out


def comparable(out: Path) -> dict[str, object]:
    """Every output, with what says where each message was found taken out: the
    submissions.csv source column (in reasons and notes replaced by the Message-ID), its hash in
    summary.json and the audit log, `source` in audit records."""
    files: dict[str, object] = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if not path.is_file() or rel.startswith(".redraft/"):
            continue
        if rel == "submissions.csv":
            rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
            named = {row[WHERE]: row["message_id"] for row in rows if row["kind"] == "message"}
            for row in rows:  # reasons and notes name a message by where it was found
                for where, message_id in sorted(named.items(), key=lambda kv: -len(kv[0])):
                    row["reason"] = row["reason"].replace(where, message_id)
                    row["notes"] = row["notes"].replace(where, message_id)
            files[rel] = [{k: v for k, v in row.items() if k != WHERE} for row in rows]
        elif rel == "summary.json":
            data = json.loads(path.read_text())
            data["outputs"].pop("submissions.csv")
            files[rel] = data
        elif rel == "audit.jsonl":  # also without its clock and chain (they differ between any two runs)
            records = [json.loads(line) for line in path.read_text().splitlines()]
            for r in records:
                for key in ("source", "prev", "at"):
                    r.pop(key, None)
                if r.get("step") == "written" and r.get("path") in ("submissions.csv", "summary.json"):
                    r.pop("sha256")
            files[rel] = records
        else:
            files[rel] = path.read_bytes()
    return files


def submissions(out: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((out / "submissions.csv").read_text(encoding="utf-8-sig"))))


# -- the same outputs over IMAP and IMAPS ------------------------------------------------------

def test_imap_gives_the_outputs_of_the_folder_form(mail_env, run_flow, folder_out, tmp_path):
    seed(mail_env, "Sample-IMAP")
    consultation = consultation_copy(tmp_path, imap_url(mail_env, "Sample-IMAP"))
    out = tmp_path / "out"
    summary = run_flow(consultation, out)
    assert comparable(out) == comparable(folder_out)
    assert [r[WHERE] for r in submissions(out) if r["kind"] == "message"][0].startswith("Sample-IMAP UID ")
    assert summary["flagged"] == 13
    assert all(KEYWORD in flags for flags in keywords_of(mail_env, "Sample-IMAP").values())
    assert not any("\\Seen" in flags for flags in keywords_of(mail_env, "Sample-IMAP").values())


def test_redraft_run_over_imaps_gives_the_outputs_of_the_folder_form(mail_env, folder_out, tmp_path):
    seed(mail_env, "Sample-IMAPS")
    consultation = consultation_copy(tmp_path, imap_url(mail_env, "Sample-IMAPS", secure=True))
    out = tmp_path / "out"
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"), REDRAFT_SERVER_PORT="1")
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run([sys.executable, "-m", "redraft.cli", "run", str(consultation), "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Marked 13 e-mails in the mailbox as processed." in done.stderr
    assert comparable(out) == comparable(folder_out)


def test_rerun_with_fetch_new_reads_only_new_mail_and_keeps_the_rest(mail_env, run_flow, folder_out, tmp_path):
    uids = seed(mail_env, "Sample-New")
    consultation = consultation_copy(tmp_path, imap_url(mail_env, "Sample-New"), '[mailbox]\nfetch = "new"')
    out = tmp_path / "out"
    assert run_flow(consultation, out)["flagged"] == 13
    with open_inbox(imap_url(mail_env, "Sample-New"), MailboxSettings(fetch="new")) as inbox:
        assert list(inbox.mails()) == []  # everything carries the keyword now
    run_flow(consultation, out)  # the server sends nothing; the kept copies are read again
    assert comparable(out)["resolution.csv"] == comparable(folder_out)["resolution.csv"]
    assert len(submissions(out)) == len(submissions(folder_out))
    assert sorted(keywords_of(mail_env, "Sample-New")) == sorted(uids)


# -- faults ----------------------------------------------------------------------------------------

def test_wrong_password_is_a_clear_error_and_exit_code(mail_env, tmp_path):
    seed(mail_env, "Sample-Wrong")
    consultation = consultation_copy(tmp_path, imap_url(mail_env, "Sample-Wrong"))
    env = dict(os.environ, REDRAFT_IMAP_PASSWORD="not-the-password", PREFECT_HOME=str(tmp_path / "ph"))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "redraft.cli", "run", str(consultation), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 2
    assert f"refused the login of {mail_env.user}: check REDRAFT_IMAP_PASSWORD" in done.stderr
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 60  # refused before any engine start-up
    env.pop("REDRAFT_IMAP_PASSWORD")
    missing = subprocess.run([sys.executable, "-m", "redraft.cli", "run", str(consultation)],
                             capture_output=True, text=True, env=env, timeout=300)
    assert missing.returncode == 2 and "set REDRAFT_IMAP_PASSWORD" in missing.stderr


def test_no_such_folder_and_untrusted_certificate_are_refused(mail_env):
    with pytest.raises(InboxRefused, match="no folder 'Nope'"):
        open_inbox(imap_url(mail_env, "Nope"), MailboxSettings())
    saved = os.environ.pop("REDRAFT_IMAP_CA_FILE")
    try:
        with pytest.raises(InboxRefused, match="certificate that cannot be trusted"):
            open_inbox(imap_url(mail_env, "INBOX", secure=True), MailboxSettings())
    finally:
        os.environ["REDRAFT_IMAP_CA_FILE"] = saved


def test_xoauth2_token_instead_of_a_password(mail_env):
    seed(mail_env, "Sample-OAuth")
    os.environ["REDRAFT_IMAP_TOKEN"] = mail_env.oauth_token
    try:
        with open_inbox(imap_url(mail_env, "Sample-OAuth", secure=True), MailboxSettings()) as inbox:
            assert len(list(inbox.mails())) == 13
        os.environ["REDRAFT_IMAP_TOKEN"] = "revoked"
        with pytest.raises(InboxRefused, match="check REDRAFT_IMAP_TOKEN"):
            open_inbox(imap_url(mail_env, "Sample-OAuth", secure=True), MailboxSettings())
    finally:
        os.environ.pop("REDRAFT_IMAP_TOKEN", None)


def test_dropped_connection_during_fetch_is_retried_and_nothing_flagged_early(mail_env, run_flow, folder_out,
                                                                             tmp_path):
    seed(mail_env, "Sample-Drop")
    with TcpProxy(mail_env.port, cut_after=300_000, max_cuts=1) as proxy:
        consultation = consultation_copy(tmp_path, imap_url(mail_env, "Sample-Drop", port=proxy.port))
        out = tmp_path / "out"
        run_flow(consultation, out)
        assert proxy.cuts == 1 and proxy.connections >= 3  # cut fetch, retried fetch, flagging
    assert comparable(out) == comparable(folder_out)


def test_oversized_mail_is_not_downloaded_and_rejected(mail_env, tmp_path):
    big = email.message.EmailMessage()
    big["From"], big["To"], big["Subject"] = "Jane <jane@ilo.org>", "info@alliance87.org", "Big file"
    big["Date"], big["Message-ID"] = "Tue, 14 Aug 2018 10:00:00 +0200", "<big@ilo.org>"
    big.set_content("Our comments are in the attached file.")
    big.add_attachment(b"\1" * 3_000_000, maintype="application", subtype="octet-stream", filename="huge.docx")
    data = big.as_bytes(policy=email.policy.SMTP)
    clear_mailbox(mail_env, "Big")
    append_messages(mail_env, [(data, arrival(data))], folder="Big")
    with TcpProxy(mail_env.port) as proxy, \
            open_inbox(imap_url(mail_env, "Big", port=proxy.port), MailboxSettings(max_attachment_mb=1)) as inbox:
        [raw] = list(inbox.mails())
        assert raw.data is None and raw.size > 3_000_000 and b"Message-ID: <big@ilo.org>" in raw.headers
        assert proxy.bytes_to_client < 200_000  # the server said how big it was; it was not sent


def test_killed_mid_fetch_then_rerun_gives_the_uninterrupted_result(mail_env, folder_out, tmp_path):
    seed(mail_env, "Sample-Kill")
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"), REDRAFT_SERVER_PORT="1")
    env.pop("PREFECT_API_URL", None)
    out = tmp_path / "out"
    with TcpProxy(mail_env.port, bytes_per_second=150_000) as slow:
        consultation = consultation_copy(tmp_path, imap_url(mail_env, "Sample-Kill", port=slow.port))
        run = subprocess.Popen([sys.executable, "-m", "redraft.cli", "run", str(consultation), "--out", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        deadline = time.monotonic() + 300
        while slow.bytes_to_client < 200_000 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run.poll() is None, "the run ended before it could be killed mid-fetch"
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    assert not any(KEYWORD in f for f in keywords_of(mail_env, "Sample-Kill").values()), "flagged too early"
    fast = consultation_copy(tmp_path / "again", imap_url(mail_env, "Sample-Kill"))
    done = subprocess.run([sys.executable, "-m", "redraft.cli", "run", str(fast), "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert comparable(out) == comparable(folder_out)
    rows = submissions(out)
    assert len(rows) == len({(r["kind"], r["message_id"], r["filename"], r["sha256"]) for r in rows})
