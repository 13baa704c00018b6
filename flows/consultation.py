"""The Prefect flow: reads like the table of contents of a run.

Task boundaries where they pay: the mailbox fetch, each submission (cached on the bytes of
the message and drafts, so reruns reuse parsed results), each draft's consolidation and
documents, the tables. The work itself is in `flows/stages.py` and the wings it calls.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.utilities.annotations import quote

from .. import __version__
from ..consolidate.decide import Policy
from ..consolidate.ids import read_registry, registry
from ..models.changes import APPLYING
from ..models.intake import InboxRefused, InboxUnavailable
from ..models.notices import Refusal
from ..outputs import draft_documents
from ..outputs.audit import append_records
from ..outputs.files import write_atomic
from ..outputs.outbox import run_record_json
from ..outputs.resolution_csv import write_resolution_csv
from ..outputs.resolution_docx import write_resolution_docx
from ..outputs.resolution_html import write_resolution_html
from ..outputs.resolution_xlsx import write_resolution_xlsx
from ..outputs.submissions_csv import submissions_csv
from ..parsers.consultation import read_consultation
from ..parsers.decisions import DecisionsRefused, read_decisions, unknown_ids
from . import stages
from .artifacts import publish_artifacts
from .reuse import ResultCache
from .runners import Batch, batch_count, batches

WORK = ".redraft"  # the run's work dir inside the output dir: attachments by sha256, task results


# redraft's own packages (pyproject.toml installs these folders as `redraft.*`)
PACKAGE_DIRS = ("redraft", "models", "parsers", "ooxml", "analysis", "consolidate", "outputs", "flows")


def code_fingerprint() -> str:
    """Hash of redraft's own source, so cached task results never outlive a code change.
    Only the package folders: a virtualenv inside the checkout is not redraft's code (hashing
    it read 92 MB of site-packages at every start)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for folder in PACKAGE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


_FINGERPRINT = code_fingerprint()


def _rules_key(consultation, drafts) -> str:
    """What every submission's result depends on: the code, the drafts' bytes, the rules."""
    parts = [_FINGERPRINT, *(d.sha256 for d in drafts.values()),
             *(doc.sha256 for d in drafts.values() for _, doc in d.previous),
             repr(consultation.members), repr(consultation.secretariat), consultation.deadline.isoformat()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _submission_key(message, records, rules: str) -> str:
    """Cache key: the message's bytes, its accounting rows (all that the task copies into the
    rows it returns, the source included), and `_rules_key`."""
    parts = [rules, getattr(message, "sha256", ""),
             *(f"{r.kind}:{r.source}:{r.sha256}:{r.status.value}:{r.reason}:{r.received}:{r.organisation}"
               for r in records)]
    return "submission-" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _retry_when_unavailable(task, task_run, state) -> bool:
    """Retry the fetch only when the server could not be reached or dropped the connection."""
    try:
        state.result()
    except InboxUnavailable:
        return True
    except BaseException:  # noqa: BLE001 - any other failure is final
        return False
    return False


@task(name="fetch-inbox", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10],
      retry_condition_fn=_retry_when_unavailable)
def fetch_inbox(consultation, work: Path):
    return stages.fetch(consultation, work)


@task(name="flag-processed", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10],
      retry_condition_fn=_retry_when_unavailable)
def flag_processed(consultation, messages) -> int:
    return stages.mark_processed(consultation, messages)


@task(name="read-submissions", cache_policy=NO_CACHE)
def read_submissions(batch: Batch, work: Path):
    """A batch of (message, its rows, its key); each one's result is kept in the work dir by
    its key (see `reuse`), so reruns reuse it however the batches are cut."""
    cache = ResultCache(work / "submissions")
    return [cache.get_or_make(key, stages.process_submission, m, rows, batch.consultation, batch.drafts)
            for m, rows, key in batch.items]


@task(name="consolidate-draft", cache_policy=NO_CACHE)
def consolidate_draft(key, proposals, policy, decisions, decided_at, draft):
    return stages.consolidate(key, proposals, policy, decisions, decided_at, draft)


@task(name="write-draft-documents", cache_policy=NO_CACHE)
def write_draft_documents(draft: stages.Draft, decided, out_dir: Path) -> dict[str, str]:
    folder = out_dir / draft.key
    written = {}
    for name, build in (("redline.docx", draft_documents.redline), ("merged.docx", draft_documents.merged),
                        ("proposals.docx", draft_documents.proposals)):
        written[f"{draft.key}/{name}"] = write_atomic(folder / name, build(draft.data, decided))
    return written


@task(name="write-tables", cache_policy=NO_CACHE)
def write_tables(table, records, timestamp: datetime, out_dir: Path) -> dict[str, str]:
    from ..outputs.files import sha256_file

    write_resolution_xlsx(table, out_dir / "resolution.xlsx", timestamp)
    write_resolution_docx(table, out_dir / "resolution.docx", timestamp)
    write_resolution_html(table, out_dir / "resolution.html")
    write_resolution_csv(table, out_dir / "resolution.csv")
    written = {name: sha256_file(out_dir / name) for name in
               ("resolution.xlsx", "resolution.docx", "resolution.html", "resolution.csv")}
    written["submissions.csv"] = write_atomic(out_dir / "submissions.csv", submissions_csv(records))
    return written


class DecisionsProblem(Refusal):
    """The decisions file contradicts the run (unknown IDs, two alternatives accepted)."""


