"""Cached data for the pages: the only way pages reach the database.

Every cached function takes the store target and its data_version (the file's
mtime/size fingerprint) as its first arguments, so a load by another process
shows on the next page view and nothing is keyed on time. Results are small
aggregated frames from the named queries in metrics.

A page view's cache misses share one short read-only connection (a Session):
dashboard.py wraps the whole script run (sidebar and page) in `page_view()`,
the connection opens at the first miss and closes when the run ends, or
earlier when this thread is about to write (taizhang.database.before_write).
Opening a DuckDB connection costs 10-20 ms, a sizeable part of a 100 ms budget.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

import metrics
from loaders import impact, mappings_store
from loaders.impact import known_regions
from metrics.settings import ConfigError, Settings, config_path
from metrics.submissions import Submissions, submissions as submission_status
from reports import bulletin as bulletin_data
from reports.bulletin import Bulletin
from taizhang import accounts, database, ratings
from taizhang.config import db_target
from taizhang.database import NoDatabase, StoreBusy, StoreError, data_version, exists, is_lake, lake_version, reading

# A page view waits this long for a loader holding the write lock, then says so.
READ_WAIT_SECONDS = 10.0
CACHE = dict(show_spinner=False, max_entries=128)
UPLOADS_CACHE = dict(show_spinner=False, max_entries=64)  # the upload, submissions and admin readers


class Session:
    """The store as one page view sees it: target, version, and a connection on demand."""

    def __init__(self) -> None:
        self.target = db_target()
        self._version: tuple | None = None
        self._context = None
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def version(self) -> tuple:
        if self._version is None:
            if is_lake(self.target):
                # The page view's own connection answers: one lake cursor per view, not two.
                try:
                    self._version = lake_version(self.con(), self.target)
                except (duckdb.Error, StoreError):
                    self._version = (self.target, None)  # the data call will say what is wrong
            else:
                self._version = data_version(self.target)
        return self._version

    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            context = reading(self.target, wait=READ_WAIT_SECONDS)
            self._con = context.__enter__()
            self._context = context
        return self._con

    def close(self) -> None:
        if self._context is not None:
            context, self._context, self._con = self._context, None, None
            context.__exit__(None, None, None)

    def release(self) -> None:
        """Before a write: close the connection and forget the version it saw,
        so what this view reads next includes the write."""
        self.close()
        self._version = None

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_current: contextvars.ContextVar[Session | None] = contextvars.ContextVar("taizhang_page_view", default=None)


@contextlib.contextmanager
def page_view():
    """One Session for a whole script run: the sidebar's catalog and the page's data."""
    s = Session()
    token = _current.set(s)
    try:
        yield s
    finally:
        _current.reset(token)
        s.close()


def release() -> None:
    """Let this page view's connection go now (it reopens if asked again):
    before a write, and before long work that needs no data, such as parsing
    an upload, so loaders in other processes are not kept waiting."""
    current = _current.get()
    if current is not None:
        current.release()


if release not in database.before_write:
    database.before_write.append(release)


def session():
    """`with data.session() as s:` around a page's data calls, to share one connection.
    Inside page_view() it is the run's own Session, lent: leaving the block keeps it open."""
    current = _current.get()
    return contextlib.nullcontext(current) if current is not None else Session()


def _use(given: Session | None) -> tuple[Session, bool]:
    if given is not None:
        return given, False
    current = _current.get()
    if current is not None:
        return current, False
    return Session(), True


@dataclass(frozen=True)
class Catalog:
    """What the store holds, for the sidebar and the empty states."""
    status: str                      # ok | missing | empty | busy | unreadable
    target: str
    months: tuple[dt.date, ...] = ()
    regions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    error: str = ""
    month_units: tuple[int, ...] = ()   # units with rows in each of `months`

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def still_reporting(self, month: dt.date) -> tuple[int, dt.date, int] | None:
        """(units so far, the month before, its units) when `month` has fewer than half
        the units of the month before: its figures are a few early ledgers, not the month."""
        if month not in self.months or len(self.month_units) != len(self.months):
            return None
        i = self.months.index(month)
        if i + 1 >= len(self.months):
            return None
        units, previous = self.month_units[i], self.month_units[i + 1]
        return (units, self.months[i + 1], previous) if units * 2 < previous else None


