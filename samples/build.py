"""Build the Alliance 8.7 sample consultation: ``python samples/build.py``.

Writes, deterministically (the same bytes on every run), the folder ``samples/alliance87/``::

    consultation.toml   members.csv   EXPECTED.md
    drafts/tor-v1.docx  drafts/pathfinder-guidance-v1.docx
    inbox/NN-short-name.eml

The drafts are made with python-docx; the reviewers' copies are the drafts edited the way
Word (or LibreOffice) records tracked changes and comments, by the small lxml toolkit in
this module (``_Package`` and ``_Editor``). The texts of the drafts are in ``texts.py``;
the reviewers' changes (``COPIES``) and the e-mails (``MAILS``) are data below, so tests
can assert on them.

Determinism: fixed zip timestamps (1980-01-01), zip entries sorted by name, fixed dates,
Message-IDs and MIME boundaries, paraIds derived from a hash of fixed keys.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import textwrap
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import docx
from docx.shared import Cm, Pt
from lxml import etree

try:  # imported as ``samples.build``
    from . import texts
except ImportError:  # run as ``python samples/build.py``
    import texts  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
DEFAULT_TARGET = HERE / "alliance87"

# --------------------------------------------------------------------------------------
# The consultation
# --------------------------------------------------------------------------------------

SECRETARIAT = "info@alliance87.org"

CONSULTATION_TOML = """\
[consultation]
title = "GCG comments on the draft ToR and Pathfinder guidance note"
deadline = 2018-08-15T18:00:00+02:00
inbox = "inbox"
secretariat = ["info@alliance87.org"]
members = "members.csv"

[[documents]]
key = "tor"
title = "Terms of Reference of Alliance 8.7"
draft = "drafts/tor-v1.docx"

[[documents]]
key = "guidance"
title = "Pathfinder guidance note"
draft = "drafts/pathfinder-guidance-v1.docx"
"""

DEADLINE = datetime(2018, 8, 15, 18, 0, tzinfo=timezone(timedelta(hours=2)))

MEMBERS: list[tuple[str, str, str]] = [
    ("@ilo.org", "ILO", "UN agency"),
    ("@unicef.org", "UNICEF", "UN agency"),
    ("@iom.int", "IOM", "UN agency"),
    ("@unodc.org", "UNODC", "UN agency"),
    ("a.diallo@labour.gov.example", "Ministry of Labour and Social Security, Examplia",
     "Government"),
    ("@mela.gov.example", "Ministry of Employment and Labour Relations, Norland", "Government"),
    ("@ituc-csi.org", "ITUC", "Workers"),
    ("@ioe-emp.org", "IOE", "Employers"),
    ("@au.int", "African Union Commission", "Regional organisation"),
    ("@antislavery.org", "Anti-Slavery International", "Civil society"),
    ("@walkfree.org", "Walk Free", "Civil society"),
    ("@cocem.example", "COCEM (Collectif des ONG contre l'esclavage moderne)", "Civil society"),
    ("@globalmarch.org", "Global March Against Child Labour", "Civil society"),
]

DRAFT_FILES = {"tor": "drafts/tor-v1.docx", "guidance": "drafts/pathfinder-guidance-v1.docx"}
DRAFT_BLOCKS = {"tor": texts.TOR, "guidance": texts.GUIDANCE}
DRAFT_TITLES = {"tor": texts.TOR_TITLE, "guidance": texts.GUIDANCE_TITLE}
DRAFT_DATE = datetime(2018, 7, 16, 8, 0)  # UTC, naive as python-docx wants it
DRAFT_AUTHOR = "Alliance 8.7 Secretariat"

# --------------------------------------------------------------------------------------
# The reviewers' copies
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One change or comment in a reviewer's copy, quoted against the draft.

    kind:
      ``replace``   tracked ``old`` -> ``new`` (a ``w:del`` then a ``w:ins``)
      ``insert``    tracked insertion of ``new`` right after the draft text ``old``
      ``delete``    tracked deletion of ``old``
      ``paragraph`` a new tracked paragraph ``new`` after the paragraph containing ``old``
      ``comment``   a Word comment ``new`` anchored on ``old`` (``replies``: its thread)
      ``edit``      untracked ``old`` -> ``new`` (a clean edited copy)
    within: a longer text of the draft, occurring once, that contains ``old`` once (when
    ``old`` alone is not unique). ``by``/``initials``/``at`` are ``w:author``,
    ``w:initials`` and ``w:date``.
    """

    kind: str
    old: str
    new: str = ""
    within: str = ""
    by: str = ""
    initials: str = ""
    at: str = ""
    replies: tuple[tuple[str, str, str, str], ...] = ()  # (author, initials, date, text)

    @property
    def context(self) -> str:
        """The draft text that locates the change (occurs once in the draft)."""
        return self.within or self.old

    def accepted_context(self) -> str:
        """What ``context`` reads like once the change is accepted."""
        if self.kind in ("replace", "delete", "edit"):
            return self.context.replace(self.old, self.new, 1)
        if self.kind == "insert":
            return self.context.replace(self.old, self.old + self.new, 1)
        return self.context


@dataclass(frozen=True)
class Copy:
    """A reviewer's copy of a draft: ``style`` is ``word``, ``libreoffice`` or ``clean``."""

    key: str
    draft: str
    style: str
    saved_by: str  # cp:lastModifiedBy
    saved_at: str  # dcterms:modified
    changes: tuple[Change, ...]

    @property
    def tracked(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind in ("replace", "insert", "delete",
                                                          "paragraph"))

    @property
    def comments(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == "comment")


def _ilo() -> Copy:
    by, ini = "ROSSI Maria", "RM"
    return Copy("tor-ilo", "tor", "word", by, "2018-08-09T14:30:00Z", (
        Change("replace", "for a term of three years", "for a single term of four years",
               by=by, at="2018-08-08T09:12:00Z"),
        Change("insert", "including the fundamental principles and rights at work",
               " as set out in the ILO Declaration on Fundamental Principles and Rights at "
               "Work (1998)", by=by, at="2018-08-08T09:20:00Z"),
        Change("delete", ", such as the secondment of staff,", by=by, at="2018-08-08T09:41:00Z"),
        Change("paragraph", "hosting arrangements shall be reviewed by the GCG every four years.",
               "The host organisation shall report to the GCG each year on the support it "
               "provides to the Secretariat, including staff time and office facilities.",
               by=by, at="2018-08-08T09:47:00Z"),
        Change("comment", "A representative may be selected for a second consecutive term",
               "If the term becomes a single four-year term, this sentence will have to go.\n"
               "We have left it for now, pending the views of the other constituencies.",
               by=by, initials=ini, at="2018-08-08T09:15:00Z",
               replies=(("TANAKA Kenji", "TK", "2018-08-09T07:58:00Z",
                         "Agreed. The Secretariat could align this sentence with whichever "
                         "term is retained."),)),
        Change("comment", "Interpretation into French and Spanish shall be provided subject to "
                          "the availability of resources.",
               "Could the Secretariat estimate the cost of interpretation? Several GCG members "
               "work mainly in French or Spanish, and participation should not depend on "
               "language.", by=by, initials=ini, at="2018-08-08T10:02:00Z"),
    ))


