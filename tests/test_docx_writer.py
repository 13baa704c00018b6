"""The body editor and revised-document writer, checked by pandoc (an independent reader)."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import docx
import pytest

from oracle import normalise, pandoc_spans, pandoc_text
from redraft.outputs.revised_docx import Edit, Note, draft_text, write_revised

WHEN = datetime(2018, 8, 10, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def draft() -> bytes:
    d = docx.Document()
    d.add_heading("4.2 Frequency of meetings", 2)
    p = d.add_paragraph("The GCG shall meet ")
    p.add_run("twice a year").bold = True
    p.add_run(" in Geneva, for a term of three years.")
    d.add_paragraph("Members may be represented by an alternate.")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Workers"
    table.cell(0, 1).text = "Two seats"
    d.add_paragraph("The Secretariat supports the GCG.")
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


def at(text: str, needle: str, end: bool = False) -> int:
    assert text.count(needle) == 1, needle
    return text.index(needle) + (len(needle) if end else 0)


def edits_for(text: str) -> tuple[list[Edit], str]:
    """A mix of edits and the text expected after applying them."""
    edits = [
        Edit(at(text, "twice a year"), at(text, "twice a year"), "at least ", "IOE", WHEN),
        Edit(at(text, "three"), at(text, "three", end=True), "four", "ILO", WHEN),
        Edit(at(text, "an alternate.", end=True), at(text, "an alternate.", end=True),
             "\nA new paragraph on observers.", "ITUC", None),
        Edit(at(text, "Two seats"), at(text, "Two seats", end=True), "Three seats", "UNICEF", WHEN),
        Edit(at(text, " in Geneva"), at(text, " in Geneva", end=True), "", "Ministry of Labour", WHEN),
    ]
    expected = (text.replace("twice a year", "at least twice a year").replace("three", "four")
                .replace("an alternate.", "an alternate.\nA new paragraph on observers.")
                .replace("Two seats", "Three seats").replace(" in Geneva", ""))
    return edits, expected


def test_tracked_output_rejects_to_the_draft_and_accepts_to_the_edits(draft, tmp_path):
    text = draft_text(draft)
    edits, expected = edits_for(text)
    redline = tmp_path / "redline.docx"
    redline.write_bytes(write_revised(draft, edits, [], tracked=True))
    assert pandoc_text(redline, "reject") == normalise(text)
    assert pandoc_text(redline, "accept") == normalise(expected)


def test_applied_output_equals_accepted_redline_and_has_no_revisions(draft, tmp_path):
    text = draft_text(draft)
    edits, expected = edits_for(text)
    merged = tmp_path / "merged.docx"
    merged.write_bytes(write_revised(draft, edits, [Note(0, 3, "not in merged", "X", None)], tracked=False))
    assert pandoc_text(merged, "reject") == normalise(expected)
    assert pandoc_text(merged, "accept") == normalise(expected)
    assert draft_text(merged.read_bytes()) == expected
    assert not [s for s in pandoc_spans(merged) if s["class"] in ("insertion", "deletion", "comment-start")]


def test_each_tracked_change_is_credited_to_its_author(draft, tmp_path):
    text = draft_text(draft)
    edits, _ = edits_for(text)
    redline = tmp_path / "redline.docx"
    redline.write_bytes(write_revised(draft, edits, [], tracked=True))
    spans = pandoc_spans(redline)
    inserted = {s["text"].strip(): s["author"] for s in spans if s["class"] == "insertion" and s["text"].strip()}
    deleted = {s["text"].strip(): s["author"] for s in spans if s["class"] == "deletion"}
    assert inserted["at least"] == "IOE"
    assert inserted["four"] == "ILO"
    assert inserted["A new paragraph on observers."] == "ITUC"
    assert deleted["three"] == "ILO"
    assert deleted["in Geneva"] == "Ministry of Labour"
    dates = {s.get("date") for s in spans if s["class"] == "insertion" and s["author"] == "ILO"}
    assert dates == {"2018-08-10T09:30:00Z"}


def test_paragraphs_join_when_a_deletion_spans_a_paragraph_mark(draft, tmp_path):
    text = draft_text(draft)
    start, end = at(text, "years."), at(text, "Members may", end=True)
    edits = [Edit(start, end, "years; members may", "ILO", WHEN)]
    for tracked in (True, False):
        out = tmp_path / f"join-{tracked}.docx"
        out.write_bytes(write_revised(draft, edits, [], tracked=tracked))
        expected = text[:start] + "years; members may" + text[end:]
        assert pandoc_text(out, "accept") == normalise(expected)
        if tracked:
            assert pandoc_text(out, "reject") == normalise(text)


def test_comments_keep_author_date_and_anchor(draft, tmp_path):
    text = draft_text(draft)
    notes = [Note(at(text, "twice a year"), at(text, "twice a year", end=True), "Why not quarterly?", "ILO", WHEN),
             Note(at(text, "Members"), at(text, "Members"), "A point comment", "IOE", None)]
    out = tmp_path / "commented.docx"
    out.write_bytes(write_revised(draft, edits_for(text)[0], notes, tracked=True))
    spans = pandoc_spans(out)
    starts = [s for s in spans if s["class"] == "comment-start"]
    assert {(s["author"], s["text"]) for s in starts} == {("ILO", "Why not quarterly?"), ("IOE", "A point comment")}
    assert [s.get("date") for s in starts if s["author"] == "ILO"] == ["2018-08-10T09:30:00Z"]
    assert pandoc_text(out, "reject") == normalise(text)


def test_same_inputs_give_the_same_bytes(draft):
    text = draft_text(draft)
    edits, _ = edits_for(text)
    notes = [Note(0, 5, "n", "A", WHEN)]
    assert write_revised(draft, edits, notes, tracked=True) == write_revised(draft, edits, notes, tracked=True)


def test_overlapping_edits_are_refused(draft):
    text = draft_text(draft)
    s = at(text, "three")
    with pytest.raises(ValueError, match="overlapping"):
        write_revised(draft, [Edit(s, s + 5, "four", "A", None), Edit(s + 2, s + 8, "x", "B", None)], [], tracked=True)
