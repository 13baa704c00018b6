"""audit.jsonl: an append-only record of each step, each record chained to the previous one.

Every record carries `seq`, `prev` (sha256 of the previous line) and its own content. A rerun
appends only records whose content is new (same inputs and decisions → nothing appended), so
history is never rewritten and reruns do not duplicate it. Times of recording (`at`) are not
part of a record's identity.

The chain alone cannot tell that the *last* records were edited or deleted, so a head file
(`.redraft/audit.head` beside the log) holds the count and sha256 of the last line. An append
never leaves a torn line: the whole new log is written to a temp file and renamed over the
old one, in three atomic steps — head with the new state as `pending`, log, head committed —
so a crash at any point leaves a log that matches the head's committed or pending state.

Before appending, the log is compared with its head. A torn last line (left by an older
version's crash) is set aside in `.redraft/audit.torn-<sha>` and a `recovered` record says
so; a log that does not match its head (edited, cut, extended outside redraft, head lost) is
never silently re-anchored: a `discontinuity` record saying what was found is appended first,
and `redraft audit verify` reports it from then on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .files import write_atomic

_VOLATILE = ("seq", "prev", "at")
HEAD = Path(".redraft") / "audit.head"  # relative to the log's folder


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def head_path(log: Path) -> Path:
    return Path(log).parent / HEAD


@dataclass(frozen=True)
class LogFile:
    """The log's complete lines (bytes, without the newline) and any torn tail."""

    lines: list[bytes]
    torn: bytes = b""

    @property
    def last_hash(self) -> str:
        return line_hash(self.lines[-1]) if self.lines else ""


def read_log(path: Path) -> LogFile:
    """Split on "\\n" only (JSON may hold U+2028 and other characters splitlines() splits on)."""
    raw = Path(path).read_bytes() if Path(path).exists() else b""
    parts = raw.split(b"\n")
    return LogFile(parts[:-1], parts[-1])


@dataclass(frozen=True)
class Head:
    count: int
    sha256: str
    pending: tuple[int, str] | None = None  # the state an interrupted append was writing

    def states(self) -> list[tuple[int, str]]:
        return [(self.count, self.sha256)] + ([self.pending] if self.pending else [])

    def matches(self, log: LogFile) -> bool:
        return (len(log.lines), log.last_hash) in self.states()


class HeadUnreadable(ValueError):
    """The head file exists but is not what redraft writes."""


def read_head(log: Path) -> Head | None:
    """The head of the log at `log`, or None when there is no head file."""
    path = head_path(log)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pending = data.get("pending")
        return Head(int(data["count"]), str(data["sha256"]),
                    (int(pending["count"]), str(pending["sha256"])) if pending else None)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise HeadUnreadable(f"{HEAD.as_posix()} is not a head file ({exc})") from None


def _write_head(log: Path, count: int, sha: str, pending: tuple[int, str] | None = None) -> None:
    data = {"count": count, "sha256": sha}
    if pending:
        data["pending"] = {"count": pending[0], "sha256": pending[1]}
    write_atomic(head_path(log), (json.dumps(data) + "\n").encode())


def _identity(record: dict) -> str:
    content = {k: v for k, v in record.items() if k not in _VOLATILE}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _known(lines: list[bytes]) -> set[str]:
    known = set()
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            known.add(_identity(record))
    return known


def _repairs(path: Path, log: LogFile) -> list[dict]:
    """Records that say what was wrong with the log before this append (see module doc)."""
    notes: list[dict] = []
    if log.torn:
        sha = line_hash(log.torn)
        kept = head_path(path).parent / f"audit.torn-{sha[:12]}"
        if not kept.exists():
            write_atomic(kept, log.torn)
        notes.append({"step": "recovered", "torn_line_bytes": len(log.torn), "torn_line_sha256": sha,
                      "kept_in": f"{HEAD.parent.as_posix()}/{kept.name}",
                      "note": "an incomplete last line (a run stopped while writing it) was set aside"})
    unreadable = ""
    try:
        head = read_head(path)
    except HeadUnreadable as exc:
        head, unreadable = None, str(exc)
    if not log.lines and head is None and not unreadable:
        return notes  # a new log
    problem = unreadable or (f"no {HEAD.as_posix()} was found" if head is None else "the log does not match its head")
    if head is None or not head.matches(log):
        found = {"records": len(log.lines), "last_sha256": log.last_hash}
        if head is not None:
            found["head"] = {"count": head.count, "sha256": head.sha256}
        notes.append({"step": "discontinuity", "found": found,
                      "note": f"{problem} when this run began: records before this one may have been "
                              "changed, cut or added outside redraft"})
    return notes


def append_records(path: Path, records: list[dict], now: datetime | None = None) -> int:
    """Append the records not already in the log; returns how many were appended."""
    path = Path(path)
    now = now or datetime.now(timezone.utc)
    log = read_log(path)
    known = _known(log.lines)
    prev, seq = log.last_hash, len(log.lines)
    new_lines: list[bytes] = []
    fresh = []
    for record in records:
        ident = _identity(record)
        if ident not in known:
            known.add(ident)
            fresh.append(record)
    notes = _repairs(path, log) if fresh or log.torn else []
    for record in notes + fresh:
        seq += 1
        full = {"seq": seq, "prev": prev, "at": now.isoformat(timespec="seconds"), **record}
        line = json.dumps(full, sort_keys=False, ensure_ascii=False).encode()
        new_lines.append(line)
        prev = line_hash(line)
    if not new_lines:
        return 0
    before = (len(log.lines), log.last_hash)
    _write_head(path, *before, pending=(seq, prev))
    write_atomic(path, b"".join(line + b"\n" for line in log.lines + new_lines))
    _write_head(path, seq, prev)
    return len(fresh)


def verify_chain(path: Path) -> list[str]:
    """Problems in the log and its head ([] when intact); see `audit_verify.verify_log`."""
    from .audit_verify import verify_log

    return [str(p) for p in verify_log(path).problems]