def _unicef() -> Copy:
    by, ini = "Jane Okafor", "JO"
    return Copy("tor-unicef", "tor", "word", by, "2018-08-13T14:55:00Z", (
        Change("replace", "three years", "two years", within="for a term of three years",
               by=by, at="2018-08-13T14:21:00Z"),
        Change("insert", "an organisation that works directly with survivors",
               " or with children at risk", by=by, at="2018-08-13T14:26:00Z"),
        Change("replace", "his or her", "their", by=by, at="2018-08-13T14:33:00Z"),
        Change("comment", "Survivor-led organisations are encouraged to stand for election.",
               "UNICEF suggests adding a reference to the participation of children and "
               "adolescents in consultations that concern them, in line with article 12 of the "
               "Convention on the Rights of the Child.", by=by, initials=ini,
               at="2018-08-13T14:40:00Z"),
    ))


def _examplia() -> Copy:
    by = "MLSS Legal Unit"  # the Word user name differs from the person and the ministry
    return Copy("tor-examplia", "tor", "word", by, "2018-08-14T08:40:00Z", (
        Change("replace", "his or her", "their", by=by, at="2018-08-14T08:31:00Z"),
        Change("replace", "ten working days", "fifteen working days", by=by,
               at="2018-08-14T08:35:00Z"),
    ))


def _ituc() -> Copy:
    by = "Luc Martens"
    return Copy("tor-ituc", "tor", "clean", by, "2018-08-14T15:10:00Z", (
        Change("edit", "meaningful", "full",
               within="social dialogue and the meaningful participation"),
        Change("edit", "ten days", "two weeks",
               within="no later than ten days before the meeting"),
        Change("edit", "unless the country concerned objects.",
               "unless the country concerned objects. Reports shall describe how workers' and "
               "employers' organisations were consulted in their preparation."),
    ))


def _au() -> Copy:
    by = "Tesfaye Bekele"
    return Copy("tor-au", "tor", "word", by, "2018-08-16T06:05:00Z", (
        Change("insert", "The GCG may invite other organisations,", " regional economic "
               "communities,", by=by, at="2018-08-16T06:01:00Z"),
    ))


def _norland_tor() -> Copy:
    by, ini = "Ravi Perera", "RP"
    return Copy("tor-norland", "tor", "word", by, "2018-08-15T13:40:00Z", (
        Change("replace", "six months", "twelve months",
               within="Within six months of its recognition", by=by, at="2018-08-15T13:02:00Z"),
        Change("insert", "to use existing resources more effectively", " and transparently",
               by=by, at="2018-08-15T13:10:00Z"),
        Change("comment", "A quorum is constituted when at least half of the members of the GCG "
                          "are present",
               "Please clarify whether members taking part by video link count towards the "
               "quorum.", by=by, initials=ini, at="2018-08-15T13:25:00Z"),
    ))


def _norland_guidance() -> Copy:
    by, ini = "Ravi Perera", "RP"
    return Copy("guidance-norland", "guidance", "word", by, "2018-08-15T13:55:00Z", (
        Change("replace", "should be able to contribute", "must be consulted", by=by,
               at="2018-08-15T13:44:00Z"),
        Change("comment", "Months 6 to 8",
               "The GCG meets only twice a year: depending on the date of the application, the "
               "decision may take longer than eight months.", by=by, initials=ini,
               at="2018-08-15T13:50:00Z"),
    ))


def _cocem() -> Copy:
    by, ini = "Bénédicte Kouassi", "BK"
    return Copy("guidance-cocem", "guidance", "word", by, "2018-08-10T12:30:00Z", (
        Change("comment", "Pathfinder status is not a reward for past achievements, nor is it a "
                          "ranking of countries.",
               "Nous proposons de préciser comment la société civile peut saisir le GCG "
               "lorsqu'un pays pionnier ne respecte pas ses engagements.", by=by, initials=ini,
               at="2018-08-10T11:05:00Z"),
        Change("comment", "The costs of the consultation are normally borne by the government",
               "Les organisations de la société civile des pays à faible revenu auront besoin "
               "d'un appui financier pour participer à la consultation nationale. Qui le "
               "prendra en charge ?", by=by, initials=ini, at="2018-08-10T11:20:00Z"),
        Change("comment", "5.2 Peer exchange",
               "Civil society organisations should also be invited to the annual meeting of "
               "pathfinder countries.", by=by, initials=ini, at="2018-08-10T11:34:00Z"),
    ))


def _antislavery() -> Copy:
    by, ini = "Ruth Campbell", "RC"
    return Copy("guidance-antislavery", "guidance", "libreoffice", by, "2018-08-13T14:20:00Z", (
        Change("replace", "should be able to contribute", "must be consulted", by=by,
               at="2018-08-13T13:58:00Z"),
        Change("comment", "may attach their own observations to the report",
               "These observations should be published together with the government's report, "
               "not only sent to the Secretariat.", by=by, initials=ini,
               at="2018-08-13T14:07:00Z"),
    ))


def _iom() -> Copy:
    by = "PEREIRA Ana"
    return Copy("guidance-iom", "guidance", "word", by, "2018-08-15T15:40:00Z", (
        Change("replace", "should be able to contribute", "should be enabled to contribute",
               by=by, at="2018-08-15T15:12:00Z"),
        Change("insert", "social protection or", " labour", by=by, at="2018-08-15T15:18:00Z"),
        Change("paragraph", "The ILO and UNICEF can provide technical assistance for this "
                            "purpose.",
               "Data on human trafficking should be disaggregated by sex, age, nationality and "
               "form of exploitation. IOM can support the collection and analysis of such data.",
               by=by, at="2018-08-15T15:31:00Z"),
    ))


COPIES: dict[str, Copy] = {c.key: c for c in (
    _ilo(), _unicef(), _examplia(), _ituc(), _au(), _norland_tor(), _norland_guidance(),
    _cocem(), _antislavery(), _iom(),
)}

# --------------------------------------------------------------------------------------
# OOXML: names and small helpers
# --------------------------------------------------------------------------------------

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

COMMENTS_PART = "word/comments.xml"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_EX_PART = "word/commentsExtended.xml"
COMMENTS_EX_CT = ("application/vnd.openxmlformats-officedocument.wordprocessingml."
                  "commentsExtended+xml")
COMMENTS_EX_REL = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def q(name: str) -> str:
    """Clark name of a prefixed name: ``q("w:p")`` -> ``{...main}p``."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _el(name: str, attrs: dict[str, str] | None = None, text: str | None = None):
    """A new element (prefixed names for the tag and the attributes)."""
    element = etree.Element(q(name))
    for key, value in (attrs or {}).items():
        element.set(q(key), value)
    if text is not None:
        element.text = text
    return element


def _sub(parent, name: str, attrs: dict[str, str] | None = None, text: str | None = None):
    child = _el(name, attrs, text)
    parent.append(child)
    return child


def _para_id(*key: str) -> str:
    """A w14:paraId-like value (8 hex digits, below 0x80000000) derived from ``key``."""
    digest = hashlib.sha256(":".join(key).encode()).hexdigest()
    return f"{int(digest[:8], 16) & 0x7FFFFFFF:08X}"


def _read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_zip(parts: dict[str, bytes]) -> bytes:
    """A zip with sorted entries, fixed timestamps and attributes: the same bytes every run."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(parts):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, parts[name], compresslevel=6)
    return buffer.getvalue()


