"""Explicit references in a sentence ("section 4.2", "§ 4.2", "paras 3–5", "Annex I",
« paragraphe 3 », « artículo 5 ») and where they point in a draft.

`find_references(sentence)` lists what a sentence names; `resolve(reference, draft)` gives
the draft's blocks it points at. How a label is matched (kept simple on purpose):

- section / bare "4.2": a heading numbered 4.2 (its `Block.number`, a trailing "." ignored,
  or its text starting "Section 4.2") with every block up to the next heading of the same or
  a higher level; else every block whose `Block.section` is 4.2 or under it (4.2.x). When
  nothing matches, a roman label is tried as arabic and the other way round ("IV" == "4"),
  so the equivalence only applies when the draft uses the other form. Last, numbered
  paragraphs (list items) numbered 4.2 or 4.2.x.
- article / annex / chapter: a heading or title line (short, no final full stop) whose text
  starts with the word and the label ("Article 5", "ANNEX I", "Anexo I"), or numbered with it, up to the next
  heading of its level or the next block starting with the same word; for articles and
  chapters a heading numbered plainly "5" also matches.
- paragraph N: a non-heading block numbered N (drafts with numbered paragraphs); otherwise
  the N-th non-empty block that is not a heading, title or subtitle, counted from the start
  of the draft (or of the
  section in "paragraph 2 of section 4" / "section 4, paragraph 2"). Sub-paragraph
  suffixes such as "3(b)" are read as "3".
"""

from __future__ import annotations

import bisect
import re
import weakref
from dataclasses import dataclass, field
from functools import cached_property

from ..models.document import Block, Document
from ..models.numbers import ROMAN, to_roman

# ----------------------------------------------------------------------------- finding

_KIND_WORDS: dict[str, str] = {
    # longest spellings first; abbreviations carry their dot
    "section": r"subsections?|sous-sections?|secci[oó]n(?:es)?|sections?|sect\.|sec\.|clauses?|§§?",
    "paragraph": r"paragraphes?|paragraphs?|p[aá]rrafos?|paras?\.?|pars\.|par\.|apartados?|points?|puntos?|¶",
    "article": r"art[ií]culos?|articles?|arts?\.",
    "annex": r"annex(?:es)?|annexes?|anexos?|appendix|appendices|appendice|ap[eé]ndices?",
    "chapter": r"chapters?|chapitres?|cap[ií]tulos?",
}
_KIND_OF_WORD = [(kind, re.compile(rf"(?:{words})$", re.I)) for kind, words in _KIND_WORDS.items()]

_LABEL = r"(?:\d+(?:\.\d+)*(?![\d])[a-z]?(?![\w])|(?-i:[IVXLC]+(?:\.(?:[A-Z]|\d+))*|[A-Z])(?![\w]))"
_SUB = r"(?:\s?\([a-z0-9]{1,4}\))*"  # "3(b)", "4.2 (a)(ii)": read as "3", "4.2"
_SEP = r"\s*(?:,|;|&|\band\b|\bet\b|\by\b|\be\b|\bor\b|\bou\b|\bo\b)\s*"
_RANGE = r"\s*(?:-|–|—|\bto\b|\bthrough\b|\bthru\b|\bà\b|\bau\b|\ba\b|\bal\b)\s*"
_ALL_KINDS = "|".join(_KIND_WORDS.values())

_REF = re.compile(
    rf"(?<![\w§])(?P<kw>{_ALL_KINDS})\s*(?:n[°º]\s*|nos?\.\s*)?"
    rf"(?P<labels>{_LABEL}{_SUB}(?:(?:{_SEP}|{_RANGE}){_LABEL}{_SUB})*)"
    # a bare dotted number ("4.2", "4.2.1."): not a decimal, a date, a version or a share
    rf"|(?<![\w.§/,\-])(?P<bare>\d{{1,2}}(?:\.\d{{1,3}}){{1,3}})(?![\w%/\-]|[.,]\d)",
    re.I,
)
_ONE_LABEL = re.compile(rf"({_LABEL}){_SUB}", re.I)
_IS_RANGE = re.compile(rf"^{_RANGE}$", re.I)
# "paragraph 2 of section 4"  /  "section 4, paragraph 2"
_OF = re.compile(r"^\s*,?\s*(?:of|in|de\s+la|de\s+l['’]|du|del|de|of\s+the)\s*$", re.I)
_COMMA = re.compile(r"^\s*,?\s*$")


