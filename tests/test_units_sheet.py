"""The units sheet: which units are expected to report, read from an office's list."""
from __future__ import annotations

import datetime as dt

import pytest

from loaders.__main__ import main
from loaders.pipeline import ingest
from loaders.problems import FileRefused
from loaders.units_sheet import load_units, read_units
from metrics.submissions import submissions
from taizhang.database import reading
from tests import workbooks as wb


def units_sheet() -> bytes:
    return wb.xlsx({
        "说明": [["请在“名单”表中填写应报单位。"]],
        "名单": [
            ["江州市“我为群众办实事”应报单位名单"],
            ["序号", "单位名称", "所属县区"],
            [1, "市教育局", "市直"],
            [2, " 城关镇 ", "青山县"],
            [3, "市教育局", "市直"],
            [4, "<script>x</script>", None],
            [None, None, None],
            ["合计", None, None],
        ],
    })


def table(db: str) -> dict:
    with reading(db) as con:
        rows = con.execute("SELECT unit, region, active, source, since FROM units ORDER BY unit").fetchall()
    return {r[0]: r[1:] for r in rows}


def test_reads_units_and_regions_under_a_title():
    sheet = read_units(units_sheet(), "名单.xlsx")
    assert sheet.sheet == "名单" and sheet.header_row == 2
    assert sheet.units == [("市教育局", "市直"), ("城关镇", "青山县"), ("<script>x</script>", None)]
    assert sheet.duplicates == ["市教育局"]


def test_csv_with_unit_column_only():
    data = "责任单位\r\n市民政局\r\n市医保局\r\n".encode("gb18030")
    assert read_units(data, "units.csv").units == [("市民政局", None), ("市医保局", None)]


def test_a_sheet_without_a_unit_column_is_refused():
    with pytest.raises(FileRefused) as refused:
        read_units(wb.xlsx({"Sheet1": [["姓名", "电话"], ["张三", "123"]]}), "x.xlsx")
    assert refused.value.problems[0].code == "missing_column"
    assert "单位" in refused.value.problems[0].message("zh")


def test_sheet_units_are_expected_every_month_and_learned_units_join(tmp_path):
    db = str(tmp_path / "u.duckdb")
    ledger = wb.xlsx({"台账": [["台账（2021年5月）"], ["责任单位", "项目名称", "进展情况"], ["市民政局", "a", "推进中"],
                                 ["市教育局", "b", "已完成"]]})
    ingest(ledger, "may.xlsx", db)  # both learned from May
    counts = load_units(db, read_units(units_sheet(), "名单.xlsx").units, actor="admin", file_name="名单.xlsx")
    assert counts == {"added": 2, "updated": 1, "deactivated": 0}
    got = table(db)
    assert got["市教育局"] == ("市直", True, "sheet", None)
    assert got["市民政局"] == (None, True, "learned", dt.date(2021, 5, 1))
    with reading(db) as con:
        april = submissions(con, dt.date(2021, 4, 1), 25)
    assert sorted(april.units("missing")) == sorted(["市教育局", "城关镇", "<script>x</script>"])
    with reading(db) as con:
        actions = con.execute("SELECT action, actor, target FROM audit_log WHERE action = 'units_sheet'").fetchall()
    assert actions == [("units_sheet", "admin", "名单.xlsx")]


def test_replace_stops_expecting_units_not_in_the_sheet(tmp_path):
    db = str(tmp_path / "u.duckdb")
    load_units(db, [("甲", None), ("乙", None)])
    assert load_units(db, [("甲", "东湖县")], replace=True) == {"added": 0, "updated": 1, "deactivated": 1}
    assert table(db) == {"甲": ("东湖县", True, "sheet", None), "乙": (None, False, "sheet", None)}


def test_cli(tmp_path, capsys):
    db = tmp_path / "u.duckdb"
    path = tmp_path / "名单.xlsx"
    path.write_bytes(units_sheet())
    assert main(["--lang", "en", "units", str(path), "--db", str(db)]) == 0
    assert "3 units on sheet '名单', 3 added" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(wb.xlsx({"Sheet1": [["姓名"], ["张三"]]}))
    assert main(["--lang", "en", "units", str(bad), "--db", str(db)]) == 1
    assert "单位" in capsys.readouterr().err
