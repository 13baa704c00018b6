"""Consolidation, property-based: members' Word copies of a random draft → redline and merged draft.

Each example is a random draft (paragraphs of words, some of them headings) and random
word-level edits by 2–5 members. Every member's copy is written as a real .docx and goes
through the product's own path, as `flows.stages` runs it:

    read_docx(copy) → proposals_from_copy(copy, draft, origin) → identify → consolidate
    (group_proposals + decide, default policy accept-non-conflicting) → redline / merged
    (outputs.draft_documents), both read back with read_docx.

Copies come in two kinds, and every property is run on both:
- "tracked": the draft with the member's edits as w:del/w:ins credited to the member
  (built with tests/docx_factory.py);
- "clean": the member's edited text, no tracking (the product diffs it against the draft).

What is generated:
- the draft: 2–6 paragraphs, the first and some others headings (Heading1/Heading2), 1–12
  words each. Draft words are lowercase and all distinct (a clean copy is placed by a word
  diff: with a repeated word, "which one was deleted?" is a matter of taste, not of
  correctness). Words proposed by members are capitalised, so never equal to a draft word;
- an edit: replace words[i:j] by 1–3 new words, delete words[i:j] (never all of a
  paragraph's words), or insert 1–3 words before word k (k = n: at the paragraph's end);
  half of them are drawn next to (or, for property d, on) an edit already drawn. Edits
  never touch paragraph marks. Member names include "&" and "'" (XML escapes in w:author).

Where the spaces go (in a tracked copy; Word's own habit, and what the product's diff
usually finds in a clean copy): a deletion takes the space after its words (the space
before them at the end of a paragraph); an insertion before word k brings its own space
after it ("X "), or before it at the end of a paragraph (" X").

"Non-overlapping" is the grouping rule of consolidate/group.py on those character spans:
different members' changes may touch (one ends where the next starts, or an insertion sits
at the edge of a replacement: adjacent words in one sentence), never share text nor insert
at the same point. A member's own touching edits are one tracked change in Word (one
proposal), so other members' edits never touch inside such a run either.

Properties:
(a) non-overlapping edits: no conflict; merged = draft with ALL edits applied (computed
    word by word, independently of the product); redline rejected = draft, redline accepted
    = merged; every tracked change in the redline is credited to a member who proposed it;
    every paragraph keeps its style;
(b) two members' overlapping, different edits (replace/replace, delete/replace,
    delete/delete, two insertions at one point, an insertion inside a replaced or deleted
    span) among other edits: one group of kind "conflict" holding both, both Pending, neither
    applied (merged = draft with the other edits only), a conflict comment in the redline;
(c) identical edits by several members: applied once, one group of kind "identical" with
    every proposer, each Accepted, a redline comment naming them all;
(d) any edits at all (overlapping, touching, identical): the merged text is the draft with
    exactly the applied proposals' changes (taken from the Decided list), no two applied
    changes overlap, no alternative of a conflict is applied, each applied new text is whole
    at its place; the redline as in (a).

On clean copies these properties found two bugs in the word alignment, since fixed (see
"what these properties found" below); the examples that showed them are pinned with
@example on the clean tests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from redraft.consolidate.extract import proposals_from_copy
from redraft.flows.stages import Draft, consolidate, identify
from redraft.consolidate.decide import Policy
from redraft.models.changes import APPLYING, Decided, Disposition, Origin
from redraft.outputs.draft_documents import merged, redline
from redraft.parsers.docx import read_docx

try:
    from docx_factory import HEADING_STYLES, dele, del_run, ins, make_docx, para, run
except ImportError:  # tests/ imported as a package
    from tests.docx_factory import HEADING_STYLES, dele, del_run, ins, make_docx, para, run

pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies:hypothesis.errors.HypothesisDeprecationWarning")

KEY = "tor"
WHEN = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
MEMBERS = ("ILO", "UNICEF", "Ministry of Labour & Employment", "ITUC", "Workers' Group")
# The word diff that reads a clean copy joins one member's edits that are close together
# into one change (see test_..._clean); 30 characters (6+ words) keep them apart.
APART = 30
SHAPES = ("replace/replace", "delete/replace", "delete/delete", "insert/insert", "insert/inside")

_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
DRAFT_WORDS = sorted({a + b for a in _SYLLABLES[::3] for b in _SYLLABLES[1::4]})  # lowercase, 4 letters
NEW_WORDS = [w.capitalize() for w in DRAFT_WORDS[::7]]  # never equal to a draft word

SETTINGS = settings(max_examples=100, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# -- the model: paragraphs, word edits, the text they make ----------------------------------


@dataclass(frozen=True)
class Para:
    style: str  # "" for a body paragraph
    words: tuple[str, ...]


@dataclass(frozen=True)
class WordEdit:
    """In paragraph `p`: words[i:j] become `new` (i == j: an insertion before word i)."""

    p: int
    i: int
    j: int
    new: tuple[str, ...]

    @property
    def kind(self) -> str:
        return "insert" if self.i == self.j else ("delete" if not self.new else "replace")


def draft_text(paras: list[Para]) -> str:
    return "".join(" ".join(p.words) + "\n" for p in paras)


def apply_words(paras: list[Para], edits: list[WordEdit]) -> list[Para]:
    """The draft with the edits applied, word by word (the oracle: no offsets, no diff)."""
    out = []
    for p, par in enumerate(paras):
        mine = [e for e in edits if e.p == p]
        words: list[str] = []
        k = 0
        n = len(par.words)
        while k <= n:
            for e in sorted((e for e in mine if e.i == e.j == k), key=lambda e: e.new):
                words += e.new
            span = [e for e in mine if e.i == k and e.j > k]
            if k == n:
                break
            if span:
                words += span[0].new
                k = span[0].j
            else:
                words.append(par.words[k])
                k += 1
        out.append(Para(par.style, tuple(words)))
    return out


def char_span(paras: list[Para], e: WordEdit) -> tuple[int, int, str]:
    """(start, end, new) of an edit in the draft's text (see the module doc for the spaces)."""
    base = sum(len(" ".join(q.words)) + 1 for q in paras[: e.p])
    words = paras[e.p].words
    n = len(words)
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    ends = [s + len(w) for s, w in zip(starts, words)]
    new = " ".join(e.new)
    if e.kind == "insert":
        if e.i < n:
            return base + starts[e.i], base + starts[e.i], new + " "
        return base + ends[-1], base + ends[-1], " " + new
    if e.kind == "delete":
        if e.j < n:
            return base + starts[e.i], base + starts[e.j], ""
        return base + ends[e.i - 1], base + ends[-1], ""
    return base + starts[e.i], base + ends[e.j - 1], new


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """consolidate/group.py's rule: shared text, the same insertion point, or inside."""
    (a0, a1), (b0, b1) = a[:2], b[:2]
    if a0 == a1 and b0 == b1:
        return a0 == b0
    if a0 == a1:
        return b0 < a0 < b1
    if b0 == b1:
        return a0 < b0 < a1
    return a0 < b1 and b0 < a1


def distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def runs_of(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One member's touching edits joined: what Word records as one tracked change."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [tuple(r) for r in out]


@dataclass(frozen=True)
class Scenario:
    paras: tuple[Para, ...]
    members: tuple[str, ...]
    edits: tuple[tuple[WordEdit, frozenset[str]], ...]  # each edit and who proposes it

    def of(self, member: str) -> list[WordEdit]:
        return [e for e, who in self.edits if member in who]


def fits(paras: list[Para], chosen: list[tuple[WordEdit, frozenset[str]]], e: WordEdit,
         who: frozenset[str], gap: int = 0, own_gap: int = 0, spaced_deletions: bool = False) -> bool:
    """Whether `e` (by `who`) can join `chosen` with every change still non-overlapping.

    gap: an edit made by several members (an identical change) keeps that many characters
    away from every other edit (0: it may touch them);
    own_gap: the same for two edits of one member;
    spaced_deletions: a deletion never touches another member's insertion or deletion.
    """
    span = char_span(paras, e)[:2]
    for other, owners in chosen:
        o = char_span(paras, other)[:2]
        if overlaps(span, o):
            return False
        if (len(who) > 1 or len(owners) > 1) and distance(span, o) < gap:
            return False
        if who & owners and distance(span, o) < own_gap:
            return False
        if spaced_deletions and who != owners and distance(span, o) == 0 \
                and "delete" in (e.kind, other.kind) and "replace" not in (e.kind, other.kind):
            return False
    trial = chosen + [(e, who)]
    names = sorted({m for _, w in trial for m in w})
    spans = {m: [char_span(paras, x)[:2] for x, w in trial if m in w] for m in names}
    runs = {m: runs_of(spans[m]) for m in names}
    for a in names:
        for b in names:
            for r in runs[a]:
                for s in runs[b]:
                    # different members' runs (one tracked change each) never overlap, unless
                    # they are the very same edits (an identical change)
                    if a < b and overlaps(r, s) and (r != s or _within(spans[a], r) != _within(spans[b], s)):
                        return False
    return all(p.words for p in apply_words(paras, [x for x, _ in trial]))


def _within(spans, run) -> set:
    return {x for x in spans if run[0] <= x[0] and x[1] <= run[1]}


# -- strategies -----------------------------------------------------------------------------


@st.composite
def paragraphs(draw) -> tuple[Para, ...]:
    count = draw(st.integers(2, 6))
    styles = ["Heading1"] + [draw(st.sampled_from(["", "", "", "Heading2"])) for _ in range(count - 1)]
    sizes = [draw(st.integers(1, 4) if s else st.integers(1, 12)) for s in styles]
    words = draw(st.lists(st.sampled_from(DRAFT_WORDS), min_size=sum(sizes), max_size=sum(sizes), unique=True))
    out, k = [], 0
    for style, size in zip(styles, sizes):
        out.append(Para(style, tuple(words[k:k + size])))
        k += size
    return tuple(out)


@st.composite
def word_edit(draw, paras: tuple[Para, ...]) -> WordEdit:
    p = draw(st.integers(0, len(paras) - 1))
    n = len(paras[p].words)
    kind = draw(st.sampled_from(["replace", "replace", "delete", "insert"]))
    new = tuple(draw(st.lists(st.sampled_from(NEW_WORDS), min_size=1, max_size=3)))
    if kind == "insert":
        k = draw(st.integers(0, n))
        return WordEdit(p, k, k, new)
    i = draw(st.integers(0, n - 1))
    j = draw(st.integers(i + 1, min(n, i + 3)))
    if kind == "delete" and (i, j) != (0, n):
        return WordEdit(p, i, j, ())
    return WordEdit(p, i, j, new)


@st.composite
def near(draw, paras: tuple[Para, ...], x: WordEdit, inside: bool = False) -> WordEdit:
    """An edit at an edge of `x` (it starts where x ends, ends where x starts, or inserts
    there); with `inside`, at any word boundary of x's span (so often overlapping x)."""
    n = len(paras[x.p].words)
    point = draw(st.integers(x.i, x.j) if inside else st.sampled_from([x.i, x.j]))
    kind = draw(st.sampled_from(["replace", "delete", "insert"]))
    new = tuple(draw(st.lists(st.sampled_from(NEW_WORDS), min_size=1, max_size=3)))
    if kind == "insert":
        return WordEdit(x.p, point, point, new)
    m = draw(st.integers(1, 3))
    if point == n or (point > 0 and draw(st.booleans())):
        i, j = max(0, point - m), point
    else:
        i, j = point, min(n, point + m)
    if kind == "delete" and (i, j) != (0, n):
        return WordEdit(x.p, i, j, ())
    return WordEdit(x.p, i, j, new)


def members(draw) -> tuple[str, ...]:
    n = draw(st.integers(2, 5))
    return tuple(draw(st.permutations(MEMBERS))[:n])


@st.composite
def non_overlapping(draw, shared: bool = False, gap: int = 1, own_gap: int = 0,
                    spaced_deletions: bool = False, shared_kinds=("replace", "delete", "insert")) -> Scenario:
    """Pairwise non-overlapping edits (touching allowed); with `shared`, some edits are made
    by several members, `gap` characters away from other edits (touching one would make
    the member's tracked change differ from the others'); `own_gap`: see `fits`."""
    paras = draw(paragraphs())
    who_all = members(draw)
    chosen: list[tuple[WordEdit, frozenset[str]]] = []
    for _ in range(draw(st.integers(2, 10))):
        # half of the edits start next to an earlier one, by another member (touching edits)
        x, owners = draw(st.sampled_from(chosen)) if chosen and draw(st.booleans()) else (None, frozenset())
        e = draw(near(paras, x) if x else word_edit(paras))
        others = [m for m in who_all if m not in owners] or list(who_all)
        if shared and e.kind in shared_kinds and draw(st.booleans()):
            who = frozenset(draw(st.lists(st.sampled_from(who_all), min_size=2, max_size=len(who_all), unique=True)))
        else:
            who = frozenset([draw(st.sampled_from(others))])
        if fits(list(paras), chosen, e, who, gap=gap, own_gap=own_gap, spaced_deletions=spaced_deletions):
            chosen.append((e, who))
    return Scenario(paras, who_all, tuple(chosen))


@st.composite
def conflicting(draw, gap: int = 1, own_gap: int = 0, shapes=SHAPES, spaced_deletions: bool = False):
    """Two members' overlapping, different edits, plus non-overlapping edits `gap` characters
    away from them. Returns (other edits, (edit, member), (edit, member))."""
    paras = draw(paragraphs())
    who_all = members(draw)
    a_name, b_name = who_all[0], who_all[1]
    shape = draw(st.sampled_from(shapes))
    roomy = [k for k, q in enumerate(paras) if len(q.words) >= 2]
    if shape == "insert/inside" and not roomy:
        shape = "insert/insert"
    p = draw(st.sampled_from(roomy)) if shape == "insert/inside" else draw(st.integers(0, len(paras) - 1))
    n = len(paras[p].words)
    new_a = tuple(draw(st.lists(st.sampled_from(NEW_WORDS), min_size=1, max_size=3)))
    new_b = tuple(draw(st.lists(st.sampled_from(NEW_WORDS), min_size=1, max_size=3)))
    if shape == "insert/insert":
        k = draw(st.integers(0, n))
        a, b = WordEdit(p, k, k, new_a), WordEdit(p, k, k, new_b)
    elif shape == "insert/inside":  # an insertion strictly inside a replaced or deleted span
        i = draw(st.integers(0, n - 2))
        j = draw(st.integers(i + 2, n))
        k = draw(st.integers(i + 1, j - 1))
        deleting = draw(st.booleans()) and (i, j) != (0, n)
        a, b = WordEdit(p, i, j, () if deleting else new_a), WordEdit(p, k, k, new_b)
    else:  # two spans sharing at least one word
        first, second = shape.split("/")
        i = draw(st.integers(0, n - 1))
        j = draw(st.integers(i + 1, n))
        k = draw(st.integers(0, j - 1))
        l = draw(st.integers(max(k, i) + 1, n))
        a = WordEdit(p, i, j, () if first == "delete" and (i, j) != (0, n) else new_a)
        b = WordEdit(p, k, l, () if second == "delete" and (k, l) != (0, n) else new_b)
    if char_span(list(paras), a) == char_span(list(paras), b):  # the same result: make it differ
        b = WordEdit(b.p, b.i, b.j, b.new + (NEW_WORDS[0] if NEW_WORDS[0] not in b.new else NEW_WORDS[1],))
    if draw(st.booleans()):
        a, b = b, a
    sa, sb = char_span(list(paras), a), char_span(list(paras), b)
    assert overlaps(sa[:2], sb[:2]) and sa != sb
    region = (min(sa[0], sb[0]), max(sa[1], sb[1]))
    chosen: list[tuple[WordEdit, frozenset[str]]] = []
    for _ in range(draw(st.integers(0, 6))):
        e = draw(word_edit(paras))
        who = frozenset([draw(st.sampled_from(who_all))])
        if distance(char_span(list(paras), e)[:2], region) >= gap and \
                fits(list(paras), chosen, e, who, own_gap=own_gap, spaced_deletions=spaced_deletions):
            chosen.append((e, who))
    return Scenario(paras, who_all, tuple(chosen)), (a, a_name), (b, b_name)


@st.composite
def anything(draw) -> Scenario:
    """Random edits per member: each member's own edits don't overlap; across members, anything."""
    paras = draw(paragraphs())
    who_all = members(draw)
    chosen: list[tuple[WordEdit, frozenset[str]]] = []
    for m in who_all:
        mine: list[tuple[WordEdit, frozenset[str]]] = []
        for _ in range(draw(st.integers(0, 4))):
            # often on or next to another member's edit: overlapping, touching, identical
            if chosen and draw(st.booleans()):
                x = draw(st.sampled_from(chosen))[0]
                e = x if draw(st.integers(0, 3)) == 0 else draw(near(paras, x, inside=True))
            else:
                e = draw(word_edit(paras))
            if fits(list(paras), mine, e, frozenset([m])):
                mine.append((e, frozenset([m])))
        chosen += mine
    return Scenario(paras, who_all, tuple(chosen))


# -- the copies as Word files -----------------------------------------------------------------


def body_xml(paras) -> str:
    return "".join(para(run(escape(" ".join(p.words))) if p.words else "", style=p.style or None)
                   for p in paras)


def docx_of(paras) -> bytes:
    return make_docx(body_xml(paras), styles=HEADING_STYLES)


def clean_copy(paras: tuple[Para, ...], edits: list[WordEdit]) -> bytes:
    return docx_of(apply_words(list(paras), edits))


def tracked_copy(paras: tuple[Para, ...], edits: list[WordEdit], author: str) -> bytes:
    """The draft with `edits` as tracked changes by `author` (spaces as in the module doc)."""
    who = escape(author, {'"': "&quot;"})
    ids = iter(range(100, 10_000))
    body = []
    offset = 0
    for p, par in enumerate(paras):
        text = " ".join(par.words)
        local = sorted(((s - offset, e - offset, new) for s, e, new in
                        (char_span(list(paras), x) for x in edits if x.p == p)), key=lambda t: (t[0], t[1]))
        parts, cursor = [], 0
        for s, e, new in local:
            if s > cursor:
                parts.append(run(escape(text[cursor:s])))
            if e > s:
                parts.append(dele(del_run(escape(text[s:e])), id=str(next(ids)), author=who))
            if new:
                parts.append(ins(run(escape(new)), id=str(next(ids)), author=who))
            cursor = max(cursor, e)
        if cursor < len(text):
            parts.append(run(escape(text[cursor:])))
        body.append(para("".join(parts), style=par.style or None))
        offset += len(text) + 1
    return make_docx("".join(body), styles=HEADING_STYLES)


# -- the product's path ---------------------------------------------------------------------


@dataclass
class Outcome:
    draft: str
    decided: list[Decided]
    problems: list[str]
    redline: object  # Document
    merged: object  # Document
    draft_doc: object


def run_consolidation(scenario: Scenario, kind: str) -> Outcome:
    paras = scenario.paras
    draft_bytes = docx_of(paras)
    draft_doc = read_docx(draft_bytes, source="draft.docx")
    assert draft_doc.text("accepted") == draft_text(list(paras))
    proposals = []
    for k, member in enumerate(scenario.members):
        edits = scenario.of(member)
        if not edits and k % 2:
            continue  # some members send nothing
        data = tracked_copy(paras, edits, member) if kind == "tracked" else clean_copy(paras, edits)
        copy = read_docx(data, source=f"{member}.docx")
        expected_copy = draft_text(apply_words(list(paras), edits))
        assert copy.text("accepted") == expected_copy, "the test's copy is wrong"
        origin = Origin(document=KEY, organisation=member, constituency="", sender=f"m{k}@example.org",
                        sender_name=f"Member {k}", received=WHEN + timedelta(minutes=k),
                        message_id=f"<copy{k}@example.org>", file=f"copy{k}.docx",
                        file_sha256=hashlib.sha256(data).hexdigest(), credited=member)
        proposals += proposals_from_copy(copy, draft_doc, origin)
    proposals = identify(proposals, {KEY: Draft(KEY, "Terms of reference", draft_bytes, draft_doc)})
    decided, problems = consolidate(KEY, proposals, Policy.parse(""), None)
    for d in decided:
        note(f"{d.group.id} {d.group.kind:9} {d.decision.disposition.value:8} {d.proposal.author}: "
             f"[{d.proposal.start},{d.proposal.end}) {d.proposal.old!r} -> {d.proposal.new!r}")
    return Outcome(draft_doc.text("accepted"), decided, problems,
                   read_docx(redline(draft_bytes, decided), source="redline.docx"),
                   read_docx(merged(draft_bytes, decided), source="merged.docx"), draft_doc)


def applied(decided: list[Decided]) -> dict[tuple[int, int, str], set[str]]:
    """Each applied change (start, end, new) and the names of those who proposed it."""
    out: dict[tuple[int, int, str], set[str]] = {}
    for d in decided:
        p = d.proposal
        if d.decision.disposition in APPLYING and p.is_change:
            new = d.decision.modified_text if d.decision.disposition == Disposition.MODIFIED else p.new
            out.setdefault((p.start, p.end, new), set()).add(p.author)
    return out


def apply_changes(text: str, changes) -> str:
    for start, end, new in sorted(changes, key=lambda c: (c[0], c[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return text


def check_redline(out: Outcome) -> None:
    """Rejected = the draft, accepted = the merged draft, each change credited to its proposer."""
    merged_text = out.merged.text("accepted")
    assert out.redline.text("rejected") == out.draft
    assert out.redline.text("accepted") == merged_text
    if not any("\n" in out.draft[s:e] + new for s, e, new in applied(out.decided)):
        check_styles(out)
    assert not out.merged.has_revisions and not out.merged.comments
    changes = applied(out.decided)
    pos = deleted_from = 0  # draft offset; where the deleted text just before it starts
    for seg in out.redline.segments:
        if seg.inserted is not None and seg.deleted is not None:
            continue
        rev = seg.deleted if seg.deleted is not None else seg.inserted
        if rev is None:
            deleted_from = pos + len(seg.text)
        elif seg.deleted is not None:
            owners = [who for (s, e, _), who in changes.items() if s <= pos and pos + len(seg.text) <= e]
        else:  # inserted text sits after the text it replaces, or at its change's place
            owners = [who for (s, e, new), who in changes.items()
                      if s <= pos and deleted_from <= e and seg.text in new]
        if rev is not None:
            assert owners, f"tracked change {seg.text!r} at {pos} matches no applied proposal"
            assert any(rev.author in who for who in owners), \
                f"{seg.text!r} at {pos} credited to {rev.author!r}, proposed by {owners}"
        if seg.inserted is None:
            pos += len(seg.text)
    proposers = set().union(*changes.values()) if changes else set()
    authors = {r.author for seg in out.redline.segments for r in (seg.inserted, seg.deleted) if r is not None}
    assert authors <= proposers


def check_styles(out: Outcome) -> None:
    """No member added or removed a paragraph: each keeps its style (headings stay headings)."""
    styles = [b.style for b in out.draft_doc.blocks]
    assert [b.style for b in out.merged.blocks] == styles
    assert [b.style for b in out.redline.blocks] == styles


def check_no_garble(out: Outcome) -> None:
    """(d): merged = draft + exactly the applied changes; nothing half-applied."""
    changes = sorted(applied(out.decided), key=lambda c: (c[0], c[1]))
    for n, x in enumerate(changes):
        for y in changes[n + 1:]:
            assert not overlaps(x, y), f"two applied changes overlap: {x} {y}"
    for d in out.decided:
        if d.group.kind == "conflict":
            assert d.decision.disposition not in APPLYING, f"{d.proposal.id} of conflict {d.group.id} applied"
    merged_text = out.merged.text("accepted")
    assert merged_text == apply_changes(out.draft, changes)
    shift = 0  # each applied new text, whole, at its place in the merged draft
    for start, end, new in changes:
        assert merged_text[start + shift:start + shift + len(new)] == new
        shift += len(new) - (end - start)


# -- the properties ---------------------------------------------------------------------------


def all_applied(scenario: Scenario, kind: str) -> None:
    """(a) non-overlapping (also touching) edits by several members are all applied."""
    out = run_consolidation(scenario, kind)
    expected = draft_text(apply_words(list(scenario.paras), [e for e, _ in scenario.edits]))
    conflicts = sorted({d.group.id for d in out.decided if d.group.kind == "conflict"})
    assert conflicts == [], "edits that do not overlap were put in conflict"
    assert out.problems == []
    assert out.merged.text("accepted") == expected
    assert {d.decision.disposition for d in out.decided} <= {Disposition.ACCEPTED}
    check_styles(out)
    check_redline(out)
    check_no_garble(out)


def one_conflict(case, kind: str) -> None:
    """(b) two members' overlapping different edits: one conflict group, neither applied."""
    base, (a, a_name), (b, b_name) = case
    scenario = Scenario(base.paras, base.members, base.edits + ((a, frozenset([a_name])), (b, frozenset([b_name]))))
    out = run_consolidation(scenario, kind)
    expected = draft_text(apply_words(list(scenario.paras), [e for e, _ in base.edits]))
    assert out.merged.text("accepted") == expected, "an alternative of a conflict was applied"
    conflicts = {d.group.id: d.group for d in out.decided if d.group.kind == "conflict"}
    assert len(conflicts) == 1, f"expected one conflict group, got {sorted(conflicts)}"
    group = next(iter(conflicts.values()))
    assert {p.author for p in group.proposals} == {a_name, b_name}
    for d in out.decided:
        if d.group is group:
            assert d.decision.disposition == Disposition.PENDING and "conflicts with" in d.decision.rationale
        else:
            assert d.decision.disposition == Disposition.ACCEPTED
    assert any(f"Conflict {group.id}" in c.text for c in out.redline.comments)
    check_styles(out)
    check_redline(out)
    check_no_garble(out)


def applied_once(scenario: Scenario, kind: str) -> None:
    """(c) the same edit from several members: applied once, one "identical" group, all credited."""
    out = run_consolidation(scenario, kind)
    expected = draft_text(apply_words(list(scenario.paras), [e for e, _ in scenario.edits]))
    assert out.merged.text("accepted") == expected
    groups = {d.group.id: d.group for d in out.decided}
    assert sorted(g.kind for g in groups.values() if g.kind not in ("change", "identical")) == []
    assert {d.decision.disposition for d in out.decided} <= {Disposition.ACCEPTED}
    shared = [(e, who) for e, who in scenario.edits if len(who) > 1]
    identical = [g for g in groups.values() if g.kind == "identical"]
    assert len(identical) == len(shared)
    comments = [c.text for c in out.redline.comments]
    for e, who in shared:
        assert any({p.author for p in g.proposals} == set(who) for g in identical), \
            f"no identical group of {sorted(who)} for {e}"
        assert any("Same change proposed by" in c and all(m in c for m in who) for c in comments)
    for g in identical:
        assert len({(p.start, p.end, p.new) for p in g.proposals}) == 1
    # shown once: one applied change per group, whoever else proposed it
    assert len(applied(out.decided)) == len(groups)
    check_styles(out)
    check_redline(out)
    check_no_garble(out)


def never_garbled(scenario: Scenario, kind: str) -> None:
    """(d) whatever the members do, the merged draft is the draft plus whole applied changes."""
    out = run_consolidation(scenario, kind)
    check_no_garble(out)
    check_redline(out)


# -- what these properties found (the product is left as it is) ------------------------------
#
# A clean copy is read by a word diff (consolidate/alignment.py: diff-match-patch on words
# encoded as characters, then diff_cleanupSemantic). Two things go wrong there; tracked copies
# are fine.
#
# 1. The semantic clean-up joins one member's separate edits when little text lies between
#    them (here " meet "; also across a paragraph mark), so that member proposes one change
#    "shall meet" -> "should normally meet at least", and another member's edit of "meet"
#    becomes a conflict: nothing is applied (expected "The Committee should normally convene
#    at least twice a year.").
SENTENCE = tuple("The Committee shall meet twice a year.".split())
JOINED_EDITS = Scenario(
    (Para("", SENTENCE),), ("ILO", "ITUC"),
    ((WordEdit(0, 2, 3, ("should", "normally")), frozenset({"ILO"})),  # shall -> should normally
     (WordEdit(0, 4, 4, ("at", "least")), frozenset({"ILO"})),  # at least twice
     (WordEdit(0, 3, 4, ("convene",)), frozenset({"ITUC"}))))  # meet -> convene
#
# 2. Whether an inserted or deleted word takes the space before it or the one after it
#    depends on the Unicode category of the code point the diff happens to give each token
#    (tokens are numbered in order of first appearance in draft + copy, token n is
#    chr(0x800 + n): from the 22nd on, U+0816-U+082D are combining marks and U+0830-U+083E
#    punctuation, which diff_cleanupSemanticLossless scores as word boundaries, the others
#    letters). It changes with the draft's length and the copy's other edits. So
#    - two members' different insertions at the same place land at offsets 79 (" at least")
#      and 80 ("no fewer than "): no conflict, both applied, "in principle at least no fewer
#      than twice a year" (SAME_PLACE);
#    - ITUC deletes "in principle " [67, 80) and ILO inserts " at least" at 79 (instead of
#      "at least " at 80): a conflict, nothing applied, although the edits only touch
#      (expected "Organization, at least twice a year"; the tracked copies give it).
MEETING = (Para("Heading1", ("Meetings",)),
           Para("", tuple("The Committee shall meet at the seat of the Organization, in principle twice a year, "
                          "on dates fixed by its Chair after consulting the members.".split())))
assert MEETING[1].words[10:13] == ("in", "principle", "twice")
SAME_PLACE = (Scenario(MEETING, ("ILO", "ITUC"), ()),
              (WordEdit(1, 12, 12, ("at", "least")), "ILO"),  # in principle at least twice a year
              (WordEdit(1, 12, 12, ("no", "fewer", "than")), "ITUC"))  # in principle no fewer than twice
SPACE_SIDE = Scenario(MEETING, ("ILO", "ITUC"),
                      ((WordEdit(1, 12, 12, ("at", "least")), frozenset({"ILO"})),  # at least twice
                       (WordEdit(1, 10, 12, ()), frozenset({"ITUC"}))))  # "in principle" deleted
#    - ILO (who also changed "shall" to "will") and ITUC both insert "at least" before
#      "twice": ILO's lands at 33 (" at least"), ITUC's at 34 ("at least "), not identical, both
#      applied: "The Committee will meet at least at least twice a year in Geneva, ..."
#      (TWICE_TWICE).
GENEVA = (Para("Heading1", ("Meetings",)),
          Para("", tuple("The Committee shall meet twice a year in Geneva, on dates fixed by its Chair "
                         "after consulting the members.".split())))
TWICE_TWICE = Scenario(GENEVA, ("ILO", "ITUC"),
                       ((WordEdit(1, 2, 3, ("will",)), frozenset({"ILO"})),  # shall -> will
                        (WordEdit(1, 4, 4, ("at", "least")), frozenset({"ILO", "ITUC"}))))  # at least twice
# The *_clean tests keep these examples. In a clean copy, one member's edits with no kept word
# between them cannot be told apart by any diff ("babe bada" -> "Babe Babe Babe": which word
# became two?): the clean tests keep a member's own edits at least one word apart (OWN_WORD).
OWN_WORD = 6


@SETTINGS
@given(scenario=non_overlapping())
def test_non_overlapping_edits_are_all_applied_tracked(scenario):
    all_applied(scenario, "tracked")


@SETTINGS
@example(scenario=JOINED_EDITS)
@example(scenario=SPACE_SIDE)
@given(scenario=non_overlapping(own_gap=OWN_WORD))
def test_non_overlapping_edits_are_all_applied_clean(scenario):
    """Edits that only touch are all applied (bugs 1 and 2 above made a conflict of them)."""
    all_applied(scenario, "clean")


@SETTINGS
@given(case=conflicting())
def test_overlapping_different_edits_are_one_conflict_never_applied_tracked(case):
    one_conflict(case, "tracked")


@SETTINGS
@example(case=SAME_PLACE)
@given(case=conflicting(gap=APART, own_gap=APART))
def test_overlapping_different_edits_are_one_conflict_never_applied_clean(case):
    """Two different insertions at one place are a conflict (bug 2 above applied both).

    The other edits are kept APART from the pair: next to a member's own edit with no kept
    word between, a clean copy cannot say where one of its edits ends and the next begins
    (see OWN_WORD)."""
    one_conflict(case, "clean")


@SETTINGS
@given(scenario=non_overlapping(shared=True))
def test_identical_edits_are_applied_once_and_credited_to_each_tracked(scenario):
    applied_once(scenario, "tracked")


@SETTINGS
@example(scenario=TWICE_TWICE)
@given(scenario=non_overlapping(shared=True, own_gap=OWN_WORD))
def test_identical_edits_are_applied_once_and_credited_to_each_clean(scenario):
    """The same insertion by two members is applied once (bug 2 above applied it twice)."""
    applied_once(scenario, "clean")


@SETTINGS
@given(scenario=anything())
def test_conflicts_never_produce_garbled_text_tracked(scenario):
    never_garbled(scenario, "tracked")


@SETTINGS
@given(scenario=anything())
def test_conflicts_never_produce_garbled_text_clean(scenario):
    never_garbled(scenario, "clean")
