"""The mapping step in Debian's Chromium against `streamlit run dashboard.py`:
an unknown column and an unknown status word are mapped, the file loads, and the
unit's next month loads with no step. Saves a screenshot of the step (README's, on request).
Skipped only when /usr/bin/chromium is missing (CI installs it).
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests import workbooks as wb
from tests.conftest import PASSWORD, cli
from tests.served import CHROMIUM, serve
from tests.test_upload_browser import drop, idle, rows, see, sign_in

ROOT = Path(__file__).resolve().parent.parent
# README's picture is refreshed only on request (a test run must not change tracked files):
# TAIZHANG_DOC_SCREENSHOTS=1 .venv/bin/python -m pytest tests/test_upload_mapping_browser.py
SCREENSHOT = (ROOT / "docs" / "img" if os.environ.get("TAIZHANG_DOC_SCREENSHOTS") else Path(tempfile.gettempdir())
              ) / "mapping-step-zh.png"
HEADER = ["序号", "责任单位", "民生项目", "进展情况", "完成时限", "计划投资（万元）"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


def ledger(month: int, rows_: list[list]) -> bytes:
    return wb.xlsx({"台账": [[f"市教育局民生实事台账（2021年{month}月）"], HEADER, *rows_]})


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mapping-browser")
    db = folder / "taizhang.duckdb"
    config = folder / "taizhang.toml"
    config.write_text("[submissions]\ndeadline_day = 25\n", encoding="utf-8")
    env = {**os.environ, "TAIZHANG_DB": str(db), "TAIZHANG_CONFIG": str(config),
           "TAIZHANG_UPLOADS": str(folder / "uploads"), "TAIZHANG_LANG": "en"}
    cli("users", "add", "solo", "--role", "uploader", "--unit", "市教育局", "--password-stdin", env=env,
        stdin=PASSWORD + "\n")
    with serve(env=env) as base:
        yield base, str(db)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the selectbox whose label contains `label`."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    combobox = box.get_by_role("combobox")
    combobox.click()
    wanted = page.get_by_role("option", name=option, exact=True)
    try:
        wanted.wait_for(timeout=2_000)
    except PlaywrightTimeout:  # the first click after a rerun may only focus the box
        combobox.press("ArrowDown")
    wanted.click()
    assert box.get_by_role("combobox").input_value() == option


def test_a_clerk_maps_a_column_and_a_word_once(app, page):
    base, db = app
    sign_in(page, base, "solo")
    april = ledger(4, [[1, "市教育局", "校园周边交通整治", "已挂牌", "2021-06-30", 120],
                       [2, "市教育局", "课后服务全覆盖", "推进中", "2021-09-30", 80],
                       [3, "市教育局", "食堂明厨亮灶", "未启动", "2021-12-31", None]])
    drop(page, "市教育局民生实事（2021年4月）.xlsx", april)
    see(page, "表头中没有找到“项目名称”列")
    see(page, "让系统认识这张表（列和用词对应）")
    idle(page)
    choose(page, "C 列：民生项目", "项目名称")
    page.get_by_role("button", name="应用并重新检查").click()
    see(page, "进展情况中有 1 个用词系统不认识（“已挂牌”）")
    idle(page)
    choose(page, "“已挂牌”", "已完成")
    idle(page)
    # The whole card at desktop width: tall enough that nothing is scrolled out of view.
    page.set_viewport_size({"width": 1280, "height": 2400})
    idle(page)
    card = page.locator(".st-key-upload_card_0")  # the file's card (st.container key)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=str(SCREENSHOT), animations="disabled")
    page.set_viewport_size({"width": 1280, "height": 1000})

    page.get_by_role("button", name="应用并重新检查").click()
    see(page, "进展判断：按状态词 3 行")
    page.get_by_role("button", name="确认导入（3 行）").click()
    see(page, "已导入 3 行（2021年4月，市教育局）")
    see(page, "已记住这张表的列和用词对应")
    assert rows(db, "SELECT title, status FROM tasks ORDER BY source_row") == [
        ("校园周边交通整治", "completed"), ("课后服务全覆盖", "in_progress"), ("食堂明厨亮灶", "not_started")]
    [(unit, mapping)] = rows(db, "SELECT unit, mapping FROM column_mappings")
    assert unit == "市教育局"
    assert json.loads(mapping) == {"columns": {"民生项目": "title"}, "words": {"已挂牌": "completed"}}

    # May, another session: the same form loads with no step.
    page.context.clear_cookies()
    page.goto(f"{base}/upload", wait_until="domcontentloaded")
    sign_in(page, base, "solo")
    may = ledger(5, [[1, "市教育局", "校园周边交通整治", "已挂牌", "2021-06-30", 120],
                     [2, "市教育局", "课后服务全覆盖", "已挂牌", "2021-09-30", 80]])
    drop(page, "市教育局民生实事（2021年5月）.xlsx", may)
    see(page, "已按上次保存的对应关系读取（可在下方修改）")
    idle(page)
    assert page.get_by_text("让系统认识这张表").count() == 0
    page.get_by_role("button", name="确认导入（2 行）").click()
    see(page, "已导入 2 行（2021年5月，市教育局）")
    assert rows(db, "SELECT DISTINCT status FROM tasks WHERE report_month = DATE '2021-05-01'") == [("completed",)]
    assert rows(db, "SELECT count(*) FROM column_mappings") == [(1,)]
