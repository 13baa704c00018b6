"""Run the consultation flow from a command: engine set-up, progress, and the flow call."""

from __future__ import annotations

import os
from pathlib import Path

from . import engine


def run_consultation(consultation_file: Path, out_dir: Path, decisions: Path | None = None,
                     policy: str = "accept-non-conflicting", say=print, dask: str | None = None) -> dict:
    """Configure Prefect, start the engine if needed (with a progress line), run the flow.

    The consultation file, the inbox (it is opened: folder found, or mail server login), the
    policy and the decisions file are checked first, so a refused input is reported at once,
    before any engine start-up. `dask` ("local" or a scheduler address) runs the submissions
    on a Dask cluster (`runners.task_runner`).
    """
    from .runners import task_runner, worker_settings

    from ..consolidate.decide import Policy
    from ..parsers.consultation import read_consultation
    from ..parsers.decisions import read_decisions

    from ..parsers.mail.inbox import open_inbox

    consultation = read_consultation(consultation_file)
    runner = task_runner(dask)  # the `dask` extra missing, or not an address: say so now
    Policy.parse(policy)
    open_inbox(consultation.inbox, consultation.mailbox).close()  # a wrong address or password: say so now
    if decisions is not None:
        read_decisions(decisions)
    out_dir.mkdir(parents=True, exist_ok=True)
    mode = engine.configure(out_dir / ".redraft" / "prefect-results")
    if mode == "embedded":
        engine.migrate_once(say)
        with engine.progress("Starting the embedded Prefect engine", say):
            from prefect.server.api.server import SubprocessASGIServer

            server = SubprocessASGIServer()
            server.start()
        if runner is not None:  # Dask workers are other processes: they report to this engine
            os.environ["PREFECT_API_URL"] = server.api_url
    else:
        say(f"Using the Prefect server at {os.environ['PREFECT_API_URL']}")
    from .consultation import consultation_flow

    if runner is not None:
        say(f"Reading the submissions on {'a local Dask cluster' if dask == 'local' else 'the Dask cluster at ' + dask}")
        consultation_flow = consultation_flow.with_options(task_runner=runner)
    with engine.quiet_flow_settings(), worker_settings():
        return consultation_flow(str(consultation_file), str(out_dir),
                                 str(decisions) if decisions else None, policy)
