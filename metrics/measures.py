"""The measures leaders read, computed in SQL (metrics/sql) for a report month.

Every function takes an open DuckDB connection (callers open it with
taizhang.database.reading) and returns small, already aggregated results.
Months are datetime.date values for the first day of the report month.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from metrics.definitions import INPUTS, KPI_ORDER, MEASURES
from metrics.queries import run

LEVELS = ("total", "region", "unit", "category", "region_category")


def _number(value) -> float | None:
    value = _clean(value)
    return None if value is None else float(value)


def missing_reason(key: str, row) -> str | None:
    """Why measure `key` of `row` (a mapping with the measures and the coverage
    columns of tz_measures) has no value: a code whose text is the catalogue's
    "missing.<code>"; None when it has one.

      no_tasks          nothing reported in the scope
      no_<input>        no ledger of the scope gives the input (no_deadlines,
                        no_planned, no_actual, no_beneficiaries, no_rated,
                        no_resident_rated)
      none_due          on-time rate: nothing completed or due this month
      no_planned_base   investment completion: no task with planned investment
                        in the ledgers that give 完成投资
      no_parts          composite: none of its rates
    """
    value = _number(row.get(key))
    if value is not None:
        return None
    if not _number(row.get("tasks")):
        return "no_tasks"
    if key == "composite":
        return "no_parts"
    measure = MEASURES.get(key)
    if measure is None or measure.needs is None:
        return None
    if not _number(row.get(INPUTS[measure.needs])):
        return f"no_{measure.needs}"
    if key == "on_time_rate":
        return "none_due"
    if key == "investment_completion":
        return "no_planned_base"
    return None


def coverage(key: str, row) -> tuple[int, int] | None:
    """(tasks in ledgers giving the input, all tasks) when only some of the scope's
    ledgers give what measure `key` needs: the figure stands for those only. None
    when all do, none do, or the measure needs nothing a ledger may lack."""
    measure = MEASURES.get(key)
    if measure is None or measure.needs is None or measure.needs in ("rated", "resident_rated"):
        return None
    covered, tasks = _number(row.get(INPUTS[measure.needs])), _number(row.get("tasks"))
    if not covered or not tasks or covered >= tasks:
        return None
    return int(covered), int(tasks)


@dataclass(frozen=True)
class Kpi:
    key: str
    value: float | int | None
    previous: float | int | None
    # why value is None (missing_reason's code), and the share of tasks it stands for
    missing: str | None = None
    coverage: tuple[int, int] | None = None

    @property
    def delta(self) -> float | int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def months_back(month: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months before `month`."""
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def _clean(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    return value


@dataclass(frozen=True)
class StoreCatalog:
    months: list[dt.date]     # report months with rows, newest first
    regions: list[str]        # named regions
    categories: list[str]     # named categories
    month_units: list[int]    # units with rows in each of `months`


def store_catalog(con: duckdb.DuckDBPyConnection) -> StoreCatalog:
    """What the store holds (metrics/sql/catalog.sql), in one read."""
    rows = run(con, "catalog").to_pylist()
    row = rows[0] if rows else {}
    return StoreCatalog(row.get("months") or [], row.get("regions") or [], row.get("categories") or [],
                        row.get("month_units") or [])


def catalog(con: duckdb.DuckDBPyConnection) -> tuple[list[dt.date], list[str], list[str]]:
    """(report months with data, newest first; named regions; named categories)."""
    found = store_catalog(con)
    return found.months, found.regions, found.categories


def units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every (region, unit) that ever reported, with its latest report month."""
    return run(con, "units").to_pandas()


def measures(con: duckdb.DuckDBPyConnection, month_from: dt.date, month_to: dt.date, level: str = "total",
             region: str | None = None, category: str | None = None, unit: str | None = None, *,
             on_time: bool = True) -> pd.DataFrame:
    """Every measure per report month and group of `level`, plus is_total rows (one per month).

    on_time=False skips the on-time check, most of the cost, for views that do
    not show it; on_time and on_time_rate are then missing.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    return run(con, "measures", month_from=month_from, month_to=month_to, level=level,
               region=region, category=category, unit=unit, on_time=on_time).to_pandas()


def unit_investment(con: duckdb.DuckDBPyConnection, month: dt.date, region: str | None = None,
                    category: str | None = None) -> pd.DataFrame:
    """Each unit's 计划投资, 完成投资 and 投资完成率 in `month`, largest plan first
    (metrics/sql/unit_investment.sql)."""
    return run(con, "unit_investment", month=month, region=region, category=category).to_pandas()


def kpis_from(frame: pd.DataFrame, month: dt.date) -> dict[str, Kpi]:
    """KPIs of `month` with their previous-month values, from the is_total rows of `measures`."""
    totals = frame[frame["is_total"]].set_index("report_month") if len(frame) else frame
    previous = previous_month(month)

    def pick(when: dt.date, key: str):
        if not len(totals) or when not in totals.index:
            return None
        return _clean(totals.at[when, key])

    row = ({column: pick(month, column) for column in totals.columns}
           if len(totals) and month in totals.index else {})
    return {key: Kpi(key, pick(month, key), pick(previous, key), missing_reason(key, row), coverage(key, row))
            for key in KPI_ORDER}


def kpis(con: duckdb.DuckDBPyConnection, month: dt.date, region: str | None = None,
         category: str | None = None) -> dict[str, Kpi]:
    """Each measure for `month` and its change against the previous calendar month.

    A month with no rows gives None values; no rows in the previous month gives
    None deltas.
    """
    frame = measures(con, previous_month(month), month, "total", region, category)
    return kpis_from(frame, month)


def unit_tasks(con: duckdb.DuckDBPyConnection, month: dt.date, region: str | None, unit: str,
               category: str | None = None) -> pd.DataFrame:
    """The unit's task rows in `month` with is_overdue / is_on_time; overdue first."""
    return run(con, "unit_tasks", month=month, region=region, unit=unit, category=category).to_pandas()


def resident_dissatisfied(con: duckdb.DuckDBPyConnection, month: dt.date, region: str | None, unit: str,
                          category: str | None = None) -> pd.DataFrame:
    """The unit's 群众评价 of `month` rated dissatisfied (not hidden): title, comment, rated_at.
    A comment an admin hid is None (the rating still counts)."""
    frame = run(con, "resident_dissatisfied", month=month, region=region, unit=unit, category=category).to_pandas()
    if "comment_hidden" in frame and len(frame):
        frame.loc[frame["comment_hidden"].fillna(False).astype(bool), "comment"] = None
    return frame[["title", "comment", "rated_at"]].reset_index(drop=True)


def unit_history(con: duckdb.DuckDBPyConnection, month: dt.date, region: str | None, unit: str,
                 category: str | None = None) -> pd.DataFrame:
    """The unit's measures in every month up to `month`, oldest first."""
    frame = measures(con, dt.date(1900, 1, 1), month, "unit", region, category, unit)
    frame = frame[~frame["is_total"]]
    if region is None:
        frame = frame[frame["region"].isna()]
    return frame.reset_index(drop=True)


def missing_counts(frame: pd.DataFrame, keys) -> dict[str, dict[str, int]]:
    """For each measure in `keys` that some rows of `frame` (a ranking or measures
    table) lack: {reason code: rows}. What a table's footnote says about its "—".
    The codes of missing_reason, by column rather than row by row (a league table
    of 30,000 units is footnoted on every page view); rows without tasks are left
    out, as missing_reason's no_tasks is."""
    found: dict[str, dict[str, int]] = {}
    if not len(frame) or "tasks" not in frame:
        return found
    nothing = pd.Series(float("nan"), index=frame.index)

    def numbers(column: str) -> pd.Series:
        return pd.to_numeric(frame[column], errors="coerce") if column in frame else nothing

    has_tasks = numbers("tasks").fillna(0).ne(0)
    for key in keys:
        if key not in frame:
            continue
        lacking = numbers(key).isna() & has_tasks
        if not lacking.any():
            continue
        measure = MEASURES.get(key)
        if key == "composite":
            counts = {"no_parts": int(lacking.sum())}
        elif measure is None or measure.needs is None:
            continue
        else:
            no_input = numbers(INPUTS[measure.needs]).fillna(0).eq(0)
            counts = {f"no_{measure.needs}": int((lacking & no_input).sum())}
            other = {"on_time_rate": "none_due", "investment_completion": "no_planned_base"}.get(key)
            if other:
                counts[other] = int((lacking & ~no_input).sum())
        counts = {code: count for code, count in counts.items() if count}
        if counts:
            found[key] = counts
    return found
