"""Throughput of the comment analysis (`redraft analyse`): comments per second.

    python benchmarks/bench_analyse.py [--comments 5000]

The labelled development comments (evaluation/dev.jsonl, English, French and Spanish, on
both sample drafts) are repeated with a numbered suffix (so no cache can answer twice) to
the requested count and analysed with `analysis.comments.analyse_comments`, duplicates
grouping included. Drafts are read and the lemma tables loaded before the clock starts
(a once-per-run cost, printed separately). Goal (issue 6): at least 1,000 comments/s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRAFTS = {"tor": ROOT / "samples/alliance87/drafts/tor-v1.docx",
          "pathfinder": ROOT / "samples/alliance87/drafts/pathfinder-guidance-v1.docx"}
GOAL = 1000.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from redraft.analysis.comments import analyse_comment, analyse_comments
    from redraft.analysis.nlp import LANGUAGES, content_lemmas, pipeline
    from redraft.parsers.docx import read_docx

    t0 = time.perf_counter()
    drafts = {k: read_docx(p.read_bytes(), p.name) for k, p in DRAFTS.items()}
    rows = [json.loads(line) for line in (ROOT / "evaluation/dev.jsonl").read_text(encoding="utf-8").splitlines() if line]
    for lang in LANGUAGES:  # load the lemma tables and build the pipelines
        content_lemmas("warm up", lang)
        pipeline(lang)
    analyse_comment("A warm-up sentence.", drafts["tor"])
    setup = time.perf_counter() - t0

    per_draft: dict[str, list[tuple[str, str]]] = {k: [] for k in drafts}
    for n in range(args.comments):
        row = rows[n % len(rows)]
        per_draft[row["draft"]].append((f"c{n}", f"{row['text']} (ref {n})"))
    rates = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for key, comments in per_draft.items():
            analyse_comments(comments, drafts[key])
        rates.append(args.comments / (time.perf_counter() - start))
    tracemalloc.start()
    analyse_comments(per_draft["tor"][:1000], drafts["tor"])
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rate = statistics.median(rates)
    print(f"setup (read 2 drafts, load en/fr/es lemma tables): {setup:.2f} s")
    print(f"{args.comments} comments: median {rate:,.0f} comments/s over {args.repeats} runs "
          f"(min {min(rates):,.0f}, max {max(rates):,.0f}); goal >= {GOAL:,.0f}: {'met' if rate >= GOAL else 'MISSED'}")
    print(f"Python heap peak while analysing 1,000 comments: {peak:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
