"""Copies made by LibreOffice (tracked changes + comments) are read without loss.

A draft built with docx_factory is edited by LibreOffice with change recording on
(tests/lo_uno_editor.py, through the `libreoffice` fixture) and saved as .docx, the way a
member using LibreOffice would send it back. Our reader must then give what LibreOffice
itself gives: the draft when rejecting all changes, the edited text when accepting them,
every tracked change with its author and date, every comment with its author and anchor.
Texts are compared paragraph by paragraph (table cells in row order), whitespace-normalised.
"""

from __future__ import annotations

import zipfile
from collections import Counter

import pytest
from lxml import etree

from docx_factory import HEADING_STYLES, make_docx, para, run
from redraft.ooxml.names import qn
from redraft.parsers.docx import read_docx

pytestmark = pytest.mark.oracle

ANNA, KOFI = "Anna Müller", "Kofi Mensah"
UNKNOWN = "Unknown Author"  # what LibreOffice 7.4 writes as w:author when no name is set

# (style, text) paragraphs; a list of rows is a table
DRAFT = [
    ("Heading1", "1. Purpose"),
    (None, "1.1 The Global Coordination Group (GCG) shall advise the Governing Body on "
           "the implementation of the Strategy."),
    (None, "1.2 The GCG shall meet twice a year in Geneva. Extraordinary meetings may be "
           "convened by the Chair."),
    ("Heading1", "2. Membership"),
    (None, "2.1 The GCG is composed of twelve members appointed for a term of three years."),
    [["Governments", "Eight seats"], ["Social partners", "Four seats and two observers"],
     ["Observers", "No seats"]],
    (None, "2.2 Members may be represented by an alternate."),
    (None, "2.3 The alternate has no vote."),
    ("Heading1", "3. Secretariat"),
    (None, "3.1 The Secretariat supports the GCG and keeps its records."),
    (None, "3.2 Reports are published within one month of each meeting."),
]

SCRIPT = [
    {"op": "author", "name": ANNA},
    {"op": "insert", "before": "twice a year", "text": "at least "},
    {"op": "replace", "find": "three", "text": "four"},
    {"op": "delete", "find": " and two observers"},
    {"op": "split", "after": "in Geneva. "},
    {"op": "comment", "find": "Governing Body", "text": "Which body exactly?", "author": ANNA,
     "initials": "AM"},
    {"op": "comment", "from": "The Secretariat supports", "to": "Reports are published",
     "text": "Merge these two?", "author": ANNA},
    {"op": "insert", "after": "by the Chair", "text": " or by one third of the members"},
    {"op": "paragraph", "after": "within one month",
     "text": "3.3 The GCG may invite observers to its meetings."},
    {"op": "replace", "find": "alternate.", "text": "alternate, who"},
    {"op": "delete", "find": "2.3 The alternate"},
    {"op": "join", "find": "alternate, who"},
    {"op": "author", "name": KOFI},
    {"op": "bold", "find": "shall advise"},
    {"op": "comment", "find": "at least", "text": "Agreed: at least twice.", "author": KOFI},
    {"op": "replace", "find": "one third", "text": "a majority"},  # inside Anna's insertion
    {"op": "insert", "before": "GCG", "paragraph": 9, "text": "members of the "},  # in 3.1
    {"op": "comment", "find": "Eight seats", "text": "Why eight?", "author": KOFI,
     "resolved": True},
]

EXPECTED = [
    "1. Purpose",
    "1.1 The Global Coordination Group (GCG) shall advise the Governing Body on the "
    "implementation of the Strategy.",
    "1.2 The GCG shall meet at least twice a year in Geneva.",
    "Extraordinary meetings may be convened by the Chair or by a majority of the members.",
    "2. Membership",
    "2.1 The GCG is composed of twelve members appointed for a term of four years.",
    "Governments", "Eight seats", "Social partners", "Four seats", "Observers", "No seats",
    "2.2 Members may be represented by an alternate, who has no vote.",
    "3. Secretariat",
    "3.1 The Secretariat supports the members of the GCG and keeps its records.",
    "3.2 Reports are published within one month of each meeting.",
    "3.3 The GCG may invite observers to its meetings.",
]

COMMENTS = sorted([
    (ANNA, "Which body exactly?", "Governing Body"),
    (ANNA, "Merge these two?", "The Secretariat supports the members of the GCG and keeps its "
                               "records.\n3.2 Reports are published"),
    (KOFI, "Agreed: at least twice.", "at least"),  # on Anna's insertion
    (KOFI, "Why eight?", "Eight seats"),  # in a table cell
])


# -- helpers -------------------------------------------------------------------------------


