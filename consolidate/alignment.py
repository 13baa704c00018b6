"""Word-level alignment of two texts with diff-match-patch (words encoded as characters)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\w+|\s|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Words, single whitespace characters and single punctuation marks; they join back to text."""
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class Hunk:
    """text_a[a_start:a_end] became `new` in text b."""

    a_start: int
    a_end: int
    old: str
    new: str


class Alignment:
    """How text `b` differs from text `a`, word by word; maps offsets of b onto a."""

    def __init__(self, a: str, b: str, timeout: float = 5.0):
        self.a, self.b = a, b
        if a == b:
            self.diffs = [(0, a)] if a else []
        else:
            codes: dict[str, str] = {}

            def encode(text: str) -> tuple[str, list[str]]:
                toks = tokens(text)
                out = []
                for tok in toks:
                    if tok not in codes:
                        n = len(codes) + 1
                        codes[tok] = chr(n + 0x800 if n + 0x800 < 0xD800 else n + 0x800 + 0x800)
                    out.append(codes[tok])
                return "".join(out), toks

            ea, ta = encode(a)
            eb, tb = encode(b)
            dmp = diff_match_patch()
            dmp.Diff_Timeout = timeout
            coded = dmp.diff_main(ea, eb, False)
            dmp.diff_cleanupSemantic(coded)
            # decode: each coded char is one token of a (delete/equal) or b (insert/equal)
            ia = ib = 0
            self.diffs = []
            for op, chars in coded:
                n = len(chars)
                if op == 0:
                    piece = "".join(ta[ia : ia + n])
                    ia += n
                    ib += n
                elif op == -1:
                    piece = "".join(ta[ia : ia + n])
                    ia += n
                else:
                    piece = "".join(tb[ib : ib + n])
                    ib += n
                self.diffs.append((op, piece))
        self._index_b()

    def _index_b(self) -> None:
        """Breakpoints for mapping: for each diff, its start in b and in a."""
        self._b_starts, self._a_starts = [], []
        pa = pb = 0
        for op, text in self.diffs:
            self._b_starts.append(pb)
            self._a_starts.append(pa)
            if op != 1:
                pa += len(text)
            if op != -1:
                pb += len(text)

    @property
    def identical(self) -> bool:
        return all(op == 0 for op, _ in self.diffs)

    def to_a(self, b_offset: int) -> tuple[int, bool]:
        """The offset in a of b_offset, and whether it fell in text that a does not have."""
        if not self.diffs:
            return 0, False
        k = bisect.bisect_right(self._b_starts, b_offset) - 1
        # skip deletions (zero width in b) so we land on the diff that holds b_offset
        while k + 1 < len(self.diffs) and self._b_starts[k + 1] == b_offset and self.diffs[k][0] == -1:
            k += 1
        k = max(k, 0)
        op, _ = self.diffs[k]
        inside = b_offset - self._b_starts[k]
        if op == 0:
            return self._a_starts[k] + inside, False
        if op == 1:
            return self._a_starts[k], inside > 0
        return self._a_starts[k], False

    def hunks(self) -> list[Hunk]:
        """The differences as replacements of a's text (deletions, insertions, both)."""
        out: list[Hunk] = []
        pa = 0
        start, old, new = None, [], []
        for op, text in self.diffs + [(0, "")]:
            if op == 0:
                if start is not None:
                    out.append(Hunk(start, start + len("".join(old)), "".join(old), "".join(new)))
                    start, old, new = None, [], []
                pa += len(text)
                continue
            if start is None:
                start = pa
            if op == -1:
                old.append(text)
                pa += len(text)
            else:
                new.append(text)
        return out
