"""The committed sample consultation (samples/alliance87) is what samples/build.py makes,
and its reviewer copies say what build.py claims, read by independent readers."""

from __future__ import annotations

import email
import io
import json
import re
import sys
from email import policy
from email.utils import parsedate_to_datetime
from pathlib import Path

import docx
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from samples import build  # noqa: E402

SAMPLE = ROOT / "samples" / "alliance87"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _message(name: str):
    return email.message_from_bytes((SAMPLE / "inbox" / name).read_bytes(),
                                    policy=policy.default)


def _attachments() -> list[tuple[build.Mail, build.Attached, bytes]]:
    """Every attachment of the committed inbox, with what build.py says it is."""
    found = []
    for mail in build.MAILS:
        parts = {part.get_filename(): part.get_content()
                 for part in _message(mail.file).iter_attachments()}
        for attached in mail.attachments:
            found.append((mail, attached, parts[attached.filename]))
    return found


def _copies() -> dict[str, bytes]:
    """The committed bytes of each reviewer's copy, by copy key."""
    return {attached.source.removeprefix("copy:"): data
            for _, attached, data in _attachments() if attached.source.startswith("copy:")}


def _norm(text: str) -> str:
    return " ".join(text.split())


# ---- (a) the committed files are what build.py makes --------------------------------------


def test_rebuild_is_byte_identical(tmp_path):
    consultation = build.build(tmp_path / "alliance87")
    assert consultation == tmp_path / "alliance87" / "consultation.toml"
    rebuilt, committed = _files(tmp_path / "alliance87"), _files(SAMPLE)
    assert sorted(rebuilt) == sorted(committed)
    different = [name for name in rebuilt if rebuilt[name] != committed[name]]
    assert different == [], "run `python samples/build.py` and commit the result"


def test_consultation_file_and_members():
    import tomllib

    data = tomllib.loads((SAMPLE / "consultation.toml").read_text("utf-8"))
    assert data["consultation"]["deadline"].isoformat() == "2018-08-15T18:00:00+02:00"
    assert [d["key"] for d in data["documents"]] == ["tor", "guidance"]
    for document in data["documents"]:
        assert (SAMPLE / document["draft"]).is_file()
    lines = (SAMPLE / "members.csv").read_text("utf-8").splitlines()
    assert lines[0] == "email,organisation,constituency"
    assert len(lines) - 1 >= 12


def test_inbox_shape():
    names = sorted(p.name for p in (SAMPLE / "inbox").glob("*.eml"))
    assert len(names) >= 12 and names == sorted(m.file for m in build.MAILS)
    members = [row[0] for row in build.MEMBERS]
    ids = set()
    for mail in build.MAILS:
        message = _message(mail.file)
        assert message.get_content_type() == "multipart/mixed"
        assert message.get_body(("plain",)) is not None
        assert parsedate_to_datetime(message["Date"]).utcoffset() is not None
        ids.add(message["Message-ID"])
        address = message["From"].addresses[0].addr_spec
        domain = "@" + address.rpartition("@")[2]
        assert address == build.SECRETARIAT or address in members or domain in members
    assert len(ids) == len(build.MAILS)
    # 01 carries the drafts exactly; 08 re-sends 03's bytes.
    call = {a.get_filename(): a.get_content() for a in _message(build.MAILS[0].file)
            .iter_attachments()}
    assert call["tor-v1.docx"] == (SAMPLE / build.DRAFT_FILES["tor"]).read_bytes()
    assert call["pathfinder-guidance-v1.docx"] == (
        SAMPLE / build.DRAFT_FILES["guidance"]).read_bytes()
    first, again = (next(_message(n).iter_attachments()).get_content()
                    for n in ("03-unicef-tor.eml", "08-unicef-tor-resend.eml"))
    assert first == again


def test_tiny_pdf_is_well_formed():
    data = next(data for _, a, data in _attachments() if a.source == "pdf:walkfree")
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[start:start + 4] == b"xref"
    offsets = [int(x) for x in re.findall(rb"(\d{10}) 00000 n ", data)]
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(f"{number} 0 obj".encode())


# ---- (b) every Word file opens ------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(build.COPIES))
def test_reviewer_copy_opens_with_python_docx(key):
    data = _copies()[key]
    document = docx.Document(io.BytesIO(data))
    spec = build.COPIES[key]
    assert document.paragraphs[0].text == build.DRAFT_TITLES[spec.draft]
    expected = sum(1 + len(c.replies) for c in spec.comments)
    assert len(list(document.comments)) == expected


