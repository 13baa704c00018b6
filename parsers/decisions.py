"""Read the secretariat's filled-in resolution table (xlsx or csv) back as decisions.

Columns are found by their headings (`models.resolution.COLUMNS`). Every problem in the
file is collected and reported at once, each with its sheet, row and ID.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

from openpyxl import load_workbook

from ..models.notices import Refusal
from ..models.resolution import COLUMNS, DISPOSITIONS

HEADER_SEARCH_ROWS = 10  # the header is row 1 as written; tolerate a few inserted lines
_BY_HEADING = {" ".join(h.split()).casefold(): name for name, h in COLUMNS}
_HEADING = dict(COLUMNS)
_WANTED = ("id", "disposition", "rationale", "modified_text", "duplicate_of")
_CANONICAL = {d.casefold(): d for d in DISPOSITIONS}


@dataclass(frozen=True)
class Decision:
    """One row's decision, and where in the file it was read."""

    id: str
    disposition: str  # a member of DISPOSITIONS, canonical spelling; blank cell -> "Pending"
    rationale: str
    modified_text: str
    duplicate_of: str
    sheet: str  # sheet title, or the file name for CSV
    row: int  # spreadsheet row number (header = 1)

    @property
    def where(self) -> str:
        return f"{self.sheet}, row {self.row} ({self.id})"


@dataclass(frozen=True)
class DecisionsFile:
    """The valid decisions of one file, in file order."""

    path: Path
    decisions: tuple[Decision, ...]

    def by_id(self) -> dict[str, Decision]:
        return {d.id: d for d in self.decisions}


class DecisionsRefused(Refusal):
    """The decisions file cannot be used; `problems` lists every reason."""

    def __init__(self, reason: str, problems: Iterable[str] = ()):
        super().__init__(reason)
        self.problems = list(problems) or [reason]


def read_decisions(path: str | Path) -> DecisionsFile:
    """Read and check a decisions file; raise DecisionsRefused listing all problems."""
    path = Path(path)
    if not path.is_file():
        raise DecisionsRefused(f"The decisions file {path} does not exist.")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        tables = _xlsx_tables(path)
    elif suffix == ".csv":
        tables = [(path.name, _csv_rows(path))]
    else:
        raise DecisionsRefused(f"The decisions file {path.name} is neither .xlsx nor .csv.")
    problems: list[str] = []
    decisions: list[Decision] = []
    seen: dict[str, str] = {}  # casefolded ID -> where first seen
    for sheet, rows in tables:
        decisions += _read_table(sheet, rows, problems, seen)
    if problems:
        count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
        reason = f"The decisions file {path.name} cannot be used ({count}):\n" + "\n".join(
            f"- {p}" for p in problems
        )
        raise DecisionsRefused(reason, problems)
    return DecisionsFile(path, tuple(decisions))


def unknown_ids(decisions: DecisionsFile, known_ids: Iterable[str]) -> list[str]:
    """Problems for IDs (and 'Duplicate of' targets) that this run's table does not have."""
    known = set(known_ids)
    problems = []
    for d in decisions.decisions:
        if d.id not in known:
            problems.append(f"{d.where}: no comment with this ID in this run")
        if d.duplicate_of and d.duplicate_of not in known:
            problems.append(f"{d.where}: 'Duplicate of' names an unknown ID {d.duplicate_of!r}")
    return problems


# -- reading ---------------------------------------------------------------------------

Rows = list[tuple[int, list[str]]]  # (row number, cell texts)


def _xlsx_tables(path: Path) -> list[tuple[str, Rows]]:
    """Every sheet but "Summary", read eagerly (the workbook is closed afterwards)."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged file
        raise DecisionsRefused(
            f"The decisions file {path.name} cannot be opened as an Excel workbook ({exc})."
        ) from exc
    tables = []
    try:
        for ws in wb.worksheets:
            if ws.title.casefold() == "summary":
                continue
            ws.reset_dimensions()  # do not trust the stored size: read every row and column
            rows = enumerate(ws.iter_rows(values_only=True), start=1)
            tables.append((ws.title, [(n, [_text(v) for v in values]) for n, values in rows]))
        return tables
    except Exception as exc:
        raise DecisionsRefused(f"The decisions file {path.name} is damaged ({exc}).") from exc
    finally:
        wb.close()


def _csv_rows(path: Path) -> Rows:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV (Comma delimited)"
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=lambda d: sum(
        " ".join(c.split()).casefold() in _BY_HEADING for c in first.split(d)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(n, [_restore(c) for c in cells]) for n, cells in enumerate(reader, start=1)]


def _text(value) -> str:
    """A cell value as text, as the user sees it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return _restore(str(value))


