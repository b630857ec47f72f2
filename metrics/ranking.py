"""League tables: rank units or regions by a measure, with red and black lists."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import duckdb
import pandas as pd

from metrics.definitions import RANKABLE, SATISFACTION
from metrics.measures import missing_reason, previous_month
from metrics.queries import run
from metrics.settings import WEIGHTABLE, Settings
from taizhang.database import has_table

Level = Literal["unit", "region"]


def _no_units() -> pd.DataFrame:
    """The not_reported table when no unit is missing (or none is expected)."""
    return pd.DataFrame({"region": pd.Series(dtype="object"), "unit": pd.Series(dtype="object"),
                         "latest_month": pd.Series(dtype="object")})


@dataclass(frozen=True)
class Ranking:
    month: dt.date
    level: Level
    measure: str
    min_tasks: int
    table: pd.DataFrame      # ranked entities, best first
    unranked: pd.DataFrame   # listed apart, with a `reason`
    red: pd.DataFrame        # 红榜: rank <= N (ties at the edge included)
    black: pd.DataFrame      # 黑榜: the N worst (ties included), worst first, never also on the red list
    has_previous: bool       # whether anything was ranked in the previous month
    # 本月未报送: units expected this month without rows (region, unit, latest_month),
    # whatever the rule; with not_reported_rule "last" (units only) they are
    # also the last rows of `table`, tied, flagged by its `not_reported` column.
    not_reported: pd.DataFrame = field(default_factory=_no_units)
    not_reported_rule: str = "apart"
    min_rated: int = 5       # rated tasks (ratings) needed to be ranked by a satisfaction rate
    # the composite's weights as configured (relative: present/composite.py says them as shares)
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Nothing reported in the scope (units that did not report do not count)."""
        return self.reported.empty and self.unranked.empty

    @property
    def reported(self) -> pd.DataFrame:
        """The ranked rows of units that reported (`table` without not-reported units)."""
        return self.table[~self.table["not_reported"]] if "not_reported" in self.table else self.table

    @property
    def partial(self) -> pd.DataFrame:
        """Units listed apart because their month is partial, with rows_not_loaded."""
        return self.unranked[self.unranked["reason"] == "partial"] if len(self.unranked) else self.unranked

    @property
    def not_reported_last(self) -> bool:
        """Whether not-reported units are ranked last in `table` (else listed apart)."""
        return self.not_reported_rule == "last" and self.level == "unit"


def _reason(row, min_tasks: int, level: str, measure: str = "", min_rated: int = 0) -> str:
    if not pd.isna(row["rows_not_loaded"]):
        return "partial"
    if row["tasks"] < min_tasks:
        return "too_few_tasks"
    if measure in SATISFACTION:
        rated = row[SATISFACTION[measure][0]]
        if pd.isna(rated) or rated == 0:
            return "none_rated"
        if rated < min_rated:
            return "too_few_rated"
    if level == "region" and (row["region"] is None or pd.isna(row["region"])):
        return "unknown_region"
    # missing is not zero: say which input the ledgers lack (no_deadlines, no_actual, ...)
    return missing_reason(measure, {**row, measure: row.get("value")}) or "no_value"


def ranking(con: duckdb.DuckDBPyConnection, month: dt.date, *, level: Level = "unit",
            measure: str = "completion_rate", region: str | None = None, category: str | None = None,
            settings: Settings | None = None) -> Ranking:
    if level not in ("unit", "region"):
        raise ValueError(f"level must be 'unit' or 'region', not {level!r}")
    if measure not in RANKABLE:
        raise ValueError(f"measure must be one of {', '.join(RANKABLE)}, not {measure!r}")
    settings = settings or Settings()
    weights = {f"w_{key}": settings.weight(key) for key in WEIGHTABLE}
    previous = previous_month(month)
    frame = run(con, "ranking", month=month, previous_month=previous, level=level, measure=measure,
                region=region, category=category, min_tasks=settings.min_tasks, min_rated=settings.min_rated,
                **weights).to_pandas()

    has_previous = bool(len(frame)) and int(frame["previous_ranked_count"].iloc[0]) > 0

    frame["not_reported"] = False
    frame["latest_month"] = None

    ranked = frame[frame["is_ranked"]].reset_index(drop=True)
    unranked = frame[~frame["is_ranked"]].copy()
    unranked["reason"] = [_reason(row, settings.min_tasks, level, measure, settings.min_rated)
                          for _, row in unranked.iterrows()]
    unranked = unranked.sort_values(["tasks", "region", "unit"], ascending=[False, True, True],
                                    na_position="last").reset_index(drop=True)

    missing = not_reported(con, month, region)
    if settings.not_reported == "last" and level == "unit" and len(missing) and len(ranked):
        # after every ranked unit, tied; first from the bottom, so on the black list
        last = pd.DataFrame({"region": missing["region"].to_numpy(), "unit": missing["unit"].to_numpy(),
                             "latest_month": missing["latest_month"].to_numpy(),
                             "tasks": 0, "completed": 0, "started": 0, "overdue": 0,
                             "is_ranked": True, "not_reported": True, "change": "",
                             "rank": len(ranked) + 1, "rank_from_bottom": 1})
        ranked = ranked.assign(rank_from_bottom=ranked["rank_from_bottom"] + len(missing))
        ranked = pd.concat([ranked, last], ignore_index=True)
        ranked["not_reported"] = ranked["not_reported"].astype(bool)

    size = settings.red_black_size
    red = ranked[(ranked["rank"] <= size) & ~ranked["not_reported"]]
    black = ranked[(ranked["rank_from_bottom"] <= size) & ~ranked.index.isin(red.index)]
    red = red.reset_index(drop=True)
    black = black.sort_values(["rank", "value"], ascending=[False, True]).reset_index(drop=True)
    return Ranking(month, level, measure, settings.min_tasks, ranked, unranked, red, black, has_previous,
                   missing, settings.not_reported, settings.min_rated,
                   {key: settings.weight(key) for key in WEIGHTABLE})


def not_reported(con: duckdb.DuckDBPyConnection, month: dt.date, region: str | None = None) -> pd.DataFrame:
    """本月未报送: units expected in `month` (metrics/sql/not_reported.sql) without rows in it."""
    if not has_table(con, "units"):  # a database from before the units list: nothing is expected
        return _no_units()
    return run(con, "not_reported", month=month, region=region).to_pandas()


def partial(con: duckdb.DuckDBPyConnection, month: dt.date, region: str | None = None) -> pd.DataFrame:
    """Units whose `month` is partial (their upload left rows out): region, unit, rows_not_loaded."""
    return run(con, "partial", month=month, region=region).to_pandas()