@dataclass(frozen=True)
class Reference:
    """A place a sentence names: kind ("section" | "paragraph" | "article" | "annex" |
    "chapter") and label ("4.2", "IV", "I", "3"). `within` narrows a paragraph to a section."""

    kind: str
    label: str
    within: "Reference | None" = None
    span: tuple[int, int] = field(default=(0, 0), compare=False)  # where in the sentence
    ordinal: bool = False  # "the second paragraph": counted within `within` only

    @property
    def display(self) -> str:
        """How a table shows it: "4.2" for a section, "Annex I", "Article 5", "para 3"."""
        if self.kind == "section":
            return self.label
        word = {"paragraph": "para", "article": "Article", "annex": "Annex", "chapter": "Chapter"}
        shown = "last para" if self.label == "last" else f"{word[self.kind]} {self.label}"
        return f"{self.within.display}, {shown}" if self.within else shown

    def __str__(self) -> str:
        return self.display if self.kind != "section" else f"section {self.label}"


def _kind_of(word: str) -> str:
    for kind, rx in _KIND_OF_WORD:
        if rx.match(word):
            return kind
    return "section"


def _clean_label(label: str) -> str:
    return label.strip().rstrip(".").strip()


def _expand(a: str, b: str) -> list[str]:
    """Labels from a to b ("3", "5" -> 3, 4, 5; "4.1", "4.3" -> 4.1, 4.2, 4.3; "II", "IV")."""
    if a.isdigit() and b.isdigit():
        x, y = int(a), int(b)
        return [str(n) for n in range(x, y + 1)] if 0 <= y - x <= 50 else [a, b]
    if "." in a and "." in b:
        pa, _, la = a.rpartition(".")
        pb, _, lb = b.rpartition(".")
        if pa == pb and la.isdigit() and lb.isdigit() and 0 <= int(lb) - int(la) <= 50:
            return [f"{pa}.{n}" for n in range(int(la), int(lb) + 1)]
    ra, rb = from_roman(a), from_roman(b)
    if ra and rb and 0 <= rb - ra <= 50:
        return [to_roman(n) for n in range(ra, rb + 1)]
    return [a, b]


def _labels(text: str) -> list[str]:
    """The labels of a list such as "3, 4 and 6" or "3–5" in order, ranges expanded."""
    out: list[str] = []
    pos = 0
    for m in _ONE_LABEL.finditer(text):
        between = text[pos : m.start()]
        label = _clean_label(m.group(1))
        if out and _IS_RANGE.match(between):
            out.extend(_expand(out.pop(), label))
        else:
            out.append(label)
        pos = m.end()
    return out


_ORDINALS = {
    "first": "1", "1st": "1", "second": "2", "2nd": "2", "third": "3", "3rd": "3", "fourth": "4", "4th": "4",
    "fifth": "5", "5th": "5", "sixth": "6", "6th": "6", "seventh": "7", "eighth": "8", "last": "last",
    "final": "last", "closing": "last", "opening": "1",
    "premier": "1", "première": "1", "1er": "1", "1re": "1", "deuxième": "2", "second": "2", "seconde": "2",
    "2e": "2", "troisième": "3", "3e": "3", "quatrième": "4", "cinquième": "5", "sixième": "6",
    "dernier": "last", "dernière": "last",
    "primer": "1", "primero": "1", "primera": "1", "segundo": "2", "segunda": "2", "tercer": "3",
    "tercero": "3", "tercera": "3", "cuarto": "4", "cuarta": "4", "quinto": "5", "quinta": "5",
    "sexto": "6", "sexta": "6", "último": "last", "última": "last", "ultimo": "last", "ultima": "last",
}
_ORDINAL_WORDS = "|".join(sorted(map(re.escape, _ORDINALS), key=len, reverse=True))
_PARAGRAPH_WORDS = r"paragraphs?|paras?\.?|paragraphes?|alin[ée]as?|p[áa]rrafos?|apartados?"
# "the second paragraph", « le dernier paragraphe », "el primer párrafo", "paragraph two" is not read
_ORDINAL = re.compile(
    rf"(?<![\w])(?P<ord>{_ORDINAL_WORDS})\s+(?:{_PARAGRAPH_WORDS})(?![\w])"
    rf"|(?<![\w])(?:{_PARAGRAPH_WORDS})\s+(?P<ord2>{_ORDINAL_WORDS})(?![\w])",
    re.I,
)


