"""The dashboard served for real and Debian's Chromium to drive it: shared by the browser tests.

`serve` runs `streamlit run dashboard.py` on a free loopback port and yields its
base URL once /_stcore/health answers; `launch` starts Chromium with the flags
this closed network needs (no background connections, no sandbox as root).
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("TAIZHANG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_process(env: dict, log: Path, port: int | None = None, timeout: float = 60):
    """`streamlit run dashboard.py` on a free loopback port with exactly `env`; yields (base URL, process).

    Output goes to `log`, never to an unread pipe: a full pipe would stall the server.
    """
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
               "--server.port", str(port), "--server.headless", "true", "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {process.returncode}: {Path(log).read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not become healthy in {timeout:.0f} s")
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serve(db: Path | str | None = None, port: int | None = None, env: dict | None = None, timeout: float = 60):
    """The dashboard with TAIZHANG_DB=db (if given) over os.environ and env; yields the base URL."""
    environment = {**os.environ, **(env or {})}
    if db is not None:
        environment["TAIZHANG_DB"] = str(db)
    with tempfile.TemporaryDirectory(prefix="taizhang-serve-") as folder:
        with serve_process(environment, Path(folder) / "streamlit.log", port=port, timeout=timeout) as (base, _):
            yield base


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


@contextlib.contextmanager
def chromium():
    """A Chromium for a module's tests (skips the module when Chromium is missing)."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()
