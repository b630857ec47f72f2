"""Task rows of a located ledger -> an Arrow table in the contract's columns.

Each distinct cell text is parsed once (a status column of 500k rows holds a
dozen distinct words), so the pure parsers of clean.py stay simple while the
whole step stays vectorised. A cell that cannot be parsed becomes a Problem with
its place; nothing is guessed and nothing raises per row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loaders import clean
from loaders.locate import Layout, RowBand, filled_column
from loaders.problems import Problem

STATUS_CODES = ("not_started", "in_progress", "completed")


@dataclass
class Normalised:
    table: pa.Table  # contract columns for every task row, good or bad
    problems: list[Problem]
    bad_rows: np.ndarray  # positions (into table) of rows with a problem
    units: list[str] = field(default_factory=list)


def _parse_distinct(values: pa.Array, parse, out_type: pa.DataType):
    """Apply `parse` once per distinct value. Returns (result array, {dict index: CellError}, indices)."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    distinct = encoded.dictionary.to_pylist()
    parsed = []
    errors: dict[int, clean.CellError] = {}
    for i, value in enumerate(distinct):
        try:
            parsed.append(parse(value))
        except clean.CellError as error:
            errors[i] = error
            parsed.append(None)
    result = pc.take(pa.array(parsed, type=out_type), encoded.indices)
    return result, errors, np.asarray(encoded.indices.fill_null(-1))


class _Collector:
    def __init__(self, layout: Layout, file_name: str, rows: np.ndarray):
        self.layout = layout
        self.file_name = file_name
        self.rows = rows  # grid rows, one per task
        self.problems: list[Problem] = []
        self.bad = np.zeros(len(rows), dtype=bool)

    def add(self, code: str, positions: np.ndarray, field_name: str | None, value=None, **params):
        grid = self.layout.grid
        col = self.layout.fields.get(field_name) if field_name else None
        column = grid.excel_column(col) if col is not None else None
        column_name = self.layout.headers.get(field_name) if field_name else None
        self.bad[positions] = True
        for pos in positions:
            self.problems.append(
                Problem(
                    code,
                    file=self.file_name,
                    sheet=grid.name,
                    row=grid.excel_row(int(self.rows[pos])),
                    column=column,
                    column_name=column_name,
                    params={"value": "" if value is None else str(value), **params},
                )
            )

    def add_errors(self, errors: dict, indices: np.ndarray, field_name: str):
        for dict_index, error in errors.items():
            self.add(error.code, np.nonzero(indices == dict_index)[0], field_name, error.value)


def _column(layout: Layout, name: str, rows: np.ndarray) -> pa.Array | None:
    col = layout.fields.get(name)
    if col is None:
        return None
    return filled_column(layout.grid, col, rows)


def _text(values: pa.Array | None, n: int) -> pa.Array:
    """clean.normalise_text, vectorised: titles are mostly distinct, so per-value Python costs."""
    if values is None:
        return pa.nulls(n, pa.string())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    if len(encoded.dictionary) * 4 < max(n, 1):
        # Few distinct values (units, regions, categories): clean each once.
        return pc.take(_clean_text(encoded.dictionary), encoded.indices)
    return _clean_text(values)


# Python's \s, which clean.normalise_text collapses: wider than RE2's \s
# ([\t\n\f\r ]), it also takes the vertical tab, \x1c-\x1f, NEL, U+2028/2029
# and the Unicode spaces NFKC leaves alone.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_WHITESPACE_RUN = "[" + _WHITESPACE + "]+"
# clean.py's dropped characters (zero-width ones and non-whitespace controls),
# as RE2 escapes: the pattern must not hold a raw NUL.
_DROPPED = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in clean.DROPPED_CHARS) + "]"
# Cells the two replacements below would change: one matching pass is cheaper
# than two rewriting passes, and most ledgers have no such cell at all.
_NEEDS_REPLACING = f"{_DROPPED}|[{_WHITESPACE.replace(' ', '')}]|  "


