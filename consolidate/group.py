"""Group the proposals on one draft: single changes, identical changes, conflicts, comments.

Two changes *overlap* when their spans share text, when both insert at the same point, or
when one inserts strictly inside the other's span. Overlapping changes with one result are
*identical* (applied once, credited to all); with different results they are a *conflict*
(never applied half-way). A change made on an older draft to text the secretariat has since
rewritten is a conflict too, even alone. Changes that only touch (one ends where the next starts) are
independent and can both be applied.

Comments (and changes that could not be placed) by different members that say the same
thing (`analysis.duplicates`) form one *duplicate* group: the table shows "represents N".
Groups are ordered by section (in the draft's order; "general" last), then by place.
"""

from __future__ import annotations

from ..analysis.duplicates import Said, duplicate_groups
from ..analysis.nlp import detect_language
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


def group_proposals(document: str, proposals: list[Proposal], section_order: dict[str, int] | None = None) -> list[Group]:
    """Groups in section order, then draft order; late and unplaced changes are never
    grouped with others except as duplicates. `section_order` ranks the draft's sections
    (see `section_ranks`); without it groups are in draft order."""
    changes = [p for p in proposals if p.is_change and not p.late]
    others = [p for p in proposals if not (p.is_change and not p.late)]  # not `not in changes`: O(n²)
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
    for members in _duplicates(others):
        if len(members) > 1:
            starts = [p.start for p in members if p.start is not None]
            ends = [p.end for p in members if p.end is not None]
            groups.append(Group("", "duplicate", members, min(starts) if starts else None,
                                max(ends) if ends else None))
        else:
            p = members[0]
            groups.append(Group("", "comment" if not p.is_change else "change", [p], p.start, p.end))
    order = section_order or {}
    far = 10**12

    def rank(g: Group) -> tuple:
        section = next((p.section for p in g.proposals if p.section), "")
        placed = g.start is not None
        by_section = order.get(section, len(order) if section else len(order) + 1) if order else 0
        return (by_section, g.start if placed else far, g.proposals[0].key)

    groups.sort(key=rank)
    for n, group in enumerate(groups, start=1):
        group.id = f"{document}-G{n:03d}"
    return groups


def _duplicates(proposals: list[Proposal]) -> list[list[Proposal]]:
    """The proposals split into sets of duplicates (singletons for the rest), in input order."""
    said = [Said(p.comment or (p.new or ""), detect_language(p.comment) if p.comment else "en",
                 p.intent, p.section or None,
                 (_kind(p), p.start, p.end, p.old, p.new) if p.new is not None else None,
                 who=p.organisation or p.sender)
            for p in proposals]
    sets: dict[int, list[Proposal]] = {}
    for p, g in zip(proposals, duplicate_groups(said)):
        sets.setdefault(g, []).append(p)
    return list(sets.values())


def _kind(p: Proposal) -> str:
    return "insert" if not p.old else ("delete" if not p.new else "replace")


def section_ranks(sections: list[str]) -> dict[str, int]:
    """Each section's rank in the order the draft first shows it (blank sections skipped)."""
    out: dict[str, int] = {}
    for s in sections:
        if s and s not in out:
            out[s] = len(out)
    return out
