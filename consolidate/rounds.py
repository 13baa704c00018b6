"""Round-over-round tracking: this round's comments against the earlier round's table.

A comment of this round *repeats* an earlier row when both are on the same document, by the
same member organisation, and they propose the same change ("Proposed change"), or say the
same thing (the comment, white space, case and quotes aside), or say strongly similar
things (rapidfuzz ratio ≥ `SIMILAR`) at the same section. Offsets are never compared: the
earlier round commented on another draft. Matching is one to one, exact matches first.

Round status of every row of this round's table:

- `new` — not in the earlier round; numbered after the earlier round's IDs of its member;
- `repeated` — raised again: keeps the earlier ID, and the earlier disposition, rationale,
  decided by and at, unless this round's decisions file says otherwise;
- `resolved` — an earlier row not raised again whose disposition was final: listed as it
  was (carried from the earlier round, never applied again);
- `withdrawn` — an earlier row still open (Pending / Deferred) that its member did not raise
  again although the member commented in this round: disposition Withdrawn;
- `carried` — an earlier row still open whose member sent nothing this round: listed as it
  was, still open.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable

from rapidfuzz import fuzz

from ..models.changes import APPLYING, Decided, Disposition, Proposal
from ..models.resolution import DISPOSITIONS, ROUND_STATUSES, ResolutionRow, ResolutionTable
from .ids import assign_ids
from .resolution import _proposed

SIMILAR = 90  # rapidfuzz ratio (0-100) on normalised text, at the same section
FINAL = frozenset({"Accepted", "Accepted with modification", "Not accepted", "Noted", "Duplicate",
                   "Out of scope", "Withdrawn"})
STATUSES = ROUND_STATUSES
_CANONICAL = {d.casefold(): d for d in DISPOSITIONS}
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
_GENERATED = "Word author: "  # the comment cell of a tracked change (consolidate.extract)


@dataclass(frozen=True)
class CarriedDecision:
    """An earlier round's decision on a repeated comment, offered to `decide` like a row of
    the decisions file (same attributes), with who decided it and when."""

    id: str
    disposition: str
    rationale: str
    modified_text: str
    duplicate_of: str
    by: str
    at: datetime | None
    where: str


@dataclass(frozen=True)
class RoundMatch:
    """This round against the earlier one."""

    number: int  # this round's number
    proposals: tuple[Proposal, ...]  # this round's proposals, repeated ones with their earlier ID
    repeated: dict  # ID -> the earlier row it repeats
    carried: tuple[ResolutionRow, ...]  # earlier rows not raised again, with their round status

    @property
    def carried_ids(self) -> list[str]:
        return [row.id for row in self.carried]


def round_number(earlier: Iterable[ResolutionRow]) -> int:
    """The earlier table's highest Round, plus one (2 when it does not say)."""
    numbers = [int(r.round) for r in earlier if r.round.strip().isdigit()]
    return (max(numbers) if numbers else 1) + 1


def normalise(text: str) -> str:
    """Text as compared: NFKC, straight quotes, case and white space folded, no end punctuation."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).casefold()
    return " ".join(text.split()).strip(" .;,:!?")


def _comment(text: str) -> str:
    """The member's own words of a comment cell: generated lines and notes left out."""
    if text.startswith(_GENERATED) or text.startswith("Note: "):
        return ""
    return normalise(text.split("\nNote: ", 1)[0])


@dataclass(frozen=True)
class _Said:
    document: str
    organisation: str
    section: str
    proposed: str
    comment: str


def _said_row(row: ResolutionRow) -> _Said:
    return _Said(row.document, normalise(row.organisation), normalise(row.section or "General"),
                 normalise(row.proposed), _comment(row.comment))


def _said_proposal(p: Proposal) -> _Said:
    return _Said(p.document, normalise(p.organisation or p.author), normalise(p.section or "General"),
                 normalise(_proposed(p)), _comment(p.comment))


def _exact_proposal(a: _Said, b: _Said) -> float:
    return 100.0 if a.proposed and a.proposed == b.proposed else 0.0