@st.cache_data(**CACHE)
def _catalog(target: str, version: tuple, _s: Session) -> Catalog:
    con = _s.con()
    found = metrics.store_catalog(con)
    if not found.months:
        return Catalog("empty", target)
    return Catalog("ok", target, tuple(found.months), tuple(found.regions), tuple(found.categories),
                   month_units=tuple(found.month_units))


def catalog() -> Catalog:
    s, own = _use(None)
    try:
        if not s.target.startswith("ducklake:") and not exists(s.target):
            return Catalog("missing", s.target)
        try:
            return _catalog(s.target, s.version, s)
        except NoDatabase:
            return Catalog("missing", s.target)
        except StoreBusy:
            return Catalog("busy", s.target)
        except duckdb.Error as error:
            return Catalog("unreadable", s.target, error=str(error).splitlines()[0])
    finally:
        if own:
            s.close()


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
              region: str | None, category: str | None, unit: str | None, on_time: bool,
              _s: Session) -> pd.DataFrame:
    return metrics.measures(_s.con(), month_from, month_to, level, region, category, unit, on_time=on_time)


def measures(month_from: dt.date, month_to: dt.date, level: str, region: str | None = None,
             category: str | None = None, unit: str | None = None, *, on_time: bool = True,
             session: Session | None = None) -> pd.DataFrame:
    s, own = _use(session)
    try:
        return _measures(s.target, s.version, month_from, month_to, level, region, category, unit, on_time, s)
    finally:
        if own:
            s.close()


@dataclass(frozen=True)
class Overview:
    kpis: dict
    breakdown: pd.DataFrame   # regions (or units of the chosen region) in the month
    trend: pd.DataFrame       # whole-scope totals per month, oldest first
    level: str


def overview(month: dt.date, region: str | None, category: str | None, span: int,
             session: Session | None = None) -> Overview:
    """One query: the last `span` months by region (or unit), with month totals."""
    level = "unit" if region else "region"
    frame = measures(metrics.months_back(month, span - 1), month, level, region, category, session=session)
    totals = frame[frame["is_total"]].reset_index(drop=True)
    parts = frame[(~frame["is_total"]) & (frame["report_month"] == month)].reset_index(drop=True)
    return Overview(metrics.kpis_from(frame, month), parts, totals, level)


@dataclass(frozen=True)
class RegionsData:
    month_rows: pd.DataFrame   # one row per region in the month
    history: pd.DataFrame      # region rows for the last `span` months (heat map)
    totals: pd.DataFrame       # month totals


def regions(month: dt.date, category: str | None, span: int, session: Session | None = None) -> RegionsData:
    """The same query as the overview without a region filter, so the two share a cache entry."""
    frame = measures(metrics.months_back(month, span - 1), month, "region", None, category, session=session)
    parts = frame[~frame["is_total"]]
    return RegionsData(parts[parts["report_month"] == month].reset_index(drop=True),
                       parts.reset_index(drop=True), frame[frame["is_total"]].reset_index(drop=True))


def units_of_region(month: dt.date, region: str | None, category: str | None,
                    session: Session | None = None) -> pd.DataFrame:
    frame = measures(month, month, "unit", region, category, session=session)
    rows = frame[~frame["is_total"]]
    if region is None:
        rows = rows[rows["region"].isna()]
    return rows.reset_index(drop=True)


# A cache_resource, not cache_data: a Ranking of 30,000 units is ~10 MB of frames,
# and cache_data pickles every result it stores (10 ms of a 100 ms page view) and
# unpickles it on every hit. The same object is handed to every view, so it is
# treated as read-only: nothing changes a Ranking's frames in place (tests/test_data.py
# checks that a rankings page view leaves it as it was).
@st.cache_resource(show_spinner=False, max_entries=32)
def _ranking(target: str, version: tuple, month: dt.date, level: str, measure: str, region: str | None,
             category: str | None, min_tasks: int, size: int, weights: tuple, not_reported: str,
             min_rated: int, _s: Session) -> metrics.Ranking:
    settings_ = Settings(min_tasks=min_tasks, red_black_size=size, weights=dict(weights), not_reported=not_reported,
                         min_rated=min_rated)
    return metrics.ranking(_s.con(), month, level=level, measure=measure, region=region, category=category,
                           settings=settings_)


