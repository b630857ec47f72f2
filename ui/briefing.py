"""The briefing: cached bulletin data and exports, the slides, presenter mode.

Data: one Bulletin per (store version, month, region, category, measure,
settings), from reports.bulletin, cached like ui/data.py (keyed on the store's
data_version, never on time). Exports are made when a download is clicked and
cached too; the template's modification time is part of their key, so an
edited template shows at the next download.

Presenter mode hides Streamlit's chrome with constant CSS (no user data is
ever put into HTML), sizes type and charts by the screen's height (every slide
fits from 1024x768 to 2560x1440 without scrolling; tests/test_slides_fit.py),
and moves through the slides with buttons bound to the arrow keys (Streamlit's
own `shortcut=`), optionally advancing every N seconds (st.fragment(run_every))
and stepping the region filter through the regions. A table longer than a
slide holds continues on the next slide, headed "（续）": the deck is
pages(b), (slide, part) pairs.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from typing import Callable, Sequence

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from metrics.definitions import SATISFACTION
from metrics.settings import Settings
from present import charts, format as fmt, missing
from reports import document, exports, figures, images
from reports.bulletin import Bulletin
from ui import data
from ui.frame import satisfaction_counts
from ui.i18n import t

SLIDES = ("headline", "regions", "red", "black", "movers", "investment", "overdue", "satisfaction")
CHART_SLIDES = exports.CHART_SLIDES
# Table rows on one slide: what fits at 1024x768 with the presenter's vh-sized type (a
# longer table continues on the next slide, headed "（续）"); a side table shares the
# slide with a chart or figures, a full one has the slide to itself.
TABLE_ROWS = 8
SIDE_ROWS = 7
OVERDUE_UNITS = 4      # the overdue slide's units beside its items
# The presenter's chart heights in px of a 1080-high screen (PRESENTER_CSS zooms them to the real one)
CHART_HEIGHT = {"regions": 760, "investment": 540}
MAX_PARTS = 4          # a table longer than this many slides ends with "N more in the bulletin"
KEY_SLIDE, KEY_PART, KEY_PRESENT, KEY_AUTO, KEY_SECONDS, KEY_LOOP, KEY_STEPPED = (
    "briefing_slide", "briefing_part", "briefing_present", "briefing_auto", "briefing_seconds", "briefing_loop",
    "briefing_stepped_at")
REGION_WIDGET = "tz_region"   # the shared sidebar's region selectbox (ui/sidebar.py)

# --- data and exports ---------------------------------------------------------------


def _template_stamp() -> tuple[str, float]:
    path = document.template_path()
    try:
        return str(path), path.stat().st_mtime
    except OSError:
        return str(path), 0.0


def bulletin(month: dt.date, region: str | None, category: str | None, measure: str,
             settings: Settings) -> Bulletin:
    return data.bulletin(month, region, category, measure, settings)


@st.cache_data(show_spinner=False, max_entries=16)
def _export(kind: str, key: tuple, template: tuple, today: dt.date) -> bytes:
    return exports.make(kind, data.bulletin_of(key), template=template[0], today=today)


def export(kind: str, month, region, category, measure, settings: Settings) -> bytes:
    """The bulletin as "pdf", "docx" or the tables as "xlsx"."""
    return _export(kind, data.bulletin_key(month, region, category, measure, settings), _template_stamp(),
                   dt.date.today())


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
    """The slide shown, an index into SLIDES (its part, a continuation, is current_part())."""
    value = st.session_state.get(KEY_SLIDE, 0)
    return value if isinstance(value, int) and 0 <= value < len(SLIDES) else 0


def current_part() -> int:
    value = st.session_state.get(KEY_PART, 0)
    return value if isinstance(value, int) and value >= 0 else 0


def position(deck: Sequence[tuple[str, int]]) -> int:
    """Where in the deck (pages(b)) the current slide and part are; a part beyond the
    slide's last (the data changed) is its last."""
    key, part = SLIDES[current_slide()], current_part()
    parts = [i for i, (k, _) in enumerate(deck) if k == key]
    if not parts:
        return 0
    return parts[min(part, len(parts) - 1)]


def _show(deck: Sequence[tuple[str, int]], index: int) -> None:
    key, part = deck[index]
    st.session_state[KEY_SLIDE] = SLIDES.index(key)
    st.session_state[KEY_PART] = part


def go(step: int, deck: Sequence[tuple[str, int]] | None = None) -> None:
    deck = deck or [(key, 0) for key in SLIDES]
    _show(deck, (position(deck) + step) % len(deck))
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


