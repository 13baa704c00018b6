"""The resolution table reviewers can trust (issue 7, acceptance 1-3), on real flow runs.

- resolution.xlsx read by openpyxl AND by LibreOffice Calc: every row of the model in its
  document's sheet, the Disposition drop-down, frozen header, filter, wrapped text;
- IDs stable across reruns: a new folder, one more (later) e-mail, and mail found late with
  an earlier received time rerun into the same folder;
- resolution.html rendered by headless Chromium: screenshot kept in the tests' artefacts
  folder, three inline SVG charts, the search/filter script working;
- reviewer text with `<script>`, `=HYPERLINK(...)`, `+ - @` and tab starts comes out inert in
  every output (xlsx, csv, html, docx, redline and proposals comments, submissions.csv).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

import docx
import lxml.html
import openpyxl
import pytest
from lxml import etree

from chromium import SKIP_REASON as NO_CHROMIUM, artifacts_dir, dump_dom, find_chromium, png_info, screenshot
from conftest import SAMPLE
from libreoffice import SYSTEM_PYTHON, _reader_env
from redraft.consolidate.ids import assign_ids, read_registry, registry
from redraft.models.changes import Origin, Source
from redraft.models.resolution import COLUMNS, DISPOSITIONS
from redraft.outputs.resolution_html import SCRIPT

flow_test = pytest.mark.flow  # the tests below that run the flow; the ID unit tests do not
oracle_test = pytest.mark.oracle  # ... and those checked by LibreOffice or Chromium

HEADINGS = [h for _, h in COLUMNS]
CALC = Path(__file__).with_name("lo_uno_calc.py")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
EVIL = '=HYPERLINK("http://evil.example","click")'
PAYLOADS = ("<script>alert(1)</script>", EVIL, "+cmd", "@SUM(1)", "-2+3")  # one Word comment each
TAB_FIRST = "\tTab first"  # a tracked insertion that starts with a tab (Word comments are stripped)
EVIL_NAME = '=HYPERLINK("http://evil.example","name")'
EVIL_FILE = '=HYPERLINK("evil.example","file").docx'  # no "/": a sender's path is cut off
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# -- building consultations ------------------------------------------------------------------


def copy_sample(folder: Path) -> Path:
    """A private copy of the sample consultation; its consultation file."""
    shutil.copytree(SAMPLE.parent, folder)
    return folder / SAMPLE.name


def write_mail(inbox: Path, name: str, sender: Address, received: datetime, body: str,
               attachments: dict[str, bytes] | None = None, subject: str = "Comments on the ToR") -> Path:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "info@alliance87.org"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(received)
    msg["Message-ID"] = f"<{name}@test.example>"
    msg.set_content(body)
    for filename, data in (attachments or {}).items():
        msg.add_attachment(data, maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                           filename=filename)
    path = inbox / f"{name}.eml"
    path.write_bytes(msg.as_bytes())
    return path


def _text_paragraphs(body) -> list:
    return [p for p in body.iter(f"{{{W}}}p")
            if "".join(p.itertext()).strip() and p.find(f"{{{W}}}pPr/{{{W}}}pStyle") is None]


def hostile_copy(draft: bytes) -> bytes:
    """The draft with one Word comment per payload and a tracked insertion of a formula."""
    parts = {}
    with zipfile.ZipFile(io.BytesIO(draft)) as z:
        for info in z.infolist():
            parts[info.filename] = z.read(info)
    root = etree.fromstring(parts["word/document.xml"])
    paragraphs = _text_paragraphs(root)
    comments = etree.Element(f"{{{W}}}comments", nsmap={"w": W})
    for i, payload in enumerate(PAYLOADS):
        p = paragraphs[2 + i]
        runs = p.findall(f"{{{W}}}r")
        runs[0].addprevious(etree.Element(f"{{{W}}}commentRangeStart", {f"{{{W}}}id": str(i)}))
        runs[-1].addnext(etree.Element(f"{{{W}}}commentRangeEnd", {f"{{{W}}}id": str(i)}))
        ref = etree.SubElement(p, f"{{{W}}}r")
        etree.SubElement(ref, f"{{{W}}}commentReference", {f"{{{W}}}id": str(i)})
        comment = etree.SubElement(comments, f"{{{W}}}comment", {
            f"{{{W}}}id": str(i), f"{{{W}}}author": "@SUM(1)", f"{{{W}}}initials": "GM",
            f"{{{W}}}date": "2018-08-14T10:00:00Z"})
        t = etree.SubElement(etree.SubElement(etree.SubElement(comment, f"{{{W}}}p"), f"{{{W}}}r"), f"{{{W}}}t")
        t.text = payload
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    field_comment(comments, paragraphs[2 + len(PAYLOADS) + 3])
    field_insertion(paragraphs[2 + len(PAYLOADS) + 4])
    for n, text in enumerate((EVIL, TAB_FIRST)):
        target = paragraphs[2 + len(PAYLOADS) + 1 + n]
        ins = etree.SubElement(target, f"{{{W}}}ins", {f"{{{W}}}id": str(100 + n), f"{{{W}}}author": EVIL_NAME,
                                                      f"{{{W}}}date": "2018-08-14T10:05:00Z"})
        run = etree.SubElement(ins, f"{{{W}}}r")
        if text.startswith("\t"):
            etree.SubElement(run, f"{{{W}}}tab")
        etree.SubElement(run, f"{{{W}}}t").text = text.lstrip("\t")
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8", standalone=True)
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/comments" Target="comments.xml"/></Relationships>')).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace("</Types>", (
        '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.comments+xml"/></Types>')).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


FIELD_TEXT = "field result text"  # what a member's HYPERLINK field shows; its instruction is not text
FIELD_INSTR = ' HYPERLINK "http://evil.example/field" '


def _field_runs(text: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
            f'{FIELD_INSTR}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{text}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def field_comment(comments, paragraph) -> None:
    """A Word comment whose text is a simple HYPERLINK field, on `paragraph`."""
    runs = paragraph.findall(f"{{{W}}}r")
    runs[0].addprevious(etree.Element(f"{{{W}}}commentRangeStart", {f"{{{W}}}id": "50"}))
    runs[-1].addnext(etree.Element(f"{{{W}}}commentRangeEnd", {f"{{{W}}}id": "50"}))
    etree.SubElement(etree.SubElement(paragraph, f"{{{W}}}r"), f"{{{W}}}commentReference", {f"{{{W}}}id": "50"})
    comments.append(etree.fromstring(
        f'<w:comment xmlns:w="{W}" w:id="50" w:author="GM" w:date="2018-08-14T10:01:00Z"><w:p>'
        f'<w:fldSimple w:instr=\'{FIELD_INSTR}\'><w:r><w:t>{FIELD_TEXT}</w:t></w:r></w:fldSimple>'
        f'</w:p></w:comment>'))


def field_insertion(paragraph) -> None:
    """A tracked insertion that is a complex HYPERLINK field."""
    paragraph.append(etree.fromstring(
        f'<w:ins xmlns:w="{W}" w:id="60" w:author="GM" w:date="2018-08-14T10:02:00Z">{_field_runs(" " + FIELD_TEXT)}</w:ins>'))


def build_hostile(folder: Path) -> Path:
    """The samples plus a member whose e-mail text, Word comments, tracked change, display
    name and file name carry formulas and markup, and an unknown sender named like a formula."""
    toml = copy_sample(folder)
    inbox = folder / "inbox"
    draft = (folder / "drafts" / "tor-v1.docx").read_bytes()
    body = "\n\n".join(["Dear Secretariat,", *PAYLOADS,
                        f"In 4.2 replace 'twice a year' with '{EVIL}'.", "Best regards"])
    write_mail(inbox, "14-globalmarch-hostile", Address(EVIL_NAME, addr_spec="jdoe@globalmarch.org"),
               datetime(2018, 8, 14, 11, 0, tzinfo=timezone.utc), body, {EVIL_FILE: hostile_copy(draft)},
               subject=EVIL)
    write_mail(inbox, "15-unknown-hostile", Address("=cmd|' /C calc'!A0", addr_spec="mallory@evil.example"),
               datetime(2018, 8, 14, 12, 0, tzinfo=timezone.utc), "@SUM(1)\n\n" + EVIL,
               {EVIL_FILE: hostile_copy(draft)}, subject="+cmd")
    return toml


LATER_PROPOSAL = "In 4.2 replace 'twice a year' with 'three times a year'."


def add_norland_mail(folder: Path, name: str, received: datetime) -> None:
    """One more e-mail from a member that already has rows in BOTH drafts' sheets."""
    write_mail(folder / "inbox", name, Address("Ravi Perera", addr_spec="r.perera@mela.gov.example"),
               received, f"Dear Secretariat,\n\n{LATER_PROPOSAL}\n\nBest regards,\nRavi Perera")


