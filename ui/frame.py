"""Pieces every page uses: the empty states, the error guard, KPI tiles."""
from __future__ import annotations

import functools
import re
from typing import Callable, Iterable

import duckdb
import streamlit as st

from metrics import Kpi, missing_reason
from metrics.definitions import SATISFACTION
from present import format as fmt, missing
from taizhang.database import StoreBusy
from ui import data
from ui.i18n import t
from ui.sidebar import Filters, choose_region, filters

DRILL = "tz_drill"          # a click's destination, followed at the start of the next run
UNITS_PAGE, REGIONS_PAGE = "app_pages/units.py", "app_pages/regions.py"
KEPT_PARAMS = ("month", "region", "category", "lang")


def picked(event) -> int | None:
    """The row (st.dataframe) or bar (st.plotly_chart: its customdata, else its index)
    a selection event names, or None."""
    # both selection states are dicts (with attribute access)
    selection = event.get("selection") if isinstance(event, dict) else getattr(event, "selection", None)
    if not isinstance(selection, dict):
        return None
    rows = selection.get("rows")
    if rows:
        return int(rows[0])
    points = selection.get("points")
    if points:
        point = points[0]
        found = point.get("customdata")
        if isinstance(found, (list, tuple)):
            found = found[0] if found else None
        if found is None:
            found = point.get("point_index")
        try:
            return int(found)
        except (TypeError, ValueError):
            return None
    return None


def on_pick(key: str, targets: list, go: Callable) -> Callable[[], None]:
    """A widget callback: the chosen row or bar of widget `key` is targets[i]; call go(target)."""
    def callback() -> None:
        index = picked(st.session_state.get(key))
        if index is not None and 0 <= index < len(targets):
            go(targets[index])
    return callback


def drill_region(region: str | None) -> None:
    """From a callback: open /regions at `region` (the sidebar's region, so ?region= is in the URL)."""
    choose_region(region)
    st.session_state["regions_pick"] = region or ""
    st.session_state[DRILL] = (REGIONS_PAGE, None)


def drill_unit(unit: str) -> None:
    """From a callback: open /units?unit=… ."""
    st.session_state[DRILL] = (UNITS_PAGE, unit)


def follow_drill() -> None:
    """Go where the last click asked (see drill_region, drill_unit): st.switch_page, so the
    URL names the region or unit and can be bookmarked."""
    pending = st.session_state.pop(DRILL, None)
    if not pending:
        return
    page, unit = pending
    params = {k: st.query_params[k] for k in KEPT_PARAMS if k in st.query_params}
    if unit is not None:
        # the units page takes the unit from the URL
        st.session_state.pop("units_pick", None)
        st.session_state.pop("units_url_seen", None)
        params["unit"] = unit
    st.switch_page(page, query_params=params)


def ready() -> tuple[data.Catalog, Filters] | None:
    """The catalog and filters when there is data to show; otherwise say why and return None."""
    follow_drill()
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


# Tiles: each at least TILE_MIN px wide, TILE_GAP apart. How many fit a row is decided
# in the browser (a CSS container query on the tiles' own width, so the sidebar and
# the phone are accounted for); how they are split into rows is tile_rows().
TILE_MIN = 150
TILE_GAP = 8


