"""`redraft serve` and `redraft trigger`: one Prefect deployment per consultation.

`serve` registers the deployment `redraft-consultation/<slug>` (the flow of
`flows/scheduled.py`), puts its runs on the server's calendar as ordinary flow runs in a
Scheduled state — the run at deadline + grace, and the `every` runs up to `until` — and
executes them in this process with a Prefect `Runner` (one run at a time). `trigger` (another
process, or the UI's "Run" button) creates one more run of the same deployment.

Why explicit scheduled runs and not a deployment schedule (docs/architecture.md): a run at one
instant is what is wanted, to the second; Prefect's schedule objects (Interval, Cron, RRule)
describe series and are expanded by the server's scheduler only into the future, so a
deadline that passed while `serve` was stopped would never run. Each run created here carries
an idempotency key (slug + time), so restarting `serve` never adds a second one; runs that no
longer match the file (a deadline extended, `every` changed) are deleted while still Scheduled.

A deployment needs a Prefect API that other processes reach: PREFECT_API_URL if set (it must
answer), else a `redraft server` on REDRAFT_SERVER_PORT, else `serve` starts
`prefect server start` on that port itself as a child process and stops it on exit.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..models.consultation import Consultation
from ..models.notices import Refusal
from . import engine

FLOW_NAME = "redraft-consultation"  # = flows/scheduled.FLOW_NAME (kept here: no Prefect import)
SCHEDULE_TAG = "redraft-schedule"  # runs `serve` put on the calendar (the only ones it deletes)
TRIGGER_TAG = "redraft-trigger"
HORIZON = timedelta(days=7)  # `every` runs are created this far ahead, topped up hourly
REPLAN_SECONDS = 3600
SERVER_START_TIMEOUT = 240.0


class ServeRefused(Refusal):
    """No Prefect API to register on or to trigger through, or no deployment for the file."""


@dataclass(frozen=True)
class PlannedRun:
    when: datetime
    kind: str  # "deadline" | "every"


def deployment_slug(consultation: Consultation) -> str:
    """A stable name: the title in lower-case words, plus 6 hex of the file's path (unique)."""
    words = re.sub(r"[^a-z0-9]+", "-", consultation.title.lower()).strip("-")[:48].rstrip("-")
    source = str(Path(consultation.source).resolve()) if consultation.source else consultation.title
    return f"{words or 'consultation'}-{hashlib.sha256(source.encode()).hexdigest()[:6]}"


def deployment_name(consultation: Consultation) -> str:
    return f"{FLOW_NAME}/{deployment_slug(consultation)}"


