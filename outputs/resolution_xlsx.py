"""The resolution table as an Excel workbook the secretariat fills in.

A "Summary" sheet, then one sheet per document: header in row 1 (bold, frozen, filtered),
a drop-down list on Disposition. The file is read back by `parsers.decisions`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from ..models.resolution import COLUMNS, DISPOSITIONS, ROUND_STATUSES, ResolutionRow, ResolutionTable
from .files import write_atomic
from .safe_cells import neutralise, xml_safe
from ..ooxml.package import restamp

SPARE_ROWS = 200  # drop-down rows below the data, for rows a user adds
CELL_LIMIT = 32767  # Excel's maximum characters per cell
LONG_TEXT = {"anchor", "comment", "proposed", "rationale", "modified_text", "resulting_text"}
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_WRAP = Alignment(wrap_text=True, vertical="top")
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def write_resolution_xlsx(table: ResolutionTable, path: str | Path, timestamp: datetime) -> Path:
    """Write the workbook; same table and timestamp give byte-identical files."""
    wb = Workbook()
    _summary(wb.active, table)
    used = {"summary"}
    for key in table.document_keys():
        ws = wb.create_sheet(_sheet_title(key, used))
        _document_sheet(ws, table.rows_for(key))
    _set_properties(wb, table, timestamp)
    path = Path(path)
    write_atomic(path, restamp(_save(wb)))
    return path


def _sheet_title(key: str, used: set[str]) -> str:
    """A valid, unique (case-insensitively) sheet title close to the document key."""
    base = _BAD_TITLE.sub("_", key).strip("'") or "document"
    title, n = base[:31], 1
    while title.casefold() in used:
        n += 1
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
    used.add(title.casefold())
    return title


def _cell(value: str) -> str:
    value = neutralise(xml_safe(value))
    if len(value) > CELL_LIMIT:
        note = f" [… cut at {CELL_LIMIT} characters; full text in resolution.csv]"
        value = value[: CELL_LIMIT - len(note)] + note
    return value


def _document_sheet(ws, rows: list[ResolutionRow]) -> None:
    names = [name for name, _ in COLUMNS]
    ws.append([heading for _, heading in COLUMNS])
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _WRAP
    for row in rows:
        ws.append([_cell(v) for v in row.cells()])
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = _WRAP
    last = get_column_letter(len(COLUMNS))
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    for i, (name, heading) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(
            heading, (getattr(r, name) for r in rows), 60 if name in LONG_TEXT else 30
        )
    col = get_column_letter(names.index("disposition") + 1)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(DISPOSITIONS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Disposition",
        error="Choose from the list, or write 'Duplicate of <ID>'.",
    )
    dv.add(f"{col}2:{col}{len(rows) + 1 + SPARE_ROWS}")
    ws.add_data_validation(dv)


def _width(heading: str, values, cap: int) -> float:
    longest = len(heading)
    for value in values:
        longest = max(longest, max((len(line) for line in value.splitlines()), default=0))
        if longest >= cap:
            break
    return min(longest, cap) + 2


def _summary(ws, table: ResolutionTable) -> None:
    """Counts per document × disposition, then per constituency × disposition."""
    ws.title = "Summary"
    seen = [r.disposition or "(blank)" for r in table.rows]
    columns = list(DISPOSITIONS) + [d for d in dict.fromkeys(seen) if d not in DISPOSITIONS]
    ws.append([_cell(table.title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    by_doc = Counter((r.document, r.disposition or "(blank)") for r in table.rows)
    _count_block(
        ws, "Comments per document and disposition", ["Document", "Title"], columns,
        [([k, table.documents.get(k, "")], {d: by_doc[(k, d)] for d in columns})
         for k in table.document_keys()],
    )
    ws.append([])
    constituencies = dict.fromkeys(r.constituency or "(none)" for r in table.rows)
    by_con = Counter((r.constituency or "(none)", r.disposition or "(blank)") for r in table.rows)
    _count_block(
        ws, "Comments per constituency and disposition", ["Constituency"], columns,
        [([c], {d: by_con[(c, d)] for d in columns}) for c in sorted(constituencies)],
    )
    statuses = [s for s in ROUND_STATUSES if any(r.round_status == s for r in table.rows)]
    if set(statuses) - {"new"}:  # a later round: rows against the earlier round's table
        by_status = Counter((r.round_status, r.disposition or "(blank)") for r in table.rows)
        ws.append([])
        _count_block(ws, "Comments per round status and disposition", ["Round status"], columns,
                     [([s], {d: by_status[(s, d)] for d in columns}) for s in statuses])
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 40


def _count_block(ws, heading, labels, columns, lines) -> None:
    ws.append([heading])
    ws.cell(ws.max_row, 1).font = _BOLD
    ws.append(labels + [_cell(c) for c in columns] + ["Total"])  # odd dispositions are text too
    for cell in ws[ws.max_row]:
        cell.font, cell.alignment = _BOLD, _WRAP
    totals = Counter()
    for label, counts in lines:
        ws.append([_cell(v) for v in label] + [counts[d] for d in columns] + [sum(counts.values())])
        totals.update(counts)
    pad = [""] * (len(labels) - 1)
    ws.append(["Total"] + pad + [totals[d] for d in columns] + [sum(totals.values())])
    ws.cell(ws.max_row, 1).font = _BOLD


def _set_properties(wb: Workbook, table: ResolutionTable, timestamp: datetime) -> None:
    if timestamp.tzinfo is not None:
        timestamp = timestamp.astimezone(timezone.utc).replace(tzinfo=None)
    timestamp = timestamp.replace(microsecond=0)
    props = wb.properties
    props.creator = props.lastModifiedBy = "redraft"
    props.title = xml_safe(table.title)
    props.created = props.modified = timestamp


def _save(wb: Workbook) -> bytes:
    """Save without openpyxl's `save_workbook`, which stamps `modified` with now()."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return buf.getvalue()
