"""Dashboard settings from config/taizhang.toml (or $TAIZHANG_CONFIG)."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from taizhang.config import DEFAULT_CONFIG, config_path  # noqa: F401  (metrics.settings.config_path is public)

WEIGHTABLE = ("completion_rate", "start_rate", "on_time_rate", "investment_completion",
              "satisfaction_rate", "resident_satisfaction_rate")
# [ranking] not_reported: units expected this month that sent nothing are listed
# apart ("apart") or ranked after every ranked unit, tied ("last").
NOT_REPORTED = ("apart", "last")


class ConfigError(Exception):
    """The settings file is unreadable or holds a wrong value; names file, key and fix."""


@dataclass(frozen=True)
class Settings:
    min_tasks: int = 5
    # [ranking] min_rated: a unit (or region) needs this many rated tasks (单位自评)
    # or resident ratings (群众评价) to be ranked by, or scored on, that satisfaction rate
    min_rated: int = 5
    red_black_size: int = 5
    not_reported: str = "apart"        # [ranking]: "apart" or "last" (NOT_REPORTED)
    weights: Mapping[str, float] = field(default_factory=lambda: {
        "completion_rate": 0.5, "on_time_rate": 0.3, "investment_completion": 0.2})
    trend_months: int = 12
    geojson: Path | None = None
    feature_name: str = "name"
    deadline_day: int = 25             # [submissions]: a month's ledger is due by this day of the month
    view_requires_login: bool = False  # [access]: whether viewing pages needs a sign-in

    def weight(self, measure: str) -> float:
        return float(self.weights.get(measure, 0.0))


def load(path: str | os.PathLike | None = None) -> Settings:
    """Read the settings; a missing file means the defaults."""
    path = Path(path) if path else config_path()
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read as TOML ({error}); "
                          "fix the file or remove it to use the defaults.") from error

    ranking = data.get("ranking", {})
    overview = data.get("overview", {})
    geo = data.get("map", {})
    submissions = data.get("submissions", {})
    access = data.get("access", {})

    def whole(section: dict, key: str, default: int, low: int) -> int:
        value = section.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ConfigError(f"{path}: {key} must be a whole number of at least {low}, not {value!r}.")
        return value

    weights_in = ranking.get("weights", Settings().weights)
    if not isinstance(weights_in, Mapping):
        raise ConfigError(f"{path}: [ranking.weights] must be a table of rate = weight.")
    weights: dict[str, float] = {}
    for key, value in weights_in.items():
        if key not in WEIGHTABLE:
            raise ConfigError(f"{path}: unknown weight {key!r} in [ranking.weights]; use {', '.join(WEIGHTABLE)}.")
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{path}: weight {key} must be a number >= 0, not {value!r}.")
        weights[key] = float(value)
    if not any(weights.values()):
        raise ConfigError(f"{path}: [ranking.weights] needs at least one weight above 0.")

    not_reported = ranking.get("not_reported", "apart")
    if not_reported not in NOT_REPORTED:
        raise ConfigError(f'{path}: [ranking] not_reported must be "apart" or "last", not {not_reported!r}.')

    geojson = geo.get("geojson")
    if geojson is not None:
        if not isinstance(geojson, str) or not geojson.strip():
            raise ConfigError(f"{path}: [map] geojson must be a file path.")
        geojson_path = Path(geojson)
        if not geojson_path.is_absolute():
            geojson_path = path.resolve().parent / geojson_path
    else:
        geojson_path = None
    feature_name = geo.get("feature_name", "name")
    if not isinstance(feature_name, str) or not feature_name:
        raise ConfigError(f"{path}: [map] feature_name must be a property name.")

    deadline_day = whole(submissions, "deadline_day", 25, 1)
    if deadline_day > 31:
        raise ConfigError(f"{path}: [submissions] deadline_day is a day of the month, 1 to 31, not {deadline_day}.")
    view_requires_login = access.get("view_requires_login", False)
    if not isinstance(view_requires_login, bool):
        raise ConfigError(f"{path}: [access] view_requires_login must be true or false, not {view_requires_login!r}.")

    return Settings(
        min_tasks=whole(ranking, "min_tasks", 5, 1),
        min_rated=whole(ranking, "min_rated", 5, 1),
        red_black_size=whole(ranking, "red_black_size", 5, 1),
        not_reported=not_reported,
        weights=weights,
        trend_months=whole(overview, "trend_months", 12, 1),
        geojson=geojson_path,
        feature_name=feature_name,
        deadline_day=deadline_day,
        view_requires_login=view_requires_login,
    )
