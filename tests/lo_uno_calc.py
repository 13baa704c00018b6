"""Read .xlsx workbooks with a running LibreOffice Calc over UNO (an independent reader).

Run with the SYSTEM Python (the one that has `uno`), against the soffice of `libreoffice.py`:

    /usr/bin/python3 tests/lo_uno_calc.py --port N [--wait SECONDS] FILE.xlsx [FILE2.xlsx ...]

For each file it prints one JSON line {"file", "sheets": [...], "seconds"}; per sheet:

- "name"; "rows": every row of the used area as the strings Calc shows;
- "formulas": [[row, col, formula]] for each cell Calc holds as a formula (0-based);
- "links": [[row, col, url]] for each hyperlink (URL text field) in a cell;
- "frozen": [columns, rows] frozen in the view ([0, 0] when none);
- "autofilter": the A1-style range with an autofilter ("" when none);
- "validation": for the column headed "Disposition" (when there is one): the validation
  type and list of the first data cell, and how many data cells carry that same list;
- "wrapped": how many non-empty data cells have "wrap text automatically" on, of "cells".

A file that cannot be read gives {"file", "error"}. Files are loaded from private copies.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time

import uno  # noqa: F401 - installs the com.sun.star import hook
from com.sun.star.connection import NoConnectException
from com.sun.star.table.CellContentType import FORMULA

from lo_uno_reader import close, connect, prop, report_each

URL_FIELD = "com.sun.star.text.TextField.URL"


def column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def a1(address) -> str:
    return (f"{column_name(address.StartColumn)}{address.StartRow + 1}:"
            f"{column_name(address.EndColumn)}{address.EndRow + 1}")


def used_size(sheet) -> tuple[int, int]:
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    address = cursor.getRangeAddress()
    return address.EndRow + 1, address.EndColumn + 1


def list_items(formula: str) -> list[str]:
    """'"Pending";"Accepted"' (Calc's inline list) → ['Pending', 'Accepted']."""
    items, current, quoted, i = [], "", False, 0
    while i < len(formula):
        ch = formula[i]
        if ch == '"':
            if quoted and formula[i + 1:i + 2] == '"':
                current += '"'
                i += 1
            else:
                quoted = not quoted
        elif ch == ";" and not quoted:
            items.append(current)
            current = ""
        else:
            current += ch
        i += 1
    items.append(current)
    return items


def read_sheet(doc, index: int, unnamed) -> dict:
    sheet = doc.Sheets.getByIndex(index)
    n_rows, n_cols = used_size(sheet)
    rows, formulas, links = [], [], []
    wrapped = cells = 0
    for r in range(n_rows):
        line = []
        for c in range(n_cols):
            cell = sheet.getCellByPosition(c, r)
            line.append(cell.getString())
            if cell.getType() == FORMULA:
                formulas.append([r, c, cell.getFormula()])
            fields = cell.getTextFields().createEnumeration()
            while fields.hasMoreElements():
                field = fields.nextElement()
                if field.supportsService(URL_FIELD):
                    links.append([r, c, field.getPropertyValue("URL")])
            if r > 0 and line[-1]:
                cells += 1
                wrapped += bool(cell.getPropertyValue("IsTextWrapped"))
        rows.append(line)
    out = {"name": sheet.getName(), "rows": rows, "formulas": formulas, "links": links,
           "wrapped": wrapped, "cells": cells}
    controller = doc.getCurrentController()
    controller.setActiveSheet(sheet)
    out["frozen"] = ([controller.getSplitColumn(), controller.getSplitRow()]
                     if controller.hasFrozenPanes() else [0, 0])
    out["autofilter"] = ""
    if unnamed.hasByTable(index):
        db_range = unnamed.getByTable(index)
        if db_range.getPropertyValue("AutoFilter"):
            out["autofilter"] = a1(db_range.getDataArea())
    header = rows[0] if rows else []
    if "Disposition" in header and n_rows > 1:
        col = header.index("Disposition")
        first = sheet.getCellByPosition(col, 1).getPropertyValue("Validation")
        formula = first.getFormula1()
        same = sum(1 for r in range(1, n_rows)
                   if sheet.getCellByPosition(col, r).getPropertyValue("Validation").getFormula1() == formula)
        out["validation"] = {"type": first.getPropertyValue("Type").value,
                             "show_list": int(first.getPropertyValue("ShowList")),
                             "list": list_items(formula), "cells": same, "of": n_rows - 1}
    return out


def read(desktop, original: str, workdir: str) -> dict:
    start = time.monotonic()
    copy = os.path.join(workdir, "book" + os.path.splitext(original)[1])
    shutil.copyfile(original, copy)
    args = (prop("Hidden", True), prop("MacroExecutionMode", 0), prop("UpdateDocMode", 0),
            prop("FilterName", "Calc MS Excel 2007 XML"))
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(copy), "_blank", 0, args)
    if doc is None:
        raise RuntimeError(f"LibreOffice could not load {original}")
    try:
        unnamed = doc.getPropertyValue("UnnamedDatabaseRanges")
        sheets = [read_sheet(doc, i, unnamed) for i in range(doc.Sheets.getCount())]
    finally:
        close(doc)
    return {"file": original, "sheets": sheets, "seconds": round(time.monotonic() - start, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--wait", type=float, default=10.0)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    try:
        ctx = connect(args.port, args.wait)
    except NoConnectException as exc:
        print(f"no LibreOffice on port {args.port}: {exc.Message}", file=sys.stderr)
        return 1
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return report_each(args.files, lambda path, workdir: read(desktop, path, workdir), "lo-calc-")


if __name__ == "__main__":
    sys.exit(main())
