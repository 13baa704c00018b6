"""Make text safe to put in a spreadsheet cell (CSV or xlsx)."""

from __future__ import annotations

import re

# Characters that make Excel, LibreOffice or Sheets read a cell as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@")
# Characters that XML 1.0 forbids (openpyxl and python-docx refuse them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def neutralise(value: str) -> str:
    """Prefix a would-be formula with an apostrophe so it is shown as text.

    Triggers: `= + - @` first (also after leading whitespace), or a leading tab / CR.
    """
    if not value:
        return value
    if value[0] in "\t\r" or value.lstrip().startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def is_neutralised(value: str) -> bool:
    """True when `value` is exactly what `neutralise` makes of `value[1:]`."""
    return value.startswith("'") and neutralise(value[1:]) == value


def xml_safe(value: str) -> str:
    """Drop the control characters XML cannot hold (Word's vertical tab, NUL, ...)."""
    return _XML_ILLEGAL.sub("", value)
