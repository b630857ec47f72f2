"""Pieces every page uses: the empty states, the error guard, KPI tiles."""
from __future__ import annotations

import functools
from typing import Callable, Iterable

import duckdb
import streamlit as st

from metrics import Kpi
from metrics.measures import SATISFACTION
from taizhang.database import StoreBusy
from ui import data
from ui import format as fmt
from ui.i18n import t
from ui.sidebar import Filters, filters


def ready() -> tuple[data.Catalog, Filters] | None:
    """The catalog and filters when there is data to show; otherwise say why and return None."""
    catalog = data.catalog()
    f = filters()
    if catalog.status == "missing":
        st.info(t("msg.no_database", target=fmt.md(catalog.target)), icon=":material/database:")
        return None
    if catalog.status == "empty":
        st.info(t("msg.empty_database"), icon=":material/inbox:")
        return None
    if catalog.status == "busy":
        st.warning(t("msg.busy"), icon=":material/hourglass_top:")
        return None
    if catalog.status == "unreadable":
        st.error(t("msg.unreadable", target=fmt.md(catalog.target), error=fmt.md(catalog.error)))
        return None
    if f.month is None:
        st.info(t("msg.empty_database"), icon=":material/inbox:")
        return None
    if f.wanted_month:
        st.info(t("msg.month_not_found", wanted=fmt.md(f.wanted_month), month=fmt.month(f.month, f.lang)))
    settings_error = data.settings()[1]
    if settings_error:
        st.warning(t("msg.config_error", error=fmt.md(settings_error)))
    return catalog, f


def guarded(page: Callable[[], None]) -> Callable[[], None]:
    """Run a page; a busy or unreadable store becomes a message, never a traceback."""
    @functools.wraps(page)
    def run() -> None:
        try:
            page()
        except StoreBusy:
            st.warning(t("msg.busy"), icon=":material/hourglass_top:")
        except duckdb.Error as error:
            st.error(t("msg.unreadable", target=fmt.md(data.catalog().target),
                       error=fmt.md(str(error).splitlines()[0])))
    return run


def scope(f: Filters, region: str | None = None, category: str | None = None) -> str:
    """'（东湖县，政策惠民）' — the filters that narrow what is shown, Markdown-escaped,
    for messages and captions."""
    parts = [fmt.md(p) for p in (region if region is not None else f.region,
                                 category if category is not None else f.category) if p]
    return f"（{t('scope.sep').join(parts)}）" if parts and f.lang == "zh" else (
        f" ({t('scope.sep').join(parts)})" if parts else "")


def no_rows(f: Filters) -> None:
    st.info(t("msg.no_rows", month=fmt.month(f.month, f.lang), scope=scope(f)), icon=":material/filter_alt_off:")


def month_notes(month, region: str | None, *, not_reported: bool = True) -> None:
    """Footnotes under a month's figures: how many units' months are partial (rows
    left out at upload) and, with `not_reported`, how many expected units sent nothing."""
    flags = data.month_flags(month, region)
    if len(flags.partial):
        st.caption(t("flags.partial", count=len(flags.partial)))
    if not_reported and len(flags.not_reported):
        st.caption(t("flags.not_reported", count=len(flags.not_reported)))


def title(key: str, f: Filters) -> None:
    st.title(t(key))
    st.caption(f"{fmt.month(f.month, f.lang)}{scope(f)}")


def kpi_tiles(kpis: dict[str, Kpi], keys: Iterable[str], lang: str) -> None:
    """st.metric tiles that wrap: five across on a wide screen, two on a phone."""
    with st.container(horizontal=True, gap="small"):
        for key in keys:
            kpi = kpis[key]
            change = fmt.delta(key, kpi.delta, lang)
            st.metric(
                t(f"m.{key}"), fmt.measure(key, kpi.value, lang),
                delta=change, delta_color=fmt.delta_color(key, kpi.delta), delta_arrow="off",
                help=t(f"help.{key}"), border=True, width=160,
            )


def satisfaction_counts(key: str, rated, dissatisfied) -> str:
    """What stands beside a satisfaction rate: its counts, or why there is no rate."""
    resident = key == "resident_satisfaction_rate"
    if rated is None or rated != rated or not int(rated):
        return t("sat.none_resident" if resident else "sat.none")
    return t("sat.resident_counts" if resident else "sat.counts", rated=fmt.count(rated),
             dissatisfied=fmt.count(dissatisfied or 0))


def satisfaction_tiles(kpis: dict[str, Kpi], lang: str) -> None:
    """群众满意率 from both sources side by side, 单位自评 and 群众评价, each with its
    change against last month and its counts (or why there is none) under it."""
    with st.container(horizontal=True, gap="small"):
        for key, (rated_key, _, _, dissatisfied_key) in SATISFACTION.items():
            kpi = kpis[key]
            with st.container(border=True, width=260, gap="small"):
                st.metric(t(f"m.{key}"), fmt.measure(key, kpi.value, lang),
                          delta=fmt.delta(key, kpi.delta, lang), delta_color=fmt.delta_color(key, kpi.delta),
                          delta_arrow="off", help=t(f"help.{key}"))
                st.caption(satisfaction_counts(key, kpis[rated_key].value, kpis[dissatisfied_key].value))


def status_label(status: str) -> str:
    return t(f"status.{status}") if status in ("completed", "in_progress", "not_started") else status
