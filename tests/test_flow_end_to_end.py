"""The consultation flow as a real Prefect flow run on the sample consultation.

Outputs are checked by pandoc 3 (an independent reader): reject(redline) is the draft,
accept(redline) is the merged draft, and every tracked change is credited to a member.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import SAMPLE
from oracle import pandoc_spans, pandoc_text
from redraft.parsers.consultation import read_consultation

pytestmark = [pytest.mark.flow, pytest.mark.oracle]

OUTPUTS = ["resolution.xlsx", "resolution.docx", "resolution.html", "resolution.csv",
           "submissions.csv", "audit.jsonl", "summary.json"]


@pytest.fixture(scope="module")
def consultation():
    return read_consultation(SAMPLE)


@pytest.fixture(scope="module")
def run_flow(consultation_run):
    return lambda out, decisions=None, policy="accept-non-conflicting": consultation_run(SAMPLE, out, decisions, policy)


@pytest.fixture(scope="module")
def sample_out(run_flow, tmp_path_factory):
    out = tmp_path_factory.mktemp("sample-out")
    summary = run_flow(out)
    return out, summary


def test_every_output_is_written(sample_out, consultation):
    out, summary = sample_out
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    for spec in consultation.documents:
        for name in ("redline.docx", "merged.docx", "proposals.docx"):
            assert (out / spec.key / name).is_file(), f"{spec.key}/{name}"
    assert summary["messages"] == len(list((SAMPLE.parent / "inbox").glob("*.eml")))


def test_redline_rejects_to_the_draft_and_accepts_to_the_merged_draft(sample_out, consultation):
    out, _ = sample_out
    for spec in consultation.documents:
        draft = pandoc_text(spec.draft, "accept")
        redline = out / spec.key / "redline.docx"
        merged = out / spec.key / "merged.docx"
        assert pandoc_text(redline, "reject") == draft
        assert pandoc_text(redline, "accept") == pandoc_text(merged, "accept")
        assert pandoc_text(merged, "accept") != draft, "the samples have accepted changes"


def test_merged_draft_has_no_revisions_or_comments(sample_out, consultation):
    out, _ = sample_out
    for spec in consultation.documents:
        spans = pandoc_spans(out / spec.key / "merged.docx")
        assert [s for s in spans if s["class"] in ("insertion", "deletion", "comment-start")] == []


def test_every_tracked_change_is_credited_to_its_proposer(sample_out, consultation):
    out, _ = sample_out
    rows = list(csv.DictReader((out / "resolution.csv").open(encoding="utf-8-sig")))
    applied = {r["Organisation"] for r in rows if r["Status"] == "applied"}
    assert applied
    for spec in consultation.documents:
        spans = pandoc_spans(out / spec.key / "redline.docx")
        authors = {s["author"] for s in spans if s["class"] in ("insertion", "deletion")}
        assert authors <= applied, f"{spec.key}: changes credited to {authors - applied}"


def test_conflicts_are_pending_rows_and_comments_never_applied(sample_out, consultation):
    out, summary = sample_out
    rows = list(csv.DictReader((out / "resolution.csv").open(encoding="utf-8-sig")))
    conflict_groups = {r["Group"] for r in rows if "conflicts with" in r["Rationale"]}
    assert conflict_groups, "the samples have a conflict"
    for group in conflict_groups:
        members = [r for r in rows if r["Group"] == group]
        assert {r["Disposition"] for r in members} == {"Pending"}
        assert all(r["Status"] == "open" for r in members)
        key = members[0]["Document"]
        comments = [s for s in pandoc_spans(out / key / "redline.docx") if s["class"] == "comment-start"]
        assert any(group in c["text"] for c in comments), f"conflict {group} has a comment in the redline"
        merged = pandoc_text(out / key / "merged.docx")
        for r in members:
            new = r["Proposed change"].split("With: ")[-1] if "With: " in r["Proposed change"] else ""
            if new and new not in pandoc_text(spec_draft(consultation, key)):
                assert " ".join(new.split()) not in merged, f"{r['ID']} applied half-way"


def spec_draft(consultation, key):
    return consultation.document(key).draft


def test_every_message_and_attachment_is_accounted_for(sample_out):
    out, _ = sample_out
    rows = list(csv.DictReader((out / "submissions.csv").open(encoding="utf-8-sig")))
    sources = {r["source"] for r in rows if r["kind"] == "message"}
    assert sources == {p.name for p in (SAMPLE.parent / "inbox").iterdir() if not p.name.startswith(".")}
    assert all(r["status"] and r["reason"] for r in rows), [r for r in rows if not (r["status"] and r["reason"])]
    statuses = {r["status"] for r in rows}
    assert {"accepted", "late", "duplicate", "not-a-submission", "unreadable"} <= statuses


def test_rerun_into_the_same_folder_gives_the_same_outputs(run_flow, sample_out, consultation, tmp_path):
    out, _ = sample_out
    again = tmp_path / "again"
    shutil.copytree(out, again)
    run_flow(again)
    for name in OUTPUTS + [f"{s.key}/{n}" for s in consultation.documents
                           for n in ("redline.docx", "merged.docx", "proposals.docx")]:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_decisions_round_trip(run_flow, sample_out, consultation, tmp_path):
    """Fill the xlsx as the secretariat would, rerun with it: the documents follow it."""
    out, _ = sample_out
    book = openpyxl.load_workbook(out / "resolution.xlsx")
    chosen = {}
    for sheet in book.worksheets[1:]:
        header = [c.value for c in sheet[1]]
        col = {name: header.index(name) + 1 for name in ("ID", "Disposition", "Rationale", "Rationale",
                                                          "Status", "Group", "Source", "Proposed change")}
        seen_groups = set()
        for row in range(2, sheet.max_row + 1):
            rid = sheet.cell(row, col["ID"]).value
            group = sheet.cell(row, col["Group"]).value
            if not rid:
                continue
            if "conflicts with" in (sheet.cell(row, col["Rationale"]).value or "") and group not in seen_groups:
                seen_groups.add(group)
                sheet.cell(row, col["Disposition"]).value = "Accepted"
                chosen[rid] = "Accepted"
            elif sheet.cell(row, col["Status"]).value == "applied" and not chosen.get("rejected"):
                sheet.cell(row, col["Disposition"]).value = "Not accepted"
                sheet.cell(row, col["Rationale"]).value = "The GCG prefers the current wording."
                chosen[rid] = "Not accepted"
                chosen["rejected"] = rid
    decisions = tmp_path / "decisions.xlsx"
    book.save(decisions)
    second = tmp_path / "second"
    run_flow(second, decisions)
    rows = {r["ID"]: r for r in csv.DictReader((second / "resolution.csv").open(encoding="utf-8-sig"))}
    for rid, disposition in chosen.items():
        if rid == "rejected":
            continue
        assert rows[rid]["Disposition"] == disposition
        assert rows[rid]["Status"] == ("applied" if disposition == "Accepted" else "open")
    for spec in consultation.documents:
        assert pandoc_text(second / spec.key / "redline.docx", "accept") == \
            pandoc_text(second / spec.key / "merged.docx")
        assert pandoc_text(second / spec.key / "redline.docx", "reject") == pandoc_text(spec.draft)


def test_flow_runs_are_recorded_by_prefect(sample_out):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["redraft-consultation"])))
    assert runs and all(r.state.is_completed() for r in runs if r.state and r.state.is_final())


def test_libreoffice_sees_the_same_redline_and_merged_text(sample_out, consultation, libreoffice):
    """LibreOffice (a second independent reader) opens both documents and agrees."""
    out, _ = sample_out
    paths = {}
    for spec in consultation.documents:
        paths[spec.key] = (spec.draft, out / spec.key / "redline.docx", out / spec.key / "merged.docx")
    found = libreoffice.read([p for triple in paths.values() for p in triple])

    def words(text: str) -> str:
        return " ".join(text.split())

    for key, (draft, redline, merged) in paths.items():
        assert words(found[redline]["rejected"]) == words(found[draft]["accepted"]), key
        assert words(found[redline]["accepted"]) == words(found[merged]["accepted"]), key
        assert found[merged]["redlines"] == [] and found[merged]["comments"] == []
        assert found[redline]["redlines"], f"{key}: the redline has tracked changes"


def _expected_and_got(out: Path) -> tuple[dict[str, str], dict[str, str]]:
    expected = {}
    table = (SAMPLE.parent / "EXPECTED.md").read_text().split("## Messages", 1)[1].split("\n## ", 1)[0]
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].endswith(".eml"):
            expected[cells[0]] = cells[4].split(" (")[0]
    with (out / "submissions.csv").open(encoding="utf-8-sig", newline="") as handle:
        got = {r["source"]: r["status"] for r in csv.DictReader(handle) if r["kind"] == "message"}
    return expected, got


RESEND = "08-unicef-tor-resend.eml"


def test_message_statuses_are_those_in_expected_md(sample_out):
    """The sample's EXPECTED.md says how each e-mail is accounted for: the run agrees."""
    expected, got = _expected_and_got(sample_out[0])
    assert len(expected) == 13 and got == expected


def test_the_resend_counts_as_a_duplicate(sample_out):
    """Its own note ("I am resending our comments…", "The attachment is unchanged.") is about
    the submission, not the draft: no comment of its own, so the message is a duplicate."""
    expected, got = _expected_and_got(sample_out[0])
    assert got[RESEND] == expected[RESEND] == "duplicate"
