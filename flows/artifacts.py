"""What a run shows in Prefect's UI: the resolution table and a summary, as artifacts.

One table artifact per document (key `resolution-<document key>`, the rows as in
resolution.csv) and one markdown artifact (key `redraft-summary`): messages per status,
late and held submissions, conflicts per document, rows per disposition (and per round
status in a later round). Artifacts live in Prefect's database only, never in the output
folder, so outputs stay byte-identical across reruns. The content is built by plain
functions (`table_rows`, `summary_markdown`); only `publish_artifacts` talks to Prefect.
"""

from __future__ import annotations

import re

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from ..models.resolution import COLUMNS, DISPOSITIONS, ResolutionTable
from ..models.submission import Status, SubmissionRecord

SUMMARY_KEY = "redraft-summary"
_NOT_KEY = re.compile(r"[^a-z0-9-]+")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|#~!])")


def table_key(document: str) -> str:
    """The artifact key of a document's table: lowercase letters, digits and dashes."""
    return "resolution-" + (_NOT_KEY.sub("-", document.lower()).strip("-") or "document")


def table_rows(table: ResolutionTable, document: str) -> list[dict[str, str]]:
    """A document's rows, keyed by the resolution table's column headings."""
    return [{heading: getattr(row, name) for name, heading in COLUMNS} for row in table.rows_for(document)]


def md(text: object) -> str:
    """Text shown literally in markdown: one line, no markup, no HTML."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_table(headings: list[str], lines: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(md(h) for h in headings) + " |", "|" + "---|" * len(headings)]
    out += ["| " + " | ".join(md(c) for c in line) + " |" for line in lines]
    return out


def _submissions(records: list[SubmissionRecord], status: Status) -> list[str]:
    rows = [r for r in records if r.kind == "message" and r.status == status]
    if not rows:
        return ["None."]
    return [f"- {md(r.organisation or r.sender or 'unknown sender')} ({md(r.sender)}), received "
            f"{md(r.received.isoformat(timespec='minutes') if r.received else 'unknown')}, "
            f"{md(r.source)}: {md(r.reason)}" for r in rows]


def summary_markdown(table: ResolutionTable, summary: dict, records: list[SubmissionRecord]) -> str:
    """The run's summary: counts, late and held submissions, conflicts, dispositions."""
    lines = [f"# {md(table.title)}", ""]
    rounds = summary.get("rounds") or {}
    if set(rounds.get("by_status", {})) - {"new"}:
        lines += [f"## Round {md(rounds['round'])}, against the earlier round", ""]
        lines += _md_table(["Round status", "Rows"], [[s, n] for s, n in rounds["by_status"].items()]) + [""]
    lines += ["## Messages", ""]
    lines += _md_table(["Status", "Messages"], [[s, n] for s, n in summary.get("messages_by_status", {}).items()])
    lines += ["", f"Total: {summary.get('messages', 0)} messages, {summary.get('attachments', 0)} attachments.", ""]
    lines += ["## Late submissions", ""] + _submissions(records, Status.LATE) + [""]
    lines += ["## Held submissions (sender not on the members list)", ""] + _submissions(records, Status.HELD) + [""]
    documents = summary.get("documents", {})
    lines += ["## Conflicts per document", ""]
    lines += _md_table(["Document", "Title", "Proposals", "Applied", "Conflicts"],
                       [[k, table.documents.get(k, ""), documents.get(k, {}).get("proposals", 0),
                         documents.get(k, {}).get("applied", 0), documents.get(k, {}).get("conflicts", 0)]
                        for k in table.document_keys()]) + [""]
    keys = table.document_keys()
    seen = {r.disposition or "Pending" for r in table.rows}
    order = [d for d in DISPOSITIONS if d in seen] + sorted(seen - set(DISPOSITIONS))
    lines += ["## Rows per disposition", ""]
    lines += _md_table(["Disposition", *keys, "Total"],
                       [[d, *(sum(1 for r in table.rows_for(k) if (r.disposition or "Pending") == d) for k in keys),
                         sum(1 for r in table.rows if (r.disposition or "Pending") == d)] for d in order])
    lines += [f"| **Total** | {' | '.join(str(len(table.rows_for(k))) for k in keys)} | {len(table.rows)} |", ""]
    return "\n".join(lines)


@task(name="publish-artifacts", cache_policy=NO_CACHE)
def publish_artifacts(table: ResolutionTable, summary: dict, records: list[SubmissionRecord]) -> list[str]:
    """Create the artifacts of this flow run; the keys created."""
    keys = []
    for document in table.document_keys():
        key = table_key(document)
        create_table_artifact(table_rows(table, document), key=key,
                              description=f"Comment-resolution table: {table.documents.get(document) or document}")
        keys.append(key)
    create_markdown_artifact(summary_markdown(table, summary, records), key=SUMMARY_KEY,
                             description=f"redraft run summary: {table.title}")
    keys.append(SUMMARY_KEY)
    return keys

