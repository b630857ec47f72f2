"""Shared fixtures: a small sample database and an environment pointing at it."""
from __future__ import annotations

import os

import pytest

from tests.dbfixtures import sample_config, sample_db


@pytest.fixture
def sample_env(tmp_path, monkeypatch):
    """TAIZHANG_DB and TAIZHANG_CONFIG set to a fresh sample database and its map settings."""
    db = sample_db(tmp_path / "sample.duckdb")
    monkeypatch.setenv("TAIZHANG_DB", str(db))
    monkeypatch.setenv("TAIZHANG_CONFIG", str(sample_config(tmp_path)))
    return db


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
