"""Accuracy of the comment analysis against the labelled sets in this folder.

    python evaluation/evaluate.py                      # dev.jsonl
    python evaluation/evaluate.py heldout.jsonl -v     # another set, listing every miss

For each comment, `analysis.comments.analyse_comment` is run on its draft and compared with
the gold labels (LABELLING.md):

- **section**: the section must be the gold one; for an ambiguous gold comment the analysis
  must say "ambiguous" and list exactly the gold candidate sections;
- **intent**: equal;
- **proposal**: both none, or the same kind with the same old and new text (white space
  collapsed, ends trimmed);
- **proposal found**: of the gold proposals, how many were lifted exactly (recall), and of the
  lifted ones how many are right (precision).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DRAFTS = {
    "tor": HERE.parent / "samples" / "alliance87" / "drafts" / "tor-v1.docx",
    "pathfinder": HERE.parent / "samples" / "alliance87" / "drafts" / "pathfinder-guidance-v1.docx",
}


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def load(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise SystemExit(f"{path.name} line {n}: not JSON ({err})")
    return rows


def draft_path(name: str) -> Path:
    return DRAFTS.get(name) or (HERE / name)


def section_right(result: dict, gold: dict) -> bool:
    if gold.get("candidates"):
        return result["method"] == "ambiguous" and set(result["candidates"] or ()) == set(gold["candidates"])
    return result["section"] == gold["section"] and result["method"] != "ambiguous"


def proposal_right(result: dict, gold: dict) -> bool:
    mine, want = result["proposal"], gold.get("proposal")
    if mine is None or want is None:
        return mine is None and want is None
    return mine["kind"] == want["kind"] and _norm(mine["old"]) == _norm(want["old"]) \
        and _norm(mine["new"]) == _norm(want["new"])


def evaluate(rows: list[dict]) -> tuple[dict, list[tuple[dict, dict, list[str]]]]:
    from redraft.analysis.comments import analyse_comment
    from redraft.parsers.docx import read_docx

    drafts = {}
    scores = Counter()
    misses = []
    for row in rows:
        name = row["draft"]
        if name not in drafts:
            path = draft_path(name)
            drafts[name] = read_docx(path.read_bytes(), path.name)
        result = analyse_comment(row["text"], drafts[name], row["id"]).as_json()
        gold = row["gold"]
        wrong = []
        for task, right in (("section", section_right(result, gold)), ("intent", result["intent"] == gold["intent"]),
                            ("proposal", proposal_right(result, gold))):
            scores[task] += right
            scores[f"{task}:{row.get('lang', '?')}"] += right
            if not right:
                wrong.append(task)
        scores[f"n:{row.get('lang', '?')}"] += 1
        if gold.get("proposal") is not None:
            scores["gold proposals"] += 1
            scores["lifted right"] += proposal_right(result, gold)
        if result["proposal"] is not None:
            scores["lifted"] += 1
        if wrong:
            misses.append((row, result, wrong))
    scores["n"] = len(rows)
    return dict(scores), misses


def report(name: str, scores: dict) -> str:
    n = scores["n"]
    lines = [f"{name}: {n} comments"]
    for task in ("section", "intent", "proposal"):
        by_lang = ", ".join(
            f"{lang} {scores.get(f'{task}:{lang}', 0)}/{scores[f'n:{lang}']}"
            for lang in ("en", "fr", "es") if scores.get(f"n:{lang}")
        )
        lines.append(f"  {task:<9} {scores[task] / n:6.1%}  ({scores[task]}/{n}; {by_lang})")
    gold, lifted, right = scores.get("gold proposals", 0), scores.get("lifted", 0), scores.get("lifted right", 0)
    if gold:
        lines.append(f"  proposals lifted exactly: {right}/{gold} gold ({right / gold:.1%} recall), "
                     f"{right}/{lifted} lifted ({(right / lifted if lifted else 0):.1%} precision)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", default=["dev.jsonl"], help="labelled .jsonl files (in this folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    for name in args.sets:
        path = Path(name) if Path(name).exists() else HERE / name
        scores, misses = evaluate(load(path))
        print(report(path.name, scores))
        if args.verbose:
            for row, result, wrong in misses:
                gold = row["gold"]
                print(f"\n- {row['id']} ({row.get('lang')}) wrong: {', '.join(wrong)}\n  {row['text']}")
                print(f"  gold: section={gold['section']} cand={gold.get('candidates')} intent={gold['intent']} "
                      f"proposal={gold.get('proposal')}")
                print(f"  got:  section={result['section']} method={result['method']} cand={result['candidates']} "
                      f"intent={result['intent']} proposal={_short(result['proposal'])}")
    return 0


def _short(p: dict | None):
    return None if p is None else {k: p[k] for k in ("kind", "old", "new")}


if __name__ == "__main__":
    sys.exit(main())
