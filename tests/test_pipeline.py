"""The loader end to end on fixture ledgers: exact rows in a real DuckDB file."""
from __future__ import annotations

import datetime as dt
import os

import duckdb
import pytest

from loaders.pipeline import ingest, prepare
from loaders.problems import FileRefused
from tests import workbooks as wb

D = dt.date


def rows(db, sql="SELECT * FROM tasks ORDER BY source_row"):
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "t.duckdb")


def test_city_ledger_with_title_band_groups_total_and_footer(db):
    report = ingest(wb.city_ledger_xlsx(), "city.xlsx", db)
    assert report.status == "loaded", [p.message("en") for p in report.problems]
    assert report.sheet == "台账"  # the instructions sheet came first
    assert report.header_row == 4  # two-row header ends on Excel row 4
    assert report.report_month == D(2021, 4, 1)
    got = rows(db)
    assert [(r["source_row"], r["unit"], r["title"], r["category"], r["status"]) for r in got] == [
        (6, "市教育局", "校园周边交通整治", "解民忧暖民心", "in_progress"),
        (7, "市卫生健康委", "社区医院夜间门诊", "解民忧暖民心", "completed"),
        (9, "市医保局", "医保业务就近办", "政策惠民", "not_started"),
    ]
    assert [r["deadline"] for r in got] == [D(2021, 6, 30), D(2021, 6, 30), None]
    assert [r["planned_investment"] for r in got] == [120.0, 350.0, None]
    assert [r["actual_investment"] for r in got] == [80.5, 12000.0, None]
    assert [r["beneficiaries"] for r in got] == [1200, 1500, 3000]
    assert {r["region"] for r in got} == {"市直"}
    assert {r["source_sheet"] for r in got} == {"台账"}


def test_county_xlsx_merged_townships_and_yi_amounts(db):
    report = ingest(wb.county_xlsx(), "county.xlsx", db)
    assert report.status == "loaded", [p.message("en") for p in report.problems]
    got = rows(db)
    assert [(r["unit"], r["region"], r["planned_investment"], r["actual_investment"]) for r in got] == [
        ("城关镇", "青山县", 12000.0, 5000.0),
        ("城关镇", "青山县", 3000.0, 3000.0),
        ("河口乡", "青山县", 500.0, 0.0),
    ]
    assert [r["deadline"] for r in got] == [D(2021, 9, 30), D(2021, 6, 30), D(2021, 12, 31)]
    assert [r["status"] for r in got] == ["in_progress", "completed", "not_started"]
    assert got[0]["report_month"] == D(2021, 5, 1)


def test_legacy_xls_reads_like_xlsx(db, tmp_path):
    ingest(wb.county_xlsx(), "a.xlsx", str(tmp_path / "x.duckdb"))
    report = ingest(wb.county_xls(), "county.xls", db)
    assert report.status == "loaded", [p.message("en") for p in report.problems]

    def strip(rs):
        return [{k: v for k, v in r.items() if k != "upload_id"} for r in rs]

    assert strip(rows(db)) == strip(rows(tmp_path / "x.duckdb"))


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_each_encoding_with_month_from_file_name(db, encoding):
    report = ingest(wb.county_csv(encoding), "白水县_2021-07.csv", db)
    assert report.status == "loaded", [p.message("en") for p in report.problems]
    got = rows(db)
    assert [(r["region"], r["unit"], r["status"], r["planned_investment"]) for r in got] == [
        ("白水县", "石桥镇", "in_progress", 1234.5),
        ("白水县", "石桥镇", "completed", 80.0),
        ("白水县", "龙泉乡", "not_started", 500.0),
    ]
    assert got[0]["report_month"] == D(2021, 7, 1)
    assert got[2]["deadline"] == D(2021, 10, 31)
    assert got[2]["actual_investment"] is None
    assert [r["source_row"] for r in got] == [2, 3, 4]


def test_html_table_saved_as_xls_with_rowspan_and_completed_flag(db):
    report = ingest(wb.county_html(), "红石区.xls", db)
    assert report.status == "loaded", [p.message("en") for p in report.problems]
    got = rows(db)
    assert [(r["unit"], r["title"], r["status"], r["beneficiaries"]) for r in got] == [
        ("东街街道", "楼道灯维修", "completed", 80),
        ("东街街道", "小区垃圾清运", "in_progress", 120),
        ("西街街道", "<script>alert(1)</script>", "completed", 12000),
    ]
    assert got[0]["report_month"] == D(2021, 6, 1)


def test_month_missing_is_refused_and_asks_for_month(db):
    data = wb.xlsx({"台账": [["项目名称", "责任单位", "进展情况"], ["修路", "市交通局", "已完成"]]})
    report = ingest(data, "ledger.xlsx", db)
    assert report.status == "rejected"
    assert [p.code for p in report.problems] == ["no_month"]
    assert "--month" in report.problems[0].message("zh")
    report = ingest(data, "ledger.xlsx", db, month=D(2021, 3, 1))
    assert report.status == "loaded"
    assert rows(db)[0]["report_month"] == D(2021, 3, 1)


def test_bad_cells_refuse_the_whole_file_with_every_place(db):
    data = wb.xlsx(
        {
            "台账": [
                ["测试台账（2021年4月）"],
                ["责任单位", "项目名称", "进展情况", "计划投资（万元）", "完成时限"],
                ["市教育局", "好的一行", "已完成", 10, "2021-06-30"],
                ["市教育局", "坏状态", "差不多了", 10, "2021-06-30"],
                ["市教育局", "坏金额", "推进中", "很多", "2021.1"],
            ]
        }
    )
    report = ingest(data, "bad.xlsx", db)
    assert report.status == "rejected"
    got = [(p.code, p.row, p.column) for p in report.problems]
    assert got == [("bad_status", 4, "C"), ("bad_amount", 5, "D"), ("ambiguous_date", 5, "E")]
    assert not os.path.exists(db)  # refused before the database was opened


