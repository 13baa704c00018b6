"""A reviewer's Word copy of a consultation draft, generated for benchmarks.

    from word_copy import make_copy
    data = make_copy(pages=46, revisions=50, comments=30, seed=87)   # .docx bytes
    python benchmarks/word_copy.py OUT.docx [--pages 46 --revisions 50 --comments 30]

The package is written the way Word writes one, not a minimal one: Terms-of-Reference prose
(~450 words a page) under numbered headings (the numbers come from numbering.xml through the
heading styles, never from the text), bulleted lists, tables, footnotes, a header and a footer;
every paragraph with its w14:paraId/w14:textId and rsid attributes, runs split every few words
each with its own rPr, proofing marks and bookmarks scattered, settings.xml listing the rsids.

`revisions` counts revision elements in document.xml (w:ins, w:del, w:moveFrom, w:moveTo,
w:rPrChange, w:pPrChange; move range markers are not revisions): one move (2), two deleted
paragraph marks, an inserted table row (7: its w:trPr/w:ins, and each of 3 cells' text and
mark; read_docx sees 4, a cell's last mark being the row's), four formatting changes, and
insertions, deletions and replacements (a w:del and a w:ins) for the rest, by four authors.
`comments` counts w:comment elements: threads with replies (commentsExtended.xml), a few
resolved, a few of several paragraphs, a few spanning two paragraphs, a few on changes.

Layout: A4, Calibri 12 pt, 1.15 lines; LibreOffice (with Carlito, Calibri's metric twin)
lays the default copy out on 47 pages.

Deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

WORDS_PER_PAGE = 450

# -- vocabulary ---------------------------------------------------------------------------

TITLE = "Terms of Reference of the Global Coordinating Group of Alliance 8.7"
SUBTITLE = "Draft for consultation \u2014 version 3 (circulated to members on 14 February 2025)"

OUTLINE = [  # (section, subsections); tables go after the first paragraph of the marked ones
    ("Background", ["Context", "The Alliance 8.7 partnership", "Purpose of this document"]),
    ("Mandate", ["Objectives", "Functions", "Scope of work", "Relationship with the Action Groups"]),
    ("Guiding principles", ["Inclusiveness", "Transparency and accountability", "Country ownership",
                            "Do no harm"]),
    ("Membership", ["Composition", "Criteria for membership", "Term of office",
                    "Alternates and observers", "Vacancies"]),
    ("Roles and responsibilities", ["Members", "The Chair and Co-Chairs", "The Secretariat",
                                    "Focal points"]),
    ("Governance", ["Structure", "Working groups", "Relationship with the Pathfinder countries",
                    "Conflicts of interest"]),
    ("Decision-making", ["Consensus", "Quorum", "Decisions between meetings", "Recording of decisions"]),
    ("Meetings", ["Regular meetings", "Extraordinary meetings", "Agenda and documents",
                  "Participation of observers", "Working languages"]),
    ("Reporting and accountability", ["Annual report", "Progress reviews", "Monitoring framework",
                                      "Public information"]),
    ("Resources", ["Financial arrangements", "In-kind contributions", "Resource mobilisation"]),
    ("Communication", ["Internal communication", "External communication",
                       "Use of the Alliance 8.7 name and logo"]),
    ("Review and amendment", ["Review of the Terms of Reference", "Amendments", "Entry into force"]),
]
LISTS_IN = {"Functions", "Criteria for membership", "Members", "The Secretariat",
            "Agenda and documents", "Annual report", "Monitoring framework"}
TABLES = {
    "Composition": (
        [2600, 1800, 4626],
        [["Constituency", "Seats", "Term of office"],
         ["Governments of Pathfinder countries", "6", "Two years, renewable once"],
         ["Workers' organisations", "2", "Two years, renewable once"],
         ["Employers' organisations", "2", "Two years, renewable once"],
         ["Civil society organisations", "3", "Two years, renewable once"],
         ["United Nations entities and international organisations", "4", "Three years"],
         ["Academia and research institutions", "1", "Two years"],
         ["Survivor-led organisations", "1", "Two years, renewable once"]],
    ),
    "Regular meetings": (
        [2400, 2400, 4226],
        [["Meeting", "Indicative timing", "Main business"],
         ["First regular meeting", "March", "Adoption of the annual workplan"],
         ["Second regular meeting", "September", "Review of progress and of the budget"],
         ["Annual partners' forum", "November", "Exchange with all partners of the Alliance"],
         ["Meeting of the Co-Chairs", "As needed", "Preparation of the regular meetings"]],
    ),
    "Annual report": (
        [2500, 2000, 2300, 2226],
        [["Report", "Prepared by", "Submitted to", "Timing"],
         ["Annual report", "Secretariat", "Global Coordinating Group", "First quarter"],
         ["Workplan progress note", "Action Groups", "Co-Chairs", "Every six months"],
         ["Pathfinder country update", "National focal points", "Secretariat", "Annually"],
         ["Financial statement", "Host organisation", "Global Coordinating Group", "Annually"],
         ["Evaluation report", "Independent evaluator", "All partners", "Every four years"]],
    ),
}
INSERTED_ROW = ("Composition", 6, ["Regional organisations", "2", "Two years"])

SUBJECTS = ["The Global Coordinating Group", "The Secretariat", "Each Action Group", "Pathfinder countries",
            "Partners of Alliance 8.7", "The Chair", "Members", "The Co-Chairs", "Observers",
            "The working groups", "National focal points", "Civil society organisations",
            "The host organisation", "Workers' and employers' organisations", "Each member"]
MODALS = ["shall", "should", "may", "will", "can", "shall, as a rule,"]
VERBS = ["review", "coordinate", "facilitate", "promote", "monitor", "support", "oversee", "endorse",
         "prepare", "strengthen", "advise on", "report on", "contribute to", "consider", "guide",
         "take stock of", "ensure the coherence of", "mobilise support for", "share information on"]
OBJECTS = ["the implementation of the strategic priorities", "progress towards Target 8.7 of the Sustainable "
           "Development Goals", "the annual workplan", "the exchange of information among partners",
           "national roadmaps to end child labour and forced labour", "resource mobilisation efforts",
           "the terms of reference of the Action Groups", "the engagement of Pathfinder countries",
           "the work of the Action Groups", "the communication strategy of the Alliance",
           "the selection of new Pathfinder countries", "joint initiatives with regional organisations",
           "the monitoring and evaluation framework", "the participation of survivors and their "
           "organisations", "the knowledge platform", "the budget of the Secretariat",
           "the agenda of its meetings", "the decisions taken between meetings",
           "the policy coherence of multilateral efforts", "the preparation of global conferences"]
QUALIFIERS = ["in consultation with the Secretariat", "in line with the guiding principles",
              "on an annual basis", "where appropriate", "taking into account the views of all members",
              "within the available resources", "in accordance with these Terms of Reference",
              "at its regular meetings", "with due regard to gender balance and geographical representation",
              "in close cooperation with the Pathfinder countries", "without prejudice to the mandates of "
              "the participating organisations", "on the basis of a proposal by the Co-Chairs",
              "in a transparent and inclusive manner", "through the knowledge platform",
              "as set out in the Strategic Plan"]
OPENERS = ["In addition,", "To that end,", "Where necessary,", "As a general rule,",
           "Subject to the availability of funds,", "In doing so,", "At the request of any member,",
           "Without prejudice to the other provisions of these Terms of Reference,", "In particular,"]
ITEM_VERBS = ["reviewing", "preparing", "coordinating", "supporting", "monitoring", "promoting",
              "facilitating", "advising on", "reporting on", "maintaining"]
INSERTED_PHRASES = ["where appropriate,", "in close consultation with the Pathfinder countries",
                    "and survivor-led organisations", "on a rotating basis", "at least twice a year",
                    "subject to the available resources,", "in a gender-responsive manner",
                    "in a timely manner", "and with the agreement of the Co-Chairs", "publicly"]
REPLACEMENTS = ["should", "is invited to", "biennial", "the Co-Chairs", "members and observers",
                "all relevant stakeholders", "promptly", "every two years", "the Global Coordinating Group",
                "may, if needed,", "ensure", "national and regional"]
FLAGGED = {"Pathfinder", "roadmaps", "Co-Chairs", "mobilisation", "multilateral", "Survivor-led"}

REVIEWERS = [("Maria Santos", "MS"), ("Jonas Berg", "JB"), ("Aisha Rahman", "AR"), ("Kwame Mensah", "KM")]
COMMENT_TOPICS = ["the role of observers", "how alternates are appointed", "the timeline for the annual report",
                  "who convenes extraordinary meetings", "the relationship with the Action Groups",
                  "the quorum required for decisions", "the term of office of the Co-Chairs",
                  "how survivors are consulted", "the budget implications"]
COMMENT_REFS = ["the Alliance 8.7 Strategic Plan", "the Pathfinder guidance note", "the Durban Call to Action",
                "the 2030 Agenda", "the rules of procedure", "the previous Terms of Reference"]
COMMENTS = ["Could the Secretariat clarify {topic}?", "We suggest aligning this with {ref}.",
            "Is this consistent with {ref}?", "Please add a reference to {ref}.",
            "This paragraph seems to repeat {ref}; consider merging the two.",
            "We would prefer a stronger formulation here, in particular on {topic}.",
            "Suggest moving this to the section on {topic}.",
            "Our delegation cannot support this wording as it stands.",
            "Agree with the proposed change, subject to clarifying {topic}."]
REPLIES = ["Agreed \u2014 see the revised text.", "Thank you; the Secretariat will reflect this in the next draft.",
           "Noted. To be discussed at the next meeting of the Group.", "We support this proposal.",
           "Not sure this is needed; {ref} already covers it.", "Fine with us."]
FOOTNOTES = ["See the Alliance 8.7 Strategic Plan 2023\u20132026, paragraph 14.",
             "Target 8.7 of the Sustainable Development Goals, adopted by the General Assembly in 2015.",
             "The list of Pathfinder countries is kept up to date on the knowledge platform.",
             "Decisions taken between meetings are recorded in the summary of the following meeting.",
             "The Durban Call to Action on the Elimination of Child Labour (2022).",
             "The host organisation applies its own financial rules and regulations."]

# -- namespaces and package names ------------------------------------------------------------

NS = {
    "wpc": "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "o": "urn:schemas-microsoft-com:office:office",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "v": "urn:schemas-microsoft-com:vml",
    "wp14": "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "w10": "urn:schemas-microsoft-com:office:word",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "w16cid": "http://schemas.microsoft.com/office/word/2016/wordml/cid",
    "w16se": "http://schemas.microsoft.com/office/word/2015/wordml/symex",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "wpi": "http://schemas.microsoft.com/office/word/2010/wordprocessingInk",
    "wne": "http://schemas.microsoft.com/office/word/2006/wordml",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}
XMLNS = " ".join(f'xmlns:{p}="{u}"' for p, u in NS.items()) + ' mc:Ignorable="w14 w15 w16se w16cid wp14"'
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
WML_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
PARTS = [  # (part, content type, relationship type from document.xml or None)
    ("word/document.xml", f"{WML_CT}.document.main+xml", None),
    ("word/styles.xml", f"{WML_CT}.styles+xml", f"{OFFICE_REL}/styles"),
    ("word/settings.xml", f"{WML_CT}.settings+xml", f"{OFFICE_REL}/settings"),
    ("word/webSettings.xml", f"{WML_CT}.webSettings+xml", f"{OFFICE_REL}/webSettings"),
    ("word/footnotes.xml", f"{WML_CT}.footnotes+xml", f"{OFFICE_REL}/footnotes"),
    ("word/endnotes.xml", f"{WML_CT}.endnotes+xml", f"{OFFICE_REL}/endnotes"),
    ("word/comments.xml", f"{WML_CT}.comments+xml", f"{OFFICE_REL}/comments"),
    ("word/commentsExtended.xml", f"{WML_CT}.commentsExtended+xml",
     "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"),
    ("word/commentsIds.xml", f"{WML_CT}.commentsIds+xml",
     "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds"),
    ("word/numbering.xml", f"{WML_CT}.numbering+xml", f"{OFFICE_REL}/numbering"),
    ("word/header1.xml", f"{WML_CT}.header+xml", f"{OFFICE_REL}/header"),
    ("word/footer1.xml", f"{WML_CT}.footer+xml", f"{OFFICE_REL}/footer"),
    ("word/fontTable.xml", f"{WML_CT}.fontTable+xml", f"{OFFICE_REL}/fontTable"),
    ("word/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml", f"{OFFICE_REL}/theme"),
    ("word/people.xml", f"{WML_CT}.people+xml", "http://schemas.microsoft.com/office/2011/relationships/people"),
    ("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml", None),
    ("docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml", None),
]

# -- the draft as data --------------------------------------------------------------------


@dataclass
class Rev:
    """One revision element: w:id, author and date."""

    id: int
    author: str
    date: str


@dataclass
class Piece:
    """Part of a paragraph: text (plain, tracked or reformatted) or ready-made XML."""

    kind: str  # "text" | "ins" | "del" | "moveFrom" | "moveTo" | "bold" | "xml"
    text: str
    rev: Rev | None = None
    move: tuple[int, str] | None = None  # (range id, move name)


@dataclass
class Para:
    """A paragraph: its draft text, and the pieces it is written as once changes are placed."""

    text: str
    style: str = "Body"  # Title | Subtitle | Heading1 | Heading2 | Body | Bullet | Cell | CellHead
    pieces: list[Piece] = field(default_factory=list)
    mark: tuple[str, Rev] | None = None  # ("ins" | "del", rev) on the paragraph mark
    ppr_change: Rev | None = None
    busy: bool = False  # already carved by an edit or a comment

    def __post_init__(self) -> None:
        self.pieces = self.pieces or [Piece("text", self.text)]


@dataclass
class Table:
    """A table of one-paragraph cells."""

    widths: list[int]
    rows: list[list[Para]]
    inserted: dict[int, Rev] = field(default_factory=dict)  # row index -> its w:trPr/w:ins


@dataclass
class Comment:
    """A w:comment; `para_ids` are its paragraphs' w14:paraIds (the last one keys commentsExtended)."""

    id: int
    author: str
    initials: str
    date: str
    paragraphs: list[str]
    parent: Comment | None = None
    done: bool = False
    para_ids: list[str] = field(default_factory=list)


