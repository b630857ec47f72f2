"""loaders.read: grids from real workbooks built here."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import fastexcel
import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from loaders.read import _scan_sheet_xml, _sheet_xml_chunks, read_grids
from loaders.safety import sniff

ROOT = Path(__file__).resolve().parent.parent


def _book_with_states() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["填报说明"])
    for name, state in (("台账", "visible"), ("旧台账", "hidden"), ("底稿", "veryHidden")):
        ws = wb.create_sheet(name)
        ws.sheet_state = state
        ws.append(["项目名称", "进展情况"])
        ws.append([f"{name}项目", "已完成"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_sheet_visibility_comes_from_the_workbook_and_agrees_with_fastexcel():
    data = _book_with_states()
    grids = read_grids(sniff(data, "状态.xlsx"), "状态.xlsx").sheets
    assert [(g.name, g.visible) for g in grids] == [
        ("说明", True), ("台账", True), ("旧台账", False), ("底稿", False)]
    reader = fastexcel.read_excel(data)
    assert [str(reader.load_sheet(i, header_row=None).visible) == "visible" for i in range(4)] == [
        g.visible for g in grids]
    assert grids[1].rows(0, 2) == [["项目名称", "进展情况"], ["台账项目", "已完成"]]


def _sheet_xml(prefix: str = "") -> bytes:
    p = prefix
    rows = [f'<{p}row r="3"><{p}c r="C3" t="s"><{p}v>0</{p}v></{p}c><{p}c r="D3"><{p}v>1</{p}v></{p}c></{p}row>']
    rows += [f'<{p}row r="{r}"><{p}c r="C{r}"><{p}v>{r}</{p}v></{p}c></{p}row>' for r in range(4, 60)]
    # a value further left, a formula saved without its value, a text formula with an empty result
    rows.append(f'<{p}row r="60"><{p}c r="B60"><{p}v>7</{p}v></{p}c>'
                f'<{p}c r="D60"><{p}f>SUM(C4:C59)</{p}f></{p}c>'
                f'<{p}c r="E60" t="str"><{p}f>""</{p}f><{p}v></{p}v></{p}c></{p}row>')
    return (f'<{p}worksheet xmlns:{p[:-1] or "x"}="urn:x"><{p}sheetData>' + "".join(rows)
            + f'</{p}sheetData><{p}mergeCells count="1"><{p}mergeCell ref="C3:D3"/></{p}mergeCells>'
            + f'</{p}worksheet>').encode()


@pytest.mark.parametrize("prefix", ["", "x:"])
@pytest.mark.parametrize("size", [1, 37, 200, 1000, 1 << 20])
def test_streamed_sheet_scan_finds_the_same_whatever_the_piece_size(prefix, size):
    xml = _sheet_xml(prefix)
    pieces = list(_sheet_xml_chunks(io.BytesIO(xml), size))
    assert b"".join(pieces) == xml
    assert all(p.endswith(f"</{prefix}row>".encode()) for p in pieces[:-1])
    # first row 3, first column B (from row 60), C3:D3 merged, D60 a formula without its value
    assert _scan_sheet_xml(pieces) == (2, 1, [(2, 2, 2, 3)], [(59, 3)])


def _book_with_chartsheet(ledger_rows: list[list]) -> bytes:
    """A sheet of rows and, after it, a chart sheet (a chart on a whole tab)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    for row in ledger_rows:
        ws.append(row)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=len(ledger_rows)))
    wb.create_chartsheet("进度图").add_chart(chart)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ingest(path: Path, db: Path) -> subprocess.CompletedProcess:
    """`python -m loaders ingest` as a clerk runs it (as in test_cli)."""
    env = {**os.environ, "TAIZHANG_LANG": "zh"}
    env.pop("TAIZHANG_DB", None)
    return subprocess.run([sys.executable, "-m", "loaders", "ingest", str(path), "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)


def test_a_chart_sheet_leaves_no_library_message_on_the_clerks_terminal(tmp_path):
    # calamine reports the chart sheet ("'chartsheet' not a valid worksheet")
    # through Python's logging, which printed it on stderr above our own lines.
    ledger = tmp_path / "青山县_2021-05.xlsx"
    ledger.write_bytes(_book_with_chartsheet([
        ["青山县我为群众办实事重点项目台账（2021年5月）"],
        ["序号", "乡镇（街道）", "项目名称", "计划投资（万元）", "项目进度"],
        [1, "城关镇", "老旧小区改造", 120, "按序时推进"],
        [2, "河口乡", "村道硬化", 35, "已完成"],
    ]))
    loaded = _ingest(ledger, tmp_path / "t.duckdb")
    assert loaded.returncode == 0, loaded.stderr
    assert "已导入" in loaded.stdout
    assert "chartsheet" not in loaded.stderr and "Warning" not in loaded.stderr
    assert loaded.stderr == ""

    # A refused file: our message is all the clerk sees.
    notes = tmp_path / "说明.xlsx"
    notes.write_bytes(_book_with_chartsheet([["填报说明"], ["进度见图表"]]))
    refused = _ingest(notes, tmp_path / "t.duckdb")
    assert refused.returncode == 1
    assert "没有找到台账表" in refused.stderr
    assert "chartsheet" not in refused.stderr and "Warning" not in refused.stderr
    assert refused.stderr.startswith("说明.xlsx: ")  # nothing above our message
