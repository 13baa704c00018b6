"""Reading the secretariat's filled-in resolution table back (parsers.decisions)."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from redraft.models.notices import Refusal
from redraft.models.resolution import COLUMNS, ResolutionRow, ResolutionTable
from redraft.outputs.resolution_csv import write_resolution_csv
from redraft.outputs.resolution_xlsx import write_resolution_xlsx
from redraft.parsers.decisions import DecisionsRefused, read_decisions, unknown_ids

STAMP = datetime(2024, 5, 6, 7, 8, 9)
HEADINGS = [h for _, h in COLUMNS]
COL = {h: i + 1 for i, h in enumerate(HEADINGS)}


def _row(id, document, **values) -> ResolutionRow:
    base = {name: "" for name, _ in COLUMNS}
    base.update(id=id, document=document, disposition="Pending", organisation="ILO")
    base.update(values)
    return ResolutionRow(**base)


@pytest.fixture
def table() -> ResolutionTable:
    return ResolutionTable(
        title="Consultation",
        documents={"tor": "Terms of reference", "annex": "Annex"},
        rows=(
            _row("TOR-001", "tor", comment="Add informal workers."),
            _row("TOR-002", "tor", comment='=HYPERLINK("http://x")'),
            _row("TOR-003", "tor", comment="<script>alert(1)</script>"),
            _row("TOR-004", "tor", comment="@SUM(A1)", disposition="Not accepted",
                 rationale="-too late, see minutes"),
            _row("ANX-001", "annex", comment="Même chose"),
            _row("ANX-002", "annex", comment="Typo"),
        ),
    )


def _fill(path, values: dict[tuple[str, int], dict[str, str]]) -> None:
    """Type into the workbook as a user would: {(sheet, row): {heading: value}}."""
    wb = openpyxl.load_workbook(path)
    for (sheet, row), cells in values.items():
        for heading, value in cells.items():
            wb[sheet].cell(row, COL[heading]).value = value
    wb.save(path)


def test_filled_xlsx_reads_back(table, tmp_path):
    path = write_resolution_xlsx(table, tmp_path / "resolution.xlsx", STAMP)
    _fill(path, {
        ("tor", 2): {"Disposition": "Accepted"},
        ("tor", 3): {"Disposition": "not accepted", "Rationale": "Outside the mandate."},
        ("tor", 4): {"Disposition": "Accepted with modification",
                     "Modified text": "all workers, including informal ones"},
        ("annex", 2): {"Disposition": "Duplicate of TOR-001"},
        ("annex", 3): {"Disposition": "Duplicate", "Duplicate of": "TOR-002"},
    })
    result = read_decisions(path)
    got = {d.id: d for d in result.decisions}
    assert list(got) == ["TOR-001", "TOR-002", "TOR-003", "TOR-004", "ANX-001", "ANX-002"]
    assert got["TOR-001"].disposition == "Accepted"
    assert (got["TOR-002"].disposition, got["TOR-002"].rationale) == (
        "Not accepted", "Outside the mandate.")
    assert got["TOR-003"].disposition == "Accepted with modification"
    assert got["TOR-003"].modified_text == "all workers, including informal ones"
    assert (got["TOR-004"].disposition, got["TOR-004"].rationale) == (
        "Not accepted", "-too late, see minutes")  # apostrophe from neutralise removed
    assert (got["ANX-001"].disposition, got["ANX-001"].duplicate_of) == ("Duplicate", "TOR-001")
    assert (got["ANX-002"].disposition, got["ANX-002"].duplicate_of) == ("Duplicate", "TOR-002")
    assert (got["ANX-001"].sheet, got["ANX-001"].row) == ("annex", 2)
    assert result.by_id()["TOR-003"].row == 4


def test_untouched_rows_are_pending(table, tmp_path):
    path = write_resolution_xlsx(table, tmp_path / "resolution.xlsx", STAMP)
    _fill(path, {("tor", 2): {"Disposition": None}})
    got = read_decisions(path).by_id()
    assert got["TOR-001"].disposition == "Pending"
    assert got["ANX-002"].disposition == "Pending"


def test_csv_round_trip(table, tmp_path):
    path = write_resolution_csv(table, tmp_path / "resolution.csv")
    got = read_decisions(path).by_id()
    assert list(got) == [r.id for r in table.rows]
    assert got["TOR-004"].rationale == "-too late, see minutes"
    assert (got["TOR-004"].sheet, got["TOR-004"].row) == ("resolution.csv", 5)


def test_csv_saved_by_excel_with_semicolons(tmp_path):
    path = tmp_path / "decisions.csv"
    text = (
        "Disposition;Rationale;ID\r\n"
        "Not accepted;Déjà traité;TOR-001\r\n"
        "accepted;;TOR-002\r\n"
        "'=Noted;;TOR-003\r\n"
    )
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(DecisionsRefused) as caught:
        read_decisions(path)
    # "'=Noted" is read as "=Noted": an unknown disposition, reported, not guessed
    assert caught.value.problems == [
        "decisions.csv, row 4 (TOR-003): unknown disposition '=Noted' (use one of Pending, "
        "Accepted, Accepted with modification, Not accepted, Noted, Duplicate, Deferred, "
        "Withdrawn, Out of scope, or 'Duplicate of <ID>')"
    ]
    path.write_bytes(text.replace("'=Noted", "Noted").encode("cp1252"))
    got = read_decisions(path).by_id()
    assert got["TOR-001"].rationale == "Déjà traité"
    assert got["TOR-002"].disposition == "Accepted"
    assert got["TOR-003"].disposition == "Noted"


def test_every_problem_is_listed_with_its_row(table, tmp_path):
    path = write_resolution_xlsx(table, tmp_path / "resolution.xlsx", STAMP)
    _fill(path, {
        ("tor", 2): {"Disposition": "Rejected"},
        ("tor", 3): {"Disposition": "Not accepted"},
        ("tor", 4): {"Disposition": "Accepted with modification"},
        ("tor", 5): {"Rationale": None},
        ("annex", 2): {"Disposition": "Duplicate"},
        ("annex", 3): {"ID": "TOR-001", "Disposition": "Accepted"},
        ("annex", 4): {"Disposition": "Noted"},
        ("annex", 5): {"ID": "ANX-009", "Disposition": "Duplicate of ANX-009"},
    })
    with pytest.raises(DecisionsRefused) as caught:
        read_decisions(path)
    error = caught.value
    assert isinstance(error, Refusal)
    assert error.problems == [
        "tor, row 2 (TOR-001): unknown disposition 'Rejected' (use one of Pending, Accepted, "
        "Accepted with modification, Not accepted, Noted, Duplicate, Deferred, Withdrawn, "
        "Out of scope, or 'Duplicate of <ID>')",
        "tor, row 3 (TOR-002): 'Not accepted' needs a rationale",
        "tor, row 4 (TOR-003): 'Accepted with modification' needs the modified text",
        "tor, row 5 (TOR-004): 'Not accepted' needs a rationale",
        "annex, row 2 (ANX-001): 'Duplicate' needs the ID it duplicates ('Duplicate of <ID>')",
        "annex, row 3 (TOR-001): ID already given in tor, row 2",
        "annex, row 4: a decision without an ID",
        "annex, row 5 (ANX-009): a comment cannot be a duplicate of itself",
    ]
    for problem in error.problems:
        assert problem in error.reason
    assert "8 problems" in error.reason


def test_missing_id_column(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_text("Identifier,Disposition\nTOR-001,Accepted\n", encoding="utf-8-sig")
    with pytest.raises(DecisionsRefused) as caught:
        read_decisions(path)
    assert caught.value.problems == ["decisions.csv: no 'ID' column in the header row"]


def test_missing_id_column_in_one_sheet(table, tmp_path):
    path = write_resolution_xlsx(table, tmp_path / "resolution.xlsx", STAMP)
    _fill(path, {("annex", 1): {"ID": "Ref"}, ("tor", 3): {"Disposition": "Nope"}})
    with pytest.raises(DecisionsRefused) as caught:
        read_decisions(path)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "tor, row 3 (TOR-002)", "annex"]


def test_conflicting_duplicate_targets(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("ID,Disposition,Duplicate of\nA-2,Duplicate of A-1,A-3\n", encoding="utf-8")
    with pytest.raises(DecisionsRefused) as caught:
        read_decisions(path)
    assert caught.value.problems == [
        "d.csv, row 2 (A-2): the disposition says duplicate of 'A-1' but 'Duplicate of' says 'A-3'"
    ]


@pytest.mark.parametrize("cell, expected", [
    ("Duplicate of TOR-001", "TOR-001"),
    ("duplicate of: TOR-001", "TOR-001"),
    ("Duplicate: TOR-001", "TOR-001"),
    ("DUPLICATE  OF   TOR-001.", "TOR-001"),
])
def test_duplicate_spellings(tmp_path, cell, expected):
    path = tmp_path / "d.csv"
    path.write_text(f"ID,Disposition\nX-1,{cell}\n", encoding="utf-8")
    decision = read_decisions(path).decisions[0]
    assert (decision.disposition, decision.duplicate_of) == ("Duplicate", expected)


def test_unreadable_inputs(tmp_path):
    with pytest.raises(DecisionsRefused, match="does not exist"):
        read_decisions(tmp_path / "missing.xlsx")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip at all")
    with pytest.raises(DecisionsRefused, match="cannot be opened as an Excel workbook") as caught:
        read_decisions(broken)
    assert caught.value.problems == [caught.value.reason]
    other = tmp_path / "notes.txt"
    other.write_text("ID,Disposition\n")
    with pytest.raises(DecisionsRefused, match="neither .xlsx nor .csv"):
        read_decisions(other)


def test_unknown_ids(table, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("ID,Disposition\nTOR-001,Accepted\nTOR-999,Duplicate of TOR-998\n",
                    encoding="utf-8")
    decisions = read_decisions(path)
    assert unknown_ids(decisions, [r.id for r in table.rows]) == [
        "d.csv, row 3 (TOR-999): no comment with this ID in this run",
        "d.csv, row 3 (TOR-999): 'Duplicate of' names an unknown ID 'TOR-998'",
    ]