# -- running the flow ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_flow(consultation_run):
    def run(toml: Path, out: Path) -> Path:
        consultation_run(toml, out)
        return out

    return run


@pytest.fixture(scope="module")
def sample_out(run_flow, tmp_path_factory):
    return run_flow(SAMPLE, tmp_path_factory.mktemp("trust-sample"))


@pytest.fixture(scope="module")
def hostile_out(run_flow, tmp_path_factory):
    base = tmp_path_factory.mktemp("trust-hostile")
    return run_flow(build_hostile(base / "consultation"), base / "out")


@pytest.fixture(scope="module")
def calc(libreoffice):
    """Read workbooks with LibreOffice Calc (skips when Calc is not installed)."""
    program = Path(libreoffice.soffice).resolve().parent
    if not (program / "libscfiltlo.so").exists():  # Calc's xlsx filter, in libreoffice-calc
        pytest.skip("LibreOffice Calc not installed: apt-get install libreoffice-calc")
    cache: dict[Path, dict] = {}

    def read(path: Path) -> dict:
        if path not in cache:
            done = subprocess.run([SYSTEM_PYTHON, str(CALC), "--port", str(libreoffice.port), str(path)],
                                  capture_output=True, text=True, env=_reader_env(), timeout=180)
            lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
            if not lines:
                raise RuntimeError(f"lo_uno_calc.py gave nothing: {done.stderr[-2000:]}")
            if "error" in lines[0]:
                raise RuntimeError(lines[0]["error"])
            cache[path] = {s["name"]: s for s in lines[0]["sheets"]}
        return cache[path]

    return read


