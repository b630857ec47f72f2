"""Tables of measures for st.dataframe: translated headers, one number format."""
from __future__ import annotations

from typing import Callable, Literal, Sequence

import pandas as pd
import streamlit as st

from metrics import KPI_ORDER, MEASURES
from present import format as fmt, missing
from ui.i18n import t

LABEL_COLUMNS = {"unit": "col.unit", "region": "col.region", "category": "col.category"}


def column_config(key: str, label: str):
    kind = "score" if key == "composite" else MEASURES[key].kind
    if kind == "rate":
        return st.column_config.NumberColumn(label, format="%.1f%%", help=t(f"help.{key}"))
    if kind == "score":
        return st.column_config.NumberColumn(label, format="%.1f")
    if kind == "money":
        return st.column_config.NumberColumn(label, format="%,.1f", help=t(f"help.{key}"))
    return st.column_config.NumberColumn(label, format="%,d", help=t(f"help.{key}"))


def display_frame(frame: pd.DataFrame, label_columns: Sequence[str], measures: Sequence[str] = KPI_ORDER,
                  unknown: str | None = None) -> tuple[pd.DataFrame, dict]:
    """A copy with rates as percentages and translated headers, plus its column_config."""
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=range(len(frame)))
    config = {}
    for column in label_columns:
        label = t(LABEL_COLUMNS[column])
        # by column, not row by row, and kept in its string dtype: a table may list 30,000
        # units (a Python list made this 20x slower there)
        out[label] = frame[column].fillna(unknown or t("unknown_region"))
        config[label] = st.column_config.TextColumn(label)
    for key in measures:
        if key not in frame:
            continue
        label = t(f"m.{key}")
        if key in ("planned_investment", "actual_investment"):
            label = t("col.planned_wan" if key == "planned_investment" else "col.actual_wan")
        elif key == "beneficiaries":
            label = t("col.beneficiaries")
        values = frame[key].astype("float64")
        kind = "score" if key == "composite" else MEASURES[key].kind
        out[label] = fmt.rate_points(values) if kind == "rate" else values * 100 if kind == "score" else values
        config[label] = column_config(key, label)
    return out, config


def measure_table(frame: pd.DataFrame, label_columns: Sequence[str], lang: str, *, key: str,
                  measures: Sequence[str] = KPI_ORDER, height: int | None = None,
                  on_select: Callable[[], None] | None = None) -> None:
    """The table, and under it what its "—" mean (missing is not zero). `height` caps a long
    table (it scrolls inside); `on_select`, a callback (ui.frame.on_pick), makes a row choosable."""
    shown, config = display_frame(frame, label_columns, measures)
    fits: int | Literal["auto"] = "auto" if height is None else min(height, 36 * (len(shown) + 1) + 3)
    if on_select is None:
        st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key=key, width="stretch",
                     height=fits)
    else:
        st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key=key, width="stretch",
                     height=fits, on_select=on_select, selection_mode="single-row")
    entity = next((c for c in ("unit", "region", "category") if c in label_columns), "month")
    note = missing.table_note(frame, [m for m in measures if m in frame], entity, lang)
    if note:
        st.caption(note)
