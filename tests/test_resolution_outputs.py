"""The resolution table writers: csv, xlsx, docx, html."""

from __future__ import annotations

import csv
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from html.parser import HTMLParser

import docx
import openpyxl
import pytest
from docx.enum.section import WD_ORIENT

from redraft.models.resolution import COLUMNS, DISPOSITIONS, ResolutionRow, ResolutionTable
from redraft.outputs.resolution_csv import write_resolution_csv
from redraft.outputs.resolution_docx import write_resolution_docx
from redraft.outputs.resolution_html import render_resolution_html, write_resolution_html
from redraft.outputs.resolution_xlsx import write_resolution_xlsx
from redraft.outputs.safe_cells import neutralise, xml_safe
from redraft.ooxml.package import restamp

STAMP = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
HEADINGS = [h for _, h in COLUMNS]
XSS = "<script>alert(1)</script>"


def _row(**values) -> ResolutionRow:
    base = {name: "" for name, _ in COLUMNS}
    base.update(round="1", version="v2", received="2024-04-02", status="open",
                disposition="Pending", type="te")
    base.update(values)
    return ResolutionRow(**base)


@pytest.fixture
def table() -> ResolutionTable:
    rows = (
        _row(id="TOR-001", document="tor", section="1. Scope", organisation="ILO",
             constituency="Workers", anchor="all workers", comment="Add «informal» workers.",
             proposed="all workers, including informal ones", disposition="Accepted"),
        _row(id="TOR-002", document="tor", section="1. Scope", organisation="ACME",
             constituency="Employers", comment='=HYPERLINK("http://x")'),
        _row(id="TOR-003", document="tor", section="", organisation="Müller GmbH",
             constituency="Employers", comment=XSS, disposition="Not accepted",
             rationale="Out of mandate."),
        _row(id="TOR-004", document="tor", section="2. Méthode", organisation="Gov Ærø",
             constituency="Governments", comment="@SUM(A1)", proposed="-1 day"),
        _row(id="ANX-001", document="annex", section="Annex A", organisation="ILO",
             constituency="Workers", comment="Typo:\nline two\x0b.", type="ed"),
        _row(id="ANX-002", document="annex", section="Annex A", organisation="UNI",
             constituency="Workers", comment="Same as TOR-001", disposition="Duplicate",
             duplicate_of="TOR-001"),
    )
    return ResolutionTable(
        title="Consultation on the ToR — 2024",
        documents={"tor": "Terms of reference", "annex": "Annex: glossary"},
        rows=rows,
    )


# -- safe cells / zip -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "  =A1", "\t1", "\r1", "\n=1"])
def test_neutralise_formula_starts(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["", "plain", "a=b", "'quoted", "1-2"])
def test_neutralise_leaves_text_alone(value):
    assert neutralise(value) == value


def test_xml_safe_drops_control_characters():
    assert xml_safe("a\x00b\x0bc\td\ne") == "abc\td\ne"