def _ordinal_label(word: str | None) -> str:
    return _ORDINALS.get((word or "").lower(), "1")


def find_references(sentence: str) -> list[Reference]:
    """Every explicit reference in `sentence`, in order ("paras 3–5" gives three)."""
    found: list[tuple[str, list[str], tuple[int, int], bool]] = []
    for m in _REF.finditer(sentence):
        if m.group("bare"):
            found.append(("section", [_clean_label(m.group("bare"))], m.span(), False))
            continue
        kind = _kind_of(m.group("kw").strip())
        labels = _labels(m.group("labels"))
        if kind == "paragraph" and any(lab.isalpha() and len(lab) == 1 and lab not in "IVX" for lab in labels):
            labels = [lab for lab in labels if not (lab.isalpha() and len(lab) == 1)]
        if labels:
            found.append((kind, labels, m.span(), False))
    taken = [f[2] for f in found]
    for m in _ORDINAL.finditer(sentence):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            found.append(("paragraph", [_ordinal_label(m.group("ord") or m.group("ord2"))], m.span(), True))
    found.sort(key=lambda f: f[2])

    refs: list[Reference] = []
    i = 0
    while i < len(found):
        kind, labels, span, ordinal = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        gap = sentence[span[1] : nxt[2][0]] if nxt else ""
        if (
            nxt
            and kind == "paragraph"
            and nxt[0] != "paragraph"
            and len(nxt[1]) == 1
            and _OF.match(gap)
        ):
            outer = Reference(nxt[0], nxt[1][0], span=nxt[2])
            refs += [Reference(kind, lab, outer, span=(span[0], nxt[2][1]), ordinal=ordinal) for lab in labels]
            i += 2
            continue
        if (
            nxt
            and kind != "paragraph"
            and nxt[0] == "paragraph"
            and len(labels) == 1
            and _COMMA.match(gap)
        ):
            outer = Reference(kind, labels[0], span=span)
            refs += [Reference("paragraph", lab, outer, span=(span[0], nxt[2][1]), ordinal=nxt[3]) for lab in nxt[1]]
            i += 2
            continue
        refs += [Reference(kind, lab, span=span, ordinal=ordinal) for lab in labels]
        i += 1
    return refs


# ----------------------------------------------------------------------------- numerals

def from_roman(s: str) -> int | None:
    """The value of a roman numeral written the usual way ("IV" -> 4), else None."""
    s = s.upper()
    if not s or any(c not in "IVXLCDM" for c in s):
        return None
    total, i = 0, 0
    for value, letters in ROMAN:
        while s.startswith(letters, i):
            total += value
            i += len(letters)
    return total if i == len(s) and to_roman(total) == s else None


def _other_form(label: str) -> str | None:
    """"IV" <-> "4", "IV.2" <-> "4.2"; None when there is no other form."""
    head, dot, rest = label.partition(".")
    if head.isdigit():
        n = int(head)
        return to_roman(n) + dot + rest if 0 < n < 4000 else None
    value = from_roman(head)
    return f"{value}{dot}{rest}" if value else None


# ----------------------------------------------------------------------------- the draft


_TYPED_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})*)[.)]\s+(?=\S)")
_NUMBER_WORD = re.compile(rf"^\s*(?:{_ALL_KINDS})\s*", re.I)