def _exact_comment(a: _Said, b: _Said) -> float:
    return 100.0 if a.comment and a.comment == b.comment else 0.0


def _similar(a: _Said, b: _Said) -> float:
    if a.section != b.section:
        return 0.0
    scores = [fuzz.ratio(x, y) for x, y in ((a.proposed, b.proposed), (a.comment, b.comment)) if x and y]
    best = max(scores, default=0.0)
    return best if best >= SIMILAR else 0.0


def match_rows(proposals: list[Proposal], earlier: tuple[ResolutionRow, ...]) -> dict[int, ResolutionRow]:
    """Index of a proposal -> the earlier row it repeats (one to one; exact proposal, exact comment,
    then the most similar text at the same section)."""
    said = [(p, _said_proposal(p)) for p in proposals]
    rows = [(r, _said_row(r)) for r in earlier]
    matched: dict[int, ResolutionRow] = {}
    used: set[int] = set()
    for score in (_exact_proposal, _exact_comment, _similar):
        for n, (p, a) in enumerate(said):
            if n in matched:
                continue
            best, best_at = 0.0, -1
            for i, (row, b) in enumerate(rows):
                if i in used or a.document != b.document or a.organisation != b.organisation:
                    continue
                s = score(a, b)
                if s > best:
                    best, best_at = s, i
            if best_at >= 0:
                matched[n] = rows[best_at][0]
                used.add(best_at)
    return matched


def earlier_ids(matched: dict[int, ResolutionRow], proposals: list[Proposal],
                earlier: tuple[ResolutionRow, ...]) -> dict[str, tuple[str, str]]:
    """Pins for `consolidate.ids.assign_ids` (its `known`): each repeated proposal keeps its
    earlier ID, and every earlier ID is reserved, so a new comment is numbered after all
    the earlier round's IDs of its member and no ID ever means two things."""
    pins = {f"earlier-round:{row.id}": (row.id, row.organisation) for row in earlier}
    for n, row in matched.items():
        p = proposals[n]
        pins[p.key] = (row.id, p.organisation or p.author)
    return pins


def disposition_of(row: ResolutionRow) -> str:
    """The row's disposition, canonical spelling; blank or unknown reads as Pending."""
    return _CANONICAL.get(" ".join(row.disposition.split()).casefold(), "Pending")


def carried_rows(earlier: tuple[ResolutionRow, ...], raised: set[str], submitted: set[str],
                 number: int) -> tuple[ResolutionRow, ...]:
    """Earlier rows not raised again (IDs not in `raised`), each with its round status;
    `submitted` holds the (normalised) organisations that commented in this round."""
    out = []
    for row in earlier:
        if row.id in raised:
            continue
        if disposition_of(row) in FINAL:
            out.append(replace(row, round_status="resolved"))
        elif normalise(row.organisation) in submitted:
            note = f"not raised again in round {number} although {row.organisation} commented in it"
            out.append(replace(row, round_status="withdrawn", disposition=Disposition.WITHDRAWN.value,
                               rationale=note + (f" (was {disposition_of(row)}: {row.rationale})"
                                                 if row.rationale else ""),
                               decided_by=f"round {number}", decided_at=""))
        else:
            out.append(replace(row, round_status="carried"))
    return tuple(out)


def match_round(proposals: list[Proposal], earlier: tuple[ResolutionRow, ...], submitted: Iterable[str],
                doc_order: dict[str, int], known: dict[str, tuple[str, str]] | None = None) -> RoundMatch:
    """This round's proposals (with their keys) against the earlier table, numbered again
    (`assign_ids` with `known`, this folder's IDs, and the earlier round's pins);
    `submitted`: the organisations that sent anything this round."""
    number = round_number(earlier)
    matched = match_rows(proposals, earlier)
    reserved = {row.id for row in earlier}  # an earlier run into this folder may not pin them
    known = {k: v for k, v in (known or {}).items() if v[0] not in reserved}
    renumbered = assign_ids(proposals, doc_order, {**known, **earlier_ids(matched, proposals, earlier)})
    given = {p.key: p.id for p in renumbered}
    repeated = {row.id: row for n, row in matched.items() if given.get(proposals[n].key) == row.id}
    who = {normalise(s) for s in submitted} | {normalise(p.organisation or p.author) for p in proposals}
    who.discard("")
    return RoundMatch(number, tuple(renumbered), repeated,
                      carried_rows(earlier, set(repeated), who, number))