def table(rows: list[list[str]]) -> str:
    cols = "<w:gridCol/>" * len(rows[0])
    rows_xml = "".join(
        "<w:tr>" + "".join(f"<w:tc>{para(run(c))}</w:tc>" for c in row) + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblGrid>{cols}</w:tblGrid>{rows_xml}</w:tbl>"


def build(blocks) -> bytes:
    body = "".join(table(b) if isinstance(b, list) else para(run(b[1]), b[0]) for b in blocks)
    return make_docx(body, styles=HEADING_STYLES)


def draft_lines(blocks) -> list[str]:
    """The draft's paragraphs, table cells in row order."""
    out = []
    for b in blocks:
        if isinstance(b, list):
            out.extend(cell for row in b for cell in row)
        else:
            out.append(b[1])
    return out


def lines(text: str) -> list[str]:
    """Paragraphs (with or without a final mark), whitespace collapsed."""
    return [" ".join(line.split()) for line in text.removesuffix("\n").split("\n")]


def revisions(doc) -> set:
    return {r for s in doc.segments for r in (s.inserted, s.deleted) if r is not None}


def change_key(seg) -> tuple[str, str] | None:
    """How LibreOffice lists a segment's change: text inserted and then deleted shows as the
    deletion (the top of its stack of redlines)."""
    if seg.deleted is not None:
        return ("Delete", seg.deleted.author)
    if seg.inserted is not None:
        return ("Insert", seg.inserted.author)
    return None


def text_changes(doc) -> list[tuple[str, str, str]]:
    """(type, author, text) per run of adjacent segments inserted (or deleted) by one author,
    the way LibreOffice joins adjacent redlines when it loads a file."""
    found: list[list[str]] = []
    previous = None
    for seg in doc.segments:
        if seg.is_mark and doc.blocks[seg.block].kind == "table-cell":
            previous = None  # a cell's end (one paragraph a cell here): redlines stop at it
            continue
        key = change_key(seg)
        if key is not None and key == previous:
            found[-1][2] += seg.text
        elif key is not None:
            found.append([*key, seg.text])
        previous = key
    return sorted(tuple(f) for f in found)


def attributed(doc) -> set[tuple[str, str | None, str | None]]:
    """(text, inserted by, deleted by) per run of adjacent changed segments of one state."""
    found: list[list] = []
    previous = None
    for seg in doc.segments:
        key = (seg.inserted and seg.inserted.author, seg.deleted and seg.deleted.author)
        if key == previous and key != (None, None):
            found[-1][0] += seg.text
        elif key != (None, None):
            found.append([seg.text, *key])
        previous = key
    return {tuple(f) for f in found}


def changed_lengths(changes) -> Counter:
    """Characters changed per (type, author)."""
    total = Counter()
    for kind, author, text in changes:
        total[kind, author] += len(text)
    return total


def lo_changes(info: dict, types=("Insert", "Delete")) -> list[tuple[str, str, str]]:
    return sorted((r["type"], r["author"], r["text"])
                  for r in info["redlines"] if r["type"] in types)


def our_comments(doc) -> list[tuple[str, str, str]]:
    return sorted((c.author, c.text, c.anchor) for c in doc.comments)


def lo_comments(info: dict) -> list[tuple[str, str, str]]:
    return sorted((c["author"], c["content"], c["anchor"]) for c in info["comments"])


def xml_of(path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def make_copy(libreoffice, folder, blocks, script):
    """(our Document, LibreOffice's reading, path) of a copy LibreOffice edited."""
    source, copy = folder / "draft.docx", folder / "copy.docx"
    source.write_bytes(build(blocks))
    libreoffice.edit(source, script, copy)
    return read_docx(copy.read_bytes(), source=copy.name), libreoffice.read([copy])[copy], copy


# -- the main case: two reviewers, every kind of edit ---------------------------------------


@pytest.fixture(scope="module")
def edited(libreoffice, tmp_path_factory):
    return make_copy(libreoffice, tmp_path_factory.mktemp("lo-copy"), DRAFT, SCRIPT)


def test_the_draft_reads_as_built():
    doc = read_docx(build(DRAFT))
    assert lines(doc.text("accepted")) == draft_lines(DRAFT)
    assert not doc.has_revisions


def test_rejecting_all_changes_gives_the_draft(edited):
    doc, lo, _ = edited
    assert lines(doc.text("rejected")) == draft_lines(DRAFT)
    assert lines(doc.text("rejected")) == lines(lo["rejected"])


def test_accepting_all_changes_gives_the_edited_text(edited):
    doc, lo, _ = edited
    assert lines(doc.text("accepted")) == EXPECTED
    assert lines(doc.text("accepted")) == lines(lo["accepted"])


def test_every_change_has_its_author_and_a_date(edited):
    doc, lo, _ = edited
    revs = revisions(doc) | {f.revision for f in doc.format_changes}
    assert {r.author for r in revs} == {ANNA, KOFI}
    assert {r.kind for r in revisions(doc)} == {"ins", "del"}
    assert all(r.date is not None for r in revs)
    our_dates = {r.date.strftime("%Y-%m-%dT%H:%M:%S") for r in revs}
    assert {r["date"] for r in lo["redlines"]} <= our_dates
    assert {
        ("at least ", ANNA, None),
        ("four", ANNA, None), ("three", None, ANNA),
        ("\n", ANNA, None),  # the split: LibreOffice marks the first paragraph's mark inserted
        (" or by ", ANNA, None), ("one third", ANNA, KOFI), ("a majority", KOFI, None),
        ("members of the ", KOFI, None),
    } <= attributed(doc)


def test_every_libreoffice_redline_is_read(edited):
    """LibreOffice joins adjacent redlines of one author on loading, except across a comment
    mark ("at least" + " " stay two), where we see one run: so each of its redlines must lie
    in one of our changes, and the changed text per author and type must add up."""
    doc, lo, _ = edited
    ours, theirs = text_changes(doc), lo_changes(lo)
    for kind, author, text in theirs:
        assert any((k, a) == (kind, author) and text in t for k, a, t in ours), (kind, author, text)
    assert changed_lengths(ours) == changed_lengths(theirs)
    ids = {r.id for r in revisions(doc)}
    assert len(ids) == len(revisions(doc)) >= len(theirs)


def test_the_format_change_is_read(edited):
    doc, lo, _ = edited
    ours = [(f.revision.author, f.text) for f in doc.format_changes]
    assert ours == [(KOFI, "shall advise")]
    assert ours == [(r["author"], r["text"]) for r in lo["redlines"] if r["type"] == "Format"]


def test_every_comment_is_kept_with_its_author_and_anchor(edited):
    doc, lo, _ = edited
    assert our_comments(doc) == COMMENTS
    assert our_comments(doc) == lo_comments(lo)
    assert all(c.date is not None for c in doc.comments)
    assert {c.initials for c in doc.comments if c.text == "Which body exactly?"} == {"AM"}
    assert {c.text for c in doc.comments if c.resolved} == {"Why eight?"}  # commentsExtended


def test_headings_and_comment_sections_survive(edited):
    doc, _, _ = edited
    headings = [(b.number, doc.block_text(b, "accepted"))
                for b in doc.blocks if b.kind == "heading"]
    assert headings == [("1.", "1. Purpose"), ("2.", "2. Membership"), ("3.", "3. Secretariat")]
    assert {c.text: (c.section, len(c.block_ids)) for c in doc.comments} == {
        "Which body exactly?": ("1", 1), "Agreed: at least twice.": ("1", 1),
        "Why eight?": ("2", 1), "Merge these two?": ("3", 2)}


def test_libreoffice_quirks_lose_nothing(edited):
    doc, _, copy = edited
    body = etree.fromstring(xml_of(copy).encode("utf-8"))
    # the quirks are there: a comment starting inside an insertion, ids shared by comments
    # and revisions
    assert any(el.getparent().tag == qn("w:ins") for el in body.iter(qn("w:commentRangeStart")))
    revision_ids = {r.id for r in revisions(doc)} | {f.revision.id for f in doc.format_changes}
    assert {c.id for c in doc.comments} & revision_ids
    assert doc.notices == ()
    assert [c.notices for c in doc.comments] == [()] * len(doc.comments)


# -- harder shapes: whole paragraphs, replacements across marks, a comment on deleted text --

EDGE_SCRIPT = [
    {"op": "author", "name": ANNA},
    {"op": "drop", "find": "2.3 The alternate"},
    {"op": "comment", "find": "Eight seats", "text": "Too many.", "author": ANNA},
    {"op": "delete", "find": "Eight seats"},
    {"op": "replace", "from": "keeps its records.", "to": "3.2 Reports",
     "text": "keeps its records; reports"},
    {"op": "insert", "after": "Strategy", "text": "\t(2024\u20132030) \u00abdraft\u00bb"},
    {"op": "paragraph", "after": "2.1 The GCG", "text": "The Chair is elected by the members."},
    {"op": "add_row", "row": 2, "cells": ["Regional bodies", "Two seats"]},
    {"op": "author", "name": KOFI},
    {"op": "delete_row", "row": 3},
    {"op": "drop", "find": "3. Secretariat"},
    {"op": "comment", "from": "1.2 The GCG", "to": "2. Membership", "text": "Spans a heading.",
     "author": KOFI},
]

EDGE_CHANGES = sorted([
    ("Delete", ANNA, "2.3 The alternate has no vote.\n"),
    ("Delete", ANNA, "Eight seats"),
    ("Delete", ANNA, "keeps its records.\n3.2 Reports"),
    ("Insert", ANNA, "keeps its records; reports"),
    ("Insert", ANNA, "\t(2024\u20132030) \u00abdraft\u00bb"),
    ("Insert", ANNA, "\nThe Chair is elected by the members."),  # before the table
    ("Delete", KOFI, "3. Secretariat\n"),
    # a tracked new row: LibreOffice 7.4 adds U+200D to its first cell to carry the change
    ("Insert", ANNA, "Regional bodies\u200d"), ("Insert", ANNA, "Two seats"),
    ("Delete", KOFI, "Observers"), ("Delete", KOFI, "No seats"),  # a tracked row deletion
])


@pytest.fixture(scope="module")
def edge(libreoffice, tmp_path_factory):
    return make_copy(libreoffice, tmp_path_factory.mktemp("lo-edge"), DRAFT, EDGE_SCRIPT)


def test_harder_shapes_read_as_libreoffice_reads_them(edge):
    doc, lo, _ = edge
    assert lines(doc.text("rejected")) == draft_lines(DRAFT) == lines(lo["rejected"])
    assert lines(doc.text("accepted")) == lines(lo["accepted"])
    assert text_changes(doc) == lo_changes(lo) == EDGE_CHANGES
    assert doc.notices == ()
    assert [c.notices for c in doc.comments] == [(), ()]


def test_a_comment_across_paragraphs_and_a_heading_keeps_its_anchor(edge):
    doc, lo, _ = edge
    anchor = ("1.2 The GCG shall meet twice a year in Geneva. Extraordinary meetings may be "
              "convened by the Chair.\n2. Membership")
    assert (KOFI, "Spans a heading.", anchor) in our_comments(doc)
    assert (KOFI, "Spans a heading.", anchor) in lo_comments(lo)


def test_a_comment_on_text_deleted_afterwards_keeps_its_place(edge):
    """LibreOffice gives the deleted text as the anchor, and so do we (the accepted view's
    text is empty there: the anchor is then the text as it was)."""
    doc, lo, _ = edge
    assert (ANNA, "Too many.", "Eight seats") in lo_comments(lo)
    (comment,) = [c for c in doc.comments if c.text == "Too many."]
    assert comment.author == ANNA and comment.date is not None
    assert doc.full_text[comment.start:comment.end] == "Eight seats"
    start, end = (doc.to_view(at, "rejected") for at in (comment.start, comment.end))
    assert doc.text("rejected")[start:end] == "Eight seats"
    assert comment.anchor == "Eight seats"


# -- no name in the profile, a comment without author or date --------------------------------

ANONYMOUS_SCRIPT = [
    {"op": "insert", "after": "twice a year", "text": " or more"},
    {"op": "delete", "find": " and two observers"},
    {"op": "bold", "find": "shall advise"},
    {"op": "comment", "find": "Governing Body", "text": "Who wrote this?", "author": ""},
    {"op": "comment", "find": "Eight seats", "text": "Undated.", "author": KOFI, "date": None},
]


@pytest.fixture(scope="module")
def anonymous(libreoffice, tmp_path_factory):
    return make_copy(libreoffice, tmp_path_factory.mktemp("lo-anon"), DRAFT, ANONYMOUS_SCRIPT)


def test_without_a_user_name_libreoffice_writes_unknown_author(anonymous):
    doc, lo, copy = anonymous
    xml = xml_of(copy)
    assert xml.count(f'w:author="{UNKNOWN}"') >= 3 and 'w:author=""' not in xml
    assert {r["author"] for r in lo["redlines"]} == {UNKNOWN}


def test_changes_by_an_unknown_author_are_kept(anonymous):
    doc, lo, _ = anonymous
    assert lines(doc.text("rejected")) == draft_lines(DRAFT) == lines(lo["rejected"])
    assert lines(doc.text("accepted")) == lines(lo["accepted"])
    assert text_changes(doc) == lo_changes(lo) == [
        ("Delete", UNKNOWN, " and two observers"), ("Insert", UNKNOWN, " or more")]
    assert [(f.revision.author, f.text) for f in doc.format_changes] == [(UNKNOWN, "shall advise")]
    assert all(r.date is not None for r in revisions(doc))
    assert doc.notices == ()


def test_comments_without_author_or_date_are_kept_with_a_notice(anonymous):
    doc, lo, copy = anonymous
    assert '<w:comment w:id="1" w:author="Kofi Mensah" w:date="0-00-00T00:00:00Z"' in xml_of(
        copy, "word/comments.xml")
    assert our_comments(doc) == lo_comments(lo) == sorted([
        ("", "Who wrote this?", "Governing Body"), (KOFI, "Undated.", "Eight seats")])
    by_text = {c.text: c for c in doc.comments}
    assert by_text["Undated."].date is None
    assert [n.message for n in by_text["Who wrote this?"].notices] == ["it has no author name"]
    assert by_text["Undated."].notices == ()  # LibreOffice's year-zero date is "no date"
