"""A workbook's 汇总 sheet, checked against the ledger sheets beside it.

Offices often put a summary first: one row per unit with 项目数, 已完成 …
Its figures are never loaded (they are not tasks), but where they disagree with
the tasks loaded from the other sheets the clerk is told, beside the result:
a silent mismatch would put two different figures in circulation, and a
refusal for it would stop a correct ledger over a stale summary.
"""
from __future__ import annotations

import re

import pyarrow as pa

from loaders import aliases
from loaders.clean import normalise_header, normalise_text, parse_count
from loaders.problems import Problem
from loaders.read import WorkbookGrids

SEARCH_ROWS = 20
COUNTS = ("tasks", "completed", "in_progress", "not_started")
MEASURE_WORDS = {  # how a warning names each count
    "tasks": ("项目数", "tasks"), "completed": ("已完成数", "completed"),
    "in_progress": ("推进中数", "in progress"), "not_started": ("未启动数", "not started"),
}
_TOTAL = re.compile(r"^(合计|小计|总计|共计)$")
_EXACT = {normalise_header(word): name for name, words in aliases.SUMMARY_ALIASES.items() for word in words}
_UNIT_SUFFIX = re.compile(r"[(（][^()（）]*[)）]$")


def _summary_field(cell) -> str | None:
    text = normalise_header(cell)
    return _EXACT.get(text) or _EXACT.get(_UNIT_SUFFIX.sub("", text))


def _header(rows: list[list]) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(rows):
        fields: dict[str, int] = {}
        for c, cell in enumerate(row):
            name = _summary_field(cell) if cell not in (None, "") else None
            if name and name not in fields:
                fields[name] = c
        if "unit" in fields and any(k in fields for k in COUNTS):
            return r, fields
    return None


def _loaded_counts(table: pa.Table) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for unit, status in zip(table.column("unit").to_pylist(), table.column("status").to_pylist()):
        entry = counts.setdefault(unit, dict.fromkeys(COUNTS, 0))
        entry["tasks"] += 1
        if status in entry:
            entry[status] += 1
    return counts


def compare(book: WorkbookGrids, parts, table: pa.Table, file_name: str) -> list[Problem]:
    """Warnings for every summary row that disagrees with the tasks loaded."""
    ledger_sheets = {part.layout.sheet for part in parts}
    warnings: list[Problem] = []
    loaded = None
    for grid in book.sheets:
        if grid.name in ledger_sheets or not grid.n_rows:
            continue
        rows = grid.rows(0, min(grid.n_rows, 2000))
        found = _header(rows[:SEARCH_ROWS])
        if found is None:
            continue
        header_row, fields = found
        if loaded is None:
            loaded = _loaded_counts(table)
        for r in range(header_row + 1, len(rows)):
            row = rows[r]
            unit = normalise_text(row[fields["unit"]]) if fields["unit"] < len(row) else None
            if not unit or _TOTAL.match(unit.replace(" ", "")):
                continue
            stated = {}
            for name in COUNTS:
                if name in fields and fields[name] < len(row):
                    try:
                        value = parse_count(row[fields[name]])
                    except ValueError:
                        value = None
                    if value is not None:
                        stated[name] = value
            if not stated:
                continue
            row_number = grid.excel_row(r)
            unit = _same_unit(unit, loaded)
            if unit not in loaded:
                if stated.get("tasks"):
                    warnings.append(Problem("summary_unit_missing", file=file_name, sheet=grid.name, row=row_number,
                                            params={"unit": unit, "stated": stated["tasks"], "row": row_number}))
                continue
            for name, value in stated.items():
                if loaded[unit][name] != value:
                    zh, en = MEASURE_WORDS[name]
                    warnings.append(Problem(
                        "summary_mismatch", file=file_name, sheet=grid.name, row=row_number, params={
                            "unit": unit, "measure": zh, "measure_en": en, "stated": value,
                            "loaded": loaded[unit][name], "row": row_number}))
    return warnings


def _same_unit(name: str, loaded: dict) -> str:
    """The loaded unit a summary row means: its exact name, else the one unit whose
    name starts with it ("城关镇" for a ledger filed by "城关镇人民政府")."""
    if name in loaded:
        return name
    close = [u for u in loaded if u and (u.startswith(name) or name.startswith(u))]
    return close[0] if len(close) == 1 else name
