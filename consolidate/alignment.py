"""Word-level alignment of two texts with diff-match-patch (words encoded as characters)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

_TOKEN = re.compile(r"\n|\w+[^\S\n]*|[^\w\s][^\S\n]*|[^\S\n]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Words and punctuation marks, each with the spaces after it; paragraph marks alone (and
    leading spaces as a token of their own). They join back to the text. Spaces ride with the
    word before them, so a diff matches words, never bare spaces, and an inserted word takes
    the space after it, whatever else changed around it."""
    return _TOKEN.findall(text)


# Code points that Python counts as letters, for word tokens: CJK Unified Ideographs,
# Extension A, Hangul syllables, Extension B (about 81,000 distinct words), then Extension C-F.
_LETTER_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xAC00, 0xD7A3), (0x20000, 0x2A6DF),
                  (0x2A700, 0x2EBE0))


def _letters():
    for lo, hi in _LETTER_RANGES:
        for code in range(lo, hi + 1):
            if chr(code).isalnum():
                yield chr(code)
    raise ValueError("more distinct words than the alignment can tell apart")


def _stands_for_itself(token: str) -> bool:
    """A paragraph mark is its own code (diff-match-patch scores line breaks as boundaries)."""
    return token == "\n"


@dataclass(frozen=True)
class Hunk:
    """text_a[a_start:a_end] became `new` in text b."""

    a_start: int
    a_end: int
    old: str
    new: str


class Alignment:
    """How text `b` differs from text `a`, word by word; maps offsets of b onto a.

    Paragraphs first: the texts are aligned paragraph by paragraph (diff-match-patch's line
    mode), and changed paragraphs are compared word by word in pairs when as many were
    changed on each side, so an edit never takes a paragraph mark it need not take. Within a
    paragraph each token (a word or punctuation mark with the spaces after it, see `tokens`)
    becomes one character, a letter (CJK and Hangul code points, which Python counts as
    alphanumeric). Edits are never merged across a kept word: two separate edits by one
    member stay two changes; edits separated only by punctuation are one rewrite.
    """

    def __init__(self, a: str, b: str, timeout: float = 5.0):
        self.a, self.b = a, b
        if a == b:
            self.diffs = [(0, a)] if a else []
        else:
            self.diffs = _merge(_paragraph_first(a, b, timeout))
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


