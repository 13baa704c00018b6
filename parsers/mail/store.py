"""Content-addressed storage of attachment bytes: ``store/<sha256[:2]>/<sha256>``.

The path is made from the hash only, never from a name the sender chose, so no attachment
can be written outside the store whatever its file name says. The same bytes are stored
once, however many messages carry them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_path(store: Path, sha256: str) -> Path:
    """Where the bytes with this hash live in the store."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return Path(store).absolute() / sha256[:2] / sha256


def store_bytes(data: bytes, store: Path) -> tuple[str, Path]:
    """Store `data` once; return its sha256 and its path. Writes are atomic."""
    digest = sha256_hex(data)
    target = stored_path(store, digest)
    if target.is_file() and target.stat().st_size == len(data):
        return digest, target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".tmp-{os.getpid()}-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)  # no fsync: ~4 ms a file here, and the store is rebuilt from the inbox
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
    sweep_temp_files(target.parent)
    return digest, target


def sweep_temp_files(folder: Path) -> None:
    """Remove the `.tmp-<pid>-…` files left in this folder by a run that was killed (its
    process is gone); the attachment store and the per-submission results use it."""
    for stale in folder.glob(".tmp-*-*"):
        pid = stale.name.split("-")[1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
