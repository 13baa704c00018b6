"""Independent readers used as oracles: pandoc 3 (from pypandoc-binary)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypandoc


def pandoc_text(path: Path, track: str = "accept") -> str:
    """The document's text as pandoc reads it, whitespace-normalised, with tracked changes
    accepted or rejected."""
    text = pypandoc.convert_file(str(path), "plain", extra_args=[f"--track-changes={track}", "--wrap=none"])
    return normalise(text)


def normalise(text: str) -> str:
    """Collapse whitespace and drop pandoc's table rules so texts compare by words."""
    text = re.sub(r"(?m)^\s*-{3,}[ -]*$", " ", text)
    return " ".join(text.split())


def pandoc_spans(path: Path) -> list[dict]:
    """Insertion, deletion and comment spans (with their attributes) pandoc finds."""
    doc = json.loads(pypandoc.convert_file(str(path), "json", extra_args=["--track-changes=all"]))
    spans = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Span":
                (_, classes, attrs), content = node["c"]
                spans.append({"class": classes[0] if classes else "", **dict(attrs),
                              "text": _plain(content)})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc["blocks"])
    return spans


def _plain(content) -> str:
    out = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Str":
                out.append(node["c"])
            elif node.get("t") == "Space":
                out.append(" ")
            else:
                walk(node.get("c"))
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(content)
    return "".join(out)
