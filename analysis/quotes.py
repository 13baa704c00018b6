"""Where a quoted piece of text is in a draft.

The search goes from strict to loose and stops at the first level that finds something:

1. exact (case-sensitive) occurrences;
2. occurrences after normalising both sides: every run of white space (line breaks and
   no-break spaces included) is one space, quote marks ' ’ ‘ ` are one mark and " “ ” „ « »
   another (a space just inside « » is dropped), dashes ‐ ‑ ‒ – — are "-";
3. the same, ignoring case;
4. a fuzzy match (quotes of 12 characters or more): the paragraphs sharing most words with
   the quote are aligned with rapidfuzz's `partial_ratio_alignment` (score ≥ 85, widened to
   whole words); when that finds nothing but something came close (score ≥ 65),
   diff-match-patch `match_main` (Match_Threshold 0.3) is the fallback and its best hit is kept if at most ~30% of it differs from the quote.

Levels 1–3 return every occurrence (several = ambiguous); an exact occurrence also counts
the same words with the first letter's case changed (a quote starting a sentence in the draft). Occurrences that start and end
on word boundaries are preferred over occurrences inside words ("art" in "party").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz

FUZZY_MIN_LENGTH = 12
MATCH_THRESHOLD = 0.3
RAPIDFUZZ_CUTOFF = 85  # GUIDE §5: no false hits at ~85
FALLBACK_FLOOR = 65  # below this rapidfuzz score the diff-match-patch fallback is not tried

_SINGLE = "'’‘`‛′"
_DOUBLE = '"“”„‟″«»'
_DASHES = "‐‑‒–—―"


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found and how: "exact" | "normalised" | "ignoring case" | "fuzzy" | "none"."""

    spans: tuple[tuple[int, int], ...]
    how: str

    @property
    def found(self) -> bool:
        return bool(self.spans)


_TABLE = {ord(c): "'" for c in _SINGLE}
_TABLE.update({ord(c): '"' for c in _DOUBLE})
_TABLE.update({ord(c): "-" for c in _DASHES})
_TABLE.update({i: " " for i in range(0x3001) if chr(i).isspace()})
# runs of white space: one space is kept, none just inside « »
_COLLAPSE = re.compile(r"(?<=«)\s+|\s+(?=»)|\s{2,}")


@dataclass(frozen=True)
class _Normalised:
    text: str  # normalised, case kept
    lower: str  # normalised, lower case (same length)
    starts: tuple[int, ...]  # normalised offset where each copied piece starts ...
    origins: tuple[int, ...]  # ... and its offset in the original

    def original(self, i: int) -> int:
        k = bisect.bisect_right(self.starts, i) - 1
        return self.origins[k] + (i - self.starts[k])


def _normalise(text: str) -> _Normalised:
    pieces: list[str] = []
    starts: list[int] = [0]
    origins: list[int] = [0]
    prev = length = 0
    for m in _COLLAPSE.finditer(text):
        pieces.append(text[prev : m.start()])
        length += m.start() - prev
        keep = 1 if m.group().__len__() >= 2 and not (m.start() > 0 and text[m.start() - 1] == "«") \
            and not (m.end() < len(text) and text[m.end()] == "»") else 0
        if keep:
            pieces.append(" ")
            length += 1
        starts.append(length)
        origins.append(m.end())
        prev = m.end()
    pieces.append(text[prev:])
    norm = "".join(pieces).translate(_TABLE)
    lower = norm.lower()
    if len(lower) != len(norm):  # a few characters lower-case to two: keep those as they are
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in norm)
    return _Normalised(norm, lower, tuple(starts), tuple(origins))


@lru_cache(maxsize=16)
def _normalised_draft(text: str) -> _Normalised:
    return _normalise(text)


def _occurrences(needle: str, haystack: str) -> list[tuple[int, int]]:
    out, i = [], haystack.find(needle)
    while i >= 0:
        out.append((i, i + len(needle)))
        i = haystack.find(needle, i + len(needle))
    return out


def _whole(span: tuple[int, int], text: str) -> bool:
    s, e = span
    left_ok = s == 0 or not (text[s].isalnum() and text[s - 1].isalnum())
    right_ok = e >= len(text) or not (text[e - 1].isalnum() and text[e].isalnum())
    return left_ok and right_ok


