"""Copies of an older draft: which version a copy was made from, and carrying its changes
onto the current draft (a three-way merge: base version, current draft, member's copy).

A member who edited v0 while the secretariat moved on to v1 did not delete the
secretariat's later words; comparing the copy with v1 directly would say so (a false revert).
Instead the member's changes are computed against v0 and each is moved onto v1 through the
alignment of v0 with v1. A change that touches text the secretariat has since rewritten
cannot be moved safely: it is kept, marked as a conflict with the secretariat's edit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .alignment import Alignment, Hunk


def changed_chars(a: str, b: str) -> int:
    """How much text differs between a and b (word-level), to tell versions apart."""
    if a == b:
        return 0
    return sum(len(h.old) + len(h.new) for h in Alignment(a, b).hunks())


def closest_version(text: str, versions: dict[str, str]) -> str:
    """The label of the version `text` differs least from (the first on a tie).

    Paragraphs first (how many of the text's paragraphs a version lacks: cheap, and enough
    when a member and the secretariat edited different paragraphs), then a word-level diff
    between the versions that tie.
    """
    for label, version in versions.items():
        if version == text:
            return label
    mine = Counter(text.split("\n"))
    missing = {label: sum((mine - Counter(version.split("\n"))).values()) for label, version in versions.items()}
    fewest = min(missing.values())
    tied = [label for label, n in missing.items() if n == fewest]
    if len(tied) == 1:
        return tied[0]
    best, best_size = tied[0], None
    for label in tied:
        size = changed_chars(versions[label], text)
        if best_size is None or size < best_size:
            best, best_size = label, size
    return best


@dataclass(frozen=True)
class Carried:
    """A member's change moved from the base version onto the current draft."""

    start: int  # offsets in the current draft's text
    end: int
    old: str  # the current draft's text there
    new: str
    conflict: bool  # touches text the secretariat rewrote since the base version
    secretariat_text: str = ""  # for a conflict: what the secretariat's version says there


class Carrier:
    """Moves spans of the base text onto the current text."""

    def __init__(self, base: str, current: str):
        self.base, self.current = base, current
        alignment = Alignment(base, current)
        self._edits = alignment.hunks()  # the secretariat's edits, in base offsets
        self._diffs = alignment.diffs

    def _map(self, x: int) -> tuple[int, int]:
        """Where base offset x lands in the current text: (before, after) any text the
        secretariat inserted exactly there."""
        lo = hi = None
        pa = pb = 0
        for op, text in self._diffs:
            n = len(text)
            if op == 0 and pa <= x <= pa + n:
                candidates = (pb + x - pa,)
            elif op == -1 and pa <= x <= pa + n:
                candidates = (pb,)
            elif op == 1 and pa == x:
                candidates = (pb, pb + n)
            else:
                candidates = ()
            for c in candidates:
                lo = c if lo is None else min(lo, c)
                hi = c if hi is None else max(hi, c)
            if op != 1:
                pa += n
            if op != -1:
                pb += n
            if pa > x and op == 0:
                break
        if lo is None:  # x at the very end
            return len(self.current), len(self.current)
        return lo, hi

    def carry(self, hunk: Hunk) -> Carried:
        """`hunk` replaces base[a_start:a_end] with `new`. A replacement with the secretariat's
        insertion at either end collides too: which comes first cannot be told."""
        s, e = hunk.a_start, hunk.a_end
        touching = [h for h in self._edits if _touches(s, e, h.a_start, h.a_end)
                    or (hunk.new and s < e and h.a_start == h.a_end in (s, e))]
        if touching:
            c_lo = self._map(min([s] + [h.a_start for h in touching]))[0]
            c_hi = max(c_lo, self._map(max([e] + [h.a_end for h in touching]))[1])
            text = self.current[c_lo:c_hi]
            return Carried(c_lo, c_hi, text, hunk.new, True, secretariat_text=text)
        start = self._map(s)[1]
        end = max(start, self._map(e)[0])
        return Carried(start, end, self.current[start:end], hunk.new, False)


def _touches(s: int, e: int, hs: int, he: int) -> bool:
    """Whether the member's span [s, e) and the secretariat's edit [hs, he) collide."""
    if s == e and hs == he:
        return s == hs
    if s == e:
        return hs < s < he
    if hs == he:
        return s < hs < e
    return s < he and hs < e
