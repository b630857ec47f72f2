"""/briefing — the monthly briefing: slides for the presenter, the 通报 as PDF and Word.

Month, region and category come from the shared sidebar (so they carry over
from the other pages). "Start presenting" (or ?present=1) hides the chrome and
enlarges the slides for a projector; ← → move, Esc leaves. The controls above
the deck and the downloads are in ui/briefing_controls.py, the slides in ui/briefing.py.
"""
import streamlit as st

from reports.bulletin import DEFAULT_MEASURE
from reports.images import ChromiumMissing
from ui import briefing, briefing_controls as controls, data, frame
from ui.briefing_controls import MEASURE_KEY
from ui.i18n import t
from ui.url_sync import to_url


@frame.guarded
def main() -> None:
    found = frame.ready()
    if not found:
        st.title(t("briefing.title"))
        return
    catalog, f = found
    settings, _ = data.settings()
    controls.keep_values()
    measure = controls.measure()
    st.session_state[MEASURE_KEY] = measure
    presenting = briefing.presenting()
    briefing.hidden_style()
    if presenting:
        briefing.presenter_style()
    else:
        frame.title("briefing.title", f)
        controls.setup(catalog.regions)
        measure = controls.measure()
    to_url("measure", measure, DEFAULT_MEASURE)

    b = briefing.bulletin(f.month, f.region, f.category, measure, settings)
    if b.empty:
        frame.no_rows(f)
        if presenting:
            st.button(t("briefing.exit"), key="briefing_exit_empty", on_click=briefing.stop_presenting)
        return
    if not presenting:
        controls.downloads(f, measure, settings, b)

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