class Copy:
    """The draft being built, with the counters Word keeps."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.blocks: list[Para | Table] = []
        self.comments: list[Comment] = []
        self.footnotes: list[str] = []
        self._next_id = 0
        self._para_ids: set[str] = set()
        self.draft_rsids = sorted(self.hex8(0x00100000, 0x00FFFFFF) for _ in range(24))
        self.author_rsids = {name: self.hex8(0x00100000, 0x00FFFFFF) for name, _ in REVIEWERS}
        self.days = {name: 3 + i for i, (name, _) in enumerate(REVIEWERS)}

    def hex8(self, low: int, high: int) -> str:
        return f"{self.rng.randint(low, high):08X}"

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def para_id(self) -> str:
        """A fresh w14:paraId (unique, below 0x80000000 as Word requires)."""
        while True:
            pid = self.hex8(0x01000000, 0x7FFFFFFF)
            if pid not in self._para_ids:
                self._para_ids.add(pid)
                return pid

    def date(self, author: str, hours: int = 0) -> str:
        day = self.days[author] + hours // 24
        return f"2025-03-{day:02d}T{9 + self.rng.randint(0, 8):02d}:{self.rng.randint(0, 59):02d}:00Z"

    def rev(self, author: str | None = None) -> Rev:
        author = author or self.author()
        return Rev(self.new_id(), author, self.date(author))

    def author(self) -> str:
        return self.rng.choices([n for n, _ in REVIEWERS], weights=[5, 3, 2, 1])[0]

    def paragraphs(self, style: str = "Body") -> list[Para]:
        return [b for b in self.blocks if isinstance(b, Para) and b.style == style]


# -- prose --------------------------------------------------------------------------------


def sentence(rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS)
    if rng.random() < 0.25:  # "In addition, the Secretariat ..."
        lowered = subject if subject.startswith("Pathfinder") else subject[0].lower() + subject[1:]
        subject = f"{rng.choice(OPENERS)} {lowered}"
    parts = [subject, rng.choice(MODALS), rng.choice(VERBS), rng.choice(OBJECTS)]
    if rng.random() < 0.6:
        parts.append(rng.choice(QUALIFIERS))
    if rng.random() < 0.35:
        parts += ["and", rng.choice(VERBS), rng.choice(OBJECTS)]
    return " ".join(parts) + "."


def paragraph_text(rng: random.Random, words: int) -> str:
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(sentence(rng))
    return " ".join(sentences)


def list_items(rng: random.Random) -> list[str]:
    n = rng.randint(4, 7)
    items = [f"{rng.choice(ITEM_VERBS)} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)};" for _ in range(n)]
    items[-2] += " and"
    items[-1] = items[-1][:-1] + "."
    return items


def comment_text(rng: random.Random, templates: list[str]) -> str:
    return rng.choice(templates).format(topic=rng.choice(COMMENT_TOPICS), ref=rng.choice(COMMENT_REFS))


def all_paragraphs(blocks: list[Para | Table]) -> list[Para]:
    """Every paragraph in order, table cells included."""
    return [p for b in blocks for p in ([c for row in b.rows for c in row] if isinstance(b, Table) else [b])]


def word_count(blocks: list[Para | Table]) -> int:
    return sum(len(p.text.split()) for p in all_paragraphs(blocks))


# -- outline ------------------------------------------------------------------------------


def build_outline(copy: Copy, pages: int) -> None:
    """Title, then each section: its heading, subsections of paragraphs, lists and tables."""
    rng = copy.rng
    copy.blocks += [Para(TITLE, "Title"), Para(SUBTITLE, "Subtitle")]
    target, left = pages * WORDS_PER_PAGE, sum(len(subs) for _, subs in OUTLINE)
    for title, subs in OUTLINE:
        copy.blocks.append(Para(title, "Heading1"))
        copy.blocks.append(Para(paragraph_text(rng, rng.randint(40, 70))))
        for sub in subs:
            copy.blocks.append(Para(sub, "Heading2"))
            add_subsection(copy, sub, (target - word_count(copy.blocks)) / left)
            left -= 1


def add_subsection(copy: Copy, name: str, words: float) -> None:
    """Paragraphs up to about `words` (one at least), with a table or a list where the outline has one."""
    rng, start = copy.rng, len(copy.blocks)
    # paragraphs average ~80 words: stopping 40 short of the target lands nearest to it
    while len(copy.blocks) == start or word_count(copy.blocks[start:]) < words - 40:
        copy.blocks.append(Para(paragraph_text(rng, rng.randint(45, 120))))
        if len(copy.blocks) - start == 1 and name in TABLES:
            widths, rows = TABLES[name]
            copy.blocks.append(Table(widths, [[Para(t, "CellHead" if i == 0 else "Cell") for t in row]
                                              for i, row in enumerate(rows)]))
        if len(copy.blocks) - start == 2 and name in LISTS_IN:
            lead = paragraph_text(rng, 25)[:-1] + ", including:"
            copy.blocks.append(Para(lead))
            copy.blocks += [Para(item, "Bullet") for item in list_items(rng)]


# -- tracked changes ----------------------------------------------------------------------


def carve(para: Para, start: int, end: int) -> int:
    """Split an untouched paragraph at words [start:end]; the index of the middle piece."""
    words = para.text.split(" ")
    n = len(words)
    before = " ".join(words[:start]) + (" " if 0 < start < n else "")
    middle = " ".join(words[start:end]) + (" " if start < end < n else "")
    after = " ".join(words[end:])
    para.pieces = [Piece("text", t) for t in (before, middle, after)]
    para.busy = True
    return 1


def drop_empty(para: Para) -> None:
    para.pieces = [p for p in para.pieces if p.text or p.kind == "xml"]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(first word, end word) of each sentence of a paragraph."""
    spans, start = [], 0
    for i, word in enumerate(text.split(" ")):
        if word.endswith((".", ":", ";")):
            spans.append((start, i + 1))
            start = i + 1
    return spans


