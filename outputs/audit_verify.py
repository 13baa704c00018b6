"""Verify audit.jsonl against its chain and head, and say where and how it was changed.

Each record names its place (`seq`) and the sha256 of the record before it (`prev`); the head
(`.redraft/audit.head`) names the count and sha256 of the last line. From these:

- **edited**: a record's sha256 is not the one its successor (or the head) recorded; a line that
  is no longer JSON, has no seq, or whose seq contradicts the record it links to;
- **deleted**: a seq between 1 and the head's count that no line holds;
- **inserted**: a second line with the same seq (the one whose neighbours link to it is the
  original), or lines past the head's count;
- **reordered**: records out of seq order (a swap names both lines);
- **torn**: an incomplete last line; **discontinuity**: a run found the log changed and said
  so in the log (see `audit.append_records`); **head**: the head file is missing or unreadable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .audit import HEAD, Head, HeadUnreadable, line_hash, read_head, read_log


@dataclass(frozen=True)
class Problem:
    kind: str  # edited | deleted | inserted | reordered | torn | discontinuity | head | missing
    line: int | None  # line number in audit.jsonl (1-based); None when the record is gone
    seq: int | None
    detail: str

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line else []
        if self.seq is not None:
            where.append(f"seq {self.seq}" if not where else f"(seq {self.seq})")
        return f"{' '.join(where) or 'audit log'}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Verification:
    records: int  # complete lines in the log
    head: str  # sha256 of the last line
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()  # recoveries recorded in the log (not problems)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Entry:
    line: int
    hash: str
    record: dict | None
    seq: int | None  # as written
    eff: int | None = None  # the place it holds once obvious edits are accounted for
    why: str = ""


def _parse(number: int, raw: bytes) -> _Entry:
    try:
        record = json.loads(raw.decode("utf-8"))
    except ValueError:
        return _Entry(number, line_hash(raw), None, None, why="no longer a valid JSON record")
    if not isinstance(record, dict):
        return _Entry(number, line_hash(raw), None, None, why="no longer a JSON object")
    seq = record.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        why = "it has no seq any more" if "seq" not in record else f"its seq reads {json.dumps(seq)}"
        return _Entry(number, line_hash(raw), record, None, why=why)
    return _Entry(number, line_hash(raw), record, seq)


class _Report:
    def __init__(self):
        self.problems: dict[tuple, Problem] = {}

    def add(self, kind: str, line: int | None, seq: int | None, detail: str) -> None:
        key = (kind, line, seq) if line else (kind, None, seq, detail)
        self.problems.setdefault(key, Problem(kind, line, seq, detail))

    def sorted(self) -> tuple[Problem, ...]:
        return tuple(sorted(self.problems.values(), key=lambda p: (p.line or 0, p.seq or 0, p.kind)))


def verify_log(path: str | Path, known_head: str = "") -> Verification:
    """Check every link, every place and the head; every problem found, in line order.
    `known_head`: a head sha256 kept elsewhere (printed by an earlier verify), which must
    still be a record of the log — the one check a log rewritten with its head cannot pass."""
    path = Path(path)
    if not path.exists():
        return Verification(0, "", (Problem("missing", None, None, f"there is no {path.name} in {path.parent}"),))
    log = read_log(path)
    report = _Report()
    entries = [_parse(n, raw) for n, raw in enumerate(log.lines, start=1)]
    expected, anchor = _expected(path, log, report)
    if expected is None:
        expected = max([e.seq for e in entries if e.seq] + [len(entries)], default=0)
    _places(entries, report)
    originals = _originals(entries, expected, anchor, report)
    _missing(originals, expected, entries, report)
    _links(originals, expected, anchor, report)
    _order(originals, report)
    notes = []
    for e in originals.values():
        step = (e.record or {}).get("step")
        if step == "discontinuity":
            report.add("discontinuity", e.line, e.eff, "recorded by a run: "
                       + str(e.record.get("note", "the log did not match its head")))
        elif step == "recovered":
            notes.append(f"line {e.line} (seq {e.eff}): {e.record.get('note', 'recovered')} "
                         f"(kept in {e.record.get('kept_in', '?')})")
    if known_head and known_head.strip().lower() not in {e.hash for e in entries}:
        report.add("head", None, None, f"no record has the sha256 {known_head.strip()}: the log was "
                   "rewritten since that head was taken")
    if log.torn:
        report.add("torn", len(entries) + 1, None,
                   f"an incomplete last line ({len(log.torn)} bytes, no newline): a run stopped while "
                   "writing it; the next `redraft run` sets it aside and records that")
    return Verification(len(entries), log.last_hash, report.sorted(), tuple(notes))


def _expected(path: Path, log, report: _Report) -> tuple[int | None, str | None]:
    """(records the head names, sha256 of the last one); (None, None) without a usable head."""
    try:
        head: Head | None = read_head(path)
    except HeadUnreadable as exc:
        report.add("head", None, None, f"{exc}: edits or deletions of the last records cannot be ruled out")
        return None, None
    if head is None:
        if log.lines:
            report.add("head", None, None, f"{HEAD.as_posix()} is missing: edits or deletions of the last "
                       "records cannot be ruled out")
        return None, None
    states = head.states()
    if head.matches(log):
        return len(log.lines), log.last_hash
    return min(states, key=lambda s: abs(s[0] - len(log.lines)))  # the state the log is nearest to


def _places(entries: list[_Entry], report: _Report) -> None:
    """Give each line its place: its seq, unless it links to its predecessor but claims
    another place (its seq was edited), or it has none (guess the next free one)."""
    claimed = {e.seq for e in entries if e.seq}
    for i, e in enumerate(entries):
        pred = entries[i - 1] if i else None
        follows = pred.eff if pred else 0
        links = e.record is not None and e.record.get("prev") == (pred.hash if pred else "")
        if e.seq is None:
            guess = (follows or 0) + 1 if follows is not None else None
            e.eff = guess if guess and guess not in claimed else None
            report.add("edited", e.line, e.eff, e.why)
        elif links and follows is not None and e.seq != follows + 1:
            e.eff = follows + 1
            report.add("edited", e.line, e.eff, f"its seq reads {e.seq} but it follows seq {follows}")
        else:
            e.eff = e.seq


def _originals(entries: list[_Entry], expected: int, anchor: str | None, report: _Report) -> dict[int, _Entry]:
    """One line per place; the others are inserted."""
    by_seq: dict[int, list[_Entry]] = {}
    for e in entries:
        if e.eff is not None:
            by_seq.setdefault(e.eff, []).append(e)
    originals: dict[int, _Entry] = {}
    position = {e.line: i for i, e in enumerate(entries)}
    for seq in sorted(by_seq):
        group = by_seq[seq]
        if len(group) > 1:
            successors = {(s.record or {}).get("prev") for s in by_seq.get(seq + 1, [])}
            if seq == expected and anchor:
                successors.add(anchor)

            def score(e: _Entry) -> tuple:
                i = position[e.line]
                pred_hash = entries[i - 1].hash if i else ""
                return (e.hash in successors, (e.record or {}).get("prev") == pred_hash, -e.line)

            group = sorted(group, key=score, reverse=True)
            for other in group[1:]:
                report.add("inserted", other.line, seq,
                           f"a second record with seq {seq} (the chain runs through line {group[0].line})")
        if seq > expected:
            report.add("inserted", group[0].line, seq,
                       f"after the last record the head names (seq {expected})")
            continue
        originals[seq] = group[0]
    return originals


def _missing(originals: dict[int, _Entry], expected: int, entries: list[_Entry], report: _Report) -> None:
    for seq in range(1, expected + 1):
        if seq in originals:
            continue
        before, after = originals.get(seq - 1), originals.get(seq + 1)
        if seq == expected:
            where = "it was the last record the head names"
        elif before:
            where = f"it stood after line {before.line}"
        elif after:
            where = f"it stood before line {after.line}"
        else:
            where = "its neighbours are gone too"
        report.add("deleted", None, seq, f"no line holds record seq {seq}; {where}")


def _links(originals: dict[int, _Entry], expected: int, anchor: str | None, report: _Report) -> None:
    """Each record's sha256 against the one its successor (or the head) recorded."""
    broken: dict[int, str] = {}
    for seq, e in originals.items():
        after = originals.get(seq + 1)
        if after is not None and after.record is not None:
            if after.record.get("prev") != e.hash:
                broken[seq] = f"its sha256 is not the one line {after.line} (seq {seq + 1}) recorded for it"
        elif seq == expected and anchor is not None and e.hash != anchor:
            broken[seq] = "its sha256 is not the one the head recorded for the last record"
    first = originals.get(1)
    if first is not None and first.record is not None and first.record.get("prev") != "":
        report.add("edited", first.line, 1, "the first record must link to nothing")
    for seq, detail in broken.items():
        if seq + 1 in broken:  # one edit of the next record's `prev` also breaks this link
            detail += f", unless only the link stored in seq {seq + 1} was changed"
        report.add("edited", originals[seq].line, seq, detail)


def _order(originals: dict[int, _Entry], report: _Report) -> None:
    """Records not where their seq puts them (a swap names both lines)."""
    in_file = sorted(originals.values(), key=lambda e: e.line)
    rank = {e.line: j for j, e in enumerate(sorted(in_file, key=lambda e: e.eff))}
    for i, e in enumerate(in_file):
        j = rank[e.line]
        if i != j:
            there = in_file[j]
            report.add("reordered", e.line, e.eff, f"it belongs where line {there.line} (seq {there.eff}) "
                       "stands: records were reordered or swapped")
