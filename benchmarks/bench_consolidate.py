"""Time a whole consolidation, stage by stage, and compare it with DocxDiff Consolidate.

    python benchmarks/bench_consolidate.py [--members 40 --pages 46 --overlap 0.2 --stale 0.1
                                            --tracked 0.5 --seed 87 --repeat 3]
                                           [--scalpel-python /tmp/scalpel-venv/bin/python]

Generates a consultation with `consultation_factory` (in a child process, so its memory is
not counted), then runs the stages without Prefect or e-mail: read the drafts, read each copy
(read_docx), find the version it was made from, proposals_from_copy, identify, consolidate
with the default policy, write the redline, merged draft and proposals document. Prints wall
and CPU time (time.process_time) per stage, per member copy and end to end — for the first
run in the process (cold caches) and the mean of --repeat runs after it — and the peak RSS.

If docx-scalpel can be imported by --scalpel-python (a separate venv, so the project's stays
clean), scalpel_driver.py runs its DocxDiff Consolidate on the same draft and copies and the
per-copy CPU ratio is printed; otherwise the reason it could not run.

Goals: per member copy >= 5x faster than DocxDiff Consolidate; 40 copies x 46 pages end to
end <= 2 s CPU (interpreter start-up and imports excluded).
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import multiprocessing
import resource
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from consultation_factory import ConsultationData, add_options, make_consultation, write
from redraft.consolidate.decide import Policy
from redraft.consolidate.extract import proposals_from_copy
from redraft.flows import stages
from redraft.models.changes import Origin
from redraft.outputs import draft_documents
from redraft.parsers.docx import read_docx

HERE = Path(__file__).resolve().parent
KEY = "tor"
GOAL_RATIO, GOAL_CPU = 5.0, 2.0
RECEIVED = datetime(2025, 3, 14, 12, 0, tzinfo=timezone.utc)
READ, FIND, EXTRACT = "read copies (read_docx)", "find the version each was made from", "proposals_from_copy"


class Stages:
    """Wall and CPU seconds per stage, summed over a run."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def time(self, name: str, fn, *args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn(*args, **kwargs)
        self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall
        self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu
        return value


# -- the stages -----------------------------------------------------------------------------


def make_draft(data: ConsultationData) -> stages.Draft:
    """The current draft, with the older version where stages.Draft takes earlier versions."""
    document = read_docx(data.draft, source="draft.docx")
    previous = {}
    if data.previous is not None and "previous" in {f.name for f in dataclasses.fields(stages.Draft)}:
        previous["previous"] = (("draft-v0.docx", read_docx(data.previous, source="draft-v0.docx")),)
    return stages.Draft(KEY, "Terms of Reference", data.draft, document, **previous)


def accepts(fn, name: str) -> bool:
    return name in inspect.signature(fn).parameters


def base_of(copy, draft: stages.Draft, stale: bool) -> dict:
    """Keyword arguments telling proposals_from_copy which version the copy was made from:
    none unless it takes `base`; found by stages.base_version where the flow has it, else
    from the generator's record (for a stale copy, v0)."""
    if not accepts(proposals_from_copy, "base"):
        return {}
    if hasattr(stages, "base_version"):
        base, name = stages.base_version(copy, draft)
    else:
        previous = dict(getattr(draft, "previous", ()))
        name = next(iter(previous), "") if stale else ""
        base = previous.get(name)
    return {"base": base, **({"base_name": name} if accepts(proposals_from_copy, "base_name") else {})}


def origin(i: int, member: str, author: str, sha: str) -> Origin:
    return Origin(document=KEY, organisation=member, constituency="", sender=f"member{i}@example.org",
                  sender_name=author, received=RECEIVED, message_id=f"<copy-{i}@bench>", file=f"{i:02d}.docx",
                  file_sha256=sha, credited=member)


