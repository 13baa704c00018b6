"""parsers/docx: the reader against Word's own files and against crafted XML."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from redraft.models.document import Document
from redraft.ooxml.names import qn
from redraft.ooxml.text import body_paragraphs, paragraph_runs, run_text
from redraft.parsers.docx import read_docx

try:
    from docx_factory import (DOC_MAIN, HEADING_STYLES, content_types_xml, del_run, dele, document_xml,
                              ins, make_docx, make_zip, para, rels_xml, run)
except ImportError:  # tests/ imported as a package
    from tests.docx_factory import (DOC_MAIN, HEADING_STYLES, content_types_xml, del_run, dele,
                                    document_xml, ins, make_docx, make_zip, para, rels_xml, run)

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "word"
REVISIONS = FIXTURES / "revisions"
COMMENTS = FIXTURES / "comments"
NO_FIXTURES = f"Word fixtures not found at {FIXTURES} (they live in ../shared beside the project)"


def _fixture_files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def view_paragraphs(doc: Document, view: str) -> list[str]:
    """The paragraphs of a view, whitespace-normalised, empty ones left out."""
    return [t for t in (_norm(p) for p in doc.text(view).split("\n")) if t]


def _read(path: Path) -> Document:
    return read_docx(path.read_bytes(), source=path.name)


# -- accept all / reject all against Word's expected results -------------------------------

# Cases where our reading knowingly differs from Word's expected result: (stem, view) -> reason.
_PARTNER_XFAIL: dict[tuple[str, str], str] = {}


def _partner_cases():
    cases = []
    for path in _fixture_files(REVISIONS, "RP*.docx"):
        if path.stem.endswith(("-Accepted", "-Rejected")):
            continue
        for view, suffix in (("accepted", "-Accepted"), ("rejected", "-Rejected")):
            partner = path.with_name(f"{path.stem}{suffix}.docx")
            if not partner.exists():
                continue
            marks = []
            reason = _PARTNER_XFAIL.get((path.stem, view))
            if reason:
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            cases.append(pytest.param(path, partner, view, id=f"{path.stem}-{view}", marks=marks))
    return cases or [pytest.param(None, None, None, id="no-fixtures")]


@pytest.mark.oracle
@pytest.mark.parametrize("path, partner, view", _partner_cases())
def test_views_match_word_results(path, partner, view):
    if path is None:
        pytest.skip(NO_FIXTURES)
    doc, expected = _read(path), _read(partner)
    assert not expected.has_revisions, "the expected-result file should hold no tracked text changes"
    assert view_paragraphs(doc, view) == view_paragraphs(expected, "accepted")


_PANDOC_XFAIL = {
    "RP013-Deleted-Math-Control-Char": (
        "the equation's text (m:r/m:t) is not text under the shared ooxml.text contract "
        "(run_text reads w:t only), pandoc renders it ('πr²')"
    ),
}


def _pandoc_cases():
    cases = []
    for path in _fixture_files(REVISIONS, "*.docx"):
        if path.stem.endswith(("-Accepted", "-Rejected")):
            continue
        reason = _PANDOC_XFAIL.get(path.stem)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        for view in ("accepted", "rejected"):
            cases.append(pytest.param(path, view, id=f"{path.stem}-{view}", marks=marks))
    return cases or [pytest.param(None, None, id="no-fixtures")]


_LIST_MARKER = re.compile(r"^([0-9]+|[A-Za-z]|[ivxlcdmIVXLCDM]+)$")


@pytest.mark.oracle
@pytest.mark.parametrize("path, view", _pandoc_cases())
def test_views_match_pandoc(path, view):
    """Same words as pandoc (plain output has table grids and list markers, so compare
    word counts: nothing of ours missing from pandoc, nothing extra in pandoc but list numbers)."""
    if path is None:
        pytest.skip(NO_FIXTURES)
    pypandoc = pytest.importorskip("pypandoc")
    mode = "accept" if view == "accepted" else "reject"
    try:
        theirs_text = pypandoc.convert_file(
            str(path), "plain", extra_args=[f"--track-changes={mode}", "--wrap=none"]
        )
    except OSError as exc:
        pytest.skip(f"pandoc not available: {exc}")
    words = re.compile(r"\w+")
    ours = Counter(words.findall(_read(path).text(view)))
    theirs = Counter(words.findall(theirs_text))
    missing = ours - theirs
    extra = {w: n for w, n in (theirs - ours).items() if not _LIST_MARKER.match(w)}
    assert not missing and not extra, f"missing in pandoc: {dict(missing)}; only in pandoc: {extra}"


def _all_fixtures():
    files = _fixture_files(FIXTURES, "**/*.docx")
    return [pytest.param(p, id=p.name) for p in files] or [pytest.param(None, id="no-fixtures")]


@pytest.mark.parametrize("path", _all_fixtures())
def test_offsets_follow_the_shared_text_layer(path):
    """One block per body paragraph, block text = run_text over paragraph_runs (the writer's rule)."""
    if path is None:
        pytest.skip(NO_FIXTURES)
    import zipfile

    doc = _read(path)
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    paragraphs = body_paragraphs(root.find(qn("w:body")))
    assert len(doc.blocks) == len(paragraphs)
    for block, p in zip(doc.blocks, paragraphs):
        full = "".join(s.text for s in doc.segments[block.first : block.last + 1])
        assert full == "".join(run_text(r) for r in paragraph_runs(p)) + "\n"
        assert doc.segments[block.last].is_mark
        assert all(s.block == block.index for s in doc.segments[block.first : block.last + 1])
    assert doc.sha256 and doc.source == path.name
    assert len({b.id for b in doc.blocks}) == len(doc.blocks)


# -- comments in Word's files ---------------------------------------------------------------

LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua.")
TEMPOR = "tempor incididunt ut labore et dolore magna aliqua."


def _utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def _comments(name: str):
    path = COMMENTS / name
    if not path.exists():
        pytest.skip(NO_FIXTURES)
    doc = _read(path)
    return doc, {c.id: c for c in doc.comments}


def test_comments_replies_docx2python():
    doc, c = _comments("docx2python-comments-replies.docx")
    expected = {
        # id: (author, initials, date, text, anchor, parent)
        "1": ("Randy Bartels", "RB", _utc(2024, 3, 28, 17, 22), "COMMENT", LOREM, None),
        "2": ("Randy Bartels", "RB", _utc(2024, 3, 28, 17, 22), "RESPONSE", LOREM, "1"),
        "3": ("Shay Hill", "SH", _utc(2024, 3, 29, 12, 10), "Response from Shay Hill", LOREM, "1"),
        "4": ("Shay Hill", "SH", _utc(2024, 3, 29, 12, 28), "Comment on subset starting with tempor", TEMPOR, None),
        "5": ("Randy Bartels", "RB", _utc(2024, 3, 28, 17, 22), "COMMENT on par 5", LOREM, None),
        "6": ("Randy Bartels", "RB", _utc(2024, 3, 28, 17, 22), "RESPONSE to comment on par 5", LOREM, "5"),
        "7": ("Shay Hill", "SH", _utc(2024, 3, 29, 12, 10), "Response from Shay Hill on par 5", LOREM, "5"),
        "8": ("Shay Hill", "SH", _utc(2024, 3, 29, 12, 28), "Comment on subset starting with tempor on par 5", TEMPOR, None),
    }
    assert set(c) == set(expected)
    for cid, (author, initials, date, text, anchor, parent) in expected.items():
        com = c[cid]
        assert (com.author, com.initials, com.date, com.text, com.anchor, com.parent) == (
            author, initials, date, text, anchor, parent), cid
        assert com.resolved is False  # every w15:done is "0" in this file
        assert com.notices == ()
        assert doc.block_at(com.start) is doc.block_at(com.end)
    # comments 5-8 are on the fifth paragraph, after "Par5 "
    assert doc.block_at(c["5"].start).index == 4
    assert doc.full_text[c["5"].start - 5 : c["5"].start] == "Par5 "


def test_comment_minimal_oxpt():
    doc, c = _comments("oxpt-comment.docx")
    com = c["0"]
    assert (com.author, com.initials, com.date) == ("Eric White", "EW", _utc(2014, 10, 28, 20, 22))
    assert com.text == "This is a comment."
    assert com.anchor == "you click Online Video"
    assert (com.start, com.end) == (5, 27)
    assert com.parent is None and com.resolved is False


def test_comments_rich_python_docx():
    doc, c = _comments("python-docx-comments-rich-para.docx")
    assert sorted(c) == ["0", "1", "2", "4"]
    assert c["0"].author == "Steve Canny" and c["0"].initials == "SJC"
    assert c["0"].text == "Text with hyperlink https://google.com embedded."
    assert c["0"].anchor == "Some text worthy of note."
    assert c["1"].text == "Text with inline image  in the middle."  # the picture is not text
    assert c["1"].anchor == "Other text worthy of note."
    assert c["2"].text == "Text with character style." and c["2"].anchor == "Paragraph 5"
    assert c["4"].text == "Paragraph with Heading 2 paragraph style." and c["4"].anchor == "Paragraph 6"
    assert c["4"].date == _utc(2025, 6, 7, 12, 5)
    for cid in ("1", "2", "4"):  # written with an empty author
        assert c[cid].author == "" and c[cid].initials == ""
        assert any("no author" in n.message for n in c[cid].notices)
    assert all(x.parent is None and not x.resolved for x in c.values())


# -- crafted: revisions ----------------------------------------------------------------------


def test_insert_delete_and_nested_revisions():
    body = para(
        run("Keep ")
        + ins(run("added "), id="1", author="Alice")
        + dele(del_run("removed "), id="2", author="Bob")
        + ins(dele(del_run("short-lived "), id="4", author="Bob"), id="3", author="Alice")
        + run("end.")
    )
    doc = read_docx(make_docx(body))
    assert doc.text("accepted") == "Keep added end.\n"
    assert doc.text("rejected") == "Keep removed end.\n"
    assert doc.full_text == "Keep added removed short-lived end.\n"
    seg = {s.text: s for s in doc.segments}
    assert seg["added "].inserted.author == "Alice" and seg["added "].deleted is None
    assert seg["removed "].deleted.author == "Bob" and seg["removed "].inserted is None
    nested = seg["short-lived "]
    assert (nested.inserted.author, nested.deleted.author) == ("Alice", "Bob")
    assert (nested.inserted.kind, nested.deleted.kind) == ("ins", "del")
    assert nested.inserted.date == _utc(2024, 5, 1, 10, 0)
    assert doc.has_revisions


def test_adjacent_runs_in_one_state_merge():
    body = para(run("a") + run("b") + ins(run("c") + run("d")) + run("e"))
    doc = read_docx(make_docx(body))
    assert [s.text for s in doc.segments] == ["ab", "cd", "e", "\n"]


def test_paragraph_marks():
    mark_del = '<w:rPr><w:del w:id="5" w:author="Bob" w:date="2024-05-02T10:00:00Z"/></w:rPr>'
    mark_ins = '<w:rPr><w:ins w:id="6" w:author="Alice" w:date="2024-05-01T10:00:00Z"/></w:rPr>'
    body = para(run("One"), ppr=mark_del) + para(run("Two"), ppr=mark_ins) + para(run("Three"))
    doc = read_docx(make_docx(body))
    assert doc.text("accepted") == "OneTwo\nThree\n"
    assert doc.text("rejected") == "One\nTwoThree\n"
    marks = [s for s in doc.segments if s.is_mark]
    assert len(marks) == 3 and marks[0].deleted.id == "5" and marks[1].inserted.id == "6"


def test_moves():
    body = (
        para('<w:moveFrom w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z">'
             + run("moved text") + "</w:moveFrom>" + run(" stays"))
        + para(run("Here: ") + '<w:moveTo w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z">'
               + run("moved text") + "</w:moveTo>")
    )
    doc = read_docx(make_docx(body))
    assert doc.text("accepted") == " stays\nHere: moved text\n"
    assert doc.text("rejected") == "moved text stays\nHere: \n"
    kinds = {(s.inserted.kind if s.inserted else None, s.deleted.kind if s.deleted else None)
             for s in doc.segments}
    assert ("moveTo", None) in kinds and (None, "moveFrom") in kinds


def _table(*rows: str) -> str:
    return "<w:tbl>" + "".join(rows) + "</w:tbl>"


def _row(*cells: str, trpr: str = "") -> str:
    return f"<w:tr>{f'<w:trPr>{trpr}</w:trPr>' if trpr else ''}" + "".join(cells) + "</w:tr>"


def _cell(text: str, tcpr: str = "") -> str:
    return f"<w:tc>{f'<w:tcPr>{tcpr}</w:tcPr>' if tcpr else ''}{para(run(text))}</w:tc>"


def test_table_rows_and_cells():
    deleted_row = '<w:del w:id="7" w:author="Bob" w:date="2024-05-02T10:00:00Z"/>'
    inserted_row = '<w:ins w:id="8" w:author="Alice" w:date="2024-05-01T10:00:00Z"/>'
    cell_ins = '<w:cellIns w:id="9" w:author="Carol" w:date="2024-05-03T10:00:00Z"/>'
    body = (
        para(run("Before"))
        + _table(
            _row(_cell("a1"), _cell("b1")),
            _row(_cell("a2"), _cell("b2"), trpr=deleted_row),
            _row(_cell("a3"), _cell("b3"), trpr=inserted_row),
            _row(_cell("a4"), _cell("b4", tcpr=cell_ins)),
        )
        + para(run("After"))
    )
    doc = read_docx(make_docx(body))
    assert view_paragraphs(doc, "accepted") == ["Before", "a1", "b1", "a3", "b3", "a4", "b4", "After"]
    assert view_paragraphs(doc, "rejected") == ["Before", "a1", "b1", "a2", "b2", "a4", "After"]
    row2 = [b for b in doc.blocks if doc.block_text(b, "rejected") in ("a2", "b2")]
    for block in row2:  # every segment of the deleted row, marks included
        assert all(s.deleted and s.deleted.id == "7" for s in doc.segments[block.first : block.last + 1])
    b4 = next(b for b in doc.blocks if doc.block_text(b, "accepted") == "b4")
    assert doc.segments[b4.last].inserted.author == "Carol"
    kinds = [b.kind for b in doc.blocks]
    assert kinds[0] == "paragraph" and kinds[-1] == "paragraph"
    assert set(kinds[1:-1]) == {"table-cell"}


def test_deleted_mark_of_last_paragraph_in_cell_is_kept():
    mark_del = '<w:rPr><w:del w:id="5" w:author="Bob" w:date="2024-05-02T10:00:00Z"/></w:rPr>'
    body = _table(_row(f"<w:tc>{para(run('x'), ppr=mark_del)}</w:tc>", _cell("y"))) + para("")
    doc = read_docx(make_docx(body))
    assert view_paragraphs(doc, "accepted") == ["x", "y"]


def test_format_changes_are_listed_not_text():
    rpr_change = ('<w:rPr><w:b/><w:rPrChange w:id="3" w:author="A" w:date="2024-01-01T00:00:00Z">'
                  "<w:rPr/></w:rPrChange></w:rPr>")
    ppr_change = '<w:jc w:val="center"/><w:pPrChange w:id="4" w:author="A"><w:pPr/></w:pPrChange>'
    body = para(run("Bold now", rpr=rpr_change), ppr=ppr_change)
    doc = read_docx(make_docx(body))
    assert doc.text("accepted") == doc.text("rejected") == "Bold now\n"
    assert not doc.has_revisions
    assert doc.properties["format_changes"] == 2
    assert [(c.revision.kind, c.text, c.detail) for c in doc.format_changes] == [
        ("paragraph-format", "Bold now", "alignment added"), ("run-format", "Bold now", "bold added")]
    assert doc.notices == ()


def test_block_ids_use_unique_para_ids():
    body = (para(run("a"), para_id="0A0B0C0D") + para(run("b"), para_id="11111111")
            + para(run("c"), para_id="11111111") + para(run("d")))
    doc = read_docx(make_docx(body))
    assert [b.id for b in doc.blocks] == ["0A0B0C0D", "p1", "p2", "p3"]


def test_core_properties_sha_and_source():
    data = make_docx(para(run("x")), core={"creator": "Ann Author", "title": "Draft 3",
                                           "lastModifiedBy": "Rev Iewer"})
    doc = read_docx(data, source="member.docx")
    import hashlib

    assert doc.sha256 == hashlib.sha256(data).hexdigest() and doc.source == "member.docx"
    assert doc.properties["creator"] == "Ann Author"
    assert doc.properties["title"] == "Draft 3"
    assert doc.properties["lastModifiedBy"] == "Rev Iewer"


def test_main_part_found_through_package_relationship():
    data = make_zip({
        "[Content_Types].xml": content_types_xml({"main/doc.xml": DOC_MAIN}),
        "_rels/.rels": rels_xml(("rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
                                 "main/doc.xml")),
        "main/doc.xml": document_xml(para(run("elsewhere"))),
    })
    assert read_docx(data).text("accepted") == "elsewhere\n"


# -- crafted: what LibreOffice writes ---------------------------------------------------------

LO_BAD_DATE = "0-00-00T00:00:00Z"


def _libreoffice_doc():
    body = para(
        run("Alpha ")
        # comment range opened inside an insertion with an empty author and a year-0 date
        + f'<w:ins w:id="0" w:author="" w:date="{LO_BAD_DATE}"><w:commentRangeStart w:id="0"/>'
        + run("beta") + "</w:ins>"
        + run(" gamma")
        # the empty insertion LibreOffice leaves before commentRangeEnd
        + '<w:ins w:id="1" w:author="Reviewer" w:date="2023-02-01T09:00:00Z"><w:r><w:rPr/></w:r></w:ins>'
        + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
        # a replacement: w:del then w:ins, their ids colliding with the comment's
        + '<w:del w:id="0" w:author="Reviewer" w:date="2023-02-01T09:00:00Z">' + del_run(" old") + "</w:del>"
        + '<w:ins w:id="1" w:author="Reviewer" w:date="2023-02-01T09:00:00Z">' + run(" new") + "</w:ins>"
    ) + para(
        '<w:commentRangeStart w:id="1"/>' + run("Second") + '<w:commentRangeEnd w:id="1"/>'
        + '<w:r><w:commentReference w:id="1"/></w:r>'
    )
    comments = (
        f'<w:comment w:id="0" w:author="" w:date="{LO_BAD_DATE}" w:initials="">'
        "<w:p><w:r><w:t>Why beta?</w:t></w:r></w:p></w:comment>"
        '<w:comment w:id="1" w:author="Reviewer" w:date="2023-02-01T09:00:00Z" w:initials="R">'
        "<w:p><w:r><w:t>First line</w:t></w:r></w:p><w:p><w:r><w:t>second line</w:t></w:r></w:p></w:comment>"
    )
    return read_docx(make_docx(body, comments=comments))


def test_libreoffice_colliding_ids_empty_author_and_year_zero():
    doc = _libreoffice_doc()
    assert doc.text("accepted") == "Alpha beta gamma new\nSecond\n"
    assert doc.text("rejected") == "Alpha  gamma old\nSecond\n"
    beta = next(s for s in doc.segments if s.text == "beta")
    assert beta.inserted == beta.inserted.__class__("ins", "", None, "0")
    old = next(s for s in doc.segments if s.text == " old")
    assert old.deleted.id == "0" and old.deleted.kind == "del"  # same id as comment 0 and the ins
    # LibreOffice's year-zero date means "no date": kept undated, not reported as damage
    assert not [n for n in doc.notices if "date" in n.message]
    assert beta.inserted.date is None  # its w:date is the year-zero one

    c = {x.id: x for x in doc.comments}
    assert set(c) == {"0", "1"}
    c0 = c["0"]
    assert c0.author == "" and c0.date is None and c0.text == "Why beta?"
    assert c0.anchor == "beta gamma"
    assert doc.full_text[c0.start : c0.end] == "beta gamma"
    assert not any("date" in n.message for n in c0.notices)
    assert any("no author" in n.message for n in c0.notices)
    assert c["1"].text == "First line\nsecond line"
    assert c["1"].anchor == "Second" and c["1"].author == "Reviewer" and c["1"].initials == "R"
    assert c["1"].notices == ()
    assert all(x.parent is None and not x.resolved for x in c.values())  # no commentsExtended


def test_comment_ranges_across_paragraphs_and_deleted_text():
    body = (
        para(run("First ") + '<w:commentRangeStart w:id="3"/>' + run("para")
             + dele(del_run(" gone")))
        + para(run("Second") + '<w:commentRangeEnd w:id="3"/>' + run(" tail"))
        + '<w:commentRangeStart w:id="4"/>'  # between paragraphs, at body level
        + para(run("Third"))
        + '<w:commentRangeEnd w:id="4"/>'
    )
    comments = "".join(
        f'<w:comment w:id="{i}" w:author="A" w:date="2024-01-01T00:00:00Z"><w:p><w:r><w:t>c{i}</w:t></w:r></w:p></w:comment>'
        for i in (3, 4)
    )
    doc = read_docx(make_docx(body, comments=comments))
    c = {x.id: x for x in doc.comments}
    assert c["3"].anchor == "para\nSecond"
    assert doc.full_text[c["3"].start : c["3"].end] == "para gone\nSecond"
    assert c["4"].anchor == "Third\n"
    assert doc.block_at(c["4"].start).index == 2


def test_comment_without_range_is_kept_with_a_notice():
    body = (para(run("Point") + '<w:r><w:commentReference w:id="7"/></w:r>' + run(" here"))
            + para('<w:commentRangeStart w:id="8"/>' + run("half")))
    comments = "".join(
        f'<w:comment w:id="{i}" w:author="A" w:date="2024-01-01T00:00:00Z"><w:p><w:r><w:t>c{i}</w:t></w:r></w:p></w:comment>'
        for i in (7, 8, 9)
    )
    doc = read_docx(make_docx(body, comments=comments))
    c = {x.id: x for x in doc.comments}
    assert (c["7"].start, c["7"].end, c["7"].anchor) == (5, 5, "")
    assert (c["8"].start, c["8"].end) == (11, 11)
    assert (c["9"].start, c["9"].end) == (None, None)
    for cid in "789":
        assert len(c[cid].notices) == 1 and c[cid].notices[0].where == f"comment {cid}"


def test_replies_and_resolved_from_comments_extended():
    body = para('<w:commentRangeStart w:id="0"/>' + run("Text") + '<w:commentRangeEnd w:id="0"/>'
                '<w:commentRangeStart w:id="1"/><w:commentRangeEnd w:id="1"/>')
    comments = (
        '<w:comment w:id="0" w:author="A" w:date="2024-01-01T00:00:00Z">'
        '<w:p w14:paraId="00000A01"><w:r><w:t>Question</w:t></w:r></w:p>'
        '<w:p w14:paraId="00000A02"><w:r><w:t>continued</w:t></w:r></w:p></w:comment>'
        '<w:comment w:id="1" w:author="B" w:date="2024-01-02T00:00:00Z">'
        '<w:p w14:paraId="00000B01"><w:r><w:t>Answer</w:t></w:r></w:p></w:comment>'
    )
    # keyed by the LAST paragraph of each comment
    extended = ('<w15:commentEx w15:paraId="00000A02" w15:done="1"/>'
                '<w15:commentEx w15:paraId="00000B01" w15:paraIdParent="00000A02" w15:done="0"/>')
    doc = read_docx(make_docx(body, comments=comments, comments_extended=extended))
    c = {x.id: x for x in doc.comments}
    assert c["0"].resolved is True and c["0"].parent is None
    assert c["1"].resolved is False and c["1"].parent == "0"
    assert c["1"].anchor == "" and c["1"].start == c["1"].end == 4


# -- crafted: headings, numbering and sections -------------------------------------------------

NUMBERING = """
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/><w:pStyle w:val="Heading1"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/><w:pStyle w:val="Heading2"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2.%3."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%2)"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="3">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="4"><w:numStyleLink w:val="AnnexList"/></w:abstractNum>
<w:abstractNum w:abstractNumId="5"><w:styleLink w:val="AnnexList"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="Annex %1"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="6">
  <w:lvl w:ilvl="0"><w:start w:val="1"/>
    <mc:AlternateContent><mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="001, 002, 003, ..."/></mc:Choice>
    <mc:Fallback><w:numFmt w:val="decimalZero"/></mc:Fallback></mc:AlternateContent>
    <w:lvlText w:val="%1"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>
<w:num w:numId="6"><w:abstractNumId w:val="4"/></w:num>
<w:num w:numId="7"><w:abstractNumId w:val="5"/></w:num>
<w:num w:numId="8"><w:abstractNumId w:val="6"/></w:num>
<w:num w:numId="9"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>
"""

NUMBERED_STYLES = (
    HEADING_STYLES.replace(
        '<w:outlineLvl w:val="0"/>', '<w:outlineLvl w:val="0"/><w:numPr><w:numId w:val="1"/></w:numPr>'
    ).replace(
        '<w:outlineLvl w:val="1"/>', '<w:outlineLvl w:val="1"/><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>'
    )
    + '<w:style w:type="numbering" w:styleId="AnnexList"><w:name w:val="Annex List"/>'
      '<w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr></w:style>'
    + '<w:style w:type="paragraph" w:styleId="MyHeading"><w:name w:val="My Heading"/>'
      '<w:basedOn w:val="Heading2"/></w:style>'
    + '<w:style w:type="paragraph" w:styleId="berschrift3"><w:name w:val="Heading 3"/></w:style>'
)


def _num(num_id: str, ilvl: int = 0) -> str:
    return f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'


def _numbered_doc():
    body = "".join([
        para(run("Foreword text")),                                    # 0
        para(run("Scope"), style="Heading1"),                          # 1   "1"
        para(run("Intro text")),                                       # 2
        para(run("Terms"), style="Heading2"),                          # 3   "1.1"
        para(run("first item"), ppr=_num("3")),                        # 4   "a)"
        para(run("nested"), ppr=_num("3", 1)),                         # 5   "(i)"
        para(run("second item"), ppr=_num("3")),                       # 6   "b)"
        para(run("Symbols"), style="MyHeading"),                       # 7   "1.2" (style based on Heading2)
        para(run("a bullet"), ppr=_num("5")),                          # 8   bullet
        para(run("Requirements"), style="Heading1"),                   # 9   "2"
        para(run("Deep"), ppr=_num("1", 2) + '<w:outlineLvl w:val="2"/>'),  # 10 "2.1.1." level 3
        para(run("restarted list"), ppr=_num("4")),                    # 11  "a)" (startOverride)
        para(run("Overview"), ppr=_num("2") + '<w:outlineLvl w:val="0"/>'),  # 12 "I."
        para(run("Details"), ppr=_num("2") + '<w:outlineLvl w:val="0"/>'),   # 13 "II."
        para(run("3.4 Typed number"), style="Heading2", ppr=_num("0")),  # 14 numId 0: literal
        para(run("text under 3.4")),                                   # 15
        para(run("Annex II Tables"), style="berschrift3", ppr=_num("0")),  # 16 name "Heading 3"
        para(run("Linked"), ppr=_num("6") + '<w:outlineLvl w:val="0"/>'),  # 17 numStyleLink -> "Annex A"
        para(run("zero padded"), ppr=_num("8")),                       # 18  "01"
        para(run("Heading without number"), style="Heading3"),         # 19
        para(run("body"), style="Title"),                              # 20  Title is not a heading
        para(run("Later"), ppr=_num("9") + '<w:outlineLvl w:val="0"/>'),  # 21 startOverride 7
    ])
    return read_docx(make_docx(body, styles=NUMBERED_STYLES, numbering=NUMBERING))


def test_multilevel_numbered_headings_and_sections():
    doc = _numbered_doc()
    got = [(b.kind, b.heading_level, b.number, b.section, b.section_title) for b in doc.blocks]
    assert got == [
        ("paragraph", None, "", "", ""),
        ("heading", 1, "1", "1", "Scope"),
        ("paragraph", None, "", "1", "Scope"),
        ("heading", 2, "1.1", "1.1", "Terms"),
        ("list-item", None, "a)", "1.1", "Terms"),
        ("list-item", None, "(i)", "1.1", "Terms"),
        ("list-item", None, "b)", "1.1", "Terms"),
        ("heading", 2, "1.2", "1.2", "Symbols"),
        ("list-item", None, "", "1.2", "Symbols"),
        ("heading", 1, "2", "2", "Requirements"),
        ("heading", 3, "2.1.1.", "2.1.1", "Deep"),
        ("list-item", None, "a)", "2.1.1", "Deep"),
        ("heading", 1, "I.", "I", "Overview"),
        ("heading", 1, "II.", "II", "Details"),
        ("heading", 2, "3.4", "3.4", "3.4 Typed number"),
        ("paragraph", None, "", "3.4", "3.4 Typed number"),
        ("heading", 3, "Annex II", "Annex II", "Annex II Tables"),
        ("heading", 1, "Annex A", "Annex A", "Linked"),
        ("list-item", None, "01", "Annex A", "Linked"),
        ("heading", 3, "", "Heading without number", "Heading without number"),
        ("paragraph", None, "", "Heading without number", "Heading without number"),
        ("heading", 1, "7", "7", "Later"),
    ]
    assert doc.blocks[1].style == "heading 1" and doc.blocks[0].style == "Normal"


def test_literal_numbers_typed_in_headings():
    from redraft.parsers.docx.body import literal_number

    assert literal_number("4.2 Scope") == "4.2"
    assert literal_number("4.2. Scope") == "4.2."
    assert literal_number("IV. Findings") == "IV."
    assert literal_number("Annex I Terms") == "Annex I"
    assert literal_number("A. General") == "A."
    assert literal_number("2024 was a year") == "2024"
    assert literal_number("Introduction") == ""
    assert literal_number("I think") == ""


def test_number_formats():
    from redraft.parsers.docx.numbering import format_number, trim_number

    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14, 40, 1999)] == ["I", "IV", "IX", "XIV", "XL", "MCMXCIX"]
    assert format_number(3, "lowerRoman") == "iii"
    assert [format_number(n, "upperLetter") for n in (1, 26, 27, 28)] == ["A", "Z", "AA", "BB"]
    assert format_number(2, "lowerLetter") == "b"
    assert format_number(7, "decimalZero") == "07" and format_number(12, "decimalZero") == "12"
    assert format_number(5, "none") == "" and format_number(5, "chineseCounting") == "5"
    assert format_number(2, "ordinal") == "2nd"
    assert [trim_number(x) for x in ("4.2.", "IV.", "a)", "(iii)", "Annex I")] == ["4.2", "IV", "a", "iii", "Annex I"]


