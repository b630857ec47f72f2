"""Shared fixtures: a small sample database and an environment pointing at it; the
accounts of the upload page's AppTest tests; the served dashboard and Chromium of the
upload browser tests (used by several modules, so they live here rather than being
imported from one test module into another)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from taizhang import accounts
from taizhang.database import reading
from tests.dbfixtures import build, sample_config, sample_db
from tests.served import chromium, serve


@pytest.fixture
def rows_db(tmp_path):
    """rows_db(rows) -> an open read-only connection to a database of exactly those rows
    (tests/dbfixtures.build); every one opened is closed after the test."""
    opened = []

    def make(rows):
        path = build(tmp_path / f"rows{len(opened)}.duckdb", rows)
        context = reading(str(path))
        opened.append(context)
        return context.__enter__()

    yield make
    for context in opened:
        context.__exit__(None, None, None)

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse"  # every test account's
CITY_UNITS = ["市教育局", "市卫生健康委", "市医保局"]


@pytest.fixture
def sample_env(tmp_path, monkeypatch):
    """TAIZHANG_DB and TAIZHANG_CONFIG set to a fresh sample database and its map settings."""
    db = sample_db(tmp_path / "sample.duckdb")
    monkeypatch.setenv("TAIZHANG_DB", str(db))
    monkeypatch.setenv("TAIZHANG_CONFIG", str(sample_config(tmp_path)))
    return db


# --- the upload page's tests through AppTest (tests/test_upload_page.py and others) ---

@pytest.fixture(scope="module")
def accounts_db(tmp_path_factory) -> Path:
    """A database holding only the four accounts, made once (argon2 is slow on purpose)."""
    db = str(tmp_path_factory.mktemp("accounts") / "accounts.duckdb")
    accounts.add_user(db, "clerk", PASSWORD, "uploader", units=CITY_UNITS, actor="setup")
    accounts.add_user(db, "solo", PASSWORD, "uploader", units=["市教育局"], actor="setup")
    accounts.add_user(db, "reader", PASSWORD, "viewer", actor="setup")
    accounts.add_user(db, "boss", PASSWORD, "admin", display_name="办公室", actor="setup")
    return Path(db)


@pytest.fixture
def env(tmp_path, monkeypatch, accounts_db):
    db = tmp_path / "t.duckdb"
    shutil.copyfile(accounts_db, db)
    config = tmp_path / "taizhang.toml"
    config.write_text("[submissions]\ndeadline_day = 25\n", encoding="utf-8")
    monkeypatch.setenv("TAIZHANG_DB", str(db))
    monkeypatch.setenv("TAIZHANG_CONFIG", str(config))
    monkeypatch.setenv("TAIZHANG_UPLOADS", str(tmp_path / "uploads"))
    return str(db)


# --- the upload browser tests (tests/test_upload_browser.py and others) ---

def cli(*args: str, env: dict, stdin: str | None = None) -> None:
    done = subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A served dashboard on an empty store with accounts made by `python -m loaders users add`."""
    folder = tmp_path_factory.mktemp("upload-browser")
    db = folder / "taizhang.duckdb"
    config = folder / "taizhang.toml"
    config.write_text("[submissions]\ndeadline_day = 25\n", encoding="utf-8")
    env = {**os.environ, "TAIZHANG_DB": str(db), "TAIZHANG_CONFIG": str(config),
           "TAIZHANG_UPLOADS": str(folder / "uploads"), "TAIZHANG_LANG": "en"}
    for name, role, units in [("clerk", "uploader", ["市教育局", "市卫生健康委", "市医保局"]),
                              ("solo", "uploader", ["市教育局"]), ("reader", "viewer", []),
                              ("target", "uploader", ["市教育局"])]:
        unit_args = [arg for unit in units for arg in ("--unit", unit)]
        cli("users", "add", name, "--role", role, *unit_args, "--password-stdin", env=env, stdin=PASSWORD + "\n")
    with serve(env=env) as base:
        yield base, str(db)


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)  # generous: CI machines are sometimes busy
    yield page
    context.close()


# Under CI a missing system part must fail the run, not hide behind a skip: a green
# run that skipped every browser, lake or PDF test would prove nothing (.ci/run
# installs Chromium, PostgreSQL and poppler). Skips for other reasons stay skips.
SYSTEM_PARTS = ("chromium", "postgresql", "poppler", "pdftotext", "pdftoppm", "initdb")


def _missing_system_part(reason: str) -> bool:
    reason = reason.lower()
    return any(part in reason for part in SYSTEM_PARTS)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not os.environ.get("CI") or not report.skipped:
        return
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if _missing_system_part(reason):
        report.outcome = "failed"
        report.longrepr = f"CI=true and a system part is missing, so this test cannot be skipped: {reason}"