def _serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _Package:
    """A .docx held as {part name: bytes}; XML parts are parsed on demand, edited in place
    and written back by ``to_bytes``."""

    def __init__(self, data: bytes):
        self.parts = _read_zip(data)
        self._trees: dict[str, etree._Element] = {}

    def xml(self, name: str):
        if name not in self._trees:
            self._trees[name] = etree.fromstring(self.parts[name])
        return self._trees[name]

    def drop(self, name: str) -> None:
        """Remove a part, its content-type override and the relationships that target it."""
        self.parts.pop(name, None)
        self._trees.pop(name, None)
        types = self.xml("[Content_Types].xml")
        for override in types.findall(q("ct:Override")):
            if override.get("PartName") == "/" + name:
                types.remove(override)
        for rels_name in [n for n in self.parts if n.endswith(".rels")]:
            rels = self.xml(rels_name)
            for rel in rels.findall(q("pr:Relationship")):
                target = rel.get("Target")
                if target.lstrip("/") == name or (rels_name == "word/_rels/document.xml.rels"
                                                  and "word/" + target == name):
                    rels.remove(rel)

    def add(self, name: str, root, content_type: str, rel_type: str) -> None:
        """Add an XML part with its content-type override and a relationship from the body."""
        self._trees[name] = root
        self.parts[name] = b""
        types = self.xml("[Content_Types].xml")
        override = etree.SubElement(types, q("ct:Override"))
        override.set("PartName", "/" + name)
        override.set("ContentType", content_type)
        rels = self.xml("word/_rels/document.xml.rels")
        taken = {rel.get("Id") for rel in rels}
        number = 1
        while f"rId{number}" in taken:
            number += 1
        rel = etree.SubElement(rels, q("pr:Relationship"))
        rel.set("Id", f"rId{number}")
        rel.set("Type", rel_type)
        rel.set("Target", name.removeprefix("word/"))

    def to_bytes(self) -> bytes:
        parts = dict(self.parts)
        for name, root in self._trees.items():
            parts[name] = _serialise(root)
        return _write_zip(parts)


# --------------------------------------------------------------------------------------
# The drafts
# --------------------------------------------------------------------------------------


def _add_runs(paragraph, content) -> None:
    """Write a paragraph's content: a string, or (bold lead, rest) as two runs."""
    if isinstance(content, str):
        paragraph.add_run(content)
    else:
        lead, rest = content
        paragraph.add_run(lead).bold = True
        paragraph.add_run(rest)


def _add_table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Light Grid Accent 1"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            paragraph = table.cell(r, c).paragraphs[0]
            run = paragraph.add_run(text)
            run.bold = r == 0


def _compose(blocks: list[tuple], title: str):
    """The draft as a python-docx Document, from the blocks of ``texts.py``."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    document.styles["Normal"].font.size = Pt(11)
    for kind, content in blocks:
        if kind == "title":
            document.add_paragraph(content, style="Title")
        elif kind == "h1":
            document.add_paragraph(content, style="Heading 1")
        elif kind == "h2":
            document.add_paragraph(content, style="Heading 2")
        elif kind == "p":
            _add_runs(document.add_paragraph(style="Normal"), content)
        elif kind == "bullets":
            for item in content:
                _add_runs(document.add_paragraph(style="List Bullet"), item)
        elif kind == "table":
            _add_table(document, content)
            document.add_paragraph(style="Normal")  # Word keeps a paragraph after a table
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    props = document.core_properties
    props.author = DRAFT_AUTHOR
    props.last_modified_by = DRAFT_AUTHOR
    props.title = title
    props.subject = "Draft for consultation with the Global Coordinating Group"
    props.keywords = "Alliance 8.7; SDG target 8.7; GCG"
    props.comments = ""
    props.created = DRAFT_DATE
    props.modified = DRAFT_DATE
    props.revision = 1
    return document


def _stamp_para_ids(package: _Package, key: str) -> None:
    """Give every body paragraph a w14:paraId/w14:textId, as Word writes them."""
    body = package.xml("word/document.xml")
    for number, paragraph in enumerate(body.iter(q("w:p"))):
        paragraph.set(q("w14:paraId"), _para_id(key, "p", str(number)))
        paragraph.set(q("w14:textId"), _para_id(key, "t", str(number)))


def _as_word_file(package: _Package) -> None:
    """Tidy python-docx's template into what a Word-saved file looks like."""
    package.drop("docProps/thumbnail.jpeg")
    app = package.xml("docProps/app.xml")
    app.find(q("ep:Application")).text = "Microsoft Office Word"
    app.find(q("ep:AppVersion")).text = "16.0000"


def build_draft(key: str) -> bytes:
    """The bytes of one draft (``tor`` or ``guidance``)."""
    buffer = io.BytesIO()
    _compose(DRAFT_BLOCKS[key], DRAFT_TITLES[key]).save(buffer)
    package = _Package(buffer.getvalue())
    _as_word_file(package)
    _stamp_para_ids(package, key)
    return package.to_bytes()


# --------------------------------------------------------------------------------------
# The reviewers' copies: tracked changes and comments, the way Word/LibreOffice write them
# --------------------------------------------------------------------------------------

BREAK = "\x00"  # stands for a w:ins/w:del in a paragraph's searchable text: no match spans it


def _own_runs(paragraph) -> tuple[list[tuple[object, int, int]], str]:
    """The paragraph's own runs as (run, start, end), and its searchable text."""
    runs, pieces, position = [], [], 0
    for child in paragraph:
        if child.tag == q("w:r"):
            texts_ = child.findall(q("w:t"))
            if len(texts_) > 1:
                raise ValueError("a run with several w:t is not expected in the samples")
            text = (texts_[0].text or "") if texts_ else ""
            runs.append((child, position, position + len(text)))
            pieces.append(text)
            position += len(text)
        elif child.tag in (q("w:ins"), q("w:del")):
            pieces.append(BREAK)
            position += 1
    return runs, "".join(pieces)


def _set_text(run, text: str, tag: str = "w:t") -> None:
    node = run.find(q(tag))
    node.text = text
    node.set(XML_SPACE, "preserve")


def _split_at(paragraph, offset: int) -> None:
    """Make ``offset`` a run boundary, copying the run (and its w:rPr) if it falls inside."""
    for run, start, end in _own_runs(paragraph)[0]:
        if start < offset < end:
            text = run.find(q("w:t")).text
            twin = copy.deepcopy(run)
            _set_text(run, text[: offset - start])
            _set_text(twin, text[offset - start:])
            run.addnext(twin)
            return


def _runs_between(paragraph, start: int, end: int) -> list:
    """The paragraph's own runs covering exactly [start, end), splitting runs as needed."""
    _split_at(paragraph, start)
    _split_at(paragraph, end)
    return [run for run, a, b in _own_runs(paragraph)[0] if start <= a and b <= end and a < b]


def _run_ending_at(paragraph, offset: int):
    _split_at(paragraph, offset)
    for run, start, end in _own_runs(paragraph)[0]:
        if end == offset and start < end:
            return run
    raise ValueError(f"no run ends at offset {offset}")


