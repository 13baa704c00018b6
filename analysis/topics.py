"""Placing a comment by what it talks about, when it names no section and quotes nothing.

Two steps, tried in this order by the caller:

- **topic of a descriptive reference**: "the paragraph on rotation", "the section dealing
  with eligibility", « la partie relative à la consultation nationale », "el párrafo sobre
  el punto focal", "Regarding the focal point, ...". The topic words are matched against
  each paragraph and its section heading; the best paragraph wins when it holds most of the
  topic's weight.
- **similarity**: the comment's own words against each paragraph and heading. A section is
  chosen only when it clearly beats every other section; otherwise the comment stays general.

Words are compared as lemmas (spaCy lookup tables, accents folded) weighted by how rare they
are in the draft (idf), so "members" and "Alliance", found everywhere, say little and
"rotation" says a lot. Comments in French or Spanish on an English draft are first given the
English words of a small domain glossary (`glossary.py`).
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass
from functools import cached_property

from .glossary import to_draft_language
from .nlp import content_lemmas, detect_language
from .references import DraftIndex

TOPIC_COVERAGE = 0.55  # share of the topic's weight a paragraph must hold
SIMILARITY_MIN = 7.0  # idf weight of the words shared with the best paragraph
SIMILARITY_MARGIN = 1.5  # best section / runner-up section

_NOUNS = {
    "en": r"(?:paragraphs?|paras?|sections?|sub-?sections?|parts?|passages?|sentences?|bullets?(?:\s+points?)?|lists?"
          r"|points?|provisions?|clauses?|text|language|wording|chapters?|articles?|annex(?:es)?|discussion|reference|references)",
    "fr": r"(?:paragraphes?|sections?|sous-sections?|parties?|passages?|phrases?|points?|alineas?|dispositions?|chapitres?"
          r"|articles?|annexes?|texte|libelle|references?)",
    "es": r"(?:parrafos?|secciones?|seccion|partes?|apartados?|pasajes?|frases?|puntos?|disposiciones?|capitulos?"
          r"|articulos?|anexos?|texto|referencias?)",
}
_ABOUT = {
    "en": r"(?:on|about|regarding|concerning|dealing\s+with|relating\s+to|related\s+to|referring\s+to|covering"
          r"|describing|that\s+(?:deals|talks|speaks|refers)\s+(?:with|about|to)|which\s+(?:deals|talks|refers)\s+(?:with|about|to)"
          r"|with\s+regard\s+to|in\s+relation\s+to)",
    "fr": r"(?:sur|relati(?:f|ve|fs|ves)\s+(?:a|aux|au)|concernant|portant\s+sur|consacre(?:e|s|es)?\s+(?:a|aux|au)"
          r"|traitant\s+(?:de|des|du)|qui\s+traite\s+(?:de|des|du)|au\s+sujet\s+(?:de|des|du)|ayant\s+trait\s+(?:a|aux|au)"
          r"|qui\s+(?:concerne|porte\s+sur)|se\s+rapportant\s+(?:a|aux|au))",
    "es": r"(?:sobre|relativ[oa]s?\s+(?:a|al)|referente\s+(?:a|al)|que\s+trata\s+(?:de|del|sobre)|dedicad[oa]s?\s+(?:a|al)"
          r"|acerca\s+(?:de|del)|en\s+materia\s+de|que\s+se\s+refiere\s+(?:a|al)|concerniente\s+(?:a|al)|referid[oa]\s+(?:a|al))",
}
_LEADS = (  # "Regarding X, ...", « S'agissant de X, ... », "En cuanto a X, ..."
    r"(?:^|[.;:]\s+)(?:regarding|concerning|as\s+regards|as\s+for|with\s+(?:regard|respect)\s+to|in\s+relation\s+to"
    r"|on\s+the\s+(?:question|issue|subject|matter)\s+of|on"
    r"|concernant|s'agissant\s+(?:de|des|du)|en\s+ce\s+qui\s+concerne|quant\s+(?:a|aux|au)|au\s+sujet\s+(?:de|des|du)|sur"
    r"|en\s+cuanto\s+(?:a|al)|con\s+respecto\s+(?:a|al)|respecto\s+(?:a|al|de)|en\s+relacion\s+con|sobre|acerca\s+de)"
    r"\s+(?P<topic>[^,;:.!?()]{3,80})\s*[,:]"
)
_TOPIC_END = r"(?P<topic>[^,;:.!?()\"“”«»]{3,80}?)(?=\s*(?:[,;:.!?()\"“”«»]|$|\b(?:is|are|should|must|could|would|seems?|needs?|est|sont|devrait|doit|semble|es|son|deberia|debe|parece)\b))"
_DESCRIPTIVE = [
    re.compile(rf"\b{_NOUNS[lang]}\s+{_ABOUT[lang]}\s+(?:the\s+|la\s+|le\s+|les\s+|l'|el\s+|los\s+|las\s+)?{_TOPIC_END}")
    for lang in ("en", "fr", "es")
]
_LEAD = re.compile(_LEADS)


@dataclass(frozen=True)
class Topic:
    """A descriptive reference: its words and where it is in the (folded) comment."""

    text: str
    span: tuple[int, int]


def find_topic(folded: str) -> Topic | None:
    """The first descriptive reference in a folded comment, else None."""
    best = None
    for rx in (*_DESCRIPTIVE, _LEAD):
        m = rx.search(folded)
        if m and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return None
    topic = best.group("topic").strip()
    return Topic(topic, best.span("topic")) if topic else None


# ----------------------------------------------------------------------------- the draft's words


@dataclass(eq=False)
class TopicIndex:
    """Lemmas of a draft's paragraphs and headings with their idf weights (built once per draft)."""

    ix: DraftIndex

    @cached_property
    def lang(self) -> str:
        return detect_language(self.ix.text[:5000])

    @cached_property
    def block_lemmas(self) -> list[frozenset[str]]:
        return [frozenset(content_lemmas(t, self.lang)) for t in self.ix.block_texts]

    @cached_property
    def heading_of(self) -> list[int | None]:
        """Index of the heading of each block's section (None before the first heading)."""
        out, current = [], None
        for i in range(len(self.ix.blocks)):
            if self.ix.is_heading(i):
                current = i
            out.append(current)
        return out

    @cached_property
    def idf(self) -> dict[str, float]:
        n = len(self.block_lemmas) or 1
        df: dict[str, int] = {}
        for lemmas in self.block_lemmas:
            for w in lemmas:
                df[w] = df.get(w, 0) + 1
        return {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}

    @cached_property
    def unknown_weight(self) -> float:
        return math.log(len(self.block_lemmas) + 1) + 1.0

    @cached_property
    def candidates(self) -> list[int]:
        """Blocks a topic can land on: non-empty blocks inside a section."""
        return [i for i in range(len(self.ix.blocks)) if self.ix.block_texts[i].strip() and self.section_of(i)]

    def section_of(self, i: int) -> str:
        block = self.ix.blocks[i]
        return block.section or (block.number.strip().rstrip(".") if block.heading_level else "")

    def weight(self, w: str) -> float:
        return self.idf.get(w, self.unknown_weight)

    def words(self, text: str, lang: str) -> frozenset[str]:
        """The content lemmas of `text`, given in the draft's language through the glossary
        when the comment is in another; a foreign word the draft does not use is left out."""
        lemmas = content_lemmas(text, lang)
        if lang != self.lang:
            lemmas = [w for w in to_draft_language(lemmas, lang, self.lang) if w in self.idf]
        return frozenset(lemmas)

    def scores(self, words: frozenset[str]) -> list[tuple[float, float, int]]:
        """(score, covered, block index) of every candidate block sharing a word with `words`,
        best first. A block's score is the weight of the words it shares plus the weight of
        those its section heading shares (a heading naming the topic counts twice); `covered`
        is the weight of the words found in either."""
        out = []
        idf = self.idf
        for i in self.candidates:
            in_block = words & self.block_lemmas[i]
            h = self.heading_of[i]
            in_heading = words & self.block_lemmas[h] if h is not None and h != i else frozenset()
            if in_block or in_heading:
                score = sum(idf.get(w, 0.0) for w in in_block) + sum(idf.get(w, 0.0) for w in in_heading)
                covered = sum(idf.get(w, 0.0) for w in in_block | in_heading)
                out.append((score, covered, i))
        out.sort(key=lambda t: (-t[0], t[2]))
        return out


