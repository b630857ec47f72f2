"""The rankings page's league tables: the ranked rows as shown (league_frame), a row
chosen to open its unit or region (drill), the captions that state the rules, and the
tables of units listed apart or not reported, with the words that say why."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from metrics import SATISFACTION, Ranking
from metrics.settings import Settings
from present import composite, format as fmt, missing
from present.catalogue import STRINGS
from ui import data, frame
from ui.i18n import lang, t
from ui.tables import column_config

LEVELS = ("unit", "region")
# the measures of the full league table besides the ranked one (league_frame)
SHOWN = ("tasks", "completed", "overdue", "completion_rate", "on_time_rate", "investment_completion")


def league_frame(table: pd.DataFrame, measure: str, level: str, *, compact: bool = False):
    """The ranked rows as shown: rank, change, name (and region), the measure, then context."""
    label_measure = t(f"m.{measure}")
    out = pd.DataFrame({t("col.rank"): table["rank"].astype("Int64")})
    # rank, name and the ranked figure pinned (kept first and in view): a phone shows them without scrolling
    config = {t("col.rank"): st.column_config.NumberColumn(t("col.rank"), format="%d", width=52, pinned=True)}
    if not compact:
        out[t("col.change")] = fmt.changes(table["change"], lang())
        config[t("col.change")] = st.column_config.TextColumn(t("col.change"), width="small")
    name_col = "unit" if level == "unit" else "region"
    out[t(f"col.{name_col}")] = [v if isinstance(v, str) else t("unknown_region") for v in table[name_col]]
    config[t(f"col.{name_col}")] = st.column_config.TextColumn(t(f"col.{name_col}"), width=120, pinned=True)
    # the ranked figure next to the name, so it stays in view on a phone
    out[label_measure] = table["score"].astype("float64").to_numpy() * 100
    config[label_measure] = column_config(measure, label_measure)
    config[label_measure]["width"] = 72
    config[label_measure]["pinned"] = True
    if measure == "composite":  # the score's tooltip says what it is made of
        config[label_measure]["help"] = composite.explain(data.settings()[0].weights, lang())
    if level == "unit" and not compact:
        out[t("col.region")] = [v if isinstance(v, str) else t("unknown_region") for v in table["region"]]
    if measure in SATISFACTION:
        # a satisfaction rate always has its counts beside it
        rated, _, _, dissatisfied = SATISFACTION[measure]
        for key in (rated, dissatisfied):
            label = t(f"m.{key}")
            out[label] = table[key].astype("float64").to_numpy()
            config[label] = column_config(key, label)
    if "not_reported" in table and table["not_reported"].any():
        # ranked last by the [ranking] not_reported = "last" rule: say why the figure is blank
        out[t("col.note")] = [note(row) if flag else "" for flag, row in zip(table["not_reported"],
                                                                              table.to_dict("records"))]
    if not compact:
        for key in SHOWN:
            if key == measure:
                continue
            label = t(f"m.{key}")
            series = table[key].astype("float64").to_numpy()
            out[label] = series * 100 if fmt.MEASURES[key].kind == "rate" else series
            config[label] = column_config(key, label)
    return out, config


def drill(level: str, table: pd.DataFrame, key: str):
    """on_select for a league table: the chosen row opens that unit (/units?unit=) or
    region (/regions?region=)."""
    if level == "unit":
        return frame.on_pick(key, table["unit"].tolist(), frame.drill_unit)
    return frame.on_pick(key, [r if isinstance(r, str) else None for r in table["region"]], frame.drill_region)


def latest(value) -> str:
    """A not-reported unit's latest reported month, or 从未报送."""
    return fmt.month(value, lang()) if isinstance(value, dt.date) else t("latest.never")


def note(row: dict) -> str:
    """A unit ranked last for not reporting: 本月未报送（最近报送：2021年3月）."""
    words, month = t("rankings.reason.not_reported"), latest(row.get("latest_month"))
    if lang() == "zh":
        return f"{words}（{t('col.latest_month')}：{month}）"
    return f"{words} ({t('col.latest_month')}: {month})"


