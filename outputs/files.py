"""Write output files atomically (temp file + rename), so a crash never leaves half a file.

The temp file sits beside the target (same file system, so the rename is atomic), is created
with the usual permissions (0666 less the umask, like any file the user writes), and is
flushed to disk before the rename. A temp file left by a killed run is removed by the next
write of the same target.
"""

from __future__ import annotations

import glob
import hashlib
import os
import secrets
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> str:
    """Write bytes to path via a temp file in the same folder; returns the sha256."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sweep(path)
    return hashlib.sha256(data).hexdigest()


def _sweep(path: Path) -> None:
    """Remove temp files of this target left by processes that no longer run."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*-*.tmp"):
        pid = stale.name[len(path.name) + 2:].split("-", 1)[0]
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


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