def free_paragraphs(copy: Copy, styles=("Body", "Bullet"), min_words: int = 12) -> list[Para]:
    """Paragraphs not yet carved, of these styles and long enough."""
    return [b for b in copy.blocks if isinstance(b, Para) and b.style in styles and not b.busy
            and len(b.text.split()) >= min_words]


def insertion(copy: Copy, para: Para) -> None:
    rng, n = copy.rng, len(para.text.split(" "))
    if rng.random() < 0.4:
        i = carve(para, n, n)
        para.pieces[i] = Piece("ins", " " + sentence(rng), copy.rev())
    else:
        i = carve(para, (k := rng.randint(1, n - 2)), k)
        para.pieces[i] = Piece("ins", rng.choice(INSERTED_PHRASES) + " ", copy.rev())
    drop_empty(para)


def deletion(copy: Copy, para: Para) -> None:
    rng, spans = copy.rng, sentence_spans(para.text)
    if len(spans) > 1 and rng.random() < 0.4:
        start, end = rng.choice(spans[:-1])
    else:
        n = len(para.text.split(" "))
        start = rng.randint(1, max(1, n - 8))
        end = min(n - 1, start + rng.randint(2, 6))
    i = carve(para, start, end)
    para.pieces[i] = Piece("del", para.pieces[i].text, copy.rev())
    drop_empty(para)


def replacement(copy: Copy, para: Para) -> None:
    rng, n = copy.rng, len(para.text.split(" "))
    start = rng.randint(1, n - 4)
    i = carve(para, start, start + rng.randint(1, 3))
    old = para.pieces[i].text
    author = copy.author()
    new = rng.choice(REPLACEMENTS) + (" " if old.endswith(" ") else "")
    para.pieces[i:i + 1] = [Piece("del", old, copy.rev(author)), Piece("ins", new, copy.rev(author))]
    drop_empty(para)


def move(copy: Copy, source: Para, target: Para) -> None:
    """Move the first sentence of `source` to the end of `target` (moveFrom/moveTo ranges)."""
    author = copy.author()
    name = f"move{copy.rng.randint(100000000, 199999999)}"
    start, end = sentence_spans(source.text)[0]
    i = carve(source, start, end)
    source.pieces[i] = Piece("moveFrom", source.pieces[i].text, copy.rev(author), (copy.new_id(), name))
    n = len(target.text.split(" "))
    moved = source.pieces[i].text.strip()
    j = carve(target, n, n)
    target.pieces[j] = Piece("moveTo", " " + moved, copy.rev(author), (copy.new_id(), name))
    drop_empty(source)
    drop_empty(target)


def joinable(copy: Copy) -> list[Para]:
    """Body paragraphs followed by another body paragraph: their mark can be deleted."""
    out = []
    for a, b in zip(copy.blocks, copy.blocks[1:]):
        if isinstance(a, Para) and isinstance(b, Para) and a.style == b.style == "Body" and not a.mark:
            out.append(a)
    return out


def insert_row(copy: Copy) -> int:
    """Insert a row in a table: the w:trPr/w:ins, and each cell's text and mark. Returns the cost."""
    name, at, texts = INSERTED_ROW
    table = next(b for b in copy.blocks if isinstance(b, Table) and b.rows[0][0].text == TABLES[name][1][0][0])
    author = copy.author()
    cells = []
    for text in texts:
        cell = Para(text, "Cell", [Piece("ins", text, copy.rev(author))], ("ins", copy.rev(author)), busy=True)
        cells.append(cell)
    table.rows.insert(at, cells)
    table.inserted[at] = copy.rev(author)
    return 1 + 2 * len(texts)