def _new_run(text: str, like=None, deleted: bool = False):
    """A run holding ``text``, with a copy of the w:rPr of ``like`` (a run) if it has one."""
    run = _el("w:r")
    if like is not None and like.find(q("w:rPr")) is not None:
        run.append(copy.deepcopy(like.find(q("w:rPr"))))
    _sub(run, "w:delText" if deleted else "w:t", text=text).set(XML_SPACE, "preserve")
    return run


class _Editor:
    """Applies a reviewer's changes to one copy of a draft.

    ``style="word"``: unique ids shared by comments and revisions, w14:paraId on new
    paragraphs and comment paragraphs, a commentsExtended part. ``style="libreoffice"``:
    comment ids and revision ids both counted from 0 (they collide), no paraIds anywhere, no
    commentsExtended, and a comment made while recording leaves an empty insertion before
    its w:commentRangeEnd.
    """

    def __init__(self, package: _Package, key: str, style: str):
        self.package = package
        self.key = key
        self.style = style
        self.document = package.xml("word/document.xml")
        self.comments: list = []  # w:comment elements
        self.threads: list[tuple[str, str | None]] = []  # (last paraId, parent's last paraId)
        self._ids = {"revision": 0, "comment": 0}
        self._new_paras = 0

    # ---- ids ----------------------------------------------------------------------------
    def _next_id(self, kind: str) -> str:
        counter = kind if self.style == "libreoffice" else "revision"  # Word: one sequence
        value = self._ids[counter]
        self._ids[counter] += 1
        return str(value)

    def _new_para_id(self) -> str | None:
        if self.style == "libreoffice":
            return None
        self._new_paras += 1
        return _para_id(self.key, "new", str(self._new_paras))

    def _mark(self, name: str, author: str, date: str):
        """A w:ins / w:del (run wrapper or paragraph-mark flag)."""
        return _el(name, {"w:id": self._next_id("revision"), "w:author": author, "w:date": date})

    # ---- locating quoted text ------------------------------------------------------------
    def locate(self, text: str, within: str = "") -> tuple[object, int, int]:
        """The paragraph holding ``within`` (or ``text``) and the offsets of ``text`` in it.

        Refuses unless the context occurs exactly once in the document and ``text`` once in
        the context: the samples' quoted texts must be unambiguous.
        """
        context = within or text
        if context.count(text) != 1:
            raise ValueError(f"{text!r} must occur once in {context!r}")
        hits = []
        for paragraph in self.document.iter(q("w:p")):
            searchable = _own_runs(paragraph)[1]
            start = searchable.find(context)
            while start >= 0:
                hits.append((paragraph, start))
                start = searchable.find(context, start + 1)
        if len(hits) != 1:
            raise ValueError(f"{context!r} occurs {len(hits)} times in the {self.key} draft")
        paragraph, start = hits[0]
        start += context.index(text)
        return paragraph, start, start + len(text)

    # ---- tracked changes -----------------------------------------------------------------
    def _delete_runs(self, runs: list, author: str, date: str):
        deletion = self._mark("w:del", author, date)
        runs[0].addprevious(deletion)
        for run in runs:
            deletion.append(run)
            node = run.find(q("w:t"))
            node.tag = q("w:delText")
            node.set(XML_SPACE, "preserve")
        return deletion

    def replace(self, change: Change) -> None:
        paragraph, start, end = self.locate(change.old, change.within)
        runs = _runs_between(paragraph, start, end)
        deletion = self._delete_runs(runs, change.by, change.at)
        insertion = self._mark("w:ins", change.by, change.at)
        insertion.append(_new_run(change.new, like=runs[0]))
        deletion.addnext(insertion)

    def delete(self, change: Change) -> None:
        paragraph, start, end = self.locate(change.old, change.within)
        self._delete_runs(_runs_between(paragraph, start, end), change.by, change.at)

    def insert(self, change: Change) -> None:
        paragraph, _, end = self.locate(change.old, change.within)
        before = _run_ending_at(paragraph, end)
        insertion = self._mark("w:ins", change.by, change.at)
        insertion.append(_new_run(change.new, like=before))
        before.addnext(insertion)

    def paragraph(self, change: Change) -> None:
        """A new paragraph after the one holding ``old``; its runs and its mark inserted."""
        anchor, _, _ = self.locate(change.old, change.within)
        new = _el("w:p")
        para_id = self._new_para_id()
        if para_id:
            new.set(q("w14:paraId"), para_id)
            new.set(q("w14:textId"), _para_id(self.key, "new-text", para_id))
        properties = _sub(new, "w:pPr")
        style = anchor.find("w:pPr/w:pStyle", {"w": NS["w"]})
        if style is not None:
            properties.append(copy.deepcopy(style))
        mark_rpr = _sub(properties, "w:rPr")
        mark_rpr.append(self._mark("w:ins", change.by, change.at))
        insertion = self._mark("w:ins", change.by, change.at)
        insertion.append(_new_run(change.new))
        new.append(insertion)
        anchor.addnext(new)

    def edit(self, change: Change) -> None:
        """An untracked edit: the text is simply different."""
        paragraph, start, end = self.locate(change.old, change.within)
        runs = _runs_between(paragraph, start, end)
        _set_text(runs[0], change.new)
        for run in runs[1:]:
            paragraph.remove(run)

    # ---- comments ------------------------------------------------------------------------
    def _comment_element(self, cid: str, author: str, initials: str, date: str, text: str):
        """A w:comment; returns it and the w14:paraId of its last paragraph (Word only)."""
        comment = _el("w:comment", {"w:id": cid, "w:author": author, "w:date": date,
                                    "w:initials": initials})
        last_para_id = None
        for number, line in enumerate(text.split("\n")):
            paragraph = _sub(comment, "w:p")
            if self.style == "word":
                last_para_id = self._new_para_id()
                paragraph.set(q("w14:paraId"), last_para_id)
                paragraph.set(q("w14:textId"), "77777777")
                _sub(_sub(paragraph, "w:pPr"), "w:pStyle", {"w:val": "CommentText"})
                if number == 0:
                    ref = _sub(paragraph, "w:r")
                    _sub(_sub(ref, "w:rPr"), "w:rStyle", {"w:val": "CommentReference"})
                    _sub(ref, "w:annotationRef")
            run = _sub(paragraph, "w:r")
            if self.style == "libreoffice":
                _sub(run, "w:rPr")
            _sub(run, "w:t", text=line).set(XML_SPACE, "preserve")
        self.comments.append(comment)
        return last_para_id

    def _reference_run(self, cid: str):
        run = _el("w:r")
        if self.style == "word":
            _sub(_sub(run, "w:rPr"), "w:rStyle", {"w:val": "CommentReference"})
        _sub(run, "w:commentReference", {"w:id": cid})
        return run

    def comment(self, change: Change) -> None:
        paragraph, start, end = self.locate(change.old, change.within)
        runs = _runs_between(paragraph, start, end)
        cid = self._next_id("comment")
        range_start = _el("w:commentRangeStart", {"w:id": cid})
        range_end = _el("w:commentRangeEnd", {"w:id": cid})
        runs[0].addprevious(range_start)
        last = runs[-1]
        if self.style == "libreoffice":  # made while recording changes: an empty insertion
            empty = self._mark("w:ins", change.by, change.at)
            _sub(_sub(empty, "w:r"), "w:rPr")
            last.addnext(empty)
            last = empty
        last.addnext(range_end)
        reference = self._reference_run(cid)
        range_end.addnext(reference)
        parent_para = self._comment_element(cid, change.by, change.initials, change.at,
                                            change.new)
        self.threads.append((parent_para, None))
        for author, initials, date, text in change.replies:
            reply_id = self._next_id("comment")
            range_start.addnext(_el("w:commentRangeStart", {"w:id": reply_id}))
            reply_end = _el("w:commentRangeEnd", {"w:id": reply_id})
            reference.addnext(reply_end)
            reply_reference = self._reference_run(reply_id)
            reply_end.addnext(reply_reference)
            reference = reply_reference
            reply_para = self._comment_element(reply_id, author, initials, date, text)
            self.threads.append((reply_para, parent_para))

    # ---- finishing -----------------------------------------------------------------------
    def apply(self, change: Change) -> None:
        getattr(self, change.kind)(change)

    def finish(self, saved_by: str, saved_at: str) -> None:
        """Write the comments parts and the saved-by properties."""
        if self.comments:
            self._write_comments()
        core = self.package.xml("docProps/core.xml")
        core.find(q("cp:lastModifiedBy")).text = saved_by
        core.find(q("dcterms:modified")).text = saved_at
        core.find(q("cp:revision")).text = "2"
        if self.style == "libreoffice":
            self._as_libreoffice_file()

    def _write_comments(self) -> None:
        nsmap = {"w": NS["w"], "mc": NS["mc"]}
        if self.style == "word":
            nsmap["w14"] = NS["w14"]
        root = etree.Element(q("w:comments"), nsmap=nsmap)
        if self.style == "word":
            root.set(q("mc:Ignorable"), "w14")
        root.extend(self.comments)
        self.package.add(COMMENTS_PART, root, COMMENTS_CT, COMMENTS_REL)
        if self.style == "word":
            self._add_comment_styles()
            extended = etree.Element(q("w15:commentsEx"),
                                     nsmap={"w15": NS["w15"], "mc": NS["mc"]})
            extended.set(q("mc:Ignorable"), "w15")
            for para_id, parent in self.threads:
                entry = _sub(extended, "w15:commentEx", {"w15:paraId": para_id})
                if parent:
                    entry.set(q("w15:paraIdParent"), parent)
                entry.set(q("w15:done"), "0")
            self.package.add(COMMENTS_EX_PART, extended, COMMENTS_EX_CT, COMMENTS_EX_REL)

    def _add_comment_styles(self) -> None:
        """The two styles Word adds to styles.xml with the first comment."""
        styles = self.package.xml("word/styles.xml")
        text = _sub(styles, "w:style", {"w:type": "paragraph", "w:styleId": "CommentText"})
        _sub(text, "w:name", {"w:val": "annotation text"})
        _sub(text, "w:basedOn", {"w:val": "Normal"})
        _sub(text, "w:uiPriority", {"w:val": "99"})
        _sub(text, "w:unhideWhenUsed")
        rpr = _sub(text, "w:rPr")
        _sub(rpr, "w:sz", {"w:val": "20"})
        _sub(rpr, "w:szCs", {"w:val": "20"})
        ref = _sub(styles, "w:style", {"w:type": "character", "w:styleId": "CommentReference"})
        _sub(ref, "w:name", {"w:val": "annotation reference"})
        _sub(ref, "w:basedOn", {"w:val": "DefaultParagraphFont"})
        _sub(ref, "w:uiPriority", {"w:val": "99"})
        _sub(ref, "w:semiHidden")
        _sub(ref, "w:unhideWhenUsed")
        rpr = _sub(ref, "w:rPr")
        _sub(rpr, "w:sz", {"w:val": "16"})
        _sub(rpr, "w:szCs", {"w:val": "16"})

    def _as_libreoffice_file(self) -> None:
        """LibreOffice writes no w14 paragraph ids and names itself in app.xml."""
        for paragraph in self.document.iter(q("w:p")):
            for name in ("w14:paraId", "w14:textId"):
                paragraph.attrib.pop(q(name), None)
        app = self.package.xml("docProps/app.xml")
        app.find(q("ep:Application")).text = (
            "LibreOffice/6.0.5.2$Windows_X86_64 LibreOffice_project/"
            "54c8cbb85f300ac59db32fe8a675ff7683cd5a16")
        app.find(q("ep:AppVersion")).text = "15.0000"


