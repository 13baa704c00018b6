"""Where the per-submission work runs: Prefect's thread pool (default) or a Dask cluster.

    runner = task_runner("local")            # a 2-worker local Dask cluster (processes)
    runner = task_runner("tcp://host:8786")  # an existing Dask scheduler
    consultation_flow.with_options(task_runner=runner)(...)

Submissions are sent in batches, never one task per comment (nor per submission at scale):
Prefect costs ~7 ms per task on threads and ~130 ms on Dask (GUIDE §5), so `batches` cuts
the messages into `batch_count` batches: about `PER_WORKER` per Dask worker, one per core on
threads. A remote cluster's workers must see
the same files as the flow (the drafts and the run's work dir: a shared file system).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import re

from ..models.notices import Refusal

LOCAL = "local"
LOCAL_WORKERS = 2  # this 2-core machine; processes, so the GIL does not serialise reading
PER_WORKER = 4  # batches per worker: enough to balance uneven copies, few enough to be cheap
INSTALL_HINT = "pip install 'redraft[dask]'"
_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[\w.\-\[\]:]*:\d+/?$", re.IGNORECASE)


class DaskUnavailable(Refusal):
    """`--dask` was asked for but prefect-dask is not installed."""


class DaskAddressRefused(Refusal):
    """`--dask ADDRESS` names no Dask scheduler address."""


def is_address(value: str) -> bool:
    """Whether `value` reads as a Dask scheduler address (tcp://host:8786, host:8786)."""
    return bool(_ADDRESS.match(value)) or "://" in value


def task_runner(dask: str | None):
    """None for Prefect's default runner; else a `DaskTaskRunner` for `dask` ("local" or an
    address). Refused (exit 2) when the `dask` extra is missing or the address is not one."""
    if not dask:
        return None
    if dask != LOCAL and not is_address(dask):
        raise DaskAddressRefused(f"--dask takes a scheduler address such as tcp://host:8786 (or nothing, "
                                 f"for a local cluster), not '{dask}'")
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise DaskUnavailable(f"--dask needs the optional Dask support: {INSTALL_HINT}") from None
    runner = _flushing(DaskTaskRunner)
    if dask == LOCAL:
        return runner(cluster_kwargs={"n_workers": LOCAL_WORKERS, "threads_per_worker": 1,
                                      "processes": True, "dashboard_address": ":0"})
    return runner(address=dask)


def _flushing(base):
    """`DaskTaskRunner` whose workers send their last Prefect events and logs when the run's
    client leaves (else a worker's sender threads keep it alive until its nanny kills it)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class FlushPrefect(WorkerPlugin):
        name = "redraft-flush-prefect"

        async def teardown(self, worker) -> None:  # on the worker's event loop: flush from a thread
            await asyncio.to_thread(flush_prefect)

    class FlushingDaskTaskRunner(base):
        def __enter__(self):
            super().__enter__()
            self.client.register_plugin(FlushPrefect())
            return self

    return FlushingDaskTaskRunner


def flush_prefect(timeout: float = 10) -> None:
    """Send what Prefect's event and log threads still hold, and stop them."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=timeout)
    EventsWorker.drain_all(timeout=timeout)


@contextlib.contextmanager
def worker_settings():
    """The API address in Prefect's settings as well as the environment: a Dask worker gets
    the flow's settings with each task, and without the address it would start an engine of
    its own instead of reporting to the flow's."""
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        yield
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: url}):
        yield


def batch_count(runner) -> int:
    """How many batches to cut the submissions into: about `PER_WORKER` per Dask worker thread
    (uneven copies balance out); one per core on Prefect's thread pool, whose threads share
    one GIL, so more batches would only run at once and hold more parsed copies in memory."""
    if _is_dask(runner):
        return PER_WORKER * max(1, sum(runner.client.nthreads().values()))
    cores = os.cpu_count() or 1
    return max(1, min(getattr(runner, "_max_workers", None) or cores, cores))


def _is_dask(runner) -> bool:
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        return False
    return isinstance(runner, DaskTaskRunner)


def batches(items: list, count: int) -> list[list]:
    """`items` cut into at most `count` consecutive batches of (nearly) equal size."""
    if not items:
        return []
    size = math.ceil(len(items) / max(1, count))
    return [items[i:i + size] for i in range(0, len(items), size)]


class Batch:
    """One task's work — (message, its rows, its cache key) with the consultation and the drafts —
    as a single value Prefect does not walk into: collecting task inputs from a 46-page
    draft's model costs ~0.1 s per submit, and `quote` does not survive prefect-dask."""

    __slots__ = ("items", "consultation", "drafts")

    def __init__(self, items: list, consultation, drafts: dict):
        self.items, self.consultation, self.drafts = items, consultation, drafts

    def __getstate__(self):
        return self.items, self.consultation, self.drafts

    def __setstate__(self, state):
        self.items, self.consultation, self.drafts = state