def format_change(copy: Copy, para: Para, paragraph: bool) -> None:
    if paragraph:
        para.ppr_change = copy.rev()
        return
    n = len(para.text.split(" "))
    start = copy.rng.randint(1, n - 6)
    i = carve(para, start, start + copy.rng.randint(2, 5))
    para.pieces[i] = Piece("bold", para.pieces[i].text, copy.rev())
    drop_empty(para)


def add_revisions(copy: Copy, budget: int) -> None:
    """Spend the revision budget: the special cases first, then ordinary edits."""
    rng = copy.rng
    long_ones = free_paragraphs(copy, ("Body",), 40)
    if budget >= 2 and len(long_ones) >= 2:
        move(copy, *sorted(rng.sample(long_ones, 2), key=copy.blocks.index))
        budget -= 2
    marks = joinable(copy)
    for para in rng.sample(marks, min(2, budget, len(marks))):
        para.mark = ("del", copy.rev())
        budget -= 1
    if budget >= 7:
        budget -= insert_row(copy)
    for k in range(min(4, budget)):
        format_change(copy, rng.choice(free_paragraphs(copy, ("Body",), 20)), paragraph=k == 3)
        budget -= 1
    while budget > 0 and (free := free_paragraphs(copy)):  # a short copy may run out of paragraphs
        para = rng.choice(free)
        kind = rng.choices(["ins", "del", "rep"], weights=[3, 3, 4])[0]
        if kind == "rep" and budget >= 2:
            replacement(copy, para)
            budget -= 2
        else:
            (insertion if kind == "ins" else deletion)(copy, para)
            budget -= 1


# -- comments -----------------------------------------------------------------------------


def plan_threads(copy: Copy, n: int) -> list[list[Comment]]:
    """Comments grouped in threads (a comment and its replies), ids in order of writing."""
    rng = copy.rng
    n_replies = n // 4
    tops = [new_comment(copy, comment_text(rng, COMMENTS)) for _ in range(n - n_replies)]
    threads = [[c] for c in tops]
    for _ in range(n_replies):
        thread = rng.choice([t for t in threads if len(t) < 3])
        others = [name for name, _ in REVIEWERS if name != thread[-1].author]
        thread.append(new_comment(copy, comment_text(rng, REPLIES), rng.choice(others), thread[0]))
    for c in rng.sample(tops, min(5, len(tops))):
        c.paragraphs.append(comment_text(rng, COMMENTS))
        if rng.random() < 0.5:
            c.paragraphs.append("We would be glad to discuss this with the Secretariat.")
    for c in rng.sample(tops, min(3, len(tops))):
        c.done = True
    for i, c in enumerate(c for t in threads for c in t):
        c.id = i
    return threads


def new_comment(copy: Copy, text: str, author: str | None = None, parent: Comment | None = None) -> Comment:
    author = author or copy.author()
    initials = dict(REVIEWERS)[author]
    date = copy.date(author, hours=24 if parent else 0)
    if parent is not None and date <= parent.date:
        date = parent.date[:11] + "18:30:00Z"
    return Comment(0, author, initials, date, [text], parent)


def start_marks(thread: list[Comment]) -> list[Piece]:
    return [Piece("xml", f'<w:commentRangeStart w:id="{c.id}"/>') for c in thread]


def end_marks(thread: list[Comment]) -> list[Piece]:
    out = []
    for c in thread:
        out.append(Piece("xml", f'<w:commentRangeEnd w:id="{c.id}"/>'))
        out.append(Piece("xml", '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
                                f'<w:commentReference w:id="{c.id}"/></w:r>'))
    return out


def anchor_in(para: Para, thread: list[Comment], rng: random.Random) -> None:
    n = len(para.text.split(" "))
    start = rng.randint(0, n - 4)
    i = carve(para, start, min(n, start + rng.randint(3, 15)))
    para.pieces[i:i + 1] = start_marks(thread) + [para.pieces[i]] + end_marks(thread)
    drop_empty(para)


def anchor_across(first: Para, second: Para, thread: list[Comment], rng: random.Random) -> None:
    n = len(first.text.split(" "))
    i = carve(first, n - rng.randint(4, 10), n)
    first.pieces[i:i] = start_marks(thread)
    j = carve(second, 0, rng.randint(4, 10))
    second.pieces[j + 1:j + 1] = end_marks(thread)
    drop_empty(first)
    drop_empty(second)


def anchor_on_edit(para: Para, thread: list[Comment]) -> None:
    tracked = [i for i, p in enumerate(para.pieces) if p.kind in ("ins", "del")]
    para.pieces[tracked[-1] + 1:tracked[-1] + 1] = end_marks(thread)
    para.pieces[tracked[0]:tracked[0]] = start_marks(thread)


def add_comments(copy: Copy, n: int) -> None:
    """Plan the threads and anchor each: most on a phrase, a few across two paragraphs or on a change."""
    rng = copy.rng
    threads = plan_threads(copy, n)
    copy.comments = [c for t in threads for c in t]
    rng.shuffle(threads)
    edited = [p for p in copy.paragraphs() if any(x.kind in ("ins", "del") for x in p.pieces)
              and not any(x.kind == "xml" for x in p.pieces)]
    for k, thread in enumerate(threads):
        if k < 3 and edited:
            anchor_on_edit(edited.pop(rng.randrange(len(edited))), thread)
        elif k < 6 and (pair := free_pair(copy)):
            anchor_across(*pair, thread, rng)
        else:
            anchor_in(rng.choice(free_paragraphs(copy)), thread, rng)


def free_pair(copy: Copy) -> tuple[Para, Para] | None:
    pairs = [(a, b) for a, b in zip(copy.blocks, copy.blocks[1:])
             if isinstance(a, Para) and isinstance(b, Para) and a.style == b.style == "Body"
             and not (a.busy or b.busy or a.mark) and len(a.text.split()) > 12 and len(b.text.split()) > 12]
    return copy.rng.choice(pairs) if pairs else None