def run_once(data: ConsultationData, timer: Stages) -> dict:
    """Every stage once; the counts of what came out."""
    drafts = {KEY: timer.time("read drafts (v1, v0)", make_draft, data)}
    draft = drafts[KEY]
    proposals = []
    for i, member in enumerate(data.copies, start=1):
        copy = timer.time(READ, read_docx, member.data, source=f"{i:02d}.docx")
        base = timer.time(FIND, base_of, copy, draft, member.stale)
        proposals += timer.time(EXTRACT, proposals_from_copy, copy, draft.document,
                                origin(i, member.member, member.author, copy.sha256), **base)
    proposals = timer.time("identify", stages.identify, proposals, drafts)
    decided, _ = timer.time("consolidate (default policy)", stages.consolidate, KEY, proposals,
                            Policy.parse(""), None)
    outputs = timer.time("write redline + merged + proposals", lambda: [
        draft_documents.redline(draft.data, decided), draft_documents.merged(draft.data, decided),
        draft_documents.proposals(draft.data, decided)])
    return {"proposals": len(proposals), "conflicts": len({d.group.id for d in decided if d.group.kind == "conflict"}),
            "applied": sum(d.decision.disposition.value == "Accepted" for d in decided),
            "output bytes": sum(map(len, outputs))}


# -- measurement and report -----------------------------------------------------------------


def generate(args: argparse.Namespace) -> ConsultationData:
    """The consultation, made in a child process so the generator's memory stays out of our RSS."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        return pool.submit(make_consultation, args.members, args.pages, args.overlap, args.stale,
                           args.tracked, args.seed).result()


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MB."""
    status = Path("/proc/self/status").read_text()
    current = int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])
    return current / 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def describe(data: ConsultationData) -> str:
    copies = data.copies
    return (f"{len(copies)} copies x {data.pages} pages: {sum(c.tracked for c in copies)} tracked, "
            f"{len(copies) - sum(c.tracked for c in copies)} clean, {sum(c.stale for c in copies)} made from v0 "
            f"({data.rewritten} sentences rewritten since); {sum(c.edits for c in copies)} edits, "
            f"{sum(c.shared for c in copies)} on words another member edited too")


def print_stages(cold: Stages, warm: list[Stages], copies: int) -> dict[str, float]:
    """The per-stage table; returns the end-to-end figures (warm means)."""
    mean = {k: {n: sum(getattr(s, k)[n] for s in warm) / len(warm) for n in cold.wall} for k in ("wall", "cpu")}
    print(f"\n{'stage':38} {'first run':>19} {f'mean of {len(warm)} runs':>19}")
    print(f"{'':38} {'wall ms':>9} {'CPU ms':>9} {'wall ms':>9} {'CPU ms':>9}")
    for name in cold.wall:
        print(f"{name:38} {cold.wall[name] * 1e3:9.1f} {cold.cpu[name] * 1e3:9.1f} "
              f"{mean['wall'][name] * 1e3:9.1f} {mean['cpu'][name] * 1e3:9.1f}")
    total = {k: sum(mean[k].values()) for k in ("wall", "cpu")}
    cold_total = (sum(cold.wall.values()), sum(cold.cpu.values()))
    print(f"{'end to end':38} {cold_total[0] * 1e3:9.1f} {cold_total[1] * 1e3:9.1f} "
          f"{total['wall'] * 1e3:9.1f} {total['cpu'] * 1e3:9.1f}")
    print(f"{'per member copy (end to end / N)':38} {cold_total[0] / copies * 1e3:9.1f} "
          f"{cold_total[1] / copies * 1e3:9.1f} {total['wall'] / copies * 1e3:9.1f} {total['cpu'] / copies * 1e3:9.1f}")
    return {"wall": total["wall"], "cpu": total["cpu"], "cold_cpu": cold_total[1],
            "per_copy_cpu": sum(mean["cpu"][n] for n in (READ, FIND, EXTRACT))}


