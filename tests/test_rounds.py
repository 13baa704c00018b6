"""Rounds (new / repeated / resolved / withdrawn against the earlier round's table) and the
Prefect UI artifacts, on real flow runs.

Round 1 is the sample consultation, run once and then again with a decisions file (the
documented round trip). Round 2 is built here: its drafts are round 1's merged drafts,
`previous_round` names round 1's output, and its inbox has ILO repeating two earlier items
(a Word comment decided "Noted" and a tracked change), IOE raising a new comment, and a
sender not on the members list (held).
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from datetime import datetime, timezone
from email.utils import parseaddr
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE
from redraft.consolidate import rounds
from redraft.models.changes import Proposal, Source
from redraft.models.intake import ConsultationRefused
from redraft.models.resolution import COLUMNS, ResolutionRow
from redraft.parsers.consultation import parse_consultation
from redraft.parsers.decisions import read_decisions
from redraft.parsers.resolution_table import read_resolution_rows

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from samples import build as sb  # noqa: E402

OUTPUTS = ["resolution.xlsx", "resolution.docx", "resolution.html", "resolution.csv",
           "submissions.csv", "audit.jsonl", "summary.json"]
INTERPRETATION = "Interpretation into French and Spanish shall be provided subject to the availability of resources."
ILO_COMMENT = ("Could the Secretariat estimate the cost of interpretation? Several GCG members work mainly "
               "in French or Spanish, and participation should not depend on language.")
ILO_CHANGE = "Replace: for a term of three years\nWith: for a single term of four years"
IOE_COMMENT = "The IOE asks that the dates of GCG meetings be announced one year in advance."
NOTED = "The Secretariat will give a cost estimate with the budget note."
KEPT = "Kept: the situation differs from one country to another."
FINAL = {"Accepted", "Accepted with modification", "Not accepted", "Noted", "Duplicate", "Out of scope", "Withdrawn"}


def read_rows(folder: Path) -> list[dict]:
    return list(csv.DictReader((folder / "resolution.csv").open(encoding="utf-8-sig")))


def only(rows: list[dict], **where) -> dict:
    found = [r for r in rows if all(where[k](r[k]) if callable(where[k]) else r[k] == where[k] for k in where)]
    assert len(found) == 1, (where, [r["ID"] for r in found])
    return found[0]


# -- the runs -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_flow(consultation_run):
    """Run the flow; (summary, flow run id)."""
    def run(consultation: Path, out: Path, decisions: Path | None = None):
        state = consultation_run(consultation, out, decisions, return_state=True)
        return state.result(), state.state_details.flow_run_id

    return run


@pytest.fixture(scope="module")
def round1(run_flow, tmp_path_factory):
    """The samples, then again with ILO's interpretation comment Noted and IOE's deletion
    of 'where appropriate' Not accepted."""
    base = tmp_path_factory.mktemp("rounds")
    out = base / "round1"
    first_summary, first_run = run_flow(SAMPLE, out)
    rows = read_rows(out)
    noted = only(rows, Organisation="ILO", Comment=lambda c: c.startswith("Could the Secretariat estimate"))["ID"]
    refused = only(rows, Organisation="IOE", **{"Proposed change": lambda p: p.startswith("Delete: where appropriate")})["ID"]
    decisions = base / "round1-decisions.csv"
    with decisions.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows([["ID", "Disposition", "Rationale"], [noted, "Noted", NOTED], [refused, "Not accepted", KEPT]])
    summary, run_id = run_flow(SAMPLE, out, decisions)
    return {"out": out, "summary": summary, "run_id": run_id, "first_run": first_run,
            "first_summary": first_summary, "noted": noted, "refused": refused}


def build_round2(round1_out: Path, folder: Path) -> Path:
    """Round 2's consultation: round 1's merged drafts, `previous_round = "../round1"`."""
    (folder / "drafts").mkdir(parents=True)
    (folder / "inbox").mkdir()
    drafts = {}
    for key in ("tor", "guidance"):
        drafts[key] = (round1_out / key / "merged.docx").read_bytes()
        (folder / "drafts" / f"{key}-v2.docx").write_bytes(drafts[key])
    ilo = sb.Copy("tor-ilo-r2", "tor", "word", "ROSSI Maria", "2018-10-01T10:00:00Z", (
        sb.Change("replace", "for a term of three years", "for a single term of four years",
                  by="ROSSI Maria", at="2018-10-01T09:00:00Z"),
        sb.Change("comment", INTERPRETATION, ILO_COMMENT, by="ROSSI Maria", initials="RM", at="2018-10-01T09:10:00Z"),
    ))
    ioe = sb.Copy("tor-ioe-r2", "tor", "word", "Roberto Suárez", "2018-10-02T10:00:00Z", (
        sb.Change("comment", INTERPRETATION, IOE_COMMENT, by="Roberto Suárez", initials="RS", at="2018-10-02T09:10:00Z"),
    ))
    stranger = sb.Copy("tor-stranger-r2", "tor", "word", "Pat Doe", "2018-10-03T10:00:00Z", (
        sb.Change("comment", INTERPRETATION, "Please also provide Arabic.", by="Pat Doe", at="2018-10-03T09:00:00Z"),
    ))
    sources = {name: sb.build_copy(spec, drafts["tor"]) for name, spec in
               (("copy:ilo", ilo), ("copy:ioe", ioe), ("copy:stranger", stranger))}
    mails = [
        sb.Mail("01-ilo.eml", "ROSSI Maria", "rossi@ilo.org", datetime(2018, 10, 1, 10, tzinfo=timezone.utc),
                "<r2-ilo@ilo.org>", "Round 2: ILO comments", "", (sb.Attached("tor-v2-ILO.docx", "copy:ilo"),)),
        sb.Mail("02-ioe.eml", "Roberto Suárez", "suarez@ioe-emp.org", datetime(2018, 10, 2, 10, tzinfo=timezone.utc),
                "<r2-ioe@ioe-emp.org>", "Round 2: IOE comments", "", (sb.Attached("tor-v2-IOE.docx", "copy:ioe"),)),
        sb.Mail("03-stranger.eml", "Pat Doe", "pat@unknown.example", datetime(2018, 10, 3, 10, tzinfo=timezone.utc),
                "<r2-pat@unknown.example>", "ToR comments", "", (sb.Attached("tor.docx", "copy:stranger"),)),
    ]
    for n, mail in enumerate(mails, start=1):
        (folder / "inbox" / mail.file).write_bytes(sb.build_mail(mail, sources, n))
    shutil.copy(SAMPLE.parent / "members.csv", folder / "members.csv")
    (folder / "consultation.toml").write_text("""\
