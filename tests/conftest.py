"""Shared fixtures: one Prefect test harness for the whole session (flow tests only)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "alliance87" / "consultation.toml"
SHARED = ROOT.parent / "shared"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """A real Prefect API on a fresh SQLite database, started once (costs ~20-35 s)."""
    os.environ["PREFECT_LOCAL_STORAGE_PATH"] = str(tmp_path_factory.mktemp("prefect-results"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=240):
        yield
        _flush_prefect_senders()


@pytest.fixture(scope="session")
def consultation_run(prefect_harness):
    """`run(consultation, out, decisions=None, policy=..., task_runner=None, return_state=False)`:
    one real flow run on the session's Prefect harness (the summary, or the final state)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from redraft.flows.consultation import consultation_flow

    def run(consultation: Path, out: Path, decisions: Path | None = None,
            policy: str = "accept-non-conflicting", task_runner=None, return_state: bool = False):
        flow = consultation_flow if task_runner is None else consultation_flow.with_options(task_runner=task_runner)
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            return flow(str(consultation), str(out), str(decisions) if decisions else None, policy,
                        return_state=return_state)

    return run


def _flush_prefect_senders():
    """Stop log and event workers before the harness goes (else exit can hang ~75 s)."""
    try:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=10)
        EventsWorker.drain_all(timeout=10)
    except Exception:  # pragma: no cover - best effort on older/newer Prefect versions
        pass
from libreoffice import libreoffice  # noqa: E402,F401  (session fixture: headless LibreOffice reader)
from dovecot import dovecot  # noqa: E402,F401  (session fixture: a throwaway IMAP server)
