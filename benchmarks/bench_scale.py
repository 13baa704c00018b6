"""Scale: the real `redraft run` on 100, 300 and 1,000 submissions, default runner and Dask.

    python benchmarks/bench_scale.py [--sizes 100 300 1000] [--pages 46] [--runners default dask]
                                     [--work /tmp/redraft-scale] [--seed 87] [--json FILE]

Each consultation is generated once into WORK/cNNNN by `consultation_factory.write_inbox_consultation`
(a 46-page draft and its older version; Word copies with tracked changes and clean copies,
e-mails with proposals in their text only, re-sends, a few late e-mails). Every measured run
is `redraft run CONSULTATION --out FRESH_DIR [--dask]` in a subprocess, with its own Prefect
home (WORK/prefect-home) whose database is migrated by a warm-up run first (reported, not
counted). For each run: wall time; CPU (user + system) of the command and every process it
started and reaped (the embedded Prefect API server, the Dask scheduler's workers), from
`os.wait4`; peak RSS of the whole process tree (sum, sampled every 0.1 s with psutil); and
the engine start-up as the command reports it ("Starting the embedded Prefect engine: done
in X s"), so "flow" = wall - start-up.

Goals on a 2-core machine: 1,000 submissions <= 60 s wall and <= 1 GB peak RSS;
wall(1,000) / wall(100) <= 11.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from consultation_factory import write_inbox_consultation

HERE = Path(__file__).resolve().parent
REDRAFT = Path(sys.executable).with_name("redraft")
STARTUP = re.compile(r"Starting the embedded Prefect engine: done in ([\d.]+) s")
GOAL_WALL, GOAL_RSS_MB, GOAL_RATIO = 60.0, 1024.0, 11.0


def consultation(work: Path, size: int, pages: int, seed: int) -> tuple[Path, dict]:
    """The generated consultation of `size` e-mails (made once, reused while its arguments hold)."""
    folder = work / f"c{size:04d}-p{pages}-s{seed}"
    manifest = folder / "counts.json"
    if not manifest.exists():
        shutil.rmtree(folder, ignore_errors=True)
        counts = write_inbox_consultation(folder, size, pages=pages, seed=seed)
        manifest.write_text(json.dumps(counts))
    return folder / "consultation.toml", json.loads(manifest.read_text())


def _role(proc: psutil.Process) -> str:
    """What a process of the tree is: the command, the Prefect API server, a Dask worker..."""
    try:
        line = " ".join(proc.cmdline())
    except psutil.Error:
        return "?"
    if "uvicorn" in line or "prefect.server" in line or "server start" in line:
        return "prefect-api"
    if "multiprocessing" in line or "spawn_main" in line:
        return "dask-worker"
    return "redraft" if "redraft" in line else line[:40]


class TreeMemory:
    """Peak RSS of a process and all its descendants (sum), sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.1):
        self.root, self.every, self.peak = psutil.Process(pid), every, 0
        self.at_peak: list[tuple[int, str]] = []  # (rss, role) of each process at the peak
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            sizes = []
            for proc in procs:
                try:
                    sizes.append((proc.memory_info().rss, _role(proc)))
                except psutil.Error:
                    pass
            total = sum(rss for rss, _ in sizes)
            if total > self.peak:
                self.peak, self.at_peak = total, sorted(sizes, reverse=True)
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run(toml: Path, out: Path, dask: bool, env: dict) -> dict:
    """One `redraft run` in a subprocess: wall, CPU (with reaped children), peak tree RSS."""
    shutil.rmtree(out, ignore_errors=True)
    command = [str(REDRAFT), "run", str(toml), "--out", str(out)] + (["--dask"] if dask else [])
    log = out.with_suffix(".log")
    with log.open("w") as handle:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env)
        memory = TreeMemory(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        peak = memory.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}); see {log}:\n{text[-3000:]}")
    startup = STARTUP.search(text)
    detail = ", ".join(f"{role} {rss / 2**20:.0f}" for rss, role in memory.at_peak)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": peak / 2**20, "at_peak_mb": detail,
            "max_single_rss_mb": usage.ru_maxrss / 1024, "startup": float(startup.group(1)) if startup else 0.0,
            "command": " ".join(["redraft", "run", toml.name, "--out", "OUT"] + (["--dask"] if dask else []))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--pages", type=int, default=46)
    parser.add_argument("--runners", nargs="+", choices=["default", "dask"], default=["default", "dask"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/redraft-scale"))
    parser.add_argument("--seed", type=int, default=87)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PREFECT_HOME=str(args.work / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)  # the embedded engine, as on a secretariat's laptop

    made = time.perf_counter()
    cases = {size: consultation(args.work, size, args.pages, args.seed) for size in args.sizes}
    print(f"consultations ready in {time.perf_counter() - made:.1f} s: " +
          "; ".join(f"{s}: {c}" for s, (_, c) in cases.items()), flush=True)
    warm_toml, _ = consultation(args.work, 10, 4, args.seed)
    warm = run(warm_toml, args.work / "warm-up", False, env)  # migrates the database (first run only)
    print(f"warm-up run (database migration on a new Prefect home, engine start): {warm['wall']:.1f} s wall, "
          f"engine start-up {warm['startup']:.1f} s", flush=True)

    results = []
    for size in args.sizes:
        for runner in args.runners:
            r = run(cases[size][0], args.work / f"out-{size}-{runner}", runner == "dask", env)
            r.update(size=size, runner=runner, counts=cases[size][1])
            results.append(r)
            print(f"{size:5d} {runner:8s} wall {r['wall']:6.1f} s  (engine start-up {r['startup']:4.1f} s, "
                  f"flow {r['wall'] - r['startup']:6.1f} s)  CPU {r['cpu']:6.1f} s  "
                  f"peak RSS {r['rss_mb']:6.0f} MB ({r['at_peak_mb']})", flush=True)

    print("\n| submissions | runner | wall s | engine start-up s | flow s | CPU s (with children) | peak RSS MB (tree) |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['size']:,} | {r['runner']} | {r['wall']:.1f} | {r['startup']:.1f} | {r['wall'] - r['startup']:.1f} "
              f"| {r['cpu']:.1f} | {r['rss_mb']:.0f} |")
    for runner in args.runners:
        by_size = {r["size"]: r for r in results if r["runner"] == runner}
        if 1000 in by_size:
            big = by_size[1000]
            print(f"{runner}: 1,000 submissions {big['wall']:.1f} s wall (goal <= {GOAL_WALL:.0f}), "
                  f"{big['rss_mb']:.0f} MB (goal <= {GOAL_RSS_MB:.0f})", end="")
            if 100 in by_size:
                print(f", wall(1,000)/wall(100) = {big['wall'] / by_size[100]['wall']:.1f} (goal <= {GOAL_RATIO:.0f})",
                      end="")
            print()
    if args.json:
        args.json.write_text(json.dumps({"warm_up": warm, "runs": results}, indent=1))


if __name__ == "__main__":
    main()