def build_copy(spec: Copy, draft: bytes) -> bytes:
    """The bytes of a reviewer's copy: ``draft`` with ``spec``'s changes applied."""
    package = _Package(draft)
    editor = _Editor(package, spec.key, spec.style)
    for change in spec.changes:
        if (spec.style == "clean") != (change.kind == "edit"):
            raise ValueError(f"{spec.key}: {change.kind} in a {spec.style} copy")
        editor.apply(change)
    editor.finish(spec.saved_by, spec.saved_at)
    return package.to_bytes()


# --------------------------------------------------------------------------------------
# A tiny PDF, written by hand
# --------------------------------------------------------------------------------------


def build_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF 1.4 showing ``lines`` (ASCII) in Helvetica."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 11 Tf 14 TL 72 770 Td\n" + "".join(
        f"({escape(line)}) '\n" for line in lines) + "ET\n"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(stream.encode('ascii'))} >>\nstream\n{stream}endstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("ascii")
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R "
            f"/Info << /Title (Walk Free comments) /CreationDate (D:20180814151000+08'00') >> >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode("ascii")
    return bytes(out)


WALKFREE_PDF_LINES = [
    "Walk Free - comments on the draft Terms of Reference of Alliance 8.7",
    "",
    "Section 2.4 (civil-society seats): we support reserving a seat for an organisation",
    "that works directly with survivors, and suggest that survivor-led organisations",
    "be named explicitly.",
    "",
    "Section 6.4 (reporting): progress reports of pathfinder countries should be",
    "published in all cases, not only where the country does not object.",
    "",
    "Grace Thompson, Walk Free, 14 August 2018",
]

# --------------------------------------------------------------------------------------
# The inbox
# --------------------------------------------------------------------------------------

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Attached:
    """An attachment: ``source`` is ``draft:KEY``, ``copy:KEY`` or ``pdf:walkfree``."""

    filename: str
    source: str
    content_type: str = DOCX_TYPE
    expected: str = ""  # for EXPECTED.md: document matched and status


@dataclass(frozen=True)
class Mail:
    file: str
    name: str
    address: str
    date: datetime
    message_id: str
    subject: str
    body: str
    attachments: tuple[Attached, ...] = ()
    to: str = SECRETARIAT
    in_reply_to: str = ""
    organisation: str = ""
    contains: str = ""  # for EXPECTED.md
    status: str = "accepted"
    mailer: str = "Microsoft Outlook 16.0"


def _tz(hours: float) -> timezone:
    return timezone(timedelta(minutes=round(hours * 60)))


CALL_ID = "<gcg-consultation-2018-07@alliance87.org>"

