"""The clerk's sheet back, with every bad cell marked and a comment on each.

For an .xlsx the original workbook is kept as it is and only marked; other
formats (.xls, CSV, HTML) are rebuilt cell by cell in an .xlsx at the same rows
and columns, so "row 12, column F" still points at the same cell. A first
sheet 问题清单 lists every problem. Text from the file is written as text,
never as a formula.
"""
from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string

from loaders.problems import Problem
from loaders.read import read_grids
from loaders.safety import sniff

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible_controls(text: str) -> str:
    """Control characters a worksheet cannot hold, as their Control Pictures
    (\x01 -> ␁): the clerk sees where they were instead of the copy failing."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: chr(0x2400 + ord(m.group())), text)


def write_text(cell, value) -> None:
    """Put user text in a cell so that no spreadsheet evaluates it."""
    if isinstance(value, str):
        value = _visible_controls(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True


def _problem_sheet(book: Workbook, problems: list[Problem], lang: str) -> None:
    sheet = book.create_sheet("问题清单" if lang == "zh" else "Problems", 0)
    headers = ("工作表", "行", "列", "问题") if lang == "zh" else ("Sheet", "Row", "Column", "Problem")
    for col, text in enumerate(headers, start=1):
        sheet.cell(row=1, column=col, value=text).font = Font(bold=True)
    for i, p in enumerate(problems, start=2):
        write_text(sheet.cell(row=i, column=1), p.sheet or "")
        sheet.cell(row=i, column=2, value=p.row)
        write_text(sheet.cell(row=i, column=3), p.column or "")
        write_text(sheet.cell(row=i, column=4), p.text(lang))
    sheet.column_dimensions["D"].width = 90
    sheet.freeze_panes = "A2"


def _mark(book: Workbook, problems: list[Problem], lang: str) -> None:
    notes: dict[tuple[str, int, str], list[str]] = {}
    for p in problems:
        if p.sheet and p.row and p.column:
            notes.setdefault((p.sheet, p.row, p.column), []).append(p.text(lang))
    for (sheet_name, row, column), texts in notes.items():
        if sheet_name not in book.sheetnames:
            continue
        cell = book[sheet_name].cell(row=row, column=column_index_from_string(column))
        cell.fill = BAD_FILL
        cell.comment = Comment("\n".join(texts), "台账看板", width=320, height=120)


def annotated_workbook(data: bytes, file_name: str, problems: list[Problem], lang: str = "zh") -> bytes:
    sniffed = sniff(data, file_name)
    if sniffed.kind == "xlsx":
        book = load_workbook(io.BytesIO(data))
    else:
        book = Workbook()
        book.remove(book.active)
        for grid in read_grids(sniffed, file_name).sheets:
            sheet = book.create_sheet(grid.name[:31])
            for r, row in enumerate(grid.rows(0, grid.n_rows)):
                for c, value in enumerate(row):
                    if value is not None:
                        write_text(sheet.cell(row=grid.excel_row(r), column=c + grid.col_offset + 1), value)
    _mark(book, problems, lang)
    _problem_sheet(book, problems, lang)
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
