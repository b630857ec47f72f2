"""Data for drilling from a figure to what is behind it: the month's table of all units
(/units opens on it) and the kept original files behind a unit's tasks.

Same pattern as ui/data.py: cached functions keyed on the store target and its
data_version, reading through the page view's Session.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from metrics import RANKABLE
from metrics.settings import Settings
from taizhang.database import has_table
from ui import data

UNIT_COLUMNS = ("region", "unit", "tasks", "completion_rate", "on_time_rate", "overdue", "rank", "change",
                "deadline_tasks")  # deadline_tasks: why on-time and overdue may be "—"
RANK_MEASURE = RANKABLE[0]  # the rankings page's default measure


def _use(given: data.Session | None):
    return data._use(given)


def units_month(month: dt.date, region: str | None, category: str | None, settings: Settings,
                session: data.Session | None = None) -> pd.DataFrame:
    """Every unit that reported in `month` (in the sidebar's region and category): region,
    unit, tasks, completion, on-time, overdue, and its rank and change on the rankings
    page's default measure (blank when the unit is listed apart). Best rank first."""
    frame = data.measures(month, month, "unit", region, category, session=session)
    rows = frame[(~frame["is_total"]) & (frame["report_month"] == month)].copy()
    ranked = data.ranking(month, "unit", RANK_MEASURE, region, category, settings, session=session).table
    if "not_reported" in ranked:
        ranked = ranked[~ranked["not_reported"].astype(bool)]
    key = lambda r, u: (r if isinstance(r, str) else "", u)  # noqa: E731 - an unknown region joins as ""
    ranks = {key(r, u): (rank, change) for r, u, rank, change
             in zip(ranked["region"], ranked["unit"], ranked["rank"], ranked["change"])}
    found = [ranks.get(key(r, u), (None, None)) for r, u in zip(rows["region"], rows["unit"])]
    rows["rank"] = pd.array([None if rank is None or rank != rank else int(rank) for rank, _ in found],
                            dtype="Int64")
    rows["change"] = [change if isinstance(change, str) else None for _, change in found]
    rows = rows.sort_values(["rank", "completion_rate", "tasks", "unit"], ascending=[True, False, False, True],
                            na_position="last")
    return rows[list(UNIT_COLUMNS)].reset_index(drop=True)


@st.cache_data(**data.CACHE)
def _uploads(target: str, version: tuple, ids: tuple[str, ...], _s: data.Session) -> pd.DataFrame:
    con = _s.con()
    if not ids or not has_table(con, "uploads"):
        return pd.DataFrame({"upload_id": [], "file_name": [], "stored_path": [], "units": []})
    return con.execute(
        "SELECT upload_id, file_name, stored_path, units FROM uploads WHERE list_contains(?, upload_id)",
        [list(ids)]).df()


def uploads(ids, session: data.Session | None = None) -> pd.DataFrame:
    """upload_id, file_name, stored_path, units of the given uploads."""
    ids = tuple(sorted({i for i in ids if isinstance(i, str)}))
    s, own = _use(session)
    try:
        return _uploads(s.target, s.version, ids, s)
    finally:
        if own:
            s.close()