def normalise_number(number: str) -> str:
    """"4.2." -> "4.2"; "(a)" -> "a"; "Article 5" -> "5"; "IV." -> "IV"."""
    n = _NUMBER_WORD.sub("", number.strip())
    return n.strip().strip("()").rstrip(".)").strip()


@dataclass(eq=False)
class DraftIndex:
    """A draft's accepted text with what look-ups need, built once per Document (see index_of)."""

    draft: Document

    @cached_property
    def text(self) -> str:
        return self.draft.text("accepted")

    @cached_property
    def starts(self) -> list[int]:
        return self.draft.block_starts("accepted")

    @cached_property
    def block_texts(self) -> list[str]:
        return [self.draft.block_text(b, "accepted") for b in self.draft.blocks]

    @cached_property
    def numbers(self) -> list[str]:
        """Each block's number: Word's own, else one typed at the start of a paragraph ("12. ",
        "12) "), as UN-style drafts number their paragraphs."""
        out = []
        for b, text in zip(self.draft.blocks, self.block_texts):
            number = normalise_number(b.number)
            if not number and b.heading_level is None:
                typed = _TYPED_NUMBER.match(text)
                number = typed.group(1) if typed else ""
            out.append(number)
        return out

    @cached_property
    def sections(self) -> list[str]:
        return [normalise_number(b.section) if b.section else "" for b in self.draft.blocks]

    @cached_property
    def resolved(self) -> dict:
        """Cache of resolve_indices: Reference -> block indices."""
        return {}

    @property
    def blocks(self) -> tuple[Block, ...]:
        return self.draft.blocks

    def is_heading(self, i: int) -> bool:
        b = self.blocks[i]
        return b.kind == "heading" or b.heading_level is not None

    def is_body(self, i: int) -> bool:
        """A paragraph that counts in "paragraph N": not a heading, title or subtitle, not empty."""
        return (
            not self.is_heading(i)
            and self.blocks[i].style.lower() not in ("title", "subtitle")
            and bool(self.block_texts[i].strip())
        )

    def level(self, i: int) -> int:
        return self.blocks[i].heading_level or 1

    def block_span(self, i: int) -> tuple[int, int]:
        """(start, end) of block i's text, its paragraph mark excluded."""
        start = self.starts[i]
        return start, start + len(self.block_texts[i])

    def block_index_at(self, offset: int) -> int | None:
        """Index of the block whose text (or paragraph mark) holds `offset`."""
        if not self.starts:
            return None
        i = bisect.bisect_right(self.starts, offset) - 1
        return max(0, min(i, len(self.starts) - 1))

    def ranges(self, indices) -> list[tuple[int, int]]:
        """Merged (start, end) ranges of the text covering the given blocks (marks included)."""
        out: list[tuple[int, int]] = []
        for i in sorted(set(indices)):
            start, end = self.block_span(i)
            end += 1
            if out and out[-1][1] >= start:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        return out


_CACHE: dict[int, tuple[weakref.ref, DraftIndex]] = {}


def index_of(draft: Document) -> DraftIndex:
    """The draft's index, cached by identity for as long as the Document lives."""
    key = id(draft)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is draft:
        return hit[1]
    index = DraftIndex(draft)
    _CACHE[key] = (weakref.ref(draft, lambda _r, k=key, cache=_CACHE: cache.pop(k, None)), index)
    return index


# ----------------------------------------------------------------------------- resolving

_TEXT_WORDS = {
    kind: re.compile(rf"^\s*(?:{words})\s*(?:n[°º]\s*)?({_LABEL})", re.I)
    for kind, words in _KIND_WORDS.items()
    if kind != "paragraph"
}


def _extent(ix: DraftIndex, i: int, stop_kind: str | None = None) -> list[int]:
    """Block i and the blocks under it: up to the next heading of its level or higher, or
    (when block i is not a heading) the next heading or block starting with its kind word."""
    out = [i]
    heading = ix.is_heading(i)
    level = ix.level(i) if heading else None
    rx = _TEXT_WORDS.get(stop_kind or "")
    for j in range(i + 1, len(ix.blocks)):
        if ix.is_heading(j) and (level is None or ix.level(j) <= level):
            break
        if rx is not None and rx.match(ix.block_texts[j]):
            break
        out.append(j)
    return out