def _at(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def earlier_decisions(match: RoundMatch, proposals: Iterable[Proposal]) -> dict[str, CarriedDecision]:
    """The earlier decisions to carry onto repeated proposals (ID -> decision). Pending is no
    decision (this round's policy decides), and an earlier acceptance is carried only onto a
    proposal placed on this round's draft."""
    placed = {p.id for p in proposals if p.start is not None}
    out = {}
    for pid, row in match.repeated.items():
        disposition = disposition_of(row)
        if disposition == "Pending" or (Disposition(disposition) in APPLYING and pid not in placed):
            continue
        if disposition == "Accepted with modification" and not row.modified_text:
            continue
        out[pid] = CarriedDecision(pid, disposition, row.rationale, row.modified_text, row.duplicate_of,
                                   row.decided_by, _at(row.decided_at), f"round {match.number - 1} table ({pid})")
    return out


def _says_otherwise(decision, carried: CarriedDecision | ResolutionRow) -> bool:
    """Whether a decisions-file row changes what the earlier round decided."""
    if decision is None or decision.disposition in ("", "Pending"):
        return False
    return (decision.disposition, decision.rationale, decision.modified_text, decision.duplicate_of) != (
        carried.disposition, carried.rationale, carried.modified_text, carried.duplicate_of)


def with_earlier(decisions: dict | None, carried: dict[str, CarriedDecision]) -> dict:
    """The decisions `decide` applies: the earlier round's, then this round's file on top."""
    merged = dict(carried)
    for pid, decision in (decisions or {}).items():
        if pid not in carried or _says_otherwise(decision, carried[pid]):
            merged[pid] = decision
    return merged


def restore_earlier(decided: list[Decided], merged: dict) -> list[Decided]:
    """Carried decisions keep who decided them and when (`decide` credits the secretariat)."""
    for d in decided:
        source = merged.get(d.proposal.id)
        if isinstance(source, CarriedDecision) and d.decision.disposition.value == source.disposition:
            d.decision = replace(d.decision, by=source.by, at=source.at)
    return decided


def mark_table(table: ResolutionTable, match: RoundMatch, decisions: dict | None = None,
               decided_by: str = "Secretariat", decided_at: str = "") -> ResolutionTable:
    """This round's rows marked new / repeated with this round's number, then the earlier rows
    not raised again (a decisions-file row may change their disposition, nothing more)."""
    rows = [replace(r, round=str(match.number), round_status="repeated" if r.id in match.repeated else "new")
            for r in table.rows]
    for row in match.carried:
        decision = (decisions or {}).get(row.id)
        if _says_otherwise(decision, row):
            row = replace(row, disposition=decision.disposition, rationale=decision.rationale,
                          modified_text=decision.modified_text, duplicate_of=decision.duplicate_of,
                          decided_by=decided_by, decided_at=decided_at)
        rows.append(row)
    order = {key: n for n, key in enumerate(table.documents)}
    rows.sort(key=lambda r: order.get(r.document, len(order)))  # stable: this round's rows first
    return ResolutionTable(title=table.title, documents=table.documents, rows=tuple(rows))


def count_statuses(table: ResolutionTable) -> dict[str, int]:
    """Rows per round status, in `STATUSES` order (statuses with no row left out)."""
    counts = {s: 0 for s in STATUSES}
    for row in table.rows:
        counts[row.round_status or "new"] = counts.get(row.round_status or "new", 0) + 1
    return {s: n for s, n in counts.items() if n}
