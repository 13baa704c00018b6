"""Which draft an attached copy was made from.

Texts are compared as sets of word shingles (3 consecutive words, case and punctuation
ignored). `similarity` is the overlap coefficient |A ∩ B| / min(|A|, |B|): the share of the
smaller text's shingles found in the larger one. A copy with many edits keeps most of its
draft's shingles (an edit only breaks the few shingles that cross it), a copy that adds or
deletes whole passages still has one side contained in the other, and two unrelated texts
on the same subject share only a few stock phrases. A 50-page text is ~25,000 shingles:
hashing them takes a few milliseconds; the shingles of each text are cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

SHINGLE = 3
_WORD = re.compile(r"\w+")
_MIN_SHINGLES = 3  # below this a text says too little to be matched


@lru_cache(maxsize=64)
def shingles(text: str, size: int = SHINGLE) -> frozenset[int]:
    """Hashes of the text's runs of `size` consecutive words (lower case, punctuation dropped)."""
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return frozenset([hash(tuple(words))]) if words else frozenset()
    return frozenset(hash(tuple(words[i : i + size])) for i in range(len(words) - size + 1))


def similarity(a: str, b: str) -> float:
    """0.0 (nothing shared) to 1.0 (one text's shingles all found in the other)."""
    sa, sb = shingles(a), shingles(b)
    if len(sa) < _MIN_SHINGLES or len(sb) < _MIN_SHINGLES:
        return 1.0 if sa and sa == sb else 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def best_draft(text: str, drafts: dict[str, str], threshold: float = 0.5) -> tuple[str | None, float]:
    """(key of the draft `text` was made from, its score); (None, best score) when no draft
    reaches `threshold`. Ties go to the first draft in `drafts`' order."""
    best_key, best_score = None, 0.0
    for key, draft in drafts.items():
        score = similarity(text, draft)
        if score > best_score:
            best_key, best_score = key, score
    if best_score < threshold:
        return None, best_score
    return best_key, best_score
