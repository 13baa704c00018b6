"""The resolution table as CSV: UTF-8 with BOM so Excel reads the accents right."""

from __future__ import annotations

import csv
from pathlib import Path

from ..models.resolution import COLUMNS, ResolutionTable
from .safe_cells import neutralise, xml_safe


def write_resolution_csv(table: ResolutionTable, path: str | Path) -> Path:
    """Write one header line (COLUMNS headings) and one line per row, in table order."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([heading for _, heading in COLUMNS])
        for row in table.rows:
            writer.writerow([neutralise(xml_safe(cell)) for cell in row.cells()])
    return path