def model_rows(out: Path) -> list[dict]:
    """The table's rows as the model wrote them (resolution.csv, the plain-data form)."""
    with (out / "resolution.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def ids_by_row(out: Path) -> dict[tuple, str]:
    """Row identity (what the row is, not its number) → ID."""
    return {(r["Document"], r["Organisation"], r["Source"], r["File sha256"], r["Quoted text"],
             r["Comment"], r["Proposed change"]): r["ID"] for r in model_rows(out)}


# -- 1. the workbook --------------------------------------------------------------------------


@flow_test
def test_xlsx_has_every_model_row_with_dropdowns_in_openpyxl(sample_out):
    rows = model_rows(sample_out)
    assert rows, "the samples give rows"
    wb = openpyxl.load_workbook(sample_out / "resolution.xlsx")
    assert wb.sheetnames[0] == "Summary"
    documents = list(dict.fromkeys(r["Document"] for r in rows))
    assert wb.sheetnames[1:] == ["tor", "guidance"] and set(documents) <= set(wb.sheetnames)
    for key in wb.sheetnames[1:]:
        ws = wb[key]
        want = [r for r in rows if r["Document"] == key]
        assert [c.value for c in ws[1]] == HEADINGS
        got = [[c.value if c.value is not None else "" for c in line] for line in ws.iter_rows(min_row=2)]
        assert [g[0] for g in got] == [r["ID"] for r in want]
        assert got == [[r[h] for h in HEADINGS] for r in want]  # every cell, as the model has it
        assert ws.freeze_panes == "B2"
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(HEADINGS))}{len(want) + 1}"
        assert all(c.alignment.wrap_text for line in ws.iter_rows(min_row=2) for c in line)
        (dv,) = ws.data_validations.dataValidation
        col = openpyxl.utils.get_column_letter(HEADINGS.index("Disposition") + 1)
        assert dv.type == "list" and dv.formula1.strip('"').split(",") == list(DISPOSITIONS)
        assert str(dv.sqref).startswith(f"{col}2:{col}")
    assert len({r["ID"] for r in rows}) == len(rows), "IDs are unique"
    summary = json.loads((sample_out / "summary.json").read_text(encoding="utf-8"))["documents"]
    for key in wb.sheetnames[1:]:  # what consolidation decided, counted apart from the writers
        col = openpyxl.utils.get_column_letter(HEADINGS.index("Disposition") + 1)
        dispositions = [c.value for c in wb[key][col][1:]]
        assert len(dispositions) == summary[key]["proposals"]
        assert {d: dispositions.count(d) for d in set(dispositions)} == summary[key]["by_disposition"]


