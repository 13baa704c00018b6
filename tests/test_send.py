"""`redraft send`: the merged drafts e-mailed to members, against a real SMTP server.

One real flow run over a copy of the samples whose consultation file has an `[smtp]` table
naming an aiosmtpd server on 127.0.0.1 (STARTTLS and AUTH required, a self-signed
certificate). Each test works on its own copy of that run's folder and calls the command
as a user would (a subprocess).
"""

from __future__ import annotations

import csv
import email
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from email import policy
from email.utils import getaddresses
from pathlib import Path

import docx
import pytest

from conftest import SAMPLE
from smtp_server import SmtpServer, free_port
from redraft.models.intake import ConsultationRefused
from redraft.outputs.audit import verify_chain
from redraft.parsers.consultation import parse_consultation

pytestmark = pytest.mark.flow

REDRAFT = [sys.executable, "-m", "redraft.cli"]
TITLE = "GCG comments on the draft ToR and Pathfinder guidance note"
# The samples' members list has one full address and domain rows; a domain row stands for
# the addresses that wrote from it (see samples/alliance87/EXPECTED.md).
EXPECTED = {
    "rossi@ilo.org": "ILO",
    "jokafor@unicef.org": "UNICEF",
    "apereira@iom.int": "IOM",
    "a.diallo@labour.gov.example": "Ministry of Labour and Social Security, Examplia",
    "r.perera@mela.gov.example": "Ministry of Employment and Labour Relations, Norland",
    "luc.martens@ituc-csi.org": "ITUC",
    "lindqvist@ioe-emp.org": "IOE",
    "bekelet@au.int": "African Union Commission",
    "r.campbell@antislavery.org": "Anti-Slavery International",
    "gthompson@walkfree.org": "Walk Free",
    "b.kouassi@cocem.example": "COCEM (Collectif des ONG contre l'esclavage moderne)",
}
NOBODY = {"@unodc.org": "UNODC", "@globalmarch.org": "Global March Against Child Labour"}
SMTP_TABLE = """
[smtp]
host = "127.0.0.1"
port = {port}
security = "starttls"
username = "{user}"
from = "Alliance 8.7 Secretariat <info@alliance87.org>"
reply_to = "info@alliance87.org"
"""


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    server = SmtpServer(tmp_path_factory.mktemp("smtp")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def consultation_copy(smtp, tmp_path_factory):
    folder = tmp_path_factory.mktemp("consultation") / "alliance87"
    shutil.copytree(SAMPLE.parent, folder)
    path = folder / "consultation.toml"
    path.write_text(SAMPLE.read_text(encoding="utf-8") + SMTP_TABLE.format(port=smtp.port, user=smtp.user),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run_dir(prefect_harness, consultation_copy, tmp_path_factory):
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from redraft.flows.consultation import consultation_flow

    out = tmp_path_factory.mktemp("run") / "out"
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        consultation_flow(str(consultation_copy), str(out))
    return out


@pytest.fixture
def out(run_dir, tmp_path, smtp):
    copy = tmp_path / "out"
    shutil.copytree(run_dir, copy)
    smtp.received.clear()
    smtp.refuse.clear()
    smtp.logins.clear()
    return copy


def send(args, smtp, password=None, ca=True, **env):
    environment = dict(os.environ, **env)
    environment["REDRAFT_SMTP_PASSWORD"] = smtp.password if password is None else password
    if ca:
        environment["REDRAFT_SMTP_CA_FILE"] = str(smtp.ca_file)
    else:
        environment.pop("REDRAFT_SMTP_CA_FILE", None)
    return subprocess.run(REDRAFT + ["send", *map(str, args)], capture_output=True, text=True,
                          env=environment, timeout=120)


def outbox(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "outbox").glob("*.eml"))}


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=policy.default)


