"""The template loads clean once filled in; a refused sheet comes back with its bad cells marked."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl

from loaders.annotate import annotated_workbook
from loaders.pipeline import ingest
from loaders.template import build_template
from tests import workbooks as wb


def test_a_filled_in_template_loads_with_no_problem(tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(build_template("市教育局", dt.date(2021, 4, 1))))
    assert book.sheetnames[:2] == ["填报说明", "台账"]
    sheet = book["台账"]
    assert [c.value for c in sheet[3]][:3] == ["序号", "责任单位", "项目名称"]
    statuses = [dv for dv in sheet.data_validations.dataValidation if "J4" in str(dv.sqref)]
    assert statuses and "已完成" in statuses[0].formula1
    sheet.append([1, "市教育局", "校园周边交通整治", "解民忧暖民心", "李四", dt.datetime(2021, 6, 30), 120, 80, 1200,
                  "推进中", None])
    sheet.append([2, "市教育局", "课后服务", "政策惠民", "王五", "长期", None, None, 3000, "已完成", "新增"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = ingest(buffer.getvalue(), "filled.xlsx", str(tmp_path / "t.duckdb"))
    assert report.status == "loaded" and report.problems == []
    assert (report.rows_loaded, report.units, report.report_month) == (2, ["市教育局"], dt.date(2021, 4, 1))


def test_the_template_carries_the_units_region_and_a_sheet_filled_from_it_keeps_it(tmp_path):
    for region in ("市直", "青山县"):
        book = openpyxl.load_workbook(io.BytesIO(build_template("市教育局", dt.date(2021, 4, 1), region=region)))
        sheet = book["台账"]
        assert f"所属县区：{region}" in sheet["A2"].value
        sheet.append([1, "市教育局", "修操场", "解民忧暖民心", "李四", "长期", None, None, None, "推进中", None])
        buffer = io.BytesIO()
        book.save(buffer)
        db = str(tmp_path / f"{region}.duckdb")
        assert ingest(buffer.getvalue(), "filled.xlsx", db).status == "loaded"
        import duckdb

        con = duckdb.connect(db, read_only=True)
        assert con.execute("SELECT DISTINCT region, unit FROM tasks").fetchall() == [(region, "市教育局")]
        con.close()


def bad_ledger():
    return wb.xlsx(
        {
            "台账": [
                ["测试台账（2021年4月）"],
                ["责任单位", "项目名称", "进展情况", "计划投资（万元）"],
                ["市教育局", "好的一行", "已完成", 10],
                ["市教育局", "坏状态", "差不多了", "很多"],
            ]
        }
    )


def test_refused_xlsx_comes_back_with_bad_cells_marked(tmp_path):
    data = bad_ledger()
    report = ingest(data, "bad.xlsx", str(tmp_path / "t.duckdb"))
    marked = openpyxl.load_workbook(io.BytesIO(annotated_workbook(data, "bad.xlsx", report.problems)))
    assert marked.sheetnames == ["问题清单", "台账"]
    listing = [[c.value for c in row] for row in marked["问题清单"].iter_rows(min_row=2)]
    assert [(r[0], r[1], r[2]) for r in listing] == [("台账", 4, "C"), ("台账", 4, "D")]
    for ref in ("C4", "D4"):
        cell = marked["台账"][ref]
        assert cell.fill.fgColor.rgb.endswith("FFC7CE") and cell.comment is not None
    assert "差不多了" in marked["台账"]["C4"].comment.text
    assert marked["台账"]["C3"].comment is None  # good cells untouched


def test_csv_is_rebuilt_at_the_same_rows_and_columns(tmp_path):
    data = wb.county_csv().replace("推进中".encode("gb18030"), "=1+1".encode("gb18030"))
    report = ingest(data, "白水县_2021-07.csv", str(tmp_path / "t.duckdb"))
    assert [(p.code, p.row, p.column) for p in report.problems] == [("bad_status", 2, "E")]
    marked = openpyxl.load_workbook(
        io.BytesIO(annotated_workbook(data, "白水县_2021-07.csv", report.problems, lang="en")))
    sheet = marked["白水县_2021-07"]
    assert sheet["E2"].value == "=1+1" and sheet["E2"].data_type == "s"  # text, never a live formula
    assert sheet["C2"].value == "便民服务中心改造"
    assert "not recognised" in sheet["E2"].comment.text


def test_a_csv_cell_with_a_control_character_is_marked_up_not_a_crash(tmp_path):
    # openpyxl refuses control characters in cells; the marked-up copy shows them as ␁
    data = "台账（2021年4月）\n责任单位,项目名称,进展情况\n市教育局,修\x01操场,不知道\n".encode("utf-8")
    report = ingest(data, "控制符.csv", str(tmp_path / "a.duckdb"))
    assert [p.code for p in report.problems] == ["bad_status"]
    book = openpyxl.load_workbook(io.BytesIO(annotated_workbook(data, "控制符.csv", report.problems)))
    sheet = book.worksheets[1]
    assert [c.value for c in sheet[3]] == ["市教育局", "修␁操场", "不知道"]
    assert sheet["C3"].fill.fgColor.rgb.endswith("FFC7CE")


def test_control_characters_never_reach_the_database(tmp_path):
    import duckdb

    data = "台账（2021年4月）\n责任单位,项目名称,进展情况\n市教育局\x07,修\x01操场,已完成\n".encode("utf-8")
    db = str(tmp_path / "c.duckdb")
    assert ingest(data, "控制符.csv", db).status == "loaded"
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT unit, title FROM tasks").fetchall() == [("市教育局", "修操场")]
    con.close()
