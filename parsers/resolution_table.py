"""Read an earlier round's resolution table (its resolution.csv) back as rows.

Columns are found by their headings, as for a decisions file (`parsers.decisions`); a
column the earlier table lacks (e.g. "Round status" in a table written before it existed)
reads as empty.
"""

from __future__ import annotations

from pathlib import Path

from ..models.intake import ConsultationRefused
from ..models.resolution import COLUMNS, ResolutionRow
from .decisions import _csv_rows, _find_header

TABLE = "resolution.csv"


def read_resolution_rows(folder: Path | str) -> tuple[ResolutionRow, ...]:
    """The rows of `folder/resolution.csv` that have an ID, in table order."""
    path = Path(folder) / TABLE
    try:
        rows = _csv_rows(path)
    except OSError as exc:
        raise ConsultationRefused(f"The previous round's table {path} cannot be read ({exc.strerror}).") from None
    header_at, columns = _find_header(rows)
    if "id" not in columns:
        raise ConsultationRefused(f"The previous round's table {path} has no 'ID' column: "
                                  "is it a resolution table written by redraft?")
    out = []
    for _, cells in rows[header_at + 1:]:
        values = {name: (cells[columns[name]] if name in columns and columns[name] < len(cells) else "")
                  for name, _ in COLUMNS}
        if values["id"].strip():
            values["id"] = values["id"].strip()
            out.append(ResolutionRow(**values))
    return tuple(out)