def planned_runs(consultation: Consultation, now: datetime, horizon: timedelta = HORIZON) -> list[PlannedRun]:
    """The run at deadline + grace (even if past: it runs at once), then every `every` from
    now to `until` (at most `horizon` ahead), on times aligned on deadline + grace."""
    schedule = consultation.schedule
    first = consultation.deadline + schedule.grace
    runs = [PlannedRun(first, "deadline")]
    if schedule.every and schedule.until:
        end = min(schedule.until, now + horizon)
        when = first + -((first - now) // schedule.every) * schedule.every  # the first aligned time >= now
        while when <= end:
            if when != first:
                runs.append(PlannedRun(when, "every"))
            when += schedule.every
    return runs


def run_key(slug: str, run: PlannedRun) -> str:
    return f"redraft-serve {slug} {run.when.astimezone(timezone.utc).isoformat()}"


# --- the Prefect API: use one, or start one -------------------------------------------------

def api_for_serve(log_dir: Path, say) -> subprocess.Popen | None:
    """Make PREFECT_API_URL name a server that answers; returns the child server we started."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        if not _wait_for(configured, 30.0):
            raise ServeRefused(f"PREFECT_API_URL is {configured}, which does not answer: start that Prefect "
                               "server, or unset PREFECT_API_URL to let `redraft serve` start one here")
        say(f"Using the Prefect server at {configured}")
        return None
    if engine.server_reachable(engine.LOCAL_API):
        os.environ["PREFECT_API_URL"] = engine.LOCAL_API
        say(f"Using the Prefect server at {engine.LOCAL_API}")
        return None
    say(f"`redraft serve` needs a Prefect server that `redraft trigger` and the UI can reach; none "
        f"answers at {engine.LOCAL_API}, so it starts one (stopped when serve stops). "
        f"UI: http://127.0.0.1:{engine.SERVER_PORT}")
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / "prefect-server.log", "ab")
    # its own session, so a Ctrl+C or SIGTERM to serve's group reaches serve first and serve stops the
    # runner before the server; it also gets SIGTERM should serve die without cleaning up (Linux)
    child = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                              "--port", str(engine.SERVER_PORT)], stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=dict(os.environ), start_new_session=True,
                             preexec_fn=_die_with_parent)
    log.close()
    with engine.progress("Starting the Prefect server (first start prepares its database, ~30 s)", say):
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not engine.server_reachable(engine.LOCAL_API):
            if child.poll() is not None or time.monotonic() > deadline:
                stop_child(child)
                raise ServeRefused(f"the Prefect server did not start on port {engine.SERVER_PORT} (is the port "
                                   f"taken? set REDRAFT_SERVER_PORT); its log: {log_dir / 'prefect-server.log'}")
            time.sleep(0.5)
    os.environ["PREFECT_API_URL"] = engine.LOCAL_API
    return child


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: serve's own clean-up stops it
        pass


def stop_child(child: subprocess.Popen | None) -> None:
    if child is None or child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait(timeout=10)


def _wait_for(api_url: str, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while not engine.server_reachable(api_url, timeout=2.0):
        if time.monotonic() > end:
            return False
        time.sleep(1.0)
    return True


# --- serve -----------------------------------------------------------------------------------

def serve(consultation_file: Path, out_dir: Path, policy: str = "accept-non-conflicting",
          decisions: Path | None = None, say=print) -> int:
    """Register the deployment, put its runs on the calendar and run them until stopped (SIGINT,
    SIGTERM); returns 0, or 1 when the Prefect server it started stopped by itself."""
    consultation = _check_inputs(consultation_file, policy, decisions)
    out_dir = out_dir.absolute()
    out_dir.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below (Runner takes over later)
    engine.configure(out_dir / ".redraft" / "prefect-results")
    child = api_for_serve(out_dir / ".redraft", say)
    try:
        parameters = {"consultation_file": str(Path(consultation_file).absolute()), "out_dir": str(out_dir),
                      "policy": policy, "decisions_file": str(decisions.absolute()) if decisions else None}
        return asyncio.run(_serve(consultation, parameters, child, say))
    except KeyboardInterrupt:
        return 0
    finally:
        stop_child(child)
        say("redraft serve stopped.")


async def _serve(consultation: Consultation, parameters: dict, child, say) -> int:
    import anyio
    from prefect.client.orchestration import get_client
    from prefect.deployments.runner import EntrypointType
    from prefect.runner import Runner

    from .scheduled import scheduled_flow

    slug = deployment_slug(consultation)
    deployment = await scheduled_flow.ato_deployment(
        name=slug, parameters=parameters, entrypoint_type=EntrypointType.MODULE_PATH, tags=["redraft"],
        description=f"{consultation.title} (deadline {consultation.deadline.isoformat()}): "
                    f"{parameters['consultation_file']} into {parameters['out_dir']}")
    stop = asyncio.Event()

    class ServeRunner(Runner):
        def handle_sigterm(self, *args) -> None:  # Runner's own handler waits on the API: stop at once
            loop.call_soon_threadsafe(stop.set)

    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    runner = ServeRunner(name=f"redraft-serve-{slug}", limit=1, pause_on_shutdown=False)
    deployment_id = await runner.aadd_deployment(deployment)
    say(f"Deployment {FLOW_NAME}/{slug} registered; outputs go to {parameters['out_dir']}/<start time>/ "
        f"and {parameters['out_dir']}/latest. `redraft trigger {parameters['consultation_file']}` runs it now.")
    started = datetime.now(timezone.utc)
    async with get_client() as client:
        new = await reconcile(client, deployment_id, consultation, slug, started)
    zone = consultation.deadline.tzinfo
    for run in new:
        say(f"Scheduled: {run.kind} run at {run.when.astimezone(zone).isoformat()}")
    if not new:
        first = consultation.deadline + consultation.schedule.grace
        say(f"The run at deadline + grace ({first.astimezone(zone).isoformat()}) was made before; nothing to add.")

    server_gone = False
    async with anyio.create_task_group() as group:
        async def run_then_stop():
            await runner.start()
            stop.set()

        async def watch_server():
            nonlocal server_gone
            if child is None:  # someone else's server: its outages are retried by _watch
                return
            while child.poll() is None:
                await anyio.sleep(2)
            server_gone = True
            say("redraft: the Prefect server this serve started has stopped; stopping too")
            stop.set()

        group.start_soon(run_then_stop)
        group.start_soon(watch_server)
        group.start_soon(_watch, deployment_id, consultation, slug, started, parameters["out_dir"], say)
        await stop.wait()
        group.cancel_scope.cancel()
    return 1 if server_gone else 0


async def reconcile(client, deployment_id, consultation: Consultation, slug: str, now: datetime) -> list[PlannedRun]:
    """Create the planned runs (idempotent); delete our Scheduled runs the file no longer plans."""
    from prefect.client.schemas.filters import (FlowRunFilter, FlowRunFilterDeploymentId, FlowRunFilterState,
                                                FlowRunFilterStateType, FlowRunFilterTags)
    from prefect.client.schemas.objects import StateType
    from prefect.states import Scheduled

    plan = planned_runs(consultation, now)
    wanted = {run_key(slug, run) for run in plan}
    waiting = await client.read_flow_runs(flow_run_filter=FlowRunFilter(
        deployment_id=FlowRunFilterDeploymentId(any_=[deployment_id]),
        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
        tags=FlowRunFilterTags(all_=[SCHEDULE_TAG])))
    for run in waiting:
        if run.idempotency_key not in wanted:
            await client.delete_flow_run(run.id)
    new = []
    for run in plan:
        created = await client.create_flow_run_from_deployment(
            deployment_id, state=Scheduled(scheduled_time=run.when), idempotency_key=run_key(slug, run),
            tags=[SCHEDULE_TAG], name=f"{run.kind} run")
        if created.state and created.state.is_scheduled():
            new.append(run)
    return new


async def _watch(deployment_id, consultation: Consultation, slug: str, started: datetime, out_dir: str, say):
    """Say when a run ends; top up the `every` runs once an hour."""
    import anyio
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterDeploymentId, FlowRunFilterEndTime

    seen: set = set()
    last_plan = time.monotonic()
    while True:
        await anyio.sleep(5)
        try:
            async with get_client() as client:
                if time.monotonic() - last_plan > REPLAN_SECONDS:
                    await reconcile(client, deployment_id, consultation, slug, datetime.now(timezone.utc))
                    last_plan = time.monotonic()
                ended = await client.read_flow_runs(flow_run_filter=FlowRunFilter(
                    deployment_id=FlowRunFilterDeploymentId(any_=[deployment_id]),
                    end_time=FlowRunFilterEndTime(after_=started)))
        except Exception as exc:  # noqa: BLE001 - the API went away for a moment: say so, keep serving
            say(f"(Prefect API not answering: {type(exc).__name__}; retrying)")
            continue
        for run in ended:
            if run.id in seen or not run.state or not run.state.is_final():
                continue
            seen.add(run.id)
            if run.state.is_completed():
                say(f"Run {run.name} completed: {out_dir}/{run.name} (now {out_dir}/latest)")
            else:
                say(f"Run {run.name} {run.state.name.lower()}: {run.state.message or ''}")


def _check_inputs(consultation_file: Path, policy: str, decisions: Path | None) -> Consultation:
    """What `redraft run` checks first, so a refused input is reported before any start-up."""
    from ..consolidate.decide import Policy
    from ..parsers.consultation import read_consultation
    from ..parsers.decisions import read_decisions
    from ..parsers.mail.inbox import open_inbox

    consultation = read_consultation(consultation_file)
    Policy.parse(policy)
    open_inbox(consultation.inbox, consultation.mailbox).close()
    if decisions is not None:
        read_decisions(decisions)
    return consultation


# --- trigger ---------------------------------------------------------------------------------

def trigger(consultation_file: Path, policy: str | None = None, decisions: Path | None = None,
            wait: bool = True, say=print) -> str:
    """Start one more run of the consultation's deployment; returns the run's folder (or id)."""
    from ..parsers.consultation import read_consultation

    consultation = read_consultation(consultation_file)
    name = deployment_name(consultation)
    api = os.environ.get("PREFECT_API_URL") or engine.LOCAL_API
    if not engine.server_reachable(api, timeout=2.0):
        raise ServeRefused(f"no Prefect server answers at {api}, so no `redraft serve` is running for this "
                           f"consultation: start `redraft serve {consultation_file}` first (set PREFECT_API_URL or "
                           "REDRAFT_SERVER_PORT if it uses another server)")
    os.environ["PREFECT_API_URL"] = api
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return asyncio.run(_trigger(name, consultation_file, policy, decisions, wait, say))


async def _trigger(name: str, consultation_file: Path, policy, decisions, wait: bool, say) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import DeploymentStatus
    from prefect.exceptions import ObjectNotFound

    async with get_client() as client:
        try:
            deployment = await client.read_deployment_by_name(name)
        except ObjectNotFound:
            raise ServeRefused(f"no deployment {name} is registered at {os.environ['PREFECT_API_URL']}: start "
                               f"`redraft serve {consultation_file}` first") from None
        if deployment.status != DeploymentStatus.READY:
            raise ServeRefused(f"the deployment {name} is registered but no `redraft serve` is running for it: "
                               f"start `redraft serve {consultation_file}` (the run would wait until then)")
        overrides = {}
        if policy:
            overrides["policy"] = policy
        if decisions:
            overrides["decisions_file"] = str(Path(decisions).absolute())
        run = await client.create_flow_run_from_deployment(deployment.id, parameters=overrides, tags=[TRIGGER_TAG])
        say(f"Started a run of {name} (flow run {run.id}).")
        if not wait:
            return str(run.id)
        hinted = False
        begun = time.monotonic()
        while True:
            await asyncio.sleep(2)
            run = await client.read_flow_run(run.id)
            if run.state and run.state.is_final():
                break
            if not hinted and run.state and run.state.is_scheduled() and time.monotonic() - begun > 60:
                say("Still waiting for `redraft serve` to pick the run up (it runs one at a time).")
                hinted = True
        out_dir = (deployment.parameters or {}).get("out_dir", "")
        if not run.state.is_completed():
            raise RunFailed(f"the run {run.name} ended {run.state.name}: {run.state.message or ''}")
        folder = str(Path(out_dir) / run.name)
        say(f"Run completed: {folder}")
        return folder


class RunFailed(Exception):
    """The triggered run ended in a state other than Completed (the reason is in its message)."""
