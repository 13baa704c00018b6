"""Headless Chromium for tests: screenshot a page and dump its DOM after its scripts ran.

    browser = find_chromium()                 # None when not installed (tests skip, saying so)
    screenshot(browser, page, png, (1400, 2000))
    dom = dump_dom(browser, page + "?q=ILO")   # the rendered DOM as HTML text

Each call runs one `chromium --headless` with a private profile in a temporary folder, in its
own process group, killed by its pid when it overruns. `png_info` reads a PNG's size and
how varied its pixels are with the standard library (no Pillow). `artifacts_dir()` is where
tests keep files for people to look at: `$REDRAFT_TEST_ARTIFACTS`, else `<repo>/.test-artifacts/`.
"""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP_REASON = "Chromium not installed: apt-get install chromium"
TIMEOUT = 90.0
# Root needs --no-sandbox; there is no GPU or D-Bus in CI; the budget lets scripts finish.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-extensions", "--disable-background-networking", "--mute-audio",
         "--virtual-time-budget=5000")


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"):
        found = shutil.which(name)
        if found and os.access(found, os.X_OK):
            return found
    return None


def artifacts_dir(*parts: str) -> Path:
    base = Path(os.environ.get("REDRAFT_TEST_ARTIFACTS") or ROOT / ".test-artifacts")
    folder = base.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _run(browser: str, args: list[str]) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="redraft-chromium-") as profile:
        process = subprocess.Popen(
            [browser, *FLAGS, f"--user-data-dir={profile}", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True)
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            raise RuntimeError(f"chromium overran {TIMEOUT:.0f} s: {err.decode(errors='replace')[-2000:]}")
    done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode}: {err.decode(errors='replace')[-2000:]}")
    return done


def screenshot(browser: str, url: str, png: Path, size: tuple[int, int] = (1400, 2000)) -> Path:
    """The page as it renders in a window of `size` (width, height) pixels."""
    png = Path(png)
    png.unlink(missing_ok=True)
    _run(browser, [f"--screenshot={png}", f"--window-size={size[0]},{size[1]}", url])
    if not png.is_file():
        raise RuntimeError(f"chromium wrote no screenshot for {url}")
    return png


def dump_dom(browser: str, url: str) -> str:
    """The DOM after the page's scripts ran, serialised as HTML."""
    return _run(browser, ["--dump-dom", url]).stdout.decode("utf-8")


def png_info(path: Path) -> dict:
    """{"width", "height", "complete": all scanlines there, "rows": how many distinct ones}.

    Reads the IHDR chunk and inflates the IDAT chunks (8-bit RGB/RGBA, as Chromium writes)."""
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    width, height, depth, colour_type = header[:4]
    channels = {2: 3, 6: 4}.get(colour_type)
    raw = zlib.decompress(b"".join(idat))
    stride = 1 + width * channels if channels and depth == 8 else None
    rows = {raw[i:i + stride] for i in range(0, len(raw), stride)} if stride else set()
    return {"width": width, "height": height, "complete": stride is not None and len(raw) == stride * height,
            "rows": len(rows)}
