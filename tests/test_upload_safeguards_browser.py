"""Issue 12 in Debian's Chromium: the replacement warning before confirming (desktop
and a 390 px phone), and a partial and a missing unit listed apart on /rankings."""
from __future__ import annotations

import pytest

from loaders.pipeline import ingest
from tests.served import CHROMIUM
from tests.test_upload_browser import drop, idle, rows, see, sign_in
from tests.test_upload_page import ledger

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")

SHOTS = "/tmp"


def tasks(unit: str, n: int, status: str = "推进中") -> list[list]:
    return [[unit, f"{unit}任务{i}", status] for i in range(n)]


@pytest.mark.parametrize("width, name", [(1280, "desktop"), (390, "phone")])
def test_the_replacement_warning_stands_above_the_confirm_button(app, browser, width, name):
    base, db = app
    month = 8 if name == "desktop" else 9
    ingest(ledger(month, tasks("市卫生健康委", 77)), f"full-{name}.xlsx", db, loaded_by="clerk")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        sign_in(page, base, "clerk")
        drop(page, f"市卫生健康委台账（2021年{month}月）.xlsx", ledger(month, tasks("市卫生健康委", 5)))
        idle(page)
        see(page, f"注意：将替换 市卫生健康委 2021年{month}月 现有的 77 行，而本文件只有 5 行")
        warning = page.get_by_text("72 项任务将从本月消失").first
        confirm = page.get_by_role("button", name="确认导入").first
        assert warning.bounding_box()["y"] < confirm.bounding_box()["y"]  # read before the button
        box = warning.bounding_box()
        assert box["x"] + box["width"] <= width  # no sideways swipe to read it
        warning.scroll_into_view_if_needed()
        page.screenshot(path=f"{SHOTS}/replace-warning-{name}-zh.png", full_page=True)
        assert rows(db, f"SELECT count(*) FROM tasks WHERE report_month = DATE '2021-{month:02d}-01'") == [(77,)]
    finally:
        context.close()


def test_rankings_list_a_partial_and_a_missing_unit_apart(app, browser):
    base, db = app
    ingest(ledger(10, tasks("市教育局", 3, "已完成")), "a.xlsx", db)
    ingest(ledger(10, tasks("市医保局", 2)), "b.xlsx", db)
    ingest(ledger(10, tasks("市卫生健康委", 1) + [["市卫生健康委", "坏行", "看情况"]]), "c.xlsx", db, keep_going=True)
    ingest(ledger(9, tasks("市民政局", 2)), "d.xlsx", db)  # reported before, not in October
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{base}/rankings?month=2021-10", wait_until="domcontentloaded")
        idle(page)
        # the league tables are canvas grids: their cells are in the DOM for screen readers, not visible
        for text in ("数据不完整：1 行未导入", "市卫生健康委", "市民政局"):
            page.get_by_text(text).first.wait_for(state="attached")
        see(page, "本月未报送")
        page.screenshot(path=f"{SHOTS}/rankings-apart-zh.png", full_page=True)
    finally:
        context.close()
