"""The demo writes realistic, messy ledger files (never database rows)."""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from loaders.demo import CATEGORIES, CITY_REGION, STATUS_WORDS, DemoFile, write_demo_files

ALL_WORDS = {w for words in STATUS_WORDS.values() for w in words}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, list[DemoFile], list[tuple[int, int]]]:
    out = tmp_path_factory.mktemp("demo")
    calls: list[tuple[int, int]] = []
    files = write_demo_files(out, months=2, progress=lambda done, total: calls.append((done, total)))
    return out, files, calls


def _month(files: list[DemoFile], m: int) -> list[DemoFile]:
    return [f for f in files if f.report_month == date(2021, m, 1)]


def _by_name(files: list[DemoFile], m: int, pattern: str) -> DemoFile:
    found = [f for f in _month(files, m) if re.search(pattern, f.path.name)]
    assert len(found) == 1, [f.path.name for f in _month(files, m)]
    return found[0]


def test_files_exist_with_expected_suffixes(demo):
    out, files, calls = demo
    assert {f.report_month for f in files} == {date(2021, 1, 1), date(2021, 2, 1)}
    first = _month(files, 1)
    assert len(first) == 15   # city departments + 14 县区, everyone reports in the first month
    for f in files:
        assert f.path.is_file() and f.path.stat().st_size > 0
        assert out in f.path.parents
        assert f.path.suffix in {".xlsx", ".xls", ".csv"}
        assert f.tasks > 0 and f.units
        assert "2021" in f.path.name and ("1月" in f.path.name or "2月" in f.path.name
                                          or "-01" in f.path.name or "-02" in f.path.name)
    assert sorted(f.path.suffix for f in first).count(".csv") == 1
    assert sum(f.path.suffix == ".xls" for f in first) == 4      # 3 xlwt + 1 HTML
    assert calls[-1][0] == calls[-1][1] == len(files)
    assert [c[0] for c in calls] == list(range(1, len(files) + 1))


def test_volume_and_units(demo):
    _, files, _ = demo
    for m in (1, 2):
        rows = sum(f.tasks for f in _month(files, m))
        assert 2000 <= rows <= 3000, rows
    units = {(f.region, u) for f in files for u in f.units}
    assert 150 <= len(units) <= 400


def test_city_ledger_layout(demo):
    _, files, _ = demo
    f = _by_name(files, 1, r"^江州市市直单位.*（2021年1月）\.xlsx$")
    assert f.region == CITY_REGION
    wb = openpyxl.load_workbook(f.path)
    assert wb.sheetnames[0] == "填报说明"
    ws = wb.worksheets[1]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:K1" in merged
    assert ws["A1"].value == "江州市市直单位“我为群众办实事”实践活动项目台账（2021年1月）"
    assert ws["A2"].value.startswith("填报单位（盖章）：市直机关工委")
    # Two-row header: single-level columns merged vertically, a band over the investment pair.
    for col in "ABCDEFIJK":
        assert f"{col}3:{col}4" in merged
    assert "G3:H3" in merged
    assert ws["G3"].value == "投资情况（万元）"
    assert (ws["G4"].value, ws["H4"].value) == ("计划投资", "完成投资")
    assert [ws.cell(3, c).value for c in (1, 2, 3, 6, 9, 10)] == \
        ["序号", "责任单位", "项目名称", "完成时限", "服务群众（人次）", "进展情况"]
    assert ws["A5"].value == f"一、{CATEGORIES[0][0]}（{CATEGORIES[0][1]}条）"
    last = [ws.cell(r, 1).value for r in range(ws.max_row - 1, ws.max_row + 1)]
    assert last[0] == "合计" and last[1].startswith("注：")


def test_city_tasks_and_categories_add_up(demo):
    _, files, _ = demo
    f = _by_name(files, 1, r"^江州市市直单位")
    assert abs(f.tasks - 1106) <= 5
    assert len(f.units) == 55
    ws = openpyxl.load_workbook(f.path, read_only=True).worksheets[1]
    groups: dict[str, int] = {}
    counted: dict[str, int] = {}
    current = None
    statuses = set()
    for row in ws.iter_rows(min_row=5, values_only=True):
        first = row[0]
        if isinstance(first, str) and (m := re.fullmatch(r"[一二三四五六]、(.+)（(\d+)条）", first)):
            current = m.group(1)
            groups[current] = int(m.group(2))
            counted[current] = 0
        elif isinstance(first, int):
            counted[current] += 1
            assert row[1] in f.units and row[2]
            statuses.add(row[9])
    assert groups == counted
    assert sum(counted.values()) == f.tasks
    assert list(groups) == [c for c, _ in CATEGORIES]
    # Month 1 is the task list fixed at the start of the year.
    assert groups == dict(CATEGORIES)
    assert statuses <= ALL_WORDS and len(statuses) >= 4


def test_csv_is_gb18030_without_title(demo):
    _, files, _ = demo
    f = _by_name(files, 1, r"\.csv$")
    raw = f.path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    text.encode("gbk")   # plain GBK too: what older county systems export
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["县区", "乡镇", "项目名称", "类别", "进展情况", "计划投资", "完成投资", "完成时限",
                       "服务群众（人次）"]
    assert len(rows) - 1 == f.tasks
    assert {r[0] for r in rows[1:]} == {f.region}
    assert any("," in r[5] for r in rows[1:])   # "1,234.5"
    assert {r[4] for r in rows[1:]} <= ALL_WORDS
    assert re.search(r"_2021-01\.csv$", f.path.name)