def auto_step(region: str | None, regions: Sequence[str], deck: Sequence[tuple[str, int]] | None = None) -> None:
    """Called by the deck on each timed run: advance when the interval has passed."""
    deck = deck or [(key, 0) for key in SLIDES]
    seconds = st.session_state.get(KEY_SECONDS, 20)
    last = st.session_state.get(KEY_STEPPED)
    now = time.monotonic()
    if last is None:
        st.session_state[KEY_STEPPED] = now
        return
    if now - last < seconds - 0.5:
        return
    slide, next_region = next_view(position(deck), region, regions, bool(st.session_state.get(KEY_LOOP)),
                                   count=len(deck))
    _show(deck, slide)
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
/* --u: one hundredth of the screen's height (of 4:3 of its width when narrower), so a slide
   laid out in u fits every screen from 1024x768 to 2560x1440 the same way. */
.stApp { --u: min(1vh, .75vw); }
[data-testid="stMainBlockContainer"], .block-container {
  max-width: 100% !important; padding: calc(2.2 * var(--u)) calc(3.2 * var(--u)) calc(8 * var(--u)) !important; }
.st-key-briefing_deck, .st-key-briefing_deck [data-testid="stVerticalBlock"] { gap: calc(1.4 * var(--u)) !important; }
.st-key-briefing_deck [data-testid="stHorizontalBlock"] { gap: calc(2.4 * var(--u)) !important; }
.st-key-briefing_deck h2 { font-size: calc(5 * var(--u)) !important; line-height: 1.2 !important;
  padding: 0 0 calc(.6 * var(--u)) 0 !important; }
.st-key-briefing_deck h3 { font-size: calc(3.3 * var(--u)) !important; line-height: 1.25 !important;
  padding: calc(.8 * var(--u)) 0 calc(.2 * var(--u)) 0 !important; }
.st-key-briefing_deck [data-testid="stCaptionContainer"] p { font-size: calc(2.4 * var(--u)) !important;
  line-height: 1.35 !important; margin: 0 !important; }
.st-key-briefing_deck [data-testid="stMarkdownContainer"] p { font-size: calc(2.6 * var(--u)); }
.st-key-briefing_deck [data-testid="stMetric"] { min-height: calc(20 * var(--u));
  padding: calc(1.6 * var(--u)) calc(2 * var(--u)) !important; display: flex; align-items: center; }
.st-key-briefing_deck [data-testid="stMetricLabel"] { height: auto !important; }
.st-key-briefing_deck [data-testid="stMetricLabel"] p { font-size: calc(2.9 * var(--u)) !important;
  line-height: 1.3 !important; }
.st-key-briefing_deck [data-testid="stMetricValue"] { height: auto !important; }
.st-key-briefing_slide_headline [data-testid="stMetric"] { min-height: calc(26 * var(--u)); }
/* a figure is never cut: bounded by the width of a quarter of the screen, and wrapped if need be */
.st-key-briefing_deck [data-testid="stMetricValue"] > div, .st-key-briefing_deck [data-testid="stMetricValue"] p {
  font-size: min(calc(6.2 * var(--u)), 3.3vw) !important; font-weight: 600; line-height: 1.2 !important;
  white-space: normal !important; overflow: visible !important; overflow-wrap: anywhere; }
.st-key-briefing_deck [data-testid="stMetricDelta"] p, .st-key-briefing_deck [data-testid="stMetricDelta"] div {
  font-size: calc(2.5 * var(--u)) !important; }
.st-key-briefing_deck [data-testid="stTable"] table { font-size: calc(2.8 * var(--u)) !important; }
.st-key-briefing_deck [data-testid="stTable"] td, .st-key-briefing_deck [data-testid="stTable"] th {
  font-size: calc(2.8 * var(--u)) !important; line-height: 1.3 !important;
  padding: calc(.75 * var(--u)) calc(1.2 * var(--u)) !important; }
.st-key-briefing_deck [data-testid="stTable"] td { white-space: normal !important; overflow-wrap: break-word; }
.st-key-briefing_deck [data-testid="stTable"] th { font-size: calc(2.5 * var(--u)) !important;
  white-space: nowrap !important; }
.st-key-briefing_deck [data-testid="stTable"] :is(th, td) :is(div, p) { font-size: inherit !important;
  line-height: inherit !important; white-space: inherit !important; margin: 0 !important; max-width: none !important; }