def test_restamp_fixes_dates_and_keeps_order():
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("b.txt", (2020, 5, 5, 1, 2, 4)), "B")
        z.writestr(zipfile.ZipInfo("a.txt", (2021, 5, 5, 1, 2, 4)), "A")
    out = restamp(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert [i.filename for i in z.infolist()] == ["b.txt", "a.txt"]
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
        assert z.read("a.txt") == b"A"
    assert restamp(out) == out


# -- csv --------------------------------------------------------------------------------


def test_csv_round_trip(table, tmp_path):
    path = write_resolution_csv(table, tmp_path / "resolution.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == HEADINGS
    assert [line[0] for line in lines[1:]] == [r.id for r in table.rows]
    comment = HEADINGS.index("Comment")
    assert lines[2][comment] == '\'=HYPERLINK("http://x")'
    assert lines[3][comment] == XSS
    assert lines[4][comment] == "'@SUM(A1)"
    assert lines[4][HEADINGS.index("Proposed change")] == "'-1 day"
    assert lines[1][comment] == "Add «informal» workers."
    assert lines[5][comment] == "Typo:\nline two."
    assert lines[3][HEADINGS.index("Organisation")] == "Müller GmbH"


# -- xlsx -------------------------------------------------------------------------------


def test_xlsx_layout(table, tmp_path):
    path = write_resolution_xlsx(table, tmp_path / "resolution.xlsx", STAMP)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "tor", "annex"]
    assert wb.properties.creator == "redraft"
    assert wb.properties.created == datetime(2024, 5, 6, 7, 8, 9)
    assert wb.properties.modified == datetime(2024, 5, 6, 7, 8, 9)
    disp_col = openpyxl.utils.get_column_letter(HEADINGS.index("Disposition") + 1)
    last_col = openpyxl.utils.get_column_letter(len(HEADINGS))
    for key in ("tor", "annex"):
        ws = wb[key]
        rows = table.rows_for(key)
        assert [c.value for c in ws[1]] == HEADINGS
        assert all(c.font.bold for c in ws[1])
        assert ws.freeze_panes == "B2"
        assert ws.auto_filter.ref == f"A1:{last_col}{len(rows) + 1}"
        assert ws.max_row == len(rows) + 1
        assert [ws.cell(i + 2, 1).value for i in range(len(rows))] == [r.id for r in rows]
        assert ws.cell(2, 1).alignment.wrap_text
        validations = ws.data_validations.dataValidation
        assert len(validations) == 1
        dv = validations[0]
        assert dv.type == "list" and dv.allow_blank
        assert dv.formula1.strip('"').split(",") == list(DISPOSITIONS)
        assert str(dv.sqref) == f"{disp_col}2:{disp_col}{len(rows) + 201}"
        assert ws.column_dimensions["N"].width > ws.column_dimensions["B"].width
    tor = wb["tor"]
    comment = HEADINGS.index("Comment") + 1
    assert tor.cell(3, comment).value == '\'=HYPERLINK("http://x")'
    assert tor.cell(3, comment).data_type == "s"
    assert tor.cell(4, comment).value == XSS
    assert tor.cell(5, comment).value == "'@SUM(A1)"
    assert tor.cell(5, HEADINGS.index("Organisation") + 1).value == "Gov Ærø"


def test_xlsx_summary_counts(table, tmp_path):
    path = write_resolution_xlsx(table, tmp_path / "resolution.xlsx", STAMP)
    ws = openpyxl.load_workbook(path)["Summary"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == table.title
    header = next(v for v in values if v[:2] == ["Document", "Title"])
    tor = next(v for v in values if v[0] == "tor")
    assert tor[header.index("Pending")] == 2
    assert tor[header.index("Accepted")] == 1
    assert tor[header.index("Total")] == 4
    con_header = next(v for v in values if v[0] == "Constituency")
    workers = next(v for v in values if v[0] == "Workers")
    assert workers[con_header.index("Total")] == 3
    assert workers[con_header.index("Duplicate")] == 1


def test_xlsx_is_byte_identical(table, tmp_path):
    a = write_resolution_xlsx(table, tmp_path / "a.xlsx", STAMP).read_bytes()
    b = write_resolution_xlsx(table, tmp_path / "b.xlsx", STAMP).read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_xlsx_odd_document_keys(table, tmp_path):
    rows = tuple(replace(r, document="a/b:c" if r.document == "tor" else "Summary")
                 for r in table.rows)
    odd = ResolutionTable("T", {"a/b:c": "x", "Summary": "y"}, rows)
    wb = openpyxl.load_workbook(write_resolution_xlsx(odd, tmp_path / "odd.xlsx", STAMP))
    assert wb.sheetnames == ["Summary", "a_b_c", "Summary (2)"]


# -- docx -------------------------------------------------------------------------------


def test_docx_layout(table, tmp_path):
    path = write_resolution_docx(table, tmp_path / "resolution.docx", STAMP)
    doc = docx.Document(path)
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    headings = [(p.style.name, p.text) for p in doc.paragraphs
                if p.style.name.startswith(("Heading", "Title"))]
    assert headings == [
        ("Title", table.title),
        ("Heading 1", "Terms of reference"),
        ("Heading 2", "1. Scope"),
        ("Heading 2", "General"),
        ("Heading 2", "2. Méthode"),
        ("Heading 1", "Annex: glossary"),
        ("Heading 2", "Annex A"),
    ]
    assert len(doc.tables) == 4
    first = doc.tables[0]
    assert [c.text for c in first.rows[0].cells] == [
        "ID", "Organisation", "Quoted text", "Comment / proposed change", "Disposition",
        "Rationale / resulting text",
    ]
    assert first.rows[0]._tr.trPr.xpath("./w:tblHeader")
    first_ids = [t.rows[1].cells[0].text for t in doc.tables]
    assert first_ids == ["TOR-001", "TOR-003", "TOR-004", "ANX-001"]
    assert doc.tables[1].rows[1].cells[3].text == XSS
    assert doc.tables[3].rows[2].cells[4].text == "Duplicate of TOR-001"
    assert doc.core_properties.author == "redraft"
    assert doc.core_properties.modified == STAMP


def test_docx_is_byte_identical(table, tmp_path):
    a = write_resolution_docx(table, tmp_path / "a.docx", STAMP).read_bytes()
    b = write_resolution_docx(table, tmp_path / "b.docx", STAMP).read_bytes()
    assert a == b


# -- html -------------------------------------------------------------------------------


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.data: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)

    def handle_data(self, data):
        self.data.append(data)


def test_html_escapes_reviewer_text(table, tmp_path):
    path = write_resolution_html(table, tmp_path / "resolution.html")
    text = path.read_text(encoding="utf-8")
    scan = _Scan()
    scan.feed(text)
    assert scan.tags.count("script") == 1
    assert text.count("<script") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert XSS in "".join(scan.data)  # shown to the reader as text
    assert scan.external == []
    assert "svg" in scan.tags and "rect" in scan.tags
    assert "Content-Security-Policy" in text


def test_html_content(table):
    import lxml.html

    page = lxml.html.fromstring(render_resolution_html(table))
    assert len(page.xpath("//script")) == 1
    assert len(page.xpath("//svg")) == 4  # disposition, constituency, one per document
    assert [e.text_content() for e in page.xpath("//h2")][0].startswith("Terms of reference")
    ids = page.xpath("//tr[@class='row']/td[1]/text()")
    assert ids == [r.id for r in table.rows]
    sections = [th.text.strip() for th in page.xpath("//tr[@class='section-head']/th")]
    assert sections == ["1. Scope", "General", "2. Méthode", "Annex A"]
    assert page.xpath("//input[@id='q']") and page.xpath("//select[@id='disposition']/option")
    assert page.xpath("//tr[@id='TOR-003']/@data-disposition") == ["Not accepted"]


def test_html_is_deterministic(table):
    assert render_resolution_html(table) == render_resolution_html(table)


def test_html_csp_allows_only_its_own_script(table):
    import base64
    import hashlib

    import lxml.html

    page = lxml.html.fromstring(render_resolution_html(table))
    script = page.xpath("//script")[0].text
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert f"script-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp
