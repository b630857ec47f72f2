"""Every page through Streamlit's AppTest, in Chinese and English, on tiny databases."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from present import format as fmt
from tests.dbfixtures import build, task
from ui.tables import display_frame

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "overview": "app_pages/overview.py",
    "regions": "app_pages/regions.py",
    "rankings": "app_pages/rankings.py",
    "investment": "app_pages/investment.py",
    "units": "app_pages/units.py",
    "upload": "app_pages/upload.py",
    "submissions": "app_pages/submissions.py",
    "briefing": "app_pages/briefing.py",
}
TITLES = {
    "overview": ("总体概况", "Overview"), "regions": ("县区对比", "Regions compared"),
    "rankings": ("排名", "Rankings"), "investment": ("投资情况", "Investment"), "units": ("单位查询", "Units"),
    "upload": ("上传台账", "Upload ledgers"), "submissions": ("报送情况", "Submissions"),
    "briefing": ("通报", "Bulletin"),
}


def open_page(name: str, lang: str = "zh", **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if name != "overview":
        at.switch_page(PAGES[name]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = []
    for kind in ("title", "subheader", "caption", "info", "warning", "markdown", "error"):
        parts += [str(element.value) for element in getattr(at, kind)]
    return "\n".join(parts)


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def frame(at: AppTest, *columns: str):
    """The first table shown whose headers include all `columns`."""
    for element in at.dataframe:
        value = element.value
        if all(column in value.columns for column in columns):
            return value
    raise AssertionError(f"no table with {columns}; tables: {[list(d.value.columns) for d in at.dataframe]}")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_runs(sample_env, name, lang):
    at = open_page(name, lang)
    assert at.title[0].value == TITLES[name][0 if lang == "zh" else 1]
    assert not at.error


@pytest.mark.parametrize("lang, label, value", [("zh", "完成率", "69.6%"), ("en", "Completion rate", "69.6%")])
def test_overview_kpis_and_deltas(sample_env, lang, label, value):
    at = open_page("overview", lang)
    tile = metric(at, label)
    assert tile.value == value
    assert tile.delta == ("▲16.1个百分点" if lang == "zh" else "▲16.1 pp")
    assert metric(at, "计划投资" if lang == "zh" else "Planned investment").value == (
        "2.25亿元" if lang == "zh" else "¥225.0 m")
    assert len(at.metric) == 12  # ten KPI tiles and the two satisfaction rates (单位自评, 群众评价)


def test_overview_with_region_shows_its_units(sample_env):
    at = open_page("overview", region="西山县")
    assert "西山县各单位完成率" in texts(at)
    assert metric(at, "任务数").value == "19"


def test_rankings_table_is_best_first_with_ties(sample_env):
    at = open_page("rankings")
    table = frame(at, "较上月")
    assert list(table["名次"])[:5] == [1, 2, 3, 3, 5]
    assert list(table["单位"])[:4] == ["城关区民政局", "城关区住建局", "东湖县教育局", "东湖镇"]
    assert "<script>alert(1)</script>" in list(table["单位"])
    labels = [b.label for b in at.get("download_button")]
    assert any("Excel" in label for label in labels)
    assert "未参与排名（1）" in [e.label for e in at.expander]


def test_rankings_english_and_other_measure(sample_env):
    at = open_page("rankings", "en", measure="on_time_rate", level="region")
    table = frame(at, "Change")
    assert list(table.columns[:3]) == ["Rank", "Change", "Region"]
    assert "On-time rate" in table.columns
    assert any("Excel" in b.label for b in at.get("download_button"))


def test_rankings_change_arrows(sample_env):
    at = open_page("rankings")
    table = frame(at, "较上月")
    changes = dict(zip(table["单位"], table["较上月"]))
    # May: 东湖县教育局 70%, 城关区民政局 66.7%, 城关区住建局 62.5%, <script> 80% ...
    assert changes["城关区民政局"].startswith("▲")
    assert changes["<script>alert(1)</script>"].startswith("▼")


def test_regions_pick_shows_units(sample_env):
    at = open_page("regions")
    at.selectbox(key="regions_pick").set_value("西山县").run()
    assert not at.exception
    assert "西山县各单位完成率" in texts(at)
    units = frame(at, "单位", "服务群众（人次）")
    assert set(units["单位"]) == {"西山县卫健委", "西山乡", "<script>alert(1)</script>"}
    assert "完成率分布图" in texts(at)  # the configured map


def test_regions_other_measure(sample_env):
    at = open_page("regions", "en")
    at.selectbox(key="regions_measure").set_value("planned_investment").run()
    assert not at.exception
    assert "Planned investment (Jun 2021)" in texts(at)


def test_investment_page(sample_env):
    at = open_page("investment")
    assert metric(at, "完成投资").value == "1.99亿元"
    assert metric(at, "投资完成率").value == "88.4%"
    assert "投资构成与完成率" in texts(at)


def test_units_page_finds_a_unit(sample_env):
    at = open_page("units")
    assert "2021年6月各单位（9）" in texts(at)  # it opens on the month's table of all units
    at.selectbox(key="units_pick").set_value("西山县\u241f西山乡").run()
    assert not at.exception
    assert metric(at, "完成率").value == "33.3%"
    assert "逾期任务（1）" in texts(at)  # task 4: due 2021-05-31, not completed; task 5 is due 06-30
    assert at.query_params["unit"] == "西山乡"
    history = frame(at, "月份")
    assert list(history["月份"]) == ["2021年4月", "2021年5月", "2021年6月"]


def test_units_link_opens_the_unit(sample_env):
    at = open_page("units", "en", unit="东湖镇")
    assert metric(at, "Completion rate").value == "80.0%"


def test_upload_shows_a_sign_in_form_and_no_uploader(sample_env):
    at = open_page("upload")
    assert len(at.text_input) == 2
    assert not at.get("file_uploader")


def test_language_switch_in_the_sidebar(sample_env):
    at = open_page("overview")
    at.sidebar.radio(key="tz_lang_choice").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert at.query_params["lang"] == "en"


def test_filters_go_into_the_link(sample_env):
    at = open_page("overview")
    at.sidebar.selectbox(key="tz_month").set_value("2021-05").run()
    at.sidebar.selectbox(key="tz_region").set_value("东湖县").run()
    assert at.query_params["month"] == "2021-05"
    assert at.query_params["region"] == "东湖县"
    assert metric(at, "任务数").value == "20"


# --- empty states ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["overview", "regions", "rankings", "investment", "units"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_missing_database(tmp_path, monkeypatch, name, lang):
    monkeypatch.setenv("TAIZHANG_DB", str(tmp_path / "nothing-here.duckdb"))
    at = open_page(name, lang)
    shown = texts(at)
    assert ("“上传台账”" if lang == "zh" else "'Upload'") in shown  # where a clerk goes next
    assert "python -m" not in shown  # the browser never sends a clerk to a command line
    assert not (tmp_path / "nothing-here.duckdb").exists()


@pytest.mark.parametrize("name", ["overview", "regions", "rankings", "investment", "units"])
def test_empty_database(tmp_path, monkeypatch, name):
    monkeypatch.setenv("TAIZHANG_DB", str(build(tmp_path / "empty.duckdb", [])))
    at = open_page(name)
    assert "还没有任何台账。请在左侧菜单“上传台账”中登录并上传" in texts(at)


def test_not_a_database(tmp_path, monkeypatch):
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"this is not a database")
    monkeypatch.setenv("TAIZHANG_DB", str(path))
    at = open_page("overview", "en")
    assert "cannot be read" in texts(at)


def test_month_without_data_in_the_link(sample_env):
    at = open_page("overview", month="2020-01")
    assert f"没有 {fmt.md('2020-01')} 的数据" in texts(at)  # Markdown-escaped: it came from the URL
    assert metric(at, "任务数").value == "56"


@pytest.fixture
def sparse_env(tmp_path, monkeypatch):
    """西山县 reported in May only; June has 东湖县 alone."""
    rows = [task("2021-05", "西山乡", f"s{i}", "completed", region="西山县") for i in range(5)]
    rows += [task("2021-06", "东湖镇", f"d{i}", "in_progress", region="东湖县", planned=None) for i in range(5)]
    monkeypatch.setenv("TAIZHANG_DB", str(build(tmp_path / "sparse.duckdb", rows)))


@pytest.mark.parametrize("name", ["overview", "rankings", "investment"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_filter_with_no_rows(sparse_env, name, lang):
    at = open_page(name, lang, region="西山县")
    assert ("没有台账数据" if lang == "zh" else "No ledger rows") in texts(at)


def test_markdown_in_data_is_escaped(tmp_path, monkeypatch):
    link = "[点我](https://evil.example)"
    rows = [task("2021-06", link, f"t{i}", "completed", region=link) for i in range(5)]
    monkeypatch.setenv("TAIZHANG_DB", str(build(tmp_path / "md.duckdb", rows)))
    at = open_page("overview", region=link)
    shown = texts(at)
    assert fmt.md(link) in shown and "](https" not in shown
    at = open_page("units", unit=link, month="[x](https://evil.example)")
    assert "](https" not in texts(at)


def test_investment_without_amounts(sparse_env):
    at = open_page("investment")
    assert "没有填报投资的任务" in texts(at)


def test_unit_that_did_not_report_this_month(sparse_env):
    at = open_page("units")
    at.selectbox(key="units_pick").set_value("西山县\u241f西山乡").run()
    assert "西山乡在2021年6月没有报送台账（最近一次：2021年5月）" in texts(at)


def test_new_data_shows_without_restart(tmp_path, monkeypatch):
    path = build(tmp_path / "live.duckdb", [task("2021-06", "甲", "a", "completed")])
    monkeypatch.setenv("TAIZHANG_DB", str(path))
    at = open_page("overview")
    assert metric(at, "任务数").value == "1"
    from metrics import derived
    from taizhang.database import writing
    with writing(str(path)) as con:
        con.execute("INSERT INTO task_rows SELECT * REPLACE ('b' AS title) FROM task_rows")
        derived.refresh(con)
    at.run()
    assert metric(at, "任务数").value == "2"


# --- number formats ------------------------------------------------------------

@pytest.mark.parametrize("value, zh, en", [
    (0.8532, "85.3%", "85.3%"), (None, "—", "—"), (1.0, "100.0%", "100.0%"),
    # rounding never makes a unit complete or idle: 2,390 of 2,391 started is not 100.0%
    (2390 / 2391, "99.9%", "99.9%"), (0.0, "0.0%", "0.0%"), (1 / 2391, "<0.1%", "<0.1%"),
])
def test_rate_format(value, zh, en):
    assert fmt.rate(value) == zh == en


def test_a_table_of_rates_never_rounds_up_to_100_percent():
    shown, _ = display_frame(pd.DataFrame({"region": ["甲", "乙", "丙"], "start_rate": [2390 / 2391, 1.0, None]}),
                             ["region"], ["start_rate"])
    assert shown.iloc[:, 1].tolist()[:2] == [99.9, 100.0] and pd.isna(shown.iloc[2, 1])


@pytest.mark.parametrize("value, zh, en", [
    (350, "350.0万元", "¥3.5 m"),
    (9_999.9, "9,999.9万元", "¥100.0 m"),
    (10_000, "1.00亿元", "¥100.0 m"),
    (161_900, "16.19亿元", "¥1.62 bn"),
    (12_741.8, "1.27亿元", "¥127.4 m"),
    (0, "0.0万元", "¥0.0 m"),
])
def test_money_format(value, zh, en):
    assert fmt.money(value, "zh") == zh
    assert fmt.money(value, "en") == en


@pytest.mark.parametrize("key, value, zh, en", [
    ("completion_rate", 0.012, "▲1.2个百分点", "▲1.2 pp"),
    ("completion_rate", -0.0349, "▼3.5个百分点", "▼3.5 pp"),
    ("completion_rate", 0.0001, "持平", "no change"),
    ("overdue", 3, "▲3", "▲3"),
    ("planned_investment", -20_000, "▼2.00亿元", "▼¥200.0 m"),
    ("beneficiaries", 1000, "▲1,000人次", "▲1,000"),
    ("beneficiaries", 9_686_759, "▲968.7万人次", "▲9.69 m"),
    ("tasks", None, None, None),
])
def test_delta_format(key, value, zh, en):
    assert fmt.delta(key, value, "zh") == zh
    assert fmt.delta(key, value, "en") == en


def test_delta_colour_knows_which_way_is_better():
    assert fmt.delta_color("completion_rate", 0.05) == "green"
    assert fmt.delta_color("overdue", 2) == "red"
    assert fmt.delta_color("overdue", -2) == "green"
    assert fmt.delta_color("tasks", 5) == "gray"
    assert fmt.delta_color("completion_rate", 0.0001) == "gray"


def test_markdown_escape():
    j = "\u2060"  # word joiner: breaks GFM's bare-URL and e-mail links
    assert fmt.md("[a](http://x.cn) *b* :red[c] $d$ <i> a@b") == (
        f"\\[a\\]\\(http{j}\\://x\\.cn\\) \\*b\\* {j}\\:red\\[c\\] \\$d\\$ \\<i\\> a{j}\\@b")
    assert fmt.md("www.gov.cn") == f"www{j}\\.gov\\.cn"
    assert j not in fmt.md("1.2亿元")  # copied text pastes as typed (issue 12)
    assert fmt.md("东湖县") == "东湖县"


def test_month_formats():
    assert fmt.month(dt.date(2021, 6, 1), "zh") == "2021年6月"
    assert fmt.month(dt.date(2021, 6, 1), "en") == "Jun 2021"
    assert fmt.parse_month_key("2021-06") == dt.date(2021, 6, 1)
    assert fmt.parse_month_key("junk") is None


# --- the ranking workbook --------------------------------------------------------

def test_ranking_workbook(sample_env):
    import io

    import openpyxl

    import metrics
    from present.excel import ranking_workbook
    from taizhang.database import reading
    from tests.dbfixtures import SAMPLE_JUNE_ORDER

    with reading(str(sample_env)) as con:
        result = metrics.ranking(con, dt.date(2021, 6, 1))
    book = openpyxl.load_workbook(io.BytesIO(ranking_workbook(result, "zh")))
    sheet = book.worksheets[0]
    assert sheet.title == "排名" and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:6] == ["名次", "单位", "完成率", "县区", "较上月", "上月名次"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[0], r[1]) for r in rows] == [(rank, unit) for rank, unit, _ in SAMPLE_JUNE_ORDER]
    assert [r[2] for r in rows] == [pytest.approx(round(v, 3)) for _, _, v in SAMPLE_JUNE_ORDER]
    assert sheet.cell(row=2, column=3).number_format == "0.0%"
    formula_like = [c for c in sheet["B"] if c.value == "=2+3合作社"][0]
    assert formula_like.data_type == "s"  # text, not a formula
    apart = book.worksheets[1]
    assert [c.value for c in apart[2]][:3] == ["城关街道", "城关区", 3]
    assert "任务不足 5 项" in [c.value for c in apart[2]]
    english = openpyxl.load_workbook(io.BytesIO(ranking_workbook(result, "en"))).worksheets[0]
    assert [c.value for c in english[1]][:3] == ["Rank", "Unit", "Completion rate"]