@flow(name="redraft-consultation", log_prints=False)
def consultation_flow(consultation_file: str, out_dir: str, decisions_file: str | None = None,
                      policy: str = "accept-non-conflicting") -> dict:
    """From the inbox to the redline, merged draft, proposals and resolution table.

    Large arguments go to tasks `quote`d: Prefect would otherwise walk every object in them
    (a draft's model, thousands of proposals) on each call to find futures."""
    consultation = read_consultation(Path(consultation_file))
    out = Path(out_dir)
    work = out / WORK
    chosen_policy = Policy.parse(policy)
    decisions, decided_at = None, None
    if decisions_file:
        decisions_path = Path(decisions_file)
        decisions = read_decisions(decisions_path).by_id()
        decided_at = datetime.fromtimestamp(decisions_path.stat().st_mtime, timezone.utc).replace(microsecond=0)

    drafts = stages.load_drafts(consultation)
    entries = fetch_inbox(consultation, work)
    messages, records = stages.intake(consultation, work / "attachments", entries)
    del entries
    per_message = stages.split_records(messages, records)
    runner = FlowRunContext.get().task_runner  # threads by default; Dask with `redraft run --dask`
    rules = _rules_key(consultation, drafts)  # keys made here: a worker's code may be another's
    keyed = [(m, rows, _submission_key(m, rows, rules)) for m, rows in zip(messages, per_message)]
    futures = [read_submissions.submit(Batch(batch, consultation, drafts), work)
               for batch in batches(keyed, batch_count(runner))]
    results = [r for f in futures for r in f.result()]
    stages.supersede(results)
    records = [row for result in results for row in result.records]
    # IDs given before (`consolidate.ids`): by earlier runs into this folder, else by the run
    # whose table is the decisions file (so its rows keep their IDs in a new folder)
    ids_file = work / "ids.json"
    given = [ids_file] + ([Path(decisions_file).parent / WORK / "ids.json"] if decisions_file else [])
    known = read_registry(next((f.read_bytes() for f in given if f.is_file()), None))
    proposals = stages.identify([p for result in results for p in result.proposals], drafts, known)
    proposals, earlier = stages.match_round(consultation, proposals, records, drafts, known)  # `previous_round`

    if decisions is not None:
        problems = unknown_ids(read_decisions(Path(decisions_file)),
                               [p.id for p in proposals] + (earlier.carried_ids if earlier else []))
        if problems:
            raise DecisionsRefused("The decisions file does not match this run:\n" +
                                   "\n".join(f"- {p}" for p in problems), problems)

    decided, problems = [], []
    for key in drafts:
        mine = [p for p in proposals if p.document == key]
        d, pr = consolidate_draft(key, quote(mine), chosen_policy, quote(stages.round_decisions(decisions, earlier)),
                                  decided_at, quote(drafts[key]))
        decided += d
        problems += pr
    if problems:
        raise DecisionsRefused("The decisions file cannot be applied:\n" + "\n".join(f"- {p}" for p in problems),
                               problems)

    written: dict[str, str] = {}
    for key, draft in drafts.items():
        written.update(write_draft_documents(quote(draft), quote([d for d in decided if d.proposal.document == key]),
                                             out))
    table = stages.resolution_table(consultation, drafts, decided, earlier, decisions, decided_at)
    written.update(write_tables(quote(table), quote(records), consultation.deadline, out))
    summary = stages.summary(records, decided, dict(sorted(written.items())), table)
    summary["check"] = stages.completeness(table, audit_records(results, decided, {}))
    written["summary.json"] = write_atomic(out / "summary.json", stages.summary_json(summary))
    run_file = work / "run.json"  # for `redraft send`
    write_atomic(run_file, run_record_json(consultation, datetime.now(timezone.utc), written,
                                           run_file.read_bytes() if run_file.is_file() else None))
    write_atomic(ids_file, registry(proposals, known))
    append_records(out / "audit.jsonl", audit_records(results, decided, written))
    publish_artifacts(quote(table), quote(summary), quote(records))  # Prefect UI only: nothing written to `out`
    try:
        summary["flagged"] = flag_processed(consultation, quote(messages))
    except InboxRefused as refusal:  # the outputs are complete; the next run reads these again
        summary["flagged"] = 0
        summary["flag_problem"] = refusal.reason
    return summary


def audit_records(results, decided, written: dict[str, str]) -> list[dict]:
    """received / extracted (from the stages), superseded (a copy whose extracted proposals
    were dropped), then per proposal located, decided, applied; written."""
    records = [r for result in results for r in result.audit]
    records += [{"step": "superseded", "message_id": row.message_id, "sha256": row.sha256,
                 "document": row.document, "reason": row.reason}
                for result in results for row in result.records[1:] if row.status == "superseded"]
    for d in decided:
        p, dec = d.proposal, d.decision
        records.append({"step": "located", "id": p.id, "document": p.document, "section": p.section,
                        "block": p.block_id, "located_by": p.located_by, "start": p.start, "end": p.end})
        records.append({"step": "decided", "id": p.id, "document": p.document, "group": d.group.id,
                        "disposition": dec.disposition.value, "by": dec.by,
                        "when": dec.at.isoformat() if dec.at else "", "rationale": dec.rationale})
        if dec.disposition in APPLYING and p.start is not None and (p.new is not None or dec.modified_text):
            records.append({"step": "applied", "id": p.id, "document": p.document, "start": p.start,
                            "end": p.end, "old": p.old,
                            "new": dec.modified_text if dec.modified_text else p.new})
    for name, sha in sorted(written.items()):
        records.append({"step": "written", "path": name, "sha256": sha})
    return records