.st-key-briefing_deck [data-testid="stAlert"] p { font-size: calc(2.7 * var(--u)) !important; }
/* Charts are drawn for a 1080-high screen (CHART_HEIGHT) and zoomed to this one, type and all.
   Streamlit sizes a chart to its box's width as seen on screen, so the box is made 1/zoom as
   wide (the chart then fills its column exactly) and what sticks out of the column is clipped.
   Browsers without typed calc() take the stepped values. */
.st-key-briefing_deck [data-testid="stLayoutWrapper"]:has(> [class*="st-key-briefing_chartbox_"]) { overflow: clip; }
.st-key-briefing_chartbox_regions { --h: 760px; }
.st-key-briefing_chartbox_investment { --h: 540px; }
.st-key-briefing_deck [class*="st-key-briefing_chartbox_"] [data-testid="stElementContainer"] {
  overflow-x: visible; overflow-y: clip; }
.st-key-briefing_deck [class*="st-key-briefing_chartbox_"] .js-plotly-plot { overflow: visible !important; }
.st-key-briefing_deck [class*="st-key-briefing_chartbox_"] { zoom: .711; width: 140.6% !important;
  max-width: none !important; flex: 0 0 auto !important; --z: .711; }
@media (min-height: 800px) { .st-key-briefing_deck [class*="st-key-briefing_chartbox_"] { zoom: .833; --z: .833;
  width: 120% !important; } }
@media (min-height: 1000px) { .st-key-briefing_deck [class*="st-key-briefing_chartbox_"] { zoom: 1; --z: 1;
  width: 100% !important; } }
@media (min-height: 1300px) { .st-key-briefing_deck [class*="st-key-briefing_chartbox_"] { zoom: 1.333; --z: 1.333;
  width: 75% !important; } }
.st-key-briefing_deck [class*="st-key-briefing_chartbox_"] { --z: calc(min(100vh, 75vw) / 1080px); zoom: var(--z);
  width: calc(100% / var(--z)) !important; }
/* likewise its height: Streamlit draws the chart as high as its frame is seen, so the frame is
   1/zoom as high as the chart and clipped by its container, which is the chart's height */
.st-key-briefing_deck [class*="st-key-briefing_chartbox_"] [data-testid="stPlotlyChart"] {
  height: calc(var(--h) / var(--z)) !important; }
.st-key-briefing_nav { position: fixed; left: calc(3.2 * var(--u)); bottom: calc(1.2 * var(--u)); z-index: 100;
  opacity: .45; zoom: calc(max(1, min(100vh, 75vw) / 1080px)); }
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


def _chunks(total: int, first: int, rest: int) -> list[tuple[int, int]]:
    """Row ranges of a table over slides: `first` rows on the slide itself, `rest` on each
    continuation, at most MAX_PARTS slides (what is left is named on the last)."""
    spans, start, size = [], 0, first
    while start < total and len(spans) < MAX_PARTS:
        spans.append((start, min(total, start + size)))
        start, size = start + size, rest
    return spans or [(0, 0)]


def _region_rows(b: Bulletin) -> pd.DataFrame:
    return b.regions.table if b.regions is not None else b.units.reported


def _spans(key: str, b: Bulletin) -> list[tuple[int, int]]:
    """The row ranges of the slide's long table, one per slide it takes."""
    if key == "regions":
        return _chunks(len(_region_rows(b)), SIDE_ROWS, SIDE_ROWS)
    if key in ("red", "black"):
        return _chunks(len(b.units.red if key == "red" else b.units.black), TABLE_ROWS, TABLE_ROWS)
    if key == "movers" and b.units.has_previous:
        return _chunks(max(len(b.movers_up), len(b.movers_down)), TABLE_ROWS, TABLE_ROWS)
    if key == "overdue" and b.kpis["overdue"].value:
        return _chunks(len(b.overdue), SIDE_ROWS, TABLE_ROWS)
    if key == "satisfaction":
        return _chunks(len(document.satisfaction(b)["units"]), SIDE_ROWS, TABLE_ROWS)
    return [(0, 0)]


def pages(b: Bulletin) -> list[tuple[str, int]]:
    """The deck: (slide, part) in order; part 1, 2… continue the slide's table ("续")."""
    return [(key, part) for key in SLIDES for part in range(len(_spans(key, b)))]


def _left_over(total: int, spans: list[tuple[int, int]], part: int, words: str = "slide.more_rows") -> str:
    """On a table's last slide, how many rows no slide shows (see the bulletin)."""
    if part != len(spans) - 1 or spans[-1][1] >= total:
        return ""
    return t(words, count=total - spans[-1][1])


