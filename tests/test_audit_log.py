"""audit.jsonl: hash chain + head; `redraft audit verify` names every edit, deletion,
insertion and reordering; appends are atomic, reruns never rewrite history."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE
from redraft.cli import app
from redraft.outputs import audit
from redraft.outputs.audit import append_records, head_path, read_head
from redraft.outputs.audit_verify import verify_log

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
COUNT = 8


def records(n: int = COUNT, tag: str = "r") -> list[dict]:
    return [{"step": "decided", "id": f"ORG-{i:03d}", "disposition": "Noted", "by": tag,
             "rationale": f"reason {i} — é"} for i in range(1, n + 1)]


@pytest.fixture
def log(tmp_path) -> Path:
    path = tmp_path / "audit.jsonl"
    assert append_records(path, records(), NOW) == COUNT
    return path


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


def write_lines(path: Path, new: list[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in new))


def problems(path: Path) -> list[str]:
    return [str(p) for p in verify_log(path).problems]


def kinds(path: Path) -> set[tuple[str, int | None, int | None]]:
    return {(p.kind, p.line, p.seq) for p in verify_log(path).problems}


def verify_cli(folder: Path):
    return CliRunner().invoke(app, ["audit", "verify", str(folder)])


# -- a fresh log --------------------------------------------------------------------------

def test_a_fresh_log_verifies_and_the_command_prints_count_and_head(log):
    result = verify_log(log)
    assert result.ok and result.records == COUNT
    head = read_head(log)
    assert (head.count, head.sha256, head.pending) == (COUNT, result.head, None)
    cli = verify_cli(log.parent)
    assert cli.exit_code == 0, cli.output
    assert f"{COUNT} records" in cli.output and result.head in cli.output


def test_every_record_links_to_the_sha256_of_the_line_before(log):
    raw = lines(log)
    parsed = [json.loads(line) for line in raw]
    assert [r["seq"] for r in parsed] == list(range(1, COUNT + 1))
    assert parsed[0]["prev"] == ""
    for before, record in zip(raw, parsed[1:]):
        assert record["prev"] == audit.line_hash(before)


# -- tampering ----------------------------------------------------------------------------

def test_editing_the_last_record_is_found(log):
    raw = lines(log)
    raw[-1] = raw[-1].replace(b'"Noted"', b'"Accepted"')
    write_lines(log, raw)
    assert kinds(log) == {("edited", COUNT, COUNT)}
    cli = verify_cli(log.parent)
    assert cli.exit_code == 2
    assert f"line {COUNT} (seq {COUNT}): edited" in cli.output


def test_deleting_the_last_record_is_found(log):
    write_lines(log, lines(log)[:-1])
    assert kinds(log) == {("deleted", None, COUNT)}
    assert "it was the last record" in problems(log)[0]


def test_deleting_a_middle_record_is_found(log):
    raw = lines(log)
    del raw[3]  # seq 4
    write_lines(log, raw)
    assert kinds(log) == {("deleted", None, 4)}
    assert "after line 3" in problems(log)[0]


def test_deleting_the_first_record_is_found(log):
    write_lines(log, lines(log)[1:])
    assert kinds(log) == {("deleted", None, 1)}


def test_every_one_byte_change_of_a_middle_record_is_found_and_named(log):
    original = log.read_bytes()
    raw = lines(log)
    k = 4  # line 4 (seq 4)
    start = sum(len(line) + 1 for line in raw[:k - 1])
    for offset in range(len(raw[k - 1])):
        data = bytearray(original)
        data[start + offset] ^= 0x01
        log.write_bytes(bytes(data))
        found = verify_log(log)
        assert not found.ok, offset
        assert any(p.line == k and p.kind == "edited" for p in found.problems), (offset, found.problems)
    log.write_bytes(original)
    assert verify_log(log).ok


def test_a_forged_record_inserted_in_the_middle_is_found(log):
    raw = lines(log)
    forged = {"seq": 4, "prev": audit.line_hash(raw[2]), "at": NOW.isoformat(), "step": "decided",
              "id": "ORG-999", "disposition": "Accepted"}
    raw.insert(3, json.dumps(forged).encode())
    write_lines(log, raw)
    assert kinds(log) == {("inserted", 4, 4)}


def test_a_copied_record_inserted_elsewhere_is_found(log):
    raw = lines(log)
    raw.insert(6, raw[1])  # a copy of seq 2 as line 7
    write_lines(log, raw)
    assert kinds(log) == {("inserted", 7, 2)}


def test_a_record_appended_behind_the_head_is_found(log):
    raw = lines(log)
    extra = {"seq": COUNT + 1, "prev": audit.line_hash(raw[-1]), "at": NOW.isoformat(), "step": "decided",
             "id": "ORG-001", "disposition": "Accepted"}
    write_lines(log, raw + [json.dumps(extra).encode()])
    assert kinds(log) == {("inserted", COUNT + 1, COUNT + 1)}


@pytest.mark.parametrize("a,b", [(2, 3), (2, 6), (7, 8)])
def test_two_swapped_records_are_found_naming_both_lines(log, a, b):
    raw = lines(log)
    raw[a - 1], raw[b - 1] = raw[b - 1], raw[a - 1]
    write_lines(log, raw)
    found = verify_log(log).problems
    assert found and {p.kind for p in found} == {"reordered"}
    text = " ".join(str(p) for p in found)
    assert f"line {a} (seq {b})" in text and f"(seq {a})" in text and f"line {b}" in text


def test_a_missing_or_damaged_head_fails_verification(log):
    head_path(log).unlink()
    assert {p.kind for p in verify_log(log).problems} == {"head"}
    head_path(log).write_text("not json")
    assert {p.kind for p in verify_log(log).problems} == {"head"}


def test_a_log_rewritten_with_its_head_is_caught_by_a_head_kept_elsewhere(log, tmp_path):
    kept = verify_log(log).head  # printed by verify, kept in the circulation mail
    assert append_records(log, records(COUNT + 1), NOW) == 1
    assert verify_cli_head(log.parent, kept).exit_code == 0, "history since that head is intact"
    log.unlink()
    head_path(log).unlink()
    append_records(log, records(COUNT + 1, tag="forged"), NOW)  # a whole new, self-consistent log
    assert verify_log(log).ok
    cli = verify_cli_head(log.parent, kept)
    assert cli.exit_code == 2 and f"no record has the sha256 {kept}" in cli.output


def verify_cli_head(folder: Path, head: str):
    return CliRunner().invoke(app, ["audit", "verify", str(folder), "--head", head])


def test_no_log_is_a_refused_input(tmp_path):
    cli = verify_cli(tmp_path)
    assert cli.exit_code == 2 and "no audit.jsonl" in cli.output


# -- appending ------------------------------------------------------------------------------

def test_appending_the_same_records_again_changes_nothing(log):
    before = log.read_bytes(), head_path(log).read_bytes()
    assert append_records(log, records(), NOW) == 0
    assert (log.read_bytes(), head_path(log).read_bytes()) == before


def test_new_records_are_appended_and_earlier_lines_kept_byte_for_byte(log):
    before = log.read_bytes()
    assert append_records(log, records(COUNT + 2), NOW) == 2
    assert log.read_bytes().startswith(before)
    assert verify_log(log).ok and read_head(log).count == COUNT + 2


def test_lines_are_split_on_newlines_only(tmp_path):
    """JSON keeps U+2028 and U+0085 unescaped: they must not split a record."""
    path = tmp_path / "audit.jsonl"
    odd = [{"step": "extracted", "text": "a\u2028b\x85c\x1cd"}]
    assert append_records(path, odd, NOW) == 1
    assert append_records(path, odd, NOW) == 0
    assert verify_log(path).ok and verify_log(path).records == 1


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_an_append_interrupted_at_any_step_leaves_a_log_that_verifies(log, monkeypatch, fail_at):
    """The three atomic steps (head with pending state, log, head): stop after any of them."""
    calls = []
    real = audit.write_atomic

    def crashing(path, data):
        calls.append(path)
        if len(calls) == fail_at:
            raise KeyboardInterrupt("killed")
        return real(path, data)

    monkeypatch.setattr(audit, "write_atomic", crashing)
    with pytest.raises(KeyboardInterrupt):
        append_records(log, records(COUNT + 1), NOW)
    monkeypatch.setattr(audit, "write_atomic", real)
    assert verify_log(log).ok, problems(log)
    append_records(log, records(COUNT + 2), NOW)
    steps = [json.loads(line)["step"] for line in lines(log)]
    assert "discontinuity" not in steps and len(steps) == COUNT + 2
    assert verify_log(log).ok


def test_a_torn_last_line_is_reported_then_set_aside_by_the_next_append(log):
    torn = b'{"seq": 9, "prev": "ab'
    with log.open("ab") as handle:  # what an older version's crash mid-append left
        handle.write(torn)
    found = verify_log(log)
    assert {(p.kind, p.line) for p in found.problems} == {("torn", COUNT + 1)}
    assert append_records(log, records(COUNT + 1), NOW) == 1
    result = verify_log(log)
    assert result.ok, result.problems
    parsed = [json.loads(line) for line in lines(log)]
    recovered = parsed[COUNT]
    assert recovered["step"] == "recovered" and recovered["torn_line_bytes"] == len(torn)
    kept = log.parent / recovered["kept_in"]
    assert kept.read_bytes() == torn
    assert parsed[-1]["id"] == f"ORG-{COUNT + 1:03d}" and len(result.notes) == 1


def test_an_append_after_tampering_records_a_discontinuity_that_verify_keeps_reporting(log):
    head = read_head(log)
    write_lines(log, lines(log)[:-1])  # the last record deleted
    assert append_records(log, records(COUNT + 1), NOW) == 2  # ORG-008 (again) and ORG-009
    raw = lines(log)
    note = json.loads(raw[COUNT - 1])
    assert note["step"] == "discontinuity"
    assert note["found"] == {"records": COUNT - 1, "last_sha256": audit.line_hash(raw[COUNT - 2]),
                             "head": {"count": COUNT, "sha256": head.sha256}}
    assert kinds(log) == {("discontinuity", COUNT, COUNT)}
    assert verify_cli(log.parent).exit_code == 2


def test_a_deleted_log_is_not_started_afresh_silently(log):
    log.unlink()
    append_records(log, records(2), NOW)
    first = json.loads(lines(log)[0])
    assert first["step"] == "discontinuity" and first["found"]["head"]["count"] == COUNT
    assert kinds(log) == {("discontinuity", 1, 1)}


# -- real runs of the sample consultation ---------------------------------------------------

@pytest.fixture(scope="module")
def run_flow(consultation_run):
    return lambda out, decisions=None: consultation_run(SAMPLE, out, decisions)


@pytest.fixture(scope="module")
def sample_run(run_flow, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("audit-sample")
    run_flow(out)
    return out


def read_records(out: Path) -> list[dict]:
    return [json.loads(line) for line in lines(out / "audit.jsonl")]


def table_rows(out: Path) -> list[dict]:
    return list(csv.DictReader((out / "resolution.csv").open(encoding="utf-8-sig")))


@pytest.mark.flow
def test_a_run_records_every_step_and_verifies(sample_run):
    records_ = read_records(sample_run)
    steps = {r["step"] for r in records_}
    assert {"received", "extracted", "located", "decided", "applied", "written"} <= steps
    rows = table_rows(sample_run)
    located = {r["id"]: r for r in records_ if r["step"] == "located"}
    assert set(located) == {row["ID"] for row in rows}
    for row in rows:
        place = located[row["ID"]]
        assert set(place) >= {"document", "section", "block", "located_by", "start", "end"}
        assert place["document"] == row["Document"] and place["block"] == row["Paragraph"]
        assert place["located_by"], row["ID"]
    received = [r for r in records_ if r["step"] == "received"]
    assert all(r["message_id"] and r["sender"] and r["received"] for r in received)
    written = {r["path"]: r["sha256"] for r in records_ if r["step"] == "written"}
    assert written["resolution.csv"] == audit.line_hash((sample_run / "resolution.csv").read_bytes())
    cli = verify_cli(sample_run)
    assert cli.exit_code == 0 and f"{len(records_)} records" in cli.output


@pytest.mark.flow
def test_verify_names_the_record_after_the_log_of_a_run_is_changed(sample_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(sample_run, out)
    raw = lines(out / "audit.jsonl")
    decided = next(n for n, line in enumerate(raw, 1) if b'"disposition": "Pending"' in line)
    raw[decided - 1] = raw[decided - 1].replace(b'"disposition": "Pending"', b'"disposition": "Accepted"')
    write_lines(out / "audit.jsonl", raw)
    cli = verify_cli(out)
    assert cli.exit_code == 2 and f"line {decided} (seq {decided}): edited" in cli.output


@pytest.mark.flow
def test_reruns_append_nothing_then_only_the_new_decisions(run_flow, sample_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(sample_run, out)
    before = (out / "audit.jsonl").read_bytes()
    run_flow(out)
    assert (out / "audit.jsonl").read_bytes() == before, "same inputs: nothing appended"

    pending = [row["ID"] for row in table_rows(out) if row["Disposition"] == "Pending"][:3]
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("ID,Disposition,Rationale\n" + "".join(f"{i},Noted,\n" for i in pending),
                         encoding="utf-8")
    run_flow(out, decisions)
    after = (out / "audit.jsonl").read_bytes()
    assert after.startswith(before), "earlier lines are byte-identical"
    new = [json.loads(line) for line in after[len(before):].split(b"\n")[:-1]]
    assert new and {r["step"] for r in new} <= {"decided", "applied", "written"}
    noted = {r["id"] for r in new if r["step"] == "decided" and r["disposition"] == "Noted"}
    assert noted == set(pending)
    assert verify_log(out / "audit.jsonl").ok
