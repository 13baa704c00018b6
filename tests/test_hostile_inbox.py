"""A hostile inbox through a real `redraft run`: every message accounted for, nothing escapes.

The sample consultation's good e-mails plus one e-mail of each kind in
`hostile_corpus.KINDS` (46 kinds), run three times as a subprocess (`redraft run`): the good
mails alone, the corpus with seed A, and an "unseen" corpus with seed B (other names, texts,
sizes and order; `HOSTILE_SEED_B` picks another). Each run has a private TMPDIR, HOME and
working folder, a socket guard (sitecustomize) that refuses and records any connection that
is not to 127.0.0.1, and records its own peak RSS. Asserted:

- each kind's status and reason in submissions.csv (the table EXPECTED, the same as in
  docs/security.md), for both seeds;
- the good members' rows in submissions.csv and resolution.csv, and the text of the redline,
  merged and proposals documents, are the same as without the hostile mails;
- nothing is written outside the output folder (but Prefect's own database), no file named
  by an attacker exists, the canary file and /etc/passwd never show in any file written;
- no connection other than to 127.0.0.1; peak RSS under RSS_LIMIT_MB, and under the good
  run's plus BOMB_MARGIN_MB;
- formulas, scripts and direction overrides in members' texts are neutralised in every table.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE
from hostile_corpus import KINDS, PASSWD_LINE, build_hostile_inbox
from redraft.parsers.docx import read_docx

pytestmark = pytest.mark.flow

SEED_A = 20180815
SEED_B = int(os.environ.get("HOSTILE_SEED_B", "87"))
RSS_LIMIT_MB = 700  # peak RSS of a run (measured: good mails alone ~420 MB, hostile ~500 MB)
BOMB_MARGIN_MB = 200  # what the hostile mails may add; inflating one zip bomb alone adds 150-300 MB

M, A = "message", "attachment"
ASK_WORD = "ask the member to send the document saved from Word as .docx"
# kind: (which row, status, a part of the reason, a part of the notes or "")
EXPECTED: dict[str, tuple[str, str, str, str]] = {
    "truncated-docx": (A, "unreadable", "not a valid zip package) — " + ASK_WORD, ""),
    "docx-not-a-zip": (A, "unreadable", "named as a Word .docx file but it is not one", ""),
    "encrypted-word": (A, "unreadable", "password-protected (encrypted) — ask the member for an unprotected copy", ""),
    "legacy-doc": (A, "unreadable", "legacy Word 97-2003 .doc file — ask the member to save it as .docx", ""),
    "legacy-doc-named-docx": (A, "unreadable", "legacy Word 97-2003 .doc file renamed .docx", ""),
    "macro-docm": (A, "unreadable", "macro-enabled Word file (.docm) — ask the member to save it as .docx", ""),
    "hidden-vba-project": (A, "unreadable", "macros are not accepted; ask the member to save it as an ordinary .docx", ""),
    "zip-bomb-ratio": (A, "unreadable", "(possible zip bomb) — it was not opened; ask the member", ""),
    "zip-bomb-size": (A, "unreadable", "(possible zip bomb) — it was not opened; ask the member", ""),
    "zip-bomb-entries": (A, "unreadable", "(possible zip bomb) — it was not opened; ask the member", ""),
    "zip-bomb-lying-size": (A, "unreadable", "its part word/document.xml cannot be unpacked", ""),
    "zip-path-escape": (A, "unreadable", "an entry that points outside the document", ""),
    "billion-laughs": (A, "unreadable", "declares a DOCTYPE or entities, which Word never writes — it was not opened", ""),
    "external-entity": (A, "unreadable", "declares a DOCTYPE or entities, which Word never writes — it was not opened", ""),
    "xinclude": (A, "accepted", "no changes or comments in this copy", ""),
    "malformed-xml": (A, "unreadable", "its part word/document.xml is not well-formed XML", ""),
    "no-document-xml": (A, "unreadable", "the file has no document part (word/document.xml) — " + ASK_WORD, ""),
    "remote-template": (A, "unreadable", "links to a template on a remote server", ""),
    "comment-no-range": (A, "accepted", "0 change(s) and 1 comment(s) read", ""),
    "comment-ranges-overlap": (A, "accepted", "0 change(s) and 2 comment(s) read", ""),
    "comment-range-unclosed": (A, "accepted", "0 change(s) and 1 comment(s) read", ""),
    "colliding-ids": (A, "accepted", "0 change(s) and 2 comment(s) read", "two comments share the id 7"),
    "invalid-dates": (A, "accepted", "0 change(s) and 2 comment(s) read", ""),
    "formula-comment": (A, "accepted", "0 change(s) and 1 comment(s) read", ""),
    "script-comment": (A, "accepted", "0 change(s) and 1 comment(s) read", ""),
    "image-20mb": (A, "accepted", "no changes or comments in this copy", ""),
    "pages-5000": (A, "not-a-submission", "does not match any draft under consultation", ""),
    "name-path-traversal": (A, "accepted", "no changes or comments in this copy", ""),
    "name-rtl-override": (A, "unreadable", ".exe file: redraft reads Word (.docx) copies only", ""),
    "sender-rtl-override": (M, "accepted", "1 Word copy read", ""),
    "unknown-charset": (M, "accepted", "no attachment: the e-mail text is read for comments", "unknown character set"),
    "html-10000-nested": (M, "accepted", "no attachment: the e-mail text is read for comments", ""),
    "html-external-entity": (M, "accepted", "no attachment: the e-mail text is read for comments", ""),
    "deep-mime": (M, "no-attachment", "no attachment and no text in the e-mail", "nested too deeply"),
    "no-date": (M, "accepted", "1 Word copy read", "no date on the e-mail: counted as on time"),
    "no-from": (M, "held-unknown-sender", "no sender address", "the e-mail has no sender (From:)"),
    "malformed-from": (M, "held-unknown-sender", "no sender address", "cannot be read"),
    "tnef-winmail": (A, "accepted", "0 change(s) and 1 comment(s) read", ""),
    "forward-of-forward": (A, "accepted", "0 change(s) and 1 comment(s) read", ""),
    "duplicate-message-id": (M, "duplicate", "same Message-ID as ", ""),
    "wrong-draft": (A, "accepted", "no changes or comments in this copy", ""),
    "unrelated-document": (A, "not-a-submission", "does not match any draft under consultation", ""),
    "empty-email": (M, "no-attachment", "no attachment and no text in the e-mail", ""),
    "empty-file": (M, "unreadable", "the file is empty", ""),
    "not-an-email": (M, "unreadable", "not an e-mail", ""),
    "email-50mb": (M, "rejected", "over the 25 MB limit of this consultation: it was not downloaded", ""),
}
# The message row of a mail whose only Word file was refused by the reader or matched no draft,
NO_COPY = "no readable Word copy of a draft (see the attachment's row)"
# and of one whose only file was refused at intake, by its first bytes and name.
INTAKE_HEAD = "no readable Word attachment: the e-mail text is read for comments"
AT_INTAKE = {"docx-not-a-zip", "encrypted-word", "legacy-doc", "legacy-doc-named-docx", "macro-docm",
             "name-rtl-override"}
DOCUMENT = {"wrong-draft": "guidance", "tnef-winmail": "tor", "forward-of-forward": "tor", "xinclude": "tor",
            "name-path-traversal": "tor", "image-20mb": "tor", "no-date": "tor"}

GUARD = textwrap.dedent('''
    """Test guard (tests/test_hostile_inbox.py): no connection but to this machine; peak RSS."""
    import atexit, os, resource, socket

    _LOG = os.environ["HOSTILE_NET_LOG"]
    _LOCAL = ("127.", "::1", "::ffff:127.", "localhost")

    def _refuse(what, where):
        with open(_LOG, "a") as log:
            log.write(f"{os.getpid()} {what} {where!r}\\n")
        raise OSError(101, "network access refused by the hostile-inbox test")

    def _check(sock, address, what):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not str(address[0]).startswith(_LOCAL):
            _refuse(what, address)

    def _wrap(name):
        original = getattr(socket.socket, name)
        def guarded(self, address, *rest):
            if name == "sendto":
                _check(self, rest[-1], name)
            else:
                _check(self, address, name)
            return original(self, address, *rest)
        setattr(socket.socket, name, guarded)

    for _name in ("connect", "connect_ex", "sendto"):
        _wrap(_name)
    _getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "", "0.0.0.0", "::") and not str(host).startswith(_LOCAL):
            _refuse("getaddrinfo", host)
        return _getaddrinfo(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo

    def _own_peak_kb():
        # VmHWM: this program's own high-water mark. ru_maxrss is not: Linux carries into it
        # the RSS of the process image replaced at exec, i.e. of the pytest process that
        # started the run, which grows along the test session.
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    @atexit.register
    def _peak():
        with open(os.path.join(os.environ["HOSTILE_RSS_DIR"], str(os.getpid())), "w") as out:
            out.write(str(_own_peak_kb()))
''')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


class Run:
    """One `redraft run` in a subprocess, in a private folder."""

    def __init__(self, root: Path, prefect_home: Path, guard: Path, seed: int | None):
        self.root, self.seed = root, seed
        self.consultation = root / "consultation"
        shutil.copytree(SAMPLE.parent, self.consultation, ignore=shutil.ignore_patterns("out"))
        self.inbox = None
        if seed is not None:
            self.inbox = build_hostile_inbox(self.consultation / "inbox", seed)
            with (self.consultation / "members.csv").open("a", encoding="utf-8") as members:
                members.write("\n".join(self.inbox.members) + "\n")
        self.out = root / "out"
        self.tmp, self.home, self.cwd, self.rss = (root / n for n in ("tmp", "home", "cwd", "rss"))
        for folder in (self.tmp, self.home, self.cwd, self.rss):
            folder.mkdir()
        self.net_log = root / "net.log"
        self.net_log.touch()
        before = {name: _files(getattr(self, name)) for name in ("consultation", "tmp", "home", "cwd")}
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(PYTHONPATH=str(guard), TMPDIR=str(self.tmp), HOME=str(self.home), PREFECT_HOME=str(prefect_home),
                   HOSTILE_NET_LOG=str(self.net_log), HOSTILE_RSS_DIR=str(self.rss),
                   REDRAFT_SERVER_PORT=str(_free_port()), PREFECT_SERVER_ANALYTICS_ENABLED="false")
        redraft = Path(sys.executable).parent / "redraft"
        process = subprocess.Popen([str(redraft), "run", str(self.consultation / "consultation.toml"),
                                    "--out", str(self.out)], cwd=self.cwd, env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stdout, self.stderr = process.communicate(timeout=900)
        self.pid, self.returncode = process.pid, process.returncode
        self.changed = {name: sorted(set(_files(getattr(self, name)).items()) ^ set(files.items()))
                        for name, files in before.items()}
        peaks = {int(p.name): int(p.read_text() or 0) for p in self.rss.iterdir()}
        self.peak_mb = peaks.get(self.pid, 0) / 1024

    def csv(self, name: str) -> list[dict]:
        return list(csv.DictReader(io.StringIO((self.out / name).read_text(encoding="utf-8-sig"))))

    def row(self, kind: str) -> dict:
        source = self.inbox.source(kind)
        rows = [r for r in self.csv("submissions.csv") if r["source"] == source]
        wanted = EXPECTED[kind][0]
        return next(r for r in rows if r["kind"] == wanted)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    guard = tmp_path_factory.mktemp("guard")
    (guard / "sitecustomize.py").write_text(GUARD)
    prefect_home = tmp_path_factory.mktemp("prefect-home")
    done = {}
    for label, seed in (("good", None), ("A", SEED_A), ("B", SEED_B)):
        done[label] = Run(tmp_path_factory.mktemp(f"hostile-{label}"), prefect_home, guard, seed)
        assert done[label].returncode == 0, done[label].stderr[-3000:]
    done["prefect_home"] = prefect_home
    return done


def test_the_corpus_has_every_kind_once_and_seeds_differ(runs):
    a, b = runs["A"], runs["B"]
    assert len(KINDS) >= 30 and len(set(KINDS)) == len(KINDS) and set(EXPECTED) == set(KINDS)
    assert sorted(a.inbox.files.values()) == sorted(b.inbox.files.values()) == sorted(KINDS)
    assert set(a.inbox.files).isdisjoint(b.inbox.files)  # other names
    differ = [k for k in KINDS if (a.consultation / "inbox" / a.inbox.source(k)).read_bytes()
              != (b.consultation / "inbox" / b.inbox.source(k)).read_bytes()]
    assert len(differ) >= len(KINDS) - 2  # other bytes (an empty file may be empty twice)
    assert (a.consultation / "inbox" / a.inbox.source("email-50mb")).stat().st_size >= 50 << 20


def test_the_guard_refuses_and_records_connections(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "net.log"
    code = "import socket\ntry:\n socket.create_connection(('203.0.113.9', 80), timeout=1)\nexcept OSError as e: print(e.errno)"
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "HOSTILE_NET_LOG": str(log), "HOSTILE_RSS_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "101" and "203.0.113.9" in log.read_text()


@pytest.mark.parametrize("label", ["A", "B"])
def test_every_message_is_accounted_for(runs, label):
    run = runs[label]
    files = sorted(p.name for p in (run.consultation / "inbox").iterdir())
    rows = run.csv("submissions.csv")
    assert sorted(r["source"] for r in rows if r["kind"] == "message") == files
    assert all(r["status"] and (r["reason"] or r["status"] == "accepted") for r in rows if r["kind"] == "attachment")
    assert all(r["reason"] for r in rows if r["kind"] == "message")


@pytest.mark.parametrize("label", ["A", "B"])
def test_each_kind_has_its_status_and_reason(runs, label):
    run = runs[label]
    wrong = {}
    for kind, (_, status, reason, note) in EXPECTED.items():
        row = run.row(kind)
        if row["status"] != status or reason not in row["reason"] or note not in row["notes"]:
            wrong[kind] = (row["status"], row["reason"], row["notes"])
    assert wrong == {}
    for kind, document in DOCUMENT.items():
        [copy] = [r for r in run.csv("submissions.csv") if r["source"] == run.inbox.source(kind) and r["kind"] == A]
        assert copy["document"] == document, kind
    for kind, (where, status, _, _) in EXPECTED.items():
        if where == A and status in ("unreadable", "not-a-submission"):
            head = next(r for r in run.csv("submissions.csv") if r["source"] == run.inbox.source(kind))
            wanted = INTAKE_HEAD if kind in AT_INTAKE else NO_COPY
            assert head["status"] == "accepted" and wanted in head["reason"], (kind, head["reason"])
    victim = run.inbox.texts["duplicate-message-id"]
    assert run.row("duplicate-message-id")["reason"] == f"same Message-ID as {victim}"
    assert run.row("name-path-traversal")["filename"] == "passwd.docx"
    assert "\u202e" not in run.row("name-rtl-override")["filename"]


@pytest.mark.parametrize("label", ["A", "B"])
def test_members_texts_reach_the_table(runs, label):
    run = runs[label]
    table = (run.out / "resolution.csv").read_text(encoding="utf-8-sig")
    for kind in ("comment-no-range", "comment-ranges-overlap", "comment-range-unclosed", "colliding-ids",
                 "invalid-dates", "tnef-winmail", "forward-of-forward", "unknown-charset", "html-10000-nested"):
        assert run.inbox.texts[kind] in table, kind


@pytest.mark.parametrize("label", ["A", "B"])
def test_good_submissions_are_unaffected(runs, label):
    good, run = runs["good"], runs[label]
    sources = {r["source"] for r in good.csv("submissions.csv")}
    assert [r for r in run.csv("submissions.csv") if r["source"] in sources] == good.csv("submissions.csv")

    def members_rows(r: Run) -> list[dict]:
        rows = r.csv("resolution.csv")
        ours = [row for row in rows if not row["Organisation"].startswith("Z")]
        mates = {}
        for row in ours:
            mates.setdefault(row["Group"], []).append(row["ID"])
        return [{**row, "Group": mates[row["Group"]]} for row in ours]

    assert members_rows(run) == members_rows(good)
    for key in ("tor", "guidance"):
        for name in ("redline.docx", "merged.docx", "proposals.docx"):
            mine, theirs = (read_docx((r.out / key / name).read_bytes()) for r in (run, good))
            for view in ("accepted", "rejected"):
                assert mine.text(view) == theirs.text(view), (key, name, view)


@pytest.mark.parametrize("label", ["A", "B"])
def test_nothing_is_written_outside_the_output_folder(runs, label):
    run = runs[label]
    assert run.changed == {"consultation": [], "tmp": [], "home": [], "cwd": []}
    stored = list((run.out / ".redraft" / "attachments").rglob("*"))
    assert stored and all(len(p.name) in (2, 64) for p in stored)  # named by sha256, never by the sender
    for name in run.inbox.escapes:
        for base in (run.root.parent, ROOT / "samples", ROOT / "tests", Path("/etc"), Path("/tmp")):
            assert not list(base.glob(name)) and not list(base.glob(f"*/{name}")), (base, name)
    assert not Path("/etc/passwd.docx").exists()
    secret = run.inbox.canary_text.encode()
    for folder in (run.out, run.tmp, run.home, runs["prefect_home"]):
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert secret not in data and PASSWD_LINE.encode() not in data, path


@pytest.mark.parametrize("label", ["good", "A", "B"])
def test_no_network_and_bounded_memory(runs, label):
    run = runs[label]
    print(f"peak RSS of the run ({label}): {run.peak_mb:.0f} MB")  # shown by pytest -rP
    assert run.net_log.read_text() == ""
    assert 0 < run.peak_mb < RSS_LIMIT_MB, run.peak_mb
    assert run.peak_mb - runs["good"].peak_mb < BOMB_MARGIN_MB, (run.peak_mb, runs["good"].peak_mb)


@pytest.mark.parametrize("label", ["A", "B"])
def test_injections_are_neutralised_in_every_table(runs, label):
    import openpyxl

    run = runs[label]
    formula = next(r for r in run.csv("resolution.csv") if "HYPERLINK" in r["Comment"])
    assert formula["Comment"].startswith("'=")
    book = openpyxl.load_workbook(run.out / "resolution.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and not c.value.startswith("=") for c in cells)
    html = (run.out / "resolution.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in html and "<script>alert(" not in html and "<img src=x" not in html
    for name in ("submissions.csv", "resolution.csv", "resolution.html"):
        assert "\u202e" not in (run.out / name).read_text(encoding="utf-8-sig"), name


def test_found_by_the_corpus_direction_overrides_in_names_and_a_renamed_doc(tmp_path):
    """Regressions: U+202E reached submissions.csv through a sender's name and the subject;
    a legacy .doc renamed .docx was called encrypted."""
    import random

    from hostile_corpus import legacy_doc
    from redraft.models.submission import Attachment, Status
    from redraft.parsers.mail.accounting import attachment_verdict
    from redraft.parsers.mail.eml import read_eml

    message = read_eml(b"From: =?utf-8?q?Jane_=E2=80=AEOLI?= <jane@example.org>\r\n"
                       b"Subject: =?utf-8?q?Comments_=E2=80=AERoT?=\r\nDate: Mon, 13 Aug 2018 10:00:00 +0200\r\n\r\nHi",
                       "x.eml", tmp_path)
    assert (message.sender_name, message.subject, message.sender_address) == ("Jane OLI", "Comments RoT",
                                                                              "jane@example.org")
    path = tmp_path / "doc"
    path.write_bytes(legacy_doc(random.Random(1)))
    verdict = attachment_verdict(Attachment("ToR.docx", "application/octet-stream", "0" * 64, 10, str(path)))
    assert verdict == (Status.UNREADABLE, "legacy Word 97-2003 .doc file renamed .docx — ask the member to save it as .docx")


def test_found_by_the_corpus_a_zip_that_lies_about_a_size_is_never_inflated():
    """Regression: ZipFile.read() inflated all of an entry's compressed data (here 100-200 MB)
    whatever size the zip declared (here ~50 kB), so the size and ratio checks were bypassed."""
    import random
    import tracemalloc

    from hostile_corpus import DRAFTS, zip_bomb_lying_size
    from redraft.parsers.docx import DocxRefused

    data = zip_bomb_lying_size((DRAFTS / "tor-v1.docx").read_bytes(), random.Random(7))
    tracemalloc.start()
    try:
        with pytest.raises(DocxRefused, match="cannot be unpacked"):
            read_docx(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 << 20, peak
