"""`redraft check DIR [--final]` and the flow's completeness step (summary.json `check`)."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import fields, replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE
from redraft.cli import _say_open, app
from redraft.consolidate.completeness import check
from redraft.models.resolution import ResolutionRow


def row(**values) -> ResolutionRow:
    base = {f.name: "" for f in fields(ResolutionRow)}
    base.update(id="ORG-001", document="tor", disposition="Accepted", round_status="new")
    base.update(values)
    return ResolutionRow(**base)


EXTRACTED = [
    {"step": "received", "message_id": "<m1>", "sender": "a@org.example", "received": "2018-08-10T15:00:00+02:00"},
    {"step": "extracted", "message_id": "<m1>", "file": "copy.docx", "sha256": "f" * 64, "document": "tor",
     "changes": 1, "comments": 1},
    {"step": "extracted", "message_id": "<m1>", "file": "", "source": "e-mail text", "document": "tor", "items": 1},
]
ROWS = [row(id="ORG-001", file="copy.docx", file_sha256="f" * 64, proposed="Insert: x"),
        row(id="ORG-002", file="copy.docx", file_sha256="f" * 64, disposition="Noted"),
        row(id="ORG-003", source="e-mail text", submitter="a@org.example", received="2018-08-10T15:00+02:00",
            disposition="Not accepted", rationale="out of date")]


# -- the plain functions ------------------------------------------------------------------

def test_a_complete_table_that_reconciles_has_no_problem():
    report = check(ROWS, EXTRACTED)
    assert report.ok and report.counts() == {"rows": 3, "undecided": 0, "no_rationale": 0,
                                             "unreconciled": 0, "problems": 0}


def test_pending_blank_and_not_accepted_without_rationale_are_listed():
    rows = [ROWS[0], replace(ROWS[1], disposition=""),
            replace(ROWS[2], rationale=" ")]
    report = check(rows, EXTRACTED)
    assert [str(p) for p in report.problems] == ["tor ORG-002: no disposition (blank)",
                                                 "tor ORG-003: 'Not accepted' without a rationale"]


def test_counts_per_file_and_per_e_mail_must_reconcile():
    report = check(ROWS[1:], EXTRACTED)  # the change from copy.docx is gone
    assert [str(p) for p in report.problems] == [
        "copy.docx (tor): 1 change(s) and 1 comment(s) extracted, 0 and 1 in the table"]
    report = check(ROWS[:2], EXTRACTED)  # the e-mail text row is gone
    assert [p.where for p in report.problems] == [
        "e-mail text from a@org.example received 2018-08-10T15:00:00+02:00 (tor)"]
    report = check(ROWS + [row(id="ORG-004", file="other.docx", file_sha256="e" * 64)], EXTRACTED)
    assert [str(p) for p in report.problems] == [
        "other.docx (tor): 1 row(s) in the table, but the audit log records no extraction from it"]


def test_superseded_copies_and_earlier_rounds_rows_are_not_counted():
    superseded = EXTRACTED + [{"step": "superseded", "sha256": "f" * 64, "document": "tor"}]
    assert check([ROWS[2]], superseded).ok
    carried = row(id="ORG-009", file="round1.docx", file_sha256="d" * 64, round_status="resolved")
    assert check(ROWS + [carried], EXTRACTED).ok


def test_run_prints_one_line_when_something_is_open(capsys, tmp_path):
    _say_open({"undecided": 31, "no_rationale": 0, "unreconciled": 2}, tmp_path)
    assert capsys.readouterr().err == (f"31 rows still need a disposition; 2 sources' counts do not "
                                       f"reconcile; `redraft check {tmp_path}` lists them.\n")
    _say_open({"undecided": 0, "no_rationale": 0, "unreconciled": 0, "problems": 0}, tmp_path)
    assert capsys.readouterr().err == ""


# -- on real runs -------------------------------------------------------------------------

def check_cli(folder: Path, *options: str):
    return CliRunner().invoke(app, ["check", str(folder), *options])


def read_table(out: Path) -> tuple[list[str], list[dict]]:
    with (out / "resolution.csv").open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames), list(reader)


def write_table(out: Path, header: list[str], rows: list[dict]) -> None:
    with (out / "resolution.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def run_flow(consultation_run):
    return lambda out, decisions=None: consultation_run(SAMPLE, out, decisions)


@pytest.fixture(scope="module")
def sample_run(run_flow, tmp_path_factory):
    out = tmp_path_factory.mktemp("check-sample")
    return out, run_flow(out)


@pytest.mark.flow
def test_check_on_a_run_lists_the_pending_rows_and_final_refuses(sample_run):
    out, summary = sample_run
    _, rows = read_table(out)
    pending = [r["ID"] for r in rows if r["Disposition"] == "Pending"]
    assert pending, "the samples leave comments and conflicts pending"
    assert summary["check"] == {"rows": len(rows), "undecided": len(pending), "no_rationale": 0,
                                "unreconciled": 0, "problems": len(pending)}
    assert json.loads((out / "summary.json").read_text())["check"] == summary["check"]
    result = check_cli(out)
    assert result.exit_code == 0, result.output
    assert f"{len(rows)} rows; {len(pending)} without a disposition" in result.output
    listed = [line for line in result.output.splitlines() if line.startswith("- ")]
    assert len(listed) == len(pending) and all(any(f" {i} " in line for line in listed) for i in pending)
    final = check_cli(out, "--final")
    assert final.exit_code == 2 and final.output.count("no disposition (Pending)") == len(pending)


@pytest.mark.flow
def test_check_final_passes_once_everything_is_decided(run_flow, sample_run, tmp_path):
    out, _ = sample_run
    _, rows = read_table(out)
    decisions = tmp_path / "decisions.csv"
    with decisions.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["ID", "Disposition", "Rationale"])
        for r in rows:
            if r["Disposition"] == "Pending":
                writer.writerow([r["ID"], "Noted", "Taken into account in the next draft."])
    second = tmp_path / "second"
    summary = run_flow(second, decisions)
    assert summary["check"]["problems"] == 0 and summary["check"]["rows"] == len(rows)
    result = check_cli(second, "--final")
    assert result.exit_code == 0, result.output
    assert f"{len(rows)} rows; 0 without a disposition, 0 'Not accepted' without a rationale, 0 source" \
        in result.output


@pytest.mark.flow
def test_doctored_tables_are_caught(sample_run, tmp_path):
    out, _ = sample_run
    doctored = tmp_path / "doctored"
    shutil.copytree(out, doctored)
    header, rows = read_table(doctored)
    accepted = next(r for r in rows if r["Disposition"] == "Accepted")
    accepted["Disposition"], accepted["Rationale"] = "Not accepted", ""
    from_file = next(r for r in rows if r["File sha256"] and r is not accepted)
    from_text = next(r for r in rows if r["Source"] == "e-mail text")
    rows = [r for r in rows if r is not from_file and r is not from_text]
    write_table(doctored, header, rows)

    result = check_cli(doctored)
    assert result.exit_code == 0, "without --final, problems are warnings"
    assert f"{accepted['ID']}" in result.output and "'Not accepted' without a rationale" in result.output
    assert f"- {from_file['File']} ({from_file['Document']}): " in result.output
    assert f"e-mail text from {from_text['Submitter']} received" in result.output
    assert "2 source(s) whose counts do not reconcile" in result.output
    final = check_cli(doctored, "--final")
    assert final.exit_code == 2
    assert "'Not accepted' without a rationale" in final.output and "do not reconcile" in final.output


def test_a_folder_without_a_table_is_refused(tmp_path):
    result = check_cli(tmp_path)
    assert result.exit_code == 2 and "resolution.csv" in result.output
