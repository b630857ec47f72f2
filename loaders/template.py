"""The ledger template staff download: expected headers, dropdowns, a notes sheet.

A sheet filled in from it must load with no problem (tests/test_template.py).
"""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

CATEGORIES = ("解民忧暖民心", "关爱老区关心英烈后代", "党员志愿活动",
              "政策惠民", "项目建设服务", "历史遗留问题及信访积案化解")
STATUSES = ("已完成", "推进中", "未启动")
HEADERS = (
    ("序号", 6),
    ("责任单位", 18),
    ("项目名称", 30),
    ("类别", 16),
    ("责任人", 10),
    ("完成时限", 14),
    ("计划投资（万元）", 12),
    ("完成投资（万元）", 12),
    ("服务群众（人次）", 12),
    ("进展情况", 10),
    ("备注", 20),
)
NOTES = (
    "填报说明",
    "1. 每月一报：请在每月规定日期前上传本单位台账，上传后可在“上传记录”中查看。",
    "2. 请勿改动表头；标题中的“YYYY年M月”是报送月份，系统据此识别月份。",
    "3. 进展情况只填“已完成”“推进中”“未启动”（下拉选择）。",
    "4. 完成时限填日期（如 2021-06-30），长期任务填“长期”。",
    "5. 投资单位为万元；如以亿元或元填写，请在数字后写明单位（如 1.2亿元）。",
    "6. 合计行、分类标题行（如“一、解民忧暖民心”）会被自动跳过，不计为任务。",
    "7. 表中公式请在 Excel 或 WPS 中保存后再上传。",
)


def build_template(unit: str | None = None, month: dt.date | None = None, categories=CATEGORIES,
                   region: str | None = None) -> bytes:
    """The template, with the unit and its region filled in when known (the
    region line keeps a 市直 department's sheet under 市直, not "县区未填")."""
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    month_text = f"{month.year}年{month.month}月" if month else "YYYY年M月"
    width = len(HEADERS)
    sheet.cell(row=1, column=1, value=f"{unit or '（单位名称）'}“我为群众办实事”项目台账（{month_text}）")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(row=1, column=1).font = Font(size=16, bold=True)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    sheet.cell(row=2, column=1, value=f"填报单位（盖章）：{unit or ''}    "
                                     f"所属县区：{region or ''}    填报人：    填报时间：")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    thin = Side(style="thin", color="999999")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (text, col_width) in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=3, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        sheet.column_dimensions[cell.column_letter].width = col_width
    sheet.freeze_panes = "A4"
    sheet.cell(row=3, column=10).comment = Comment("下拉选择：已完成 / 推进中 / 未启动", "台账看板")

    status = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
    status.error = "请从下拉列表选择：已完成、推进中或未启动"
    status.errorTitle = "进展情况"
    status.add("J4:J2000")
    sheet.add_data_validation(status)

    lists = book.create_sheet("选项")
    for i, name in enumerate(categories, start=1):
        lists.cell(row=i, column=1, value=name)
    lists.sheet_state = "hidden"
    category = DataValidation(type="list", formula1=f"=选项!$A$1:$A${max(len(categories), 1)}", allow_blank=True)
    category.add("D4:D2000")
    sheet.add_data_validation(category)

    money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    money.error = "请填写不小于 0 的数字（万元）"
    money.add("G4:H2000")
    sheet.add_data_validation(money)

    notes = book.create_sheet("填报说明", 0)
    for i, line in enumerate(NOTES, start=1):
        notes.cell(row=i, column=1, value=line)
    notes.cell(row=1, column=1).font = Font(size=14, bold=True)
    notes.column_dimensions["A"].width = 90
    book.active = 1

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
