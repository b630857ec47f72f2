"""The measures leaders read, computed in SQL (metrics/sql) for a report month.

Every function takes an open DuckDB connection (callers open it with
taizhang.database.reading) and returns small, already aggregated results.
Months are datetime.date values for the first day of the report month.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

import duckdb
import pandas as pd

from metrics.queries import run

Kind = Literal["count", "rate", "money", "people"]


@dataclass(frozen=True)
class Measure:
    key: str
    kind: Kind
    higher_is_better: bool | None  # None: neither (a volume, not a performance)


MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("tasks", "count", None),
    Measure("completed", "count", True),
    Measure("completion_rate", "rate", True),
    Measure("start_rate", "rate", True),
    Measure("on_time_rate", "rate", True),
    Measure("overdue", "count", False),
    Measure("planned_investment", "money", None),
    Measure("actual_investment", "money", True),
    Measure("investment_completion", "rate", True),
    Measure("beneficiaries", "people", True),
    # 群众满意率 from two sources kept apart: the ledger's own 群众满意度 column
    # (单位自评) and residents' ratings from the notice-board QR code (群众评价).
    # The rate is (满意 + 基本满意) / rated, NULL when nothing is rated; the
    # counts go beside it wherever it is shown.
    Measure("satisfaction_rate", "rate", True),
    Measure("rated", "count", None),
    Measure("dissatisfied", "count", False),
    Measure("resident_satisfaction_rate", "rate", True),
    Measure("resident_rated", "count", None),
    Measure("resident_dissatisfied", "count", False),
)}
KPI_ORDER = tuple(MEASURES)
# Measures a league table can be ordered by; composite is the weighted score.
RANKABLE = ("completion_rate", "on_time_rate", "investment_completion", "composite", "start_rate",
            "satisfaction_rate", "resident_satisfaction_rate")
# The satisfaction rates with their counts: rate -> (rated, satisfied, basically_satisfied, dissatisfied).
SATISFACTION = {
    "satisfaction_rate": ("rated", "satisfied", "basically_satisfied", "dissatisfied"),
    "resident_satisfaction_rate": ("resident_rated", "resident_satisfied", "resident_basically_satisfied",
                                   "resident_dissatisfied"),
}
LEVELS = ("total", "region", "unit", "category", "region_category")


@dataclass(frozen=True)
class Kpi:
    key: str
    value: float | int | None
    previous: float | int | None

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


def catalog(con: duckdb.DuckDBPyConnection) -> tuple[list[dt.date], list[str], list[str]]:
    """(report months with data, newest first; named regions; named categories), in one scan."""
    row = run(con, "catalog").to_pylist()[0]
    return row["months"] or [], row["regions"] or [], row["categories"] or []


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


def kpis_from(frame: pd.DataFrame, month: dt.date) -> dict[str, Kpi]:
    """KPIs of `month` with their previous-month values, from the is_total rows of `measures`."""
    totals = frame[frame["is_total"]].set_index("report_month") if len(frame) else frame
    previous = previous_month(month)

    def pick(when: dt.date, key: str):
        if not len(totals) or when not in totals.index:
            return None
        return _clean(totals.at[when, key])

    return {key: Kpi(key, pick(month, key), pick(previous, key)) for key in KPI_ORDER}


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