def reason(row: dict, min_tasks: int, min_rated: int = 5) -> str:
    """Why an entity is listed apart; a missing input (no deadlines, no 完成投资, ...) in the
    words every page uses for a "—" (present/strings_missing.py)."""
    code = row["reason"]
    if f"rankings.reason.{code}" not in STRINGS:
        return missing.reason(code, lang())
    rows = row.get("rows_not_loaded")
    return t(f"rankings.reason.{code}", min=min_tasks, rows=0 if rows is None or pd.isna(rows) else int(rows),
             rated=min_rated)


def rules(result: Ranking, level: str, measure: str, entity: str, settings: Settings, month: dt.date,
          lang_: str, partial_regions: int) -> list[str]:
    """The captions under the selectors: how the table is ranked (and, by region, how many
    regions reported in part); for the composite, its rates and their shares of 100%."""
    said = [t("rankings.rules", month=fmt.month(month, lang_), measure=t(f"m.{measure}"),
              min=settings.min_tasks, entity=entity, entity_cap=entity)]
    if measure in SATISFACTION:
        said.append(t("rankings.rules.rated", rated=settings.min_rated))
    if level == "unit":
        said += [t("rankings.rules.partial"), t(f"rankings.rules.{result.not_reported_rule}")]
    elif partial_regions:
        said.append(t("rankings.partial_regions", count=partial_regions))
    captions = [("" if lang_ == "zh" else " ").join(said)]
    if measure == "composite":
        captions.append(composite.explain(settings.weights, lang_))
        if any(settings.weight(k) for k in SATISFACTION):
            captions.append(t("rankings.composite_satisfaction", rated=settings.min_rated))
    return captions


def table_notes(result: Ranking, measure: str, level: str, lang_: str) -> list[str]:
    """Missing is not zero: what each "—" in the league table means, and the composite's rescaled weights."""
    notes = (missing.table_note(result.reported, SHOWN, level, lang_),
             missing.composite_note(result.reported, level, lang_) if measure == "composite" else None)
    return [n for n in notes if n]


def absent_regions(result: Ranking, regions: tuple[str, ...], lang_: str) -> str | None:
    """By region: the regions the store knows that are in neither list this month (no
    ledger at all), named as /regions and the slides name them, never left out unsaid."""
    if result.level != "region":
        return None
    listed = [*result.table["region"], *result.unranked.get("region", pd.Series(dtype=object))]
    return frame.absent_regions(regions, listed, lang_)


def absent_frame(absent: pd.DataFrame) -> pd.DataFrame:
    """本月未报送: each unit that did not report, its region and its latest reported month."""
    return pd.DataFrame({
        t("col.unit"): absent["unit"].tolist(),
        t("col.region"): [v if isinstance(v, str) else t("unknown_region") for v in absent["region"]],
        t("col.latest_month"): [latest(v) for v in absent["latest_month"]],
    })


def unranked_frame(apart: pd.DataFrame, level: str, measure: str, settings: Settings) -> tuple[pd.DataFrame, dict]:
    """The entities listed apart: name, tasks, the measure, (for a satisfaction rate its
    counts,) and the reason; with its column_config."""
    name_col = "unit" if level == "unit" else "region"
    out = pd.DataFrame({
        t(f"col.{name_col}"): [v if isinstance(v, str) else t("unknown_region") for v in apart[name_col]],
        t("m.tasks"): apart["tasks"].tolist(),
        t(f"m.{measure}"): (apart["value"].astype("float64") * 100).tolist(),
        t("col.reason"): [reason(row, settings.min_tasks, settings.min_rated) for row in apart.to_dict("records")],
    })
    counts = {}
    if measure in SATISFACTION:   # why a unit is apart for a satisfaction rate: its counts
        for key in (SATISFACTION[measure][0], SATISFACTION[measure][3]):
            out.insert(len(out.columns) - 1, t(f"m.{key}"), apart[key].astype("float64").tolist())
            counts[t(f"m.{key}")] = column_config(key, t(f"m.{key}"))
    shown = column_config(measure, t(f"m.{measure}"))
    if measure == "composite":  # the score's tooltip says what it is made of
        shown["help"] = composite.explain(settings.weights, lang())
    return out, {
        **counts,
        t(f"m.{measure}"): shown,
        t("m.tasks"): column_config("tasks", t("m.tasks")),
    }
