"""The consultation file (TOML) and the members list (CSV)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from redraft.models.consultation import Consultation, Member
from redraft.models.intake import ConsultationRefused, MembersRefused
from redraft.models.notices import Refusal
from redraft.parsers.consultation import read_consultation
from redraft.parsers.members import read_members

GOOD = """\
[consultation]
title = "GCG comments on the draft ToR and Pathfinder guidance note"
deadline = 2018-08-15T18:00:00+02:00
inbox = "inbox"
secretariat = ["info@alliance87.org"]
members = "members.csv"

[[documents]]
key = "tor"
title = "Terms of Reference of Alliance 8.7"
draft = "drafts/tor-v1.docx"
previous = ["drafts/tor-v0.docx"]

[[documents]]
key = "pathfinder-note"
title = "Pathfinder guidance note"
draft = "drafts/pathfinder.docx"
"""

MEMBERS = """\
email,organisation,constituency
jane.doe@ilo.org,ILO,UN agencies
@ituc-csi.org,ITUC,Workers
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "drafts").mkdir()
    for name in ("tor-v1.docx", "tor-v0.docx", "pathfinder.docx"):
        (tmp_path / "drafts" / name).write_bytes(b"PK\x03\x04 not really a docx")
    (tmp_path / "members.csv").write_text(MEMBERS, encoding="utf-8")
    return tmp_path


