"""`redraft serve` / `redraft trigger`: the [schedule] table, run planning, dated folders and
the `latest` pointer as plain functions; then one real `redraft serve` process (module-scoped:
it starts its own Prefect server, ~20-40 s) on a copy of the samples whose deadline is ~30 s
away, which must run by itself at the deadline, and a real `redraft trigger` for a second run
of the same deployment, checked through the server's HTTP API."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import SAMPLE

from redraft.flows.deployment import deployment_name, deployment_slug, planned_runs
from redraft.flows.scheduled import LATEST_FILE, folder_name, make_run_folder, point_latest
from redraft.models.intake import ConsultationRefused
from redraft.parsers.consultation import parse_consultation, read_consultation

REDRAFT = [sys.executable, "-m", "redraft.cli"]
UTC2 = timezone(timedelta(hours=2))
OUTPUTS = ("summary.json", "submissions.csv", "resolution.csv", "resolution.xlsx", "resolution.docx",
           "resolution.html", "tor/redline.docx", "tor/merged.docx", "tor/proposals.docx",
           "guidance/redline.docx", "guidance/merged.docx")


def _with_schedule(table: str):
    return parse_consultation(SAMPLE.read_text() + "\n[schedule]\n" + table + "\n", SAMPLE)


# --- the [schedule] table ---------------------------------------------------------------------

def test_schedule_table_is_read_with_durations_and_an_until_date():
    schedule = _with_schedule('grace = "1h30m"\nevery = "6h"\nuntil = 2018-09-01T18:00:00+02:00').schedule
    assert schedule.grace == timedelta(hours=1, minutes=30)
    assert schedule.every == timedelta(hours=6)
    assert schedule.until == datetime(2018, 9, 1, 16, tzinfo=timezone.utc)
    assert read_consultation(SAMPLE).schedule.grace == timedelta(0)  # no table: run at the deadline
    for text, seconds in (('"90s"', 90), ('"30m"', 1800), ('"2h"', 7200), ('"1d"', 86400), ('"0"', 0)):
        assert _with_schedule(f"grace = {text}").schedule.grace == timedelta(seconds=seconds)


@pytest.mark.parametrize("table, words", [
    ('gracee = "2h"', "did you mean 'grace'"),
    ('start = "2h"', "unknown key 'start'"),
    ("grace = 2", "not a duration"),
    ('grace = "two hours"', "not a duration"),
    ('every = "6h"', "every and until go together"),
    ("until = 2018-09-01T18:00:00+02:00", "every and until go together"),
    ('every = "30s"\nuntil = 2018-09-01T18:00:00+02:00', "at least 1 minute"),
    ('every = "6h"\nuntil = 2018-09-01T18:00:00', "with its offset"),
])
def test_schedule_refusals_say_what_to_write(table, words):
    with pytest.raises(ConsultationRefused) as refused:
        _with_schedule(table)
    assert words in refused.value.reason and "[schedule]" in refused.value.reason


# --- planning, names, folders -----------------------------------------------------------------

def test_runs_are_planned_at_deadline_plus_grace_then_every_n_hours_until_the_date():
    consultation = _with_schedule('grace = "2h"\nevery = "6h"\nuntil = 2018-08-16T18:00:00+02:00')
    runs = planned_runs(consultation, now=datetime(2018, 8, 15, 9, 30, tzinfo=UTC2))
    assert [(r.kind, r.when.astimezone(UTC2).strftime("%d %H:%M")) for r in runs] == [
        ("deadline", "15 20:00"), ("every", "15 14:00"), ("every", "16 02:00"), ("every", "16 08:00"),
        ("every", "16 14:00")]
    late = planned_runs(consultation, now=datetime(2018, 8, 15, 23, 0, tzinfo=UTC2))
    assert late[0].kind == "deadline" and late[0].when == datetime(2018, 8, 15, 20, 0, tzinfo=UTC2)  # runs at once
    assert [r.when.hour for r in late[1:]] == [2, 8, 14]  # no past `every` runs
    assert [r.kind for r in planned_runs(read_consultation(SAMPLE), datetime.now(timezone.utc))] == ["deadline"]


def test_the_deployment_name_is_stable_and_differs_between_consultation_files(tmp_path):
    copy = tmp_path / "round2"
    shutil.copytree(SAMPLE.parent, copy)
    here, there = read_consultation(SAMPLE), read_consultation(copy / "consultation.toml")
    assert deployment_name(here) == deployment_name(read_consultation(SAMPLE))
    assert deployment_name(here).startswith("redraft-consultation/gcg-comments-on-the-draft-tor")
    assert deployment_slug(here) != deployment_slug(there)  # same title, another file


def test_run_folders_are_named_in_the_deadline_zone_sort_in_time_order_and_never_collide(tmp_path):
    when = datetime(2018, 8, 15, 18, 0, 5, 250000, tzinfo=timezone.utc)
    assert folder_name(when, UTC2) == "2018-08-15T200005+0200"
    first = make_run_folder(tmp_path, when, UTC2)
    second = make_run_folder(tmp_path, when, UTC2)
    later = make_run_folder(tmp_path, when + timedelta(seconds=1), UTC2)
    assert [first.name, second.name, later.name] == [
        "2018-08-15T200005+0200", "2018-08-15T200005+0200-2", "2018-08-15T200006+0200"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name, second.name, later.name]


def test_latest_points_to_the_newest_completed_run(tmp_path):
    for name in ("2018-08-15T200000+0200", "2018-08-16T020000+0200"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "summary.json").write_text(name)
        point_latest(tmp_path, folder)
        assert (tmp_path / LATEST_FILE).read_text() == name + "\n"
        assert os.readlink(tmp_path / "latest") == name  # relative: the output folder can move
        assert (tmp_path / "latest" / "summary.json").read_text() == name
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2018-08-15T200000+0200", "2018-08-16T020000+0200", "LATEST", "latest"]  # no temp files left


def test_a_new_run_folder_links_the_shared_stores_and_carries_the_latest_ids(tmp_path):
    from redraft.flows.scheduled import prepare_work_dir

    first = make_run_folder(tmp_path, datetime(2018, 8, 15, 18, tzinfo=timezone.utc), UTC2)
    prepare_work_dir(first, tmp_path)
    (first / ".redraft" / "attachments" / "ab12").write_bytes(b"docx")
    (first / ".redraft" / "ids.json").write_text('{"ILO": 3}')
    (first / ".redraft" / "audit.head").write_text("1 abc")
    point_latest(tmp_path, first)
    second = make_run_folder(tmp_path, datetime(2018, 8, 16, tzinfo=timezone.utc), UTC2)
    prepare_work_dir(second, tmp_path)
    assert (second / ".redraft" / "attachments" / "ab12").read_bytes() == b"docx"
    assert (second / ".redraft" / "ids.json").read_text() == '{"ILO": 3}'
    assert not (second / ".redraft" / "audit.head").exists()  # each folder's audit log is its own


# --- real processes ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(home: Path, port: int) -> dict:
    env = dict(os.environ, PREFECT_HOME=str(home), REDRAFT_SERVER_PORT=str(port),
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)
    return env


def test_trigger_without_a_running_serve_exits_2_with_the_reason(tmp_path):
    result = subprocess.run(REDRAFT + ["trigger", str(SAMPLE)], capture_output=True, text=True, timeout=120,
                            env=_environment(tmp_path / "prefect-home", _free_port()))
    assert result.returncode == 2, result.stderr
    assert "no `redraft serve` is running" in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_a_bad_schedule_before_starting_anything(tmp_path):
    shutil.copytree(SAMPLE.parent, tmp_path / "c")
    consultation = tmp_path / "c" / "consultation.toml"
    consultation.write_text(consultation.read_text() + '\n[schedule]\ngrace = "soon"\n')
    result = subprocess.run(REDRAFT + ["serve", str(consultation), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120,
                            env=_environment(tmp_path / "prefect-home", _free_port()))
    assert result.returncode == 2, result.stderr
    assert "grace = 'soon' is not a duration" in result.stderr and "Traceback" not in result.stderr
    assert "Prefect server" not in result.stderr and not (tmp_path / "prefect-home").exists()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`redraft serve` on a copy of the samples whose deadline is ~30 s away; stopped by pid."""
    root = tmp_path_factory.mktemp("serve")
    shutil.copytree(SAMPLE.parent, root / "consultation")
    consultation = root / "consultation" / "consultation.toml"
    deadline = (datetime.now(timezone.utc) + timedelta(seconds=30)).replace(microsecond=0).astimezone(UTC2)
    text = consultation.read_text()
    consultation.write_text(text.replace("deadline = 2018-08-15T18:00:00+02:00", f"deadline = {deadline.isoformat()}"))
    assert read_consultation(consultation).deadline == deadline
    port = _free_port()
    env = _environment(root / "prefect-home", port)
    out = root / "out"
    log = open(root / "serve.log", "w")
    process = subprocess.Popen(REDRAFT + ["serve", str(consultation), "--out", str(out)], stdout=log,
                               stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        yield {"consultation": consultation, "deadline": deadline, "out": out, "port": port, "env": env,
               "log": root / "serve.log", "process": process}
    finally:
        _stop_group(process)
        log.close()


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    try:  # the Prefect server and flow runs serve started are in its process group
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _run_folders(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir() and not p.is_symlink() and p.name[0].isdigit())


def _wait_for_first_run(served, limit: float = 240.0) -> Path:
    end = time.monotonic() + limit
    while not (served["out"] / LATEST_FILE).exists():
        assert served["process"].poll() is None, served["log"].read_text()
        assert time.monotonic() < end, "no run within 240 s:\n" + served["log"].read_text()
        time.sleep(1)
    return served["out"] / (served["out"] / LATEST_FILE).read_text().strip()


def _api(served, path: str, body: dict | None = None):
    url = f"http://127.0.0.1:{served['port']}/api{path}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"},
                                     method="POST" if body is not None else "GET")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.mark.flow