def add_footnotes(copy: Copy, n: int = 5) -> None:
    paras = sorted(copy.rng.sample(copy.paragraphs(), n), key=copy.blocks.index)
    for k, para in enumerate(paras, start=1):
        para.pieces.append(Piece("xml", '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                                        f'<w:footnoteReference w:id="{k}"/></w:r>'))
        copy.footnotes.append(FOOTNOTES[(k - 1) % len(FOOTNOTES)])


# -- rendering: runs and paragraphs -------------------------------------------------------


def attr(value: str) -> str:
    return quoteattr(value)


def rev_attrs(rev: Rev) -> str:
    return f'w:id="{rev.id}" w:author={attr(rev.author)} w:date="{rev.date}"'


def rpr(style: str, bold: bool = False) -> str:
    """A run's rPr as Word writes it after a copy-paste: direct fonts, size and language."""
    if style in ("Heading1", "Heading2", "Title", "Subtitle"):
        return '<w:lang w:val="en-GB"/>'
    size = {"Cell": 20, "CellHead": 20, "Footnote": 18}.get(style, 24)
    b = "<w:b/><w:bCs/>" if bold or style == "CellHead" else ""
    return (f'<w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/>{b}'
            f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/><w:lang w:val="en-GB"/>')


class Writer:
    """Renders the draft to WordprocessingML strings, with Word's run splitting and marks."""

    def __init__(self, copy: Copy):
        self.copy = copy
        self.rng = copy.rng
        self.bookmarks = 0

    def rsid(self) -> str:
        return self.rng.choice(self.copy.draft_rsids)

    def groups(self, text: str) -> list[tuple[str, bool]]:
        """Split text into run texts of a few words; words Word's speller flags get their own run."""
        tokens = re.findall(r"\s*\S+\s*", text) or [text]
        flagged = [t.strip().strip(".,;:") in FLAGGED for t in tokens]
        out, i = [], 0
        while i < len(tokens):
            if flagged[i]:
                out.append((tokens[i], True))
                i += 1
                continue
            j, end = i + 1, min(len(tokens), i + self.rng.randint(2, 7))
            while j < end and not flagged[j]:
                j += 1
            out.append(("".join(tokens[i:j]), False))
            i = j
        return out

    def run(self, text: str, props: str, rsid: str = "", deleted: bool = False) -> str:
        """One w:r; `rsid` is its w:rsidR (inserted) or w:rsidDel (deleted) attribute, else w:rsidRPr."""
        tag = "w:delText" if deleted else "w:t"
        space = ' xml:space="preserve"' if text != text.strip() else ""
        name = ("w:rsidDel" if deleted else "w:rsidR") if rsid else "w:rsidRPr"
        return (f'<w:r {name}="{rsid or self.rsid()}"><w:rPr>{props}</w:rPr>'
                f'<{tag}{space}>{escape(text)}</{tag}></w:r>')

    def runs(self, text: str, style: str, author: str | None = None, deleted: bool = False) -> str:
        """Runs for a text, with proofing marks and the odd bookmark as Word leaves them."""
        props = rpr(style)
        rsid = self.copy.author_rsids[author] if author else ""
        out = []
        for chunk, flagged in self.groups(text):
            run = self.run(chunk, props, rsid, deleted)
            if flagged and not deleted:
                run = f'<w:proofErr w:type="spellStart"/>{run}<w:proofErr w:type="spellEnd"/>'
            elif not deleted and self.rng.random() < 0.015:
                run = f'<w:proofErr w:type="gramStart"/>{run}<w:proofErr w:type="gramEnd"/>'
            elif self.rng.random() < 0.01:
                run = self.bookmark(run, f"_Hlk{self.rng.randint(190000000, 199999999)}")
            out.append(run)
        return "".join(out)

    def bookmark(self, content: str, name: str) -> str:
        self.bookmarks += 1
        bid = self.bookmarks
        return f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>{content}<w:bookmarkEnd w:id="{bid}"/>'

    def piece(self, piece: Piece, style: str) -> str:
        kind, rev = piece.kind, piece.rev
        if kind == "xml":
            return piece.text
        if kind == "text":
            return self.runs(piece.text, style)
        if kind == "bold":
            change = f'<w:rPrChange {rev_attrs(rev)}><w:rPr>{rpr(style)}</w:rPr></w:rPrChange>'
            return self.run(piece.text, rpr(style, bold=True) + change)
        if kind in ("ins", "del"):
            body = self.runs(piece.text, style, rev.author, deleted=kind == "del")
            return f"<w:{kind} {rev_attrs(rev)}>{body}</w:{kind}>"
        range_id, name = piece.move  # moveFrom / moveTo: text stays in w:t
        body = self.runs(piece.text, style, rev.author)
        return (f'<w:{kind}RangeStart w:id="{range_id}" w:author={attr(rev.author)} w:date="{rev.date}" '
                f'w:name="{name}"/><w:{kind} {rev_attrs(rev)}>{body}</w:{kind}>'
                f'<w:{kind}RangeEnd w:id="{range_id}"/>')

    def ppr(self, para: Para) -> str:
        """pPr: the style's properties, the mark's rPr (with its revision), a pPrChange (an indent added)."""
        props = STYLE_PPR[para.style]
        mark = f"<w:{para.mark[0]} {rev_attrs(para.mark[1])}/>" if para.mark else ""
        mark_rpr = f"<w:rPr>{mark}{rpr(para.style)}</w:rPr>"
        if not para.ppr_change:
            return f"<w:pPr>{''.join(props)}{mark_rpr}</w:pPr>"
        new = props[0] + '<w:ind w:left="567"/>' + "".join(props[1:])  # ind sits between spacing and jc
        change = f"<w:pPrChange {rev_attrs(para.ppr_change)}><w:pPr>{''.join(props)}</w:pPr></w:pPrChange>"
        return f"<w:pPr>{new}{mark_rpr}{change}</w:pPr>"

    def paragraph(self, para: Para) -> str:
        content = "".join(self.piece(p, para.style) for p in para.pieces)
        if para.style in ("Heading1", "Heading2"):
            content = self.bookmark(content, f"_Toc{self.rng.randint(190000000, 199999999)}")
        deleted = ""
        if para.mark and para.mark[0] == "del":
            deleted = f' w:rsidDel="{self.copy.author_rsids[para.mark[1].author]}"'
        r = self.rsid()
        return (f'<w:p w14:paraId="{self.copy.para_id()}" w14:textId="{self.copy.hex8(0, 0x7FFFFFFF)}" '
                f'w:rsidR="{r}" w:rsidRPr="{self.rsid()}"{deleted} w:rsidRDefault="{r}" w:rsidP="{self.rsid()}">'
                f"{self.ppr(para)}{content}</w:p>")

    def table(self, table: Table) -> str:
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in table.widths)
        rows = "".join(self.row(table, i, cells) for i, cells in enumerate(table.rows))
        return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
                '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
                f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>')

    def row(self, table: Table, i: int, cells: list[Para]) -> str:
        trpr = "<w:tblHeader/>" if i == 0 else ""
        if i in table.inserted:
            trpr += f"<w:ins {rev_attrs(table.inserted[i])}/>"
        tcs = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{self.paragraph(c)}</w:tc>'
                      for w, c in zip(table.widths, cells))
        return (f'<w:tr w:rsidR="{self.rsid()}" w:rsidTr="{self.rsid()}" w14:paraId="{self.copy.para_id()}" '
                f'w14:textId="{self.copy.hex8(0, 0x7FFFFFFF)}">' + (f"<w:trPr>{trpr}</w:trPr>" if trpr else "")
                + f"{tcs}</w:tr>")

    def body(self, rids: dict[str, str]) -> str:
        blocks = "".join(self.table(b) if isinstance(b, Table) else self.paragraph(b) for b in self.copy.blocks)
        sect = (f'<w:sectPr w:rsidR="{self.rsid()}" w:rsidSect="{self.rsid()}">'
                f'<w:headerReference w:type="default" r:id="{rids["word/header1.xml"]}"/>'
                f'<w:footerReference w:type="default" r:id="{rids["word/footer1.xml"]}"/>'
                '<w:footnotePr><w:numFmt w:val="decimal"/></w:footnotePr>'
                '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" '
                'w:left="1440" w:header="708" w:footer="708" w:gutter="0"/><w:cols w:space="708"/>'
                '<w:docGrid w:linePitch="360"/></w:sectPr>')
        return f"{DECL}<w:document {XMLNS}><w:body>{blocks}{sect}</w:body></w:document>"


STYLE_PPR = {  # a paragraph's own properties before its rPr, in schema order
    "Title": ['<w:pStyle w:val="Title"/>'],
    "Subtitle": ['<w:pStyle w:val="Subtitle"/>'],
    "Heading1": ['<w:pStyle w:val="Heading1"/>'],
    "Heading2": ['<w:pStyle w:val="Heading2"/>'],
    "Body": ['<w:spacing w:after="160" w:line="276" w:lineRule="auto"/>', '<w:jc w:val="both"/>'],
    "Bullet": ['<w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>',
               '<w:spacing w:after="60"/><w:contextualSpacing/><w:jc w:val="both"/>'],
    "Cell": ['<w:spacing w:after="0"/>'],
    "CellHead": ['<w:keepNext/><w:spacing w:after="0"/>'],
}

# -- rendering: the other parts -----------------------------------------------------------


def root(tag: str, inner: str) -> str:
    """A part: the declaration and a root element with Word's namespace declarations."""
    return f"{DECL}<{tag} {XMLNS}>{inner}</{tag.split()[0]}>"


def comments_xml(w: Writer) -> str:
    out = []
    for c in w.copy.comments:
        paras = []
        for k, text in enumerate(c.paragraphs):
            pid = w.copy.para_id()
            c.para_ids.append(pid)
            ref = ('<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:annotationRef/></w:r>'
                   if k == 0 else "")
            r = w.copy.author_rsids[c.author]
            paras.append(f'<w:p w14:paraId="{pid}" w14:textId="77777777" w:rsidR="{r}" w:rsidRDefault="{r}" '
                         f'w:rsidP="{r}"><w:pPr><w:pStyle w:val="CommentText"/></w:pPr>{ref}'
                         f'<w:r><w:t>{escape(text)}</w:t></w:r></w:p>')
        out.append(f'<w:comment w:id="{c.id}" w:author={attr(c.author)} w:date="{c.date}" '
                   f'w:initials="{c.initials}">{"".join(paras)}</w:comment>')
    return root("w:comments", "".join(out))


def comments_extended_xml(copy: Copy) -> str:
    items = []
    for c in copy.comments:
        parent = f' w15:paraIdParent="{c.parent.para_ids[-1]}"' if c.parent else ""
        items.append(f'<w15:commentEx w15:paraId="{c.para_ids[-1]}"{parent} w15:done="{int(c.done)}"/>')
    return root("w15:commentsEx", "".join(items))


def comments_ids_xml(copy: Copy) -> str:
    items = "".join(f'<w16cid:commentId w16cid:paraId="{c.para_ids[-1]}" '
                    f'w16cid:durableId="{copy.hex8(0x10000000, 0x7FFFFFFF)}"/>' for c in copy.comments)
    return root("w16cid:commentsIds", items)


def people_xml() -> str:
    people = "".join(f'<w15:person w15:author={attr(name)}><w15:presenceInfo w15:providerId="None" '
                     f'w15:userId={attr(name)}/></w15:person>' for name, _ in REVIEWERS)
    return root("w15:people", people)


def separators(copy: Copy, kind: str) -> str:
    """The two separator notes Word writes at the top of footnotes.xml and endnotes.xml."""
    return "".join(f'<w:{kind} w:type="{t}" w:id="{i}"><w:p w14:paraId="{copy.para_id()}" w14:textId="77777777" '
                   f'w:rsidR="00A1C3E0" w:rsidRDefault="00A1C3E0"><w:pPr><w:spacing w:after="0" w:line="240" '
                   f'w:lineRule="auto"/></w:pPr><w:r><w:{t}/></w:r></w:p></w:{kind}>'
                   for i, t in ((-1, "separator"), (0, "continuationSeparator")))


def footnotes_xml(w: Writer) -> str:
    notes = []
    for k, text in enumerate(w.copy.footnotes, start=1):
        notes.append(f'<w:footnote w:id="{k}"><w:p w14:paraId="{w.copy.para_id()}" w14:textId="77777777" '
                     f'w:rsidR="{w.rsid()}" w:rsidRDefault="{w.rsid()}"><w:pPr><w:pStyle w:val="FootnoteText"/>'
                     '</w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
                     f'{w.runs(" " + text, "Footnote")}</w:p></w:footnote>')
    return root("w:footnotes", separators(w.copy, "footnote") + "".join(notes))


def field(instr: str, shown: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {instr} '
            '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:rPr><w:noProof/></w:rPr><w:t>{shown}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def header_xml(copy: Copy) -> str:
    return root("w:hdr", f'<w:p w14:paraId="{copy.para_id()}" w14:textId="77777777" w:rsidR="00A1C3E0" '
                         'w:rsidRDefault="00A1C3E0"><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
                         '<w:r><w:t>Alliance 8.7 \u2014 GCG Terms of Reference</w:t></w:r><w:r><w:tab/></w:r>'
                         '<w:r><w:tab/></w:r><w:r><w:t>Draft for consultation</w:t></w:r></w:p>')


def footer_xml(copy: Copy) -> str:
    return root("w:ftr", f'<w:p w14:paraId="{copy.para_id()}" w14:textId="77777777" w:rsidR="00A1C3E0" '
                         'w:rsidRDefault="00A1C3E0"><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>'
                         '<w:r><w:t xml:space="preserve">Page </w:t></w:r>' + field("PAGE   \\* MERGEFORMAT", "1")
                + '<w:r><w:t xml:space="preserve"> of </w:t></w:r>' + field("NUMPAGES", "46") + "</w:p>")


LATENT = (["Normal"] + [f"heading {i}" for i in range(1, 10)] + [f"index {i}" for i in range(1, 10)]
          + [f"toc {i}" for i in range(1, 10)]
          + ["Normal Indent", "footnote text", "annotation text", "header", "footer", "index heading", "caption",
             "table of figures", "envelope address", "envelope return", "footnote reference",
             "annotation reference", "line number", "page number", "endnote reference", "endnote text",
             "table of authorities", "macro", "toa heading", "List", "List Bullet", "List Number", "List 2",
             "List 3", "List 4", "List 5", "List Bullet 2", "List Bullet 3", "List Number 2", "Title",
             "Closing", "Signature", "Default Paragraph Font", "Body Text", "Body Text Indent",
             "List Continue", "Message Header", "Subtitle", "Salutation", "Date", "Note Heading",
             "Block Text", "Hyperlink", "FollowedHyperlink", "Strong", "Emphasis", "Document Map",
             "Plain Text", "E-mail Signature", "Normal (Web)", "HTML Acronym", "HTML Address",
             "Normal Table", "annotation subject", "No List", "Balloon Text", "Table Grid",
             "Placeholder Text", "No Spacing", "Light Shading", "Light List", "Light Grid", "Revision",
             "List Paragraph", "Quote", "Intense Quote", "Subtle Emphasis", "Intense Emphasis",
             "Subtle Reference", "Intense Reference", "Book Title", "Bibliography", "TOC Heading",
             "Plain Table 1", "Plain Table 2", "Grid Table 1 Light", "List Table 1 Light", "Mention",
             "Smart Hyperlink", "Hashtag", "Unresolved Mention", "Smart Link"])


HIDDEN = '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
ON_NORMAL = '<w:basedOn w:val="Normal"/>'
ON_FONT = '<w:basedOn w:val="DefaultParagraphFont"/>'
MAJOR_FONT = ('<w:rFonts w:asciiTheme="majorHAnsi" w:eastAsiaTheme="majorEastAsia" w:hAnsiTheme="majorHAnsi" '
              'w:cstheme="majorBidi"/>')
SINGLE = '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
TABS = '<w:tabs><w:tab w:val="center" w:pos="4513"/><w:tab w:val="right" w:pos="9026"/></w:tabs>'
GRID = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
               for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
CELL_MARGINS = ('<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>')


def heading_style(n: int, num_pr: str, before: int, colour: str, size: int) -> tuple[str, str, str, str, bool]:
    inner = (f'{ON_NORMAL}<w:next w:val="Normal"/><w:link w:val="Heading{n}Char"/><w:uiPriority w:val="9"/>'
             f'<w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:numPr>{num_pr}</w:numPr>'
             f'<w:spacing w:before="{before}" w:after="120"/><w:outlineLvl w:val="{n - 1}"/></w:pPr>'
             f'<w:rPr>{MAJOR_FONT}<w:b/><w:color w:val="{colour}"/><w:sz w:val="{size}"/>'
             f'<w:szCs w:val="{size}"/></w:rPr>')
    return ("paragraph", f"Heading{n}", f"heading {n}", inner, False)


STYLES = [  # (type, styleId, name, inside of w:style, default)
    ("paragraph", "Normal", "Normal", '<w:qFormat/><w:rsid w:val="00A1C3E0"/>', True),
    heading_style(1, '<w:numId w:val="1"/>', 360, "1F3864", 30),
    heading_style(2, '<w:ilvl w:val="1"/><w:numId w:val="1"/>', 200, "2F5496", 25),
    ("character", "DefaultParagraphFont", "Default Paragraph Font",
     '<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>', True),
    ("table", "TableNormal", "Normal Table",
     f'{HIDDEN}<w:tblPr><w:tblInd w:w="0" w:type="dxa"/>{CELL_MARGINS}</w:tblPr>', True),
    ("numbering", "NoList", "No List", HIDDEN, True),
    ("character", "Heading1Char", "Heading 1 Char",
     f'{ON_FONT}<w:link w:val="Heading1"/><w:uiPriority w:val="9"/><w:rPr>{MAJOR_FONT}<w:b/></w:rPr>', False),
    ("character", "Heading2Char", "Heading 2 Char",
     f'{ON_FONT}<w:link w:val="Heading2"/><w:uiPriority w:val="9"/><w:rPr>{MAJOR_FONT}<w:b/></w:rPr>', False),
    ("paragraph", "Title", "Title",
     f'{ON_NORMAL}<w:next w:val="Normal"/><w:uiPriority w:val="10"/><w:qFormat/><w:pPr><w:spacing w:after="120"/>'
     f'<w:jc w:val="center"/></w:pPr><w:rPr>{MAJOR_FONT}<w:b/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr>', False),
    ("paragraph", "Subtitle", "Subtitle",
     f'{ON_NORMAL}<w:next w:val="Normal"/><w:uiPriority w:val="11"/><w:qFormat/><w:pPr><w:spacing w:after="360"/>'
     '<w:jc w:val="center"/></w:pPr><w:rPr><w:i/><w:color w:val="595959"/></w:rPr>', False),
    ("paragraph", "ListParagraph", "List Paragraph",
     f'{ON_NORMAL}<w:uiPriority w:val="34"/><w:qFormat/><w:pPr><w:ind w:left="720"/><w:contextualSpacing/></w:pPr>',
     False),
    ("table", "TableGrid", "Table Grid",
     f'<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:pPr>{SINGLE}</w:pPr>'
     f'<w:tblPr><w:tblBorders>{GRID}</w:tblBorders></w:tblPr>', False),
    ("paragraph", "Header", "header",
     f'{ON_NORMAL}{HIDDEN}<w:pPr>{TABS}{SINGLE}</w:pPr><w:rPr><w:sz w:val="18"/></w:rPr>', False),
    ("paragraph", "Footer", "footer",
     f'{ON_NORMAL}{HIDDEN}<w:pPr>{TABS}{SINGLE}</w:pPr><w:rPr><w:sz w:val="18"/></w:rPr>', False),
    ("paragraph", "FootnoteText", "footnote text",
     f'{ON_NORMAL}{HIDDEN}<w:pPr>{SINGLE}</w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>', False),
    ("character", "FootnoteReference", "footnote reference",
     f'{ON_FONT}{HIDDEN}<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>', False),
    ("character", "CommentReference", "annotation reference",
     f'{ON_FONT}{HIDDEN}<w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>', False),
    ("paragraph", "CommentText", "annotation text",
     f'{ON_NORMAL}{HIDDEN}<w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr>'
     '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>', False),
    ("paragraph", "CommentSubject", "annotation subject",
     f'<w:basedOn w:val="CommentText"/><w:next w:val="CommentText"/>{HIDDEN}<w:rPr><w:b/></w:rPr>', False),
    ("paragraph", "Revision", "Revision", f'<w:hidden/>{HIDDEN}<w:pPr>{SINGLE}</w:pPr>', False),
]
DOC_DEFAULTS = ('<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" '
                'w:eastAsiaTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi" w:cstheme="minorBidi"/><w:kern w:val="2"/>'
                '<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB" w:eastAsia="en-US" w:bidi="ar-SA"/>'
                '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="259" '
                'w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>')


def styles_xml() -> str:
    """docDefaults, Word's latent style list, and the styles the copy uses."""
    latent = "".join(f'<w:lsdException w:name="{n}" w:uiPriority="{min(99, 9 + i)}"'
                     + (' w:qFormat="1"' if i < 10 else "") + "/>" for i, n in enumerate(LATENT))
    latent = (f'<w:latentStyles w:defLockedState="0" w:defUIPriority="99" w:defSemiHidden="0" '
              f'w:defUnhideWhenUsed="0" w:defQFormat="0" w:count="{len(LATENT)}">{latent}</w:latentStyles>')
    styles = "".join(f'<w:style w:type="{kind}"' + (' w:default="1"' if default else "")
                     + f' w:styleId="{sid}"><w:name w:val="{name}"/>{inner}</w:style>'
                     for kind, sid, name, inner, default in STYLES)
    return root("w:styles", DOC_DEFAULTS + latent + styles)


def level(ilvl: int, fmt: str, text: str, indent: int, hanging: int, pstyle: str = "", font: str = "") -> str:
    """One w:lvl of a list definition (elements in schema order)."""
    pstyle = f'<w:pStyle w:val="{pstyle}"/>' if pstyle else ""
    rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/></w:rPr>' if font else ""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pstyle}'
            f'<w:lvlText w:val="{escape(text)}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{indent}" '
            f'w:hanging="{hanging}"/></w:pPr>{rpr}</w:lvl>')


def abstract_num(aid: int, nsid: str, kind: str, template: str, levels: str) -> str:
    return (f'<w:abstractNum w:abstractNumId="{aid}" w15:restartNumberingAfterBreak="0"><w:nsid w:val="{nsid}"/>'
            f'<w:multiLevelType w:val="{kind}"/><w:tmpl w:val="{template}"/>{levels}</w:abstractNum>')


def numbering_xml() -> str:
    """List 1 numbers the headings ("4.", "4.2", linked to Heading 1/2); list 2 is the bullets."""
    heading_levels = "".join(
        level(i, "decimal", ".".join(f"%{k + 1}" for k in range(i + 1)) + ("." if i == 0 else ""),
              432 + 144 * i, 432 + 144 * i, f"Heading{i + 1}" if i < 2 else "")
        for i in range(9))
    bullets = [("\uf0b7", "Symbol"), ("o", "Courier New"), ("\uf0a7", "Wingdings")]
    bullet_levels = "".join(level(i, "bullet", bullets[i % 3][0], 720 * (i + 1), 360, font=bullets[i % 3][1])
                            for i in range(9))
    abstracts = (abstract_num(0, "1F2A3B4C", "multilevel", "0409001D", heading_levels)
                 + abstract_num(1, "5D6E7F80", "hybridMultilevel", "08090001", bullet_levels))
    nums = ('<w:num w:numId="1" w16cid:durableId="1183043871"><w:abstractNumId w:val="0"/></w:num>'
            '<w:num w:numId="2" w16cid:durableId="402155624"><w:abstractNumId w:val="1"/></w:num>')
    return root("w:numbering", abstracts + nums)


def settings_xml(copy: Copy) -> str:
    rsids = sorted(set(copy.draft_rsids) | set(copy.author_rsids.values()) | {"00A1C3E0"})
    rsid_list = "".join(f'<w:rsid w:val="{r}"/>' for r in rsids)
    compat = "".join(f'<w:compatSetting w:name="{n}" w:uri="http://schemas.microsoft.com/office/word" w:val="{v}"/>'
                     for n, v in (("compatibilityMode", "15"), ("overrideTableStyleFontSizeAndJustification", "1"),
                                  ("enableOpenTypeFeatures", "1"), ("doNotFlipMirrorIndents", "1"),
                                  ("differentiateMultirowTableHeaders", "1"),
                                  ("useWord2013TrackBottomHyphenation", "0")))
    return root("w:settings",
                '<w:zoom w:percent="110"/><w:trackRevisions/><w:defaultTabStop w:val="720"/>'
                '<w:characterSpacingControl w:val="doNotCompress"/>'
                '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
                '<w:endnotePr><w:endnote w:id="-1"/><w:endnote w:id="0"/></w:endnotePr>'
                f'<w:compat>{compat}</w:compat><w:rsids><w:rsidRoot w:val="00A1C3E0"/>{rsid_list}</w:rsids>'
                '<m:mathPr><m:mathFont m:val="Cambria Math"/><m:brkBin m:val="before"/><m:brkBinSub m:val="--"/>'
                '<m:smallFrac m:val="0"/><m:dispDef/><m:lMargin m:val="0"/><m:rMargin m:val="0"/>'
                '<m:defJc m:val="centerGroup"/><m:wrapIndent m:val="1440"/><m:intLim m:val="subSup"/>'
                '<m:naryLim m:val="undOvr"/></m:mathPr><w:themeFontLang w:val="en-GB"/>'
                '<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1" '
                'w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5" w:accent6="accent6" '
                'w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/>'
                '<w:shapeDefaults><o:shapedefaults v:ext="edit" spidmax="2049"/><o:shapelayout v:ext="edit">'
                '<o:idmap v:ext="edit" data="1"/></o:shapelayout></w:shapeDefaults>'
                '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
                f'<w14:docId w14:val="{copy.hex8(0x10000000, 0x7FFFFFFF)}"/><w15:chartTrackingRefBased/>'
                '<w15:docId w15:val="{6B1E2F3A-4C5D-4E6F-8A9B-0C1D2E3F4A5B}"/>')


def font_table_xml() -> str:
    fonts = [("Calibri", "020F0502020204030204", "swiss"), ("Times New Roman", "02020603050405020304", "roman"),
             ("Calibri Light", "020F0302020204030204", "swiss"), ("Symbol", "05050102010706020507", "roman"),
             ("Courier New", "02070309020205020404", "modern"), ("Wingdings", "05000000000000000000", "auto")]
    body = "".join(f'<w:font w:name="{n}"><w:panose1 w:val="{p}"/><w:charset w:val="00"/><w:family w:val="{f}"/>'
                   '<w:pitch w:val="variable"/></w:font>' for n, p, f in fonts)
    return root("w:fonts", body)


def theme_xml() -> str:
    """The Office theme, reduced to its required parts: colours, the two fonts, plain formats."""
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    colours = [("dk2", "44546A"), ("lt2", "E7E6E6"), ("accent1", "4472C4"), ("accent2", "ED7D31"),
               ("accent3", "A5A5A5"), ("accent4", "FFC000"), ("accent5", "5B9BD5"), ("accent6", "70AD47"),
               ("hlink", "0563C1"), ("folHlink", "954F72")]
    scheme = ('<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'
              '<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>'
              + "".join(f'<a:{n}><a:srgbClr val="{v}"/></a:{n}>' for n, v in colours))
    fonts = "".join(f'<a:{k}Font><a:latin typeface="{f}"/><a:ea typeface=""/><a:cs typeface=""/></a:{k}Font>'
                    for k, f in (("major", "Calibri Light"), ("minor", "Calibri")))
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350">{fill}</a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    formats = (f"<a:fillStyleLst>{fill * 3}</a:fillStyleLst><a:lnStyleLst>{line * 3}</a:lnStyleLst>"
               f"<a:effectStyleLst>{effect * 3}</a:effectStyleLst><a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst>")
    return (f'{DECL}<a:theme xmlns:a="{a}" name="Office Theme"><a:themeElements>'
            f'<a:clrScheme name="Office">{scheme}</a:clrScheme><a:fontScheme name="Office">{fonts}</a:fontScheme>'
            f'<a:fmtScheme name="Office">{formats}</a:fmtScheme></a:themeElements>'
            "<a:objectDefaults/><a:extraClrSchemeLst/></a:theme>")