def _clean_text(values: pa.Array) -> pa.Array:
    text = pc.utf8_normalize(values, "NFKC")
    if pc.any(pc.match_substring_regex(text, _NEEDS_REPLACING)).as_py():
        text = pc.replace_substring_regex(text, _DROPPED, "")
        text = pc.replace_substring_regex(text, _WHITESPACE_RUN, " ")
    text = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def normalise(
    layout: Layout,
    band: RowBand,
    file_name: str,
    report_month: dt.date,
    unit_override: str | None = None,
    region_override: str | None = None,
) -> Normalised:
    rows = band.task_rows
    n = len(rows)
    out = _Collector(layout, file_name, rows)

    title = _text(_column(layout, "title", rows), n)
    out.add("blank_title", np.nonzero(~np.asarray(title.is_valid(), dtype=bool))[0], "title")

    # unit: the 单位 column, else 乡镇, else 县区, else --unit or the 填报单位 line.
    region = _text(_column(layout, "region", rows), n)
    unit_field = next((f for f in ("unit", "township", "region") if f in layout.fields), None)
    if unit_field is not None:
        unit = _text(_column(layout, unit_field, rows), n)
        if unit_override:
            unit = pc.fill_null(unit, unit_override)
        out.add("blank_unit", np.nonzero(~np.asarray(unit.is_valid(), dtype=bool))[0], unit_field)
    else:
        name = unit_override or layout.filer
        unit = pa.array([name] * n, type=pa.string())
    if region_override:
        region = pc.fill_null(region, region_override)

    category = _text(_column(layout, "category", rows), n)
    if band.group_category is not None:
        category = pc.coalesce(category, band.group_category)

    person = _text(_column(layout, "person", rows), n)

    # status, decided or checked by a 是否完成 column
    status_values = _column(layout, "status", rows)
    flag_values = _column(layout, "completed_flag", rows)
    status, flag = pa.nulls(n, pa.string()), pa.nulls(n, pa.bool_())
    if status_values is not None:
        status, errors, idx = _parse_distinct(status_values, clean.parse_status, pa.string())
        out.add_errors(errors, idx, "status")
    if flag_values is not None:
        flag, errors, idx = _parse_distinct(flag_values, clean.parse_completed_flag, pa.bool_())
        out.add_errors(errors, idx, "completed_flag")
    status_np = np.asarray(status.to_numpy(zero_copy_only=False), dtype=object)
    flag_np = np.asarray(flag.to_numpy(zero_copy_only=False), dtype=object)
    status_ok = np.array([s is not None for s in status_np], dtype=bool) if n else np.zeros(0, bool)
    flag_yes = np.array([f is True for f in flag_np], dtype=bool) if n else np.zeros(0, bool)
    flag_no = np.array([f is False for f in flag_np], dtype=bool) if n else np.zeros(0, bool)
    completed = status_np == "completed"
    conflict = status_ok & ((flag_yes & ~completed) | (flag_no & completed))
    if conflict.any():
        raw_status = status_values.to_pylist() if status_values is not None else [None] * n
        raw_flag = flag_values.to_pylist()
        for pos in np.nonzero(conflict)[0]:
            out.add("status_conflict", np.array([pos]), "status", raw_status[pos], flag=raw_flag[pos])
    decided = np.where(status_ok, status_np, np.where(flag_yes, "completed", np.where(flag_no, "in_progress", None)))
    already_bad = out.bad.copy()
    missing_status = np.array([d is None for d in decided], dtype=bool) & ~already_bad if n else np.zeros(0, bool)
    out.add("blank_status", np.nonzero(missing_status)[0], "status" if status_values is not None else "completed_flag")
    status_final = pa.array(decided.tolist(), type=pa.string())

    def money(name: str) -> pa.Array:
        values = _column(layout, name, rows)
        if values is None:
            return pa.nulls(n, pa.float64())
        default_unit = layout.units.get(name) or "万元"
        result, errors, idx = _parse_distinct(
            values, lambda v: clean.parse_amount(v, default_unit=default_unit), pa.float64()
        )
        out.add_errors(errors, idx, name)
        return result

    planned = money("planned_investment")
    actual = money("actual_investment")

    beneficiaries = pa.nulls(n, pa.int64())
    values = _column(layout, "beneficiaries", rows)
    if values is not None:
        beneficiaries, errors, idx = _parse_distinct(values, clean.parse_count, pa.int64())
        out.add_errors(errors, idx, "beneficiaries")

    deadline = pa.nulls(n, pa.date32())
    values = _column(layout, "deadline", rows)
    if values is not None:
        deadline, errors, idx = _parse_distinct(
            values, lambda v: clean.parse_date(v, report_month), pa.date32()
        )
        out.add_errors(errors, idx, "deadline")

    source_rows = pa.array(np.asarray(rows, dtype=np.int32) + np.int32(layout.grid.excel_row(0)), type=pa.int32())
    table = pa.table(
        {
            "report_month": pa.array([report_month] * n, type=pa.date32()),
            "region": region,
            "unit": unit,
            "title": title,
            "category": category,
            "status": status_final,
            "deadline": deadline,
            "planned_investment": planned,
            "actual_investment": actual,
            "beneficiaries": beneficiaries,
            "responsible_person": person,
            "source_sheet": pa.array([layout.grid.name] * n, type=pa.string()),
            "source_row": source_rows,
        }
    )
    units = sorted(u for u in pc.unique(unit).to_pylist() if u is not None)
    out.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return Normalised(table=table, problems=out.problems, bad_rows=np.nonzero(out.bad)[0], units=units)
