"""Two dashboard processes on one DuckLake (PostgreSQL catalog), seen through Chromium.

Scaling out (docs/contract.md) means several `streamlit run` processes share one
store: each must show all the data, and a load made through the CLI while they
serve must show in every one of them on the next page view.
Skipped only when Chromium or the PostgreSQL binaries are missing (.ci/run
installs both).
"""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import pgserver
from tests.served import CHROMIUM, launch, serve

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
    pytest.mark.skipif(not pgserver.available(), reason="PostgreSQL binaries not installed (.ci/run installs them)"),
]

# The value of the 任务数 (tasks) KPI tile on the overview, or null while it is not drawn.
TASKS_TILE = """() => {
  for (const tile of document.querySelectorAll('[data-testid="stMetric"]')) {
    const label = tile.querySelector('[data-testid="stMetricLabel"]');
    if (label && label.innerText.trim() === '任务数') {
      const value = tile.querySelector('[data-testid="stMetricValue"]');
      return value ? value.innerText.trim() : null;
    }
  }
  return null;
}"""

# True once the tasks tile shows `expected` and no script run is in progress.
SHOWS_TASKS = """(expected) => {
  const read = %s;
  const busy = document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]');
  return !busy && read() === expected;
}""" % TASKS_TILE


def loader(*args: str, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def latest_month_tasks(db: str, env: dict) -> tuple[str, int]:
    months = json.loads(loader("info", "--db", db, "--json", env=env).stdout)
    return months[0]["month"], months[0]["tasks"]


def assert_overview_shows(page, base: str, tasks: int) -> None:
    """Open (or reload) the overview and wait until its 任务数 tile reads `tasks`."""
    page.goto(f"{base}/?lang=zh", wait_until="domcontentloaded")
    expected = f"{tasks:,}"
    try:
        page.wait_for_function(SHOWS_TASKS, arg=expected, timeout=30_000, polling=100)
    except Exception as error:
        shown = page.evaluate(TASKS_TILE)
        raise AssertionError(f"{base}: 任务数 shows {shown!r}, expected {expected}\n"
                             f"{page.inner_text('body')[:1500]}") from error
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]


@pytest.fixture(scope="module")
def postgres():
    server = pgserver.PostgresServer().start()
    yield server
    server.stop()


def test_two_dashboards_on_one_lake_show_all_data_and_new_loads(postgres, tmp_path):
    from loaders.demo import write_demo_files

    db = f"ducklake:postgres:{postgres.create_database('lake_browser')}"
    env = {**os.environ, "TAIZHANG_DB": db, "TAIZHANG_DATA_PATH": str(tmp_path / "parquet"), "TAIZHANG_LANG": "en"}
    loader("demo", "--db", db, "--months", "1", "--out", str(tmp_path / "demo"), env=env)
    month, tasks = latest_month_tasks(db, env)
    assert tasks > 1000

    # A later month's ledger for one county, loaded while both dashboards serve.
    later = [f for f in write_demo_files(tmp_path / "later", months=2) if f.report_month.strftime("%Y-%m") > month]
    extra = next(f for f in later if f.path.suffix == ".csv")

    from playwright.sync_api import sync_playwright

    with contextlib.ExitStack() as stack:
        bases = [stack.enter_context(serve(db, env={"TAIZHANG_DATA_PATH": env["TAIZHANG_DATA_PATH"]}))
                 for _ in range(2)]
        assert bases[0] != bases[1]
        playwright = stack.enter_context(sync_playwright())
        browser = launch(playwright)
        stack.callback(browser.close)
        pages = [browser.new_context(viewport={"width": 1280, "height": 900}).new_page() for _ in bases]

        for page, base in zip(pages, bases):
            assert_overview_shows(page, base, tasks)
            page.goto(f"{base}/rankings", wait_until="domcontentloaded")
            page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)
            assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]

        loader("ingest", str(extra.path), "--db", db, env=env)
        new_month, new_tasks = latest_month_tasks(db, env)
        assert new_month > month and new_tasks == extra.tasks

        for page, base in zip(pages, bases):
            assert_overview_shows(page, base, new_tasks)