_CACHE: dict[int, tuple[weakref.ref, TopicIndex]] = {}


def topic_index(ix: DraftIndex) -> TopicIndex:
    """The draft's topic index, cached while the DraftIndex lives."""
    hit = _CACHE.get(id(ix))
    if hit is not None and hit[0]() is ix:
        return hit[1]
    t = TopicIndex(ix)
    _CACHE[id(ix)] = (weakref.ref(ix, lambda _r, k=id(ix), cache=_CACHE: cache.pop(k, None)), t)
    return t


def by_topic(topic: str, lang: str, ix: DraftIndex) -> int | None:
    """The block a descriptive reference's topic points at, else None."""
    tix = topic_index(ix)
    words = tix.words(topic, lang)
    if not words:
        return None
    total = sum(tix.weight(w) for w in words)
    scores = tix.scores(words)
    if not scores:
        return None
    best, covered, i = scores[0]
    if covered < TOPIC_COVERAGE * total:
        return None
    # a tie between two sections is no answer
    rival = next((s for s, _c, j in scores[1:] if tix.section_of(j) != tix.section_of(i)), 0.0)
    return i if best > rival else None


def by_similarity(text: str, lang: str, ix: DraftIndex) -> int | None:
    """The block a comment's words point at when one section clearly stands out, else None."""
    tix = topic_index(ix)
    words = tix.words(text, lang)
    scores = tix.scores(words)
    if not scores:
        return None
    best, _covered, i = scores[0]
    if best < SIMILARITY_MIN:
        return None
    rival = next((s for s, _c, j in scores[1:] if tix.section_of(j) != tix.section_of(i)), 0.0)
    return i if best >= SIMILARITY_MARGIN * rival else None
