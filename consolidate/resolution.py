"""Decided proposals → the rows of the comment-resolution table (display strings)."""

from __future__ import annotations

from datetime import datetime

from ..analysis.classify import iso_type
from ..models.changes import APPLYING, Decided, Disposition, Proposal, Source
from ..models.resolution import ResolutionRow, ResolutionTable

_EDITORIAL_MAX = 3  # characters changed; below this a change is typed "ed" (editorial)


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="minutes") if moment else ""


def change_type(p: Proposal) -> str:
    """ISO comment type: ge (general), te (technical), ed (editorial), from the proposal's
    intent (`analysis.classify`); by the size of the change when no intent was given."""
    if p.intent:
        return iso_type(p.intent, p.start is not None)
    if p.new is None:
        return "ge"
    old, new = p.old.strip(), p.new.strip()
    if old.casefold() == new.casefold() or (len(old) + len(new) <= _EDITORIAL_MAX):
        return "ed"
    if not any(ch.isalnum() for ch in old + new):
        return "ed"
    return "te"


def _proposed(p: Proposal) -> str:
    if p.new is None:
        return ""
    if not p.old:
        return f"Insert: {p.new}"
    if not p.new:
        return f"Delete: {p.old}"
    return f"Replace: {p.old}\nWith: {p.new}"


def build_table(title: str, documents: dict[str, str], versions: dict[str, str],
                decided: list[Decided], round_label: str = "1") -> ResolutionTable:
    rows = []
    for d in decided:
        p, dec, group = d.proposal, d.decision, d.group
        applied = dec.disposition in APPLYING and p.start is not None and (p.new is not None or dec.modified_text)
        resulting = (dec.modified_text if dec.disposition == Disposition.MODIFIED else p.new) if applied else ""
        comment = p.comment
        if p.notices:
            comment = (comment + "\n" if comment else "") + "Note: " + "; ".join(str(n) for n in p.notices)
        rows.append(ResolutionRow(
            id=p.id, round=round_label, document=p.document, version=versions.get(p.document, ""),
            section=p.section or "General", paragraph=p.block_id, organisation=p.organisation or p.author,
            constituency=p.constituency, submitter=p.sender, received=_when(p.received),
            source=p.source.value, type=change_type(p), anchor=p.anchor or (p.old if p.source != Source.EMAIL else p.old),
            comment=comment, proposed=_proposed(p), group=group.id if len(group.proposals) > 1 else "",
            represents=str(len(group.proposals)) if group.kind in ("identical", "duplicate") else "1",
            disposition=dec.disposition.value, rationale=dec.rationale,
            modified_text=dec.modified_text or "", duplicate_of=dec.duplicate_of,
            resulting_text=resulting or "", redline=(f"section {p.section}, paragraph {p.block_id}"
                                                      if applied and p.block_id else ""),
            decided_by=dec.by, decided_at=_when(dec.at), status="applied" if applied else "open",
            file=p.file, file_sha256=p.file_sha256,
        ))
    order = {key: n for n, key in enumerate(documents)}
    rows.sort(key=lambda r: (order.get(r.document, 99),))  # stable: keeps group order within a document
    return ResolutionTable(title=title, documents=dict(documents), rows=tuple(rows))
