"""`redraft analyse DRAFT.docx COMMENTS.jsonl`: read the inputs, analyse, give JSON lines.

A draft that cannot be read, or a comments file that cannot be read as UTF-8 text, is an
`AnalyseRefused` (the command exits with 2). A single bad line (not JSON, not an object, no
text) does not stop the others: it gives `{"id": ..., "line": N, "error": "..."}` in its place
so that every input line is accounted for in the output, in the input's order.
"""

from __future__ import annotations

import json
from pathlib import Path

from .analysis.comments import analyse_comments
from .parsers.docx import DocxRefused, read_docx


class AnalyseRefused(Exception):
    """The draft or the comments file cannot be used at all (a plain-words reason)."""


def _read_draft(path: Path):
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AnalyseRefused(f"cannot read the draft {path}: {exc.strerror or exc}") from exc
    try:
        return read_docx(data, source=path.name)
    except DocxRefused as refusal:
        raise AnalyseRefused(f"{path.name}: {refusal.reason}") from refusal


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise AnalyseRefused(f"cannot read the comments file {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise AnalyseRefused(f"{path.name} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc


def parse_comment_line(line: str, number: int) -> tuple[object, str] | dict:
    """(id, text) of one JSONL line, or the error line that stands in for it."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": number, "error": f"line {number} is not JSON: {exc.msg}"}
    if not isinstance(value, dict):
        return {"id": None, "line": number, "error": f"line {number} is not a JSON object"}
    cid = value.get("id", number)
    text = value.get("text")
    if not isinstance(text, str):
        return {"id": cid, "line": number, "error": f'line {number} has no "text" string'}
    return cid, text


def run_analyse(draft_path: Path, comments_path: Path) -> list[dict]:
    """One JSON-ready dict per non-blank input line, in order."""
    draft = _read_draft(draft_path)
    parsed: list[tuple[int, tuple[object, str] | dict]] = []
    for number, line in enumerate(_read_lines(comments_path), start=1):
        if line.strip():
            parsed.append((number, parse_comment_line(line, number)))
    good = [(n, p) for n, p in parsed if isinstance(p, tuple)]
    analyses = iter(analyse_comments([(str(i), text) for _n, (i, text) in good], draft))
    out = []
    for _number, item in parsed:
        if isinstance(item, dict):
            out.append(item)
        else:
            row = next(analyses).as_json()
            row["id"] = item[0]  # as given: a number stays a number
            out.append(row)
    return out
