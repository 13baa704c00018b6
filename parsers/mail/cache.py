"""The run's copy of every e-mail it fetched, so a later run with `fetch = "new"` still has
the earlier ones (the server then sends only messages without the processed keyword).

    <work>/mail/<sha256>.eml     the raw bytes (canonical sha256)
    <work>/mail/index.json       [{key, uid, size, server_received, sha256}]

Written atomically; a damaged or missing index means "nothing cached".
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from ...models.intake import RawMail
from .eml import canonical_sha256


def _write_atomic(path: Path, data: bytes) -> None:
    """Temp file (one per process, so two runs never share it) + rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)  # no fsync: a kill cannot tear it; a lost cache is fetched again
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save(folder: Path, mails: list[RawMail]) -> None:
    """Keep the downloaded mails (those with bytes) and their index."""
    entries = []
    for raw in mails:
        if raw.data is None:
            continue
        sha = canonical_sha256(raw.data)
        target = folder / f"{sha}.eml"
        if not target.exists():
            _write_atomic(target, raw.data)
        entries.append({"key": raw.key, "uid": raw.uid, "size": raw.size, "sha256": sha,
                        "server_received": raw.server_received.isoformat() if raw.server_received else None})
    _write_atomic(folder / "index.json", json.dumps(entries, indent=1).encode())


def load(folder: Path) -> list[RawMail]:
    """The mails kept by earlier runs (empty when there are none or the index is damaged)."""
    try:
        entries = json.loads((folder / "index.json").read_text())
        out = []
        for e in entries:
            when = datetime.fromisoformat(e["server_received"]) if e.get("server_received") else None
            data = (folder / f"{e['sha256']}.eml").read_bytes()
            out.append(RawMail(key=e["key"], data=data, size=e["size"], server_received=when, uid=e.get("uid", "")))
        return out
    except (OSError, ValueError, KeyError, TypeError):
        return []


def merge(earlier: list[RawMail], fetched: list[RawMail]) -> list[RawMail]:
    """The earlier mails not fetched again (by UID, else by key), then the fetched ones."""
    seen = {(m.uid or m.key) for m in fetched}
    return [m for m in earlier if (m.uid or m.key) not in seen] + list(fetched)
