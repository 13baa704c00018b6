"""LibreOffice as an independent reader for tests: one headless soffice per session.

    with LibreOffice() as lo:                      # or the `libreoffice` fixture below
        info = lo.read([path])[path]
        info["accepted"], info["rejected"], info["redlines"], info["comments"]
        lo.edit(source, [{"op": "author", "name": "ILO"}, ...], out)  # a tracked-changes copy

`LibreOffice()` raises `LibreOfficeUnavailable` when soffice or the system Python's `uno`
is missing; the fixture turns that into a skip. soffice runs with a private profile on a
free port and is stopped by its pid (process group) at the end; the documents are read by
`lo_uno_reader.py` under /usr/bin/python3 (see that script for the JSON it returns), and
edited by `lo_uno_editor.py` (see that script for the operations).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

READER = Path(__file__).with_name("lo_uno_reader.py")
EDITOR = Path(__file__).with_name("lo_uno_editor.py")
SYSTEM_PYTHON = "/usr/bin/python3"
SKIP_REASON = "LibreOffice not installed: apt-get install libreoffice-writer python3-uno"
START_TIMEOUT = 60.0
READ_TIMEOUT_PER_FILE = 60.0


class LibreOfficeUnavailable(RuntimeError):
    """soffice or the system Python's `uno` module is missing."""


def find_soffice() -> str | None:
    for candidate in (shutil.which("soffice"), "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def system_python_has_uno() -> bool:
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    try:
        done = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reader_env() -> dict[str, str]:
    """The environment for /usr/bin/python3: without the venv's variables."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _group_alive(process: subprocess.Popen) -> bool:
    process.poll()  # reap the leader if it has exited
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LibreOffice:
    """A headless soffice listening on a private port, with a private profile."""

    def __init__(self) -> None:
        self.soffice = find_soffice()
        if self.soffice is None or not system_python_has_uno():
            raise LibreOfficeUnavailable(SKIP_REASON)
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self.workdir: Path | None = None
        self.startup_seconds: float | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> LibreOffice:
        started = time.monotonic()
        self.workdir = Path(tempfile.mkdtemp(prefix="redraft-lo-"))
        profile = self.workdir / "profile"
        self.log = self.workdir / "soffice.log"
        last_error = ""
        for _attempt in range(3):  # a free port can be taken between choosing and binding it
            self.port = free_port()
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [self.soffice, "--headless", "--invisible", "--norestore", "--nologo",
                     "--nodefault", "--nolockcheck",
                     f"--accept=socket,host=127.0.0.1,port={self.port};urp;",
                     f"-env:UserInstallation={profile.as_uri()}"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                    start_new_session=True,  # its own process group: oosplash + soffice.bin
                )
            last_error = self._wait_until_connected(started + START_TIMEOUT)
            if not last_error:
                self.startup_seconds = time.monotonic() - started
                return self
            self._stop_process()
            if time.monotonic() > started + START_TIMEOUT:
                break
        self.stop()
        raise RuntimeError(f"LibreOffice did not accept UNO connections: {last_error}")

    def _wait_until_connected(self, deadline: float) -> str:
        """"" once connected, else why not."""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return f"soffice exited with status {self.process.returncode}: {self._log_tail()}"
            try:
                done = subprocess.run(
                    [SYSTEM_PYTHON, str(READER), "--port", str(self.port), "--wait", "2"],
                    capture_output=True, text=True, timeout=30, env=_reader_env())
            except subprocess.TimeoutExpired:
                continue
            if done.returncode == 0:
                return ""
        return f"no connection within {START_TIMEOUT:.0f} s: {self._log_tail()}"

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-2000:].strip() or "(no output)"
        except OSError:
            return "(no log)"

    def _stop_process(self) -> None:
        """SIGTERM to the process group we started (oosplash + soffice.bin), SIGKILL after 5 s."""
        process, self.process = self.process, None
        if process is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + 5.0
            while time.monotonic() < deadline and _group_alive(process):
                time.sleep(0.1)
            if not _group_alive(process):
                break
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def stop(self) -> None:
        self._stop_process()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def __enter__(self) -> LibreOffice:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- reading -----------------------------------------------------------------------

    def read(self, paths) -> dict:
        """{path: {"accepted", "rejected", "redlines", "comments", "seconds"}} for each path
        (keys are the given objects). Raises RuntimeError when a file cannot be read."""
        if self.process is None:
            raise RuntimeError("LibreOffice is not running (use `with LibreOffice() as lo:`)")
        paths = list(paths)
        if not paths:
            return {}
        by_name = {os.path.abspath(p): p for p in paths}
        try:
            done = subprocess.run(
                [SYSTEM_PYTHON, str(READER), "--port", str(self.port), "--wait", "10", *by_name],
                capture_output=True, text=True, env=_reader_env(),
                timeout=30 + READ_TIMEOUT_PER_FILE * len(paths))
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"LibreOffice reader timed out on {paths}") from exc
        results = {}
        errors = []
        for line in done.stdout.splitlines():
            if not line.startswith("{"):
                continue
            item = json.loads(line)
            if "error" in item:
                errors.append(f"{item['file']}: {item['error']}")
            results[by_name[item["file"]]] = item
        missing = [p for p in paths if p not in results]
        if errors or missing:
            alive = self.process is not None and self.process.poll() is None
            raise RuntimeError(
                "LibreOffice could not read " + "; ".join(errors + [f"{p}: no result" for p in missing])
                + f"\nreader status {done.returncode}, stderr: {done.stderr.strip()[-2000:]}"
                + ("" if alive else f"\nsoffice is gone: {self._log_tail()}"))
        return results

    # -- editing -----------------------------------------------------------------------

    def edit(self, source, script: list[dict], out) -> dict:
        """Have LibreOffice edit `source` with change recording on and store `out` (.docx).

        `script` is the list of operations `lo_uno_editor.py` runs. Returns its JSON line
        ({"out", "seconds"}); raises RuntimeError when the edit fails."""
        if self.process is None:
            raise RuntimeError("LibreOffice is not running (use `with LibreOffice() as lo:`)")
        with tempfile.TemporaryDirectory(prefix="redraft-lo-script-") as folder:
            script_path = Path(folder) / "script.json"
            script_path.write_text(json.dumps(script, ensure_ascii=False), encoding="utf-8")
            try:
                done = subprocess.run(
                    [SYSTEM_PYTHON, str(EDITOR), "--port", str(self.port), "--wait", "10",
                     os.path.abspath(source), str(script_path), os.path.abspath(out)],
                    capture_output=True, text=True, env=_reader_env(),
                    timeout=30 + READ_TIMEOUT_PER_FILE)
            except subprocess.TimeoutExpired as exc:
                raise RuntimeError(f"LibreOffice editor timed out on {source}") from exc
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        item = json.loads(lines[-1]) if lines else {"error": "no result"}
        if done.returncode != 0 or "error" in item or not os.path.exists(out):
            alive = self.process is not None and self.process.poll() is None
            raise RuntimeError(
                f"LibreOffice could not edit {source}: {item.get('error', 'no output file')}"
                + f"\neditor status {done.returncode}, stderr: {done.stderr.strip()[-2000:]}"
                + ("" if alive else f"\nsoffice is gone: {self._log_tail()}"))
        return item


@pytest.fixture(scope="session")
def libreoffice():
    """One headless LibreOffice for the session (skips when it is not installed)."""
    try:
        office = LibreOffice()
    except LibreOfficeUnavailable as exc:
        pytest.skip(str(exc))
    with office:
        yield office
