"""audit.jsonl: an append-only record of each step, each record chained to the previous one.

Every record carries `seq`, `prev` (sha256 of the previous line) and its own content. A rerun
appends only records whose content is new (same inputs and decisions → nothing appended), so
history is never rewritten and reruns do not duplicate it. Times of recording (`at`) are not
part of a record's identity.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

_VOLATILE = ("seq", "prev", "at")


def _identity(record: dict) -> str:
    content = {k: v for k, v in record.items() if k not in _VOLATILE}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def append_records(path: Path, records: list[dict], now: datetime | None = None) -> int:
    """Append the records not already in the log; returns how many were appended."""
    now = now or datetime.now(timezone.utc)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    known = {_identity(json.loads(line)) for line in lines if line.strip()}
    prev = hashlib.sha256(lines[-1].encode()).hexdigest() if lines else ""
    seq = len(lines)
    new_lines = []
    for record in records:
        ident = _identity(record)
        if ident in known:
            continue
        known.add(ident)
        seq += 1
        full = {"seq": seq, "prev": prev, "at": now.isoformat(timespec="seconds"), **record}
        line = json.dumps(full, sort_keys=False, ensure_ascii=False)
        new_lines.append(line)
        prev = hashlib.sha256(line.encode()).hexdigest()
    if new_lines:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in new_lines))
            handle.flush()
    return len(new_lines)


def verify_chain(path: Path) -> list[str]:
    """Problems in the chain ([] when every record links to the one before)."""
    problems, prev = [], ""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            problems.append(f"line {n}: not valid JSON")
            prev = hashlib.sha256(line.encode()).hexdigest()
            continue
        if record.get("prev") != prev or record.get("seq") != n:
            problems.append(f"line {n} (seq {record.get('seq')}): does not follow the record before it")
        prev = hashlib.sha256(line.encode()).hexdigest()
    return problems