[consultation]
title = "GCG comments, round 2"
deadline = 2018-10-15T18:00:00+02:00
inbox = "inbox"
secretariat = ["info@alliance87.org"]
members = "members.csv"
previous_round = "../round1"

[[documents]]
key = "tor"
title = "Terms of Reference of Alliance 8.7"
draft = "drafts/tor-v2.docx"

[[documents]]
key = "guidance"
title = "Pathfinder guidance note"
draft = "drafts/guidance-v2.docx"
""", encoding="utf-8")
    return folder / "consultation.toml"


@pytest.fixture(scope="module")
def round2(run_flow, round1):
    folder = round1["out"].parent / "round2-input"
    consultation = build_round2(round1["out"], folder)
    out = round1["out"].parent / "round2"
    summary, run_id = run_flow(consultation, out)
    return {"out": out, "summary": summary, "run_id": run_id, "consultation": consultation}


# -- rounds ---------------------------------------------------------------------------------


@pytest.mark.flow
def test_round_two_marks_every_row_against_round_one(round1, round2):
    before = {r["ID"]: r for r in read_rows(round1["out"])}
    after = read_rows(round2["out"])
    ids = [r["ID"] for r in after]
    assert len(ids) == len(set(ids)), "no ID means two things"

    repeated_comment = only(after, Comment=lambda c: c.startswith("Could the Secretariat estimate"))
    repeated_change = only(after, Organisation="ILO", **{"Proposed change": ILO_CHANGE})
    new = only(after, Comment=IOE_COMMENT)
    earlier_change = only(list(before.values()), Organisation="ILO", **{"Proposed change": ILO_CHANGE})
    assert repeated_comment["ID"] == round1["noted"]
    assert repeated_change["ID"] == earlier_change["ID"]
    assert new["ID"] not in before and new["ID"].startswith("IOE-")
    assert int(new["ID"].split("-")[1]) > max(int(i.split("-")[1]) for i in before if i.startswith("IOE-"))

    this_round = {repeated_comment["ID"]: "repeated", repeated_change["ID"]: "repeated", new["ID"]: "new"}
    submitted = {"ILO", "IOE"}  # the held stranger does not count
    expected = dict(this_round)
    for rid, row in before.items():
        if rid in this_round:
            continue
        if row["Disposition"] in FINAL:
            expected[rid] = "resolved"
        elif row["Organisation"] in submitted:
            expected[rid] = "withdrawn"
        else:
            expected[rid] = "carried"
    assert {r["ID"]: r["Round status"] for r in after} == expected
    assert {r["ID"]: r["Round"] for r in after} == {rid: ("2" if rid in this_round else "1") for rid in expected}
    assert set(expected.values()) == {"new", "repeated", "resolved", "withdrawn", "carried"}
    assert round2["summary"]["rounds"] == {"round": 2, "by_status": {
        s: n for s in ("new", "repeated", "resolved", "withdrawn", "carried")
        if (n := sum(1 for v in expected.values() if v == s))}}


@pytest.mark.flow
def test_a_repeated_comment_keeps_the_earlier_decision(round1, round2):
    before = only(read_rows(round1["out"]), ID=round1["noted"])
    after = only(read_rows(round2["out"]), ID=round1["noted"])
    assert (before["Disposition"], before["Rationale"], before["Decided by"]) == ("Noted", NOTED, "Secretariat")
    for column in ("Disposition", "Rationale", "Decided by", "Decided at", "Organisation"):
        assert after[column] == before[column], column
    assert before["Decided at"], "the decision's time is carried"


@pytest.mark.flow
def test_resolved_and_withdrawn_rows_are_carried_not_applied(round1, round2):
    before = {r["ID"]: r for r in read_rows(round1["out"])}
    after = {r["ID"]: r for r in read_rows(round2["out"])}
    refused = after[round1["refused"]]  # IOE sent comments again, but this one was decided
    assert (refused["Round status"], refused["Disposition"], refused["Rationale"]) == ("resolved", "Not accepted", KEPT)
    accepted = [rid for rid, r in before.items() if r["Disposition"] == "Accepted"]
    assert accepted and all(after[rid]["Round status"] == "resolved" for rid in accepted)
    assert all(after[rid]["Status"] == before[rid]["Status"] == "applied" for rid in accepted)
    ilo_pending = only(list(after.values()), Comment=lambda c: c.startswith("If the term becomes a single"))
    assert ilo_pending["Round status"] == "withdrawn" and ilo_pending["Disposition"] == "Withdrawn"
    assert "not raised again in round 2" in ilo_pending["Rationale"]
    unicef = only(list(after.values()), Comment=lambda c: c.startswith("UNICEF suggests adding a reference"))
    assert (unicef["Round status"], unicef["Disposition"]) == ("carried", "Pending")
    # Nothing from round 1 is applied again: only ILO's repeated change is, on the ToR.
    documents = round2["summary"]["documents"]
    assert documents["tor"]["applied"] == 1 and "guidance" not in documents
    held = [r for r in csv.DictReader((round2["out"] / "submissions.csv").open(encoding="utf-8-sig"))
            if r["kind"] == "message" and r["status"] == "held-unknown-sender"]
    assert len(held) == 1 and not any("Arabic" in r["Comment"] for r in after.values())


@pytest.mark.flow
def test_round_statuses_in_the_xlsx_summary_and_the_html(round1, round2):
    import openpyxl

    counts = round2["summary"]["rounds"]["by_status"]
    sheet = openpyxl.load_workbook(round2["out"] / "resolution.xlsx", read_only=True)["Summary"]
    lines = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    at = lines.index(["Comments per round status and disposition"])
    totals = {line[0]: line[-1] for line in lines[at + 2: at + 2 + len(counts)]}
    assert totals == counts
    html = (round2["out"] / "resolution.html").read_text(encoding="utf-8")
    assert "Against the earlier round:" in html and "withdrawn: <strong>" in html
    assert "Against the earlier round" not in (round1["out"] / "resolution.html").read_text(encoding="utf-8")


@pytest.mark.flow
def test_round_two_reruns_byte_identical(run_flow, round2):
    before = {name: (round2["out"] / name).read_bytes() for name in OUTPUTS}
    run_flow(round2["consultation"], round2["out"])
    assert {name: (round2["out"] / name).read_bytes() for name in OUTPUTS} == before


@pytest.mark.flow
def test_round_two_table_reads_back_as_decisions(round2):
    decisions = read_decisions(round2["out"] / "resolution.xlsx").by_id()
    rows = read_rows(round2["out"])
    assert set(decisions) == {r["ID"] for r in rows}


# -- the consultation file and the earlier table ------------------------------------------


def _toml(extra: str) -> str:
    drafts = SAMPLE.parent / "drafts"
    return f"""[consultation]