def _section_blocks(ix: DraftIndex, kind: str, label: str) -> list[int]:
    """Blocks of a section/article/annex/chapter labelled exactly `label` (no other form)."""
    hits: set[int] = set()
    rx = _TEXT_WORDS.get(kind)
    key = label.upper() if label.isalpha() else label
    # 1. a block whose text (or written number) starts with the kind word and the label
    for i, text in enumerate(ix.block_texts):
        # a title line ("ANNEX I", "Article 5 – Scope"), not a sentence starting "Section 4 ..."
        if not ix.is_heading(i) and (len(text) > 100 or text.rstrip().endswith(".")):
            text = ""
        for candidate in (text, ix.blocks[i].number):
            m = rx.match(candidate) if rx and candidate else None
            if m and _clean_label(m.group(1)).upper() == key.upper():
                hits.update(_extent(ix, i, kind))
                break
    if kind == "annex":
        return sorted(hits)
    # 2. a heading numbered with the label
    for i, number in enumerate(ix.numbers):
        if number and ix.is_heading(i) and number.upper() == key.upper():
            hits.update(_extent(ix, i))
    # 3. the outline the parser computed: Block.section is the label or under it
    if kind == "section":
        prefix = label + "."
        for i, section in enumerate(ix.sections):
            if section and (section == label or section.startswith(prefix)):
                hits.add(i)
    return sorted(hits)


def _numbered_paragraphs(ix: DraftIndex, label: str, pool: list[int]) -> list[int]:
    return [
        i for i in pool
        if not ix.is_heading(i) and ix.numbers[i]
        and (ix.numbers[i] == label or ix.numbers[i].startswith(label + "."))
    ]


def resolve_indices(ref: "Reference | str", draft: Document | DraftIndex) -> list[int]:
    """Indices (in `draft.blocks`) of the blocks a reference points at; [] when none."""
    ix = draft if isinstance(draft, DraftIndex) else index_of(draft)
    if isinstance(ref, str):
        found = find_references(ref)
        ref = found[0] if found else Reference("section", normalise_number(ref))
    hit = ix.resolved.get(ref)
    if hit is None:
        hit = ix.resolved[ref] = tuple(_resolve(ref, ix))
    return list(hit)


def _resolve(ref: Reference, ix: DraftIndex) -> list[int]:
    label = ref.label
    if ref.kind == "paragraph":
        pool = list(range(len(ix.blocks)))
        if ref.within is not None:
            pool = resolve_indices(ref.within, ix)
            if not pool:
                return []
        numbered = [i for i in pool if not ix.is_heading(i) and ix.numbers[i] == label]
        if numbered:
            return numbered
        if ref.ordinal and ref.within is None:
            return []  # "the second paragraph" of what? Left to the sentence's other references
        if label == "last":
            body = [i for i in pool if ix.is_body(i)]
            return body[-1:] if ref.within is not None else []
        if not label.isdigit():
            return _numbered_paragraphs(ix, label, pool) or _section_blocks(ix, "section", label)
        n = int(label)
        body = [i for i in pool if ix.is_body(i)]
        return [body[n - 1]] if 0 < n <= len(body) else []
    hits = _section_blocks(ix, ref.kind, label)
    if not hits:
        other = _other_form(label)
        if other:
            hits = _section_blocks(ix, ref.kind, other)
    if not hits and ref.kind == "section":
        hits = _numbered_paragraphs(ix, label, list(range(len(ix.blocks))))
    return hits


def resolve(ref: "Reference | str", draft: Document) -> list[Block]:
    """The blocks of `draft` a reference (or a label such as "4.2", "Annex I",
    "paragraph 8") points at, in document order; [] when it names nothing in the draft."""
    ix = index_of(draft)
    return [ix.blocks[i] for i in resolve_indices(ref, ix)]
