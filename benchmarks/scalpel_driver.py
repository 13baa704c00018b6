"""Time DocxDiff Consolidate (PyPI docx-scalpel) on a consultation folder.

    /tmp/scalpel-venv/bin/python benchmarks/scalpel_driver.py FOLDER [--repeat N]

FOLDER is what `consultation_factory.write` makes (draft.docx, copies/, members.json).
docx-scalpel runs Docxodus' .NET code in a host process (`docxodus-pyhost`, self-contained,
shipped in the wheel); `docx_diff_consolidate(base, reviewers)` diffs each reviewer's copy
against the base and renders one redline. The host is started (and warmed up by one
consolidation) before the timed calls. CPU is the host's (user + system, from /proc) plus
this client's (base64 and JSON of the request). Prints one JSON line on stdout.

Runs under the venv that has docx-scalpel, not the project's; it needs only the standard
library besides it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import time
import zipfile
from pathlib import Path

import docx_scalpel
from docx_scalpel import DocxDiffReviewer, docx_diff_consolidate

TICKS = os.sysconf("SC_CLK_TCK")


def host_pid() -> int:
    """The pid of the running docxodus-pyhost (docx-scalpel keeps one per process)."""
    from docx_scalpel._transport import _Transport  # private: the only way to its process

    return _Transport.get()._proc.pid


def host_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) the host has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def host_peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


def revisions_in(docx: bytes) -> int:
    """w:ins and w:del elements in the redline's body."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return len(re.findall(rb"<w:(?:ins|del) ", zf.read("word/document.xml")))


def consolidate_once(base: bytes, reviewers: list, pid: int) -> dict:
    wall, cpu, host = time.perf_counter(), time.process_time(), host_cpu(pid)
    out = docx_diff_consolidate(base, reviewers)
    return {"wall": time.perf_counter() - wall, "client_cpu": time.process_time() - cpu,
            "host_cpu": host_cpu(pid) - host, "bytes": len(out), "revisions": revisions_in(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    manifest = json.loads((args.folder / "members.json").read_text(encoding="utf-8"))
    base = (args.folder / manifest["draft"]).read_bytes()
    reviewers = [DocxDiffReviewer((args.folder / c["file"]).read_bytes(), c["member"]) for c in manifest["copies"]]
    start = time.perf_counter()
    info = docx_scalpel.ping()
    pid = host_pid()
    startup = {"wall": time.perf_counter() - start, "host_cpu": host_cpu(pid)}
    warm_up = consolidate_once(base, reviewers, pid)
    runs = [consolidate_once(base, reviewers, pid) for _ in range(args.repeat)]
    print(json.dumps({"version": getattr(docx_scalpel, "__version__", ""), "host": info, "startup": startup,
                      "copies": len(reviewers), "warm_up": warm_up, "runs": runs,
                      "host_peak_rss_mb": host_peak_rss_mb(pid)}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