def scalpel(data: ConsultationData, python: str, repeat: int) -> dict | str:
    """DocxDiff Consolidate's figures from scalpel_driver.py, or why it could not run."""
    if not Path(python).exists():
        return (f"{python} does not exist: make a separate venv and `pip install docx-scalpel` in it "
                "(its wheel bundles a self-contained .NET host for linux-x64/arm64)")
    check = subprocess.run([python, "-c", "import docx_scalpel"], capture_output=True, text=True)
    if check.returncode:
        return f"docx_scalpel cannot be imported by {python}: {check.stderr.strip().splitlines()[-1]}"
    with tempfile.TemporaryDirectory() as folder:
        write(data, Path(folder))
        run = subprocess.run([python, str(HERE / "scalpel_driver.py"), folder, "--repeat", str(repeat)],
                             capture_output=True, text=True, timeout=3600)
    if run.returncode:
        return f"scalpel_driver.py failed: {(run.stderr.strip().splitlines() or ['(no output)'])[-1]}"
    return json.loads(run.stdout.strip().splitlines()[-1])


def print_scalpel(result: dict | str, ours: dict[str, float], copies: int) -> None:
    print("\nDocxDiff Consolidate (docx-scalpel):", end=" ")
    if isinstance(result, str):
        print(f"not run — {result}")
        return
    runs = result["runs"]
    cpu = sum(r["host_cpu"] + r["client_cpu"] for r in runs) / len(runs)
    wall = sum(r["wall"] for r in runs) / len(runs)
    print(f"docx-scalpel {result['version']}, .NET {result['host'].get('dotnet', '?')} host")
    print(f"  host start-up {result['startup']['wall'] * 1e3:.0f} ms (not counted); one consolidation of "
          f"{copies} copies, mean of {len(runs)} after a warm-up: wall {wall:.2f} s, CPU {cpu:.2f} s "
          f"(host {sum(r['host_cpu'] for r in runs) / len(runs):.2f} s); host peak RSS "
          f"{result['host_peak_rss_mb']:.0f} MB; redline {runs[0]['bytes']:,} bytes")
    print(f"  per member copy: DocxDiff {cpu / copies * 1e3:.0f} ms CPU, ours {ours['cpu'] / copies * 1e3:.1f} ms "
          f"CPU end to end -> ratio {cpu / ours['cpu']:.1f}x (goal >= {GOAL_RATIO:.0f}x); "
          f"wall ratio {wall / ours['wall']:.1f}x")
    print(f"  the per-copy stages alone (read, find version, extract: {ours['per_copy_cpu'] / copies * 1e3:.1f} ms "
          f"CPU a copy, no output written) -> ratio {cpu / ours['per_copy_cpu']:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_options(parser)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scalpel-python", default="/tmp/scalpel-venv/bin/python")
    parser.add_argument("--scalpel-repeat", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    data = generate(args)
    print(f"generated in {time.perf_counter() - start:.1f} s: {describe(data)}")
    before, _ = rss_mb()
    cold = Stages()
    counts = run_once(data, cold)
    warm = [Stages() for _ in range(args.repeat)]
    for timer in warm:
        run_once(data, timer)
    print(f"out: {counts['proposals']} proposals, {counts['conflicts']} conflicts, {counts['applied']} applied "
          f"by the default policy; {counts['output bytes']:,} bytes of .docx written")
    ours = print_stages(cold, warm, len(data.copies))
    _, peak = rss_mb()
    inputs = (len(data.draft) + sum(len(c.data) for c in data.copies)) / 2**20
    print(f"\nRSS: {before:.0f} MB after imports and generation, peak {peak:.0f} MB (+{peak - before:.0f} MB for "
          f"the runs; the drafts and copies are {inputs:.1f} MB)")
    verdict = "met" if ours["cpu"] <= GOAL_CPU else "NOT met"
    print(f"goal {len(data.copies)} x {data.pages} end to end <= {GOAL_CPU:.0f} s CPU: {ours['cpu']:.2f} s warm, "
          f"{ours['cold_cpu']:.2f} s first run -> {verdict} (the goal is stated for 40 x 46)")
    print_scalpel(scalpel(data, args.scalpel_python, args.scalpel_repeat), ours, len(data.copies))


if __name__ == "__main__":
    main()