def core_xml() -> str:
    return (f'{DECL}<cp:coreProperties xmlns:cp="{PKG}/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{escape(TITLE)}</dc:title><dc:subject/><dc:creator>Alliance 8.7 Secretariat</dc:creator>'
            '<cp:keywords/><dc:description/><cp:lastModifiedBy>Maria Santos</cp:lastModifiedBy>'
            '<cp:revision>7</cp:revision>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2025-02-10T08:15:00Z</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2025-03-07T16:42:00Z</dcterms:modified></cp:coreProperties>')


def app_xml(pages: int, words: int) -> str:
    return (f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f'<Template>Normal.dotm</Template><TotalTime>184</TotalTime><Pages>{pages}</Pages><Words>{words}</Words>'
            f'<Characters>{words * 6}</Characters><Application>Microsoft Office Word</Application>'
            f'<DocSecurity>0</DocSecurity><Lines>{pages * 44}</Lines><Paragraphs>{pages * 8}</Paragraphs>'
            '<ScaleCrop>false</ScaleCrop><Company>Alliance 8.7</Company><LinksUpToDate>false</LinksUpToDate>'
            f'<CharactersWithSpaces>{words * 7}</CharactersWithSpaces><SharedDoc>false</SharedDoc>'
            '<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion></Properties>')


