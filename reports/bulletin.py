"""The month's bulletin (通报) as data: everything the slides, the PDF, the Word
file and the spreadsheet say, gathered once from the named measures.

Nothing is computed here that metrics computes: KPIs come from metrics.kpis,
the league tables (rank, rank change, red and black lists, min_tasks) from
metrics.ranking, overdue items from metrics.overdue. This module only picks
rows out of those results (the biggest movers are the ranked units whose rank
changed most, the regions that sent nothing are those of the units metrics.not_reported
lists that have no rows this month).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

import metrics
from metrics.overdue import overdue as overdue_items
from metrics.settings import Settings

DEFAULT_MEASURE = "composite"


@dataclass(frozen=True)
class Bulletin:
    month: dt.date
    region: str | None
    category: str | None
    measure: str                      # the ranked measure, one of metrics.RANKABLE
    min_tasks: int
    list_size: int                    # settings.red_black_size: red, black and movers
    kpis: dict                        # key -> metrics.Kpi, with the previous month
    units: metrics.Ranking            # units of the scope, ranked
    regions: metrics.Ranking | None   # regions ranked; None when one region is chosen
    investment: pd.DataFrame          # this month's measures by region (by unit when a region is chosen)
    overdue: pd.DataFrame             # overdue items, longest first
    movers_up: pd.DataFrame           # ranked units that rose most, with `moved` (> 0)
    movers_down: pd.DataFrame         # ranked units that fell most, with `moved` (< 0)
    # 本月未报送的县区: regions with units expected this month (metrics.not_reported) and
    # no rows in it, whatever the category; named beside the region comparison, never
    # shown as 0. Empty when one region is chosen.
    regions_not_reported: tuple[str, ...] = ()

    @property
    def previous_month(self) -> dt.date:
        return metrics.previous_month(self.month)

    @property
    def empty(self) -> bool:
        return not self.kpis["tasks"].value

    @property
    def units_reported(self) -> int:
        """Units with rows this month (not those ranked last for not reporting)."""
        return len(self.units.reported) + len(self.units.unranked)

    @property
    def investment_level(self) -> str:
        return "unit" if self.region else "region"

    @property
    def overdue_by_unit(self) -> pd.DataFrame:
        """Units with overdue items, most first: region, unit, overdue, tasks (from the ranking rows)."""
        rows = pd.concat([self.units.reported, self.units.unranked], ignore_index=True)
        if rows.empty:
            return pd.DataFrame(columns=["region", "unit", "overdue", "tasks"])
        rows = rows[rows["overdue"] > 0][["region", "unit", "overdue", "tasks"]]
        return rows.sort_values(["overdue", "tasks", "region", "unit"], ascending=[False, True, True, True],
                                na_position="last").reset_index(drop=True)


def movers(table: pd.DataFrame, size: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `size` ranked units that rose most and fell most since last month (ranked in both)."""
    if table.empty:
        return table.assign(moved=pd.Series(dtype="int64")), table.assign(moved=pd.Series(dtype="int64"))
    both = table[table["previous_rank"].notna() & table["rank"].notna()].copy()
    both["moved"] = (both["previous_rank"] - both["rank"]).astype("int64")
    up = both[both["moved"] > 0].sort_values(["moved", "rank"], ascending=[False, True]).head(size)
    down = both[both["moved"] < 0].sort_values(["moved", "rank"], ascending=[True, False]).head(size)
    return up.reset_index(drop=True), down.reset_index(drop=True)


def silent_regions(not_reported: pd.DataFrame, reporting: Iterable) -> tuple[str, ...]:
    """The regions of the units that sent nothing (`not_reported`, metrics.not_reported)
    that have no rows this month (`reporting`: the regions with rows), by name."""
    seen = {r for r in reporting if isinstance(r, str)}
    return tuple(sorted({r for r in not_reported["region"] if isinstance(r, str) and r not in seen}))


def assemble(con: duckdb.DuckDBPyConnection, month: dt.date, *, region: str | None = None,
             category: str | None = None, measure: str = DEFAULT_MEASURE,
             settings: Settings | None = None) -> Bulletin:
    settings = settings or Settings()
    kpis = metrics.kpis(con, month, region, category)
    units = metrics.ranking(con, month, level="unit", measure=measure, region=region, category=category,
                            settings=settings)
    regions = None if region else metrics.ranking(con, month, level="region", measure=measure,
                                                  category=category, settings=settings)
    level = "unit" if region else "region"
    frame = metrics.measures(con, month, month, level, region, category)
    investment = frame[~frame["is_total"]]
    investment = investment.sort_values(["planned_investment", "actual_investment"], ascending=False,
                                        na_position="last").reset_index(drop=True)
    up, down = movers(units.table, settings.red_black_size)
    silent: tuple[str, ...] = ()
    if region is None:
        # a region with rows of other categories only did report: ask without the category
        reporting = frame if category is None else metrics.measures(con, month, month, "region", on_time=False)
        silent = silent_regions(units.not_reported, reporting.loc[~reporting["is_total"], "region"])
    return Bulletin(
        month=month, region=region, category=category, measure=measure, min_tasks=settings.min_tasks,
        list_size=settings.red_black_size, kpis=kpis, units=units, regions=regions, investment=investment,
        overdue=overdue_items(con, month, region, category), movers_up=up, movers_down=down,
        regions_not_reported=silent,
    )
