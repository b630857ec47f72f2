"""Overdue items across units for one report month (for the bulletin and the briefing)."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from metrics.queries import run


def overdue(con: duckdb.DuckDBPyConnection, month: dt.date, region: str | None = None,
            category: str | None = None) -> pd.DataFrame:
    """Tasks overdue at the end of `month` (deadline before the month's last day, not
    completed), longest overdue first, with region, unit, title, deadline and days_overdue."""
    return run(con, "overdue", month=month, region=region, category=category).to_pandas()
