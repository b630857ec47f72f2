"""A partial month (rows left out at upload) and a unit that did not report: listed
apart, never ranked as complete, in the league table, the red and black lists, the
Excel download, the bulletin and the pages. Real ledgers through loaders.pipeline.ingest
into a DuckDB file; pages through Streamlit's AppTest."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

import metrics
from loaders import store
from loaders.pipeline import ingest
from metrics import Settings
from metrics.settings import ConfigError, load
from present.excel import ranking_workbook
from reports import bulletin, document, pdf, word, workbook as bulletin_workbook
from taizhang.database import reading
from tests import workbooks as wb
from tests.apptest import captions, open_page
from tests.dbfixtures import sample_config

ROOT = Path(__file__).resolve().parent.parent
APRIL = dt.date(2021, 4, 1)
MARCH = dt.date(2021, 3, 1)
# unit: (region, completed of 6 in April); every unit has 6 tasks in March
UNITS = {"市教育局": ("城关区", 5), "市民政局": ("城关区", 4), "市卫健委": ("东湖县", 3),
         "市医保局": ("东湖县", 6), "市交通局": ("西山县", 2)}
PARTIAL = "市医保局"   # April loaded with --keep-going: 2 rows left out, the 6 left all completed
MISSING = "市交通局"   # reported in March, not in April
SMALL = Settings(red_black_size=2)


def ledger(month: int, rows: list[list]) -> bytes:
    return wb.xlsx({"台账": [[f"测试台账（2021年{month}月）"],
                             ["县区", "责任单位", "项目名称", "进展情况", "计划投资（万元）"], *rows]})


def unit_rows(unit: str, completed: int, tasks: int = 6, bad: int = 0) -> list[list]:
    region = UNITS[unit][0]
    rows = [[region, unit, f"{unit}任务{i + 1}", "已完成" if i < completed else "推进中", 10] for i in range(tasks)]
    # an unfinished task with an amount the loader cannot read: refused, or left out with keep_going
    rows += [[region, unit, f"{unit}难办的任务{i + 1}", "推进中", "很多"] for i in range(bad)]
    return rows


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "flags.duckdb")
    for unit in UNITS:
        assert ingest(ledger(3, unit_rows(unit, 2)), f"{unit}-3.xlsx", path).status == "loaded"
    for unit, (_, completed) in UNITS.items():
        if unit == MISSING:
            continue
        bad = 2 if unit == PARTIAL else 0
        report = ingest(ledger(4, unit_rows(unit, completed, bad=bad)), f"{unit}-4.xlsx", path,
                        keep_going=unit == PARTIAL)
        assert report.status == "loaded", report
    return path


def rank(db: str, settings: Settings = SMALL, month: dt.date = APRIL, level: str = "unit") -> metrics.Ranking:
    with reading(db) as con:
        return metrics.ranking(con, month, level=level, settings=settings)


# --- the league table ---------------------------------------------------------------

def test_partial_month_is_listed_apart_never_ranked(db):
    r = rank(db)
    # 6 of 6 loaded rows completed: 100%, which would top the table if ranked
    assert PARTIAL not in set(r.table["unit"]) | set(r.red["unit"]) | set(r.black["unit"])
    assert list(r.table["unit"]) == ["市教育局", "市民政局", "市卫健委"]
    assert list(r.red["unit"]) == ["市教育局", "市民政局"] and list(r.black["unit"]) == ["市卫健委"]
    apart = r.unranked.set_index("unit")
    assert apart.loc[PARTIAL, "reason"] == "partial" and apart.loc[PARTIAL, "rows_not_loaded"] == 2
    assert apart.loc[PARTIAL, "tasks"] == 6
    assert list(r.partial["unit"]) == [PARTIAL]
    with reading(db) as con:
        assert metrics.ranking_partial(con, APRIL).to_dict("records") == [
            {"region": "东湖县", "unit": PARTIAL, "rows_not_loaded": 2}]
        assert metrics.ranking_partial(con, APRIL, "城关区").empty
        assert metrics.ranking_partial(con, MARCH).empty


def test_partial_month_is_ranked_again_after_a_complete_upload(db):
    complete = ingest(ledger(4, unit_rows(PARTIAL, 6) + [["东湖县", PARTIAL, "难办的任务", "推进中", 30]]),
                      "complete.xlsx", db)
    assert complete.status == "loaded"
    r = rank(db)
    assert r.unranked.empty and r.partial.empty
    assert list(r.table["unit"][:1]) == [PARTIAL] and r.table["rank"].iloc[0] == 1  # 6 of 7
    assert PARTIAL in list(r.red["unit"])
    with reading(db) as con:
        assert metrics.ranking_partial(con, APRIL).empty
    # rolling the complete upload back restores the partial rows, and the flag with them
    store.rollback(db, complete.upload_id)
    r = rank(db)
    assert list(r.partial["unit"]) == [PARTIAL] and PARTIAL not in list(r.table["unit"])


def test_a_partial_previous_month_has_no_previous_rank(db):
    for unit in ("市教育局", "市民政局", "市卫健委"):
        ingest(ledger(5, unit_rows(unit, 6)), f"{unit}-5.xlsx", db)
    ingest(ledger(5, unit_rows(PARTIAL, 6)), f"{PARTIAL}-5.xlsx", db)
    r = rank(db, month=dt.date(2021, 5, 1))
    row = r.table.set_index("unit").loc[PARTIAL]
    assert row["previous_rank"] != row["previous_rank"]  # NaN: not ranked in April
    assert row["change"] == "新"


@pytest.mark.parametrize("rule", ["apart", "last"])
def test_a_unit_missing_this_month_is_listed_as_not_reported(db, rule):
    r = rank(db, Settings(red_black_size=2, not_reported=rule))
    assert r.not_reported.to_dict("records") == [{"region": "西山县", "unit": MISSING, "latest_month": MARCH}]
    assert r.not_reported_rule == rule and r.not_reported_last == (rule == "last")
    assert MISSING not in list(r.unranked["unit"]) and MISSING not in list(r.red["unit"])
    assert list(r.reported["unit"]) == ["市教育局", "市民政局", "市卫健委"]
    if rule == "apart":
        assert MISSING not in list(r.table["unit"]) and MISSING not in list(r.black["unit"])
        assert list(r.black["unit"]) == ["市卫健委"]
    else:
        # after every ranked unit, tied, and so first on the black list
        last = r.table.iloc[-1]
        assert (last["unit"], last["rank"], bool(last["not_reported"]), last["change"]) == (MISSING, 4, True, "")
        assert last["latest_month"] == MARCH and last["tasks"] == 0
        assert list(r.black["unit"]) == [MISSING, "市卫健委"]
        assert list(r.table["rank_from_bottom"]) == [4, 3, 2, 1]


def test_not_reported_follows_the_region_and_the_months_expected(db):
    with reading(db) as con:
        assert list(metrics.not_reported(con, APRIL, "西山县")["unit"]) == [MISSING]
        assert metrics.not_reported(con, APRIL, "城关区").empty
        assert metrics.not_reported(con, MARCH).empty            # everyone reported
        assert metrics.not_reported(con, dt.date(2021, 7, 1)).empty  # no rows at all that month
    # the units list decides who is expected: an inactive unit is not missing
    from taizhang.database import writing
    with writing(db) as con:
        con.execute("UPDATE units SET active = false WHERE unit = ?", [MISSING])
    assert rank(db).not_reported.empty
    # at region level the not-reported units are listed too, never ranked
    with writing(db) as con:
        con.execute("UPDATE units SET active = true WHERE unit = ?", [MISSING])
    regions = rank(db, Settings(not_reported="last"), level="region")
    assert list(regions.not_reported["unit"]) == [MISSING] and not regions.not_reported_last
    assert "西山县" not in list(regions.table["region"])


def test_not_reported_setting(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[ranking]\nnot_reported = "last"\n', encoding="utf-8")
    assert load(path).not_reported == "last"
    path.write_text("[ranking]\nmin_tasks = 3\n", encoding="utf-8")
    assert load(path).not_reported == "apart"
    path.write_text('[ranking]\nnot_reported = "first"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match='not_reported must be "apart" or "last"'):
        load(path)
    assert load(ROOT / "config" / "taizhang.toml").not_reported == "apart"


# --- the Excel download -------------------------------------------------------------

def sheet_rows(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_excel_lists_partial_and_not_reported_units_on_the_unranked_sheet(db):
    book = openpyxl.load_workbook(io.BytesIO(ranking_workbook(rank(db), "zh")))
    assert book.sheetnames == ["排名", "未排名", "说明"]
    ranked = sheet_rows(book["排名"])
    assert [r[1] for r in ranked[1:]] == ["市教育局", "市民政局", "市卫健委"]
    apart = sheet_rows(book["未排名"])
    assert apart[0] == ["单位", "县区", "任务数", "完成率", "原因", "最近报送"]
    assert apart[1][:3] == [PARTIAL, "东湖县", 6] and apart[1][4] == "数据不完整：2 行未导入"
    assert apart[1][5] is None
    assert apart[2] == [MISSING, "西山县", None, None, "本月未报送", "2021年3月"]
    notes = " ".join(str(v) for row in sheet_rows(book["说明"]) for v in row if v)
    assert "本月未报送的单位不参与排名" in notes and "有行未导入（数据不完整）的单位本月不参与排名" in notes

    english = openpyxl.load_workbook(io.BytesIO(ranking_workbook(rank(db), "en")))
    apart = sheet_rows(english["Not ranked"])
    assert apart[1][4] == "Incomplete: 2 rows not loaded"
    assert apart[2][4:] == ["Not reported this month", "Mar 2021"]


def test_excel_ranks_not_reported_units_last_with_the_setting(db):
    book = openpyxl.load_workbook(io.BytesIO(ranking_workbook(rank(db, Settings(not_reported="last")), "zh")))
    ranked = sheet_rows(book["排名"])
    assert ranked[0][-1] == "备注"
    assert (ranked[-1][0], ranked[-1][1], ranked[-1][2]) == (4, MISSING, None)
    assert ranked[-1][-1] == "本月未报送（最近报送：2021年3月）"
    # the ranked units' notes say only what their ledgers lack (this fixture gives no deadlines), never 未报送
    assert all(r[-1] is None or (r[-1].startswith("“—”") and "未报送" not in r[-1]) for r in ranked[1:-1])
    apart = sheet_rows(book["未排名"])
    assert [r[0] for r in apart[1:]] == [PARTIAL]
    notes = " ".join(str(v) for row in sheet_rows(book["说明"]) for v in row if v)
    assert "本月未报送的单位排在所有参与排名的单位之后，名次并列" in notes


# --- the bulletin -----------------------------------------------------------------

def assemble(db: str, settings: Settings = SMALL) -> bulletin.Bulletin:
    with reading(db) as con:
        return bulletin.assemble(con, APRIL, measure="completion_rate", settings=settings)


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end, text.index(start))]


def test_bulletin_lists_the_partial_unit_apart_and_names_the_missing_one(db):
    b = assemble(db)
    assert b.units_reported == 4
    text = document.render(b, today=dt.date(2021, 5, 3))
    lists = section(text, "### （一）红榜", "### （三）")
    assert "市教育局" in lists and "市卫健委" in lists
    assert PARTIAL not in lists and MISSING not in lists
    assert "共有4个单位报送台账" in text
    assert f"应报送而未报送台账的单位1个：{MISSING}" in text
    assert f"{PARTIAL}（2行未导入）本月台账数据不完整" in text
    assert "本月3个单位参与排名" in text and "本月未报送台账的1个单位不参与排名" in text

    parts = document.blocks(text)
    tables = {b_.header: b_.rows for b_ in parts if b_.kind == "table"}
    assert tables[("单位", "县区", "任务数", "原因")] == ((PARTIAL, "东湖县", "6", "数据不完整：2 行未导入"),)
    assert tables[("单位", "县区", "最近报送")] == ((MISSING, "西山县", "2021年3月"),)
    cells = {c for rows in tables.values() for row in rows for c in row}
    docx_cells = word_cells(parts)
    assert "数据不完整：2 行未导入" in docx_cells and MISSING in docx_cells and "2021年3月" in cells

    book = openpyxl.load_workbook(io.BytesIO(bulletin_workbook.write(b)))
    apart = sheet_rows(book["未排名"])
    assert apart[1][0] == PARTIAL and apart[1][3] == "数据不完整：2 行未导入"
    assert apart[2][0] == MISSING and apart[2][3:] == ["本月未报送", "2021年3月"]
    assert PARTIAL not in [r[2] for r in sheet_rows(book["红榜"]) + sheet_rows(book["黑榜"])]


def word_cells(parts) -> set[str]:
    import docx

    document_ = docx.Document(io.BytesIO(word.write(parts, title=document.title(parts))))
    return {cell.text for table in document_.tables for row in table.rows for cell in row.cells}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_bulletin_text_lists_the_partial_unit_apart(db, tmp_path):
    parts = document.blocks(document.render(assemble(db), today=dt.date(2021, 5, 3)))
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(pdf.write(parts, title=document.title(parts)))
    flat = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                                             capture_output=True, text=True).stdout)
    assert "数据不完整：2行未导入" in flat
    assert f"应报送而未报送台账的单位1个：{MISSING}" in flat
    lists = section(flat, "（一）红榜", "（三）")
    assert "市教育局" in lists and PARTIAL not in lists and MISSING not in lists


def test_bulletin_ranks_the_missing_unit_last_with_the_setting(db):
    b = assemble(db, Settings(red_black_size=2, not_reported="last"))
    assert b.units_reported == 4
    text = document.render(b, today=dt.date(2021, 5, 3))
    assert "本月3个单位参与排名" in text and "本月未报送台账的1个单位排在末位，名次并列" in text
    black = section(text, "### （二）黑榜", "### （三）")
    assert MISSING in black and PARTIAL not in black
    assert MISSING not in section(text, "### （一）红榜", "### （二）")


# --- the pages --------------------------------------------------------------------

def frame_with(at: AppTest, *columns: str):
    for element in at.dataframe:
        if all(column in element.value.columns for column in columns):
            return element.value
    raise AssertionError(f"no table with {columns}; tables: {[list(d.value.columns) for d in at.dataframe]}")


@pytest.fixture
def env(db, tmp_path, monkeypatch):
    monkeypatch.setenv("TAIZHANG_DB", db)
    monkeypatch.setenv("TAIZHANG_CONFIG", str(sample_config(tmp_path, red_black_size=2)))
    return db


def test_rankings_page_lists_partial_and_not_reported_units_apart(env):
    at = open_page("app_pages/rankings.py")
    league = frame_with(at, "名次", "较上月", "单位")
    assert list(league["单位"]) == ["市教育局", "市民政局", "市卫健委"]
    red, black = [d.value for d in at.dataframe][:2]
    assert PARTIAL not in list(red["单位"]) + list(black["单位"])
    assert MISSING not in list(red["单位"]) + list(black["单位"])
    missing = frame_with(at, "单位", "县区", "最近报送")
    assert missing.to_dict("records") == [{"单位": MISSING, "县区": "西山县", "最近报送": "2021年3月"}]
    apart = frame_with(at, "单位", "原因")
    assert apart.to_dict("records")[0]["单位"] == PARTIAL
    assert apart.to_dict("records")[0]["原因"] == "数据不完整：2 行未导入"
    assert "本月未报送（1）" in [e.label for e in at.expander]
    text = captions(at)
    assert "本月未报送的单位不参与排名" in text and "有行未导入（数据不完整）的单位本月不参与排名" in text


@pytest.mark.parametrize("lang, said", [("zh", "未显示：西山县（本月没有台账）。"),
                                         ("en", "Not shown: 西山县 (no ledger this month).")])
def test_rankings_by_region_name_a_region_that_sent_nothing(env, lang, said):
    """西山县's one unit reported in March, not in April: by region it is in no list, so
    the page names it (as /regions and the slides do); by unit it is the not-reported unit."""
    at = open_page("app_pages/rankings.py", lang, level="region")
    assert said in captions(at)
    leagues = [d.value for d in at.dataframe if {"名次", "Rank"} & set(d.value.columns)]
    assert leagues and all("西山县" not in set(map(str, t.to_numpy().ravel())) for t in leagues)
    by_unit = open_page("app_pages/rankings.py", lang)
    assert said not in captions(by_unit)


def test_rankings_page_in_english(env):
    at = open_page("app_pages/rankings.py", "en")
    assert frame_with(at, "Unit", "Reason")["Reason"].tolist() == ["Incomplete: 2 rows not loaded"]
    assert frame_with(at, "Unit", "Latest reported")["Latest reported"].tolist() == ["Mar 2021"]
    assert "Not reported this month (1)" in [e.label for e in at.expander]
    assert "Units that did not report this month are not ranked" in captions(at)
    assert "Choose a row to open that unit." in captions(at)  # not "that Units."


def test_rankings_page_ranks_not_reported_units_last_with_the_setting(env, tmp_path, monkeypatch):
    monkeypatch.setenv("TAIZHANG_CONFIG", str(sample_config(tmp_path, red_black_size=2, not_reported='"last"')))
    at = open_page("app_pages/rankings.py")
    league = frame_with(at, "名次", "较上月", "单位")
    assert list(league["单位"]) == ["市教育局", "市民政局", "市卫健委", MISSING]
    assert list(league["名次"]) == [1, 2, 3, 4]
    assert league["备注"].tolist()[-1] == "本月未报送（最近报送：2021年3月）"
    black = [d.value for d in at.dataframe][1]
    assert list(black["单位"]) == [MISSING, "市卫健委"]
    text = captions(at)
    assert "本月未报送的单位排在所有参与排名的单位之后，名次并列" in text
    assert "1 个单位本月未报送，排在末位（第 4 名，并列）" in text
    assert not [e for e in at.expander if e.label.startswith("本月未报送")]


def test_overview_and_regions_footnote_the_partial_and_missing_units(env):
    at = open_page("app_pages/overview.py")
    text = captions(at)
    assert "1 个单位本月数据不完整（有行未导入）" in text
    assert "1 个应报单位本月未报送台账" in text
    at = open_page("app_pages/regions.py")
    assert "1 个单位本月数据不完整（有行未导入）" in captions(at)
    at = open_page("app_pages/overview.py", "en")
    assert "1 units have an incomplete month" in captions(at)
    assert "1 expected units did not report this month" in captions(at)
