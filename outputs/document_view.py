"""A read Word document as JSON-ready data and as a listing for people (`redraft read`).

Blocks come in reading order: the body, then footnotes, endnotes, headers and footers (each
with `story` naming where it sits). Per block: both views of its text and every revision that
touches it (a change by B of A's insertion lists both). Paragraph marks show as "¶".
"""

from __future__ import annotations

import textwrap
from datetime import datetime

from ..models.document import Block, Document, FormatChange, Revision, WordComment

MARK = "\u00b6"

_KIND = {
    "ins": "insertion", "del": "deletion", "moveTo": "move-to", "moveFrom": "move-from",
    "row-ins": "row-insertion", "row-del": "row-deletion",
    "cell-ins": "cell-insertion", "cell-del": "cell-deletion",
}
_VERB = {
    "insertion": "inserted", "deletion": "deleted", "move-to": "moved here",
    "move-from": "moved away", "paragraph-mark-insertion": "inserted a paragraph break",
    "paragraph-mark-deletion": "deleted the paragraph break", "row-insertion": "inserted the row",
    "row-deletion": "deleted the row", "cell-insertion": "inserted the cell",
    "cell-deletion": "deleted the cell",
}


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def block_revisions(doc: Document, block: Block) -> list[dict]:
    """Each revision touching a block: kind, author, date, id and the text it covers there."""
    covered: dict[int, tuple[Revision, str, list[str], bool]] = {}
    for seg in doc.segments[block.first: block.last + 1]:
        for rev, role in ((seg.inserted, "inserted"), (seg.deleted, "deleted")):
            if rev is None:
                continue
            entry = covered.setdefault(id(rev), (rev, role, [], True))
            entry[2].append(MARK if seg.is_mark else seg.text)
            if not seg.is_mark:
                covered[id(rev)] = (rev, role, entry[2], False)
    out = []
    for rev, role, texts, only_mark in covered.values():
        kind = _KIND.get(rev.kind, rev.kind)
        if only_mark and kind in ("insertion", "deletion", "move-to", "move-from"):
            kind = "paragraph-mark-" + ("insertion" if role == "inserted" else "deletion")
        out.append({"kind": kind, "author": rev.author, "date": _date(rev.date), "id": rev.id,
                    "text": "".join(texts)})
    return out


def _format_change(change: FormatChange) -> dict:
    rev = change.revision
    return {"kind": rev.kind, "author": rev.author, "date": _date(rev.date), "id": rev.id,
            "text": change.text, "detail": change.detail}


def _blocks(doc: Document, story: str) -> list[dict]:
    formats: dict[int, list[dict]] = {}
    for change in doc.format_changes:
        formats.setdefault(change.block, []).append(_format_change(change))
    return [
        {
            "id": b.id,
            "section": b.section,
            "kind": b.kind,
            "style": b.style,
            "number": b.number,
            "story": story,
            "accepted": doc.block_text(b, "accepted"),
            "rejected": doc.block_text(b, "rejected"),
            "in_accepted": doc.segments[b.last].visible("accepted"),
            "in_rejected": doc.segments[b.last].visible("rejected"),
            "revisions": block_revisions(doc, b) + formats.get(b.index, []),
        }
        for b in doc.blocks
    ]


def _comment(c: WordComment) -> dict:
    return {
        "id": c.id, "author": c.author, "initials": c.initials, "date": _date(c.date),
        "text": c.text, "anchor": c.anchor, "block_ids": list(c.block_ids), "section": c.section,
        "story": c.story, "parent": c.parent, "resolved": c.resolved,
        "warnings": [n.message for n in c.notices],
    }


def document_to_dict(doc: Document) -> dict:
    """The whole model as plain data (the `redraft read --json` format)."""
    blocks = _blocks(doc, "")
    for story in doc.stories:
        blocks += _blocks(story.document, story.name)
    notices = list(doc.notices) + [n for s in doc.stories for n in s.document.notices]
    return {
        "file": doc.source,
        "sha256": doc.sha256,
        "properties": {k: v for k, v in doc.properties.items() if isinstance(v, (str, int, float, bool))},
        "blocks": blocks,
        "comments": [_comment(c) for c in doc.comments],
        "warnings": [str(n) for n in notices],
    }


def document_listing(doc: Document, width: int = 100) -> str:
    """The model as text for people: sections, blocks with their changes, comments, warnings."""
    data = document_to_dict(doc)
    blocks = data["blocks"]
    changes = sum(len(b["revisions"]) for b in blocks)
    lines = [f"{doc.source or 'document'}: {len(blocks)} blocks, {changes} tracked changes, "
             f"{len(data['comments'])} comments"]
    story = None
    empty = 0
    for b in blocks:
        if b["story"] != story:
            story = b["story"]
            lines += ["", f"== {story} ==" if story else "== body =="]
        if not (b["accepted"].strip() or b["rejected"].strip() or b["revisions"]):
            empty += 1
            continue
        head = f"[{b['section'] or '-'}] {b['id']} {b['kind']}"
        text = b["accepted"] if b["in_accepted"] else f"(removed) {b['rejected']}"
        lines.append(_wrap(f"{head}: {text}", width, "    "))
        if b["rejected"] != b["accepted"] and b["in_accepted"] and b["in_rejected"]:
            lines.append(_wrap(f"    was: {b['rejected']}", width, "         "))
        for r in b["revisions"]:
            when = f" {r['date'][:10]}" if r["date"] else ""
            who = r["author"] or "(no author)"
            what = _VERB.get(r["kind"], r["kind"])
            detail = f" ({r['detail']})" if r.get("detail") else ""
            lines.append(_wrap(f"    {who}{when} {what}{detail}: {r['text']!r}", width, "        "))
    if empty:
        lines.append(f"({empty} empty paragraphs without changes not shown)")
    if data["comments"]:
        lines += ["", "== comments =="]
        for c in data["comments"]:
            where = c["story"] or (f"section {c['section']}" if c["section"] else "body")
            reply = f"reply to {c['parent']}, " if c["parent"] else ""
            done = ", resolved" if c["resolved"] else ""
            when = f" {c['date'][:10]}" if c["date"] else ""
            lines.append(_wrap(f"#{c['id']} {c['author'] or '(no author)'}{when} ({reply}{where}{done}) "
                               f"on {c['anchor']!r}: {c['text']}", width, "    "))
            lines += [f"    ! {w}" for w in c["warnings"]]
    if data["warnings"]:
        lines += ["", "== warnings =="] + [f"- {w}" for w in data["warnings"]]
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int, indent: str) -> str:
    return textwrap.fill(text, width=width, subsequent_indent=indent, replace_whitespace=False,
                         drop_whitespace=False) if len(text) > width else text