def _change_note(has_previous: bool) -> str:
    """Under a table with a rank-change column: why it is blank (nothing ranked last month)."""
    return "" if has_previous else t("slide.no_rank_change")


def _silent_regions(b: Bulletin, lang: str) -> str:
    """The regions that sent nothing this month, named (never a 0 on the slide)."""
    if b.regions is None or not b.regions_not_reported:
        return ""
    return t("slide.regions_not_reported", names=("、" if lang == "zh" else ", ").join(
        md(name) for name in b.regions_not_reported))


def _table(rows: list[dict], note: str = "") -> None:
    if rows:
        frame = pd.DataFrame(rows)
        st.table(frame, hide_index=True)
    if note:
        st.caption(note)


def _ranked_rows(frame: pd.DataFrame, b: Bulletin, lang: str) -> list[dict]:
    rows = []
    measure_label = t(f"m.{b.measure}")
    for r in frame.to_dict("records"):
        # blank, not "—" ("—" is a figure that cannot be computed): _change_note says why
        row = {t("col.rank"): str(int(r["rank"])), t("col.change"): fmt.change(r["change"], lang),
               t("col.unit"): _name(r["unit"])}
        if not b.region:
            row[t("col.region")] = _name(r["region"])
        row[measure_label] = fmt.measure(b.measure, r["value"], lang)
        if b.measure != "completion_rate":
            row[t("m.completion_rate")] = fmt.rate(r["completion_rate"])
        row[t("m.overdue")] = fmt.count(r["overdue"])
        rows.append(row)
    return rows


def _metric(key: str, b: Bulletin, lang: str, where=st) -> None:
    kpi = b.kpis[key]
    where.metric(t(f"m.{key}"), fmt.measure(key, kpi.value, lang), delta=fmt.delta(key, kpi.delta, lang),
                 delta_color=fmt.delta_color(key, kpi.delta), delta_arrow="off", border=True,
                 help=missing.tile_help(kpi, lang))


def _headline(b: Bulletin, lang: str) -> None:
    keys = ("tasks", "completed", "completion_rate", "start_rate",
            "on_time_rate", "overdue", "investment_completion", "beneficiaries")
    for start in (0, 4):
        for column, key in zip(st.columns(4, gap="medium"), keys[start:start + 4]):
            _metric(key, b, lang, column)
    note = missing.tiles_note(b.kpis, keys, lang)
    if note:  # a "—" on the wall says why: missing is not zero
        st.caption(note)


def _chart(key: str, b: Bulletin, lang: str, presenting_: bool) -> None:
    fig = chart(key, b, lang, titled=False)
    if fig is None:
        return
    fig.update_layout(margin=dict(t=24))
    if presenting_:
        # Drawn for a 1080-high screen and zoomed with it (PRESENTER_CSS), fonts and all: the
        # slide's chart area is CHART_HEIGHT px of 1080 whatever the screen.
        # a bar's label too small to read on the wall is left out (the axis still tells)
        fig.update_layout(height=CHART_HEIGHT.get(key, 600), uniformtext=dict(minsize=16, mode="hide"))
        with st.container(key=f"briefing_chartbox_{key}"):
            st.plotly_chart(fig, config=charts.PLOTLY_CONFIG, key=f"briefing_chart_{key}", theme=None)
        return
    fig.update_layout(height=min(fig.layout.height or 600, 620))
    # theme=None: Streamlit's chart theme would shrink the projector-sized fonts
    st.plotly_chart(fig, config=charts.PLOTLY_CONFIG, key=f"briefing_chart_{key}", theme=None)
    st.download_button(t("briefing.png"), data=lambda: png(key, b, lang),
                       file_name=f"{file_stem(b.month, b.region)}-{key}.png", mime="image/png",
                       icon=":material/image:", key=f"briefing_png_{key}", on_click="ignore")


def _regions(b: Bulletin, lang: str, presenting_: bool, part: int) -> None:
    table = _region_rows(b)
    silent = _silent_regions(b, lang)
    if table.empty:
        st.info(t("slide.nothing_ranked"))
        if silent:
            st.caption(silent)
        return
    spans = _spans("regions", b)
    start, stop = spans[min(part, len(spans) - 1)]
    left, right = st.columns([3, 2], gap="large")
    with left:
        _chart("regions", b, lang, presenting_)
    with right:
        rows = []
        for r in table.iloc[start:stop].to_dict("records"):
            rows.append({t("col.rank"): str(int(r["rank"])), t("col.change"): fmt.change(r["change"], lang),
                         t("col.region" if b.regions is not None else "col.unit"):
                             _name(r["region"] if b.regions is not None else r["unit"]),
                         t(f"m.{b.measure}"): fmt.measure(b.measure, r["value"], lang)})
        ranking = b.regions if b.regions is not None else b.units
        notes = (_left_over(len(table), spans, part), _change_note(ranking.has_previous), silent)
        _table(rows, " ".join(n for n in notes if n))


