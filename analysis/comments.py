"""One member's comment, read whole: its language, section, how the section was found,
intent, ISO type, references and the change it proposes (what `redraft analyse` prints).

A comment is read sentence by sentence by `email_proposals` (which lifts proposals and places
each sentence); this module sums the sentences up:

- **section and method**: the best-placed sentence decides, in the issue's order: a Word
  anchor (given by the caller), an explicit reference, quoted text, the topic of a
  descriptive reference, a quoted text found in several places (**ambiguous**: every
  candidate section is listed and none is chosen), similarity of the whole comment's words
  to one section; otherwise "general" (section None);
- **proposal**: the first change a sentence proposes (`proposals` lists them all);
- **intent**: the proposal's, else the first sentence that says more than "general";
- **type**: ISO ge / te / ed from the intent and whether the comment was placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models.document import Document
from ..models.email_items import EmailItem
from .classify import about_whole_text, fold, intent_of, iso_type, strongest
from .email_proposals import extract_items, mask_quotes
from .nlp import detect_language
from .references import DraftIndex, find_references, index_of
from .topics import by_similarity

METHOD_RANK = {"word anchor": 0, "reference": 1, "quoted text": 2, "topic": 3, "ambiguous": 4, "similarity": 5,
               "general": 9}
_KIND_SHOWN = {"replace": "replace", "delete": "delete", "insert": "add"}


@dataclass(frozen=True)
class CommentAnalysis:
    """What one comment says and where (see module doc)."""

    id: str
    text: str
    lang: str
    section: str | None
    method: str
    candidates: tuple[str, ...]
    references: tuple[dict, ...]
    type: str
    intent: str
    proposals: tuple[dict, ...]
    block_id: str = ""
    start: int | None = None
    end: int | None = None
    items: tuple[EmailItem, ...] = field(default=(), compare=False, repr=False)
    group: str = ""
    represents: int = 1

    @property
    def proposal(self) -> dict | None:
        return self.proposals[0] if self.proposals else None

    def as_json(self) -> dict:
        """The JSON line `redraft analyse` prints (the issue's keys, then extras)."""
        notices = [str(n) for item in self.items for n in item.notices]
        return {
            "id": self.id, "lang": self.lang, "section": self.section, "method": self.method,
            "candidates": list(self.candidates) if self.method == "ambiguous" else None,
            "references": list(self.references), "type": self.type, "intent": self.intent,
            "proposal": self.proposal, "group": self.group,
            "represents": self.represents, "proposals": list(self.proposals), "block": self.block_id or None,
            "start": self.start, "end": self.end, "notices": list(dict.fromkeys(notices)),
        }


def proposal_of(item: EmailItem) -> dict | None:
    """An e-mail item's change as the JSON proposal: kind replace | delete | add, old, new, anchor."""
    if item.kind is None:
        return None
    return {"kind": _KIND_SHOWN[item.kind], "old": item.old, "new": item.new or "",
            "anchor": item.anchor or item.old, "located": item.start is not None,
            "start": item.start, "end": item.end}


def section_at(ix: DraftIndex, offset: int) -> str:
    """The section (as the draft numbers it) of the block holding `offset`."""
    i = ix.block_index_at(offset)
    if i is None:
        return ""
    block = ix.blocks[i]
    return block.section or (block.number.strip().rstrip(".") if block.heading_level else "")


def analyse_comment(text: str, draft: Document, comment_id: str = "", anchor: tuple[int, int] | None = None,
                    lang: str | None = None) -> CommentAnalysis:
    """Read one comment on `draft`. `anchor` is the (start, end) of the draft text a Word
    comment is attached to: it decides the section when given."""
    ix = index_of(draft)
    masked = mask_quotes(text)
    lang = lang or detect_language(masked if len(masked.split()) >= 3 else text)
    items = tuple(extract_items(text, draft, clean=False, lang=lang, similarity=False))
    references = tuple(
        {"kind": r.kind, "label": r.label, "text": masked[r.span[0]:r.span[1]].strip(), "shown": str(r),
         "found": bool(_resolves(r, ix))}
        for r in find_references(masked)
    )
    proposals = tuple(p for p in (proposal_of(i) for i in items) if p)

    section, method, candidates, block_id, start, end = None, "general", (), "", None, None
    if anchor is not None:
        start, end = anchor
        section, method = section_at(ix, start) or None, "word anchor"
        block_id = ix.blocks[ix.block_index_at(start)].id if ix.blocks else ""
    else:
        placed = sorted((i for i in items if (i.method or i.located_by) != "general"),
                        key=lambda i: METHOD_RANK.get(i.method or i.located_by, 8))
        best = placed[0] if placed else None
        whole_text = about_whole_text(fold(masked))
        if whole_text and (best is None or (best.method or best.located_by) not in ("reference", "topic")):
            best = None  # "General comment: ...", "'co-chair' throughout": the whole text, not a place
        if whole_text and best is None:
            pass
        elif best is not None and best.located_by == "ambiguous":
            method = "ambiguous"
            candidates = tuple(dict.fromkeys(section_at(ix, s) or "" for s, _e in best.candidates))
        elif best is not None:
            method = best.method or best.located_by
            section, block_id, start, end = best.section or section_at(ix, best.start) or None, best.block_id, \
                best.start, best.end
        else:
            block = by_similarity(masked, lang, ix)
            if block is not None:
                method = "similarity"
                start, end = ix.block_span(block)
                section, block_id = section_at(ix, start) or None, ix.blocks[block].id

    change = next((i for i in items if i.kind is not None), None)
    if change is not None:
        intent = change.intent
        if intent != "editorial" and any(i.intent == "editorial" for i in items):
            intent = "editorial"  # "Cross-reference in 12: ... Suggest 'X'": a correction
    else:
        intent = strongest(i.intent for i in items) if items else intent_of(text)
    return CommentAnalysis(
        id=comment_id, text=text, lang=lang, section=section, method=method, candidates=candidates,
        references=references, type=iso_type(intent, section is not None or method == "ambiguous"),
        intent=intent, proposals=proposals, block_id=block_id, start=start, end=end, items=items,
    )


def _resolves(ref, ix: DraftIndex) -> list[int]:
    from .references import resolve_indices

    return resolve_indices(ref, ix)


def analyse_comments(comments: list[tuple[str, str]], draft: Document) -> list[CommentAnalysis]:
    """Analyse (id, text) comments on one draft and group their duplicates."""
    from dataclasses import replace

    from .duplicates import Said, duplicate_groups, group_ids

    results = [analyse_comment(text, draft, cid) for cid, text in comments]
    said = [Said(r.text, r.lang, r.intent, r.section,
                 (r.proposal["kind"], r.proposal["start"], r.proposal["end"], r.proposal["old"], r.proposal["new"])
                 if r.proposal else None) for r in results]
    ids, sizes = group_ids(duplicate_groups(said))
    return [replace(r, group=g, represents=n) for r, g, n in zip(results, ids, sizes)]
