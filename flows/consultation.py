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

from .. import __version__
from ..consolidate.decide import Policy
from ..models.changes import APPLYING
from ..models.intake import InboxRefused, InboxUnavailable
from ..models.notices import Refusal
from ..outputs import draft_documents
from ..outputs.audit import append_records
from ..outputs.files import write_atomic
from ..outputs.resolution_csv import write_resolution_csv
from ..outputs.resolution_docx import write_resolution_docx
from ..outputs.resolution_html import write_resolution_html
from ..outputs.resolution_xlsx import write_resolution_xlsx
from ..outputs.submissions_csv import submissions_csv
from ..parsers.consultation import read_consultation
from ..parsers.decisions import DecisionsRefused, read_decisions, unknown_ids
from . import stages

WORK = ".redraft"  # the run's work dir inside the output dir: attachments by sha256, task results


def code_fingerprint() -> str:
    """Hash of redraft's own source, so cached task results never outlive a code change."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(root.glob("*/**/*.py")):
        if "tests" not in path.parts and "samples" not in path.parts and "benchmarks" not in path.parts:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_FINGERPRINT = code_fingerprint()


def _submission_key(context, parameters) -> str:
    """Cache key: the message's bytes, the drafts' bytes, its accounting rows (all that the
    task copies into the rows it returns, the source included), the rules."""
    message, records, consultation, drafts = (parameters[k] for k in ("message", "records", "consultation", "drafts"))
    parts = [_FINGERPRINT, getattr(message, "sha256", ""), *(d.sha256 for d in drafts.values()),
             *(doc.sha256 for d in drafts.values() for _, doc in d.previous),
             *(f"{r.kind}:{r.source}:{r.sha256}:{r.status.value}:{r.reason}:{r.received}:{r.organisation}"
               for r in records),
             repr(consultation.members), repr(consultation.secretariat), consultation.deadline.isoformat()]
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


@task(name="read-submission", cache_key_fn=_submission_key, persist_result=True)
def read_submission(message, records, consultation, drafts):
    return stages.process_submission(message, records, consultation, drafts)


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
    """From the inbox to the redline, merged draft, proposals and resolution table."""
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
    futures = [read_submission.submit(m, rows, consultation, drafts) for m, rows in zip(messages, per_message)]
    results = [f.result() for f in futures]
    stages.supersede(results)
    records = [row for result in results for row in result.records]
    proposals = stages.identify([p for result in results for p in result.proposals], drafts)

    if decisions is not None:
        problems = unknown_ids(read_decisions(Path(decisions_file)), [p.id for p in proposals])
        if problems:
            raise DecisionsRefused("The decisions file does not match this run:\n" +
                                   "\n".join(f"- {p}" for p in problems), problems)

    decided, problems = [], []
    for key in drafts:
        mine = [p for p in proposals if p.document == key]
        d, pr = consolidate_draft(key, mine, chosen_policy, decisions, decided_at, drafts[key])
        decided += d
        problems += pr
    if problems:
        raise DecisionsRefused("The decisions file cannot be applied:\n" + "\n".join(f"- {p}" for p in problems),
                               problems)

    written: dict[str, str] = {}
    for key, draft in drafts.items():
        written.update(write_draft_documents(draft, [d for d in decided if d.proposal.document == key], out))
    table = stages.resolution_table(consultation, drafts, decided)
    written.update(write_tables(table, records, consultation.deadline, out))
    summary = stages.summary(records, decided, dict(sorted(written.items())))
    written["summary.json"] = write_atomic(out / "summary.json", stages.summary_json(summary))
    append_records(out / "audit.jsonl", audit_records(results, decided, written))
    try:
        summary["flagged"] = flag_processed(consultation, messages)
    except InboxRefused as refusal:  # the outputs are complete; the next run reads these again
        summary["flagged"] = 0
        summary["flag_problem"] = refusal.reason
    return summary


def audit_records(results, decided, written: dict[str, str]) -> list[dict]:
    """received / extracted (from the stages), decided, applied, written."""
    records = [r for result in results for r in result.audit]
    for d in decided:
        p, dec = d.proposal, d.decision
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
