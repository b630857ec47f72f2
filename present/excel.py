"""The league table as a formatted .xlsx (xlsxwriter). No Streamlit calls here.

First sheet: rank, the ranked entity (unit or region) and the ranked measure,
best first, then the other columns; header row frozen. Second sheet (未排名):
what is listed apart with its reason, an incomplete month ("数据不完整：N 行未导入")
among them, and the units that did not report with their latest month. Every text cell is
written with write_string, so a unit named "=1+1" stays text, never a formula.
"""
from __future__ import annotations

import datetime as dt
import io

import xlsxwriter

from metrics import MEASURES, Ranking, missing_counts, missing_reason
from present import composite, format as fmt, missing
from present.catalogue import STRINGS, text

OTHER_MEASURES = ("tasks", "completed", "overdue", "completion_rate", "on_time_rate", "start_rate",
                  "investment_completion", "planned_investment", "actual_investment",
                  "satisfaction_rate", "rated", "dissatisfied",
                  "resident_satisfaction_rate", "resident_rated", "resident_dissatisfied")


def ranking_workbook(ranking: Ranking, lang: str, *, region: str | None = None, category: str | None = None,
                     generated: dt.datetime | None = None) -> bytes:
    def tr(key: str, **values) -> str:
        return text(key, lang, **values)

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    header = book.add_format({"bold": True, "bg_color": "#1F4E8C", "font_color": "#FFFFFF", "border": 1,
                              "align": "center", "valign": "vcenter", "text_wrap": True})
    percent = book.add_format({"num_format": "0.0%"})
    score = book.add_format({"num_format": "0.0"})
    whole = book.add_format({"num_format": "#,##0"})
    money = book.add_format({"num_format": "#,##0.0"})
    centred = book.add_format({"align": "center"})

    def number_format(key: str):
        if key == "composite":
            return score
        kind = MEASURES[key].kind
        return percent if kind == "rate" else money if kind == "money" else whole

    def measure_header(key: str) -> str:
        if key in ("planned_investment", "actual_investment"):
            return tr("col.planned_wan" if key == "planned_investment" else "col.actual_wan")
        return tr(f"m.{key}")

    entity = "unit" if ranking.level == "unit" else "region"
    others = [k for k in OTHER_MEASURES if k != ranking.measure]
    columns = [("rank", tr("col.rank"), 8), (entity, tr(f"col.{entity}"), 30),
               ("score", measure_header(ranking.measure), 14)]
    if entity == "unit":
        columns.append(("region", tr("col.region"), 14))
    columns += [("change", tr("col.change"), 10), ("previous_rank", tr("col.previous_rank"), 10)]
    columns += [(k, measure_header(k), 14) for k in others]
    ranked_last = "not_reported" in ranking.table and bool(ranking.table["not_reported"].any())
    shown_measures = [ranking.measure, *others]
    # the notes name inputs a ledger lacks; an unrated satisfaction rate has its counts beside it
    noted_measures = [k for k in shown_measures
                      if k == ranking.measure or k not in MEASURES
                      or MEASURES[k].needs not in ("rated", "resident_rated")]
    lacking = missing_counts(ranking.table, noted_measures)
    if ranked_last or lacking:  # why a row's figures are blank ("—"): not reported, or an input its ledger lacks
        columns.append(("note", tr("col.note"), 40))

    def missing_note(record: dict) -> str:
        """“—”：按期完成率（台账未填报完成时限）… for the measures this row lacks."""
        items = [tr("missing.row_item", measure=measure_header(key), reason=tr(f"missing.{code}"))
                 for key in noted_measures
                 if (code := missing_reason(key, {**record, ranking.measure: record.get("value")}))
                 and code != "no_tasks"]
        return tr("missing.row_note", notes=tr("missing.sep").join(items)) if items else ""

    def latest(value) -> str:
        return fmt.month(value, lang) if isinstance(value, dt.date) else tr("latest.never")

    def not_reported_note(record: dict) -> str:
        open_, close = ("（", "）") if lang == "zh" else (" (", ")")
        return (f"{tr('rankings.reason.not_reported')}{open_}{tr('col.latest_month')}"
                f"{'：' if lang == 'zh' else ': '}{latest(record.get('latest_month'))}{close}")

    sheet = book.add_worksheet(tr("rankings.sheet"))
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 32)
    for col, (_, label, width) in enumerate(columns):
        sheet.write_string(0, col, label, header)
        sheet.set_column(col, col, width)
    for row_number, row in enumerate(ranking.table.itertuples(index=False), start=1):
        record = row._asdict()
        for col, (key, _, _) in enumerate(columns):
            value = record.get(key)
            if key == "note":
                row_note = not_reported_note(record) if record.get("not_reported") else missing_note(record)
                if row_note:
                    sheet.write_string(row_number, col, row_note)
                else:
                    sheet.write_blank(row_number, col, None)
            elif key in ("unit", "region", "change"):
                shown = fmt.change(value, lang) if key == "change" else \
                    value if isinstance(value, str) else (tr("unknown_region") if key == "region" else "")
                sheet.write_string(row_number, col, shown, centred if key == "change" else None)
            elif key in ("rank", "previous_rank"):
                number = fmt.number(value)
                if number is None:
                    sheet.write_blank(row_number, col, None)
                else:
                    sheet.write_number(row_number, col, int(number), centred)
            else:
                measure = ranking.measure if key == "score" else key
                number = fmt.number(value)
                if number is not None and key == "score" and measure == "composite":
                    number *= 100
                if number is None and not record.get("not_reported") and missing_reason(
                        measure, {**record, ranking.measure: record.get("value")}) not in (None, "no_tasks"):
                    sheet.write_string(row_number, col, fmt.DASH, centred)  # missing, not 0: the note says why
                elif number is None:
                    sheet.write_blank(row_number, col, None)
                else:
                    sheet.write_number(row_number, col, number, number_format(measure))
    if len(ranking.table):
        sheet.autofilter(0, 0, len(ranking.table), len(columns) - 1)

    apart = book.add_worksheet(tr("rankings.sheet_unranked"))
    apart.freeze_panes(1, 0)
    apart_columns = [(entity, tr(f"col.{entity}"), 30)]
    if entity == "unit":
        apart_columns.append(("region", tr("col.region"), 14))
    apart_columns += [("tasks", tr("m.tasks"), 10), ("value", measure_header(ranking.measure), 14),
                      ("reason", tr("col.reason"), 26), ("latest_month", tr("col.latest_month"), 14)]
    for col, (_, label, width) in enumerate(apart_columns):
        apart.write_string(0, col, label, header)
        apart.set_column(col, col, width)
    # listed apart: too few tasks, no value, incomplete month; then the units
    # that did not report (unless the settings rank them last)
    records = ranking.unranked.to_dict("records")
    if not ranking.not_reported_last:
        records += [{**r, "reason": "not_reported", "tasks": None, "value": None}
                    for r in ranking.not_reported.to_dict("records")]
    for row_number, record in enumerate(records, start=1):
        for col, (key, _, _) in enumerate(apart_columns):
            value = record.get(key)
            if key == "latest_month":
                if record["reason"] == "not_reported":
                    apart.write_string(row_number, col, latest(value))
                else:
                    apart.write_blank(row_number, col, None)
            elif key == "reason":
                rows = record.get("rows_not_loaded")
                reason_key = f"rankings.reason.{value}" if f"rankings.reason.{value}" in STRINGS else f"missing.{value}"
                apart.write_string(row_number, col, tr(reason_key, min=ranking.min_tasks,
                                                       rows=int(fmt.number(rows) or 0), rated=ranking.min_rated))
            elif key in ("unit", "region"):
                apart.write_string(row_number, col, value if isinstance(value, str) else tr("unknown_region"))
            else:
                number = fmt.number(value)
                if number is None:
                    apart.write_blank(row_number, col, None)
                else:
                    if key == "value" and ranking.measure == "composite":
                        number *= 100
                    apart.write_number(row_number, col, number,
                                       whole if key == "tasks" else number_format(ranking.measure))

    notes = book.add_worksheet(tr("rankings.sheet_notes"))
    notes.set_column(0, 0, 16)
    notes.set_column(1, 1, 90)
    generated = generated or dt.datetime.now()
    rows = [
        (tr("col.month"), fmt.month(ranking.month, lang)),
        (tr("rankings.measure"), measure_header(ranking.measure)),
        (tr("sidebar.region"), region or tr("sidebar.all_regions")),
        (tr("sidebar.category"), category or tr("sidebar.all_categories")),
        (tr("rankings.level"), tr(f"rankings.level.{ranking.level}")),
        ("", tr("rankings.rules", month=fmt.month(ranking.month, lang), measure=measure_header(ranking.measure),
                min=ranking.min_tasks, entity=tr(f"rankings.level.{ranking.level}"),
                entity_cap=tr(f"rankings.level.{ranking.level}"))),
        *([("", tr("rankings.rules.rated", rated=ranking.min_rated))]
          if ranking.measure in ("satisfaction_rate", "resident_satisfaction_rate") else []),
        ("", tr("rankings.rules.partial")),
        ("", tr("rankings.rules.last" if ranking.not_reported_last else "rankings.rules.apart")),
        ("", composite.explain(ranking.weights, lang) if ranking.measure == "composite"
         else tr(f"help.{ranking.measure}")),
        *([("", note)] if (note := missing.composite_note(ranking.reported, ranking.level, lang))
          and ranking.measure == "composite" else []),
        ("", generated.strftime("%Y-%m-%d %H:%M")),
    ]
    for row_number, (label, value) in enumerate(rows):
        notes.write_string(row_number, 0, label)
        notes.write_string(row_number, 1, value)
    book.close()
    return buffer.getvalue()