def test_serve_runs_by_itself_at_the_deadline_into_a_dated_folder(served):
    folder = _wait_for_first_run(served)
    started = datetime.strptime(folder.name, "%Y-%m-%dT%H%M%S%z")
    assert started >= served["deadline"] and started.utcoffset() == timedelta(hours=2)  # the deadline's zone
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["messages"] == 13
    for name in OUTPUTS:
        assert (folder / name).is_file(), name
    assert (served["out"] / "latest").resolve() == folder.resolve()
    assert _run_folders(served["out"]) == [folder]
    work = folder / ".redraft"
    assert work.is_dir() and not work.is_symlink() and (work / "run.json").is_file()  # the folder's own
    for store in ("mail", "attachments", "submissions"):  # ... with the stores shared by every run
        assert (work / store).resolve() == (served["out"] / ".redraft" / store).resolve()
    assert any((served["out"] / ".redraft" / "attachments").iterdir())
    log = served["log"].read_text()
    assert "starts one (stopped when serve stops)" in log and "Scheduled: deadline run at" in log


@pytest.mark.flow
def test_trigger_starts_another_run_of_the_same_deployment(served):
    first = _wait_for_first_run(served)
    result = subprocess.run(REDRAFT + ["trigger", str(served["consultation"])], capture_output=True, text=True,
                            env=served["env"], timeout=400)
    assert result.returncode == 0, result.stderr + served["log"].read_text()
    folders = _run_folders(served["out"])
    assert len(folders) == 2 and folders[0] == first
    second = folders[1]
    assert f"Run completed: {second}" in result.stderr
    assert (served["out"] / "latest").resolve() == second.resolve()
    assert (served["out"] / LATEST_FILE).read_text() == second.name + "\n"
    for name in OUTPUTS + (".redraft/ids.json",):  # same inputs, same outputs and IDs
        assert (first / name).read_bytes() == (second / name).read_bytes(), name

    consultation = read_consultation(served["consultation"])
    flow_name, slug = deployment_name(consultation).split("/")
    deployment = _api(served, f"/deployments/name/{flow_name}/{slug}")
    runs = _api(served, "/flow_runs/filter", {"flow_runs": {"deployment_id": {"is_null_": False}}})
    assert sorted(r["name"] for r in runs) == [first.name, second.name]
    assert {r["deployment_id"] for r in runs} == {deployment["id"]}
    assert {r["state_type"] for r in runs} == {"COMPLETED"}
    assert sorted(tuple(sorted(r["tags"])) for r in runs) == [("redraft", "redraft-schedule"), ("redraft", "redraft-trigger")]