def test_keep_going_loads_good_rows_and_records_the_rest(db):
    data = wb.xlsx(
        {
            "台账": [
                ["测试台账（2021年4月）"],
                ["责任单位", "项目名称", "进展情况"],
                ["市教育局", "好的一行", "已完成"],
                ["市教育局", "坏状态", "差不多了"],
            ]
        }
    )
    report = ingest(data, "bad.xlsx", db, keep_going=True)
    assert report.status == "loaded"
    assert (report.rows_loaded, report.rows_rejected) == (1, 1)
    assert [r["title"] for r in rows(db)] == ["好的一行"]
    rejected = rows(db, "SELECT source_row, source_column, code FROM rejected_rows")
    assert rejected == [{"source_row": 4, "source_column": "C", "code": "bad_status"}]


def test_same_content_again_changes_nothing(db):
    data = wb.county_xlsx()  # built once: openpyxl stamps the time into each workbook
    first = ingest(data, "county.xlsx", db)
    second = ingest(data, "renamed.xlsx", db)
    assert (first.status, second.status) == ("loaded", "unchanged")
    assert len(rows(db)) == 3
    assert rows(db, "SELECT count(*) AS n FROM uploads") == [{"n": 1}]


def test_new_sheet_for_a_unit_month_replaces_it(db):
    def ledger(status):
        return wb.xlsx(
            {
                "台账": [
                    ["台账（2021年4月）"],
                    ["责任单位", "项目名称", "进展情况"],
                    ["市教育局", "修操场", status],
                    ["市民政局", "敬老院", "推进中"],
                ]
            }
        )

    ingest(ledger("推进中"), "v1.xlsx", db)
    only_education = wb.xlsx(
        {"台账": [["台账（2021年4月）"], ["责任单位", "项目名称", "进展情况"], ["市教育局", "修操场", "已完成"]]}
    )
    report = ingest(only_education, "v2.xlsx", db)
    assert report.status == "loaded" and report.replaced_rows == 1
    got = rows(db, "SELECT unit, status FROM tasks ORDER BY unit")
    assert got == [{"unit": "市教育局", "status": "completed"}, {"unit": "市民政局", "status": "in_progress"}]
    assert rows(db, "SELECT count(*) AS n FROM superseded_rows") == [{"n": 1}]


def test_formula_without_saved_value_is_refused(db):
    data = wb.xlsx(
        {
            "台账": [
                ["台账（2021年4月）"],
                ["责任单位", "项目名称", "进展情况", "计划投资"],
                ["市教育局", "修操场", "推进中", "=1+1"],
            ]
        }
    )
    report = ingest(data, "formula.xlsx", db)
    assert report.status == "rejected"
    assert [(p.code, p.row, p.column) for p in report.problems] == [("formula_without_value", 3, "D")]
    assert "保存" in report.problems[0].message("zh")


def test_hidden_sheet_as_only_candidate_is_refused(db):
    data = wb.xlsx(
        {"说明": [["请填写"]],
         "台账": [["台账（2021年4月）"], ["责任单位", "项目名称", "进展情况"], ["市教育局", "修操场", "推进中"]]},
        hidden=("台账",),
    )
    report = ingest(data, "hidden.xlsx", db)
    assert [p.code for p in report.problems] == ["hidden_ledger_sheet"]
    assert "台账" in report.problems[0].message("zh")


def test_sheet_starting_at_b3_keeps_excel_row_numbers(db):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws["B3"] = "台账（2021年4月）"
    for j, h in enumerate(["责任单位", "项目名称", "进展情况", "计划投资"]):
        ws.cell(row=5, column=2 + j, value=h)
    for j, v in enumerate(["市教育局", "修操场", "推进中", "abc"]):
        ws.cell(row=6, column=2 + j, value=v)
    buf = io.BytesIO()
    book.save(buf)
    report = ingest(buf.getvalue(), "offset.xlsx", db)
    assert [(p.code, p.row, p.column) for p in report.problems] == [("bad_amount", 6, "E")]


def test_no_ledger_sheet_lists_what_was_seen(db):
    data = wb.xlsx({"Sheet1": [["姓名", "电话"], ["张三", "123"]]})
    with pytest.raises(FileRefused) as refused:
        prepare(data, "contacts.xlsx")
    assert [p.code for p in refused.value.problems] == ["no_ledger_sheet"]
    assert "Sheet1" in refused.value.problems[0].message("zh")


def test_missing_status_column_names_the_column(db):
    data = wb.xlsx({"台账": [["台账（2021年4月）"], ["责任单位", "项目名称", "计划投资"], ["市教育局", "修操场", 10]]})
    report = ingest(data, "nostatus.xlsx", db)
    assert [p.code for p in report.problems] == ["missing_column"]
    assert "进展情况" in report.problems[0].message("zh")


def test_backfilled_month_counts_as_submitted_on_the_sheets_filing_date(db):
    report = ingest(wb.city_ledger_xlsx(), "city.xlsx", db, submitted_at="sheet")
    assert report.status == "loaded"
    got = rows(db, "SELECT submitted_at, loaded_at FROM uploads")
    assert got[0]["submitted_at"] == dt.datetime(2021, 4, 25, 12, 0)
    assert got[0]["loaded_at"].date() == dt.date.today()


def test_a_normal_load_is_submitted_when_loaded(db):
    ingest(wb.county_xlsx(), "county.xlsx", db)
    got = rows(db, "SELECT submitted_at, loaded_at FROM uploads")
    assert got[0]["submitted_at"] == got[0]["loaded_at"]
