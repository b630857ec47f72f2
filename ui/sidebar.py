"""The shared sidebar: report month (default the latest), region, category, language.

Choices live in st.session_state and are mirrored in the query string
(?month=2021-06&region=…&category=…&lang=en), so a copied link opens the same
view. Pages read them with `filters()`.

The month follows the data while it is the newest: a view on the newest month
(none picked, no ?month=, or the newest picked again, which leaves the link bare)
moves on to a newer month as soon as one is loaded, so a bare link always means
the newest month. A month picked that is not the newest, or named by ?month=, is kept.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from present import format as fmt
from present.catalogue import LANG_NAMES, LANGS
from ui.data import Catalog
from ui.i18n import lang, set_lang, t

ALL = ""  # the "all" choice of region and category
_KEYS = {"month": "tz_month", "region": "tz_region", "category": "tz_category"}
_FILTERS = "tz_filters"
_NEWEST = "tz_month_newest"  # the newest month when the sidebar was last drawn


@dataclass(frozen=True)
class Filters:
    month: dt.date | None
    region: str | None
    category: str | None
    lang: str
    wanted_month: str | None = None  # a ?month= that has no data, to say so


def _follow_newest(newest: str) -> None:
    """Keep a view on the newest month on the newest: when a newer month has been loaded
    since the last run, a session showing the month that was the newest moves to it. A
    session showing an older month (picked, or from ?month=) keeps it."""
    key, before = _KEYS["month"], st.session_state.get(_NEWEST)
    if before is not None and before != newest and st.session_state.get(key) == before:
        st.session_state[key] = newest
    st.session_state[_NEWEST] = newest


def _choose(name: str, options: list[str], label: str, format_func, container) -> str:
    """A selectbox whose value is kept in the session and, unless it is the default
    (first option), in the query string."""
    key = _KEYS[name]
    if key not in st.session_state or st.session_state[key] not in options:
        from_url = st.query_params.get(name)
        st.session_state[key] = from_url if from_url in options else options[0]
    container.selectbox(label, options, key=key, format_func=format_func)
    value = st.session_state[key]
    if value != options[0]:
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]
    return value


def _on_language() -> None:
    set_lang(st.session_state["tz_lang_choice"])


def draw(catalog: Catalog) -> Filters:
    current = lang()
    sidebar = st.sidebar
    wanted_month = None
    month = region = category = None
    if catalog.ok:
        month_keys = [fmt.month_key(m) for m in catalog.months]
        url_month = st.query_params.get("month")
        if url_month and url_month not in month_keys and _KEYS["month"] not in st.session_state:
            wanted_month = url_month
        month_names = {k: fmt.month(m, current) for k, m in zip(month_keys, catalog.months)}
        _follow_newest(month_keys[0])
        chosen = _choose("month", month_keys, t("sidebar.month"), month_names.get, sidebar)
        month = fmt.parse_month_key(chosen)
        all_regions, all_categories = t("sidebar.all_regions"), t("sidebar.all_categories")
        region = _choose("region", [ALL, *catalog.regions], t("sidebar.region"),
                         lambda r: r or all_regions, sidebar) or None
        category = _choose("category", [ALL, *catalog.categories], t("sidebar.category"),
                           lambda c: c or all_categories, sidebar) or None
    st.session_state["tz_lang_choice"] = current
    sidebar.radio(t("sidebar.language"), LANGS, key="tz_lang_choice", format_func=LANG_NAMES.get,
                  horizontal=True, on_change=_on_language)
    if current == "en" or "lang" in st.query_params:
        if st.query_params.get("lang") != current:
            st.query_params["lang"] = current
    if catalog.ok:
        sidebar.caption(t("sidebar.data_note", month=fmt.month(catalog.months[0], current),
                          months=len(catalog.months)))
    filters = Filters(month, region, category, current, wanted_month)
    st.session_state[_FILTERS] = filters
    return filters


def reporting_note(catalog: Catalog, filters_: Filters) -> None:
    """Above a data page: the month shown is still coming in (fewer than half the units of
    the month before have reported), so its totals and the change against last month are
    a few early ledgers, not the month (a new-user trial: one unit's early upload made the
    whole city's figures collapse on every page)."""
    if not catalog.ok or filters_.month is None:
        return
    found = catalog.still_reporting(filters_.month)
    if found is None:
        return
    units, before, previous = found
    st.warning(t("sidebar.still_reporting", month=fmt.month(filters_.month, filters_.lang), units=f"{units:,}",
                 previous_month=fmt.month(before, filters_.lang), previous=f"{previous:,}"),
               icon=":material/hourglass_top:")


def choose_region(region: str | None) -> None:
    """Make `region` the sidebar's region (None: all regions). Only from a widget's
    callback, which runs before the sidebar is drawn; the URL follows (?region=)."""
    st.session_state[_KEYS["region"]] = region or ALL


def filters() -> Filters:
    """The choices the sidebar made in this run."""
    found = st.session_state.get(_FILTERS)
    return found if isinstance(found, Filters) else Filters(None, None, None, lang())
