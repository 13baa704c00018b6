"""Decide every proposal: the policy first, then the secretariat's decisions file on top.

Policies:
- `accept-non-conflicting` (default): a tracked change or clean-copy change from an on-time
  submission, placed on text the copy shares with the draft and not in conflict with another
  member's change, is Accepted; identical changes are applied once. Everything else —
  conflicts, Word comments, e-mail-text proposals, late submissions — stays Pending.
- `accept-none`: everything Pending.
- `accept-all-from=CONSTITUENCY,...`: like the default, for those constituencies only.

A decisions file (the resolution table filled in) overrides the policy row by row; a
decision on one alternative of a conflict settles the whole conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models.changes import APPLYING, Decided, Decision, Disposition, Group, Proposal, Source
from ..models.notices import Refusal

SECRETARIAT = "Secretariat"


class PolicyRefused(Refusal):
    pass


@dataclass(frozen=True)
class Policy:
    name: str
    constituencies: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "Policy":
        text = (text or "accept-non-conflicting").strip()
        if text in ("accept-non-conflicting", "accept-none"):
            return cls(text)
        if text.startswith("accept-all-from="):
            names = tuple(n.strip() for n in text.split("=", 1)[1].split(",") if n.strip())
            if names:
                return cls("accept-all-from", names)
        raise PolicyRefused(
            f"Unknown policy {text!r}: use accept-non-conflicting, accept-none or "
            "accept-all-from=CONSTITUENCY,..."
        )

    @property
    def label(self) -> str:
        return f"policy: {self.name}" + (f"={','.join(self.constituencies)}" if self.constituencies else "")


def policy_decision(group: Group, proposal: Proposal, policy: Policy) -> Decision:
    by = policy.label
    if proposal.new is None:
        return Decision(Disposition.PENDING, "Word comment or remark: for the secretariat to consider", by)
    if proposal.start is None:
        return Decision(Disposition.PENDING, "could not be placed on the draft", by)
    if proposal.late:
        return Decision(Disposition.PENDING, "received after the deadline: not applied by default", by)
    if proposal.source == Source.EMAIL:
        return Decision(Disposition.PENDING, "proposal in the e-mail text: confirm before applying", by)
    if group.kind == "conflict":
        others = sorted({p.id for p in group.proposals if p.id != proposal.id})
        if proposal.stale_conflict:
            others.insert(0, "the secretariat's later edit")
        return Decision(Disposition.PENDING, "conflicts with " + ", ".join(others) + ": the secretariat decides", by)
    if proposal.notices:
        return Decision(Disposition.PENDING, str(proposal.notices[0]), by)
    if policy.name == "accept-none":
        return Decision(Disposition.PENDING, "policy accept-none: nothing applied without a decision", by)
    if policy.name == "accept-all-from" and not any(
        p.constituency.casefold() in {c.casefold() for c in policy.constituencies} for p in group.proposals
    ):
        return Decision(Disposition.PENDING, "not from a constituency the policy accepts", by)
    return Decision(Disposition.ACCEPTED, "", by)


def decide(groups: list[Group], policy: Policy, decisions: dict | None = None,
           decided_by: str = SECRETARIAT, decided_at: datetime | None = None) -> tuple[list[Decided], list[str]]:
    """Decided rows (in group order) and a list of problems in the decisions file."""
    decisions = decisions or {}
    problems: list[str] = []
    out: list[Decided] = []
    for group in groups:
        chosen = _file_decisions(group, decisions, decided_by, decided_at)
        problems += _check_group(group, chosen, decisions)
        accepted_results = {(p.start, p.end, p.new) for p in group.proposals
                            if p.id in chosen and chosen[p.id].disposition in APPLYING}
        for p in group.proposals:
            if p.id in chosen:
                decision = chosen[p.id]
            elif accepted_results and group.kind in ("conflict", "identical"):
                if (p.start, p.end, p.new) in accepted_results:
                    winner = next(q.id for q in group.proposals
                                  if q.id in chosen and (q.start, q.end, q.new) == (p.start, p.end, p.new))
                    decision = Decision(chosen[winner].disposition, f"same change as {winner}", decided_by,
                                        decided_at, chosen[winner].modified_text)
                else:
                    winner = next(q.id for q in group.proposals if q.id in chosen
                                  and chosen[q.id].disposition in APPLYING)
                    decision = Decision(Disposition.NOT_ACCEPTED, f"conflicts with the accepted {winner}",
                                        decided_by, decided_at)
            else:
                decision = policy_decision(group, p, policy)
            out.append(Decided(p, group, decision))
    return out, problems


def _file_decisions(group: Group, decisions: dict, by: str, at: datetime | None) -> dict[str, Decision]:
    chosen = {}
    for p in group.proposals:
        row = decisions.get(p.id)
        if row is None or row.disposition in ("", Disposition.PENDING.value):
            continue
        chosen[p.id] = Decision(Disposition(row.disposition), row.rationale, by, at,
                                row.modified_text or None, row.duplicate_of)
    return chosen


def _check_group(group: Group, chosen: dict[str, Decision], decisions: dict) -> list[str]:
    problems = []
    applying = [pid for pid, d in chosen.items() if d.disposition in APPLYING]
    by_id = {p.id: p for p in group.proposals}
    results = {(by_id[pid].start, by_id[pid].end, by_id[pid].new) for pid in applying}
    modified = {chosen[pid].modified_text for pid in applying if chosen[pid].disposition == Disposition.MODIFIED}
    if group.kind == "conflict" and (len(results) > 1 or len(modified) > 1):
        where = ", ".join(decisions[pid].where for pid in applying)
        problems.append(f"{where}: accepts more than one alternative of conflict {group.id}; accept one")
    for pid, d in chosen.items():
        if d.disposition == Disposition.ACCEPTED and by_id[pid].new is not None and by_id[pid].start is None:
            problems.append(f"{decisions[pid].where}: cannot be applied: it has no place in the draft")
        if d.disposition == Disposition.MODIFIED and by_id[pid].start is None:
            problems.append(f"{decisions[pid].where}: 'Accepted with modification' needs a place in the draft")
    return problems