GUIDE_DISPOSITIONS = ("Accepted", "Accepted with modification", "Not accepted", "Noted",
                      "Duplicate", "Deferred", "Withdrawn", "Out of scope")


@flow_test
@oracle_test
def test_xlsx_in_libreoffice_calc(sample_out, calc):
    rows = model_rows(sample_out)
    sheets = calc(sample_out / "resolution.xlsx")
    assert list(sheets) == ["Summary", "tor", "guidance"]
    for key in ("tor", "guidance"):
        sheet = sheets[key]
        want = [r for r in rows if r["Document"] == key]
        assert sheet["rows"][0] == HEADINGS
        assert [line[0] for line in sheet["rows"][1:]] == [r["ID"] for r in want]
        assert sheet["rows"][1:] == [[r[h] for h in HEADINGS] for r in want]
        assert sheet["formulas"] == [] and sheet["links"] == []
        assert sheet["frozen"] == [1, 1], "header row (and ID column) frozen"
        assert sheet["autofilter"] == f"A1:{openpyxl.utils.get_column_letter(len(HEADINGS))}{len(want) + 1}"
        assert sheet["wrapped"] == sheet["cells"] > 0
        validation = sheet["validation"]
        assert validation["type"] == "LIST" and validation["show_list"]
        assert validation["list"] == list(DISPOSITIONS)
        assert set(GUIDE_DISPOSITIONS) <= set(validation["list"])
        assert validation["cells"] == validation["of"] == len(want)


# -- IDs across reruns ---------------------------------------------------------------------------


@flow_test
def test_ids_are_the_same_in_a_new_folder(sample_out, run_flow, tmp_path):
    again = run_flow(SAMPLE, tmp_path / "again")
    assert ids_by_row(again) == ids_by_row(sample_out)
    assert (again / "resolution.xlsx").read_bytes() == (sample_out / "resolution.xlsx").read_bytes()


@flow_test
def test_one_more_later_mail_moves_no_earlier_id(sample_out, run_flow, tmp_path):
    toml = copy_sample(tmp_path / "consultation")
    add_norland_mail(tmp_path / "consultation", "14-norland-later", datetime(2018, 8, 15, 15, 30, tzinfo=timezone.utc))
    before, after = ids_by_row(sample_out), ids_by_row(run_flow(toml, tmp_path / "out"))
    assert any(k[1].startswith("Ministry of Employment") and k[0] == "guidance" for k in before), \
        "Norland has rows in the other draft too: numbering by document first would move them"
    assert {k: after[k] for k in before} == before
    new = {k: v for k, v in after.items() if k not in before}
    assert len(new) == 1 and "three times a year" in next(iter(new))[6]
    number = int(next(iter(new.values())).rsplit("-", 1)[1])
    norland = [int(v.rsplit("-", 1)[1]) for k, v in before.items() if k[1].startswith("Ministry of Employment")]
    assert number == max(norland) + 1


@flow_test
def test_mail_found_with_an_earlier_time_moves_no_id_in_the_same_folder(run_flow, tmp_path):
    toml = copy_sample(tmp_path / "consultation")
    out = run_flow(toml, tmp_path / "out")
    before = ids_by_row(out)
    add_norland_mail(tmp_path / "consultation", "00-norland-early", datetime(2018, 8, 1, 9, 0, tzinfo=timezone.utc))
    after = ids_by_row(run_flow(toml, out))
    assert {k: after[k] for k in before} == before
    (new_id,) = set(after.values()) - set(before.values())
    assert new_id.startswith("MELRN-")
    assert len(after) == len(before) + 1


@flow_test
def test_decisions_round_trip_into_a_new_folder_keeps_the_ids_of_its_table(run_flow, tmp_path):
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from redraft.flows.consultation import consultation_flow

    toml = copy_sample(tmp_path / "consultation")
    first = run_flow(toml, tmp_path / "round1")
    add_norland_mail(tmp_path / "consultation", "00-norland-early", datetime(2018, 8, 1, 9, 0, tzinfo=timezone.utc))
    second = tmp_path / "round1b"
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        consultation_flow(str(toml), str(second), str(first / "resolution.xlsx"), "accept-non-conflicting")
    before, after = ids_by_row(first), ids_by_row(second)
    assert {k: after[k] for k in before} == before, "the decisions file's IDs name the same rows"
    assert len(after) == len(before) + 1