def _prefer_whole_words(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    kept = [sp for sp in spans if _whole(sp, text)]
    return kept or spans


def _back(norm: _Normalised, start: int, end: int, original_len: int) -> tuple[int, int]:
    """Original (start, end) of the normalised span [start, end)."""
    s = norm.original(start)
    e = norm.original(end - 1) + 1 if end > start else s
    return s, min(e, original_len)


def _within(spans, ranges) -> list[tuple[int, int]]:
    if ranges is None:
        return list(spans)
    return [sp for sp in spans if any(a <= sp[0] and sp[1] <= b for a, b in ranges)]


def locate_quote(
    quote: str, text: str, ranges: list[tuple[int, int]] | None = None, fuzzy: bool = True
) -> QuoteMatch:
    """Find `quote` in `text`, only inside `ranges` (offset pairs) when given."""
    quote = quote.strip()
    if not quote:
        return QuoteMatch((), "none")
    spans = _within(_occurrences(quote, text), ranges)
    if spans:
        spans = _prefer_whole_words(spans, text)
        if quote[0].isalpha():  # 'survivor-led ...' also where a sentence starts 'Survivor-led ...'
            other = quote[0].swapcase() + quote[1:]
            extra = [sp for sp in _within(_occurrences(other, text), ranges) if _whole(sp, text)]
            spans = sorted(set(spans) | set(extra))
        return QuoteMatch(tuple(spans), "exact")

    nq = _normalise(quote)
    nd = _normalised_draft(text)
    for how, needle, hay in (("normalised", nq.text, nd.text), ("ignoring case", nq.lower, nd.lower)):
        if not needle:
            continue
        found = [_back(nd, s, e, len(text)) for s, e in _occurrences(needle, hay)]
        spans = _within(found, ranges)
        if spans:
            return QuoteMatch(tuple(_prefer_whole_words(spans, text)), how)

    if fuzzy and len(nq.text) >= FUZZY_MIN_LENGTH:
        hit = _fuzzy(nq.lower, text, ranges)
        if hit:
            return QuoteMatch((hit,), "fuzzy")
    return QuoteMatch((), "none")


def find_quote(quote: str, draft_text: str) -> list[tuple[int, int]]:
    """Every (start, end) of `quote` in `draft_text` (several = ambiguous; [] = not found)."""
    return list(locate_quote(quote, draft_text).spans)


# ----------------------------------------------------------------------------- fuzzy

_WORDS = re.compile(r"\w{3,}")
_MAX_CANDIDATES = 3


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Match_Threshold = MATCH_THRESHOLD
    dmp.Match_Distance = 1_000_000_000  # where in the paragraph does not matter
    dmp.Match_MaxBits = 0  # Python ints are unbounded: long quotes are fine
    dmp.Diff_Timeout = 0.2
    return dmp


@lru_cache(maxsize=16)
def _lines(text: str) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """(start, end, words) of every line (paragraph) of a draft text."""
    out, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            out.append((start, end, frozenset(w.lower() for w in _WORDS.findall(line))))
        start = end + 1
    return tuple(out)


def _fuzzy(quote: str, text: str, ranges) -> tuple[int, int] | None:
    """The best approximate occurrence of `quote` (normalised, lower case) in one paragraph."""
    words = set(_WORDS.findall(quote))
    if not words:
        return None
    scored = []
    for start, end, line_words in _lines(text):
        if ranges is not None and not any(a <= start and end <= b for a, b in ranges):
            continue
        shared = len(words & line_words)
        if shared * 2 >= len(words):
            scored.append((shared, start, end))
    scored.sort(key=lambda t: -t[0])
    hit, score = _rapidfuzz(quote, text, scored[:_MAX_CANDIDATES])
    if hit is not None:
        return hit
    if score < FALLBACK_FLOOR:
        return None  # nothing close: diff-match-patch would not find it either, only slower
    dmp = _dmp()
    best: tuple[float, int, int] | None = None
    for _shared, start, end in scored[:_MAX_CANDIDATES]:
        line = _normalise(text[start:end])
        hay = line.lower
        loc = dmp.match_main(hay, quote, 0)
        if loc < 0:
            continue
        window = hay[loc : loc + len(quote) + len(quote) // 3 + 5]
        diffs = dmp.diff_main(quote, window, False)
        # the matched part of the window: from the first to the last equal run
        pos2, first, last = 0, None, None
        for op, chunk in diffs:
            if op == 0:
                if first is None:
                    first = pos2
                last = pos2 + len(chunk)
            if op != -1:
                pos2 += len(chunk)
        if first is None:
            continue
        matched = window[first:last]
        errors = dmp.diff_levenshtein(dmp.diff_main(quote, matched, False))
        ratio = errors / max(len(quote), 1)
        if ratio > MATCH_THRESHOLD:
            continue
        s, e = _back(line, loc + first, loc + last, end - start)
        if best is None or ratio < best[0]:
            best = (ratio, start + s, start + e)
    return (best[1], best[2]) if best else None


def _rapidfuzz(quote: str, text: str, candidates) -> tuple[tuple[int, int] | None, float]:
    """The best alignment of `quote` in the candidate paragraphs by rapidfuzz's partial ratio
    (score at least RAPIDFUZZ_CUTOFF), widened to whole words, or None; and the best score seen."""
    best: tuple[float, int, int] | None = None
    top = 0.0
    for _shared, start, end in candidates:
        line = _normalise(text[start:end])
        found = fuzz.partial_ratio_alignment(quote, line.lower)
        if found is None:
            continue
        top = max(top, found.score)
        if found.score < RAPIDFUZZ_CUTOFF or (best is not None and found.score <= best[0]):
            continue
        a, b = found.dest_start, found.dest_end
        hay = line.lower
        while a > 0 and hay[a - 1].isalnum() and hay[a].isalnum():
            a -= 1
        while b < len(hay) and hay[b - 1].isalnum() and hay[b].isalnum():
            b += 1
        s, e = _back(line, a, b, end - start)
        best = (found.score, start + s, start + e)
    return ((best[1], best[2]) if best else None), top