def write(folder: Path, text: str, name: str = "consultation.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(ConsultationRefused) as info:
        read_consultation(path)
    assert isinstance(info.value, Refusal)
    return info.value.reason


# --------------------------------------------------------------------------- good files


def test_reads_a_complete_consultation_file(folder: Path) -> None:
    consultation = read_consultation(write(folder, GOOD))
    assert isinstance(consultation, Consultation)
    assert consultation.title.startswith("GCG comments")
    assert consultation.deadline == datetime(2018, 8, 15, 16, 0, tzinfo=timezone.utc)
    assert consultation.deadline.utcoffset() == timedelta(hours=2)
    assert consultation.inbox == str(folder / "inbox")
    assert consultation.secretariat == ("info@alliance87.org",)
    assert consultation.members == (
        Member("jane.doe@ilo.org", "ILO", "UN agencies"),
        Member("@ituc-csi.org", "ITUC", "Workers"),
    )
    tor = consultation.document("tor")
    assert tor.title == "Terms of Reference of Alliance 8.7"
    assert tor.draft == folder / "drafts" / "tor-v1.docx" and tor.draft.is_absolute()
    assert tor.previous == (folder / "drafts" / "tor-v0.docx",)
    assert consultation.document("pathfinder-note").previous == ()
    assert consultation.source == folder / "consultation.toml"


def test_members_is_optional_and_means_an_open_consultation(folder: Path) -> None:
    text = GOOD.replace('members = "members.csv"\n', "")
    consultation = read_consultation(write(folder, text))
    assert consultation.members is None


def test_paths_are_relative_to_the_file_not_the_working_directory(
    folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    consultation = read_consultation(write(folder, GOOD))
    assert consultation.document("tor").draft == folder / "drafts" / "tor-v1.docx"


def test_a_quoted_deadline_with_offset_is_accepted(folder: Path) -> None:
    text = GOOD.replace("deadline = 2018-08-15T18:00:00+02:00", 'deadline = "2018-08-15T18:00:00+02:00"')
    assert read_consultation(write(folder, text)).deadline.utcoffset() == timedelta(hours=2)


def test_a_single_secretariat_address_and_a_domain(folder: Path) -> None:
    text = GOOD.replace('secretariat = ["info@alliance87.org"]', 'secretariat = "alliance87.org"')
    consultation = read_consultation(write(folder, text))
    assert consultation.secretariat == ("@alliance87.org",)
    assert consultation.is_secretariat("anyone@alliance87.org")


def test_unknown_keys_are_ignored_for_later_settings(folder: Path) -> None:
    text = GOOD.replace("[consultation]\n", '[consultation]\nlanguage = "en"\n')
    assert read_consultation(write(folder, text)).title


# --------------------------------------------------------------------------- refusals


def test_missing_file_is_refused(tmp_path: Path) -> None:
    reason = refusal(tmp_path / "nope.toml")
    assert "not found" in reason and "nope.toml" in reason


def test_toml_syntax_error_names_the_line(folder: Path) -> None:
    text = GOOD.replace('title = "Terms of Reference of Alliance 8.7"', "title = Terms of Reference")
    reason = refusal(write(folder, text))
    assert "consultation.toml" in reason and "not valid TOML" in reason
    assert "line 10" in reason


@pytest.mark.parametrize(
    "deadline",
    ["2018-08-15T18:00:00", "2018-08-15", '"2018-08-15 18:00"', "18:00:00"],
)
def test_deadline_without_offset_is_refused(folder: Path, deadline: str) -> None:
    text = GOOD.replace("2018-08-15T18:00:00+02:00", deadline)
    reason = refusal(write(folder, text))
    assert "the deadline needs a time zone offset, e.g. 2018-08-15T18:00:00+02:00" in reason
    assert "[consultation]" in reason


def test_missing_deadline_is_refused(folder: Path) -> None:
    text = GOOD.replace("deadline = 2018-08-15T18:00:00+02:00\n", "")
    assert "no deadline" in refusal(write(folder, text))


def test_no_documents_is_refused(folder: Path) -> None:
    text = GOOD[: GOOD.index("[[documents]]")]
    assert "no documents" in refusal(write(folder, text))


def test_single_bracket_documents_table_is_explained(folder: Path) -> None:
    text = GOOD[: GOOD.index("[[documents]]")] + '[documents]\nkey = "tor"\ndraft = "drafts/tor-v1.docx"\n'
    assert "[[documents]] (double brackets)" in refusal(write(folder, text))


def test_duplicate_keys_are_refused(folder: Path) -> None:
    text = GOOD.replace('key = "pathfinder-note"', 'key = "tor"')
    reason = refusal(write(folder, text))
    assert "'tor' is used twice" in reason and "#1" in reason and "#2" in reason


@pytest.mark.parametrize("key", ["ToR", "-tor", "tor v1", "tor_v1", "", "été"])
def test_bad_keys_are_refused(folder: Path, key: str) -> None:
    text = GOOD.replace('key = "tor"', f'key = "{key}"')
    reason = refusal(write(folder, text))
    assert "[[documents]] #1" in reason
    assert "lower-case letters, digits and dashes" in reason or "'key' is empty" in reason


def test_missing_draft_file_is_refused(folder: Path) -> None:
    (folder / "drafts" / "pathfinder.docx").unlink()
    reason = refusal(write(folder, GOOD))
    assert "[[documents]] #2 (key 'pathfinder-note')" in reason
    assert "draft file not found" in reason and "pathfinder.docx" in reason


def test_missing_previous_version_is_refused(folder: Path) -> None:
    (folder / "drafts" / "tor-v0.docx").unlink()
    reason = refusal(write(folder, GOOD))
    assert "previous version file not found" in reason and "tor-v0.docx" in reason


def test_missing_draft_key_is_refused(folder: Path) -> None:
    text = GOOD.replace('draft = "drafts/pathfinder.docx"\n', "")
    assert "'draft' is missing" in refusal(write(folder, text))


def test_misspelt_key_is_refused_with_a_suggestion(folder: Path) -> None:
    text = GOOD.replace("deadline =", "deadlne =")
    assert "did you mean 'deadline'?" in refusal(write(folder, text))
    text = GOOD.replace("previous =", "previos =")
    assert "did you mean 'previous'?" in refusal(write(folder, text))


def test_missing_consultation_table_is_refused(folder: Path) -> None:
    text = GOOD.replace("[consultation]", "[consultaton]")
    assert "no [consultation] table" in refusal(write(folder, text))


def test_missing_members_file_is_refused(folder: Path) -> None:
    (folder / "members.csv").unlink()
    with pytest.raises(MembersRefused) as info:
        read_consultation(write(folder, GOOD))
    assert "members list not found" in info.value.reason


def test_a_members_refusal_is_a_consultation_refusal(folder: Path) -> None:
    (folder / "members.csv").write_text("email,organisation\n,ILO\n", encoding="utf-8")
    assert "row 2 (no e-mail)" in refusal(write(folder, GOOD))


# --------------------------------------------------------------------------- members.csv


def write_members(tmp_path: Path, text: str, bom: bool = False) -> Path:
    path = tmp_path / "members.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_members_with_bom_blank_lines_and_extra_columns(tmp_path: Path) -> None:
    text = (
        "Email,Organisation,Constituency,Notes\r\n"
        "\r\n"
        "Jane.Doe@ILO.org,ILO,UN agencies,focal point\r\n"
        ",,,\r\n"
        "ituc-csi.org,ITUC,Workers,\r\n"
        "\r\n"
        "someone@ioe-emp.com,IOE\r\n"
    )
    members = read_members(write_members(tmp_path, text, bom=True))
    assert members == (
        Member("jane.doe@ilo.org", "ILO", "UN agencies"),
        Member("@ituc-csi.org", "ITUC", "Workers"),
        Member("someone@ioe-emp.com", "IOE", ""),
    )


def test_members_without_constituency_column(tmp_path: Path) -> None:
    members = read_members(write_members(tmp_path, "email,organization\na@b.org,B\n"))
    assert members == (Member("a@b.org", "B", ""),)


def test_members_rows_without_email_or_organisation_are_all_reported(tmp_path: Path) -> None:
    text = (
        "email,organisation,constituency\n"
        "a@b.org,B,x\n"
        ",C,y\n"
        "d@e.org,,z\n"
        "\n"
        " , ,w\n"
    )
    with pytest.raises(MembersRefused) as info:
        read_members(write_members(tmp_path, text))
    reason = info.value.reason
    assert "members.csv" in reason
    assert "row 3 (no e-mail)" in reason
    assert "row 4 (no organisation)" in reason
    assert "row 6 (no e-mail and no organisation)" in reason


def test_members_header_is_required(tmp_path: Path) -> None:
    with pytest.raises(MembersRefused) as info:
        read_members(write_members(tmp_path, "a@b.org,B,x\n"))
    assert "header" in info.value.reason


def test_members_same_address_for_two_organisations_is_refused(tmp_path: Path) -> None:
    text = "email,organisation\na@b.org,B\nA@B.org,C\n"
    with pytest.raises(MembersRefused) as info:
        read_members(write_members(tmp_path, text))
    assert "row 3" in info.value.reason and "row 2" in info.value.reason


def test_members_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes("email,organisation\na@b.org,Société\n".encode("cp1252"))
    with pytest.raises(MembersRefused) as info:
        read_members(path)
    assert "CSV UTF-8" in info.value.reason


def test_members_lookup_by_address_then_domain(folder: Path) -> None:
    consultation = read_consultation(write(folder, GOOD))
    assert consultation.member_for("JANE.DOE@ilo.org").organisation == "ILO"
    assert consultation.member_for("x@ituc-csi.org").organisation == "ITUC"
    assert consultation.member_for("x@ilo.org") is None
