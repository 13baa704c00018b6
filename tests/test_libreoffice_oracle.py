"""The revised-document writer, checked by LibreOffice (a second independent reader).

LibreOffice loads the redline, accepts or rejects every tracked change, and reports the
text, the tracked changes (author, type, date, covered text) and the comments. Texts are
compared paragraph by paragraph (so wrong joins and splits show), each paragraph
whitespace-normalised, empty paragraphs dropped (LibreOffice keeps some that Word removes).
Needs the `libreoffice` fixture (tests/libreoffice.py) registered in conftest.py.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone

import docx
import pytest

from redraft.outputs.revised_docx import Edit, Note, draft_text, write_revised

pytestmark = pytest.mark.oracle

WHEN = datetime(2018, 8, 10, 9, 30, tzinfo=timezone.utc)
WHEN_LO = "2018-08-10T09:30:00"  # LibreOffice gives the redline date without a zone


def lines(text: str) -> list[str]:
    """Paragraphs, whitespace collapsed, empty ones dropped."""
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def build(*blocks) -> bytes:
    """A draft from ("h", text) headings, ("p", [(text, bold), ...]) paragraphs and
    ("t", [[cell, ...], ...]) tables."""
    d = docx.Document()
    for kind, content in blocks:
        if kind == "h":
            d.add_heading(content, 2)
        elif kind == "p":
            p = d.add_paragraph()
            for text, bold in content:
                p.add_run(text).bold = bold
        else:
            table = d.add_table(rows=len(content), cols=len(content[0]))
            for r, row in enumerate(content):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


def finder(text: str):
    def at(needle: str, end: bool = False) -> int:
        assert text.count(needle) == 1, needle
        return text.index(needle) + (len(needle) if end else 0)
    return at


def applied(text: str, edits: list[Edit]) -> str:
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[:e.start] + e.new + text[e.end:]
    return text


# -- the main case: the edits a consultation typically produces ---------------------------

DRAFT = build(
    ("h", "4.2 Frequency of meetings"),
    ("p", [("The GCG shall meet ", False), ("twice a year", True),
           (" in Geneva, for a term of three years.", False)]),
    ("p", [("Members may be represented by an ", False), ("alternate", True), (".", False)]),
    ("p", [("The alternate has no vote.", False)]),
    ("t", [["Workers", "Two seats and observers"]]),
    ("p", [("The Secretariat supports the GCG.", False)]),
)


def main_case():
    text = draft_text(DRAFT)
    at = finder(text)
    edits = [
        Edit(at("three"), at("three", True), "four", "ILO", WHEN),                    # replace a word
        Edit(at("twice a year"), at("twice a year"), "at least ", "IOE", WHEN),         # insert text
        Edit(at("The Secretariat"), at("The Secretariat"), "A new paragraph on observers.\n",
             "ITUC", None),                                                            # new paragraph
        Edit(at(" and observers"), at(" and observers", True), "", "UNICEF", WHEN),    # delete in a cell
        Edit(at(".\nThe alternate"), at(".\nThe alternate", True), "",
             "Ministry of Labour", WHEN),                                              # join paragraphs
    ]
    notes = [
        Note(at("Frequency"), at("Frequency", True), "Why not quarterly?", "ILO", WHEN, "IL"),
        Note(at("Geneva"), at("Geneva", True), "Or Turin.", "ITUC", None),
    ]
    expected = (text.replace("three", "four").replace("twice a year", "at least twice a year")
                .replace("The Secretariat", "A new paragraph on observers.\nThe Secretariat")
                .replace(" and observers", "").replace(".\nThe alternate", ""))
    assert applied(text, edits) == expected
    return text, edits, notes, expected


@pytest.fixture(scope="module")
def main_read(libreoffice, tmp_path_factory):
    text, edits, notes, expected = main_case()
    folder = tmp_path_factory.mktemp("lo-oracle")
    tracked, merged = folder / "redline.docx", folder / "merged.docx"
    tracked.write_bytes(write_revised(DRAFT, edits, notes, tracked=True))
    merged.write_bytes(write_revised(DRAFT, edits, notes, tracked=False))
    found = libreoffice.read([tracked, merged])
    return text, expected, found[tracked], found[merged]


def test_rejecting_all_changes_gives_back_the_draft(main_read):
    text, _, tracked, _ = main_read
    assert lines(tracked["rejected"]) == lines(text)


def test_accepting_all_changes_gives_the_edited_text_which_is_the_merged_draft(main_read):
    _, expected, tracked, merged = main_read
    assert lines(tracked["accepted"]) == lines(expected)
    assert lines(merged["accepted"]) == lines(expected)
    assert lines(merged["rejected"]) == lines(expected)


def test_merged_draft_has_no_tracked_changes_and_no_comments(main_read):
    _, _, _, merged = main_read
    assert merged["redlines"] == []
    assert merged["comments"] == []


def test_each_tracked_change_is_credited_to_its_author(main_read):
    _, _, tracked, _ = main_read
    found = sorted((r["author"], r["type"], r["text"]) for r in tracked["redlines"])
    assert found == sorted([
        ("ILO", "Delete", "three"),
        ("ILO", "Insert", "four"),
        ("IOE", "Insert", "at least "),
        ("ITUC", "Insert", "A new paragraph on observers.\n"),
        ("UNICEF", "Delete", " and observers"),
        ("Ministry of Labour", "Delete", ".\nThe alternate"),
    ])
    dated = [r for r in tracked["redlines"] if r["author"] != "ITUC"]
    assert {r["date"] for r in dated} == {WHEN_LO}


def test_notes_are_comments_with_their_authors_and_anchors(main_read):
    _, _, tracked, _ = main_read
    found = sorted((c["author"], c["content"], c["anchor"]) for c in tracked["comments"])
    assert found == [("ILO", "Why not quarterly?", "Frequency"), ("ITUC", "Or Turin.", "Geneva")]


# -- harder shapes: splits, replacements across paragraph marks, whole paragraphs ---------

HARD_DRAFT = build(
    ("p", [("The GCG shall meet ", False), ("twice a year", True), (" in Geneva.", False)]),
    ("p", [("Members may be represented by an alternate.", False)]),
    ("p", [("The alternate has no vote.", False)]),
    ("p", [("This paragraph goes entirely.", False)]),
    ("t", [["Workers", "Two seats"]]),
    ("p", [("The Secretariat supports the GCG. It reports yearly.", False)]),
    ("p", [("Beta is removed with the mark before it.", False)]),
)


def hard_edits(text: str) -> list[Edit]:
    at = finder(text)
    return [
        Edit(at("twice a year", True), at("twice a year", True), "\nSplit here", "IOE", WHEN),
        Edit(at(" alternate.\nThe alternate has"), at(" alternate.\nThe alternate has", True),
             " alternate, who has", "ILO", WHEN),
        # LibreOffice 7.4 keeps an empty paragraph where this one was (it stands before a
        # table, so its deleted mark cannot join it to the next block); Word removes it.
        Edit(at("This paragraph goes entirely.\n"), at("This paragraph goes entirely.\n", True), "",
             "ITUC", WHEN),
        Edit(at("Workers", True), at("Workers", True), "\nand employers", "UNICEF", WHEN),
        Edit(at("GCG. ", True), at("GCG. ", True), "One.\nTwo.\nThree. ", "Ministry of Labour", WHEN),
        Edit(at("\nBeta is removed"), at("with the mark before it.", True), "", "IOE", WHEN),
    ]


def test_splits_joins_and_whole_paragraph_deletions(libreoffice, tmp_path):
    text = draft_text(HARD_DRAFT)
    edits = hard_edits(text)
    expected = applied(text, edits)
    tracked, merged = tmp_path / "redline.docx", tmp_path / "merged.docx"
    tracked.write_bytes(write_revised(HARD_DRAFT, edits, [], tracked=True))
    merged.write_bytes(write_revised(HARD_DRAFT, edits, [], tracked=False))
    found = libreoffice.read([tracked, merged])
    assert lines(found[tracked]["rejected"]) == lines(text)
    assert lines(found[tracked]["accepted"]) == lines(expected)
    assert lines(found[merged]["accepted"]) == lines(expected)
    assert found[merged]["redlines"] == []
    authors = {(e.author) for e in edits}
    assert {r["author"] for r in found[tracked]["redlines"]} == authors


# -- regression: an insertion that replaces a paragraph mark goes at the join -----------

@pytest.mark.parametrize("start, end, new", [(10, 11, " "), (10, 12, " b")],
                         ids=["mark-to-space", "mark-and-letter"])
def test_replacing_a_paragraph_mark_inserts_at_the_join(libreoffice, tmp_path, start, end, new):
    draft = build(("p", [("Alpha one.", False)]), ("p", [("Beta goes.", False)]))
    text = draft_text(draft)
    assert text[start - 1:start + 1] == ".\n"
    edits = [Edit(start, end, new, "IOE", WHEN)]
    tracked = tmp_path / "redline.docx"
    tracked.write_bytes(write_revised(draft, edits, [], tracked=True))
    found = libreoffice.read([tracked])[tracked]
    assert lines(found["rejected"]) == lines(text)
    assert found["accepted"] == applied(text, edits).rstrip("\n")
