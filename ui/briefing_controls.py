"""The briefing page's controls (app_pages/briefing.py): the measure the red and black
lists rank by (from ?measure=), the row of settings above the deck (auto-advance,
seconds, looping the regions, Start presenting), and the downloads of the 通报."""
from __future__ import annotations

from typing import Sequence

import streamlit as st

from metrics import RANKABLE
from metrics.settings import Settings
from reports import fonts
from reports.bulletin import DEFAULT_MEASURE, Bulletin
from reports.document import TemplateProblem
from reports.fonts import FontMissing
from ui import briefing
from ui.i18n import labels, t

MEASURE_KEY = "briefing_measure"
# Widget values that live on while presenting, when their widgets are not drawn
# (Streamlit forgets the state of widgets missing from a run).
KEPT = ((briefing.KEY_AUTO, False), (briefing.KEY_SECONDS, 20), (briefing.KEY_LOOP, False))


def keep_values() -> None:
    """Keep the settings' values (KEPT) in the session, their defaults the first time."""
    for key, default in KEPT:
        st.session_state[key] = st.session_state.get(key, default)


def measure() -> str:
    """The ranking measure: the session's, started from ?measure= (else the bulletin's default)."""
    if MEASURE_KEY not in st.session_state:
        wanted = st.query_params.get("measure")
        st.session_state[MEASURE_KEY] = wanted if wanted in RANKABLE else DEFAULT_MEASURE
    value = st.session_state[MEASURE_KEY]
    return value if value in RANKABLE else DEFAULT_MEASURE


def setup(regions: Sequence[str]) -> None:
    """The measure, auto-advance, its seconds, looping the regions and Start presenting."""
    names = labels("m.", RANKABLE)
    with st.container(horizontal=True, gap="medium", vertical_alignment="bottom"):
        st.selectbox(t("briefing.measure"), RANKABLE, key=MEASURE_KEY, format_func=lambda key: names[key], width=200)
        st.toggle(t("briefing.auto"), key=briefing.KEY_AUTO, on_change=briefing._mark_stepped)
        st.number_input(t("briefing.seconds"), min_value=5, max_value=600, step=5,
                        key=briefing.KEY_SECONDS, width=140)
        st.toggle(t("briefing.loop_regions"), key=briefing.KEY_LOOP, help=t("briefing.loop_help"),
                  disabled=not regions)
        st.button(t("briefing.present"), key="briefing_start", icon=":material/slideshow:",
                  on_click=briefing.start_presenting, type="primary")
    st.caption(t("briefing.keys"))


def downloads(f, measure: str, settings: Settings, b: Bulletin) -> None:
    """The 通报 as PDF and Word, its tables as Excel, the charts as PNG; a template or font
    problem shows now rather than when a download is clicked."""
    stem = briefing.file_stem(f.month, f.region)
    # problems show now rather than when a download is clicked
    try:
        briefing.bulletin_text(f.month, f.region, f.category, measure, settings)
    except TemplateProblem as error:
        st.error(t("briefing.template_error", error=error))
    try:
        fonts.all_faces()
    except FontMissing as error:
        st.error(t("briefing.font_error", error=error))

    def made(kind: str):
        return lambda: briefing.export(kind, f.month, f.region, f.category, measure, settings)

    with st.container(horizontal=True, gap="small"):
        st.download_button(t("briefing.pdf"), data=made("pdf"), file_name=f"{stem}.pdf", mime="application/pdf",
                           icon=":material/picture_as_pdf:", key="briefing_pdf", on_click="ignore", type="primary")
        st.download_button(t("briefing.docx"), data=made("docx"), file_name=f"{stem}.docx",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           icon=":material/description:", key="briefing_docx", on_click="ignore")
        st.download_button(t("briefing.xlsx"), data=made("xlsx"), file_name=f"{stem}-附表.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/table:", key="briefing_xlsx", on_click="ignore")
        st.download_button(t("briefing.png_all"), data=lambda: briefing.png_zip(b, f.lang),
                           file_name=f"{stem}-图表.zip", mime="application/zip", icon=":material/image:",
                           key="briefing_png_all", on_click="ignore")
    st.caption(t("briefing.bulletin_note"))
