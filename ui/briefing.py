"""The briefing: cached bulletin data and exports, the slides, presenter mode.

Data: one Bulletin per (store version, month, region, category, measure,
settings), from reports.bulletin, cached like ui/data.py (keyed on the store's
data_version, never on time). Exports are made when a download is clicked and
cached too; the template's modification time is part of their key, so an
edited template shows at the next download.

Presenter mode hides Streamlit's chrome with constant CSS (no user data is
ever put into HTML), enlarges the type for a 1920x1080 projector and moves
through the slides with buttons bound to the arrow keys (Streamlit's own
`shortcut=`), optionally advancing every N seconds (st.fragment(run_every))
and stepping the region filter through the regions.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from typing import Callable, Sequence

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from metrics.measures import SATISFACTION
from metrics.settings import Settings
from reports import bulletin as bulletin_data
from reports import document, exports, figures, images
from reports.bulletin import Bulletin
from taizhang.config import db_target
from taizhang.database import data_version, reading
from ui import charts
from ui import format as fmt
from ui.i18n import t

READ_WAIT_SECONDS = 10.0
SLIDES = ("headline", "regions", "red", "black", "movers", "investment", "overdue", "satisfaction")
CHART_SLIDES = exports.CHART_SLIDES
TABLE_ROWS = 10
KEY_SLIDE, KEY_PRESENT, KEY_AUTO, KEY_SECONDS, KEY_LOOP, KEY_STEPPED = (
    "briefing_slide", "briefing_present", "briefing_auto", "briefing_seconds", "briefing_loop", "briefing_stepped_at")
REGION_WIDGET = "tz_region"   # the shared sidebar's region selectbox (ui/sidebar.py)

# --- data and exports ---------------------------------------------------------------


def _template_stamp() -> tuple[str, float]:
    path = document.template_path()
    try:
        return str(path), path.stat().st_mtime
    except OSError:
        return str(path), 0.0


@st.cache_data(show_spinner=False, max_entries=32)
def _bulletin(target: str, version: tuple, month: dt.date, region: str | None, category: str | None,
              measure: str, min_tasks: int, size: int, weights: tuple, not_reported: str = "apart",
              min_rated: int = 5) -> Bulletin:
    settings = Settings(min_tasks=min_tasks, red_black_size=size, weights=dict(weights), not_reported=not_reported,
                        min_rated=min_rated)
    with reading(target, wait=READ_WAIT_SECONDS) as con:
        return bulletin_data.assemble(con, month, region=region, category=category, measure=measure,
                                      settings=settings)


def _key(month, region, category, measure, settings: Settings) -> tuple:
    target = db_target()
    return (target, data_version(target), month, region, category, measure, settings.min_tasks,
            settings.red_black_size, tuple(sorted(settings.weights.items())), settings.not_reported, settings.min_rated)


def bulletin(month: dt.date, region: str | None, category: str | None, measure: str,
             settings: Settings) -> Bulletin:
    return _bulletin(*_key(month, region, category, measure, settings))


@st.cache_data(show_spinner=False, max_entries=16)
def _export(kind: str, key: tuple, template: tuple, today: dt.date) -> bytes:
    return exports.make(kind, _bulletin(*key), template=template[0], today=today)


def export(kind: str, month, region, category, measure, settings: Settings) -> bytes:
    """The bulletin as "pdf", "docx" or the tables as "xlsx"."""
    return _export(kind, _key(month, region, category, measure, settings), _template_stamp(), dt.date.today())


def bulletin_text(month, region, category, measure, settings: Settings) -> str:
    b = bulletin(month, region, category, measure, settings)
    return document.render(b)


def file_stem(month: dt.date, region: str | None) -> str:
    """通报-2021-06[-东湖县]: a file name an office recognises, without path characters."""
    stem = f"通报-{fmt.month_key(month)}" + (f"-{region}" if region else "")
    return re.sub(r'[\\/:*?"<>|\s]+', "_", stem)


def chart(key: str, b: Bulletin, lang: str, titled: bool = True):
    """The figure of a chart slide, or None (reports.exports.chart, in the page's words)."""
    return exports.chart(key, b, lang, t, titled=titled)


def png(key: str, b: Bulletin, lang: str) -> bytes:
    return images.png(chart(key, b, lang))


def png_zip(b: Bulletin, lang: str) -> bytes:
    return exports.png_zip(b, lang, t)


# --- presenter state ----------------------------------------------------------------


def presenting() -> bool:
    if KEY_PRESENT not in st.session_state:
        st.session_state[KEY_PRESENT] = st.query_params.get("present") == "1"
    return bool(st.session_state[KEY_PRESENT])


def _mark_stepped() -> None:
    st.session_state[KEY_STEPPED] = time.monotonic()


def start_presenting() -> None:
    st.session_state[KEY_PRESENT] = True
    st.query_params["present"] = "1"
    _mark_stepped()


def stop_presenting() -> None:
    st.session_state[KEY_PRESENT] = False
    if "present" in st.query_params:
        del st.query_params["present"]


def current_slide() -> int:
    value = st.session_state.get(KEY_SLIDE, 0)
    return value if isinstance(value, int) and 0 <= value < len(SLIDES) else 0


def go(step: int) -> None:
    st.session_state[KEY_SLIDE] = (current_slide() + step) % len(SLIDES)
    _mark_stepped()


def next_view(slide: int, region: str | None, regions: Sequence[str], loop: bool,
              count: int = len(SLIDES)) -> tuple[int, str | None]:
    """Where auto-advance goes from (slide, region): the next slide; after the last, the first
    slide again, of the next region when looping (all regions, then each region in turn)."""
    if slide + 1 < count:
        return slide + 1, region
    if not loop or not regions:
        return 0, region
    order = [None, *regions]
    index = order.index(region) if region in order else 0
    return 0, order[(index + 1) % len(order)]


def auto_step(region: str | None, regions: Sequence[str]) -> None:
    """Called by the deck on each timed run: advance when the interval has passed."""
    seconds = st.session_state.get(KEY_SECONDS, 20)
    last = st.session_state.get(KEY_STEPPED)
    now = time.monotonic()
    if last is None:
        st.session_state[KEY_STEPPED] = now
        return
    if now - last < seconds - 0.5:
        return
    slide, next_region = next_view(current_slide(), region, regions, bool(st.session_state.get(KEY_LOOP)))
    st.session_state[KEY_SLIDE] = slide
    st.session_state[KEY_STEPPED] = now
    if next_region != region:
        # the sidebar takes the region from the URL when its widget state is gone (ui/sidebar.py)
        if REGION_WIDGET in st.session_state:
            del st.session_state[REGION_WIDGET]
        if next_region:
            st.query_params["region"] = next_region
        elif "region" in st.query_params:
            del st.query_params["region"]
        st.rerun(scope="app")


# --- presenter look -------------------------------------------------------------------

# Constant CSS only: nothing from the data is ever written into HTML.
PRESENTER_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container {
  max-width: 100% !important; padding: 1.4rem 3.2rem 4.5rem 3.2rem !important; }
.st-key-briefing_deck h2 { font-size: 3.4rem !important; line-height: 1.2; padding: 0 0 .4rem 0; }
.st-key-briefing_deck h3 { font-size: 2.3rem !important; padding: .6rem 0 .4rem 0; }
.st-key-briefing_deck [data-testid="stCaptionContainer"] p { font-size: 1.7rem !important; }
.st-key-briefing_deck [data-testid="stMarkdownContainer"] p { font-size: 1.7rem; }
.st-key-briefing_deck [data-testid="stMetric"] { min-height: 24vh; padding: 1.6rem 2rem !important;
  display: flex; align-items: center; }
.st-key-briefing_deck [data-testid="stMetricLabel"] p { font-size: 2.1rem !important; }
.st-key-briefing_deck [data-testid="stMetricValue"] p { font-size: 4.3rem !important; font-weight: 600;
  line-height: 1.2 !important; }
.st-key-briefing_deck [data-testid="stMetricDelta"] p { font-size: 1.9rem !important; }
.st-key-briefing_deck [data-testid="stTable"] table { font-size: 1.8rem !important; }
.st-key-briefing_deck [data-testid="stTable"] th { font-size: 1.6rem !important; }
.st-key-briefing_deck [data-testid="stTable"] td, .st-key-briefing_deck [data-testid="stTable"] th {
  padding: .5rem 1rem !important; }
.st-key-briefing_deck [data-testid="stAlert"] p { font-size: 1.9rem !important; }
.st-key-briefing_nav { position: fixed; left: 3.2rem; bottom: .8rem; z-index: 100; opacity: .45; }
.st-key-briefing_nav:hover { opacity: 1; }
</style>
"""
# Always: the page-up/page-down buttons exist for presentation clickers, nobody needs to
# see them; the slide's month and scope sit on the right.
HIDDEN_CSS = """
<style>
.st-key-briefing_pgup, .st-key-briefing_pgdn { display: none !important; }
.st-key-briefing_meta [data-testid="stCaptionContainer"] p { text-align: right; }
</style>
"""


# Esc leaves presenter mode. Streamlit's shortcut="Esc" never fires (1.67 names the key
# "escape" on the Python side and "esc" in the browser), so a constant script listens on
# the app's document and clicks the exit button. It carries no data.
ESCAPE_SCRIPT = """
<script>
const doc = window.parent.document;
if (window.parent.__tzBriefingEscape) doc.removeEventListener("keydown", window.parent.__tzBriefingEscape, true);
window.parent.__tzBriefingEscape = (event) => {
  if (event.key !== "Escape" || event.repeat) return;
  const button = doc.querySelector('.st-key-briefing_exit button[data-testid^="stBaseButton"]');
  if (button) button.click();
};
doc.addEventListener("keydown", window.parent.__tzBriefingEscape, true);
</script>
"""


def presenter_style() -> None:
    st.html(PRESENTER_CSS)
    components.html(ESCAPE_SCRIPT, height=0)


def hidden_style() -> None:
    st.html(HIDDEN_CSS)


# --- slides -----------------------------------------------------------------------------

_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md(text) -> str:
    """Ledger text made safe for st.markdown / st.header: markup characters escaped."""
    return _MD.sub(r"\\\1", "" if text is None else str(text))


def _name(value) -> str:
    return value if isinstance(value, str) else t("unknown_region")


def slide_title(key: str, b: Bulletin) -> str:
    return exports.slide_title(key, b, t)


def _table(rows: list[dict], note: str = "") -> None:
    if rows:
        frame = pd.DataFrame(rows)
        st.table(frame, hide_index=True)
    if note:
        st.caption(note)


def _ranked_rows(frame: pd.DataFrame, b: Bulletin, lang: str, limit: int = TABLE_ROWS) -> list[dict]:
    rows = []
    measure_label = t(f"m.{b.measure}")
    for r in frame.head(limit).to_dict("records"):
        row = {t("col.rank"): str(int(r["rank"])), t("col.change"): r["change"] or "—",
               t("col.unit"): _name(r["unit"])}
        if not b.region:
            row[t("col.region")] = _name(r["region"])
        row[measure_label] = fmt.measure(b.measure, r["value"], lang)
        if b.measure != "completion_rate":
            row[t("m.completion_rate")] = fmt.rate(r["completion_rate"])
        row[t("m.overdue")] = fmt.count(r["overdue"])
        rows.append(row)
    return rows


def _headline(b: Bulletin, lang: str) -> None:
    keys = ("tasks", "completed", "completion_rate", "start_rate",
            "on_time_rate", "overdue", "investment_completion", "beneficiaries")
    for start in (0, 4):
        for column, key in zip(st.columns(4, gap="medium"), keys[start:start + 4]):
            kpi = b.kpis[key]
            column.metric(t(f"m.{key}"), fmt.measure(key, kpi.value, lang),
                          delta=fmt.delta(key, kpi.delta, lang), delta_color=fmt.delta_color(key, kpi.delta),
                          delta_arrow="off", border=True)


def _chart(key: str, b: Bulletin, lang: str, presenting_: bool) -> None:
    fig = chart(key, b, lang, titled=False)
    if fig is None:
        return
    fig.update_layout(margin=dict(t=24))
    if not presenting_:
        fig.update_layout(height=min(fig.layout.height or 600, 620))
    # theme=None: Streamlit's chart theme would shrink the projector-sized fonts
    st.plotly_chart(fig, config=charts.PLOTLY_CONFIG, key=f"briefing_chart_{key}", theme=None)
    if not presenting_:
        st.download_button(t("briefing.png"), data=lambda: png(key, b, lang),
                           file_name=f"{file_stem(b.month, b.region)}-{key}.png", mime="image/png",
                           icon=":material/image:", key=f"briefing_png_{key}", on_click="ignore")


def _regions(b: Bulletin, lang: str, presenting_: bool) -> None:
    table = b.regions.table if b.regions is not None else b.units.reported
    if table.empty:
        st.info(t("slide.nothing_ranked"))
        return
    left, right = st.columns([3, 2], gap="large")
    with left:
        _chart("regions", b, lang, presenting_)
    with right:
        rows = []
        for r in table.head(15).to_dict("records"):
            rows.append({t("col.rank"): str(int(r["rank"])), t("col.change"): r["change"] or "—",
                         t("col.region" if b.regions is not None else "col.unit"):
                             _name(r["region"] if b.regions is not None else r["unit"]),
                         t(f"m.{b.measure}"): fmt.measure(b.measure, r["value"], lang)})
        _table(rows, t("slide.more_rows", count=len(table) - 15) if len(table) > 15 else "")


def _list(which: str, b: Bulletin, lang: str) -> None:
    frame = b.units.red if which == "red" else b.units.black
    st.caption(t(f"slide.{which}_sub", n=b.list_size, measure=t(f"m.{b.measure}")))
    if frame.empty:
        st.info(t("slide.no_black") if which == "black" and not b.units.table.empty else t("slide.nothing_ranked"))
        return
    more = len(frame) - TABLE_ROWS
    _table(_ranked_rows(frame, b, lang), t("slide.more_tied", count=more) if more > 0 else "")


def _movers(b: Bulletin, lang: str, presenting_: bool) -> None:
    if not b.units.has_previous:
        st.info(t("slide.no_previous"))
        return
    if b.movers_up.empty and b.movers_down.empty:
        st.info(t("slide.no_moves"))
        return
    for column, frame, word, title in zip(st.columns(2, gap="large"), (b.movers_up, b.movers_down),
                                           ("slide.places_up", "slide.places_down"), ("slide.up", "slide.down")):
        with column:
            st.subheader(t(title), anchor=False)
            rows = [{t("col.unit"): _name(r["unit"]), t("col.region"): _name(r["region"]),
                     t("col.rank"): str(int(r["rank"])), t("slide.move"): t(word, n=abs(int(r["moved"])))}
                    for r in frame.to_dict("records")]
            _table(rows)
    if not presenting_:
        _chart("movers", b, lang, presenting_)


def _investment(b: Bulletin, lang: str, presenting_: bool) -> None:
    if not figures.has_investment(b):
        st.info(t("slide.no_investment"))
        return
    for column, key in zip(st.columns(3, gap="medium"),
                           ("planned_investment", "actual_investment", "investment_completion")):
        kpi = b.kpis[key]
        column.metric(t(f"m.{key}"), fmt.measure(key, kpi.value, lang), delta=fmt.delta(key, kpi.delta, lang),
                      delta_color=fmt.delta_color(key, kpi.delta), delta_arrow="off", border=True)
    _chart("investment", b, lang, presenting_)


def _overdue(b: Bulletin, lang: str, presenting_: bool) -> None:
    kpi = b.kpis["overdue"]
    if not kpi.value:
        st.success(t("slide.no_overdue"))
        return
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.metric(t("m.overdue"), fmt.measure("overdue", kpi.value, lang), delta=fmt.delta("overdue", kpi.delta, lang),
                  delta_color=fmt.delta_color("overdue", kpi.delta), delta_arrow="off", border=True)
        st.subheader(t("slide.overdue_units"), anchor=False)
        _table([{t("col.unit"): _name(r["unit"]), t("col.region"): _name(r["region"]),
                 t("slide.count"): fmt.count(r["overdue"])} for r in b.overdue_by_unit.head(6).to_dict("records")])
    with right:
        st.subheader(t("slide.overdue_items"), anchor=False)
        _table([{t("col.unit"): _name(r["unit"]), t("col.title"): r["title"],
                 t("col.deadline"): r["deadline"].isoformat() if r["deadline"] else "—",
                 t("slide.days"): fmt.count(r["days_overdue"])} for r in b.overdue.head(8).to_dict("records")])
    if not presenting_:
        _chart("overdue", b, lang, presenting_)


def _satisfaction(b: Bulletin, lang: str) -> None:
    """群众满意率 from both sources, each with its counts, and the units with 不满意."""
    from ui.frame import satisfaction_counts

    left, right = st.columns([2, 3], gap="large")
    with left:
        for key, (rated, _, _, dissatisfied) in SATISFACTION.items():
            kpi = b.kpis[key]
            st.metric(t(f"m.{key}"), fmt.measure(key, kpi.value, lang), delta=fmt.delta(key, kpi.delta, lang),
                      delta_color=fmt.delta_color(key, kpi.delta), delta_arrow="off", border=True)
            st.caption(satisfaction_counts(key, b.kpis[rated].value, b.kpis[dissatisfied].value))
    with right:
        units = document.satisfaction(b)["units"]
        st.subheader(t("slide.dissatisfied_units"), anchor=False)
        if not units:
            st.info(t("slide.no_dissatisfied"))
            return
        _table([{t("col.unit"): _name(u["unit"]), t("col.region"): _name(u["region"]),
                 t("m.dissatisfied"): fmt.count(u["ledger"]), t("m.resident_dissatisfied"): fmt.count(u["residents"])}
                for u in units[:8]],
               t("slide.more_rows", count=len(units) - 8) if len(units) > 8 else "")


def slide(key: str, b: Bulletin, lang: str, presenting_: bool) -> None:
    if key == "headline":
        _headline(b, lang)
    elif key == "regions":
        _regions(b, lang, presenting_)
    elif key in ("red", "black"):
        _list(key, b, lang)
    elif key == "movers":
        _movers(b, lang, presenting_)
    elif key == "investment":
        _investment(b, lang, presenting_)
    elif key == "overdue":
        _overdue(b, lang, presenting_)
    elif key == "satisfaction":
        _satisfaction(b, lang)


def header(key: str, b: Bulletin, lang: str, number: int) -> None:
    title_col, meta_col = st.columns([3, 2], vertical_alignment="bottom")
    title = md(slide_title(key, b))
    title_col.header(f":red[{title}]" if key == "red" else title, anchor=False)
    scope = "，".join(p for p in (b.region, b.category) if p) or t("briefing.scope_all")
    with meta_col.container(key="briefing_meta"):
        st.caption(md(f"{fmt.month(b.month, lang)} · {scope} · {t('briefing.counter', n=number, total=len(SLIDES))}"))


def navigation(presenting_: bool, on_exit: Callable[[], None]) -> None:
    with st.container(horizontal=True, key="briefing_nav", gap="small", vertical_alignment="center"):
        st.button(t("briefing.previous"), key="briefing_prev", icon=":material/chevron_left:", shortcut="Left",
                  on_click=go, args=(-1,))
        st.button(t("briefing.next"), key="briefing_next", icon=":material/chevron_right:", shortcut="Right",
                  on_click=go, args=(1,), type="primary" if not presenting_ else "secondary")
        st.button("PgUp", key="briefing_pgup", shortcut="PageUp", on_click=go, args=(-1,))
        st.button("PgDn", key="briefing_pgdn", shortcut="PageDown", on_click=go, args=(1,))
        if presenting_:
            # the deck is a fragment: leaving must rerun the whole page to bring its chrome back
            if st.button(t("briefing.exit"), key="briefing_exit", icon=":material/close:", type="tertiary",
                         help=t("briefing.exit_help")):
                on_exit()
                st.rerun(scope="app")
