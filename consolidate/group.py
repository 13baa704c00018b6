"""Group the proposals on one draft: single changes, identical changes, conflicts, comments.

Two changes *overlap* when their spans share text, when both insert at the same point, or
when one inserts strictly inside the other's span. Overlapping changes with one result are
*identical* (applied once, credited to all); with different results they are a *conflict*
(never applied half-way). A change made on an older draft to text the secretariat has since
rewritten is a conflict too, even alone. Changes that only touch (one ends where the next starts) are
independent and can both be applied.
"""

from __future__ import annotations

from ..models.changes import Group, Proposal


def overlaps(a: Proposal, b: Proposal) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def result(p: Proposal) -> tuple[int, int, str]:
    return (p.start, p.end, p.new)


def group_proposals(document: str, proposals: list[Proposal]) -> list[Group]:
    """Groups in draft order; late and unplaced changes are never grouped with others."""
    changes = [p for p in proposals if p.is_change and not p.late]
    others = [p for p in proposals if p not in changes]
    changes.sort(key=lambda p: (p.start, p.end, p.key))
    clusters: list[list[Proposal]] = []
    for p in changes:
        # a cluster is open while p overlaps any of its members (spans are sorted by start)
        if clusters and any(overlaps(p, q) for q in clusters[-1]):
            clusters[-1].append(p)
        else:
            clusters.append([p])
    groups: list[Group] = []
    for members in clusters:
        results = {result(p) for p in members}
        kind = "change" if len(members) == 1 else ("identical" if len(results) == 1 else "conflict")
        if any(p.stale_conflict for p in members):
            kind = "conflict"  # with the secretariat's own later edit
        groups.append(Group("", kind, members, min(p.start for p in members), max(p.end for p in members)))
    for p in others:
        groups.append(Group("", "comment" if not p.is_change else "change", [p], p.start, p.end))
    groups.sort(key=lambda g: (g.start if g.start is not None else 10**12, g.proposals[0].key))
    for n, group in enumerate(groups, start=1):
        group.id = f"{document}-G{n:03d}"
    return groups