title = "t"
deadline = 2018-08-15T18:00:00+02:00
inbox = "inbox"
{extra}
[[documents]]
key = "tor"
draft = "{(drafts / 'tor-v1.docx').as_posix()}"
"""


def test_previous_round_is_relative_to_the_consultation_file(tmp_path):
    (tmp_path / "round1-out").mkdir()
    (tmp_path / "round1-out" / "resolution.csv").write_text("ID,Round\n", encoding="utf-8")
    (tmp_path / "round2").mkdir()
    parsed = parse_consultation(_toml('previous_round = "../round1-out"'), tmp_path / "round2" / "c.toml")
    assert parsed.previous_round == tmp_path / "round2" / ".." / "round1-out"
    assert parse_consultation(_toml(""), tmp_path / "c.toml").previous_round is None


def test_a_previous_round_without_a_table_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConsultationRefused, match="no resolution table"):
        parse_consultation(_toml('previous_round = "empty"'), tmp_path / "c.toml")
    with pytest.raises(ConsultationRefused, match="not a folder"):
        parse_consultation(_toml('previous_round = "missing"'), tmp_path / "c.toml")


def test_tables_written_before_the_round_status_column_still_read(tmp_path):
    headings = [h for name, h in COLUMNS if name != "round_status"]
    row = {h: "" for h in headings} | {"ID": "ILO-001", "Round": "1", "Disposition": "Noted", "Organisation": "ILO"}
    with (tmp_path / "resolution.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=headings)
        writer.writeheader()
        writer.writerow(row)
    assert [(d.id, d.disposition) for d in read_decisions(tmp_path / "resolution.csv").decisions] == [("ILO-001", "Noted")]
    (earlier,) = read_resolution_rows(tmp_path)
    assert (earlier.id, earlier.disposition, earlier.round_status) == ("ILO-001", "Noted", "")
    assert rounds.round_number([earlier]) == 2


# -- matching, without Prefect ------------------------------------------------------------


def _proposal(**fields) -> Proposal:
    base = dict(document="tor", source=Source.COMMENT, author="ILO", organisation="ILO", constituency="",
                sender="a@ilo.org", received=None, date=None, message_id="<m>", file="f.docx",
                file_sha256="0", start=None, end=None, old="", new=None, section="2.3", key="k", id="ILO-001")
    base.update(fields)
    return Proposal(**base)


def _row(**fields) -> ResolutionRow:
    base = {name: "" for name, _ in COLUMNS} | {"document": "tor", "organisation": "ILO", "section": "2.3",
                                                "round": "1", "disposition": "Pending"}
    base.update(fields)
    return ResolutionRow(**base)


def test_similar_text_matches_only_at_the_same_section():
    said = "The term of office should be two years rather than three, as in other bodies."
    earlier = (_row(id="ILO-004", comment="The term of office should be two years rather than three as in other bodies"),)
    assert rounds.match_rows([_proposal(comment=said)], earlier) == {0: earlier[0]}
    assert rounds.match_rows([_proposal(comment=said, section="4.1")], earlier) == {}
    assert rounds.match_rows([_proposal(comment=said, organisation="IOE")], earlier) == {}
    assert rounds.match_rows([_proposal(comment="Please add a reference to children.")], earlier) == {}


def test_tracked_changes_match_by_their_proposal_not_their_author_line():
    change = _proposal(source=Source.TRACKED, comment="Word author: ROSSI Maria", old="three", new="four", start=5, end=10)
    other = (_row(id="ILO-002", comment="Word author: ROSSI Maria", proposed="Replace: six\nWith: seven", section="1"),)
    same = (_row(id="ILO-003", comment="Word author: Someone", proposed="Replace: three\nWith: four", section="9"),)
    assert rounds.match_rows([change], other) == {}
    assert rounds.match_rows([change], same) == {0: same[0]}


def test_carried_rows_by_earlier_disposition_and_who_submitted():
    earlier = (_row(id="ILO-001", disposition="Accepted"), _row(id="ILO-002", disposition="Deferred"),
               _row(id="IOE-001", organisation="IOE"), _row(id="ILO-003", disposition="Noted"))
    carried = rounds.carried_rows(earlier, raised={"ILO-003"}, submitted={"ilo"}, number=2)
    assert [(r.id, r.round_status, r.disposition) for r in carried] == [
        ("ILO-001", "resolved", "Accepted"), ("ILO-002", "withdrawn", "Withdrawn"), ("IOE-001", "carried", "Pending")]


def test_new_comments_never_take_an_earlier_id():
    earlier = (_row(id="ILO-001", comment="An earlier comment on the budget."),
               _row(id="ILO-002", comment="Please define 'pathfinder country'."))
    repeated = _proposal(key="k1", comment="Please define “pathfinder country”")
    fresh = _proposal(key="k2", comment="A comment nobody made before.", id="ILO-002")
    known = {"k2": ("ILO-001", "ILO")}  # a run into this folder without previous_round pinned it
    match = rounds.match_round([repeated, fresh], earlier, ["ILO"], {"tor": 0}, known)
    assert sorted((p.key, p.id) for p in match.proposals) == [("k1", "ILO-002"), ("k2", "ILO-003")]
    assert set(match.repeated) == {"ILO-002"}
    assert [(r.id, r.round_status) for r in match.carried] == [("ILO-001", "withdrawn")]


def test_the_decisions_file_wins_over_the_earlier_round():
    from types import SimpleNamespace

    row = _row(id="ILO-007", disposition="Noted", rationale="r1", decided_by="Secretariat",
               decided_at="2018-09-01T10:00+00:00")
    match = rounds.RoundMatch(2, (_proposal(id="ILO-007"),), {"ILO-007": row}, ())
    carried = rounds.earlier_decisions(match, match.proposals)
    assert carried["ILO-007"].disposition == "Noted" and carried["ILO-007"].at.isoformat() == "2018-09-01T10:00:00+00:00"
    same = SimpleNamespace(disposition="Noted", rationale="r1", modified_text="", duplicate_of="")
    other = SimpleNamespace(disposition="Out of scope", rationale="r2", modified_text="", duplicate_of="")
    assert rounds.with_earlier({"ILO-007": same}, carried)["ILO-007"] is carried["ILO-007"]
    assert rounds.with_earlier({"ILO-007": other}, carried)["ILO-007"] is other
    pending = SimpleNamespace(disposition="Pending", rationale="", modified_text="", duplicate_of="")
    assert rounds.with_earlier({"ILO-007": pending}, carried)["ILO-007"] is carried["ILO-007"]


def test_the_decisions_file_may_change_a_carried_row_only_in_the_table():
    from types import SimpleNamespace

    from redraft.models.resolution import ResolutionTable

    resolved = _row(id="ILO-001", disposition="Accepted", round_status="resolved", status="applied")
    match = rounds.RoundMatch(2, (), {}, (resolved,))
    table = ResolutionTable("t", {"tor": "ToR"}, ())
    decision = SimpleNamespace(disposition="Out of scope", rationale="moved to the annex", modified_text="",
                               duplicate_of="")
    (row,) = rounds.mark_table(table, match, {"ILO-001": decision}, decided_at="2018-10-20T09:00+00:00").rows
    assert (row.disposition, row.rationale, row.decided_by, row.round_status, row.status) == (
        "Out of scope", "moved to the annex", "Secretariat", "resolved", "applied")


# -- Prefect UI artifacts -----------------------------------------------------------------


def _artifacts(run_id):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
    return {a.key: a for a in found}


@pytest.mark.flow
def test_the_run_publishes_the_table_and_a_summary(round1):
    artifacts = _artifacts(round1["run_id"])
    assert set(artifacts) == {"resolution-tor", "resolution-guidance", "redraft-summary"}
    rows = read_rows(round1["out"])
    for key in ("tor", "guidance"):
        artifact = artifacts[f"resolution-{key}"]
        assert artifact.type == "table"
        table = json.loads(artifact.data)
        assert table == [r for r in rows if r["Document"] == key]  # every row, every column, as in the CSV
    markdown = artifacts["redraft-summary"]
    assert markdown.type == "markdown"
    text = markdown.data
    summary = round1["summary"]
    for status, n in summary["messages_by_status"].items():
        assert f"| {status} | {n} |" in text
    late = [r for r in csv.DictReader((round1["out"] / "submissions.csv").open(encoding="utf-8-sig"))
            if r["kind"] == "message" and r["status"] == "late"]
    assert late and all(parseaddr(r["sender"])[1] in text for r in late)
    late_part = text.split("## Late submissions")[1].split("##")[0]
    assert "African Union Commission" in late_part
    assert "## Held submissions (sender not on the members list)\n\nNone." in text
    for key, doc in summary["documents"].items():
        assert f"| {key} | " in text and f"| {doc['proposals']} | {doc['applied']} | {doc['conflicts']} |" in text
    pending = sum(1 for r in rows if r["Disposition"] == "Pending")
    noted = sum(1 for r in rows if r["Disposition"] == "Noted")
    assert f"| Pending | {sum(1 for r in rows if r['Document'] == 'tor' and r['Disposition'] == 'Pending')} | " in text
    assert f"| {pending} |" in text and noted == 1 and "| Noted | 1 | 0 | 1 |" in text


@pytest.mark.flow
def test_round_two_summary_lists_held_mail_and_round_statuses(round2):
    text = _artifacts(round2["run_id"])["redraft-summary"].data
    held = text.split("## Held submissions (sender not on the members list)")[1].split("##")[0]
    assert "pat@unknown.example" in held
    assert "## Round 2, against the earlier round" in text
    for status, n in round2["summary"]["rounds"]["by_status"].items():
        assert f"| {status} | {n} |" in text


@pytest.mark.flow
def test_artifacts_stay_out_of_the_outputs(round1):
    """Each run publishes its own artifacts; none of their text is in the output folder."""
    assert set(_artifacts(round1["first_run"])) == set(_artifacts(round1["run_id"]))
    files = [p for p in round1["out"].rglob("*") if p.is_file()]
    assert files and not any(b"## Held submissions" in p.read_bytes() for p in files)


def test_markdown_text_is_inert():
    from redraft.flows.artifacts import md, table_key

    assert md("<script>x</script> | *bold* [a](b)") == r"&lt;script&gt;x&lt;/script&gt; \| \*bold\* \[a\](b)"
    assert table_key("Guidance Note_2") == "resolution-guidance-note-2"