CALL_BODY = """\
Dear members of the Global Coordinating Group,

Please find attached, for your comments, two drafts prepared by the Secretariat following the discussion at the last meeting of the GCG:

1. the draft Terms of Reference of Alliance 8.7 (tor-v1.docx);
2. the draft Pathfinder guidance note (pathfinder-guidance-v1.docx).

We would be grateful to receive your comments by Wednesday 15 August 2018, 18:00 Geneva time. Comments can be made directly in the Word documents, using tracked changes and comments, or in the body of an e-mail, quoting the text concerned and the section number.

Please send your comments to info@alliance87.org. The Secretariat will consolidate the comments received, prepare revised drafts and circulate a table showing how each comment has been addressed.

With best regards,

Alliance 8.7 Secretariat
International Labour Office
4 route des Morillons, CH-1211 Geneva 22
info@alliance87.org
"""

UNICEF_BODY = """\
Dear Secretariat,

Thank you for the opportunity to comment. UNICEF's comments on the draft Terms of Reference are attached in track changes, with one comment on the participation of children.

In particular, we suggest a shorter term for the rotating members of the GCG, so that more countries and organisations can take part in its work over time.

Best regards,

Jane Okafor
Child Protection Specialist
UNICEF Programme Division, New York
"""

UNICEF_DATE = datetime(2018, 8, 13, 11, 20, tzinfo=_tz(-4))


def _quoted(text: str) -> str:
    return "\n".join(("> " + line).rstrip() for line in text.rstrip("\n").split("\n")) + "\n"


