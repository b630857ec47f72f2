"""The regions page's picking: the region whose units are shown, kept in the session
and in step with the sidebar's region (?region=), whether picked below or clicked
on a bar; a region's label and the bars' hover text."""
from __future__ import annotations

import streamlit as st

from metrics.definitions import SATISFACTION
from present import format as fmt
from ui.i18n import t
from ui.sidebar import choose_region

PICK_KEY = "regions_pick"
SEEN_KEY = "regions_seen_region"


def region_label(region) -> str:
    return region if isinstance(region, str) else t("unknown_region")


def hover(rows, names: list[str], key: str) -> list[str] | None:
    """For a satisfaction rate, each bar's counts beside it: 东湖县（已评价 6，不满意 2）."""
    if key not in SATISFACTION:
        return None
    rated, _, _, dissatisfied = SATISFACTION[key]
    return [t("sat.hover", name=name, rated=fmt.count(r), dissatisfied=fmt.count(d))
            for name, r, d in zip(names, rows[rated], rows[dissatisfied])]


def picked_region(options: list[str], default: str | None) -> str:
    """The region whose units are shown: kept in the session; the sidebar's region
    (?region=) when it changes, so a shared link opens at its region."""
    if f_changed(default) and default in options:
        st.session_state[PICK_KEY] = default
    if PICK_KEY not in st.session_state or st.session_state[PICK_KEY] not in options:
        st.session_state[PICK_KEY] = default if default in options else options[0]
    return st.session_state[PICK_KEY]


def f_changed(region: str | None) -> bool:
    """Whether the sidebar's region differs from the one this page last saw."""
    changed = st.session_state.get(SEEN_KEY, "") != (region or "")
    st.session_state[SEEN_KEY] = region or ""
    return changed


def pick_region(region: str) -> None:
    """A bar clicked or a region picked below: it becomes the sidebar's region (the URL's ?region=)."""
    st.session_state[PICK_KEY] = region
    st.session_state[SEEN_KEY] = region
    choose_region(region or None)


def picked_below() -> None:
    """The pick box's on_change: the region picked below the charts."""
    pick_region(st.session_state.get(PICK_KEY) or "")
