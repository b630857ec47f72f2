"""Tables of measures for st.dataframe: translated headers, one number format."""
from __future__ import annotations

from typing import Sequence

import pandas as pd
import streamlit as st

from metrics import KPI_ORDER, MEASURES
from present import missing
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
        values = frame[column].tolist()
        out[label] = [v if isinstance(v, str) else (unknown or t("unknown_region")) for v in values]
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
        out[label] = values * 100 if kind in ("rate", "score") else values
        config[label] = column_config(key, label)
    return out, config


def measure_table(frame: pd.DataFrame, label_columns: Sequence[str], lang: str, *, key: str,
                  measures: Sequence[str] = KPI_ORDER) -> None:
    """The table, and under it what its "—" mean (missing is not zero)."""
    shown, config = display_frame(frame, label_columns, measures)
    st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key=key, width="stretch")
    entity = next((c for c in ("unit", "region", "category") if c in label_columns), "month")
    note = missing.table_note(frame, [m for m in measures if m in frame], entity, lang)
    if note:
        st.caption(note)
