"""Cached data for the pages: the only way pages reach the database.

Every cached function takes the store target and its data_version (the file's
mtime/size fingerprint) as its first arguments, so a load by another process
shows on the next page view and nothing is keyed on time. Each call opens one
short read-only connection (taizhang.database.reading) and runs named queries
from metrics; results are small aggregated frames.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import streamlit as st

import metrics
from metrics.settings import ConfigError, Settings, config_path
from taizhang.config import db_target
from taizhang.database import NoDatabase, StoreBusy, data_version, exists, reading

# A page view waits this long for a loader holding the write lock, then says so.
READ_WAIT_SECONDS = 10.0
CACHE = dict(show_spinner=False, max_entries=128)


@dataclass(frozen=True)
class Catalog:
    """What the store holds, for the sidebar and the empty states."""
    status: str                      # ok | missing | empty | busy | unreadable
    target: str
    months: tuple[dt.date, ...] = ()
    regions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _store() -> tuple[str, tuple]:
    target = db_target()
    return target, data_version(target)


@st.cache_data(**CACHE)
def _catalog(target: str, version: tuple) -> Catalog:
    with reading(target, wait=READ_WAIT_SECONDS) as con:
        months = tuple(metrics.months(con))
        if not months:
            return Catalog("empty", target)
        return Catalog("ok", target, months, tuple(metrics.regions(con)), tuple(metrics.categories(con)))


def catalog() -> Catalog:
    target, version = _store()
    if not target.startswith("ducklake:") and not exists(target):
        return Catalog("missing", target)
    try:
        return _catalog(target, version)
    except NoDatabase:
        return Catalog("missing", target)
    except StoreBusy:
        return Catalog("busy", target)
    except duckdb.Error as error:
        return Catalog("unreadable", target, error=str(error).splitlines()[0])


@st.cache_data(show_spinner=False, max_entries=8)
def _settings(path: str, mtime: float | None) -> tuple[Settings, str]:
    try:
        return metrics.settings.load(path), ""
    except ConfigError as error:
        return Settings(), str(error)


def settings() -> tuple[Settings, str]:
    """The settings and, when the file is wrong, the error (defaults are used)."""
    path = config_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = None
    return _settings(str(path), mtime)


# --- page data -----------------------------------------------------------------

@st.cache_data(**CACHE)
def _measures(target: str, version: tuple, month_from: dt.date, month_to: dt.date, level: str,
              region: str | None, category: str | None, unit: str | None = None) -> pd.DataFrame:
    with reading(target, wait=READ_WAIT_SECONDS) as con:
        return metrics.measures(con, month_from, month_to, level, region, category, unit)


def measures(month_from: dt.date, month_to: dt.date, level: str, region: str | None = None,
             category: str | None = None, unit: str | None = None) -> pd.DataFrame:
    target, version = _store()
    return _measures(target, version, month_from, month_to, level, region, category, unit)


@dataclass(frozen=True)
class Overview:
    kpis: dict
    breakdown: pd.DataFrame   # regions (or units of the chosen region) in the month
    trend: pd.DataFrame       # whole-scope totals per month, oldest first
    level: str


def overview(month: dt.date, region: str | None, category: str | None, span: int) -> Overview:
    """One query: the last `span` months by region (or unit), with month totals."""
    level = "unit" if region else "region"
    frame = measures(metrics.months_back(month, span - 1), month, level, region, category)
    totals = frame[frame["is_total"]].reset_index(drop=True)
    parts = frame[(~frame["is_total"]) & (frame["report_month"] == month)].reset_index(drop=True)
    return Overview(metrics.kpis_from(frame, month), parts, totals, level)


@dataclass(frozen=True)
class RegionsData:
    month_rows: pd.DataFrame   # one row per region in the month
    history: pd.DataFrame      # region rows for the last `span` months (heat map)
    totals: pd.DataFrame       # month totals


def regions(month: dt.date, category: str | None, span: int) -> RegionsData:
    frame = measures(metrics.months_back(month, span - 1), month, "region", None, category)
    parts = frame[~frame["is_total"]]
    return RegionsData(parts[parts["report_month"] == month].reset_index(drop=True),
                       parts.reset_index(drop=True), frame[frame["is_total"]].reset_index(drop=True))


def units_of_region(month: dt.date, region: str | None, category: str | None) -> pd.DataFrame:
    frame = measures(month, month, "unit", region, category)
    rows = frame[~frame["is_total"]]
    if region is None:
        rows = rows[rows["region"].isna()]
    return rows.reset_index(drop=True)


@st.cache_data(**CACHE)
def _ranking(target: str, version: tuple, month: dt.date, level: str, measure: str, region: str | None,
             category: str | None, min_tasks: int, size: int, weights: tuple) -> metrics.Ranking:
    settings_ = Settings(min_tasks=min_tasks, red_black_size=size, weights=dict(weights))
    with reading(target, wait=READ_WAIT_SECONDS) as con:
        return metrics.ranking(con, month, level=level, measure=measure, region=region, category=category,
                               settings=settings_)


def ranking(month: dt.date, level: str, measure: str, region: str | None, category: str | None,
            settings_: Settings) -> metrics.Ranking:
    target, version = _store()
    return _ranking(target, version, month, level, measure, region, category, settings_.min_tasks,
                    settings_.red_black_size, tuple(sorted(settings_.weights.items())))


@dataclass(frozen=True)
class InvestmentData:
    kpis: dict                    # every measure for the month, with its change
    by_region: pd.DataFrame
    by_category: pd.DataFrame
    by_region_category: pd.DataFrame


@st.cache_data(**CACHE)
def _investment(target: str, version: tuple, month: dt.date, region: str | None,
                category: str | None) -> InvestmentData:
    with reading(target, wait=READ_WAIT_SECONDS) as con:
        regions_ = metrics.measures(con, metrics.previous_month(month), month, "region", region, category)
        parts = {level: metrics.measures(con, month, month, level, region, category)
                 for level in ("category", "region_category")}
    this_month = regions_[(~regions_["is_total"]) & (regions_["report_month"] == month)]
    return InvestmentData(
        metrics.kpis_from(regions_, month), this_month.reset_index(drop=True),
        *(parts[level][~parts[level]["is_total"]].reset_index(drop=True)
          for level in ("category", "region_category")))


def investment(month: dt.date, region: str | None, category: str | None) -> InvestmentData:
    target, version = _store()
    return _investment(target, version, month, region, category)


@st.cache_data(**CACHE)
def _units(target: str, version: tuple) -> pd.DataFrame:
    with reading(target, wait=READ_WAIT_SECONDS) as con:
        return metrics.units(con)


def units() -> pd.DataFrame:
    target, version = _store()
    return _units(target, version)


@dataclass(frozen=True)
class UnitData:
    tasks: pd.DataFrame
    history: pd.DataFrame


@st.cache_data(**CACHE)
def _unit(target: str, version: tuple, month: dt.date, region: str | None, unit: str,
          category: str | None) -> UnitData:
    with reading(target, wait=READ_WAIT_SECONDS) as con:
        return UnitData(metrics.unit_tasks(con, month, region, unit, category),
                        metrics.unit_history(con, month, region, unit, category))


def unit(month: dt.date, region: str | None, unit_name: str, category: str | None) -> UnitData:
    target, version = _store()
    return _unit(target, version, month, region, unit_name, category)
