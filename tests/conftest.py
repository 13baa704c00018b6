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