def test_numbers_follow_the_original_text_when_a_reviewer_deletes_a_section():
    deleted = '<w:rPr><w:del w:id="9" w:author="Bob" w:date="2024-05-02T10:00:00Z"/></w:rPr>'
    inserted = '<w:rPr><w:ins w:id="8" w:author="Ann" w:date="2024-05-02T10:00:00Z"/></w:rPr>'
    body = (
        para(run("One"), style="Heading1")
        + para(dele(del_run("Two")), style="Heading1", ppr=deleted)
        + para(run("Three"), style="Heading1")
        + para(ins(run("New")), style="Heading1", ppr=inserted)
        + para(run("text"))
    )
    doc = read_docx(make_docx(body, styles=NUMBERED_STYLES, numbering=NUMBERING))
    # the reviewer's copy keeps the draft's numbers (1, 2, 3); the inserted heading is
    # numbered as the reviewer sees it (One=1, Three=2, New=3)
    assert [b.number for b in doc.blocks] == ["1", "2", "3", "3", ""]
    assert [b.section_title for b in doc.blocks] == ["One", "Two", "Three", "New", "New"]


def test_inserted_numbering_has_no_number_in_the_original():
    numpr_ins = ('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/>'
                 '<w:ins w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:numPr>')
    doc = read_docx(make_docx(para(run("item"), ppr=numpr_ins), styles=NUMBERED_STYLES, numbering=NUMBERING))
    # the paragraph is in the original text, where it was not numbered
    assert doc.blocks[0].number == "" and doc.blocks[0].kind == "paragraph"
    assert [(c.revision.kind, c.detail) for c in doc.format_changes] == [("numbering", "numbering added")]


def test_text_boxes_are_left_out_with_a_notice():
    box = ('<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
           '<w:txbxContent><w:p><w:r><w:t>boxed</w:t></w:r></w:p></w:txbxContent></wp:inline></w:drawing></w:r>')
    doc = read_docx(make_docx(para(run("Flow ") + box + run("text"))))
    assert doc.text("accepted") == "Flow text\n" and len(doc.blocks) == 1
    assert any("text box" in n.message for n in doc.notices)
