"""The shapes of issue 11 through /upload in Debian's Chromium, with no hints:
a county workbook with a 汇总 sheet and a sheet per 乡镇, and a sheet whose
status comes from 完成进度 and progress text."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from tests import workbooks as wb
from tests.conftest import PASSWORD, cli
from tests.served import CHROMIUM
from tests.test_ledger_shapes import TOWNS, book, percent_workbook, township_workbook
from tests.test_upload_browser import drop, idle, rows, see, sign_in

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


def confirm(page) -> None:
    page.get_by_role("button", name="确认导入").first.click()
    idle(page)


@pytest.fixture(scope="module")
def county(app):
    """The county office's admin: it loads every town's sheet (an uploader only its own units)."""
    cli("users", "add", "county", "--role", "admin", "--password-stdin",
        env={**os.environ, "TAIZHANG_DB": app[1]}, stdin=PASSWORD + "\n")
    return "county"


def test_a_township_workbook_loads_every_town_and_shows_the_summary_warning(app, county, page):
    base, db = app
    sign_in(page, base, county)
    drop(page, "青山县乡镇台账（2021年5月）.xlsx", township_workbook(summary_counts={"河口乡": (3, 2)}))
    idle(page)
    see(page, "工作表（6 张）：“城关镇”（表头在第 3 行）、“河口乡”")
    see(page, "汇总表写“河口乡”项目数 3，而导入的台账中是 2")
    page.screenshot(path="/tmp/shapes-township-preview.png", full_page=True)
    confirm(page)
    see(page, f"已导入 {sum(map(len, TOWNS.values()))} 行")
    counts = dict(rows(db, "SELECT unit, count(*) FROM tasks WHERE report_month = DATE '2021-05-01' GROUP BY 1"))
    assert counts == {town: len(statuses) for town, statuses in TOWNS.items()}


def test_percent_and_progress_text_load_in_the_browser_and_say_how_status_was_decided(app, county, page):
    base, db = app
    sign_in(page, base, county)
    drop(page, "乡镇完成进度（2021年6月）.xlsx", percent_workbook())
    idle(page)
    see(page, "按完成进度 8 行")
    confirm(page)
    got = rows(db, "SELECT unit, status, count(*) FROM tasks WHERE report_month = DATE '2021-06-01' GROUP BY ALL")
    assert sorted(got) == [("城关镇", "completed", 1), ("城关镇", "in_progress", 2), ("城关镇", "not_started", 1),
                           ("河口乡", "completed", 1), ("河口乡", "in_progress", 2), ("河口乡", "not_started", 1)]
    text_rows = [["项目名称", "责任单位", "进展情况"], ["甲", "市教育局", "已开工，完成主体工程60%"],
                 ["乙", "市教育局", "已完成并通过验收"], ["丙", "市教育局", "已销号"]]
    drop(page, "文字进展（2021年7月）.xlsx", wb.xlsx({"台账": text_rows}))
    idle(page)
    see(page, "“已完成…”类 1 行")
    confirm(page)
    assert rows(db, "SELECT title, status, status_rule FROM tasks WHERE report_month = DATE '2021-07-01' "
                    "ORDER BY source_row") == [("甲", "in_progress", "percent"), ("乙", "completed", "completed_words"),
                                               ("丙", "completed", None)]


def _merged_hidden_amount_line() -> bytes:
    def build(workbook):
        ws = workbook.create_sheet("台账")
        ws.append(["江州市市直单位办实事台账（2021年9月）"])
        ws.append(["金额单位：元"])
        ws.append(["单  位", "项目名称", "办理\n状态", "计划投资"])
        ws.append(["市教育局", "修操场", "已完成", 1_200_000])
        ws.append([None, "建食堂", "推进中", 50_000])
        ws.append(["市医保局", "就近办", "已销号", 30_000])
        ws.merge_cells("A4:A5")
        ws.auto_filter.ref = "A3:D6"
        ws.row_dimensions[5].hidden = True
    return book(build)


def _two_months() -> bytes:
    header = ["责任单位", "项目名称", "进展情况"]
    return wb.xlsx({"5月": [["市教育局2021年台账"], header, ["市教育局", "修操场", "推进中"]],
                    "6月": [["市教育局2021年台账"], header, ["市教育局", "修操场", "已完成"],
                            ["市教育局", "建食堂", "待办理"]]})


def _flag_and_text() -> bytes:
    rows = [["项目名称", "责任单位", "是否完成（是/否）", "进展情况"],
            ["老旧小区改造", "市教育局", "否", "已开工，完成主体工程60%"],
            ["农贸市场提升", "市教育局", "是", "已完成并通过验收"]]
    return wb.xlsx({"台账": [["台账（2021年11月）"], *rows]})


SHAPES = [  # file, bytes, the query, what it must give
    ("市直台账（合并单元格、隐藏行、金额单位）.xlsx", _merged_hidden_amount_line,
     "SELECT unit, title, status, planned_investment FROM tasks WHERE report_month = DATE '2021-09-01' "
     "ORDER BY source_row",
     [("市教育局", "修操场", "completed", 120.0), ("市教育局", "建食堂", "in_progress", 5.0),
      ("市医保局", "就近办", "completed", 3.0)]),
    ("市教育局台账（两个月）.xlsx", _two_months,
     "SELECT report_month, title, status FROM tasks WHERE unit = '市教育局' AND report_month IN "
     "(DATE '2021-05-01', DATE '2021-06-01') ORDER BY report_month, source_row",
     [(dt.date(2021, 5, 1), "修操场", "in_progress"), (dt.date(2021, 6, 1), "修操场", "completed"),
      (dt.date(2021, 6, 1), "建食堂", "not_started")]),
    ("是否完成加进展情况.xlsx", _flag_and_text,
     "SELECT title, status, progress_note FROM tasks WHERE report_month = DATE '2021-11-01' ORDER BY source_row",
     [("老旧小区改造", "in_progress", "已开工，完成主体工程60%"), ("农贸市场提升", "completed", "已完成并通过验收")]),
]


@pytest.mark.parametrize("name, build, sql, expected", SHAPES, ids=["merged-hidden-amounts", "two-months", "flag-text"])
def test_each_shape_loads_through_the_browser_with_no_hints(app, county, page, name, build, sql, expected):
    base, db = app
    sign_in(page, base, county)
    drop(page, name, build())
    idle(page)
    confirm(page)
    see(page, "已导入")
    assert rows(db, sql) == expected
