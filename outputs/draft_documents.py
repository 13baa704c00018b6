"""What goes into each draft document: the redline, the proposals document, the merged draft.

- redline: the applied changes as tracked changes credited to their proposers; pending
  changes, conflicts and reviewers' comments as Word comments (never as changes);
- proposals: every proposed change as a tracked change (like Word's Combine, all members in
  one pass); alternatives of a conflict, which cannot all be tracked at once, as comments;
- merged: the applied changes, untracked, no comments.
"""

from __future__ import annotations

import itertools

from ..models.changes import APPLYING, Decided, Disposition, Proposal, Source
from .revised_docx import Edit, Note, write_revised

REDRAFT = "redraft"


def describe(p: Proposal) -> str:
    """One line saying what a proposal asks for."""
    if p.new is None:
        return p.comment
    if not p.old:
        return f"insert \u201c{_short(p.new)}\u201d"
    if not p.new:
        return f"delete \u201c{_short(p.old)}\u201d"
    return f"replace \u201c{_short(p.old)}\u201d with \u201c{_short(p.new)}\u201d"


def _short(text: str, limit: int = 300) -> str:
    text = text.replace("\n", " \u00b6 ")
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def applied_edits(decided: list[Decided]) -> tuple[list[Edit], list[Note]]:
    """One edit per applied group result; a note where several members proposed it."""
    edits: dict[tuple, Edit] = {}
    credits: dict[tuple, list[Proposal]] = {}
    for d in decided:
        p = d.proposal
        if d.decision.disposition not in APPLYING or p.start is None:
            continue
        if d.decision.disposition == Disposition.MODIFIED:
            new, author, date = d.decision.modified_text or "", d.decision.by or "Secretariat", d.decision.at
        elif p.new is None:
            continue  # an accepted comment has nothing to apply
        else:
            new, author, date = p.new, p.author, p.date
        key = (p.start, p.end, new)
        credits.setdefault(key, []).append(p)
        if key not in edits:
            edits[key] = Edit(p.start, p.end, new, author, date)
    notes = []
    for key, proposers in credits.items():
        names = sorted({q.author for q in proposers})
        if len(names) > 1:
            ids = ", ".join(q.id for q in proposers)
            notes.append(Note(key[0], key[1], f"Same change proposed by {', '.join(names)} ({ids}).",
                              REDRAFT, None))
    return _without_overlaps(list(edits.values()), notes)


def _without_overlaps(edits: list[Edit], notes: list[Note]) -> tuple[list[Edit], list[Note]]:
    """Safety net: an edit that would overlap an earlier one becomes a comment instead."""
    kept: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        # kept edits never clash, so their ends rise with their starts: only those ending at or
        # after e.start can clash with e (the scan stops there, linear instead of quadratic)
        nearby = itertools.takewhile(lambda k: k.end >= e.start, reversed(kept))
        clash = any(
            (e.start < k.end and k.start < e.end) or (e.start == e.end == k.start == k.end)
            or (e.start == e.end and k.start < e.start < k.end) or (k.start == k.end and e.start < k.start < e.end)
            for k in nearby
        )
        if clash:
            notes.append(Note(e.start, e.end, f"Not applied (overlaps another applied change): "
                              f"{e.author} proposes to put \u201c{_short(e.new)}\u201d here.", REDRAFT, e.date))
        else:
            kept.append(e)
    return kept, notes


def open_notes(decided: list[Decided]) -> list[Note]:
    """Comments for the redline: reviewers' comments, pending changes, conflicts."""
    notes: list[Note] = []
    conflicts_done: set[str] = set()
    for d in decided:
        p, group = d.proposal, d.group
        if p.start is None or d.decision.disposition not in (Disposition.PENDING, Disposition.DEFERRED):
            if p.start is not None and p.new is None and d.decision.disposition == Disposition.NOTED:
                notes.append(Note(p.start, p.end, f"[{p.id}] {p.comment}", p.author, p.date))
            continue
        if group.kind == "conflict" and not p.late:
            if group.id in conflicts_done:
                continue
            conflicts_done.add(group.id)
            lines = [f"Conflict {group.id}: these proposals cannot all be applied; none was."]
            lines += [f"[{q.id}] {q.author}: {describe(q)}" for q in group.proposals]
            notes.append(Note(group.start, group.end, "\n".join(lines), REDRAFT, None))
            continue
        if p.new is None:
            notes.append(Note(p.start, p.end, f"[{p.id}] {p.comment}", p.author, p.date))
        else:
            why = f" ({d.decision.rationale})" if d.decision.rationale else ""
            notes.append(Note(p.start, p.end, f"[{p.id}] Pending{why}: {describe(p)}", p.author, p.date))
    return notes


def redline(draft: bytes, decided: list[Decided]) -> bytes:
    edits, notes = applied_edits(decided)
    return write_revised(draft, edits, notes + open_notes(decided), tracked=True)


def merged(draft: bytes, decided: list[Decided]) -> bytes:
    edits, _ = applied_edits(decided)
    return write_revised(draft, edits, [], tracked=False)


def proposals(draft: bytes, decided: list[Decided]) -> bytes:
    """Every proposal: changes tracked, conflicts' alternatives and comments as comments."""
    edits: dict[tuple, Edit] = {}
    notes: list[Note] = []
    conflicts_done: set[str] = set()
    for d in decided:
        p, group = d.proposal, d.group
        if p.start is None:
            continue
        if p.new is None:
            notes.append(Note(p.start, p.end, f"[{p.id}] {p.comment}", p.author, p.date))
        elif group.kind == "conflict":
            if group.id not in conflicts_done:
                conflicts_done.add(group.id)
                lines = [f"Conflict {group.id}: alternatives"]
                lines += [f"[{q.id}] {q.author}: {describe(q)}" for q in group.proposals]
                notes.append(Note(group.start, group.end, "\n".join(lines), REDRAFT, None))
        else:
            key = (p.start, p.end, p.new)
            if key not in edits:
                edits[key] = Edit(p.start, p.end, p.new, p.author, p.date)
            if p.source == Source.EMAIL or p.late:
                label = "from the e-mail text" if p.source == Source.EMAIL else "late"
                notes.append(Note(p.start, p.end, f"[{p.id}] {label}: {describe(p)}", p.author, p.date))
    kept, notes = _without_overlaps(list(edits.values()), notes)
    return write_revised(draft, kept, notes, tracked=True)