def _restore(text: str) -> str:
    """Undo `outputs.safe_cells.neutralise`: drop the apostrophe it put before a formula."""
    if text.startswith("'"):
        rest = text[1:]
        if rest[:1] in ("\t", "\r") or rest.lstrip()[:1] in ("=", "+", "-", "@"):
            return rest
    return text


# -- checking --------------------------------------------------------------------------


def _read_table(
    sheet: str, rows: Rows, problems: list[str], seen: dict[str, str]
) -> list[Decision]:
    """Decisions of one sheet; `seen` maps IDs met so far (casefolded) to where."""
    header_at, columns = _find_header(rows)
    if "id" not in columns:
        if any(any(c.strip() for c in cells) for _, cells in rows):
            problems.append(f"{sheet}: no '{_HEADING['id']}' column in the header row")
        return []
    if "disposition" not in columns:
        problems.append(f"{sheet}: no '{_HEADING['disposition']}' column in the header row")
        return []
    decisions = []
    for number, cells in rows[header_at + 1:]:
        get = {name: _cell(cells, columns.get(name)) for name in _WANTED}
        if not get["id"]:
            if get["disposition"] or get["rationale"] or get["modified_text"]:
                problems.append(f"{sheet}, row {number}: a decision without an ID")
            continue
        key = get["id"].casefold()
        if key in seen:
            problems.append(f"{sheet}, row {number} ({get['id']}): ID already given in {seen[key]}")
            continue
        seen[key] = f"{sheet}, row {number}"
        decision = _decide(sheet, number, get, problems)
        if decision:
            decisions.append(decision)
    return decisions


def _find_header(rows: Rows) -> tuple[int, dict[str, int]]:
    """Index of the header row and attribute -> column index (first match wins)."""
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for i, cell in enumerate(cells):
            name = _BY_HEADING.get(" ".join(cell.split()).casefold())
            if name:
                columns.setdefault(name, i)
        if "id" in columns:
            return index, columns
    return 0, {}


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _decide(sheet: str, number: int, get: dict[str, str], problems: list[str]) -> Decision | None:
    where = f"{sheet}, row {number} ({get['id']})"
    disposition, duplicate_of = _disposition(get["disposition"])
    column_dup = get["duplicate_of"]
    if disposition is None:
        problems.append(
            f"{where}: unknown disposition {get['disposition']!r} (use one of "
            + ", ".join(DISPOSITIONS) + ", or 'Duplicate of <ID>')"
        )
        return None
    if duplicate_of and column_dup and duplicate_of.casefold() != column_dup.casefold():
        problems.append(
            f"{where}: the disposition says duplicate of {duplicate_of!r} "
            f"but '{_HEADING['duplicate_of']}' says {column_dup!r}"
        )
    duplicate_of = duplicate_of or column_dup
    before = len(problems)
    if disposition == "Not accepted" and not get["rationale"]:
        problems.append(f"{where}: 'Not accepted' needs a rationale")
    if disposition == "Accepted with modification" and not get["modified_text"]:
        problems.append(f"{where}: 'Accepted with modification' needs the modified text")
    if disposition == "Duplicate" and not duplicate_of:
        problems.append(f"{where}: 'Duplicate' needs the ID it duplicates ('Duplicate of <ID>')")
    if duplicate_of and duplicate_of.casefold() == get["id"].casefold():
        problems.append(f"{where}: a comment cannot be a duplicate of itself")
    if len(problems) > before:
        return None
    return Decision(get["id"], disposition, get["rationale"], get["modified_text"],
                    duplicate_of, sheet, number)


def _disposition(text: str) -> tuple[str | None, str]:
    """(canonical disposition or None if unknown, duplicate_of named in the cell)."""
    text = " ".join(text.split())
    if not text:
        return "Pending", ""
    if text.casefold() in _CANONICAL:
        return _CANONICAL[text.casefold()], ""
    if text.casefold().startswith("duplicate"):
        rest = text[len("duplicate"):]
        if rest[:1] in (" ", ":"):
            rest = rest.strip(" :")
            if rest[:2].casefold() == "of" and rest[2:3] in ("", " ", ":"):
                rest = rest[2:].strip(" :")
            return "Duplicate", rest.rstrip(" .;,")
    return None, ""

