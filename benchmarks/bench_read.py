"""Time the Word reader (`read_docx`) on a realistic reviewer's copy.

    python benchmarks/bench_read.py [--repeat N] [--pages 46 --revisions 50 --comments 30]
                                    [--file some.docx] [--profile]

Builds the copy with `word_copy.make_copy` (or reads --file), describes it, then times
read_docx over N reads after 2 warm-ups, next to a bare lxml parse of its document.xml.
Memory: the peak of Python allocations during one read (tracemalloc, which does not see
libxml2's own allocations for the lxml trees) and the process's peak RSS. --profile adds the top 15 functions by cumulative time over 10 reads.
The last line is a summary to paste in a README.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import math
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

from lxml import etree

from redraft.models.document import Document
from redraft.ooxml.names import qn
from redraft.parsers.docx import read_docx
from word_copy import make_copy

TARGET_MS = 20.0
WARM_UPS = 2
REVISION_TAGS = tuple(qn(f"w:{t}") for t in ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange",
                                              "numberingChange", "sectPrChange", "tblPrChange", "trPrChange",
                                              "tcPrChange", "tblGridChange", "tblPrExChange", "cellIns", "cellDel"))


# -- the copy -----------------------------------------------------------------------------


def load(args: argparse.Namespace) -> tuple[bytes, str]:
    """The .docx bytes and a label for the summary line."""
    if args.file:
        return Path(args.file).read_bytes(), Path(args.file).name
    start = time.perf_counter()
    data = make_copy(args.pages, args.revisions, args.comments, args.seed)
    print(f"generated in {(time.perf_counter() - start) * 1000:.0f} ms "
          f"(pages={args.pages} revisions={args.revisions} comments={args.comments} seed={args.seed})")
    return data, f"{args.pages}-page copy"


def document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("word/document.xml")


def revisions_read(doc: Document) -> int:
    """Distinct revisions the reader found (one object per revision element), stories included."""
    seen: set[int] = set()
    for d in [doc] + [s.document for s in doc.stories]:
        for seg in d.segments:
            seen.update(id(r) for r in (seg.inserted, seg.deleted) if r is not None)
        seen.update(id(f.revision) for f in d.format_changes)
    return len(seen)


def describe(data: bytes, xml: bytes, doc: Document) -> dict[str, int]:
    root = etree.fromstring(xml)
    return {
        "file bytes": len(data),
        "document.xml bytes": len(xml),
        "paragraphs (blocks)": len(doc.blocks),
        "runs (w:r)": sum(1 for _ in root.iter(qn("w:r"))),
        "revision elements (XML)": sum(1 for _ in root.iter(*REVISION_TAGS)),
        "revisions read (distinct)": revisions_read(doc),
        "comments": len(doc.comments),
        "  replies": sum(1 for c in doc.comments if c.parent),
        "  resolved": sum(1 for c in doc.comments if c.resolved),
        "stories (notes, header, footer)": len(doc.stories),
        "notices": len(doc.notices) + sum(len(c.notices) for c in doc.comments),
    }


# -- measurements -------------------------------------------------------------------------


def timed(fn, arg, repeat: int) -> list[float]:
    """Milliseconds per call over `repeat` calls, after the warm-ups."""
    for _ in range(WARM_UPS):
        fn(arg)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(arg)
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"median": statistics.median(ordered), "mean": statistics.fmean(ordered), "min": ordered[0],
            "p95": ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]}


def peak_memory(data: bytes) -> tuple[float, float]:
    """(peak, retained) MB of Python allocations during one read, above what was there before."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    doc = read_docx(data)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del doc
    return (peak - base) / 2**20, (current - base) / 2**20


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def profile(data: bytes, reads: int = 10, top: int = 15) -> None:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(reads):
        read_docx(data)
    prof.disable()
    print(f"\ncProfile of {reads} reads, top {top} by cumulative time:")
    pstats.Stats(prof, stream=sys.stdout).strip_dirs().sort_stats("cumulative").print_stats(top)


# -- report -------------------------------------------------------------------------------


def print_table(facts: dict[str, int], rows: dict[str, dict[str, float]], repeat: int) -> None:
    for name, value in facts.items():
        print(f"{name:34} {value:>12,}")
    print(f"\n{'(ms, ' + str(repeat) + ' reads)':34} {'median':>9} {'mean':>9} {'min':>9} {'p95':>9}")
    for name, s in rows.items():
        print(f"{name:34} {s['median']:9.2f} {s['mean']:9.2f} {s['min']:9.2f} {s['p95']:9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pages", type=int, default=46)
    parser.add_argument("--revisions", type=int, default=50)
    parser.add_argument("--comments", type=int, default=30)
    parser.add_argument("--seed", type=int, default=87)
    parser.add_argument("--file", help="time this .docx instead of a generated copy")
    parser.add_argument("--profile", action="store_true", help="also profile 10 reads (cProfile)")
    args = parser.parse_args()

    data, label = load(args)
    xml = document_xml(data)
    doc = read_docx(data, source=label)
    facts = describe(data, xml, doc)
    for notice in doc.notices:
        print(f"notice: {notice.message}")
    del doc

    reads = summary(timed(read_docx, data, args.repeat))
    parse = summary(timed(etree.fromstring, xml, args.repeat))
    peak, retained = peak_memory(data)
    print_table(facts, {"read_docx": reads, "lxml fromstring(document.xml)": parse}, args.repeat)
    print(f"{'read_docx / bare parse (median)':34} {reads['median'] / parse['median']:9.1f}x")
    verdict = "met" if reads["median"] <= TARGET_MS else "missed"
    print(f"{'target <= ' + str(TARGET_MS) + ' ms (median)':34} {verdict:>9}")
    print(f"{'peak Python allocations, one read':34} {peak:9.1f} MB (retained after: {retained:.1f} MB)")
    print(f"{'process peak RSS':34} {rss_mb():9.0f} MB")
    if args.profile:
        profile(data)
    print(f"\nread_docx: {label} ({facts['revision elements (XML)']} revisions, {facts['comments']} comments): "
          f"median {reads['median']:.1f} ms, p95 {reads['p95']:.1f} ms, peak +{peak:.1f} MB (tracemalloc), "
          f"RSS {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
