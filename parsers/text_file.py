"""Read a small UTF-8 text file the secretariat wrote, or refuse it with a plain reason."""

from __future__ import annotations

from pathlib import Path

from ..models.notices import Refusal


def read_text_file(path: Path, what: str, refused: type[Refusal], not_utf8_hint: str = "") -> str:
    """The file's text (a UTF-8 BOM is allowed); `what` names it in reasons ("members list")."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise refused(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise refused(f"{path} is a folder, not a {what}") from None
    except OSError as exc:
        raise refused(f"{what} {path} cannot be read: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused(f"{path.name}: the file is not UTF-8 text{not_utf8_hint}") from None
