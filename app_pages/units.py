"""/units — find a unit: its tasks this month, its overdue list, its history."""
import streamlit as st

import metrics
from present import format as fmt
from ui import data, drill, frame, unit_view
from ui.i18n import t
from ui.unit_view import PICK_KEY, UNIT_KPIS, option_value, split_option


@frame.guarded
def main() -> None:
    found = frame.ready()
    if not found:
        st.title(t("units.title"))
        return
    catalog, f = found
    frame.title("units.title", f)
    with data.session() as s:
        show(f, s)


def show(f, s: data.Session) -> None:
    every = data.units(session=s)
    if f.region:
        every = every[every["region"] == f.region]
    options = [option_value(r, u) for r, u in zip(every["region"], every["unit"])]
    latest = {option_value(r, u): m for r, u, m in zip(every["region"], every["unit"], every["latest_month"])}
    unit_view.pick_from_url(options)
    picked = st.selectbox(t("units.find"), options, key=PICK_KEY, index=None,
                          format_func=unit_view.option_names(options, f.lang).get, placeholder=t("units.placeholder"))
    if picked is None:
        unit_view.unit_to_url(None)
        settings, _ = data.settings()
        rows = drill.units_month(f.month, f.region, f.category, settings, session=s)
        if rows.empty:
            frame.no_rows(f)
        else:
            unit_view.all_units(rows, f.month, f.lang)
        return
    region, unit = split_option(picked)
    unit_view.unit_to_url(unit)
    st.button(t("units.back"), icon=":material/arrow_back:", on_click=unit_view.back, key="units_back",
              type="tertiary")

    view = data.unit(f.month, region, unit, f.category, session=s)
    s.close()  # everything below draws
    current = view.history[view.history["report_month"] == f.month]
    if current.empty:
        st.info(t("units.not_reported", unit=fmt.md(unit), month=fmt.month(f.month, f.lang),
                  latest=fmt.month(latest.get(picked), f.lang)))
    else:
        kpis = metrics.kpis_from(view.history.assign(is_total=True), f.month)
        frame.kpi_tiles(kpis, UNIT_KPIS, f.lang)
        st.subheader(t("units.satisfaction"))
        frame.satisfaction_tiles(kpis, f.lang)
        unit_view.dissatisfied_table(view.tasks, view.dissatisfied_ratings, f.lang)
        unit_view.overdue_tasks(view.tasks, kpis, f.lang)
        st.subheader(t("units.tasks", count=len(view.tasks)))
        st.caption(t("units.task_hint"))
        chosen = unit_view.task_table(view.tasks, "units_tasks", selectable=True)
        if chosen is not None:
            unit_view.task_source(view.tasks.iloc[chosen], unit, f.lang)

    if len(view.history):
        unit_view.history(view.history, f.lang)


main()