def content_types_xml(present: set[str]) -> str:
    overrides = "".join(f'<Override PartName="/{p}" ContentType="{ct}"/>' for p, ct, _ in PARTS if p in present)
    return (f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>')


def rels_xml(rels: list[tuple[str, str, str]]) -> str:
    items = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in rels)
    return f'{DECL}<Relationships xmlns="{PKG}/relationships">{items}</Relationships>'


def relationship_ids(present: set[str]) -> dict[str, str]:
    """Part -> its relationship id from document.xml."""
    related = [part for part, _, rel_type in PARTS if rel_type is not None and part in present]
    return {part: f"rId{i}" for i, part in enumerate(related, start=1)}


def document_rels(present: set[str]) -> str:
    ids, types = relationship_ids(present), {part: rel_type for part, _, rel_type in PARTS}
    return rels_xml([(rid, types[part], part.removeprefix("word/")) for part, rid in ids.items()])


def package_rels() -> str:
    return rels_xml([
        ("rId3", f"{OFFICE_REL}/extended-properties", "docProps/app.xml"),
        ("rId2", f"{PKG}/relationships/metadata/core-properties", "docProps/core.xml"),
        ("rId1", f"{OFFICE_REL}/officeDocument", "word/document.xml"),
    ])


def zip_parts(entries: dict[str, str]) -> bytes:
    """A zip with Word's fixed 1980-01-01 time stamps (so the bytes are reproducible)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in entries.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


# -- the copy -----------------------------------------------------------------------------


def build(pages: int = 46, revisions: int = 50, comments: int = 30, seed: int = 87) -> Copy:
    """The draft with its changes, comments and footnotes (not yet rendered)."""
    copy = Copy(random.Random(seed))
    build_outline(copy, pages)
    add_revisions(copy, revisions)
    if comments:
        add_comments(copy, comments)
    add_footnotes(copy)
    return copy


COMMENT_PARTS = {"word/comments.xml", "word/commentsExtended.xml", "word/commentsIds.xml", "word/people.xml"}


def make_copy(pages: int = 46, revisions: int = 50, comments: int = 30, seed: int = 87) -> bytes:
    """A reviewer's .docx copy as Word writes it (see the module docstring)."""
    copy = build(pages, revisions, comments, seed)
    present = {part for part, _, _ in PARTS if comments or part not in COMMENT_PARTS}
    w = Writer(copy)
    parts = {  # rendered in this order: the body and comments.xml draw the ids the others use
        "word/document.xml": w.body(relationship_ids(present)),
        "word/styles.xml": styles_xml(),
        "word/settings.xml": settings_xml(copy),
        "word/webSettings.xml": root("w:webSettings", "<w:optimizeForBrowser/><w:allowPNG/>"),
        "word/footnotes.xml": footnotes_xml(w),
        "word/endnotes.xml": root("w:endnotes", separators(copy, "endnote")),
        "word/comments.xml": comments_xml(w),
        "word/commentsExtended.xml": comments_extended_xml(copy),
        "word/commentsIds.xml": comments_ids_xml(copy),
        "word/numbering.xml": numbering_xml(),
        "word/header1.xml": header_xml(copy),
        "word/footer1.xml": footer_xml(copy),
        "word/fontTable.xml": font_table_xml(),
        "word/theme/theme1.xml": theme_xml(),
        "word/people.xml": people_xml(),
        "docProps/core.xml": core_xml(),
        "docProps/app.xml": app_xml(pages, word_count(copy.blocks)),
    }
    entries = {"[Content_Types].xml": content_types_xml(present), "_rels/.rels": package_rels(),
               "word/document.xml": parts.pop("word/document.xml"),
               "word/_rels/document.xml.rels": document_rels(present)}
    entries.update((k, v) for k, v in parts.items() if k in present)
    return zip_parts(entries)


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a generated reviewer's Word copy.")
    parser.add_argument("out")
    parser.add_argument("--pages", type=int, default=46)
    parser.add_argument("--revisions", type=int, default=50)
    parser.add_argument("--comments", type=int, default=30)
    parser.add_argument("--seed", type=int, default=87)
    args = parser.parse_args()
    data = make_copy(args.pages, args.revisions, args.comments, args.seed)
    with open(args.out, "wb") as f:
        f.write(data)
    print(f"{args.out}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
