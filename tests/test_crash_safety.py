"""Crash safety: `kill -9` at any point of `redraft run`, then a rerun, gives the outputs of an
uninterrupted run, byte for byte, and the same audit chain (no record lost or duplicated).

Each run is a real `redraft run` subprocess (its own session, so SIGKILL reaches the whole
process group: the command and the embedded Prefect server it starts), on a copy of the
sample consultation, with one PREFECT_HOME per module (warmed by the uninterrupted run). A kill
point is a moment seen from outside by polling the file system and the command's output; a
point the run passes faster than the poll sees is "killed after it" and recorded as such
(`KILLS`), and the last test checks that the points with a real window were really hit.
Right after each kill every file present must already be whole (an uninterrupted run's bytes;
the audit log a prefix of its records): only temp files may be left, and the rerun sweeps them.
The drafts and the e-mails are never modified: sha256 and mtime of every input are checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SAMPLE

from redraft.outputs.audit import verify_chain

pytestmark = pytest.mark.flow

REDRAFT = [sys.executable, "-m", "redraft.cli", "run"]
WAIT = 300  # s: bound on how long a point (or a run) may take on a loaded machine
VOLATILE = ("at", "prev")  # recording time, and the hash of the line before (which holds it)
# Task results, kept by a key that hashes redraft's own code: not compared (a rerun may reuse
# them or make them again), but no temp file may be left among them.
RESULT_DIRS = (".redraft/prefect-results", ".redraft/submissions")
NAMES_ONLY = (".redraft/run.json", ".redraft/audit.head")  # hold the run's time, or the hash of
# the last audit line (which holds its time): compared by name


def _files(folder: Path):
    return [f for f in folder.rglob("*") if f.is_file()] if folder.is_dir() else []


def _log(log: Path) -> bytes:
    return log.read_bytes() if log.exists() else b""


# name -> is the run at (or past) this point? (out dir, the command's output)
POINTS = {
    "start": lambda out, log: True,  # at once: the interpreter has not even started
    "engine": lambda out, log: b"Starting the embedded Prefect engine" in _log(log),
    "attachments": lambda out, log: bool(_files(out / ".redraft" / "attachments")),
    "results": lambda out, log: any(_files(out / d) for d in RESULT_DIRS),
    "redline": lambda out, log: (out / "tor" / "redline.docx").exists(),
    "tables": lambda out, log: (out / "resolution.xlsx").exists(),
    "audit": lambda out, log: (out / "audit.jsonl").exists(),
    "exit": lambda out, log: b"Outputs in" in _log(log),  # printed last, before shutdown
}
# points with a window of a second or more in every run seen: must really be hit
MUST_HIT = ("start", "engine", "attachments", "results", "redline", "exit")
KILLS: dict[str, bool] = {}  # point -> killed while the run was still before its end


@dataclass
class World:
    root: Path
    consultation: Path
    env: dict
    inputs: dict
    baseline: dict


def _env(home: Path) -> dict:
    env = dict(os.environ, PREFECT_HOME=str(home), REDRAFT_SERVER_PORT="1",
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)  # always the embedded engine
    return env


def _inputs(folder: Path) -> dict:
    """sha256 and mtime of every file of the consultation (drafts, e-mails, members, toml)."""
    return {str(f.relative_to(folder)): (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns)
            for f in _files(folder)}


def _audit(path: Path) -> list[dict]:
    return [{k: v for k, v in json.loads(line).items() if k not in VOLATILE}
            for line in path.read_bytes().split(b"\n") if line]  # "\n" only: JSON may hold U+2028


def snapshot(out: Path) -> dict:
    """Every file of the out dir: its sha256 (outputs, attachments, ...), the audit records
    modulo time, and the names of the work files that hold run ids or times (`NAMES_ONLY`)."""
    snap = {}
    for f in sorted(_files(out)):
        rel = f.relative_to(out).as_posix()
        if f.name.startswith(".") and ".tmp" in f.name or f.name.endswith(".tmp"):
            snap[rel] = "temp file left behind"
        elif rel.startswith(RESULT_DIRS):
            continue
        elif rel == "audit.jsonl":
            snap[rel] = _audit(f)
        elif rel.startswith(NAMES_ONLY):
            snap[rel] = "present"
        else:
            snap[rel] = hashlib.sha256(f.read_bytes()).hexdigest()
    return snap


def run(world: World, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(REDRAFT + [str(world.consultation / "consultation.toml"), "--out", str(out)],
                          capture_output=True, text=True, env=world.env, timeout=WAIT * 2)


def run_and_kill(world: World, out: Path, point: str) -> bool:
    """Start a run, SIGKILL its process group once `point` is seen; True when the run was
    still going (the point really hit), False when it had ended before the poll saw it."""
    log = out.parent / f"{out.name}-{point}.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(REDRAFT + [str(world.consultation / "consultation.toml"), "--out", str(out)],
                                stdout=sink, stderr=sink, env=world.env, start_new_session=True)
        seen, limit = POINTS[point], time.monotonic() + WAIT
        while not seen(out, log) and proc.poll() is None and time.monotonic() < limit:
            time.sleep(0.005)
        alive = proc.poll() is None
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=60)
    assert POINTS[point](out, log) or alive, f"the run ended before reaching {point}: {_log(log)[-2000:]!r}"
    hit = alive and proc.returncode == -signal.SIGKILL
    KILLS[point] = KILLS.get(point, False) or hit
    return hit


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("crash")
    consultation = root / "consultation"
    shutil.copytree(SAMPLE.parent, consultation)
    w = World(root, consultation, _env(root / "prefect-home"), _inputs(consultation), {})
    out = root / "uninterrupted"
    result = run(w, out)  # also prepares this module's Prefect database
    assert result.returncode == 0, result.stderr
    assert verify_chain(out / "audit.jsonl") == []
    w.baseline = snapshot(out)
    assert "tor/redline.docx" in w.baseline and "audit.jsonl" in w.baseline
    return w


def _whole_or_absent(world: World, out: Path) -> None:
    """Right after a kill: every file there is whole (the uninterrupted run's bytes; the audit
    log a prefix of its records); only temp files may be left, for the next run to sweep."""
    for rel, value in snapshot(out).items():
        if value == "temp file left behind":
            continue
        assert rel in world.baseline, f"{rel}: not written by an uninterrupted run"
        if rel == "audit.jsonl":
            assert value == world.baseline[rel][:len(value)], "the audit log is not a prefix of the full one"
        else:
            assert value == world.baseline[rel], f"{rel}: half-written"


def _same_as_uninterrupted(world: World, out: Path) -> None:
    result = run(world, out)
    assert result.returncode == 0, result.stderr
    assert verify_chain(out / "audit.jsonl") == []
    got = snapshot(out)
    assert sorted(got) == sorted(world.baseline), "files differ: " + repr(set(got) ^ set(world.baseline))
    assert got["audit.jsonl"] == world.baseline["audit.jsonl"], "the audit records differ"
    assert got == world.baseline
    assert _inputs(world.consultation) == world.inputs, "an input file was modified"


# --------------------------------------------------------------------------- the writers

def test_an_atomic_write_replaces_the_whole_file_with_the_usual_permissions(tmp_path):
    from redraft.outputs.files import write_atomic

    target = tmp_path / "out" / "resolution.csv"
    assert write_atomic(target, b"old") == hashlib.sha256(b"old").hexdigest()
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
    assert [p.name for p in target.parent.iterdir()] == ["resolution.csv"]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_writer_killed_mid_write_leaves_the_old_file_and_its_temp_is_swept(tmp_path):
    """SIGKILL while 64 MB are being written: the target keeps its old bytes; the next write
    of it removes the temp file the killed writer left."""
    from redraft.outputs.files import write_atomic

    target = tmp_path / "merged.docx"
    write_atomic(target, b"old")
    code = ("import sys; from pathlib import Path; from redraft.outputs.files import write_atomic\n"
            "write_atomic(Path(sys.argv[1]), b'x' * (64 << 20))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(target)], start_new_session=True)
    limit = time.monotonic() + WAIT
    while not list(tmp_path.glob(".merged.docx.*.tmp")) and proc.poll() is None and time.monotonic() < limit:
        time.sleep(0.001)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if proc.returncode != -signal.SIGKILL:
        pytest.skip("the writer finished before the kill (machine too fast for this window)")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.glob(".merged.docx.*.tmp")), "the killed writer's temp file"
    (tmp_path / f".merged.docx.{_dead_pid()}-0000.tmp").write_bytes(b"half")
    write_atomic(target, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["merged.docx"]


def test_the_attachment_store_sweeps_temp_files_of_killed_runs(tmp_path):
    from redraft.parsers.mail.store import sha256_hex, stored_path, store_bytes

    data = b"a Word copy"
    folder = stored_path(tmp_path, sha256_hex(data)).parent
    folder.mkdir(parents=True)
    stale = folder / f".tmp-{_dead_pid()}-abcdef"  # left by a killed run
    live = folder / f".tmp-{os.getpid()}-abcdef"  # this process's: maybe still being written
    stale.write_bytes(b"ha")
    live.write_bytes(b"lf")
    digest, path = store_bytes(data, tmp_path)
    assert path.read_bytes() == data and digest == sha256_hex(data)
    assert sorted(p.name for p in folder.iterdir()) == sorted([live.name, digest])


def test_the_per_submission_results_sweep_temp_files_of_killed_runs(tmp_path):
    """Found by the kill tests: a result being pickled when the run was killed left its temp
    file in .redraft/submissions for good."""
    from redraft.flows.reuse import ResultCache

    stale = tmp_path / f".tmp-{_dead_pid()}-abcdef"
    stale.write_bytes(b"half a pickle")
    cache = ResultCache(tmp_path)
    assert cache.get_or_make("k1", lambda: {"rows": 1}) == {"rows": 1}
    assert cache.get_or_make("k1", lambda: "not made again") == {"rows": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k1.pickle"]


@pytest.mark.parametrize("point", list(POINTS))
def test_kill_then_rerun_gives_the_uninterrupted_outputs(world, tmp_path, point):
    out = tmp_path / "out"
    run_and_kill(world, out, point)
    assert _inputs(world.consultation) == world.inputs, "the killed run modified an input file"
    _whole_or_absent(world, out)
    _same_as_uninterrupted(world, out)


def test_two_kills_in_a_row_then_rerun(world, tmp_path):
    out = tmp_path / "out"
    run_and_kill(world, out, "attachments")
    _whole_or_absent(world, out)
    run_and_kill(world, out, "redline")  # the second run reuses what the first left
    _whole_or_absent(world, out)
    _same_as_uninterrupted(world, out)


def test_a_second_complete_run_appends_nothing(world, tmp_path):
    out = tmp_path / "out"
    assert run(world, out).returncode == 0
    lines = (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    _same_as_uninterrupted(world, out)
    assert (out / "audit.jsonl").read_text(encoding="utf-8").splitlines() == lines


def test_inputs_are_never_modified(world):
    assert _inputs(world.consultation) == world.inputs
    assert _inputs(SAMPLE.parent).keys() == world.inputs.keys()


def test_the_kill_points_were_really_hit():
    """Runs last: every point with a real window was hit while the run was going."""
    if not KILLS:
        pytest.skip("no kill test ran in this session (run the whole module)")
    missed = [p for p in MUST_HIT if p in KILLS and not KILLS[p]]
    assert not missed, f"passed before the kill: {missed}; all: {KILLS}"
    print("kill points hit:", KILLS)