MAILS: list[Mail] = [
    Mail("01-secretariat-call.eml", "Alliance 8.7 Secretariat", SECRETARIAT,
         datetime(2018, 7, 16, 10, 0, tzinfo=_tz(2)), CALL_ID,
         "Consultation: draft ToR and Pathfinder guidance note - comments by 15 August 2018",
         CALL_BODY,
         (Attached("tor-v1.docx", "draft:tor", expected="tor (the draft itself)"),
          Attached("pathfinder-guidance-v1.docx", "draft:guidance",
                   expected="guidance (the draft itself)")),
         to="Global Coordinating Group <gcg@alliance87.org>", organisation="(secretariat)",
         contains="The call for comments, with both drafts attached.",
         status="not-a-submission"),
    Mail("02-ilo-tor.eml", "Maria Rossi", "rossi@ilo.org",
         datetime(2018, 8, 9, 16, 45, tzinfo=_tz(2)), "<tor-ilo-1@mail.ilo.org>",
         "RE: Consultation: draft ToR and Pathfinder guidance note - comments by 15 August 2018",
         """\
Dear colleagues,

Please find attached the comments of the ILO on the draft Terms of Reference, in track changes. Our main point concerns the term of office of the rotating members of the GCG (section 2.3): we propose a single, longer term, to give representatives the time to contribute fully. We have also added a short paragraph on reporting by the host organisation (section 5.3).

Kind regards,

Maria Rossi
Senior Specialist, Fundamental Principles and Rights at Work
International Labour Office, Geneva
""",
         (Attached("ToR Alliance 8.7 - ILO comments.docx", "copy:tor-ilo",
                   expected="tor; accepted"),),
         in_reply_to=CALL_ID, organisation="ILO",
         contains="ToR, Word tracked changes: replacement (conflicts with UNICEF), insertion, "
                  "deletion, new paragraph; 2 comments, the first (2 paragraphs) with a reply "
                  "by a colleague (commentsExtended thread)."),
    Mail("03-unicef-tor.eml", "Jane Okafor", "jokafor@unicef.org", UNICEF_DATE,
         "<tor-unicef-1@unicef.org>", "UNICEF comments on draft ToR", UNICEF_BODY,
         (Attached("tor-v1_UNICEF.docx", "copy:tor-unicef", expected="tor; accepted"),),
         organisation="UNICEF",
         contains="ToR, Word tracked changes: 'three years' -> 'two years' in the sentence ILO "
                  "rewrites (CONFLICT), an insertion, 'his or her' -> 'their' (same as "
                  "Examplia: IDENTICAL); 1 comment."),
    Mail("04-examplia-tor.eml", "Amina Diallo", "a.diallo@labour.gov.example",
         datetime(2018, 8, 14, 9, 5, tzinfo=_tz(0)), "<20180814090512.4711@labour.gov.example>",
         "Examplia - comments on the draft Terms of Reference of Alliance 8.7",
         """\
Dear Sir or Madam,

On behalf of the Ministry of Labour and Social Security of the Republic of Examplia, I am pleased to transmit our comments on the draft Terms of Reference (attached, in tracked changes).

We propose gender-neutral wording in section 4.2 and a longer period for decisions by written procedure in section 3.2, as capitals often need more than ten working days to clear a position.

Yours faithfully,

Amina Diallo
Director, International Relations
Ministry of Labour and Social Security
Republic of Examplia
""",
         (Attached("ToR_v1_Examplia_MLSS.docx", "copy:tor-examplia", expected="tor; accepted"),),
         organisation="Ministry of Labour and Social Security, Examplia",
         contains="ToR, Word tracked changes by Word user 'MLSS Legal Unit': 'his or her' -> "
                  "'their' (IDENTICAL to UNICEF) and one other replacement."),
    Mail("05-ituc-tor-clean.eml", "Luc Martens", "luc.martens@ituc-csi.org",
         datetime(2018, 8, 14, 17, 30, tzinfo=_tz(2)), "<5b72f1aa.ituc.4242@ituc-csi.org>",
         "ITUC revised text - draft ToR Alliance 8.7",
         """\
Dear colleagues,

Attached is the ITUC's revised version of the draft Terms of Reference. We have edited the text directly rather than using track changes; the changes are few: the participation of the social partners (1.3), the time for circulating documents (4.3) and the consultation of workers' and employers' organisations on pathfinder reports (6.4).

In solidarity,

Luc Martens
Human and Trade Union Rights Department
International Trade Union Confederation (ITUC), Brussels
""",
         (Attached("ToR-ITUC-revised.docx", "copy:tor-ituc", expected="tor; accepted"),),
         organisation="ITUC",
         contains="ToR, CLEAN edited copy (no tracking): two word changes and one added "
                  "sentence, found only by comparing with the draft.", mailer="Thunderbird"),
    Mail("06-ioe-body-proposals.eml", "Sofia Lindqvist", "lindqvist@ioe-emp.org",
         datetime(2018, 8, 15, 12, 10, tzinfo=_tz(2)), "<ioe-gcg-tor-20180815@ioe-emp.org>",
         "RE: Consultation: draft ToR and Pathfinder guidance note - comments by 15 August 2018",
         """\
Dear Secretariat,

The IOE has two specific proposals on the draft Terms of Reference:

1. In 4.2 replace 'twice a year' with 'at least twice a year'.

2. In section 6, delete 'where appropriate'.

Employers' and workers' organisations should always be involved in the action plans of pathfinder countries, not only where this is judged appropriate.

More generally, the IOE considers that the Terms of Reference should recognise more clearly the role of business in preventing forced labour and child labour in supply chains, and invites the Secretariat to reflect this in section 7 on action groups.

We have no comments on the Pathfinder guidance note.

Best regards,

Sofia Lindqvist
Adviser
International Organisation of Employers (IOE), Geneva

On 16 Jul 2018, Alliance 8.7 Secretariat <info@alliance87.org> wrote:

""" + _quoted(CALL_BODY),
         in_reply_to=CALL_ID, organisation="IOE",
         contains="No attachment: two proposals in the body text (replace in 4.2, delete in "
                  "section 6), a general remark, and the quoted call below."),
    Mail("07-au-tor-late.eml", "Tesfaye Bekele", "bekelet@au.int",
         datetime(2018, 8, 16, 9, 12, tzinfo=_tz(3)), "<CAF7d2a1.au.int.late@au.int>",
         "AUC comments on the draft ToR (apologies for the delay)",
         """\
Dear colleagues,

Please accept our apologies for sending these comments after the deadline. The African Union Commission proposes to mention the regional economic communities among the bodies that the GCG may invite to its meetings (section 2.5); please see the attached document.

Best regards,

Tesfaye Bekele
Department of Social Affairs
African Union Commission, Addis Ababa
""",
         (Attached("ToR v1 AUC.docx", "copy:tor-au", expected="tor; late"),),
         organisation="African Union Commission", status="late",
         contains="LATE (16 Aug 2018 09:12 +0300): ToR with one tracked insertion."),
    Mail("08-unicef-tor-resend.eml", "Jane Okafor", "jokafor@unicef.org",
         datetime(2018, 8, 15, 8, 2, tzinfo=_tz(-4)), "<tor-unicef-2@unicef.org>",
         "FW: UNICEF comments on draft ToR",
         """\
Dear Secretariat,

I am resending our comments in case the message below did not arrive: we had problems with our mail server this week. The attachment is unchanged.

Best regards,
Jane

-----Original Message-----
From: Jane Okafor <jokafor@unicef.org>
Sent: Monday, August 13, 2018 11:20 AM
To: info@alliance87.org
Subject: UNICEF comments on draft ToR

""" + UNICEF_BODY,
         (Attached("tor-v1_UNICEF.docx", "copy:tor-unicef",
                   expected="tor; duplicate of 03 (same sha256)"),),
         organisation="UNICEF", status="duplicate",
         contains="RE-SENT DUPLICATE of 03: same attachment bytes, new Message-ID."),
    Mail("09-norland-both-drafts.eml", "Ravi Perera", "r.perera@mela.gov.example",
         datetime(2018, 8, 15, 19, 30, tzinfo=_tz(5.5)), "<norland.mela.20180815.1930@mela.gov.example>",
         "Norland - comments on the two drafts",
         """\
Dear Secretariat,

Please find attached the comments of the Ministry of Employment and Labour Relations of Norland on both documents under consultation. Our main concern is the time given to pathfinder countries to hold their national consultation: six months is too short for a process that involves several ministries and the social partners.

With kind regards,

Ravi Perera
Assistant Director, International Affairs
Ministry of Employment and Labour Relations
Republic of Norland
""",
         (Attached("comments-A.docx", "copy:guidance-norland", expected="guidance; accepted"),
          Attached("comments-B.docx", "copy:tor-norland", expected="tor; accepted")),
         organisation="Ministry of Employment and Labour Relations, Norland",
         contains="BOTH drafts as reviewed copies, file names that do not say which is which "
                  "(A = guidance, B = ToR). Sent 19:30 +0530 = 14:00 UTC: ON TIME although "
                  "the local time is after 18:00. Guidance change IDENTICAL to Anti-Slavery "
                  "International's; a comment in a table cell."),
    Mail("10-walkfree-pdf.eml", "Grace Thompson", "gthompson@walkfree.org",
         datetime(2018, 8, 14, 15, 20, tzinfo=_tz(8)), "<walkfree-alliance87-0814@walkfree.org>",
         "Walk Free comments on the draft ToR",
         """\
Dear colleagues,

Our comments on the draft Terms of Reference are in the attached PDF. Apologies that we could not use the Word version.

Kind regards,

Grace Thompson
Walk Free, Perth
""",
         (Attached("WalkFree-comments-ToR.pdf", "pdf:walkfree", "application/pdf",
                   expected="unreadable (PDF, not a Word copy)"),),
         organisation="Walk Free", status="accepted (its only attachment: unreadable)",
         contains="Only a PDF attachment (a valid one-page PDF) and a short body."),
    Mail("11-cocem-guidance-comments.eml", "Bénédicte Kouassi", "b.kouassi@cocem.example",
         datetime(2018, 8, 10, 13, 0, tzinfo=_tz(0)), "<cocem-obs-2018-08-10@cocem.example>",
         "Observations de la société civile - note d'orientation pays pionniers",
         """\
Chers collègues,

Veuillez trouver ci-joint les observations du COCEM sur le projet de note d'orientation relative aux pays pionniers, sous forme de commentaires dans le document Word. Nous n'avons pas modifié le texte.

Bien cordialement,

Bénédicte Kouassi
Coordinatrice
Collectif des ONG contre l'esclavage moderne (COCEM), Abidjan
""",
         (Attached("Observations-société-civile.docx", "copy:guidance-cocem",
                   "application/octet-stream", expected="guidance; accepted"),),
         organisation="COCEM", mailer="Thunderbird",
         contains="Guidance, comments only (2 in French, 1 in English, one on a heading); "
                  "attached as application/octet-stream with an RFC 2231 file name "
                  "(non-ASCII); non-ASCII sender name (RFC 2047)."),
    Mail("12-antislavery-guidance-lo.eml", "Ruth Campbell", "r.campbell@antislavery.org",
         datetime(2018, 8, 13, 15, 40, tzinfo=_tz(1)), "<ASI-guidance-1@antislavery.org>",
         "Anti-Slavery International - comments on the Pathfinder guidance note",
         """\
Dear Secretariat,

Attached are our comments on the Pathfinder guidance note. We believe survivors must be consulted on national action plans, not simply be able to contribute; we have made one change to this effect in section 3.3 and added a comment on section 5.1.

Best wishes,

Ruth Campbell
Advocacy Manager
Anti-Slavery International, London
""",
         (Attached("Pathfinder guidance - ASI.docx", "copy:guidance-antislavery",
                   expected="guidance; accepted"),),
         organisation="Anti-Slavery International", mailer="Thunderbird",
         contains="Guidance in LIBREOFFICE shapes: ids of comments and revisions both from 0 "
                  "(colliding), no paraIds, no commentsExtended, empty insertion before the "
                  "comment's range end; a tracked replacement and a comment."),
    Mail("13-iom-guidance.eml", "Ana Pereira", "apereira@iom.int",
         datetime(2018, 8, 15, 17, 55, tzinfo=_tz(2)), "<iom-guidance-20180815@iom.int>",
         "IOM comments: Pathfinder guidance note",
         """\
Dear colleagues,

Please find attached IOM's suggestions on the draft Pathfinder guidance note, in track changes, including a short paragraph on data on human trafficking in section 4.2.

Best regards,

Ana Pereira
Counter-Trafficking Specialist
International Organization for Migration (IOM), Geneva
""",
         (Attached("Pathfinder_guidance_IOM.docx", "copy:guidance-iom",
                   expected="guidance; accepted"),),
         organisation="IOM",
         contains="Guidance, Word tracked changes five minutes before the deadline: a "
                  "replacement that CONFLICTS with Anti-Slavery International/Norland, an "
                  "insertion, a new paragraph."),
]