def _list(which: str, b: Bulletin, lang: str, part: int) -> None:
    frame = b.units.red if which == "red" else b.units.black
    st.caption(t(f"slide.{which}_sub", n=b.list_size, measure=t(f"m.{b.measure}")))
    if frame.empty:
        st.info(t("slide.no_black") if which == "black" and not b.units.table.empty else t("slide.nothing_ranked"))
        return
    spans = _spans(which, b)
    start, stop = spans[min(part, len(spans) - 1)]
    shown = frame.iloc[start:stop]
    # missing is not zero: a "—" in the table says why, on the slide itself
    notes = [_left_over(len(frame), spans, part, "slide.more_tied"),
             missing.table_note(shown, ("completion_rate", "overdue"), "unit", lang) or "",
             _change_note(b.units.has_previous)]
    _table(_ranked_rows(shown, b, lang), " ".join(n for n in notes if n))


def _movers(b: Bulletin, lang: str, presenting_: bool, part: int) -> None:
    if not b.units.has_previous:
        st.info(t("slide.no_previous"))
        return
    if b.movers_up.empty and b.movers_down.empty:
        st.info(t("slide.no_moves"))
        return
    spans = _spans("movers", b)
    start, stop = spans[min(part, len(spans) - 1)]
    for column, frame, word, title in zip(st.columns(2, gap="large"), (b.movers_up, b.movers_down),
                                           ("slide.places_up", "slide.places_down"), ("slide.up", "slide.down")):
        with column:
            st.subheader(t(title), anchor=False)
            rows = [{t("col.unit"): _name(r["unit"]), t("col.region"): _name(r["region"]),
                     t("col.rank"): str(int(r["rank"])), t("slide.move"): t(word, n=abs(int(r["moved"])))}
                    for r in frame.iloc[start:stop].to_dict("records")]
            _table(rows)
    if not presenting_:
        _chart("movers", b, lang, presenting_)


def _investment(b: Bulletin, lang: str, presenting_: bool) -> None:
    if not figures.has_investment(b):
        st.info(t("slide.no_investment"))
        return
    keys = ("planned_investment", "actual_investment", "investment_completion")
    for column, key in zip(st.columns(3, gap="medium"), keys):
        _metric(key, b, lang, column)
    notes = [missing.tiles_note(b.kpis, keys, lang),
             missing.table_note(b.investment, ("actual_investment", "investment_completion"),
                                "unit" if b.region else "region", lang)]
    if any(notes):  # a bar not drawn, or a figure of only some ledgers, says so
        st.caption(" ".join(n for n in notes if n))
    _chart("investment", b, lang, presenting_)


def _overdue_items(b: Bulletin, start: int, stop: int, note: str) -> None:
    _table([{t("col.unit"): _name(r["unit"]), t("col.region"): _name(r["region"]),
             t("col.title"): r["title"], t("col.deadline"): r["deadline"].isoformat() if r["deadline"] else "—",
             t("slide.days"): fmt.count(r["days_overdue"])} for r in b.overdue.iloc[start:stop].to_dict("records")],
           note)


def _overdue(b: Bulletin, lang: str, presenting_: bool, part: int) -> None:
    kpi = b.kpis["overdue"]
    if kpi.missing:  # no deadlines in the ledgers: nothing can be said about overdue tasks
        st.info(missing.tile_help(kpi, lang))
        return
    if not kpi.value:
        st.success(t("slide.no_overdue"))
        return
    spans = _spans("overdue", b)
    part = min(part, len(spans) - 1)
    start, stop = spans[part]
    note = _left_over(len(b.overdue), spans, part)
    if part:
        st.subheader(t("slide.overdue_items"), anchor=False)
        _overdue_items(b, start, stop, note)
        return
    left, right = st.columns([2, 3], gap="large")
    with left:
        _metric("overdue", b, lang)
        st.subheader(t("slide.overdue_units"), anchor=False)
        units = b.overdue_by_unit
        _table([{t("col.unit"): _name(r["unit"]), t("col.region"): _name(r["region"]),
                 t("slide.count"): fmt.count(r["overdue"])} for r in units.head(OVERDUE_UNITS).to_dict("records")],
               t("slide.more_rows", count=len(units) - OVERDUE_UNITS) if len(units) > OVERDUE_UNITS else "")
    with right:
        st.subheader(t("slide.overdue_items"), anchor=False)
        _table([{t("col.unit"): _name(r["unit"]), t("col.title"): r["title"],
                 t("col.deadline"): r["deadline"].isoformat() if r["deadline"] else "—",
                 t("slide.days"): fmt.count(r["days_overdue"])} for r in b.overdue.iloc[start:stop].to_dict("records")],
               note)
    if not presenting_:
        _chart("overdue", b, lang, presenting_)


