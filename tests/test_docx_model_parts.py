"""parsers/docx: notes, headers and footers, property changes, revision kinds, and the
`redraft read` command that prints the model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from redraft.consolidate.extract import proposals_from_copy
from redraft.models.changes import Origin, Source
from redraft.outputs.document_view import document_listing, document_to_dict
from redraft.parsers.docx import read_docx

try:
    from docx_factory import DECL, HEADING_STYLES, NAMESPACES, OFFICE_REL, dele, del_run, ins, make_docx, para, run
except ImportError:  # tests/ imported as a package
    from tests.docx_factory import (DECL, HEADING_STYLES, NAMESPACES, OFFICE_REL, dele, del_run, ins,
                                    make_docx, para, run)

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _footnote_ref(nid: str) -> str:
    return f'<w:r><w:footnoteReference w:id="{nid}"/></w:r>'


def _notes(*notes: tuple[str, str]) -> str:
    separators = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                  '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                  '</w:r></w:p></w:footnote>')
    body = "".join(f'<w:footnote w:id="{nid}">{content}</w:footnote>' for nid, content in notes)
    return f"{DECL}<w:footnotes {NAMESPACES}>{separators}{body}</w:footnotes>"


def _with_parts(body: str, *, footnotes: str | None = None, header: str | None = None, **kw) -> bytes:
    parts, rels = {}, []
    if footnotes is not None:
        parts["word/footnotes.xml"] = footnotes
        rels.append(("rId20", f"{OFFICE_REL}/footnotes", "footnotes.xml"))
    if header is not None:
        parts["word/header1.xml"] = f"{DECL}<w:hdr {NAMESPACES}>{header}</w:hdr>"
        rels.append(("rId21", f"{OFFICE_REL}/header", "header1.xml"))
        body += '<w:sectPr><w:headerReference w:type="default" r:id="rId21"/></w:sectPr>'
    return make_docx(body, extra_parts=parts, extra_doc_rels=rels, styles=HEADING_STYLES, **kw)


# -- footnotes, headers, footers -----------------------------------------------------------

FOOTNOTED = (
    para(run("4.2 Meetings"), style="Heading2")
    + para(run("The group meets twice a year.") + _footnote_ref("2"))
)


def test_footnotes_are_blocks_of_the_section_that_references_them():
    note = para(run("As agreed in ") + ins(run("the 2024 "), id="5", author="ILO") + run("plan."))
    doc = read_docx(_with_parts(FOOTNOTED, footnotes=_notes(("2", note))))
    assert [s.name for s in doc.stories] == ["footnote 1"]
    story = doc.stories[0].document
    assert [(b.kind, b.section, b.id) for b in story.blocks] == [("footnote", "4.2", "fn2-p0")]
    assert story.text("accepted") == "As agreed in the 2024 plan.\n"
    assert story.text("rejected") == "As agreed in plan.\n"
    # the body's offsets are the body's alone
    assert doc.text("accepted") == "4.2 Meetings\nThe group meets twice a year.\n"
    assert not any("not read" in str(n) for n in doc.notices)


def test_footnote_change_reaches_the_table_but_not_the_redline():
    note = para(run("As agreed in ") + dele(del_run("the "), id="6", author="ILO") + run("plan."))
    copy = read_docx(_with_parts(FOOTNOTED, footnotes=_notes(("2", note))))
    draft = read_docx(_with_parts(FOOTNOTED, footnotes=_notes(("2", para(run("As agreed in the plan."))))))
    origin = Origin(document="tor", organisation="ILO", constituency="UN agency", sender="tor@ilo.org",
                    sender_name="ILO", received=None, message_id="<m@x>", file="copy.docx",
                    file_sha256="0" * 64, credited="ILO")
    proposals = proposals_from_copy(copy, draft, origin)
    [change] = [p for p in proposals if p.located_by == "footnote 1"]
    assert (change.source, change.start, change.old, change.new, change.section) == (
        Source.TRACKED, None, "the ", "", "4.2")
    assert "apply it by hand" in str(change.notices[0])
    # a clean copy's edit of a footnote is found by comparing with the draft's footnote
    clean = read_docx(_with_parts(FOOTNOTED, footnotes=_notes(("2", para(run("As agreed in plan."))))))
    [edit] = [p for p in proposals_from_copy(clean, draft, origin) if p.located_by == "footnote 1"]
    assert (edit.source, edit.start, edit.old, edit.new) == (Source.CLEAN, None, "the ", "")


def test_comments_in_footnotes_are_kept_with_their_story():
    note = para('<w:commentRangeStart w:id="0"/>' + run("the 2024 plan") + '<w:commentRangeEnd w:id="0"/>'
                '<w:r><w:commentReference w:id="0"/></w:r>')
    comments = '<w:comment w:id="0" w:author="UNICEF"><w:p><w:r><w:t>Which plan?</w:t></w:r></w:p></w:comment>'
    doc = read_docx(_with_parts(FOOTNOTED, footnotes=_notes(("2", note)), comments=comments))
    [c] = doc.comments
    assert (c.anchor, c.story, c.section, c.start, c.block_ids) == ("the 2024 plan", "footnote 1", "4.2", None,
                                                                    ("fn2-p0",))
    assert not [n for n in doc.notices if "not in the comments part" in str(n)]


def test_headers_are_read_and_empty_ones_left_out():
    header = para(run("Draft ") + ins(run("v2 "), id="7", author="Secretariat") + run("for consultation"))
    doc = read_docx(_with_parts(para(run("Body")), header=header))
    [story] = doc.stories
    assert (story.kind, story.name, story.part) == ("header", "header", "word/header1.xml")
    assert story.document.text("accepted") == "Draft v2 for consultation\n"
    assert story.document.blocks[0].kind == "header"
    blank = read_docx(_with_parts(para(run("Body")), header=para("")))
    assert blank.stories == ()


def test_unreferenced_footnote_is_still_read():
    doc = read_docx(_with_parts(para(run("Body")), footnotes=_notes(("3", para(run("Orphan note"))))))
    assert [s.name for s in doc.stories] == ["footnote (id 3, not referenced in the text)"]


# -- kinds of change ---------------------------------------------------------------------------

def test_table_rows_and_cells_have_their_own_kinds():
    row_ins = '<w:tr><w:trPr><w:ins w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:trPr>' \
              '<w:tc><w:p><w:r><w:t>new row</w:t></w:r></w:p></w:tc></w:tr>'
    cell_del = '<w:tr><w:tc><w:tcPr><w:cellDel w:id="2" w:author="B" w:date="2024-01-02T00:00:00Z"/></w:tcPr>' \
               '<w:p><w:r><w:t>old cell</w:t></w:r></w:p></w:tc></w:tr>'
    doc = read_docx(make_docx(f"<w:tbl>{row_ins}{cell_del}</w:tbl>" + para(run("after"))))
    data = document_to_dict(doc)
    kinds = [[r["kind"] for r in b["revisions"]] for b in data["blocks"]]
    assert kinds[0] == ["row-insertion"] and kinds[1] == ["cell-deletion"]


def test_nested_revision_lists_both_authors():
    body = para(run("a ") + ins(dele(del_run("b "), id="9", author="UNHCR"), id="8", author="ILO") + run("c"))
    doc = read_docx(make_docx(body))
    assert doc.text("accepted") == doc.text("rejected") == "a c\n"
    revs = document_to_dict(doc)["blocks"][0]["revisions"]
    assert [(r["kind"], r["author"], r["text"]) for r in revs] == [
        ("insertion", "ILO", "b "), ("deletion", "UNHCR", "b ")]


def test_format_change_details():
    style_change = ('<w:pStyle w:val="Heading2"/><w:pPrChange w:id="3" w:author="A">'
                    '<w:pPr><w:pStyle w:val="Normal"/></w:pPr></w:pPrChange>')
    italic = '<w:rPr><w:i/><w:rPrChange w:id="4" w:author="B"><w:rPr><w:b/></w:rPr></w:rPrChange></w:rPr>'
    doc = read_docx(make_docx(para(run("Title"), ppr=style_change) + para(run("soft", rpr=italic)),
                              styles=HEADING_STYLES))
    assert [(c.block, c.revision.kind, c.revision.author, c.text, c.detail) for c in doc.format_changes] == [
        (0, "paragraph-format", "A", "Title", "style Heading2 (was Normal)"),
        (1, "run-format", "B", "soft", "bold removed, italic added"),
    ]


def test_row_property_change_lands_on_the_rows_first_block():
    trpr = ('<w:trPr><w:trHeight w:val="400"/><w:trPrChange w:id="5" w:author="C">'
            '<w:trPr><w:trHeight w:val="200"/></w:trPr></w:trPrChange></w:trPr>')
    body = para(run("before")) + f"<w:tbl><w:tr>{trpr}<w:tc>{para(run('cell'))}</w:tc></w:tr></w:tbl>" + para("")
    doc = read_docx(make_docx(body))
    [change] = doc.format_changes
    assert (change.block, change.revision.kind, change.text, change.detail) == (1, "table-format", "cell",
                                                                                "trHeight changed")


def test_mark_before_a_table_is_kept_when_rejected():
    """Word cannot join a paragraph to a table: an inserted mark right before one stays."""
    mark_ins = '<w:rPr><w:ins w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:rPr>'
    row = ('<w:tr><w:trPr><w:ins w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:trPr>'
           f'<w:tc>{para(ins(run("cell"), id="3", author="A"))}</w:tc></w:tr>')
    body = para(run("one"), ppr=mark_ins) + f"<w:tbl>{row}</w:tbl>" + para(run("two"))
    doc = read_docx(make_docx(body))
    assert doc.text("rejected").split("\n")[:2] == ["one", "two"]
    assert doc.text("accepted").split("\n")[:3] == ["one", "cell", "two"]


def test_to_view_agrees_with_slicing_the_views():
    body = para(run("keep ") + ins(run("new "), id="1") + dele(del_run("old "), id="2") + run("end"))
    doc = read_docx(make_docx(body + para(run("next"))))
    full = doc.full_text
    for view in ("accepted", "rejected"):
        text = doc.text(view)
        for offset in range(len(full) + 1):
            visible = "".join(s.text for s in doc.segments if s.visible(view))
            assert doc.to_view(offset, view) <= len(text) == len(visible)
        assert doc.to_view(len(full), view) == len(text)
    assert doc.to_view(full.index("end"), "accepted") == doc.text("accepted").index("end")
    assert doc.to_view(full.index("end"), "rejected") == doc.text("rejected").index("end")


# -- redraft read ------------------------------------------------------------------------------

READ_SAMPLE = (
    para(run("4.2 Meetings"), style="Heading2", para_id="1A2B3C4D")
    + para('<w:commentRangeStart w:id="0"/>' + run("The group meets ")
           + dele(del_run("twice"), id="1", author="ILO") + ins(run("at least twice"), id="2", author="ILO")
           + run(" a year.") + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
           + _footnote_ref("2"))
)
READ_COMMENTS = ('<w:comment w:id="0" w:author="ITUC" w:initials="IT" w:date="2024-05-03T09:00:00Z">'
                 '<w:p><w:r><w:t>Quarterly would be better.</w:t></w:r></w:p></w:comment>')


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    path = tmp_path / "copy.docx"
    path.write_bytes(_with_parts(READ_SAMPLE, comments=READ_COMMENTS,
                                 footnotes=_notes(("2", para(run("See the 2024 plan."))))))
    return path


def _redraft(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "redraft.cli", *args], capture_output=True, text=True,
                          timeout=120)


def test_read_json_has_the_promised_keys(sample_copy):
    result = _redraft("read", str(sample_copy), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"blocks", "comments", "warnings"}
    heading, para_block, note = data["blocks"]
    assert (heading["id"], heading["section"], heading["kind"]) == ("1A2B3C4D", "4.2", "heading")
    assert para_block["accepted"] == "The group meets at least twice a year."
    assert para_block["rejected"] == "The group meets twice a year."
    assert [(r["kind"], r["author"], r["date"], r["text"]) for r in para_block["revisions"]] == [
        ("deletion", "ILO", "2024-05-02T10:00:00+00:00", "twice"),
        ("insertion", "ILO", "2024-05-01T10:00:00+00:00", "at least twice")]
    assert (note["kind"], note["section"], note["story"], note["accepted"]) == (
        "footnote", "4.2", "footnote 1", "See the 2024 plan.")
    [comment] = data["comments"]
    assert {k: comment[k] for k in ("id", "author", "date", "text", "anchor", "block_ids", "parent", "resolved")} == {
        "id": "0", "author": "ITUC", "date": "2024-05-03T09:00:00+00:00", "text": "Quarterly would be better.",
        "anchor": "The group meets at least twice a year.", "block_ids": [para_block["id"]], "parent": None,
        "resolved": False}
    assert data["warnings"] == []


def test_read_listing_for_people(sample_copy):
    result = _redraft("read", str(sample_copy))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "copy.docx: 3 blocks, 2 tracked changes, 1 comments" in out
    assert "[4.2] 1A2B3C4D heading: 4.2 Meetings" in out
    assert "was: The group meets twice a year." in out
    assert "ILO 2024-05-02 deleted: 'twice'" in out and "ILO 2024-05-01 inserted: 'at least twice'" in out
    assert "== footnote 1 ==" in out
    assert "#0 ITUC 2024-05-03 (section 4.2) on 'The group meets at least twice a year.'" in out
    assert out == document_listing(read_docx(sample_copy.read_bytes(), source="copy.docx"))


def test_read_refuses_with_a_reason_and_exit_code_2(tmp_path):
    bad = tmp_path / "comments.docx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = _redraft("read", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "comments.docx:" in result.stderr and "Word" in result.stderr
    missing = _redraft("read", str(tmp_path / "nowhere.docx"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
