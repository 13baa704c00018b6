"""`word/numbering.xml`: Word's automatic numbering ("4.2", "IV.", "a)").

A paragraph is numbered through `w:numPr` (numId + ilvl), its own or its style's. numId
points to a `w:num`, which points to a `w:abstractNum` (possibly indirectly: an abstractNum
with `w:numStyleLink` borrows the definition of the numbering style it names) and may
override levels (`w:lvlOverride`, `w:startOverride`). Each level has a start value, a format
(`w:numFmt`) and a pattern (`w:lvlText`, "%1.%2").

`Counter` replays the numbering over paragraphs in document order, the way Word counts:
one list per abstractNum (a num with start overrides counts on its own), using a level
restarts the levels below it (unless `w:lvlRestart` says otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lxml import etree

from ...ooxml.names import qn
from .styles import Styles
from ...models.numbers import to_roman

_ABSTRACT, _NUM, _LVL = qn("w:abstractNum"), qn("w:num"), qn("w:lvl")
_ABSTRACT_ID, _NUM_ID, _ILVL = qn("w:abstractNumId"), qn("w:numId"), qn("w:ilvl")
_START, _FMT, _TEXT, _RESTART = qn("w:start"), qn("w:numFmt"), qn("w:lvlText"), qn("w:lvlRestart")
_IS_LGL, _PSTYLE, _VAL = qn("w:isLgl"), qn("w:pStyle"), qn("w:val")
_NUM_STYLE_LINK, _OVERRIDE, _START_OVERRIDE = qn("w:numStyleLink"), qn("w:lvlOverride"), qn("w:startOverride")
_FALLBACK = qn("mc:Fallback")


@dataclass(frozen=True)
class Level:
    ilvl: int
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart (1-based level; 0 = never restart)
    is_lgl: bool = False
    pstyle: str | None = None


@dataclass(frozen=True)
class Num:
    abstract_id: str
    overrides: dict[int, Level] = field(default_factory=dict)  # whole-level replacements
    start_overrides: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Abstract:
    id: str
    levels: dict[int, Level]
    num_style_link: str | None = None


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _val(parent: etree._Element, tag: str) -> str | None:
    el = parent.find(tag)
    return el.get(_VAL) if el is not None else None


def _read_level(el: etree._Element) -> Level:
    fmt = _val(el, _FMT)
    if fmt is None:  # Word 2010+ custom formats sit in mc:AlternateContent; use the fallback
        fb = el.find(f".//{_FALLBACK}/{_FMT}")
        fmt = fb.get(_VAL) if fb is not None else "decimal"
    is_lgl = el.find(_IS_LGL)
    return Level(
        ilvl=_int(el.get(_ILVL), 0) or 0,
        start=_int(_val(el, _START), 1),
        fmt=fmt or "decimal",
        text=_val(el, _TEXT) or "",
        restart=_int(_val(el, _RESTART)),
        is_lgl=is_lgl is not None and is_lgl.get(_VAL, "1") not in ("0", "false", "off"),
        pstyle=_val(el, _PSTYLE),
    )


class Numbering:
    """The numbering definitions, with lookups from (numId, ilvl) to a level."""

    def __init__(self, abstracts: dict[str, Abstract], nums: dict[str, Num], styles: Styles):
        self._abstracts = abstracts
        self._nums = nums
        self._styles = styles
        self._levels: dict[tuple[str, int], Level | None] = {}

    @classmethod
    def empty(cls) -> "Numbering":
        return cls({}, {}, Styles.empty())

    def abstract_for(self, num_id: str) -> Abstract | None:
        num = self._nums.get(num_id)
        seen: set[str] = set()
        while num is not None:
            abstract = self._abstracts.get(num.abstract_id)
            if abstract is None or abstract.num_style_link is None:
                return abstract
            # w:numStyleLink: the definition lives with the numbering style's own num
            if abstract.id in seen:
                return abstract
            seen.add(abstract.id)
            linked = self._styles.num_id(abstract.num_style_link)
            num = self._nums.get(linked) if linked else None
            if num is None:
                return abstract
        return None

    def num(self, num_id: str) -> Num | None:
        return self._nums.get(num_id)

    def level(self, num_id: str, ilvl: int) -> Level | None:
        key = (num_id, ilvl)
        if key not in self._levels:
            self._levels[key] = self._level(num_id, ilvl)
        return self._levels[key]

    def _level(self, num_id: str, ilvl: int) -> Level | None:
        num = self._nums.get(num_id)
        abstract = self.abstract_for(num_id)
        if num is None or abstract is None:
            return None
        level = num.overrides.get(ilvl) or abstract.levels.get(ilvl)
        if level is not None and ilvl in num.start_overrides:
            level = replace(level, start=num.start_overrides[ilvl])
        return level

    def level_for_style(self, num_id: str, style_id: str) -> int | None:
        """The level whose `w:pStyle` is this style (numbering linked from a style without ilvl)."""
        abstract = self.abstract_for(num_id)
        if abstract is None:
            return None
        for ilvl, level in abstract.levels.items():
            if level.pstyle == style_id:
                return ilvl
        return None


def read_numbering(root: etree._Element | None, styles: Styles) -> Numbering:
    if root is None:
        return Numbering.empty()
    abstracts: dict[str, Abstract] = {}
    for el in root.iter(_ABSTRACT):
        aid = el.get(_ABSTRACT_ID)
        if aid is None:
            continue
        levels = {}
        for lvl in el.findall(_LVL):
            level = _read_level(lvl)
            levels[level.ilvl] = level
        abstracts[aid] = Abstract(aid, levels, _val(el, _NUM_STYLE_LINK))
    nums: dict[str, Num] = {}
    for el in root.iter(_NUM):
        nid = el.get(_NUM_ID)
        aid = _val(el, _ABSTRACT_ID)
        if nid is None or aid is None:
            continue
        overrides, starts = {}, {}
        for ov in el.findall(_OVERRIDE):
            ilvl = _int(ov.get(_ILVL), 0) or 0
            lvl = ov.find(_LVL)
            if lvl is not None:
                overrides[ilvl] = replace(_read_level(lvl), ilvl=ilvl)
            start = _int(_val(ov, _START_OVERRIDE))
            if start is not None:
                starts[ilvl] = start
        nums[nid] = Num(aid, overrides, starts)
    return Numbering(abstracts, nums, styles)


# -- formatting -------------------------------------------------------------------------

def _roman(n: int) -> str:
    return to_roman(n) if n > 0 else str(n)


def _letter(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA, 28 -> BB (Word repeats the letter)."""
    if n <= 0:
        return str(n)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_number(n: int, fmt: str) -> str:
    """One counter value in a `w:numFmt` format (unknown formats fall back to decimal)."""
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letter(n)
    if fmt == "lowerLetter":
        return _letter(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "ordinal":
        return _ordinal(n)
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


@dataclass(frozen=True)
class Label:
    """What Word shows before a numbered paragraph."""

    text: str  # as displayed, e.g. "4.2.", "IV.", "a)" ("" for bullets)
    bullet: bool


class Counter:
    """Replays the numbering over paragraphs in document order."""

    def __init__(self, numbering: Numbering):
        self._numbering = numbering
        self._counts: dict[str, list[int | None]] = {}

    def next(self, num_id: str, ilvl: int) -> Label | None:
        """Count one paragraph numbered (num_id, ilvl); its label, or None if not numbered."""
        numbering = self._numbering
        level = numbering.level(num_id, ilvl)
        if level is None:
            return None
        num = numbering.num(num_id)
        abstract = numbering.abstract_for(num_id)
        key = f"num:{num_id}" if num and num.start_overrides else f"abs:{abstract.id}"
        counts = self._counts.setdefault(key, [None] * 10)
        ilvl = max(0, min(ilvl, 9))
        for lower in range(ilvl + 1, 10):
            lower_level = numbering.level(num_id, lower)
            restart = lower_level.restart if lower_level and lower_level.restart is not None else lower
            if restart != 0 and ilvl < restart:
                counts[lower] = None
        counts[ilvl] = level.start if counts[ilvl] is None else counts[ilvl] + 1
        if level.fmt == "bullet":
            return Label("", True)
        text = level.text
        for k in range(9, 0, -1):  # %10 never occurs; go down so "%1" does not eat "%1x"
            token = f"%{k}"
            if token not in text:
                continue
            other = numbering.level(num_id, k - 1)
            value = counts[k - 1]
            if value is None:
                value = other.start if other else 1
            fmt = "decimal" if level.is_lgl and (other is None or other.fmt != "none") else (
                other.fmt if other else "decimal")
            text = text.replace(token, format_number(value, fmt))
        return Label(text.strip(), False)


def trim_number(label: str) -> str:
    """A displayed number as a section reference: "IV." -> "IV", "a)" -> "a", "(3)" -> "3"."""
    return label.strip().strip(".):]-–—\u00a0 \t").lstrip("([")
