"""Results kept in the run's work dir by the hash of their inputs, so reruns reuse them.

    cache = ResultCache(work / "submissions")
    result = cache.get_or_make(key, stages.process_submission, message, rows, consultation, drafts)

One file per submission (`<key>.pickle`), whatever batch it was read in: a rerun with one
new e-mail reads only that e-mail, though the batches are cut differently. Written
atomically (a temp file a killed run left is removed); an unreadable file is made again.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

from ..parsers.mail.store import sweep_temp_files


class ResultCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def get_or_make(self, key: str, make, *args):
        path = self.folder / f"{key}.pickle"
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            pass
        value = make(*args)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=f".tmp-{os.getpid()}-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        sweep_temp_files(self.folder)  # what a killed run left
        return value