def docx_text(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_the_run_records_its_consultation(run_dir, consultation_copy):
    record = json.loads((run_dir / ".redraft" / "run.json").read_text(encoding="utf-8"))
    assert record["consultation"] == str(consultation_copy)
    assert record["title"] == TITLE
    assert record["documents"] == [{"key": "tor", "title": "Terms of Reference of Alliance 8.7"},
                                   {"key": "guidance", "title": "Pathfinder guidance note"}]
    assert record["written_at"].endswith("+00:00")


def test_dry_run_writes_one_message_per_recipient_with_the_merged_drafts(out, smtp):
    result = send([out, "--to", "members"], smtp)
    assert result.returncode == 0, result.stderr
    assert "Dry run: 11 messages" in result.stderr and "nothing sent" in result.stderr
    assert smtp.received == [], "a dry run sends nothing"
    files = outbox(out)
    assert len(files) == len(EXPECTED)
    merged = {key: (out / key / "merged.docx").read_bytes() for key in ("tor", "guidance")}
    seen = {}
    for name, data in files.items():
        message = parse(data)
        recipients = getaddresses(message.get_all("To", []) + message.get_all("Cc", []) + message.get_all("Bcc", []))
        assert len(recipients) == 1, f"{name}: one recipient, nobody sees other addresses"
        address = recipients[0][1]
        seen[address] = message
        assert name.endswith(f"-{address}.eml")
        (sender,) = message["From"].addresses
        assert (sender.display_name, sender.addr_spec) == ("Alliance 8.7 Secretariat", "info@alliance87.org")
        assert message["Reply-To"] == "info@alliance87.org"
        assert message["Subject"] == f"{TITLE}: merged draft"
        assert message["Message-ID"].endswith("@alliance87.org>")
        attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
        assert set(attachments) == {"tor-merged.docx", "guidance-merged.docx"}
        for key in ("tor", "guidance"):
            assert attachments[f"{key}-merged.docx"] == merged[key]
            assert docx_text(attachments[f"{key}-merged.docx"]) == docx_text(merged[key])
        body = message.get_body(("plain",)).get_content()
        assert TITLE in body and "Terms of Reference of Alliance 8.7" in body and "Pathfinder guidance note" in body
        assert "resolution" not in body, "no table attached, none announced"
        assert f"Dear {recipients[0][0] or EXPECTED[address]}," in body
    assert set(seen) == set(EXPECTED)
    assert seen["rossi@ilo.org"]["To"] == "Maria Rossi <rossi@ilo.org>"
    assert len({m["Message-ID"] for m in seen.values()}) == len(EXPECTED)


def test_the_same_run_gives_the_same_messages(out, smtp):
    assert send([out, "--to", "members"], smtp).returncode == 0
    first = outbox(out)
    assert send([out, "--to", "members"], smtp).returncode == 0
    assert outbox(out) == first


def test_a_domain_row_nobody_wrote_from_gets_no_mail_and_is_reported(out, smtp):
    result = send([out, "--to", "members"], smtp)
    assert result.returncode == 0, result.stderr
    for domain, organisation in NOBODY.items():
        assert f"No mail for {organisation} ({domain}): nobody from {domain} wrote" in result.stderr
        assert not [name for name in outbox(out) if name.endswith(domain[1:] + ".eml")]
    assert "info@alliance87.org" not in " ".join(outbox(out)), "the secretariat does not mail itself"


def test_send_delivers_exactly_the_dry_run_messages(out, smtp):
    assert send([out, "--to", "members"], smtp).returncode == 0
    dry = outbox(out)
    result = send([out, "--to", "members", "--send"], smtp)
    assert result.returncode == 0, result.stderr
    assert "Sent 11 of 11 messages" in result.stderr
    assert outbox(out) == dry
    assert smtp.logins == [(smtp.user, True)] * len(smtp.logins) and smtp.logins
    by_recipient = {r.rcpt_tos: r for r in smtp.received}
    assert len(smtp.received) == len(EXPECTED) == len(by_recipient)
    for name, data in dry.items():
        address = getaddresses(parse(data).get_all("To"))[0][1]
        received = by_recipient[(address,)]
        assert received.mail_from == "info@alliance87.org"
        assert received.data == data, f"{name}: the server got the outbox file byte for byte"
    with (out / "outbox" / "sent.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["to"] for r in rows} == set(EXPECTED) and {r["status"] for r in rows} == {"sent"}
    assert {r["message_id"] for r in rows} == {parse(d)["Message-ID"] for d in dry.values()}

    sent = [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()
            if json.loads(line)["step"] == "sent"]
    merged = {f"{key}-merged.docx": hashlib.sha256((out / key / "merged.docx").read_bytes()).hexdigest()
              for key in ("tor", "guidance")}
    assert {r["to"] for r in sent} == set(EXPECTED) and len(sent) == len(EXPECTED)
    assert {r["sha256"] for r in sent} == {hashlib.sha256(d).hexdigest() for d in dry.values()}
    assert all(r["attachments"] == merged for r in sent)
    assert verify_chain(out / "audit.jsonl") == [], "the log still verifies"

    again = send([out, "--to", "members", "--send"], smtp)
    assert again.returncode == 0, again.stderr
    assert len(smtp.received) == len(EXPECTED), "what was sent is not sent twice"
    assert "Already sent: rossi@ilo.org" in again.stderr


def test_the_resolution_table_can_go_with_the_drafts(out, smtp):
    result = send([out, "--to", "rossi@ilo.org", "--with-table", "--send"], smtp)
    assert result.returncode == 0, result.stderr
    (received,) = smtp.received
    message = parse(received.data)
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert attachments["resolution.docx"] == (out / "resolution.docx").read_bytes()
    assert set(attachments) == {"tor-merged.docx", "guidance-merged.docx", "resolution.docx"}
    assert "resolution.docx: the comment-resolution table" in message.get_body(("plain",)).get_content()
    assert "Dear ILO," in message.get_body(("plain",)).get_content()


def test_wrong_password_exits_2_with_the_reason(out, smtp):
    result = send([out, "--to", "members", "--send"], smtp, password="not the password")
    assert result.returncode == 2
    assert "the mail server refused the user name or password" in result.stderr
    assert "Traceback" not in result.stderr
    assert smtp.received == []
    assert not (out / "outbox" / "sent.csv").exists()


def test_a_refused_recipient_is_listed_and_the_others_still_go(out, smtp):
    smtp.refuse.add("nobody@unknown.example")
    result = send([out, "--to", "nobody@unknown.example, a.diallo@labour.gov.example", "--send"], smtp)
    assert result.returncode == 2, result.stderr
    assert "Refused: nobody@unknown.example — the server refused the address (550" in result.stderr
    assert "Sent: a.diallo@labour.gov.example" in result.stderr
    assert [r.rcpt_tos for r in smtp.received] == [("a.diallo@labour.gov.example",)]
    rows = list(csv.DictReader((out / "outbox" / "sent.csv").open(encoding="utf-8", newline="")))
    assert [(r["to"], r["status"]) for r in rows] == [("nobody@unknown.example", "refused"),
                                                      ("a.diallo@labour.gov.example", "sent")]
    assert rows[1]["organisation"] == "Ministry of Labour and Social Security, Examplia"

    smtp.refuse.clear()
    retry = send([out, "--to", "nobody@unknown.example, a.diallo@labour.gov.example", "--send"], smtp)
    assert retry.returncode == 0, retry.stderr
    assert [r.rcpt_tos for r in smtp.received] == [("a.diallo@labour.gov.example",), ("nobody@unknown.example",)]


def test_an_unreachable_server_or_untrusted_certificate_is_a_plain_refusal(out, smtp, consultation_copy):
    untrusted = send([out, "--to", "members", "--send"], smtp, ca=False)
    assert untrusted.returncode == 2
    assert "has a certificate that cannot be trusted" in untrusted.stderr
    assert "REDRAFT_SMTP_CA_FILE" in untrusted.stderr

    elsewhere = consultation_copy.with_name("closed-port.toml")  # beside it: same relative paths
    elsewhere.write_text(consultation_copy.read_text(encoding="utf-8")
                         .replace(f"port = {smtp.port}", f"port = {free_port()}"), encoding="utf-8")
    closed = send([out, "--to", "members", "--send", "--consultation", elsewhere], smtp)
    assert closed.returncode == 2
    assert "cannot be reached: connection refused" in closed.stderr and "Traceback" not in closed.stderr
    assert smtp.received == []


def test_a_folder_without_a_run_is_refused_unless_the_consultation_is_named(out, smtp, consultation_copy):
    (out / ".redraft" / "run.json").unlink()
    refused = send([out, "--to", "members"], smtp)
    assert refused.returncode == 2 and "holds no finished run" in refused.stderr
    named = send([out, "--to", "members", "--consultation", consultation_copy], smtp)
    assert named.returncode == 0, named.stderr
    assert len(outbox(out)) == len(EXPECTED)


def test_bad_to_values_are_refused(out, smtp):
    result = send([out, "--to", "ilo"], smtp)
    assert result.returncode == 2 and "not an address: ilo" in result.stderr


# The [smtp] table of the consultation file.

BASE = """[consultation]
title = "t"
deadline = 2018-08-15T18:00:00+02:00
inbox = "inbox"
[[documents]]
key = "tor"
draft = "drafts/tor-v1.docx"
"""


def smtp_settings(table: str):
    return parse_consultation(BASE + "[smtp]\n" + table, source=SAMPLE).smtp


def test_smtp_settings_defaults_and_values():
    assert parse_consultation(BASE, source=SAMPLE).smtp is None
    s = smtp_settings('host = "smtp.example.org"\nusername = "info@example.org"\n')
    assert (s.host, s.port, s.security, s.sender, s.reply_to) == ("smtp.example.org", 587, "starttls",
                                                                 "info@example.org", "")
    assert smtp_settings('host = "h.example.org"\nsecurity = "tls"\nfrom = "a@b.org"\n').port == 465
    s = smtp_settings('host = "127.0.0.1"\nport = 2525\nsecurity = "none"\nfrom = "S <a@b.org>"\n'
                      'subject = "New draft of {title}"\n')
    assert (s.port, s.sender, s.subject, s.username) == (2525, "S <a@b.org>", "New draft of {title}", "")


@pytest.mark.parametrize("table, reason", [
    ('host = "h.example.org"\nfrom = "a@b.org"\npassword = "x"\n', "the password never goes in the consultation file"),
    ('host = "h.example.org"\nfrom = "a@b.org"\nsecurty = "tls"\n', "unknown key 'securty' — did you mean 'security'?"),
    ('host = "h.example.org"\nfrom = "a@b.org"\ncolour = 1\n', "unknown key 'colour' (known keys:"),
    ('host = "smtp.example.org"\nfrom = "a@b.org"\nsecurity = "none"\n', "allowed only for a mail server on this machine"),
    ('host = "h.example.org"\nfrom = "a@b.org"\nsecurity = "ssl"\n', 'security must be "starttls", "tls" or "none"'),
    ('host = "h.example.org"\nfrom = "a@b.org"\nport = "587"\n', "port must be a whole number"),
    ('host = "h.example.org"\n', "'from' is missing"),
    ('host = "h.example.org"\nfrom = "secretariat"\n', "from 'secretariat' is not an e-mail address"),
    ('from = "a@b.org"\n', "'host' is missing"),
])
def test_bad_smtp_settings_are_refused_in_plain_words(table, reason):
    with pytest.raises(ConsultationRefused) as refused:
        smtp_settings(table)
    assert "[smtp]" in refused.value.reason and reason in refused.value.reason


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # the server's TLS is implicit
def test_implicit_tls_and_a_missing_password(out, smtp, consultation_copy, tmp_path):
    with SmtpServer(tmp_path, implicit_tls=True) as tls_server:
        settings = consultation_copy.with_name("implicit-tls.toml")
        settings.write_text(consultation_copy.read_text(encoding="utf-8").replace(
            f'port = {smtp.port}\nsecurity = "starttls"', f'port = {tls_server.port}\nsecurity = "tls"'),
            encoding="utf-8")
        args = [out, "--to", "rossi@ilo.org", "--send", "--consultation", settings]
        missing = send(args, tls_server, password="")
        assert missing.returncode == 2
        assert f"set REDRAFT_SMTP_PASSWORD to the password of {smtp.user}" in missing.stderr
        result = send(args, tls_server)
        assert result.returncode == 0, result.stderr
        (received,) = tls_server.received
    assert received.rcpt_tos == ("rossi@ilo.org",)
    assert received.data == outbox(out)["001-rossi@ilo.org.eml"]


def test_without_smtp_settings_a_dry_run_works_and_sending_is_refused(out, smtp):
    dry = send([out, "--to", "members", "--consultation", SAMPLE], smtp)
    assert dry.returncode == 0, dry.stderr
    (sender,) = parse(outbox(out)["001-rossi@ilo.org.eml"])["From"].addresses
    assert sender.addr_spec == "info@alliance87.org", "the secretariat's address"
    refused = send([out, "--to", "members", "--send", "--consultation", SAMPLE], smtp)
    assert refused.returncode == 2 and "has no [smtp] table" in refused.stderr
    assert smtp.received == []


def test_a_serve_folder_sends_its_latest_run(run_dir, smtp, tmp_path):
    served = tmp_path / "served"  # as `redraft serve` lays it out: DIR/<start time>/ and DIR/LATEST
    shutil.copytree(run_dir, served / "2018-08-15T200000+0200")
    (served / "LATEST").write_text("2018-08-15T200000+0200\n", encoding="utf-8")
    result = send([served, "--to", "rossi@ilo.org"], smtp)
    assert result.returncode == 0, result.stderr
    assert f"written to {served / '2018-08-15T200000+0200' / 'outbox'}" in result.stderr
    assert list(outbox(served / "2018-08-15T200000+0200")) == ["001-rossi@ilo.org.eml"]


def test_a_rerun_with_the_same_outputs_keeps_the_run_date():
    """run.json dates the messages `send` makes: a rerun that writes the same outputs keeps
    the first date (same Date and Message-ID: nobody is mailed the same drafts twice); new
    outputs get the new time."""
    from datetime import datetime, timezone

    from redraft.outputs.outbox import run_record_json

    consultation = parse_consultation(SAMPLE.read_text(encoding="utf-8"), SAMPLE)
    first = run_record_json(consultation, datetime(2018, 8, 16, 9, 0, tzinfo=timezone.utc), {"tor/merged.docx": "aa"})
    later = datetime(2018, 8, 17, 9, 0, tzinfo=timezone.utc)
    same = run_record_json(consultation, later, {"tor/merged.docx": "aa"}, first)
    changed = run_record_json(consultation, later, {"tor/merged.docx": "bb"}, first)
    assert json.loads(same)["written_at"] == "2018-08-16T09:00:00+00:00" and same == first
    assert json.loads(changed)["written_at"] == "2018-08-17T09:00:00+00:00"
    assert json.loads(run_record_json(consultation, later, {}, b"not json"))["written_at"] == "2018-08-17T09:00:00+00:00"