def tile_rows(count: int, fits: int) -> list[int]:
    """Tiles per row for `count` tiles when at most `fits` fit side by side: as few rows
    as fit, filled evenly (fuller rows first), never a tile alone on a row of its own
    unless there is one tile. 6 tiles, 5 fit -> [3, 3]; 12, 5 -> [4, 4, 4]; 5, 2 -> [3, 2]
    (one tile more than fits rather than an orphan; the values shrink to fit)."""
    if count <= 0:
        return []
    fits = max(1, fits)
    rows = -(-count // fits)
    while rows > 1 and count < 2 * rows:
        rows -= 1
    base, extra = divmod(count, rows)
    return [base + 1] * extra + [base] * (rows - extra)


def tile_fits(width: float, minimum: int = TILE_MIN, gap: int = TILE_GAP) -> int:
    """How many tiles of at least `minimum` px fit in `width` px."""
    return max(1, int((width + gap) // (minimum + gap)))


# What the tile style sheet may contain: it is built from counts, widths and an ASCII key.
SAFE_CSS = re.compile(r"[A-Za-z0-9_\-.:;,{}()>*=\[\]%!+/@ \"]*")


def text_ems(text: str) -> float:
    """Roughly how many em a figure takes in the tile's font (Source Sans): CJK 1, digits 0.56."""
    wide = sum(1.0 if ord(ch) > 0x2E80 else 0.3 if ch in ".,: " else 0.85 if ch in "%¥" else 0.58 for ch in text)
    return max(wide, 1.0)


def _tile_css(name: str, count: int, values: Iterable[str] = ()) -> str:
    """Per width step (a container query), each tile's share of its row; the figures'
    size so that the longest fits its tile (968.7万人次 is never cut)."""
    box = f".st-key-{name}"
    ems = max([text_ems(v) for v in values] or [4.0]) * 1.1
    rules = [f"{box}{{container-type:inline-size;container-name:{name};display:flex;flex-flow:row wrap;"
             f"gap:{TILE_GAP}px !important}}",
             f"{box}>*{{container-type:inline-size;min-width:0 !important;max-width:none !important}}",
             # 100cqi: the tile's width; 34px: its border and padding
             f"{box} [data-testid=stMetricValue]{{font-size:clamp(0.95rem,calc((100cqi - 34px) / {ems:.2f}),2.25rem)}}",
             # a narrow tile wraps its label and change rather than cutting them
             f"{box} [data-testid=stMetricLabel] *,{box} [data-testid=stMetricDelta] *"
             f"{{white-space:normal !important;overflow:visible !important;text-overflow:clip !important}}",
             f"{box} [data-testid=stMetricDelta]{{height:auto !important;max-width:100%}}"]
    for fits in range(1, count + 1):
        least = fits * TILE_MIN + (fits - 1) * TILE_GAP
        shares, index = [], 0
        for size in tile_rows(count, fits):
            for _ in range(size):
                index += 1
                shares.append(f"{box}>*:nth-child({index}){{flex:0 0 calc((100% - {(size - 1) * TILE_GAP}px)"
                              f" / {size}) !important;width:calc((100% - {(size - 1) * TILE_GAP}px) / {size})"
                              f" !important}}")
        rules.append(f"@container {name} (min-width:{0 if fits == 1 else least}px){{{''.join(shares)}}}")
    return "".join(rules)


def tile_row(name: str, count: int, values: Iterable[str] = ()):
    """A container for `count` tiles laid out in full rows (see tile_rows), showing `values`."""
    key = "tz_tiles_" + "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in name)
    css = _tile_css(key, count, values)
    if not SAFE_CSS.fullmatch(css):  # numbers, an ASCII key and our own rules only: never text
        raise ValueError(f"tile CSS with unexpected characters for {key!r}")
    st.html(f"<style>{css}</style>")
    return st.container(horizontal=True, gap="small", key=key)


def tile_value(key: str, value, lang: str) -> str:
    """A tile's figure: counts from 10,000 up in 万/亿 (968.7万), so it fits its tile."""
    if key != "composite" and key in fmt.MEASURES and fmt.MEASURES[key].kind == "count":
        return fmt.compact(value, lang)
    return fmt.measure(key, value, lang)


def kpi_tiles(kpis: dict[str, Kpi], keys: Iterable[str], lang: str) -> None:
    """st.metric tiles in full rows: as many across as fit, never one alone on a row."""
    keys = list(keys)
    values = [tile_value(key, kpis[key].value, lang) for key in keys]
    with tile_row("kpi_" + "_".join(keys), len(keys), values):
        for key, value in zip(keys, values):
            kpi = kpis[key]
            change = fmt.delta(key, kpi.delta, lang)
            st.metric(
                t(f"m.{key}"), value,
                delta=change, delta_color=fmt.delta_color(key, kpi.delta), delta_arrow="off",
                help=missing.tile_help(kpi, lang), border=True, width="stretch",
            )
    note = missing.tiles_note(kpis, keys, lang)
    if note:  # missing is not zero: every "—" says why, every partial figure what it stands for
        st.caption(note)


def absent_regions(known, listed, lang: str) -> str | None:
    """The regions the store knows (`known`) that are not in `listed` this month (no ledger
    at all), named ("未显示：…（本月没有台账）。"); None when every one is there. /regions and
    /rankings by region say them, so a county that sent nothing is never left out unsaid."""
    shown = {r for r in listed if isinstance(r, str)}
    absent = [r for r in known if r not in shown]
    if not absent:
        return None
    return t("regions.absent", names=("、" if lang == "zh" else ", ").join(fmt.md(r) for r in absent))


def chart_note(names: list[str], rows, key: str, lang: str, *, named: bool = False) -> None:
    """Under a bar chart of `key`: which bars are not drawn because their figure is
    missing, and why (a missing bar is not a zero bar); `named`: say which measure's
    bars, for a chart with several per name."""
    codes = [missing_reason(key, row) for row in rows.to_dict("records")]
    note = missing.chart_note(names, codes, lang, key if named else None)
    if note:
        st.caption(note)


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
    values = [fmt.measure(key, kpis[key].value, lang) for key in SATISFACTION]
    with tile_row("satisfaction", len(SATISFACTION), values):
        for key, (rated_key, _, _, dissatisfied_key) in SATISFACTION.items():
            kpi = kpis[key]
            with st.container(border=True, width="stretch", gap="small"):
                st.metric(t(f"m.{key}"), fmt.measure(key, kpi.value, lang),
                          delta=fmt.delta(key, kpi.delta, lang), delta_color=fmt.delta_color(key, kpi.delta),
                          delta_arrow="off", help=t(f"help.{key}"))
                st.caption(satisfaction_counts(key, kpis[rated_key].value, kpis[dissatisfied_key].value))


def status_label(status: str) -> str:
    return t(f"status.{status}") if status in ("completed", "in_progress", "not_started") else status