def _satisfaction(b: Bulletin, lang: str, part: int) -> None:
    """群众满意率 from both sources, each with its counts, and the units with 不满意."""
    units = document.satisfaction(b)["units"]
    spans = _spans("satisfaction", b)
    part = min(part, len(spans) - 1)
    start, stop = spans[part]

    def dissatisfied() -> None:
        st.subheader(t("slide.dissatisfied_units"), anchor=False)
        if not units:
            # no 不满意 is good news only if something was rated at all
            rated = any(b.kpis[key].value for key in ("rated", "resident_rated"))
            st.info(t("slide.no_dissatisfied" if rated else "slide.nothing_rated"))
            return
        _table([{t("col.unit"): _name(u["unit"]), t("col.region"): _name(u["region"]),
                 t("m.dissatisfied"): fmt.count(u["ledger"]), t("m.resident_dissatisfied"): fmt.count(u["residents"])}
                for u in units[start:stop]], _left_over(len(units), spans, part))

    if part:
        dissatisfied()
        return
    left, right = st.columns([2, 3], gap="large")
    with left:
        for key, (rated, _, _, dissatisfied_key) in SATISFACTION.items():
            _metric(key, b, lang)
            st.caption(satisfaction_counts(key, b.kpis[rated].value, b.kpis[dissatisfied_key].value))
    with right:
        dissatisfied()


def slide(key: str, b: Bulletin, lang: str, presenting_: bool, part: int = 0) -> None:
    with st.container(key=f"briefing_slide_{key}"):
        if key == "headline":
            _headline(b, lang)
        elif key == "regions":
            _regions(b, lang, presenting_, part)
        elif key in ("red", "black"):
            _list(key, b, lang, part)
        elif key == "movers":
            _movers(b, lang, presenting_, part)
        elif key == "investment":
            _investment(b, lang, presenting_)
        elif key == "overdue":
            _overdue(b, lang, presenting_, part)
        elif key == "satisfaction":
            _satisfaction(b, lang, part)


def header(key: str, b: Bulletin, lang: str, number: int, total: int | None = None, part: int = 0) -> None:
    title_col, meta_col = st.columns([3, 2], vertical_alignment="bottom")
    title = md(slide_title(key, b)) + (t("slide.continued") if part else "")
    title_col.header(f":red[{title}]" if key == "red" else title, anchor=False)
    scope = "，".join(p for p in (b.region, b.category) if p) or t("briefing.scope_all")
    with meta_col.container(key="briefing_meta"):
        st.caption(md(f"{fmt.month(b.month, lang)} · {scope} · "
                      f"{t('briefing.counter', n=number, total=total or len(SLIDES))}"))


def navigation(presenting_: bool, on_exit: Callable[[], None], deck: Sequence[tuple[str, int]] | None = None) -> None:
    with st.container(horizontal=True, key="briefing_nav", gap="small", vertical_alignment="center"):
        st.button(t("briefing.previous"), key="briefing_prev", icon=":material/chevron_left:", shortcut="Left",
                  on_click=go, args=(-1, deck))
        st.button(t("briefing.next"), key="briefing_next", icon=":material/chevron_right:", shortcut="Right",
                  on_click=go, args=(1, deck), type="primary" if not presenting_ else "secondary")
        st.button("PgUp", key="briefing_pgup", shortcut="PageUp", on_click=go, args=(-1, deck))
        st.button("PgDn", key="briefing_pgdn", shortcut="PageDown", on_click=go, args=(1, deck))
        if presenting_:
            # the deck is a fragment: leaving must rerun the whole page to bring its chrome back
            if st.button(t("briefing.exit"), key="briefing_exit", icon=":material/close:", type="tertiary",
                         help=t("briefing.exit_help")):
                on_exit()
                st.rerun(scope="app")
