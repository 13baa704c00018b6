"""The comment-resolution table: one row per comment or proposal (GUIDE §6 columns)."""

from __future__ import annotations

from dataclasses import dataclass, fields

# (attribute, column heading) in table order. Headings are the interface of the
# decisions file: a filled-in table is read back by these names.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "ID"),
    ("round", "Round"),
    ("document", "Document"),
    ("version", "Draft version"),
    ("section", "Section"),
    ("paragraph", "Paragraph"),
    ("organisation", "Organisation"),
    ("constituency", "Constituency"),
    ("submitter", "Submitter"),
    ("received", "Received"),
    ("source", "Source"),
    ("type", "Type"),
    ("anchor", "Quoted text"),
    ("comment", "Comment"),
    ("proposed", "Proposed change"),
    ("group", "Group"),
    ("represents", "Represents"),
    ("disposition", "Disposition"),
    ("rationale", "Rationale"),
    ("modified_text", "Modified text"),
    ("duplicate_of", "Duplicate of"),
    ("resulting_text", "Resulting text"),
    ("redline", "Where in redline"),
    ("decided_by", "Decided by"),
    ("decided_at", "Decided at"),
    ("status", "Status"),
    ("file", "File"),
    ("file_sha256", "File sha256"),
    ("round_status", "Round status"),  # last: tables written before it still read back
)

# The "Round status" column against the earlier round's table (consolidate.rounds).
ROUND_STATUSES = ("new", "repeated", "resolved", "withdrawn", "carried")

DISPOSITIONS = (
    "Pending",
    "Accepted",
    "Accepted with modification",
    "Not accepted",
    "Noted",
    "Duplicate",
    "Deferred",
    "Withdrawn",
    "Out of scope",
)


@dataclass(frozen=True)
class ResolutionRow:
    """One row; every value is already a display string."""

    id: str
    round: str
    document: str  # document key
    version: str
    section: str
    paragraph: str
    organisation: str
    constituency: str
    submitter: str
    received: str
    source: str
    type: str
    anchor: str
    comment: str
    proposed: str
    group: str
    represents: str
    disposition: str
    rationale: str
    modified_text: str
    duplicate_of: str
    resulting_text: str
    redline: str
    decided_by: str
    decided_at: str
    status: str
    file: str
    file_sha256: str
    round_status: str = "new"  # new | repeated | resolved | withdrawn | carried (consolidate.rounds)

    def cells(self) -> list[str]:
        return [getattr(self, name) for name, _ in COLUMNS]


@dataclass(frozen=True)
class ResolutionTable:
    """All rows of a run, with the consultation's title and each draft's title."""

    title: str
    documents: dict  # key -> title, in consultation order
    rows: tuple[ResolutionRow, ...]

    def rows_for(self, key: str) -> list[ResolutionRow]:
        return [r for r in self.rows if r.document == key]

    def document_keys(self) -> list[str]:
        """Documents in consultation order, then any key only the rows name."""
        keys = list(self.documents)
        keys += [k for k in dict.fromkeys(r.document for r in self.rows) if k not in keys]
        return keys


def rows_by_section(rows: list[ResolutionRow]) -> dict[str, list[ResolutionRow]]:
    """Rows grouped by section ("General" when empty), sections in order of appearance."""
    groups: dict[str, list[ResolutionRow]] = {}
    for row in rows:
        groups.setdefault(row.section.strip() or "General", []).append(row)
    return groups


assert [f.name for f in fields(ResolutionRow)] == [name for name, _ in COLUMNS]