# -- 2. the HTML report in Chromium ----------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    browser = find_chromium()
    if browser is None:
        pytest.skip(NO_CHROMIUM)
    return browser


@flow_test
@oracle_test
def test_html_renders_in_chromium_with_charts(sample_out, chromium):
    page = (sample_out / "resolution.html").as_uri()
    png = screenshot(chromium, page, artifacts_dir("table-trust") / "resolution-html.png", (1400, 2000))
    info = png_info(png)
    assert (info["width"], info["height"]) == (1400, 2000) and info["complete"]
    assert info["rows"] > 200, "the screenshot shows more than a blank page"
    dom = lxml.html.fromstring(dump_dom(chromium, page))
    assert dom.body.get("data-filter") == "ready", "the page's script ran"
    charts = {f.findtext("figcaption"): f.find(".//svg") for f in dom.iter("figure")}
    assert {"Comments per disposition", "Comments per constituency", "Comments per section"} <= set(charts)
    rows = model_rows(sample_out)
    for name, column in (("Comments per disposition", "Disposition"), ("Comments per constituency", "Constituency")):
        bars = charts[name].findall(".//g")
        counts = {b.findtext("title").rsplit(": ", 1)[0]: int(b.findtext("title").rsplit(": ", 1)[1]) for b in bars}
        want: dict[str, int] = {}
        for r in rows:
            want[r[column] or "(none)"] = want.get(r[column] or "(none)", 0) + 1
        assert counts == want
    sections = [f for f in dom.iter("figure") if f.findtext("figcaption") == "Comments per section"]
    assert len(sections) == 2, "one per draft"
    assert dom.get_element_by_id("shown").text_content() == str(len(rows))


@flow_test
@oracle_test
def test_html_search_and_filter_run_in_chromium(sample_out, chromium):
    rows = model_rows(sample_out)
    page = (sample_out / "resolution.html").as_uri()
    dom = lxml.html.fromstring(dump_dom(chromium, page + "?disposition=Accepted"))
    shown = [tr.get("id") for tr in dom.xpath("//tr[@class='row']") if tr.get("hidden") is None]
    assert shown == [r["ID"] for r in rows if r["Disposition"] == "Accepted"] and shown
    assert dom.get_element_by_id("shown").text_content() == str(len(shown))
    dom = lxml.html.fromstring(dump_dom(chromium, page + "?q=UNICEF"))
    shown = {tr.get("id") for tr in dom.xpath("//tr[@class='row']") if tr.get("hidden") is None}
    visible = ("ID", "Organisation", "Constituency", "Submitter", "Quoted text", "Comment", "Proposed change",
               "Disposition", "Duplicate of", "Rationale", "Modified text", "Resulting text")
    assert shown == {r["ID"] for r in rows if "unicef" in " ".join(r[h] for h in visible).lower()}
    assert {r["ID"] for r in rows if r["Organisation"] == "UNICEF"} < shown < {r["ID"] for r in rows}


# -- 3. hostile reviewer text comes out inert ---------------------------------------------------


def _hostile_rows(out: Path) -> list[dict]:
    return [r for r in model_rows(out) if r["Organisation"] == "Global March Against Child Labour"]


@flow_test
def test_hostile_text_reaches_the_table(hostile_out):
    comments = [r["Comment"] for r in _hostile_rows(hostile_out)]
    for payload in PAYLOADS:
        shown = "'" + payload if payload.startswith(FORMULA_STARTS) else payload
        assert shown in comments, f"{payload!r} is a row's comment of its own"
    resulting = {r["Resulting text"] for r in _hostile_rows(hostile_out)}
    assert "'" + EVIL in resulting and "'" + TAB_FIRST in resulting


def _is_inert(value: str) -> bool:
    return not value or not value.lstrip(" ").startswith(FORMULA_STARTS) or value.startswith("'")


