"""The resolution table as CSV: UTF-8 with BOM so Excel reads the accents right."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..models.resolution import COLUMNS, ResolutionTable
from .files import write_atomic
from .safe_cells import neutralise, xml_safe


def write_resolution_csv(table: ResolutionTable, path: str | Path) -> Path:
    """Write one header line (COLUMNS headings) and one line per row, in table order."""
    path = Path(path)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([heading for _, heading in COLUMNS])
    for row in table.rows:
        writer.writerow([neutralise(xml_safe(cell)) for cell in row.cells()])
    write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
    return path
