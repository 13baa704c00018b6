"""The flow `redraft serve` deploys: one run of the consultation flow in its own dated folder.

`OUT/<start time>/` (e.g. `OUT/2018-08-15T200000+0200/`: the run's start in the deadline's
UTC offset, no colons, so names sort in time order on every file system) holds the outputs
exactly as `redraft run --out` writes them: the existing `consultation_flow` is called as a
subflow. Each folder has its own `.redraft/` (its audit head, run record, IDs) in which the
stores keyed by content — `mail` (kept for `fetch = "new"`), `attachments` (by sha256),
`submissions` (parsed results) — are links to one shared `OUT/.redraft/<store>`, so a run
reuses what earlier runs fetched and parsed; `ids.json` is copied from the latest run, so IDs
stay the same from run to run. After a completed run, `OUT/latest` (a relative symlink) and
`OUT/LATEST` (a text file naming the folder, for systems without symlinks) point to it; both
are replaced atomically. A failed run leaves them on the last completed one.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow

from ..outputs.files import write_atomic
from ..parsers.consultation import read_consultation
from .consultation import WORK, consultation_flow

FLOW_NAME = "redraft-consultation"  # the deployment is FLOW_NAME/<slug> (flows/deployment.py)
FOLDER_FORMAT = "%Y-%m-%dT%H%M%S%z"  # 2018-08-15T200000+0200
LATEST_LINK = "latest"
LATEST_FILE = "LATEST"
SHARED_STORES = ("mail", "attachments", "submissions")  # keyed by content: one for every run
CARRIED_FILES = ("ids.json",)  # copied from the latest run into the next


def folder_name(when: datetime, zone) -> str:
    """A run folder's name: `when` (to the second) in the deadline's zone, sortable, no colons."""
    return when.astimezone(zone).replace(microsecond=0).strftime(FOLDER_FORMAT)


def make_run_folder(out: Path, when: datetime, zone) -> Path:
    """Create OUT/<name>; two runs in the same second get `-2`, `-3`, … (still sortable)."""
    out.mkdir(parents=True, exist_ok=True)
    base = folder_name(when, zone)
    for n in range(1, 1000):
        folder = out / (base if n == 1 else f"{base}-{n}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise RuntimeError(f"more than 999 runs started at {base}")  # pragma: no cover


def prepare_work_dir(folder: Path, out: Path) -> None:
    """FOLDER/.redraft with links to the shared stores and the latest run's IDs."""
    work = folder / WORK
    work.mkdir(exist_ok=True)
    for name in SHARED_STORES:
        (out / WORK / name).mkdir(parents=True, exist_ok=True)
        try:
            os.symlink(Path("..") / ".." / WORK / name, work / name, target_is_directory=True)
        except OSError:  # no symlinks here: the run still works, reading everything afresh
            pass
    previous = latest_folder(out)
    for name in CARRIED_FILES:
        if previous is not None and (previous / WORK / name).is_file():
            shutil.copy2(previous / WORK / name, work / name)


def latest_folder(out: Path) -> Path | None:
    """The folder of the latest completed run, from OUT/LATEST."""
    try:
        name = (out / LATEST_FILE).read_text().strip()
    except OSError:
        return None
    return out / name if name and "/" not in name and (out / name).is_dir() else None


def point_latest(out: Path, folder: Path) -> None:
    """Make OUT/latest and OUT/LATEST name `folder`, each replaced in one atomic rename."""
    write_atomic(out / LATEST_FILE, (folder.name + "\n").encode())
    tmp = out / f".{LATEST_LINK}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        os.symlink(folder.name, tmp, target_is_directory=True)
        os.replace(tmp, out / LATEST_LINK)
    except OSError:  # no symlinks (or `latest` is a real folder): LATEST still says it
        tmp.unlink(missing_ok=True)


def _not_before_its_time() -> None:
    """Prefect rounds a scheduled run's wait to the nearest second, so it may begin up to
    0.5 s early: a deadline run must never read the inbox before the deadline."""
    from prefect.runtime import flow_run

    planned = flow_run.scheduled_start_time
    early = (planned - datetime.now(timezone.utc)).total_seconds() if planned else 0
    if 0 < early < 60:
        time.sleep(early)


def _name_flow_run(name: str) -> None:
    """Name this flow run after its folder, so the UI's run list reads like OUT/."""
    from prefect.client.orchestration import get_client
    from prefect.runtime import flow_run

    run_id = flow_run.get_id()
    if run_id:
        with get_client(sync_client=True) as client:
            client.update_flow_run(run_id, name=name)


@flow(name=FLOW_NAME, log_prints=False)
def scheduled_flow(consultation_file: str, out_dir: str, policy: str = "accept-non-conflicting",
                   decisions_file: str | None = None) -> dict:
    """One run of the consultation into OUT/<start time>/, then OUT/latest points to it."""
    consultation = read_consultation(Path(consultation_file))
    out = Path(out_dir)
    _not_before_its_time()
    folder = make_run_folder(out, datetime.now(timezone.utc), consultation.deadline.tzinfo)
    prepare_work_dir(folder, out)
    _name_flow_run(folder.name)
    summary = consultation_flow(consultation_file=consultation_file, out_dir=str(folder),
                                decisions_file=decisions_file, policy=policy)
    point_latest(out, folder)
    return {"folder": folder.name, "messages": summary.get("messages")}
