"""Prepare the Prefect engine before `prefect` is imported (GUIDE §5, measured figures).

- a `redraft server` (or PREFECT_API_URL) that answers is used: no start-up cost;
- otherwise the embedded engine: a temporary API server on SQLite in this process. Its
  database is migrated up front (once per Prefect version) with a progress line, the start-up
  timeout is raised (the default 20 s fails 1 fresh run in 3), analytics are off.
The flow heartbeat (~0.85 s per flow call) is switched off around each call by
`quiet_flow_settings()`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import urllib.request
from pathlib import Path

SERVER_PORT = int(os.environ.get("REDRAFT_SERVER_PORT", "4200"))
LOCAL_API = f"http://127.0.0.1:{SERVER_PORT}/api"


def server_reachable(api_url: str, timeout: float = 0.5) -> bool:
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def configure(results_dir: Path) -> str:
    """Set Prefect's environment; returns "server" or "embedded"."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ["PREFECT_LOCAL_STORAGE_PATH"] = str(results_dir)
    if os.environ.get("PREFECT_API_URL"):
        return "server"
    if server_reachable(LOCAL_API):
        os.environ["PREFECT_API_URL"] = LOCAL_API
        return "server"
    return "embedded"


def migrate_once(say=print) -> None:
    """Migrate the embedded engine's database once per Prefect version (with a progress line)."""
    import prefect
    from prefect.settings import PREFECT_HOME

    marker = Path(PREFECT_HOME.value()) / f".redraft-migrated-{prefect.__version__}"
    if marker.exists():
        return
    with progress("Preparing the Prefect engine's database (first run only, ~30 s)", say):
        import anyio
        from prefect.server.database.alembic_commands import alembic_upgrade
        from prefect.utilities.asyncutils import run_sync_in_worker_thread

        anyio.run(run_sync_in_worker_thread, alembic_upgrade)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()


@contextlib.contextmanager
def quiet_flow_settings():
    """No heartbeat thread for our synchronous flow calls (PrefectHQ/prefect#19641)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@contextlib.contextmanager
def progress(message: str, say=print):
    """A spinner on a terminal, a plain line otherwise, and the time it took."""
    start = time.monotonic()
    done = threading.Event()
    tty = sys.stderr.isatty()

    def spin():
        frames = "|/-\\"
        n = 0
        while not done.wait(0.2):
            sys.stderr.write(f"\r{frames[n % 4]} {message} … {time.monotonic() - start:4.0f} s")
            sys.stderr.flush()
            n += 1

    thread = threading.Thread(target=spin, daemon=True) if tty else None
    if thread:
        thread.start()
    else:
        say(f"{message} …")
    try:
        yield
    finally:
        done.set()
        if thread:
            thread.join()
            sys.stderr.write("\r" + " " * (len(message) + 16) + "\r")
        say(f"{message}: done in {time.monotonic() - start:.1f} s")
