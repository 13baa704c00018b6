"""Comments that say the same thing share a duplicate group ("represents N").

Two comments are duplicates when

(never two comments by the same member, `Said.who`)

- they propose **the same edit**: the same kind of change to the same draft text with the
  same new text (white space and case aside), placed at the same spot when both are placed; or
- they say **much the same in words**: the same intent, the same section (or both general),
  no proposal or the same one, and their content words (lemmas, stop words left out) overlap
  strongly: a Jaccard index of at least `SIMILAR` on the word sets, or rapidfuzz's
  token-set ratio of at least `SIMILAR_RATIO` when both have at least `MIN_WORDS` words.

Groups are the connected sets of that relation (union-find), so "A like B, B like C" puts
all three together. Group ids are `D001`, `D002`, ... in order of each group's first comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import fuzz

from .nlp import content_lemmas

SIMILAR = 0.6
SIMILAR_RATIO = 90
MIN_WORDS = 4


@dataclass(frozen=True)
class Said:
    """What `duplicate_groups` compares for one comment."""

    text: str  # the comment, quoted passages included
    lang: str
    intent: str
    section: str | None
    edit: tuple | None = None  # (kind, start, end, old, new) of its proposal, if any
    who: str = ""  # the member; comments by one member are never duplicates of each other


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", " ", (s or "")).strip().casefold()


def _same_edit(a: tuple, b: tuple) -> bool:
    ka, sa, ea, oa, na = a
    kb, sb, eb, ob, nb = b
    if ka != kb or _norm(na) != _norm(nb):
        return False
    if sa is not None and sb is not None:
        return (sa, ea) == (sb, eb)
    return _norm(oa) == _norm(ob) and bool(_norm(oa) or _norm(na))


def duplicate_groups(comments: Sequence[Said]) -> list[int]:
    """For each comment, the index of its group (0, 1, ...), groups numbered in order of
    their first comment."""
    n = len(comments)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    words = [frozenset(content_lemmas(c.text, c.lang)) for c in comments]
    joined = [" ".join(sorted(w)) for w in words]
    # same edit: bucket by (kind, new text) so the pairs compared stay few
    buckets: dict[tuple, list[int]] = {}
    for i, c in enumerate(comments):
        if c.edit is not None:
            buckets.setdefault((c.edit[0], _norm(c.edit[4])), []).append(i)
    for members in buckets.values():
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if _same_edit(comments[i].edit, comments[j].edit) and _others(comments[i], comments[j]):
                    union(i, j)
    # similar words: only within one (intent, section) bucket
    by_place: dict[tuple, list[int]] = {}
    for i, c in enumerate(comments):
        if words[i]:
            by_place.setdefault((c.intent, c.section), []).append(i)
    for members in by_place.values():
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if find(i) == find(j):
                    continue
                a, b = comments[i], comments[j]
                if not _others(a, b):
                    continue
                if (a.edit is None) != (b.edit is None) or (a.edit and not _same_edit(a.edit, b.edit)):
                    continue
                if _similar(words[i], words[j], joined[i], joined[j]):
                    union(i, j)
    numbers: dict[int, int] = {}
    return [numbers.setdefault(find(i), len(numbers)) for i in range(n)]


def _others(a: Said, b: Said) -> bool:
    return not (a.who and a.who == b.who)


def _similar(a: frozenset, b: frozenset, ja: str, jb: str) -> bool:
    if len(a & b) / len(a | b) >= SIMILAR:
        return True
    return min(len(a), len(b)) >= MIN_WORDS and fuzz.token_set_ratio(ja, jb) >= SIMILAR_RATIO


def group_ids(groups: list[int]) -> tuple[list[str], list[int]]:
    """("D001", ...) per comment and how many comments each one's group represents."""
    sizes: dict[int, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    return [f"D{g + 1:03d}" for g in groups], [sizes[g] for g in groups]
