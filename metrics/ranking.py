"""League tables: rank units or regions by a measure, with red and black lists."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import duckdb
import pandas as pd

from metrics.measures import RANKABLE, previous_month
from metrics.queries import run
from metrics.settings import WEIGHTABLE, Settings

Level = Literal["unit", "region"]


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

    @property
    def empty(self) -> bool:
        return self.table.empty and self.unranked.empty


def change_label(rank, previous_rank, has_previous: bool) -> str:
    """▲n up, ▼n down, — unchanged, 新 new to the table; blank without a previous month."""
    if rank is None or pd.isna(rank):
        return ""
    if not has_previous:
        return ""
    if previous_rank is None or pd.isna(previous_rank):
        return "新"
    moved = int(previous_rank) - int(rank)
    if moved > 0:
        return f"▲{moved}"
    if moved < 0:
        return f"▼{-moved}"
    return "—"


def _reason(row, min_tasks: int, level: str) -> str:
    if row["tasks"] < min_tasks:
        return "too_few_tasks"
    if level == "region" and (row["region"] is None or pd.isna(row["region"])):
        return "unknown_region"
    return "no_value"


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
                region=region, category=category, min_tasks=settings.min_tasks, **weights).to_pandas()

    has_previous = bool(len(frame)) and int(frame["previous_ranked_count"].iloc[0]) > 0
    frame["change"] = [change_label(r, p, has_previous) for r, p in zip(frame["rank"], frame["previous_rank"])]

    ranked = frame[frame["is_ranked"]].reset_index(drop=True)
    unranked = frame[~frame["is_ranked"]].copy()
    unranked["reason"] = [_reason(row, settings.min_tasks, level) for _, row in unranked.iterrows()]
    unranked = unranked.sort_values(["tasks", "region", "unit"], ascending=[False, True, True],
                                    na_position="last").reset_index(drop=True)

    size = settings.red_black_size
    red = ranked[ranked["rank"] <= size].reset_index(drop=True)
    black = ranked[(ranked["rank_from_bottom"] <= size) & (ranked["rank"] > size)]
    black = black.sort_values(["rank", "value"], ascending=[False, True]).reset_index(drop=True)
    return Ranking(month, level, measure, settings.min_tasks, ranked, unranked, red, black, has_previous)