def ranking(month: dt.date, level: str, measure: str, region: str | None, category: str | None,
            settings_: Settings, session: Session | None = None) -> metrics.Ranking:
    s, own = _use(session)
    try:
        return _ranking(s.target, s.version, month, level, measure, region, category, settings_.min_tasks,
                        settings_.red_black_size, tuple(sorted(settings_.weights.items())), settings_.not_reported,
                        settings_.min_rated, s)
    finally:
        if own:
            s.close()


@dataclass(frozen=True)
class MonthFlags:
    """What a month's figures leave out, for the footnotes of the overview and regions pages."""
    partial: pd.DataFrame        # region, unit, rows_not_loaded: units whose upload left rows out
    not_reported: pd.DataFrame   # region, unit, latest_month: units expected that sent nothing


@st.cache_data(**CACHE)
def _month_flags(target: str, version: tuple, month: dt.date, region: str | None, _s: Session) -> MonthFlags:
    con = _s.con()
    return MonthFlags(metrics.ranking_partial(con, month, region), metrics.not_reported(con, month, region))


def month_flags(month: dt.date, region: str | None = None, session: Session | None = None) -> MonthFlags:
    s, own = _use(session)
    try:
        return _month_flags(s.target, s.version, month, region, s)
    finally:
        if own:
            s.close()


@dataclass(frozen=True)
class InvestmentData:
    kpis: dict                    # every measure for the month, with its change (no on-time)
    by_region: pd.DataFrame
    by_category: pd.DataFrame
    by_region_category: pd.DataFrame
    by_unit: pd.DataFrame         # each unit's plan, completion and rate, largest plan first (no plan last)


@st.cache_data(**CACHE)
def _unit_investment(target: str, version: tuple, month: dt.date, region: str | None, category: str | None,
                     _s: Session) -> pd.DataFrame:
    return metrics.unit_investment(_s.con(), month, region, category)


def investment(month: dt.date, region: str | None, category: str | None,
               session: Session | None = None) -> InvestmentData:
    """Investment needs no on-time check, so its queries skip it."""
    s, own = _use(session)
    try:
        regions_ = measures(metrics.previous_month(month), month, "region", region, category,
                            on_time=False, session=s)
        parts = {level: measures(month, month, level, region, category, on_time=False, session=s)
                 for level in ("category", "region_category")}
        by_unit = _unit_investment(s.target, s.version, month, region, category, s)
    finally:
        if own:
            s.close()
    this_month = regions_[(~regions_["is_total"]) & (regions_["report_month"] == month)]
    return InvestmentData(
        metrics.kpis_from(regions_, month), this_month.reset_index(drop=True),
        *(parts[level][~parts[level]["is_total"]].reset_index(drop=True)
          for level in ("category", "region_category")),
        by_unit)


@st.cache_data(**CACHE)
def _units(target: str, version: tuple, _s: Session) -> pd.DataFrame:
    return metrics.units(_s.con())


def units(session: Session | None = None) -> pd.DataFrame:
    s, own = _use(session)
    try:
        return _units(s.target, s.version, s)
    finally:
        if own:
            s.close()


@dataclass(frozen=True)
class UnitData:
    tasks: pd.DataFrame
    history: pd.DataFrame
    # 群众评价 rated dissatisfied this month, with comments (plain text only)
    dissatisfied_ratings: pd.DataFrame


@st.cache_data(**CACHE)
def _unit(target: str, version: tuple, month: dt.date, region: str | None, unit: str,
          category: str | None, _s: Session) -> UnitData:
    con = _s.con()
    return UnitData(metrics.unit_tasks(con, month, region, unit, category),
                    metrics.unit_history(con, month, region, unit, category),
                    metrics.resident_dissatisfied(con, month, region, unit, category))


def unit(month: dt.date, region: str | None, unit_name: str, category: str | None,
         session: Session | None = None) -> UnitData:
    s, own = _use(session)
    try:
        return _unit(s.target, s.version, month, region, unit_name, category, s)
    finally:
        if own:
            s.close()