def test_legacy_xls_opens_with_calamine(demo):
    _, files, _ = demo
    xls = [f for f in _month(files, 1) if f.path.suffix == ".xls"
           and not f.path.read_bytes().lstrip().lower().startswith(b"<html")]
    assert len(xls) == 3
    for f in xls:
        assert f.path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"   # BIFF8 in an OLE2 container
        rows = CalamineWorkbook.from_path(str(f.path)).get_sheet_by_index(0).to_python()
        assert rows[0][0] == f"{f.region}我为群众办实事重点项目台账（2021年1月）"
        header = next(i for i, r in enumerate(rows) if r[0] == "序号")
        assert "乡镇（街道）" in rows[header] and "项目进度" in rows[header]
        towns = [r[1] for r in rows[header + 1:] if isinstance(r[0], (int, float)) and r[1]]
        assert towns == list(f.units)   # merged 乡镇 cells: only the first cell holds the name


def test_html_under_xls_name(demo):
    _, files, _ = demo
    html = [f for f in _month(files, 1) if f.path.read_bytes()[:5].lower() == b"<html"]
    assert len(html) == 1 and html[0].path.suffix == ".xls"
    text = html[0].path.read_text(encoding="utf-8")
    assert text.startswith("<html")
    assert "rowspan" in text and "<th>项目名称</th>" in text
    assert "（2021年1月）" in text


def test_amount_shapes_and_micro(demo):
    _, files, _ = demo
    yi = openpyxl.load_workbook(_by_name(files, 1, r"^石桥县").path, read_only=True).worksheets[0]
    header = [c.value for c in next(r for r in yi.iter_rows(max_row=5) if r[0].value == "序号")]
    assert "计划投资（亿元）" in header
    text = openpyxl.load_workbook(_by_name(files, 1, r"^白沙县").path, read_only=True).worksheets[0]
    cells = {str(v) for row in text.iter_rows(min_row=4, values_only=True) for v in row[5:7] if v}
    assert any(v.endswith("万元") for v in cells) and any(v.endswith("亿元") for v in cells)
    assert any(re.fullmatch(r"\d+元", v) for v in cells)
    micro = _by_name(files, 1, r"微实事")
    ws = openpyxl.load_workbook(micro.path).worksheets[0]
    assert [c.value for c in ws[3]] == ["序号", "乡镇（街道）", "微实事名称", "认领人", "计划投资（万元）",
                                         "是否完成", "服务群众（人次）", "完成时限"]
    flags = {r[5] for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)}
    assert flags == {"是", "否"}
    assert any(str(r).startswith("B4:B") for r in ws.merged_cells.ranges)


def test_same_seed_same_bytes(tmp_path, demo):
    _, files, _ = demo
    again = write_demo_files(tmp_path / "a", months=1)
    first = _month(files, 1)
    assert [f.path.name for f in again] == [f.path.name for f in first]
    for a, b in zip(again, first):
        assert a.path.read_bytes() == b.path.read_bytes(), a.path.name
    other = write_demo_files(tmp_path / "b", months=1, seed=7)
    csv_a = next(f for f in again if f.path.suffix == ".csv").path.read_bytes()
    csv_b = next(f for f in other if f.path.suffix == ".csv").path.read_bytes()
    assert csv_a != csv_b


def test_progress_moves_forward(demo):
    """The same tasks are reported again a month later, none going backwards."""
    _, files, _ = demo
    rank = {w: s for s, words in STATUS_WORDS.items() for w in words}
    order = {"not_started": 0, "in_progress": 1, "completed": 2}

    def read(f: DemoFile) -> dict[tuple[str, str], str]:
        rows = list(csv.reader(io.StringIO(f.path.read_bytes().decode("gb18030"))))[1:]
        return {(r[1], r[2]): rank[r[4]] for r in rows}

    jan = read(_by_name(files, 1, r"\.csv$"))
    feb_files = [f for f in _month(files, 2) if f.path.suffix == ".csv"]
    if not feb_files:
        pytest.skip("the CSV county skipped February with this seed")
    feb = read(feb_files[0])
    common = jan.keys() & feb.keys()
    assert len(common) > 50
    assert all(order[feb[k]] >= order[jan[k]] for k in common)
    assert sum(order[feb[k]] > order[jan[k]] for k in common) > 0


def test_without_xlwt_the_xls_counties_come_as_xlsx(tmp_path, monkeypatch):
    """xlwt is a dev dependency only; `make run` must still build the demo."""
    import loaders.demo as demo_mod

    monkeypatch.setattr(demo_mod, "_have_xlwt", lambda: False)
    files = write_demo_files(tmp_path, months=1)
    assert len(files) == 15
    xls = [f for f in files if f.path.suffix == ".xls"]
    assert len(xls) == 1 and xls[0].path.read_bytes()[:5] == b"<html"   # only the HTML one
    for f in files:
        assert f.path.is_file()
