"""The README's first command, as a newcomer runs it: `redraft run` on the samples.

A subprocess with its own empty PREFECT_HOME, so the embedded engine starts from nothing
(database migrated up front, progress shown), exactly as on a fresh machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE

pytestmark = pytest.mark.flow

REDRAFT = [sys.executable, "-m", "redraft.cli"]


def run(args, tmp_path, **env):
    environment = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"), **env)
    environment.pop("PREFECT_API_URL", None)
    environment["REDRAFT_SERVER_PORT"] = "1"  # never pick up a developer's running server
    return subprocess.run(REDRAFT + args, capture_output=True, text=True, env=environment, timeout=600)


def test_run_writes_every_output_with_progress_lines(tmp_path):
    out = tmp_path / "out"
    result = run(["run", str(SAMPLE), "--out", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Preparing the Prefect engine's database" in result.stderr
    assert "Starting the embedded Prefect engine" in result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["messages"] == 13
    for name in ("tor/redline.docx", "tor/merged.docx", "tor/proposals.docx", "guidance/redline.docx",
                 "resolution.xlsx", "resolution.html", "submissions.csv", "audit.jsonl"):
        assert (out / name).is_file(), name


def test_refused_input_exits_2_with_the_reason(tmp_path):
    bad = tmp_path / "consultation.toml"
    bad.write_text('[consultation]\ntitle = "x"\ndeadline = 2018-08-15\ninbox = "inbox"\n')
    result = run(["run", str(bad), "--out", str(tmp_path / "out")], tmp_path)
    assert result.returncode == 2
    assert "deadline" in result.stderr and "Traceback" not in result.stderr


def test_help_lists_the_commands(tmp_path):
    result = run(["--help"], tmp_path)
    assert result.returncode == 0
    assert "run" in result.stdout and "server" in result.stdout


def test_malformed_decisions_are_refused_with_every_problem_by_row(tmp_path):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("ID,Disposition,Rationale\nILO-001,Not accepted,\nILO-002,Maybe,\n", encoding="utf-8")
    result = run(["run", str(SAMPLE), "--out", str(tmp_path / "out"), "--decisions", str(decisions)], tmp_path)
    assert result.returncode == 2
    assert "row 2 (ILO-001)" in result.stderr and "row 3 (ILO-002)" in result.stderr
    assert "Traceback" not in result.stderr
