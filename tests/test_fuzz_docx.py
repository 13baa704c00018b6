"""Fuzzing the Word reader: damaged copies of real .docx files are read or refused, nothing else.

Seeds: the sample drafts, the Word copies attached to the sample e-mails, and the Word
fixtures in ../shared/fixtures/word when present. Each example is a seed and a recipe of
mutations (`mutations.py`: bit flips, truncation, zip entries dropped/duplicated/renamed/
shuffled, XML elements deleted/duplicated/moved, bogus attribute values, random text, raw
bytes). The properties:

- `read_docx` returns a `Document` (whose two views can be built) or raises `DocxRefused`
  with a reason — no other exception, and an answer within a time bound;
- the per-submission stage (`flows/stages.process_submission`), given a real e-mail whose
  Word copy is damaged, returns with a status and a reason on every row.

CI runs a fixed set of examples (derandomized); `REDRAFT_FUZZ_EXAMPLES=2000`
runs that many random ones per test for a longer hunt.
"""

from __future__ import annotations

import base64
import email
import email.policy
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st

from conftest import SAMPLE, SHARED
from mutations import apply_docx, docx_recipes, fuzz_settings, time_bound

from redraft.models.document import Document
from redraft.models.intake import RawMail
from redraft.models.notices import Refusal
from redraft.models.submission import Status
from redraft.parsers.docx import DocxRefused, read_docx

BOUND = 30  # s per input: generous, only to turn a hang into a failure
INBOX = SAMPLE.parent / "inbox"
FIXTURES = SHARED / "fixtures" / "word"


def _attachments(eml: Path) -> list[bytes]:
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    return [part.get_payload(decode=True) for part in msg.walk()
            if (part.get_filename() or "").lower().endswith(".docx")]


SAMPLE_SEEDS = sorted(SAMPLE.parent.glob("drafts/*.docx"))
COPY_SEEDS = [(eml.name, data) for eml in sorted(INBOX.glob("*.eml")) for data in _attachments(eml)]
FIXTURE_SEEDS = sorted(FIXTURES.rglob("*.docx")) if FIXTURES.is_dir() else []


@lru_cache(maxsize=None)
def _seed(kind: str, index: int) -> bytes:
    if kind == "draft":
        return SAMPLE_SEEDS[index % len(SAMPLE_SEEDS)].read_bytes()
    if kind == "copy":
        return COPY_SEEDS[index % len(COPY_SEEDS)][1]
    return FIXTURE_SEEDS[index % len(FIXTURE_SEEDS)].read_bytes()


def read_or_refuse(data: bytes) -> Document | DocxRefused:
    """The property: a Document (both views built) or a DocxRefused with a reason."""
    with time_bound(BOUND):
        try:
            doc = read_docx(data, source="fuzzed.docx")
        except DocxRefused as refusal:
            assert isinstance(refusal, Refusal)
            assert refusal.reason.strip(), "a refusal must say why"
            return refusal
        assert isinstance(doc, Document)
        doc.text("accepted"), doc.text("rejected")
        for story in doc.stories:
            story.document.text("accepted")
        return doc


def test_seeds_are_real_word_files():
    assert SAMPLE_SEEDS and len(COPY_SEEDS) >= 5
    for kind, n in (("draft", len(SAMPLE_SEEDS)), ("copy", len(COPY_SEEDS))):
        for i in range(n):
            assert isinstance(read_or_refuse(_seed(kind, i)), Document), (kind, i)


def test_mutations_are_repeatable_and_change_the_file():
    data = _seed("draft", 0)
    for recipe in ((("flip", 100, 3),), (("truncate", 1000),), (("zip_drop", 0),),
                   (("xml_delete", 0, 5),), (("xml_attr", 0, 7, 0, 2),), (("zip_rename", 1, 9),)):
        assert apply_docx(data, recipe) == apply_docx(data, recipe)
        assert apply_docx(data, recipe) != data, recipe
    assert apply_docx(data, ()) == data


