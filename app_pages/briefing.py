"""/briefing — the monthly briefing: slides for the presenter, the 通报 as PDF and Word.

Month, region and category come from the shared sidebar (so they carry over
from the other pages). "Start presenting" (or ?present=1) hides the chrome and
enlarges the slides for a projector; ← → move, Esc leaves.
"""
import streamlit as st

from metrics import RANKABLE
from reports import fonts
from reports.bulletin import DEFAULT_MEASURE
from reports.document import TemplateProblem
from reports.fonts import FontMissing
from reports.images import ChromiumMissing
from ui import briefing, data, frame
from ui.i18n import labels, t

MEASURE_KEY = "briefing_measure"


def _measure() -> str:
    if MEASURE_KEY not in st.session_state:
        wanted = st.query_params.get("measure")
        st.session_state[MEASURE_KEY] = wanted if wanted in RANKABLE else DEFAULT_MEASURE
    value = st.session_state[MEASURE_KEY]
    return value if value in RANKABLE else DEFAULT_MEASURE


def _downloads(f, measure: str, settings, b) -> None:
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


def _setup(f, catalog) -> None:
    with st.container(horizontal=True, gap="medium", vertical_alignment="bottom"):
        st.selectbox(t("briefing.measure"), RANKABLE, key=MEASURE_KEY, format_func=labels("m.", RANKABLE).get,
                     width=200)
        st.toggle(t("briefing.auto"), key=briefing.KEY_AUTO, on_change=briefing._mark_stepped)
        st.number_input(t("briefing.seconds"), min_value=5, max_value=600, step=5,
                        key=briefing.KEY_SECONDS, width=140)
        st.toggle(t("briefing.loop_regions"), key=briefing.KEY_LOOP, help=t("briefing.loop_help"),
                  disabled=not catalog.regions)
        st.button(t("briefing.present"), key="briefing_start", icon=":material/slideshow:",
                  on_click=briefing.start_presenting, type="primary")
    st.caption(t("briefing.keys"))


@frame.guarded
def main() -> None:
    found = frame.ready()
    if not found:
        st.title(t("briefing.title"))
        return
    catalog, f = found
    settings, _ = data.settings()
    # Widget values live on while presenting, when their widgets are not drawn (Streamlit
    # forgets the state of widgets missing from a run).
    for key, default in ((briefing.KEY_AUTO, False), (briefing.KEY_SECONDS, 20), (briefing.KEY_LOOP, False)):
        st.session_state[key] = st.session_state.get(key, default)
    measure = _measure()
    st.session_state[MEASURE_KEY] = measure
    presenting = briefing.presenting()
    briefing.hidden_style()
    if presenting:
        briefing.presenter_style()
    else:
        frame.title("briefing.title", f)
        _setup(f, catalog)
        measure = _measure()
    if measure != DEFAULT_MEASURE:
        if st.query_params.get("measure") != measure:
            st.query_params["measure"] = measure
    elif "measure" in st.query_params:
        del st.query_params["measure"]

    b = briefing.bulletin(f.month, f.region, f.category, measure, settings)
    if b.empty:
        frame.no_rows(f)
        if presenting:
            st.button(t("briefing.exit"), key="briefing_exit_empty", on_click=briefing.stop_presenting)
        return
    if not presenting:
        _downloads(f, measure, settings, b)

    auto = bool(st.session_state.get(briefing.KEY_AUTO))
    seconds = st.session_state.get(briefing.KEY_SECONDS, 20)

    @st.fragment(run_every=seconds if auto else None)
    def deck() -> None:
        slides = briefing.pages(b)
        if auto:
            briefing.auto_step(f.region, catalog.regions, slides)
        number = briefing.position(slides)
        key, part = slides[number]
        with st.container(key="briefing_deck", border=not presenting):
            briefing.header(key, b, f.lang, number + 1, len(slides), part)
            try:
                briefing.slide(key, b, f.lang, presenting, part)
            except ChromiumMissing as error:
                st.error(t("briefing.chart_error", error=error))
        briefing.navigation(presenting, briefing.stop_presenting, slides)

    deck()


main()
