"""Time each stage of a run on the sample consultation, without Prefect.

    python benchmarks/bench_stages.py [--repeat N]

Prints the mean wall time per stage over N repeats and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from redraft.flows import stages
from redraft.outputs import draft_documents
from redraft.parsers.consultation import read_consultation
from redraft.consolidate.decide import Policy

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "alliance87" / "consultation.toml"


def once(timings: dict[str, list[float]]) -> None:
    def timed(name, fn, *args):
        start = time.perf_counter()
        value = fn(*args)
        timings.setdefault(name, []).append(time.perf_counter() - start)
        return value

    consultation = read_consultation(SAMPLE)
    drafts = timed("read drafts", stages.load_drafts, consultation)
    with tempfile.TemporaryDirectory() as work:
        messages, records = timed("intake (13 e-mails)", stages.intake, consultation, Path(work))
        groups = stages.split_records(messages, records)
        results = timed("read submissions (docx + e-mail text)",
                        lambda: [stages.process_submission(m, r, consultation, drafts)
                                 for m, r in zip(messages, groups)])
    proposals = stages.identify([p for r in results for p in r.proposals], drafts)
    decided = timed("consolidate", lambda: [d for key in drafts for d in stages.consolidate(
        key, [p for p in proposals if p.document == key], Policy.parse(""), None)[0]])
    for key, draft in drafts.items():
        mine = [d for d in decided if d.proposal.document == key]
        timed("write redline + merged + proposals", lambda: [
            draft_documents.redline(draft.data, mine), draft_documents.merged(draft.data, mine),
            draft_documents.proposals(draft.data, mine)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    timings: dict[str, list[float]] = {}
    once(timings)  # warm-up (imports, spaCy pipelines)
    timings.clear()
    for _ in range(args.repeat):
        once(timings)
    print(f"{'stage':45} {'ms per run':>10}")
    for name, values in timings.items():
        per_run = sum(values) / args.repeat
        print(f"{name:45} {per_run * 1000:10.1f}")
    total = sum(sum(v) for v in timings.values()) / args.repeat
    print(f"{'total':45} {total * 1000:10.1f}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