def _paragraph_first(a: str, b: str, timeout: float) -> list[tuple[int, str]]:
    """Diffs of a against b: paragraphs aligned first, then words within changed ones."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    chars_a, chars_b, lines = dmp.diff_linesToChars(a, b)
    line_diffs = dmp.diff_main(chars_a, chars_b, False)
    dmp.diff_charsToLines(line_diffs, lines)
    out: list[tuple[int, str]] = []
    gone: list[str] = []
    added: list[str] = []

    def flush() -> None:
        old, new = _split_lines("".join(gone)), _split_lines("".join(added))
        if old and new and len(old) == len(new):
            for x, y in zip(old, new):
                out.extend(_word_diffs(x, y, timeout))
        elif old or new:
            out.extend(_word_diffs("".join(old), "".join(new), timeout))
        gone.clear()
        added.clear()

    for op, text in line_diffs:
        if op == 0:
            flush()
            out.append((0, text))
        elif op == -1:
            gone.append(text)
        else:
            added.append(text)
    flush()
    return out


def _split_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) if text else []


def _word_diffs(a: str, b: str, timeout: float) -> list[tuple[int, str]]:
    """Word-level diffs of two short texts (see `Alignment`)."""
    if a == b:
        return [(0, a)] if a else []
    if not a or not b:
        return [(1, b)] if b else [(-1, a)]
    codes: dict[str, str] = {}
    letters = _letters()

    def encode(text: str) -> tuple[str, list[str]]:
        toks = tokens(text)
        out = []
        for tok in toks:
            key = tok.rstrip() or tok  # "badu" and "badu " are the same word
            code = codes.get(key)
            if code is None:
                code = codes[key] = key if _stands_for_itself(key) else next(letters)
            out.append(code)
        return "".join(out), toks

    ea, ta = encode(a)
    eb, tb = encode(b)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    coded = dmp.diff_main(ea, eb, False)
    dmp.diff_cleanupSemanticLossless(coded)
    ia = ib = 0
    decoded: list[tuple[int, str]] = []
    for op, chars in coded:
        n = len(chars)
        if not n:
            continue
        if op == 0:
            for x, y in zip(ta[ia: ia + n], tb[ib: ib + n]):
                decoded += _same_word(x, y)
            ia += n
            ib += n
        elif op == -1:
            decoded.append((-1, "".join(ta[ia: ia + n])))
            ia += n
        else:
            decoded.append((1, "".join(tb[ib: ib + n])))
            ib += n
    return _tidy(_join_rewrites(_merge(decoded)))


def _same_word(x: str, y: str) -> list[tuple[int, str]]:
    """One word kept, with the spaces after it changed where they differ."""
    if x == y:
        return [(0, x)]
    word = x.rstrip() or x
    return [(0, word), (-1, x[len(word):]), (1, y[len(word):])]


def _join_rewrites(diffs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Edits separated only by spaces or punctuation are one rewrite ("forced labour" ->
    "all forms" is one change, not two words swapped around a kept space); a kept word
    between them keeps them apart."""
    out: list[tuple[int, str]] = []
    gone, added = [], []
    pending = False
    for k, (op, text) in enumerate(diffs):
        if op != 0:
            (gone if op == -1 else added).append(text)
            pending = True
            continue
        bridge = pending and k + 1 < len(diffs) and not any(c.isalnum() for c in text) and "\n" not in text
        if bridge:
            gone.append(text)
            added.append(text)
            continue
        if pending:
            out += [(-1, "".join(gone)), (1, "".join(added))]
            gone, added, pending = [], [], False
        out.append((0, text))
    if pending:
        out += [(-1, "".join(gone)), (1, "".join(added))]
    return [(op, text) for op, text in out if text]


def _merge(diffs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join neighbouring diffs of the same kind; deletions before insertions in a change."""
    out: list[tuple[int, str]] = []
    for op, text in diffs:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))
    return out


def _tidy(diffs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Each change (deletions and insertions between two kept stretches) made as small as
    its words allow: text both sides share at its start or end goes back to the kept text
    ("babe" -> "babe Babe" is an insertion of " Babe")."""
    out: list[tuple[int, str]] = []
    gone: list[str] = []
    added: list[str] = []

    def flush() -> None:
        if gone or added:
            out.extend(_smallest("".join(gone), "".join(added)))
        gone.clear()
        added.clear()

    for op, text in diffs:
        if op == 0:
            flush()
            out.append((0, text))
        else:
            (gone if op == -1 else added).append(text)
    flush()
    return _merge(out)


def _smallest(old: str, new: str) -> list[tuple[int, str]]:
    head = _common(old, new, from_end=False)
    tail = _common(old[head:], new[head:], from_end=True)
    core_old, core_new = old[head:len(old) - tail], new[head:len(new) - tail]
    out = [(0, old[:head])] if head else []
    out += [(-1, core_old), (1, core_new)]
    if tail:
        out.append((0, old[len(old) - tail:]))
    return [(op, text) for op, text in out if text]


def _common(a: str, b: str, from_end: bool) -> int:
    """Length of the text a and b share at their start (or end), cut back to a word edge."""
    n = 0
    limit = min(len(a), len(b))
    while n < limit and (a[-1 - n] == b[-1 - n] if from_end else a[n] == b[n]):
        n += 1
    while n > 0 and not (_edge(a, len(a) - n if from_end else n) and _edge(b, len(b) - n if from_end else n)):
        n -= 1
    return n


def _edge(text: str, k: int) -> bool:
    """Whether position k of text is not inside a word."""
    return k <= 0 or k >= len(text) or not (text[k - 1].isalnum() and text[k].isalnum())
