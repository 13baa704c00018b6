"""Re-pack a zip (xlsx, docx) so that the same content always gives the same bytes."""

from __future__ import annotations

import io
import zipfile

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def restamp(data: bytes) -> bytes:
    """Rewrite every entry, in the same order, dated 1980-01-01 and ZIP_DEFLATED."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_STORED if entry.is_dir() else zipfile.ZIP_DEFLATED
            info.create_system = 0  # same bytes on every platform
            info.external_attr = 0
            dst.writestr(info, src.read(entry))
    return out.getvalue()
