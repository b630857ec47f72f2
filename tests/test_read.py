"""loaders.read: grids from real workbooks built here."""
from __future__ import annotations

import io

import fastexcel
import openpyxl

from loaders.read import read_grids
from loaders.safety import sniff


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
