"""Footnotes, endnotes, headers and footers: text outside the body, read like the body.

Each footnote or endnote, and each header or footer part, becomes a `Story` holding a small
`Document` (read by `body.read_body`, so tracked changes and comment markers in it are read
the same way). A note belongs to the section of the body paragraph that references it and is
named by the number Word shows (notes are numbered in order of reference).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ...models.document import Block, Document, Story
from ...models.notices import Notice
from ...ooxml.names import ID, qn
from .body import Body, Place, read_body
from .numbering import Numbering
from .package import Package
from .styles import Styles

_NOTES = {"footnote": (qn("w:footnote"), "fn"), "endnote": (qn("w:endnote"), "en")}
_TYPE, _RID = qn("w:type"), qn("r:id")
_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}
_REFS = {"header": qn("w:headerReference"), "footer": qn("w:footerReference")}
_PAGE = {"default": "", "first": "first page", "even": "even pages"}


@dataclass
class ReadStory:
    story: Story
    body: Body  # its comment markers (offsets in the story's own text)


def read_stories(
    pkg: Package, main: str, document_root: etree._Element, body: Body, blocks: list[Block],
    styles: Styles, numbering: Numbering,
) -> tuple[list[ReadStory], list[Notice]]:
    """Every note, header and footer of the main document, in that order."""
    taken = frozenset(b.id for b in blocks)
    out: list[ReadStory] = []
    notices: list[Notice] = []
    for kind in ("footnote", "endnote"):
        part = pkg.related(main, kind + "s")
        root = pkg.optional_xml(part)
        if root is None:
            continue
        out += _notes(kind, part, root, body, blocks, styles, numbering, taken, notices)
    out += _headers_footers(pkg, main, document_root, styles, numbering, taken)
    return [r for r in out if _worth_keeping(r)], notices


def _worth_keeping(read: ReadStory) -> bool:
    """Leave out empty stories (a blank header) that hold no change or comment either."""
    doc = read.story.document
    return bool(doc.full_text.strip() or doc.has_revisions or doc.format_changes
                or read.body.comment_starts or read.body.comment_ends or read.body.comment_refs)


def _notes(kind, part, root, body: Body, blocks, styles, numbering, taken, notices) -> list[ReadStory]:
    tag, prefix = _NOTES[kind]
    order = [nid for (k, nid) in body.note_refs if k == kind]
    shown = {nid: n for n, nid in enumerate(order, start=1)}
    out = []
    for el in root.iter(tag):
        if el.get(_TYPE) in _SEPARATORS:
            continue
        nid = el.get(ID) or ""
        ref_block = body.note_refs.get((kind, nid))
        if ref_block is None:
            name = f"{kind} (id {nid}, not referenced in the text)"
            section = title = ""
        else:
            name = f"{kind} {shown[nid]}"
            section, title = blocks[ref_block].section, blocks[ref_block].section_title
        place = Place(kind, f"{prefix}{nid}", section, title, taken)
        read = read_body(el, styles, numbering, place)
        notices.extend(Notice(n.message, name) for n in read.notices)
        out.append(ReadStory(_story(kind, name, part, read), read))
    return out


def _headers_footers(pkg: Package, main: str, document_root, styles, numbering, taken) -> list[ReadStory]:
    """Header and footer parts in the order the sections reference them."""
    by_rid = {rel.id: rel.target for rel in pkg.rels(main) if not rel.external}
    named: dict[str, str] = {}
    sections = [s for s in document_root.iter(qn("w:sectPr"))]
    for n, sect in enumerate(sections, start=1):
        for kind, tag in _REFS.items():
            for ref in sect.iter(tag):
                target = by_rid.get(ref.get(_RID) or "")
                if target is None or target in named:
                    continue
                page = _PAGE.get(ref.get(_TYPE) or "default", ref.get(_TYPE) or "")
                where = f" of section {n}" if len(sections) > 1 else ""
                named[target] = f"{kind}{where}" + (f" ({page})" if page else "")
    out = []
    for i, (target, name) in enumerate(named.items(), start=1):
        root = pkg.optional_xml(target) if pkg.has(target) else None
        if root is None:
            continue
        kind = name.split(" ", 1)[0]
        read = read_body(root, styles, numbering, Place(kind, f"{'hdr' if kind == 'header' else 'ftr'}{i}",
                                                        taken_ids=taken))
        out.append(ReadStory(_story(kind, name, target, read), read))
    return out


def _story(kind: str, name: str, part: str, read: Body) -> Story:
    doc = Document(blocks=tuple(read.blocks), segments=tuple(read.segments),
                   format_changes=tuple(read.format_changes), notices=tuple(read.notices))
    return Story(kind=kind, name=name, part=part, document=doc)