def test_drafts_open_and_carry_para_ids():
    for key, path in build.DRAFT_FILES.items():
        document = docx.Document(SAMPLE / path)
        assert document.core_properties.author == "Alliance 8.7 Secretariat"
        body = document.element.body
        ids = [p.get(build.q("w14:paraId")) for p in body.iter(build.q("w:p"))]
        assert all(ids) and len(set(ids)) == len(ids)


def test_body_proposals_quote_unique_draft_text():
    text = "\n".join(p.text for p in docx.Document(SAMPLE / "drafts/tor-v1.docx").paragraphs)
    assert text.count("twice a year") == 1
    assert text.count("where appropriate") == 1


# ---- (c) pandoc reads the changes as build.py says ------------------------------------------

pypandoc = pytest.importorskip("pypandoc")


def _pandoc(data: bytes, tmp_path: Path, mode: str, to: str = "plain") -> str:
    path = tmp_path / f"copy-{mode}.docx"
    path.write_bytes(data)
    return pypandoc.convert_file(str(path), to,
                                 extra_args=[f"--track-changes={mode}", "--wrap=none"])


@pytest.fixture(scope="module")
def draft_texts(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("drafts")
    return {key: _norm(_pandoc((SAMPLE / path).read_bytes(), tmp, "reject"))
            for key, path in build.DRAFT_FILES.items()}


@pytest.mark.oracle
@pytest.mark.parametrize("key", sorted(k for k, c in build.COPIES.items() if c.style != "clean"))
def test_tracked_copy_rejects_to_the_draft_and_accepts_the_changes(key, tmp_path, draft_texts):
    spec, data = build.COPIES[key], _copies()[key]
    assert _norm(_pandoc(data, tmp_path, "reject")) == draft_texts[spec.draft]
    accepted = _norm(_pandoc(data, tmp_path, "accept"))
    for change in spec.tracked:
        if change.kind == "paragraph":
            assert _norm(change.new) in accepted
            continue
        assert _norm(change.accepted_context()) in accepted, change
        if change.kind in ("replace", "delete"):
            assert _norm(change.context) not in accepted, change


@pytest.mark.oracle
@pytest.mark.parametrize("key", sorted(k for k, c in build.COPIES.items() if c.comments))
def test_comments_are_where_build_says(key, tmp_path):
    spec, data = build.COPIES[key], _copies()[key]
    tree = json.loads(_pandoc(data, tmp_path, "all", to="json"))
    starts = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Span" and "comment-start" in node["c"][0][1]:
                starts.append(dict(node["c"][0][2])["author"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    expected = []
    for change in spec.comments:
        expected += [change.by] + [reply[0] for reply in change.replies]
    assert sorted(starts) == sorted(expected)


@pytest.mark.oracle
def test_clean_copy_reads_as_edited(tmp_path, draft_texts):
    spec = build.COPIES["tor-ituc"]
    text = _norm(_pandoc(_copies()[spec.key], tmp_path, "accept"))
    assert text != draft_texts["tor"]
    for change in spec.changes:
        assert _norm(change.accepted_context()) in text
        assert _norm(change.context) in draft_texts["tor"]


def test_word_and_libreoffice_shapes():
    import zipfile

    def part(key: str, name: str) -> bytes | None:
        with zipfile.ZipFile(io.BytesIO(_copies()[key])) as archive:
            return archive.read(name) if name in archive.namelist() else None

    ilo = part("tor-ilo", "word/commentsExtended.xml")
    assert ilo is not None and b"w15:paraIdParent" in ilo
    lo_document = part("guidance-antislavery", "word/document.xml")
    assert b"w14:paraId" not in lo_document
    assert part("guidance-antislavery", "word/commentsExtended.xml") is None
    assert b'<w:del w:id="0"' in lo_document and b'<w:commentRangeStart w:id="0"/>' in lo_document
    word_document = part("tor-ilo", "word/document.xml")
    revision_ids = re.findall(rb'<w:(?:ins|del) w:id="(\d+)"', word_document)
    comment_ids = re.findall(rb'<w:commentRangeStart w:id="(\d+)"', word_document)
    assert not set(revision_ids) & set(comment_ids)
