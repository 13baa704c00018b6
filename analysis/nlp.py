"""spaCy pipelines without trained models: a blank language plus the rule-based sentencizer.

Nothing here downloads anything: `spacy.blank(lang)` ships with spaCy. A pipeline is built
once per language and kept for the life of the process.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.lang.en.stop_words import STOP_WORDS as _EN
from spacy.lang.es.stop_words import STOP_WORDS as _ES
from spacy.lang.fr.stop_words import STOP_WORDS as _FR

LANGUAGES = ("en", "fr", "es")
DEFAULT_LANGUAGE = "en"

# Words that are stop words in more than one of the three lists ("a", "me", "de", ...)
# say nothing about which language a text is in: only the words unique to one list count.
_ALL = {"en": set(_EN), "fr": set(_FR), "es": set(_ES)}
_STOP = {
    lang: frozenset(w for w in words if not any(w in _ALL[o] for o in LANGUAGES if o != lang))
    for lang, words in _ALL.items()
}
_WORD = re.compile(r"[^\W\d_]+")


# Titles and abbreviations after which a capital does not start a new sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st no nos nr art arts para paras sect sec fig vol ch chap ref cf approx "
    "incl vs viz jr sr sra srta av mme mlle me pp".split()
)


@Language.component("redraft_acronym_periods")
def _acronym_periods(doc: Doc) -> Doc:
    """End a sentence after an acronym: the tokenizer keeps "ToR." or "UNESCO." whole, so
    the sentencizer never sees their full stop."""
    for tok, nxt in zip(doc, doc[1:]):
        word = tok.text
        if (
            len(word) >= 3
            and word.endswith(".")
            and "." not in word[:-1]
            and word[:-1].lower() not in _ABBREVIATIONS
            and (nxt.text[:1].isupper() or nxt.text[:1] in "\"“«‘'¿¡")
        ):
            nxt.is_sent_start = True
    return doc


@lru_cache(maxsize=None)
def pipeline(lang: str) -> spacy.Language:
    """The blank pipeline for `lang` with a sentencizer (built once, then cached)."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("redraft_acronym_periods")
    return nlp


def detect_language(text: str) -> str:
    """"en", "fr" or "es": the language whose own stop words make up most of the words.

    Only stop words unique to one of the three lists count; a text with none of them
    (empty, numbers, a single name) is taken as English.
    """
    words = _WORD.findall(text.lower())
    if not words:
        return DEFAULT_LANGUAGE
    scores = {lang: 0 for lang in LANGUAGES}
    for w in words:
        for lang in LANGUAGES:
            if w in _STOP[lang]:
                scores[lang] += 1
    # "¿", "¡" and "ñ" only occur in Spanish; they settle short texts.
    if any(c in text for c in "¿¡ñÑ"):
        scores["es"] += 2
    best = max(LANGUAGES, key=lambda lang: (scores[lang], lang == DEFAULT_LANGUAGE))
    return best if scores[best] > 0 else DEFAULT_LANGUAGE


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences of `text` (surrounding spaces dropped)."""
    if not text.strip():
        return []
    doc = pipeline(lang)(text)
    spans = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def sentences(text: str, lang: str) -> list[str]:
    """The sentences of `text`, as written."""
    return [text[s:e] for s, e in sentence_spans(text, lang)]


# ----------------------------------------------------------------------------- lemmas

_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@lru_cache(maxsize=None)
def _lemma_table(lang: str):
    """spaCy's lookup lemma table for `lang` (from spacy-lookups-data; loaded once)."""
    from spacy.lookups import load_lookups

    return load_lookups(lang if lang in LANGUAGES else DEFAULT_LANGUAGE, ["lemma_lookup"]).get_table("lemma_lookup")


def fold(word: str) -> str:
    """Lower case without accents ("Réunir" -> "reunir")."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def _lemma(word: str, lang: str) -> str:
    table = _lemma_table(lang)
    low = word.lower()
    lemma = table.get(low) or table.get(word) or low
    if isinstance(lemma, list):  # some tables list several lemmas; the first is the usual one
        lemma = lemma[0] if lemma else low
    return fold(lemma)


def content_lemmas(text: str, lang: str) -> list[str]:
    """The lemmas (lower case, no accents) of the words of `text` that are not stop words.

    Words are looked up in spaCy's lemma table of `lang` ("governments" -> "government",
    « réunissent » -> "reunir"); one-letter words and stop words of the language are left out.
    """
    stop = _ALL.get(lang, _ALL[DEFAULT_LANGUAGE])
    out = []
    for word in _TOKEN.findall(text):
        low = word.lower()
        if len(low) < 2 or low in stop:
            continue
        lemma = _lemma(word, lang)
        if lemma not in stop:
            out.append(lemma)
    return out