@flow_test
def test_csv_cells_are_neutralised(hostile_out):
    for name in ("resolution.csv", "submissions.csv"):
        with (hostile_out / name).open(encoding="utf-8-sig", newline="") as fh:
            cells = [c for line in csv.reader(fh) for c in line]
        bad = [c for c in cells if not _is_inert(c)]
        assert bad == [], name
    with (hostile_out / "submissions.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    mine = [r for r in rows if r["message_id"] == "<14-globalmarch-hostile@test.example>"]
    assert mine[0]["sender"].startswith("'=HYPERLINK(")
    assert mine[0]["subject"] == "'" + EVIL
    assert [r["filename"] for r in mine[1:]] == ["'" + EVIL_FILE]
    held = [r for r in rows if r["message_id"] == "<15-unknown-hostile@test.example>"]
    assert held[0]["status"] == "held-unknown-sender"
    assert held[0]["sender"].startswith("'=cmd|") and held[0]["organisation"].startswith("'=cmd|")


@flow_test
def test_xlsx_cells_are_text_in_openpyxl(hostile_out):
    wb = openpyxl.load_workbook(hostile_out / "resolution.xlsx")
    cells = [c for ws in wb for line in ws.iter_rows() for c in line if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [c.value for c in cells if isinstance(c.value, str) and not _is_inert(c.value)] == []
    assert all(c.hyperlink is None for c in cells)
    values = {c.value for c in cells}
    assert "'" + EVIL in values and "<script>alert(1)</script>" in values
    with zipfile.ZipFile(hostile_out / "resolution.xlsx") as z:
        assert not [n for n in z.namelist() if "externalLink" in n or n.endswith(".rels") and b"hyperlink" in z.read(n)]
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


@flow_test
@oracle_test
def test_xlsx_cells_are_text_in_libreoffice_calc(hostile_out, calc):
    sheets = calc(hostile_out / "resolution.xlsx")
    for sheet in sheets.values():
        assert sheet["formulas"] == [] and sheet["links"] == [], sheet["name"]
    tor = sheets["tor"]
    comment = HEADINGS.index("Comment")
    comments = [line[comment] for line in tor["rows"][1:]]
    assert "'" + EVIL in comments and "<script>alert(1)</script>" in comments and "'-2+3" in comments


@flow_test
@oracle_test
def test_redline_comments_read_literally_by_libreoffice(hostile_out, libreoffice):
    path = hostile_out / "tor" / "redline.docx"
    contents = [c["content"] for c in libreoffice.read([path])[path]["comments"]]
    for payload in (*PAYLOADS, FIELD_TEXT):
        assert any(c.endswith("] " + payload) for c in contents), payload


@flow_test
def test_html_has_no_live_reviewer_script(hostile_out):
    text = (hostile_out / "resolution.html").read_text(encoding="utf-8")
    page = lxml.html.fromstring(text)
    scripts = page.xpath("//script")
    assert len(scripts) == 1 and scripts[0].text == SCRIPT
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)" not in text
    assert page.xpath("//*[@href or @src]") == [] and not page.xpath("//iframe|//object|//embed|//a")
    assert not [a for e in page.iter() if isinstance(e.tag, str) for a in e.attrib if a.startswith("on")]
    assert any(td.text_content() == "<script>alert(1)</script>" for td in page.xpath("//td/div"))
    assert any(EVIL in td.text_content() for td in page.xpath("//td/div"))


@flow_test
@oracle_test
def test_html_shows_hostile_text_literally_in_chromium(hostile_out, chromium):
    page = (hostile_out / "resolution.html").as_uri()
    screenshot(chromium, page + "?q=Global%20March", artifacts_dir("table-trust") / "hostile-html.png")
    dom = lxml.html.fromstring(dump_dom(chromium, page + "?q=Global%20March"))
    assert len(dom.xpath("//script")) == 1
    assert dom.body.get("data-filter") == "ready"
    texts = [div.text_content() for div in dom.xpath("//tr[@class='row' and not(@hidden)]//div")]
    assert "<script>alert(1)</script>" in texts


def _docx_xml(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".xml") or n.endswith(".rels")}


FIELD_MARKS = (b"<w:fldSimple", b"<w:instrText", b"<w:fldChar", b"<w:hyperlink", b"relationships/hyperlink")