@pytest.mark.flow
def test_trigger_for_a_consultation_nobody_serves_exits_2(served, tmp_path):
    shutil.copytree(SAMPLE.parent, tmp_path / "other")
    result = subprocess.run(REDRAFT + ["trigger", str(tmp_path / "other" / "consultation.toml")],
                            capture_output=True, text=True, env=served["env"], timeout=120)
    assert result.returncode == 2, result.stderr
    assert "is registered" in result.stderr and "start `redraft serve" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.flow
def test_a_second_consultation_is_served_through_prefect_api_url(served, tmp_path):
    """Against a running server (PREFECT_API_URL): no server of its own, its own deployment."""
    _wait_for_first_run(served)
    shutil.copytree(SAMPLE.parent, tmp_path / "round2")
    consultation = tmp_path / "round2" / "consultation.toml"
    consultation.write_text(consultation.read_text().replace("2018-08-15T18:00:00", "2030-08-15T18:00:00"))
    env = dict(served["env"], PREFECT_API_URL=f"http://127.0.0.1:{served['port']}/api", REDRAFT_SERVER_PORT="1")
    out = tmp_path / "out"
    with open(tmp_path / "serve.log", "w") as log:
        process = subprocess.Popen(REDRAFT + ["serve", str(consultation), "--out", str(out)], stdout=log,
                                   stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        end = time.monotonic() + 120
        while "registered" not in (tmp_path / "serve.log").read_text():
            assert process.poll() is None and time.monotonic() < end, (tmp_path / "serve.log").read_text()
            time.sleep(1)
        result = subprocess.run(REDRAFT + ["trigger", str(consultation)], capture_output=True, text=True,
                                env=env, timeout=400)
        assert result.returncode == 0, result.stderr + (tmp_path / "serve.log").read_text()
    finally:
        _stop_group(process)
    log = (tmp_path / "serve.log").read_text()
    assert f"Using the Prefect server at {env['PREFECT_API_URL']}" in log and "starts one" not in log
    assert "Scheduled: deadline run at 2030-08-15T18:00:00+02:00" in log
    [folder] = _run_folders(out)
    assert json.loads((folder / "summary.json").read_text())["messages"] == 13
    mine = _api(served, "/deployments/name/" + deployment_name(read_consultation(consultation)))
    theirs = _api(served, "/deployments/name/" + deployment_name(read_consultation(served["consultation"])))
    assert mine["id"] != theirs["id"]
    runs = _api(served, "/flow_runs/filter", {"flow_runs": {"deployment_id": {"any_": [mine["id"]]}}})
    assert sorted((r["state_type"], r["name"]) for r in runs) == [("COMPLETED", folder.name), ("SCHEDULED", "deadline run")]


@pytest.mark.flow
def test_restarting_with_a_changed_schedule_moves_the_waiting_run(served):
    """`reconcile` (what serve does at start) against the served deployment: a longer grace
    adds one Scheduled run; going back deletes it; the completed deadline run is never repeated."""
    import asyncio
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from redraft.flows.deployment import SCHEDULE_TAG, reconcile

    _wait_for_first_run(served)
    consultation = read_consultation(served["consultation"])
    slug = deployment_slug(consultation)
    later = parse_consultation(served["consultation"].read_text() + '\n[schedule]\ngrace = "1d"\n',
                               served["consultation"])
    deployment = _api(served, f"/deployments/name/redraft-consultation/{slug}")

    def waiting():
        runs = _api(served, "/flow_runs/filter", {"flow_runs": {
            "deployment_id": {"any_": [deployment["id"]]}, "state": {"type": {"any_": ["SCHEDULED"]}},
            "tags": {"all_": [SCHEDULE_TAG]}}})
        return [r["next_scheduled_start_time"] for r in runs]

    async def plan(c):
        async with get_client() as client:
            return await reconcile(client, UUID(deployment["id"]), c, slug, datetime.now(timezone.utc))

    with temporary_settings({PREFECT_API_URL: f"http://127.0.0.1:{served['port']}/api"}):
        added = asyncio.run(plan(later))
        assert [r.when for r in added] == [served["deadline"] + timedelta(days=1)]
        assert [datetime.fromisoformat(t) for t in waiting()] == [served["deadline"] + timedelta(days=1)]
        assert asyncio.run(plan(consultation)) == []  # the deadline run is done: not made again
        assert waiting() == []
