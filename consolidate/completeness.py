"""Is the resolution table complete? What reviewers check (GUIDE §6), as plain functions.

Over the table's rows (`ResolutionRow`) and the audit log's records (dicts as in audit.jsonl):

- rows without a disposition (Pending or blank);
- "Not accepted" without a rationale;
- counts per source that do not reconcile with what was extracted: per Word file (its
  sha256), the changes and comments of the `extracted` record against the table's rows (a
  row with a proposed change is a change, any other a comment); per e-mail, the items read
  from its text against the "e-mail text" rows of the same sender, time received and draft. A
  copy `superseded` by a later one is not expected in the table; rows carried over from an
  earlier round's table (round status resolved / withdrawn / carried) are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable

from ..models.resolution import ResolutionRow

EARLIER_ROUND = ("resolved", "withdrawn", "carried")
UNDECIDED, NO_RATIONALE, UNRECONCILED = "undecided", "no_rationale", "unreconciled"


@dataclass(frozen=True)
class Problem:
    kind: str  # UNDECIDED | NO_RATIONALE | UNRECONCILED
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.detail}"


@dataclass(frozen=True)
class Report:
    rows: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def of(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]

    def counts(self) -> dict[str, int]:
        """The figures for summary.json (`check`)."""
        return {"rows": self.rows, UNDECIDED: len(self.of(UNDECIDED)),
                NO_RATIONALE: len(self.of(NO_RATIONALE)), UNRECONCILED: len(self.of(UNRECONCILED)),
                "problems": len(self.problems)}


def check(rows: Iterable[ResolutionRow], audit: Iterable[dict]) -> Report:
    rows = list(rows)
    return Report(len(rows), tuple(undecided(rows) + missing_rationale(rows) + unreconciled(rows, audit)))


def _where(row: ResolutionRow) -> str:
    return f"{row.document} {row.id}" + (f" (section {row.section})" if row.section else "")


def undecided(rows: Iterable[ResolutionRow]) -> list[Problem]:
    return [Problem(UNDECIDED, _where(r), f"no disposition ({r.disposition.strip() or 'blank'})")
            for r in rows if r.disposition.strip() in ("", "Pending")]


def missing_rationale(rows: Iterable[ResolutionRow]) -> list[Problem]:
    return [Problem(NO_RATIONALE, _where(r), "'Not accepted' without a rationale")
            for r in rows if r.disposition.strip().casefold() == "not accepted" and not r.rationale.strip()]


def _minute(text: str) -> str:
    """A time to the minute in UTC (the table shows minutes, the log seconds)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.replace(second=0, microsecond=0).isoformat()


def _expected(audit: Iterable[dict]) -> tuple[dict, dict]:
    """What the log says was extracted: (counts by source key, display name by key)."""
    received: dict[str, dict] = {}
    files: dict[tuple, tuple[int, int]] = {}
    names: dict[tuple, str] = {}
    texts: dict[str, tuple[str, int]] = {}  # message_id -> (document, items); the last record wins
    superseded = set()
    for record in audit:
        step = record.get("step")
        if step == "received":
            received[record.get("message_id", "")] = record
        elif step == "extracted" and record.get("sha256"):
            key = ("file", record["sha256"], record.get("document", ""))
            files[key] = (int(record.get("changes", 0)), int(record.get("comments", 0)))
            names[key] = f"{record.get('file') or record['sha256'][:12]} ({key[2]})"
        elif step == "extracted":
            texts[record.get("message_id", "")] = (record.get("document", ""), int(record.get("items", 0)))
        elif step == "superseded":
            superseded.add(("file", record.get("sha256", ""), record.get("document", "")))
    for key in superseded:
        files.pop(key, None)
    for message_id, (document, items) in texts.items():
        head = received.get(message_id, {})
        key = ("text", head.get("sender", ""), document, _minute(head.get("received", "")))
        files[key] = (files.get(key, (0, 0))[0] + items, 0)
        names[key] = f"e-mail text from {key[1] or message_id} received {head.get('received', '?')} ({document})"
    return files, names


def unreconciled(rows: Iterable[ResolutionRow], audit: Iterable[dict]) -> list[Problem]:
    """Sources whose rows in the table do not add up to what was extracted from them."""
    expected, names = _expected(audit)
    found: dict[tuple, list[int]] = {}
    for row in rows:
        if row.round_status in EARLIER_ROUND:
            continue
        if row.file_sha256:
            key = ("file", row.file_sha256, row.document)
            names.setdefault(key, f"{row.file or row.file_sha256[:12]} ({row.document})")
            counts = found.setdefault(key, [0, 0])
            counts[0 if row.proposed.strip() else 1] += 1
        elif row.source == "e-mail text":
            key = ("text", row.submitter, row.document, _minute(row.received))
            names.setdefault(key, f"e-mail text from {row.submitter} received {row.received} ({row.document})")
            found.setdefault(key, [0, 0])[0] += 1
    problems = []
    for key in sorted(set(expected) | set(found)):
        want, have = expected.get(key), tuple(found.get(key, (0, 0)))
        if want == have:
            continue
        if want is None:
            detail = f"{sum(have)} row(s) in the table, but the audit log records no extraction from it"
        elif key[0] == "file":
            detail = (f"{want[0]} change(s) and {want[1]} comment(s) extracted, "
                      f"{have[0]} and {have[1]} in the table")
        else:
            detail = f"{want[0]} item(s) extracted, {have[0]} in the table"
        problems.append(Problem(UNRECONCILED, names[key], detail))
    return problems