def _wrap_body(text: str) -> str:
    """Wrap long lines at 72 characters, as a mail client does (quotes keep their '> ')."""
    lines = []
    for line in text.split("\n"):
        prefix = "> " if line.startswith("> ") else ""
        content = line[len(prefix):]
        if len(line) <= 76:
            lines.append(line)
        else:
            lines.extend(prefix + part for part in textwrap.wrap(content, 72 - len(prefix),
                                                                 break_on_hyphens=False))
    return "\n".join(lines)


def build_mail(mail: Mail, sources: dict[str, bytes], number: int) -> bytes:
    """The bytes of one .eml (multipart/mixed, text/plain body, attachments)."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = Address(display_name=mail.name, addr_spec=mail.address)
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.date)
    message["Message-ID"] = mail.message_id
    if mail.in_reply_to:
        message["In-Reply-To"] = mail.in_reply_to
        message["References"] = mail.in_reply_to
    message["X-Mailer"] = mail.mailer
    message.set_content(_wrap_body(mail.body))
    message.make_mixed()
    for attached in mail.attachments:
        maintype, subtype = attached.content_type.split("/")
        message.add_attachment(sources[attached.source], maintype=maintype, subtype=subtype,
                               filename=attached.filename)
    for part in message.iter_parts():
        del part["MIME-Version"]  # the email package adds one per part; mail clients do not
    message.set_boundary(f"=_alliance87_{number:02d}_boundary_=")
    return message.as_bytes(policy=policy.SMTP)


# --------------------------------------------------------------------------------------
# members.csv and EXPECTED.md
# --------------------------------------------------------------------------------------


def build_members() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["email", "organisation", "constituency"])
    writer.writerows(MEMBERS)
    return buffer.getvalue().encode("utf-8")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def build_expected() -> bytes:
    """EXPECTED.md: what each e-mail is meant to test, for humans."""
    out = [
        "# Alliance 8.7 sample consultation: what each e-mail tests",
        "",
        "Generated by `samples/build.py` (do not edit by hand). Deadline: "
        f"{DEADLINE.isoformat()} ({DEADLINE.astimezone(timezone.utc):%H:%M} UTC). "
        f"Secretariat: {SECRETARIAT}.",
        "Expected statuses use the `submissions.csv` vocabulary: accepted / late / duplicate / "
        "no-attachment / not-a-submission / unreadable.",
        "",
        "## Messages",
        "",
        "| file | sender | organisation | what it contains | expected status |",
        "|---|---|---|---|---|",
    ]
    for mail in MAILS:
        status = mail.status
        if not mail.attachments:
            status += " (body proposals; no attachment rows)"
        out.append(f"| {mail.file} | {_cell(mail.name)} <{mail.address}> | "
                   f"{_cell(mail.organisation)} | {_cell(mail.contains)} | {status} |")
    out += [
        "",
        "## Attachments",
        "",
        "| file | attachment | matched draft; expected status |",
        "|---|---|---|",
    ]
    for mail in MAILS:
        for attached in mail.attachments:
            expected = attached.expected
            if mail.status == "not-a-submission":
                expected += "; not-a-submission"
            out.append(f"| {mail.file} | {_cell(attached.filename)} ({attached.content_type}) "
                       f"| {_cell(expected)} |")
    out += ["", "## Changes in the reviewers' copies (quoted against the drafts)", ""]
    for spec in COPIES.values():
        out.append(f"### {spec.key} ({spec.draft}, {spec.style})")
        out.append("")
        for change in spec.changes:
            out.append(f"- {_describe(change)}")
        out.append("")
    out += [
        "### E-mail body proposals (06-ioe-body-proposals.eml, tor)",
        "",
        "- replace 'twice a year' -> 'at least twice a year' (section 4.2)",
        "- delete 'where appropriate' (section 6.3)",
        "",
        "## Relations between submissions",
        "",
        "- CONFLICT (tor, 2.3): ILO 'for a term of three years' -> 'for a single term of four "
        "years' vs UNICEF 'three years' -> 'two years'.",
        "- IDENTICAL (tor, 4.2): UNICEF and Examplia both 'his or her' -> 'their'.",
        "- IDENTICAL (guidance, 3.3): Anti-Slavery International (LibreOffice) and Norland "
        "(Word) both 'should be able to contribute' -> 'must be consulted'.",
        "- CONFLICT (guidance, 3.3): IOM 'should be able to contribute' -> 'should be enabled "
        "to contribute' against the two above.",
        "- DUPLICATE: 08 re-sends 03's attachment (same bytes).",
        "- LATE: 07 (16 Aug 2018 09:12 +0300 = 06:12 UTC). ON TIME: 09 (15 Aug 19:30 +0530 = "
        "14:00 UTC) and 13 (15 Aug 17:55 +0200).",
        "",
    ]
    return "\n".join(out).encode("utf-8")


def _describe(change: Change) -> str:
    where = f" (in '{change.within}')" if change.within else ""
    who = f" — {change.by}, {change.at}" if change.by else ""
    if change.kind in ("replace", "edit"):
        text = f"{change.kind}: '{change.old}' -> '{change.new}'{where}"
    elif change.kind == "delete":
        text = f"delete: '{change.old}'{where}"
    elif change.kind == "insert":
        text = f"insert after '{change.old}': '{change.new}'"
    elif change.kind == "paragraph":
        text = f"new paragraph after the one ending '{change.old}': '{change.new}'"
    else:
        text = f"comment on '{change.old}': '{change.new}'{who}"
        for author, _, date, reply in change.replies:
            text += f"; reply by {author}, {date}: '{reply}'"
        return _cell(text)
    return _cell(text + who)


# --------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------


def build_files() -> dict[str, bytes]:
    """Every file of the sample consultation, by path relative to its folder."""
    drafts = {key: build_draft(key) for key in DRAFT_FILES}
    sources = {f"draft:{key}": data for key, data in drafts.items()}
    for spec in COPIES.values():
        sources[f"copy:{spec.key}"] = build_copy(spec, drafts[spec.draft])
    sources["pdf:walkfree"] = build_pdf(WALKFREE_PDF_LINES)
    files = {
        "consultation.toml": CONSULTATION_TOML.encode("utf-8"),
        "members.csv": build_members(),
        "EXPECTED.md": build_expected(),
    }
    for key, path in DRAFT_FILES.items():
        files[path] = drafts[key]
    for number, mail in enumerate(MAILS, start=1):
        files[f"inbox/{mail.file}"] = build_mail(mail, sources, number)
    return files


def copy_bytes(key: str) -> bytes:
    """The bytes of one reviewer's copy (for tests)."""
    spec = COPIES[key]
    return build_copy(spec, build_draft(spec.draft))


def build(target: Path = DEFAULT_TARGET) -> Path:
    """(Re)create the sample consultation in ``target``; return its consultation.toml."""
    target = Path(target)
    files = build_files()
    for stale in list(target.glob("inbox/*.eml")) + list(target.glob("drafts/*.docx")):
        if stale.relative_to(target).as_posix() not in files:
            stale.unlink()
    for relative, data in sorted(files.items()):
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target / "consultation.toml"


if __name__ == "__main__":
    print(build())
