"""What a run's output folder says about itself: `.redraft/run.json` and who wrote in.

`run.json` (written by the flow) names the consultation file, its title, the documents and
when the outputs were written; `submissions.csv` gives the senders' addresses, which stand
for a members-list domain row (`@ilo.org`) when `redraft send` looks for whom to mail.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path

from ..models.sending import RunRecord, Sender, SendRefused
from .text_file import read_text_file

RUN_FILE = Path(".redraft") / "run.json"


def run_folder(out_dir: Path) -> Path:
    """The folder holding the run: `out_dir` itself, or for a `redraft serve` folder the run
    its `LATEST` file names (serve writes each run into `DIR/<start time>/`)."""
    if (out_dir / RUN_FILE).is_file():
        return out_dir
    latest = out_dir / "LATEST"
    if latest.is_file():
        name = latest.read_text(encoding="utf-8", errors="replace").strip()
        if name and "/" not in name and "\\" not in name and name not in (".", "..") and (out_dir / name).is_dir():
            return out_dir / name
    return out_dir


def read_run_record(out_dir: Path) -> RunRecord:
    """The run record of an output folder; refused when the folder holds no finished run."""
    path = out_dir / RUN_FILE
    if not path.is_file():
        raise SendRefused(f"{out_dir} holds no finished run ({RUN_FILE} is missing): run "
                          "`redraft run consultation.toml --out DIR` first, or name the file with --consultation")
    text = read_text_file(path, "run record", SendRefused)
    try:
        data = json.loads(text)
        return RunRecord(
            consultation=Path(data["consultation"]),
            title=str(data["title"]),
            documents=tuple((str(d["key"]), str(d["title"])) for d in data["documents"]),
            written_at=datetime.fromisoformat(data["written_at"]),
        )
    except (ValueError, KeyError, TypeError):
        raise SendRefused(f"{path} is damaged: run the consultation again into {out_dir}") from None


def read_senders(path: Path) -> list[Sender]:
    """The sender of every message row of submissions.csv, in the file's order."""
    if not path.is_file():
        return []
    text = read_text_file(path, "submissions list", SendRefused)
    senders = []
    for row in csv.DictReader(io.StringIO(text, newline="")):
        if row.get("kind") != "message":
            continue
        label = row.get("sender") or ""
        if label.startswith("'") and label[1:2] in "=+-@\t\r":  # undo the spreadsheet-safe prefix
            label = label[1:]
        name, address = parseaddr(label)
        if "@" in address:
            senders.append(Sender(address.lower(), name, row.get("status") or ""))
    return senders


def read_sent_ids(path: Path) -> set[str]:
    """Message-IDs that `DIR/outbox/sent.csv` records as sent."""
    if not path.is_file():
        return set()
    text = read_text_file(path, "record of sent mail", SendRefused)
    return {row.get("message_id", "") for row in csv.DictReader(io.StringIO(text, newline=""))
            if row.get("status") == "sent"}


def address_list(text: str) -> list[str]:
    """`--to a@x.org,b@y.org`: the addresses, or a refusal naming what is not one."""
    addresses = [a.strip() for a in text.split(",") if a.strip()]
    bad = [a for a in addresses if not _is_address(a)]
    if bad or not addresses:
        raise SendRefused("--to takes \"members\" or e-mail addresses separated by commas; "
                          f"not an address: {', '.join(bad) or repr(text)}")
    return [parseaddr(a)[1].lower() for a in addresses]


def _is_address(text: str) -> bool:
    address = parseaddr(text)[1]
    local, _, domain = address.rpartition("@")
    return bool(local) and "." in domain and " " not in address