# --- uploads, submissions, accounts, mappings, ratings ------------------------------
# The readers of the upload, submissions and admin pages and of the sign-in. Each
# opens its own short read-only connection (or the loaders' and accounts' own),
# keyed on the store and its data_version like the rest.

def _store() -> tuple[str, tuple]:
    target = db_target()
    return target, data_version(target)


def _present(target: str) -> bool:
    return target.startswith("ducklake:") or exists(target)


def present() -> bool:
    """Whether there is a store to read (a DuckLake always counts: asking would open it)."""
    return _present(db_target())


@st.cache_data(**UPLOADS_CACHE)
def _upload_history(target: str, version: tuple) -> pd.DataFrame:
    with reading(target) as con:
        if not database.has_table(con, "uploads"):
            return pd.DataFrame()
        # The uploader as people know them: the display name given at `users add --name`.
        name = ("(SELECT any_value(coalesce(display_name, username)) FROM users WHERE username = up.loaded_by)"
                if database.has_table(con, "users") else "NULL")
        return con.execute(
            f"""SELECT upload_id, loaded_at, coalesce({name}, loaded_by) AS loaded_by, file_name, report_month, units,
                      rows_loaded, rows_rejected, sha256, state, stored_path, sheet
               FROM uploads AS up ORDER BY loaded_at DESC, upload_id LIMIT 2000"""
        ).df()


def upload_history() -> pd.DataFrame:
    """Every upload, newest first (at most 2000); who may see which is ui.upload.history's."""
    target, version = _store()
    if not _present(target):
        return pd.DataFrame()
    return _upload_history(target, version)


@st.cache_data(**UPLOADS_CACHE)
def _known_region(target: str, version: tuple, unit: str) -> str | None:
    with reading(target) as con:
        return known_regions(con, [unit]).get(unit)


def known_region(unit: str) -> str | None:
    """The unit's region (units list, else its latest month), for the template."""
    target, version = _store()
    if not _present(target):
        return None
    return _known_region(target, version, unit)


@st.cache_data(**UPLOADS_CACHE)
def _submission_months(target: str, version: tuple) -> list[dt.date]:
    with reading(target) as con:
        if not database.has_table(con, "uploads"):
            return []
        return [r[0] for r in con.execute(
            "SELECT DISTINCT report_month FROM uploads WHERE state <> 'rolled_back' ORDER BY 1 DESC").fetchall()]


def submission_months() -> list[dt.date]:
    """The months anything was uploaded for (rolled-back uploads left out), newest first."""
    target, version = _store()
    return _submission_months(target, version) if _present(target) else []


@st.cache_data(**UPLOADS_CACHE)
def _submissions(target: str, version: tuple, month: dt.date, deadline_day: int) -> Submissions:
    with reading(target) as con:
        return submission_status(con, month, deadline_day)


def submissions(month: dt.date, deadline_day: int) -> Submissions | None:
    """Who reported the month, late or not at all; None without a store."""
    target, version = _store()
    if not _present(target):
        return None
    return _submissions(target, version, month, deadline_day)


EXPECTED_UNITS_COLUMNS = ["unit", "region", "active", "source", "since"]


@st.cache_data(**UPLOADS_CACHE)
def _expected_units(target: str, version: tuple) -> pd.DataFrame:
    with reading(target) as con:
        if not database.has_table(con, "units"):
            return pd.DataFrame(columns=EXPECTED_UNITS_COLUMNS)
        return con.execute(
            "SELECT unit, region, active, source, since FROM units ORDER BY active DESC, region NULLS LAST, unit").df()


def expected_units() -> pd.DataFrame:
    """The `units` table (the list of units expected to report), expected ones first."""
    target, version = _store()
    if not _present(target):
        return pd.DataFrame(columns=EXPECTED_UNITS_COLUMNS)
    return _expected_units(target, version)


@st.cache_data(**UPLOADS_CACHE)
def _users(target: str, version: tuple) -> list[dict]:
    return accounts.list_users(target)