@flow_test
def test_word_outputs_show_hostile_text_literally(hostile_out):
    table = docx.Document(hostile_out / "resolution.docx")
    cells = {c.text for t in table.tables for row in t.rows for c in row.cells}
    for payload in PAYLOADS:
        assert payload in cells, f"{payload!r} shown as it was written"
    for path in [hostile_out / "resolution.docx", *hostile_out.glob("*/redline.docx"),
                 *hostile_out.glob("*/proposals.docx"), *hostile_out.glob("*/merged.docx")]:
        for name, xml in _docx_xml(path).items():
            assert not [m for m in FIELD_MARKS if m in xml], f"{path.name}:{name}"
    for name in ("redline.docx", "proposals.docx"):
        comments = etree.fromstring(_docx_xml(hostile_out / "tor" / name)["word/comments.xml"])
        texts = ["".join(c.itertext()) for c in comments.iterfind("w:comment", NS)]
        assert any("<script>alert(1)</script>" in t for t in texts), name
        assert any(EVIL in t for t in texts), name
        assert any(t.endswith("] " + FIELD_TEXT) for t in texts), f"{name}: a member's field comes as its shown text"
    redline = etree.fromstring(_docx_xml(hostile_out / "tor" / "redline.docx")["word/document.xml"])
    inserted = ["".join(i.itertext()) for i in redline.iterfind(".//w:ins", NS)]
    assert EVIL in inserted, "the member's formula-like insertion is plain tracked text"
    assert " " + FIELD_TEXT in inserted, "the member's inserted field is plain tracked text"
    for path in [hostile_out / "resolution.docx", *hostile_out.glob("*/*.docx")]:
        assert not [n for n, xml in _docx_xml(path).items() if b"evil.example/field" in xml], path.name


# -- the numbering itself (no flow) -------------------------------------------------------------


def _proposal(org: str, document: str, day: int, n: int = 0):
    origin = Origin(document=document, organisation=org, constituency="", sender=f"x@{org}.org",
                    sender_name="X", received=datetime(2018, 8, day, 9, tzinfo=timezone.utc),
                    message_id=f"<{org}-{day}@m>", credited=org)
    return origin.proposal(source=Source.COMMENT, start=n, end=n + 1, old="x", new=None,
                           comment=f"{org} {document} {day} {n}", key=f"{org}-{document}-{day}-{n}")


def _ids(proposals, known=None) -> dict[str, str]:
    return {p.key: p.id for p in assign_ids(proposals, {"tor": 0, "guidance": 1}, known)}


def test_ids_follow_arrival_not_document_order():
    first = [_proposal("ILO", "guidance", 3), _proposal("ILO", "tor", 5)]
    before = _ids(first)
    assert before == {"ILO-guidance-3-0": "ILO-001", "ILO-tor-5-0": "ILO-002"}
    after = _ids(first + [_proposal("ILO", "tor", 9)])
    assert {k: after[k] for k in before} == before and after["ILO-tor-9-0"] == "ILO-003"
    assert _ids(list(reversed(first))) == before, "input order does not matter"


def test_known_ids_pin_earlier_rows_against_earlier_mail_and_gaps():
    first = assign_ids([_proposal("ILO", "tor", 5, n) for n in range(3)] + [_proposal("UNICEF", "tor", 6)],
                       {"tor": 0})
    known = read_registry(registry(first))
    assert known == {p.key: (p.id, p.organisation) for p in first}
    early = _proposal("ILO", "tor", 1)  # found late, received before everything else
    dropped = [p for p in first if p.id != "ILO-002"]  # e.g. its copy was superseded
    again = _ids([early, *dropped], known)
    assert {k: again[k] for k in (p.key for p in dropped)} == {p.key: p.id for p in dropped}
    assert again[early.key] == "ILO-004", "the next free number; ILO-002 is never given again"
    renamed = first[0].with_(organisation="International Labour Office", author="International Labour Office")
    assert _ids([renamed], known)[renamed.key] == "ILO2-001", "same key, another organisation: not pinned"


def test_known_codes_are_kept_when_a_lookalike_organisation_arrives_earlier():
    known = read_registry(registry(assign_ids([_proposal("ILO", "tor", 5)], {"tor": 0})))
    ids = _ids([_proposal("ILO Foundation", "tor", 1), _proposal("ILO", "tor", 5)], known)
    assert ids == {"ILO Foundation-tor-1-0": "ILO2-001", "ILO-tor-5-0": "ILO-001"}


def test_a_broken_registry_is_ignored():
    assert read_registry(None) == {} and read_registry(b"not json") == {} and read_registry(b"[1]") == {}
