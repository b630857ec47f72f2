"""loaders.impact: what a file would change, said before it changes (issue 12)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import duckdb
import pytest

from loaders import units_sheet
from loaders.impact import check
from loaders.pipeline import ingest, prepare
from tests import workbooks as wb

MAY = dt.date(2021, 5, 1)
HEADER = ["责任单位", "项目名称", "进展情况"]
WITH_REGION = ["县区", "责任单位", "项目名称", "进展情况"]


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "t.duckdb")


def query(db, sql):
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def sheet(month: int, rows: list[list], header=HEADER, title="台账") -> bytes:
    return wb.xlsx({"台账": [[f"{title}（2021年{month}月）"], header, *rows]})


def tasks(unit: str, n: int, status="推进中", region=None) -> list[list]:
    return [([region] if region else []) + [unit, f"{unit}任务{i}", status] for i in range(n)]


def test_a_department_without_a_region_column_takes_its_region_from_earlier_months(db):
    ingest(sheet(5, tasks("市教育局", 2, region="市直"), WITH_REGION), "a.xlsx", db)
    report = ingest(sheet(6, tasks("市教育局", 3)), "b.xlsx", db)  # the app's own template: no 县区 column
    assert report.status == "loaded"
    assert query(db, "SELECT DISTINCT region FROM tasks WHERE unit = '市教育局'") == [("市直",)]
    assert report.warnings == []


def test_the_admins_units_list_decides_the_region_and_a_contradiction_is_told(db, tmp_path):
    listed = units_sheet.read_units(wb.xlsx({"名单": [["单位", "县区"], ["城关镇", "青山县"]]}), "units.xlsx")
    units_sheet.load_units(db, listed.units)
    prepared = prepare(sheet(5, tasks("城关镇", 2, region="白水县"), WITH_REGION), "c.xlsx")
    impact = check(prepared, db)
    assert [(p.code, p.params["region"], p.params["known"]) for p in impact.region_notes] == [
        ("region_differs", "白水县", "青山县")]
    assert "仍按“青山县”统计" in impact.region_notes[0].message("zh")
    assert set(prepared.table.column("region").to_pylist()) == {"青山县"}
    report = ingest(sheet(5, tasks("城关镇", 2, region="白水县"), WITH_REGION), "c.xlsx", db)
    assert [w.code for w in report.warnings] == ["region_differs"]
    assert query(db, "SELECT DISTINCT region FROM tasks") == [("青山县",)]


def test_without_a_units_list_or_history_the_sheets_region_stands(db):
    report = ingest(sheet(5, tasks("城关镇", 1, region="青山县"), WITH_REGION), "a.xlsx", db)
    assert report.warnings == []
    assert query(db, "SELECT DISTINCT region FROM tasks") == [("青山县",)]


def test_one_unit_is_never_under_two_regions_in_a_month(db):
    rows = [["青山县", "城关镇", "甲", "已完成"], [None, "城关镇", "乙", "已完成"]]
    ingest(sheet(5, rows, WITH_REGION), "a.xlsx", db)
    assert query(db, "SELECT DISTINCT region FROM tasks") == [("青山县",)]


def test_replacement_is_stated_before_it_happens_and_a_much_smaller_sheet_is_flagged(db):
    ingest(sheet(5, tasks("市教育局", 77)), "full.xlsx", db)
    impact = check(prepare(sheet(5, tasks("市教育局", 5)), "part.xlsx"), db)
    assert [(r.unit, r.month, r.rows_now, r.rows_new, r.shrinks) for r in impact.replacements] == [
        ("市教育局", MAY, 77, 5, True)]
    impact = check(prepare(sheet(5, tasks("市教育局", 70)), "fix.xlsx"), db)
    assert [r.shrinks for r in impact.replacements] == [False]  # 70 of 77 is not "markedly fewer"
    assert impact.identical_upload is None


def test_the_same_bytes_again_are_recognised_before_confirming(db):
    data = sheet(5, tasks("市教育局", 3))
    first = ingest(data, "a.xlsx", db)
    impact = check(prepare(data, "copy.xlsx"), db)
    assert impact.identical_upload == first.upload_id


def test_dry_run_json_carries_the_replacement(db, tmp_path):
    ingest(sheet(5, tasks("市教育局", 77)), "full.xlsx", db)
    path = tmp_path / "市教育局（2021年5月）.xlsx"
    path.write_bytes(sheet(5, tasks("市教育局", 5)))
    done = subprocess.run([sys.executable, "-m", "loaders", "ingest", str(path), "--db", db, "--dry-run", "--json"],
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "TAIZHANG_LANG": "zh"})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[0])
    assert out["status"] == "checked"
    assert out["replaces"] == [{"unit": "市教育局", "month": "2021-05", "rows_now": 77, "rows_new": 5, "shrinks": True}]
    human = subprocess.run([sys.executable, "-m", "loaders", "ingest", str(path), "--db", db, "--dry-run"],
                           capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "TAIZHANG_LANG": "zh"})
    assert "将替换 市教育局 2021-05 现有的 77 行，而本文件只有 5 行" in human.stdout
    assert query(db, "SELECT count(*) FROM tasks") == [(77,)]  # a dry run writes nothing
