"""A stand-in Document built from (style, text) paragraphs, for tests that need a draft.

    make_draft([("Heading 1", "1. Purpose"), ("Normal", "The Committee shall ..."),
                ("Heading 2", "1.1 Scope"), ("List Number", "Members shall ...", "1")])

- "Heading N" gives a heading of level N; its number is the third item when given (Word
  auto-numbering), else read from the start of its text ("4.2", "4.2.", "IV.", "IV –").
- Any other style gives a paragraph ("List ..." styles a list item) numbered by the optional
  third item.
- Every block belongs to the section of the last heading before it (`section`,
  `section_title`); a heading belongs to its own section.
- Each block is one text segment plus its paragraph mark, no revisions: the accepted text is
  the paragraphs joined, each followed by "\\n".
"""

from __future__ import annotations

import re

from redraft.models.document import Block, Document, Segment

_TYPED_NUMBER = re.compile(r"^\s*((?:\d+(?:\.\d+)*|[IVXLC]+))(?:\.|\s*[–—-])?\s+")


def make_draft(paragraphs, source: str = "draft.docx") -> Document:
    blocks: list[Block] = []
    segments: list[Segment] = []
    section, title = "", ""
    for index, item in enumerate(paragraphs):
        style, text = item[0], item[1]
        given = item[2] if len(item) > 2 else None
        level = None
        m = re.match(r"Heading\s*(\d+)$", style)
        if m:
            level = int(m.group(1))
            if given is None:
                typed = _TYPED_NUMBER.match(text)
                number = typed.group(1) if typed else ""
                rest = text[typed.end():] if typed else text
            else:
                number, rest = given, text
            section, title = number, rest.strip()
            kind = "heading"
        else:
            number = given or ""
            kind = "list-item" if style.startswith("List") else "paragraph"
        first = len(segments)
        if text:
            segments.append(Segment(text, index))
        segments.append(Segment("\n", index, is_mark=True))
        blocks.append(
            Block(
                index=index,
                id=f"p{index}",
                kind=kind,
                style=style,
                first=first,
                last=len(segments) - 1,
                heading_level=level,
                number=number,
                section=section,
                section_title=title,
            )
        )
    return Document(blocks=tuple(blocks), segments=tuple(segments), source=source)


def tor_draft() -> Document:
    """A small terms-of-reference draft used across the analysis tests."""
    return make_draft(
        [
            ("Title", "Terms of Reference of the Advisory Committee"),
            ("Heading 1", "1. Purpose"),
            ("Normal", "The Advisory Committee (the Committee) advises the Council on technical matters."),
            ("Heading 1", "2. Membership"),
            ("Normal", "The Committee shall consist of twelve members appointed by the Council."),
            ("Normal", "Members shall serve for a term of three years, renewable once."),
            ("Heading 1", "3. Meetings"),
            ("Heading 2", "3.1 Frequency"),
            ("Normal", "The Committee shall meet at least twice a year, where appropriate, in Geneva."),
            ("Heading 2", "3.2 Quorum"),
            ("Normal", "A quorum shall consist of a simple majority of the members."),
            ("Normal", "Decisions shall be taken by consensus where appropriate."),
            ("Heading 1", "4. Reporting"),
            ("Heading 2", "4.1 Annual report"),
            ("Normal", "The Committee shall report to the Council on an annual basis."),
            ("Heading 2", "4.2 Publication"),
            ("Normal", "Reports shall be made public on the website of the Council."),
            ("Normal", "The secretariat shall support the Committee."),
            ("Heading 1", "Annex I – Rules of procedure"),
            ("Normal", "The Chair shall be elected by the members."),
        ]
    )