@fuzz_settings(450)
@given(seed=st.tuples(st.sampled_from(["draft", "copy"]), st.integers(0, 100)), recipe=docx_recipes)
@example(seed=("copy", 0), recipe=(("zip_rename", 2, 8),))  # WORD/DOCUMENT.XML: case-folded name
@example(seed=("draft", 0), recipe=(("zip_rename", 0, 9),))  # an entry named ../evil.xml
@example(seed=("draft", 1), recipe=(("zip_duplicate", 3),))  # two entries with one name
@example(seed=("copy", 1), recipe=(("xml_attr", 0, 40, 0, 10),))  # a bogus w:date
def test_damaged_sample_docx_is_read_or_refused(seed, recipe):
    data = apply_docx(_seed(*seed), recipe)
    note(f"{len(data)} bytes")
    read_or_refuse(data)


@pytest.mark.skipif(not FIXTURE_SEEDS, reason=f"no Word fixtures in {FIXTURES} (the shared fixture set)")
@fuzz_settings(500)
@given(index=st.integers(0, 10_000), recipe=docx_recipes)
def test_damaged_word_fixture_is_read_or_refused(index, recipe):
    note(str(FIXTURE_SEEDS[index % len(FIXTURE_SEEDS)].relative_to(FIXTURES)))
    read_or_refuse(apply_docx(_seed("fixture", index), recipe))


# --------------------------------------------------------------------------- the stage

@lru_cache(maxsize=1)
def _consultation_and_drafts():
    from redraft.flows.stages import load_drafts
    from redraft.parsers.consultation import read_consultation

    consultation = read_consultation(SAMPLE)
    return consultation, load_drafts(consultation)


def _with_copy(eml: bytes, copy: bytes) -> bytes:
    """The e-mail with its first Word attachment's bytes replaced (headers kept)."""
    msg = email.message_from_bytes(eml, policy=email.policy.compat32)
    for part in msg.walk():
        if (part.get_filename() or "").lower().endswith(".docx"):
            part.set_payload(base64.encodebytes(copy).decode("ascii"))
            del part["Content-Transfer-Encoding"]
            part["Content-Transfer-Encoding"] = "base64"
            break
    return msg.as_bytes()


EMAILS_WITH_COPIES = [eml for eml in sorted(INBOX.glob("*.eml"))
                      if _attachments(eml) and "secretariat" not in eml.name]  # members' copies


def process_damaged(eml: Path, copy: bytes):
    """Intake and the per-submission stage on one e-mail: returns its result."""
    from redraft.flows.stages import process_submission
    from redraft.parsers.mail.accounting import account_messages
    from redraft.parsers.mail.inbox import read_mail

    consultation, drafts = _consultation_and_drafts()
    data = _with_copy(eml.read_bytes(), copy)
    with tempfile.TemporaryDirectory() as store, time_bound(BOUND):
        message = read_mail(RawMail(eml.name, data, len(data)), Path(store))
        records = account_messages([message], consultation)
        return process_submission(message, records, consultation, drafts)


def test_an_undamaged_copy_is_read_through_the_stage():
    result = process_damaged(EMAILS_WITH_COPIES[0], _attachments(EMAILS_WITH_COPIES[0])[0])
    assert result.records[1].status == Status.ACCEPTED and result.proposals


@pytest.fixture(scope="module")
def warm():
    """Drafts read and spaCy loaded before the examples, so the time bound is per input."""
    process_damaged(EMAILS_WITH_COPIES[0], _attachments(EMAILS_WITH_COPIES[0])[0])


@fuzz_settings(90)
@given(which=st.integers(0, 100), recipe=docx_recipes)
@example(which=0, recipe=(("truncate", 3000),))  # a truncated copy: unreadable, with its reason
def test_a_damaged_copy_in_a_real_email_is_recorded_with_a_status(warm, which, recipe):
    eml = EMAILS_WITH_COPIES[which % len(EMAILS_WITH_COPIES)]
    copy = apply_docx(_attachments(eml)[0], recipe)
    result = process_damaged(eml, copy)
    assert len(result.records) >= 1
    for row in result.records:
        assert isinstance(row.status, Status)
        if row.status == Status.UNREADABLE:
            assert row.reason.strip()
    row = next(r for r in result.records[1:] if r.filename.lower().endswith(".docx"))
    assert row.reason.strip()
    if isinstance(read_or_refuse(copy), DocxRefused):  # a copy the reader refuses is never used
        assert row.status in (Status.UNREADABLE, Status.REJECTED), (row.status, row.reason)
        assert not any(p.file_sha256 == row.sha256 for p in result.proposals)
