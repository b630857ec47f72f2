"""The bulletin's tables as an .xlsx (附表): unit ranking, regions, red and black
lists, and every overdue item, in Chinese like the bulletin.

Text from the ledgers (unit, region, task titles) is written with
write_string, never as a formula, and text that a spreadsheet would read as a
formula when retyped (starting with = + - @, or a tab or carriage return) also
gets Excel's quote prefix, so "=1+1" or "@SUM(A1)" stays text even after a
clerk edits the cell.
"""
from __future__ import annotations

import io
import math

import xlsxwriter

from metrics import MEASURES, missing_reason
from present import format as fmt
from present.catalogue import text as _text
from reports.bulletin import Bulletin
from reports.document import MEASURE_NAMES, UNKNOWN_REGION, date_zh, latest_zh, reason, status_zh

# the measures of the league sheets whose "—" the 说明 column explains
LEAGUE_MEASURES = ("completion_rate", "on_time_rate", "investment_completion", "overdue")


def text_zh(key: str, **values) -> str:
    return _text(key, "zh", **values)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def _number(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def write(b: Bulletin) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    header = book.add_format({"bold": True, "bg_color": "#1F4E8C", "font_color": "#FFFFFF", "border": 1,
                              "align": "center", "valign": "vcenter", "text_wrap": True})
    quoted = book.add_format({"quote_prefix": True})
    formats = {"rate": book.add_format({"num_format": "0.0%"}), "score": book.add_format({"num_format": "0.0"}),
               "count": book.add_format({"num_format": "#,##0"}), "money": book.add_format({"num_format": "#,##0.0"}),
               "centre": book.add_format({"align": "center"})}

    def text(sheet, row: int, col: int, value) -> None:
        shown = value if isinstance(value, str) else ("" if value is None else str(value))
        sheet.write_string(row, col, shown, quoted if formula_like(shown) else None)

    def table(name: str, columns: list[tuple[str, str, int]], rows: list[dict]) -> None:
        """columns: (key, header, width); the key's kind picks the cell type."""
        sheet = book.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 30)
        for col, (_, label, width) in enumerate(columns):
            sheet.write_string(0, col, label, header)
            sheet.set_column(col, col, width)
        for r, record in enumerate(rows, start=1):
            for col, (key, _, _) in enumerate(columns):
                value = record.get(key)
                kind = KINDS.get(key, "text")
                if kind == "text":
                    text(sheet, r, col, value)
                    continue
                number = _number(value)
                code = missing_reason(measure if key == "value" else key, {**record, measure: record.get("value")}) \
                    if number is None and key in MEASURES_OR_VALUE and not record.get("not_reported") else None
                if code and code != "no_tasks":
                    sheet.write_string(r, col, fmt.DASH, formats["centre"])  # missing, not 0: 说明 says why
                elif number is None:
                    sheet.write_blank(r, col, None)
                else:
                    if kind == "score":
                        number *= 100
                    sheet.write_number(r, col, number, formats[kind])
        if rows:
            sheet.autofilter(0, 0, len(rows), len(columns) - 1)

    measure = b.measure
    MEASURES_OR_VALUE = {*MEASURES, "value", "composite"}
    KINDS = {"rank": "count", "previous_rank": "count", "tasks": "count", "completed": "count", "overdue": "count",
             "days_overdue": "count", "source_row": "count", "value": "score" if measure == "composite" else "rate",
             "completion_rate": "rate", "on_time_rate": "rate", "start_rate": "rate",
             "investment_completion": "rate", "planned_investment": "money", "actual_investment": "money",
             "satisfaction_rate": "rate", "rated": "count", "dissatisfied": "count",
             "resident_satisfaction_rate": "rate", "resident_rated": "count", "resident_dissatisfied": "count"}

    def named(frame) -> list[dict]:
        rows = frame.to_dict("records") if len(frame) else []
        for row in rows:
            for key in ("region", "unit"):
                if key in row and not isinstance(row[key], str):
                    row[key] = UNKNOWN_REGION
            # why this row's figures are "—": 按期完成率（台账未填报完成时限）…
            items = [text_zh("missing.row_item", measure=MEASURE_NAMES[key], reason=text_zh(f"missing.{code}"))
                     for key in dict.fromkeys((measure, *LEAGUE_MEASURES))
                     if not row.get("not_reported")
                     and (code := missing_reason(key, {**row, measure: row.get("value")})) not in (None, "no_tasks")]
            row["note"] = text_zh("missing.row_note", notes=text_zh("missing.sep").join(items)) if items else ""
        return rows

    names = MEASURE_NAMES
    unit, region, notes_word = text_zh("col.unit"), text_zh("col.region"), text_zh("rankings.sheet_notes")
    league = [("rank", text_zh("col.rank"), 7), ("change", text_zh("col.change"), 8), ("unit", unit, 28),
              ("region", region, 14), ("value", names[measure], 11),
              ("previous_rank", text_zh("col.previous_rank"), 9), ("tasks", names["tasks"], 8),
              ("completed", names["completed"], 8), ("completion_rate", names["completion_rate"], 9),
              ("on_time_rate", names["on_time_rate"], 11),
              ("investment_completion", names["investment_completion"], 11), ("overdue", names["overdue"], 7),
              # 群众满意度 from both sources, each with its counts
              ("satisfaction_rate", names["satisfaction_rate"], 12), ("rated", names["rated"], 12),
              ("dissatisfied", names["dissatisfied"], 11),
              ("resident_satisfaction_rate", names["resident_satisfaction_rate"], 12),
              ("resident_rated", names["resident_rated"], 10),
              ("resident_dissatisfied", names["resident_dissatisfied"], 11), ("note", notes_word, 40)]
    table("单位排名", league, named(b.units.table))
    if b.regions is not None:
        table("县区排名", [c if c[0] != "unit" else ("region", region, 14) for c in league if c[0] != "region"],
              named(b.regions.table))
    table(text_zh("slide.red"), league, named(b.units.red))
    table(text_zh("slide.black"), league, named(b.units.black))
    overdue = named(b.overdue)
    for row in overdue:
        row["deadline"] = date_zh(row["deadline"])
        row["status"] = status_zh(row["status"])
    table(text_zh("slide.overdue"), [
        ("region", region, 14), ("unit", unit, 26), ("title", "事项", 44), ("category", text_zh("col.category"), 16),
        ("status", text_zh("col.status"), 10), ("deadline", text_zh("col.deadline"), 16),
        ("days_overdue", text_zh("slide.days"), 9), ("planned_investment", text_zh("col.planned_wan"), 14),
        ("source_sheet", "来源工作表", 14), ("source_row", "来源行", 8)], overdue)
    unranked = named(b.units.unranked)
    for row in unranked:
        row["reason"] = reason(row, b.min_tasks, b.units.min_rated)
        row["latest"] = ""
    if not b.units.not_reported_last:  # ranked last otherwise, in 单位排名
        unranked += [{**row, "tasks": None, "reason": reason({"reason": "not_reported"}, b.min_tasks),
                      "latest": latest_zh(row["latest_month"])} for row in named(b.units.not_reported)]
    table(text_zh("rankings.sheet_unranked"), [
        ("unit", unit, 28), ("region", region, 14), ("tasks", names["tasks"], 8), ("reason", text_zh("col.reason"), 24),
        ("latest", text_zh("col.latest_month"), 12)], unranked)
    notes = book.add_worksheet(notes_word)
    notes.set_column(0, 0, 14)
    notes.set_column(1, 1, 80)
    for r, (label, value) in enumerate((
            (text_zh("col.month"), fmt.month(b.month)), (region, b.region or text_zh("sidebar.all_regions")),
            (text_zh("col.category"), b.category or text_zh("sidebar.all_categories")),
            (text_zh("rankings.measure"), names[measure]),
            ("规则", f"并列名次相同（如 1、2、2、4）；任务不足 {b.min_tasks} 项或数据不完整（有行未导入）的单位"
                     f"不参与排名；本月未报送的单位"
                     f"{'排在末位，名次并列' if b.units.not_reported_last else '不参与排名'}；"
                     f"红榜、黑榜各 {b.list_size} 名（并列时一并列入）。"),
            ("群众满意率", f"（满意 + 基本满意）÷ 已评价，单位自评来自台账“群众满意度”一栏，群众评价来自公示栏二维码；"
                          f"没有评价的显示为“—”，不是 0%；已评价不足 {b.units.min_rated} 项的不按满意率排名，"
                          f"也不计入综合得分。"),
            ("缺项", "台账未填报完成时限、计划投资、完成投资或服务群众人次的，相应指标显示为“—”，表示无法计算，不是 0，"
                    "原因见各表“说明”一栏；县区和全市的数字只计填报了该项的台账。综合得分只计单位已有的指标，"
                    "缺项的权重按比例分给其余指标。"))):
        notes.write_string(r, 0, label)
        text(notes, r, 1, value)
    book.close()
    return buffer.getvalue()
