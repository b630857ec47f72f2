"""Residents' ratings as an .xlsx for admins: every text cell a string, never a formula.

Comments come from anyone on the internet: "=HYPERLINK(...)" must stay text in
Excel and WPS. Strings are written with write_string (no formula, URL or number
conversion), and those that start like a formula get Excel's quote prefix, as
the bulletin's workbook does (reports/workbook.py).
"""
from __future__ import annotations

import io

import xlsxwriter

from present.catalogue import text
from reports.workbook import formula_like

COLUMNS = (("rated_at", "ratings.col.time", 18), ("region", "col.region", 12), ("unit", "col.unit", 24),
           ("title", "col.title", 36), ("report_month", "col.month", 10), ("rating", "ratings.col.rating", 12),
           ("comment", "ratings.col.comment", 48), ("state", "ratings.col.state", 12),
           ("rating_id", "ratings.col.id", 34))


def state_key(row: dict) -> str:
    if row["hidden"]:
        return "ratings.state.hidden"
    return "ratings.state.comment_hidden" if row.get("comment_hidden") else "ratings.state.shown"


def ratings_workbook(rows: list[dict], lang: str = "zh") -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    header = book.add_format({"bold": True, "bg_color": "#1F4E8C", "font_color": "#FFFFFF", "border": 1,
                              "align": "center", "valign": "vcenter", "text_wrap": True})
    quoted = book.add_format({"quote_prefix": True})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet = book.add_worksheet(text("ratings.sheet", lang))
    sheet.freeze_panes(1, 0)
    for col, (_, key, width) in enumerate(COLUMNS):
        sheet.write_string(0, col, text(key, lang), header)
        sheet.set_column(col, col, width)
    for r, row in enumerate(rows, start=1):
        for col, (key, _, _) in enumerate(COLUMNS):
            value = row.get(key)
            if key == "rated_at" and value is not None:
                sheet.write_datetime(r, col, value, stamp)
                continue
            if key == "rating":
                value = text(f"fb.rating.{value}", lang)
            elif key == "state":
                value = text(state_key(row), lang)
            elif key == "report_month" and value is not None:
                value = f"{value:%Y-%m}"
            shown = "" if value is None else str(value)
            sheet.write_string(r, col, shown, quoted if formula_like(shown) else None)
    book.close()
    return buffer.getvalue()
