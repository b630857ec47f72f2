"""Ledgers as offices really keep them (issue 11): every shape built in code,
loaded with no hints, checked to the task: counts per unit, statuses, 万元."""
from __future__ import annotations

import collections
import datetime as dt
import io
import json
import subprocess
import sys

import duckdb
import openpyxl
import pytest

from loaders.pipeline import ingest, prepare
from loaders.problems import FileRefused
from tests import workbooks as wb

D = dt.date


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "t.duckdb")


def query(db, sql, params=None):
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def loaded(report):
    assert report.status == "loaded", [p.message("en") for p in report.problems]
    return report


def per_unit_status(db):
    return {(u, s): n for u, s, n in query(db, "SELECT unit, status, count(*) FROM tasks GROUP BY ALL")}


def book(build) -> bytes:
    """A workbook made by `build(workbook)` with openpyxl, as other systems write them."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    build(workbook)
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


# --- a workbook with a 汇总 sheet and one sheet per 乡镇 ---------------------------------

TOWNS = {  # town -> (statuses of its tasks)
    "城关镇": ["已完成", "推进中", "未启动"],
    "河口乡": ["已完成", "已完成"],
    "石桥镇": ["推进中"],
    "龙泉乡": ["已完成", "未启动", "推进中", "推进中"],
    "白沙镇": ["未启动"],
    "东街街道": ["已完成", "推进中"],
}


def township_workbook(summary_counts: dict[str, tuple[int, int]] | None = None) -> bytes:
    def build(workbook):
        summary = workbook.create_sheet("汇总")
        summary.append(["青山县各乡镇办实事汇总表（2021年5月）"])
        summary.append(["序号", "乡镇", "项目数", "已完成", "推进中", "未启动"])
        for i, (town, statuses) in enumerate(TOWNS.items(), 1):
            tasks, done = (summary_counts or {}).get(town, (len(statuses), statuses.count("已完成")))
            summary.append([i, town, tasks, done, statuses.count("推进中"), statuses.count("未启动")])
        summary.append(["合计", None, "=SUM(C3:C8)", "=SUM(D3:D8)", None, None])
        for town, statuses in TOWNS.items():
            ws = workbook.create_sheet(town)
            ws.append([f"{town}“我为群众办实事”项目台账（2021年5月）"])
            ws.append([f"填报单位：{town}人民政府", None, None, "填报时间：2021年5月25日"])
            ws.append(["序号", "项目名称", "类别", "计划投资（万元）", "进展情况"])
            for i, status in enumerate(statuses, 1):
                ws.append([i, f"{town}项目{i}", "解民忧暖民心", 10 * i, status])
            ws.append(["合计", None, None, f"=SUM(D4:D{3 + len(statuses)})", None])
    return book(build)


def test_every_town_sheet_of_a_workbook_loads_as_its_own_unit(db):
    report = loaded(ingest(township_workbook(), "青山县乡镇台账.xlsx", db))
    assert report.sheets == list(TOWNS)  # the 汇总 sheet is not a ledger
    assert report.warnings == []  # the summary agrees with the sheets
    counts = dict(query(db, "SELECT unit, count(*) FROM tasks GROUP BY unit"))
    # "填报单位：城关镇人民政府" names the town: one unit, however a sheet names it
    assert counts == {town: len(statuses) for town, statuses in TOWNS.items()}
    assert per_unit_status(db)[("龙泉乡", "in_progress")] == 2
    assert query(db, "SELECT DISTINCT region, report_month FROM tasks") == [("青山县", D(2021, 5, 1))]
    assert query(db, "SELECT sum(planned_investment) FROM tasks WHERE unit = '城关镇'") == [(60.0,)]
    # the 合计 rows are formulas without saved values (openpyxl writes none): never read, never refused
    assert query(db, "SELECT count(*) FROM tasks WHERE title LIKE '合计%'") == [(0,)]


def test_a_summary_that_disagrees_is_a_warning_beside_the_result_not_a_refusal(db):
    data = township_workbook(summary_counts={"河口乡": (3, 2), "白沙镇": (1, 1)})
    report = loaded(ingest(data, "青山县乡镇台账（2021年5月）.xlsx", db))
    assert report.rows_loaded == sum(map(len, TOWNS.values()))
    got = [(w.code, w.sheet, w.row, w.params["unit"], w.params["stated"], w.params["loaded"]) for w in report.warnings]
    assert got == [
        ("summary_mismatch", "汇总", 4, "河口乡", 3, 2),
        ("summary_mismatch", "汇总", 7, "白沙镇", 1, 0),
    ]
    assert "河口乡" in report.warnings[0].message("zh") and "3" in report.warnings[0].message("zh")
    assert report.to_json()["warnings"][0]["code"] == "summary_mismatch"


def test_a_sheet_without_unit_column_takes_its_unit_from_the_sheet_name():
    sheets = {name: [["项目名称", "进展情况"], [f"{name}的事", "已完成"]] for name in ("城关镇", "河口乡")}
    prepared = prepare(wb.xlsx(sheets), "台账_2021-05.xlsx")
    assert prepared.units == ["城关镇", "河口乡"]


def test_a_generic_sheet_name_is_not_a_unit_and_the_clerk_is_asked():
    data = wb.xlsx({"Sheet1": [["项目名称", "进展情况"], ["修路", "已完成"]]})
    with pytest.raises(FileRefused) as refused:
        prepare(data, "台账_2021-05.xlsx")
    assert [(p.code, p.sheet) for p in refused.value.problems] == [("no_unit", "Sheet1")]


# --- progress in any form ---------------------------------------------------------------


def percent_workbook() -> bytes:
    """完成进度 as numbers formatted 0% on one sheet and as text "60%" on another."""
    def build(workbook):
        ws = workbook.create_sheet("城关镇")
        ws.append(["城关镇台账（2021年6月）"])
        ws.append(["项目名称", "完成进度", "计划投资"])
        for title, pct in (("修路", 1), ("建桥", 0.6), ("挖渠", 0), ("种树", 0.05)):
            ws.append([title, pct, 10])
            ws.cell(ws.max_row, 2).number_format = "0%"
        ws2 = workbook.create_sheet("河口乡")
        ws2.append(["河口乡台账（2021年6月）"])
        ws2.append(["项目名称", "完成进度", "计划投资"])
        for title, pct in (("修渠", "100%"), ("建站", "60%"), ("通水", "0%"), ("亮灯", "35.5％")):
            ws2.append([title, pct, 10])
    return book(build)


def test_percent_complete_decides_the_status_as_numbers_or_as_text(db):
    report = loaded(ingest(percent_workbook(), "p.xlsx", db))
    got = query(db, "SELECT unit, title, status, progress_pct, status_rule FROM tasks ORDER BY unit, source_row")
    assert got == [
        ("城关镇", "修路", "completed", 1.0, None), ("城关镇", "建桥", "in_progress", 0.6, None),
        ("城关镇", "挖渠", "not_started", 0.0, None), ("城关镇", "种树", "in_progress", 0.05, None),
        ("河口乡", "修渠", "completed", 1.0, None), ("河口乡", "建站", "in_progress", 0.6, None),
        ("河口乡", "通水", "not_started", 0.0, None), ("河口乡", "亮灯", "in_progress", 0.355, None),
    ]
    assert report.status_sources == {"percent": 8}


def test_a_percentage_out_of_range_is_a_problem_with_its_place():
    data = wb.xlsx({"城关镇": [["项目名称", "完成进度"], ["修路", "120%"], ["建桥", "很快"]]})
    prepared = prepare(data, "城关镇_2021-06.xlsx")  # row problems: listed, not raised
    assert [(p.code, p.row, p.column) for p in prepared.problems] == [("bad_percent", 2, "B"), ("bad_percent", 3, "B")]


CAMPAIGN_WORDS = [  # word -> status a clerk means
    ("已销号", "completed"), ("销号", "completed"), ("办结", "completed"), ("已办结", "completed"),
    ("已验收", "completed"), ("已竣工", "completed"), ("完工", "completed"), ("已交付使用", "completed"),
    ("待办理", "not_started"), ("待启动", "not_started"), ("持续推进", "in_progress"),
    ("长期坚持", "in_progress"),
]


def test_the_campaigns_own_status_words_are_understood(db):
    rows = [["责任单位", "项目名称", "办理状态"]] + [["市信访局", f"事项{i}", w]
                                                   for i, (w, _) in enumerate(CAMPAIGN_WORDS)]
    report = loaded(ingest(wb.xlsx({"台账": [["信访积案化解台账（2021年7月）"], *rows]}), "x.xlsx", db))
    got = query(db, "SELECT progress_note, status FROM tasks ORDER BY source_row")
    assert got == CAMPAIGN_WORDS
    assert report.status_sources == {"word": len(CAMPAIGN_WORDS)}


def test_is_completed_column_decides_and_free_text_progress_is_kept_as_written(db):
    rows = [
        ["项目名称", "责任单位", "是否完成（是/否）", "进展情况"],
        ["老旧小区改造", "城关镇", "否", "已开工，完成主体工程60%"],
        ["农贸市场提升", "城关镇", "是", "已完成并通过验收"],
        ["村道硬化", "城关镇", "否", "正在协调资金，计划下月开工"],
        ["路灯安装", "城关镇", "否", "尚未启动，正在选址"],
    ]
    report = loaded(ingest(wb.xlsx({"台账": [["台账（2021年8月）"], *rows]}), "y.xlsx", db))
    got = query(db, "SELECT title, status, progress_note, status_rule FROM tasks ORDER BY source_row")
    assert got == [
        ("老旧小区改造", "in_progress", "已开工，完成主体工程60%", None),
        ("农贸市场提升", "completed", "已完成并通过验收", None),
        ("村道硬化", "in_progress", "正在协调资金，计划下月开工", None),
        ("路灯安装", "not_started", "尚未启动，正在选址", None),  # 否, and the text says not started
    ]
    assert report.status_sources == {"flag": 4}


def test_free_text_alone_is_classified_by_the_documented_rules_and_marked(db):
    rows = [
        ["项目名称", "责任单位", "进展情况"],
        ["甲", "城关镇", "已开工，完成主体工程60%"],
        ["乙", "城关镇", "已完成并通过验收"],
        ["丙", "城关镇", "尚未完成，正在收尾"],
        ["丁", "城关镇", "目前尚未启动招标工作"],
        ["戊", "城关镇", "正在协调资金，计划下月开工"],
        ["己", "城关镇", "已完成"],
    ]
    report = loaded(ingest(wb.xlsx({"台账": [["台账（2021年8月）"], *rows]}), "z.xlsx", db))
    got = query(db, "SELECT title, status, status_rule FROM tasks ORDER BY source_row")
    assert got == [
        ("甲", "in_progress", "percent"),
        ("乙", "completed", "completed_words"),
        ("丙", "in_progress", "negation"),
        ("丁", "not_started", "not_started_words"),
        ("戊", "in_progress", "other_text"),
        ("己", "completed", None),  # a status word: no rule needed
    ]
    assert report.status_sources == {"word": 1, "rule:completed_words": 1, "rule:negation": 1,
                                     "rule:not_started_words": 1, "rule:other_text": 1, "rule:percent": 1}


def test_a_short_word_no_rule_knows_is_asked_about_not_guessed():
    rows = [["项目名称", "责任单位", "办理状态"], ["甲", "城关镇", "已挂牌"], ["乙", "城关镇", "已完成"]]
    prepared = prepare(wb.xlsx({"台账": rows}), "台账_2021-08.xlsx")
    assert [(p.code, p.row, p.params["value"]) for p in prepared.problems] == [("bad_status", 2, "已挂牌")]


# --- formulas ---------------------------------------------------------------------------


def test_a_1106_task_ledger_whose_only_fault_is_a_formula_total_row_loads(db):
    categories = {"解民忧暖民心": 473, "关爱老区关心英烈后代": 41, "党员志愿活动": 239, "政策惠民": 108,
                  "项目建设服务": 209, "历史遗留问题及信访积案化解": 36}

    def build(workbook):
        ws = workbook.create_sheet("项目台账")
        ws.append([wb.CITY_TITLE])
        ws.append(["序号", "责任单位", "项目名称", "类别", "计划投资（万元）", "进展情况"])
        i = 0
        for category, count in categories.items():
            for _ in range(count):
                i += 1
                ws.append([i, f"市直单位{i % 55:02d}", f"实事{i}", category, 1.5,
                           ("已完成", "推进中", "未启动")[i % 3]])
        ws.append(["合计", None, None, None, f"=SUM(E3:E{i + 2})", None])

    report = loaded(ingest(book(build), "市直.xlsx", db))
    assert report.rows_loaded == 1106
    assert dict(query(db, "SELECT category, count(*) FROM tasks GROUP BY 1")) == categories
    assert query(db, "SELECT count(DISTINCT unit), round(sum(planned_investment), 2) FROM tasks") == [(55, 1659.0)]


def test_a_formula_without_value_in_a_cell_that_is_read_still_names_the_cell():
    def build(workbook):
        ws = workbook.create_sheet("台账")
        ws.append(["项目名称", "责任单位", "进展情况", "计划投资", "备忘"])
        ws.append(["修路", "城关镇", "已完成", "=1+1", "=2+2"])  # 备忘 is not read: no problem for E2
    with pytest.raises(FileRefused) as refused:
        prepare(book(build), "台账_2021-05.xlsx")
    assert [(p.code, p.row, p.column) for p in refused.value.problems] == [("formula_without_value", 2, "D")]


# --- the smaller shapes -----------------------------------------------------------------


def test_unit_merged_down_spaced_headers_hidden_rows_and_an_amount_unit_line(db):
    def build(workbook):
        ws = workbook.create_sheet("台账")
        ws.append(["江州市市直单位办实事台账（2021年9月）"])
        ws.append(["金额单位：元"])
        ws.append(["单  位", "项目名称", "办理\n状态", "计划投资", "完成投资（万元）"])
        ws.append(["市教育局", "修操场", "已完成", 1_200_000, 100])
        ws.append([None, "建食堂", "推进中", 50_000, 2])
        ws.append([None, "换课桌", "未启动", 8_000, None])
        ws.append(["市医保局", "就近办", "已销号", "3万元", 3])
        ws.merge_cells("A4:A6")
        ws.auto_filter.ref = "A3:E7"
        ws.row_dimensions[5].hidden = True  # filtered out in Excel: still a task
    report = loaded(ingest(book(build), "a.xlsx", db))
    assert report.rows_loaded == 4
    got = query(db, "SELECT unit, title, status, planned_investment, actual_investment FROM tasks ORDER BY source_row")
    assert got == [
        ("市教育局", "修操场", "completed", 120.0, 100.0),  # 元 from the line above the header
        ("市教育局", "建食堂", "in_progress", 5.0, 2.0),  # the header's own 万元 wins for 完成投资
        ("市教育局", "换课桌", "not_started", 0.8, None),
        ("市医保局", "就近办", "completed", 3.0, 3.0),  # a unit written in the cell wins
    ]


def test_one_workbook_with_a_sheet_per_month_loads_each_as_its_own_month(db):
    header = ["责任单位", "项目名称", "进展情况"]
    sheets = {
        "5月": [["市教育局2021年台账"], header, ["市教育局", "修操场", "推进中"], ["市教育局", "建食堂", "未启动"]],
        "6月": [["市教育局2021年台账"], header, ["市教育局", "修操场", "已完成"], ["市教育局", "建食堂", "推进中"]],
    }
    data = wb.xlsx(sheets)  # once: openpyxl stamps the time, so two builds may differ
    report = loaded(ingest(data, "市教育局台账.xlsx", db))
    assert report.months == [D(2021, 5, 1), D(2021, 6, 1)]
    got = query(db, "SELECT report_month, title, status FROM tasks ORDER BY report_month, source_row")
    assert got == [
        (D(2021, 5, 1), "修操场", "in_progress"), (D(2021, 5, 1), "建食堂", "not_started"),
        (D(2021, 6, 1), "修操场", "completed"), (D(2021, 6, 1), "建食堂", "in_progress"),
    ]
    # one upload row per month, so each month's submission and rollback stand alone
    assert query(db, "SELECT report_month, units, rows_loaded, sheet FROM uploads ORDER BY report_month") == [
        (D(2021, 5, 1), ["市教育局"], 2, "5月"), (D(2021, 6, 1), ["市教育局"], 2, "6月")]
    again = ingest(data, "市教育局台账.xlsx", db)
    assert again.status == "unchanged"


def test_the_command_line_prints_warnings_and_json_carries_the_new_fields(db, tmp_path):
    path = tmp_path / "青山县乡镇台账.xlsx"
    path.write_bytes(township_workbook(summary_counts={"河口乡": (3, 2)}))
    result = subprocess.run([sys.executable, "-m", "loaders", "ingest", str(path), "--db", db, "--json"],
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "LANG": "zh_CN.UTF-8"})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.splitlines()[0])
    assert out["sheets"] == list(TOWNS) and out["months"] == ["2021-05"]
    assert [w["code"] for w in out["warnings"]] == ["summary_mismatch"]
    assert out["status_sources"] == {"word": sum(map(len, TOWNS.values()))}
    counts = collections.Counter(u for (u,) in query(db, "SELECT unit FROM tasks"))
    assert counts["河口乡"] == 2


README_RULE_EXAMPLES = [  # the examples README's status table gives, each decided by its rule
    ("尚未完成拆迁，项目未开工", "not_started", "negation_not_started"),
    ("尚未完成招标", "in_progress", "negation"),
    ("已开工，完成主体工程60%", "in_progress", "percent"),
    ("主体完工，待验收", "in_progress", "pending_acceptance"),
    ("资金已下达，待启动", "not_started", "not_started_words"),
    ("尚未开工建设", "not_started", "not_started_words"),
    ("已完成并通过验收", "completed", "completed_words"),
    ("预计年底完成", "in_progress", "other_text"),
    ("正在协调资金，计划下月开工", "in_progress", "other_text"),
]


@pytest.mark.parametrize("text, status, rule", README_RULE_EXAMPLES)
def test_readme_status_rule_examples_hold(text, status, rule):
    from pathlib import Path

    from loaders.clean import classify_progress

    assert classify_progress(text) == (status, rule)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert text in readme and f"`{rule}`" in readme


# --- 群众满意度 (issue 13) -----------------------------------------------------------------


def test_a_satisfaction_column_loads_with_exact_counts_per_level(db):
    levels = ["满意", "基本满意", "不满意", "非常满意", "比较满意", "一般", "不太满意", "95", "72分", "45%", None,
              "未评价"]
    rows = [["项目名称", "责任单位", "进展情况", "群众满意度"]]
    rows += [[f"事{i}", "城关镇", "已完成", level] for i, level in enumerate(levels)]
    loaded(ingest(wb.xlsx({"台账": [["台账（2021年9月）"], *rows]}), "s.xlsx", db))
    counts = dict(query(db, "SELECT coalesce(satisfaction, 'unrated'), count(*) FROM tasks GROUP BY 1"))
    assert counts == {"satisfied": 4, "basically_satisfied": 3, "dissatisfied": 3, "unrated": 2}
    assert query(db, "SELECT satisfaction_score FROM tasks WHERE satisfaction_score IS NOT NULL ORDER BY 1") == [
        (0.45,), (0.72,), (0.95,)]


def test_an_unreadable_satisfaction_is_a_problem_in_its_place():
    rows = [["项目名称", "责任单位", "进展情况", "群众评价"], ["甲", "城关镇", "已完成", "还行吧"],
            ["乙", "城关镇", "已完成", "150"]]
    prepared = prepare(wb.xlsx({"台账": rows}), "台账_2021-09.xlsx")
    assert [(p.code, p.row, p.column) for p in prepared.problems] == [
        ("bad_satisfaction", 2, "D"), ("bad_satisfaction", 3, "D")]
    assert "还行吧" in prepared.problems[0].message("zh")


def test_a_status_column_beside_free_progress_text_keeps_both(db):
    """办理状态 (a word) beside 进展情况 (text): the word decides, the text is the note; a word
    nobody knows is asked about only where neither 是否完成 nor the text settles the row."""
    rows = [
        ["序号", "民生项目名称", "责任单位", "办理状态", "是否完成（是/否）", "进展情况"],
        [1, "老旧小区改造", "城关镇", "已挂牌", "否", "已开工，完成主体工程60%"],  # 否 decides
        [2, "农贸市场提升", "城关镇", "已销号", "是", "已完成并通过验收"],  # the word decides
        [3, "村道硬化", "城关镇", "已挂牌", None, "正在协调资金，计划下月开工"],  # the text decides
        [4, "路灯安装", "城关镇", "已挂牌", None, None],  # nothing decides: asked about
    ]
    prepared = prepare(wb.xlsx({"台账": [["城关镇台账（2021年7月）"], *rows]}), "a.xlsx")
    assert [(p.code, p.row, p.column, p.params["value"]) for p in prepared.problems] == [
        ("bad_status", 6, "D", "已挂牌")]
    table = prepared.table.to_pydict()
    assert table["status"] == ["in_progress", "completed", "in_progress", None]
    assert table["progress_note"] == ["已开工，完成主体工程60%", "已完成并通过验收", "正在协调资金，计划下月开工", None]
    assert table["status_rule"] == [None, None, "other_text", None]


def test_a_town_is_one_unit_whether_its_sheet_says_town_or_town_government(db):
    """May's workbook is filed by "城关镇人民政府", June's sheet has a 乡镇 column "城关镇":
    one unit, and June keeps the county May gave it."""
    loaded(ingest(township_workbook(), "青山县乡镇台账（2021年5月）.xlsx", db))
    june = [["乡镇", "项目名称", "进展情况"], ["城关镇", "修路", "已完成"]]
    loaded(ingest(wb.xlsx({"台账": june}), "乡镇台账（2021年6月）.xlsx", db))
    assert query(db, "SELECT DISTINCT unit, region FROM tasks WHERE unit LIKE '城关镇%'") == [("城关镇", "青山县")]


def test_an_uploader_bound_to_the_government_name_may_load_the_towns_sheet():
    from taizhang.accounts import User

    clerk = User("clerk", "uploader", ["城关镇人民政府"])
    assert clerk.foreign_units(["城关镇"]) == []
    assert clerk.foreign_units(["河口乡"]) == ["河口乡"]