def users() -> list[dict]:
    """Every account: username, role, units, display_name, disabled."""
    target, version = _store()
    return _users(target, version) if _present(target) else []


@st.cache_data(show_spinner=False, max_entries=16)
def _accounts(target: str, version: tuple) -> dict[str, dict]:
    return {u["username"]: u for u in accounts.list_users(target)}


def account(username: str) -> dict | None:
    """The account's row, None when there is none. Raises StoreError or duckdb.Error
    when the store cannot be read just now (the sign-in decides what that means)."""
    target = db_target()
    return _accounts(target, data_version(target)).get(username)


@st.cache_data(**UPLOADS_CACHE)
def _audit(target: str, version: tuple, limit: int) -> list[dict]:
    return accounts.audit_entries(target, limit)


def audit(limit: int = 1000) -> list[dict]:
    """The audit log, newest first."""
    target, version = _store()
    return _audit(target, version, limit) if _present(target) else []


@st.cache_data(show_spinner=False, max_entries=16)
def _mapping_list(target: str, version: tuple) -> list[dict]:
    return mappings_store.list_all(target)


def mapping_list() -> list[dict]:
    """Every saved column and word mapping, as mappings_store.list_all gives them."""
    target = db_target()
    return _mapping_list(target, data_version(target))


def saved_mappings(units) -> mappings_store.Saved | None:
    """The mappings saved before, preferring these units', for checking an upload
    (not cached: read once per file checked); None when the store cannot be read
    just now (the file is then checked as it is)."""
    try:
        return mappings_store.saved(db_target(), units=list(units))
    except (StoreError, duckdb.Error):
        return None


@st.cache_data(show_spinner=False, max_entries=16)
def _recent_ratings(target: str, version: tuple, limit: int) -> list[dict]:
    return ratings.recent(target, limit)


def recent_ratings(limit: int) -> list[dict]:
    """The latest residents' ratings, hidden ones included (for admins), newest first."""
    target = db_target()
    return _recent_ratings(target, data_version(target), limit)


def upload_impact(prepared) -> bool:
    """What confirming a checked upload would change, read from the store into
    prepared.impact (loaders.impact.check). False when the store is busy: the
    commit checks again."""
    try:
        impact.check(prepared, db_target())
    except StoreBusy:
        return False
    return True


# --- the bulletin (/briefing): one cached assembly per month, scope and settings ---

@st.cache_data(show_spinner=False, max_entries=32)
def _bulletin(target: str, version: tuple, month: dt.date, region: str | None, category: str | None,
              measure: str, min_tasks: int, size: int, weights: tuple, not_reported: str = "apart",
              min_rated: int = 5) -> Bulletin:
    settings = Settings(min_tasks=min_tasks, red_black_size=size, weights=dict(weights), not_reported=not_reported,
                        min_rated=min_rated)
    with reading(target, wait=READ_WAIT_SECONDS) as con:
        return bulletin_data.assemble(con, month, region=region, category=category, measure=measure,
                                      settings=settings)


def bulletin_key(month, region, category, measure, settings: Settings) -> tuple:
    target = db_target()
    return (target, data_version(target), month, region, category, measure, settings.min_tasks,
            settings.red_black_size, tuple(sorted(settings.weights.items())), settings.not_reported, settings.min_rated)


def bulletin(month: dt.date, region: str | None, category: str | None, measure: str,
             settings: Settings) -> Bulletin:
    return _bulletin(*bulletin_key(month, region, category, measure, settings))




def bulletin_of(key: tuple) -> Bulletin:
    """The bulletin of a bulletin_key (its exports are cached by that key)."""
    return _bulletin(*key)


# --- /feedback: a resident's view, never cached (each browser has its own ratings) ---

def feedback(token: str | None) -> ratings.Feedback | None:
    """The unit and completed tasks a notice's link names, or None for an unknown link."""
    with reading(db_target(), wait=READ_WAIT_SECONDS) as con:
        return ratings.feedback(con, token)


def ratings_of(unit: str, rater: str | None) -> dict:
    """This browser's ratings of the unit's tasks."""
    with reading(db_target(), wait=READ_WAIT_SECONDS) as con:
        return ratings.ratings_of(con, unit, rater)
