"""/regions — regions side by side; pick or click a region to see its units; optional map."""
from dataclasses import replace

import streamlit as st

from metrics import KPI_ORDER, MEASURES
from metrics.definitions import SATISFACTION
from present import charts, format as fmt
from present.charts import PLOTLY_CONFIG
from ui import data, frame
from ui.i18n import labels, t
from ui.region_pick import PICK_KEY, hover, pick_region, picked_below, picked_region, region_label
from ui.tables import measure_table

TOP_UNITS = 30
MEASURE_KEY = "regions_measure"


@frame.guarded
def main() -> None:
    found = frame.ready()
    if not found:
        st.title(t("regions.title"))
        return
    catalog, f = found
    settings, _ = data.settings()
    all_regions = replace(f, region=None)
    frame.title("regions.title", all_regions)
    key = st.selectbox(t("regions.measure"), KPI_ORDER, format_func=labels("m.", KPI_ORDER).get,
                       index=KPI_ORDER.index("completion_rate"), key=MEASURE_KEY)

    with data.session() as s:
        view = data.regions(f.month, f.category, settings.trend_months, session=s)
        if view.month_rows.empty:
            frame.no_rows(all_regions)
            return
        rows = view.month_rows.sort_values([key, "tasks"], ascending=[False, False], na_position="last")
        options = [r if isinstance(r, str) else "" for r in rows["region"]]
        pick = picked_region(options, f.region)
        units = data.units_of_region(f.month, pick or None, f.category, session=s)

    total = view.totals[view.totals["report_month"] == f.month]
    is_rate = MEASURES[key].kind == "rate"
    st.subheader(t("regions.bars", measure=t(f"m.{key}"), month=fmt.month(f.month, f.lang)))
    st.caption(t("regions.click_hint"))
    frame.month_notes(f.month, None, not_reported=False)
    if key in SATISFACTION:
        st.caption(t("sat.blank_note"))
    bar_names = [region_label(r) for r in rows["region"]]
    bars_key = f"regions_bars_{options.index(pick)}"
    st.plotly_chart(
        charts.ranked_bars(bar_names, rows[key].tolist(), key, f.lang, hover=hover(rows, bar_names, key),
                           highlight=region_label(pick or None),
                           reference=total.iloc[0][key] if len(total) and is_rate else None,
                           reference_label=t("overview.average")),
        # keyed by the region shown, so a new pick starts the chart with no bar selected
        # (else clicking the same bar again after picking below would not register)
        config=PLOTLY_CONFIG, key=bars_key, on_select=frame.on_pick(bars_key, options, pick_region),
        selection_mode="points")
    frame.chart_note(bar_names, rows, key, f.lang)
    absent = frame.absent_regions(catalog.regions, rows["region"], f.lang)
    if absent:  # a region that sent nothing this month is named, not silently left out
        st.caption(absent)
    if key in SATISFACTION:
        # the rate never stands alone: each region's counts beside it
        rated, _, _, dissatisfied = SATISFACTION[key]
        measure_table(rows, ["region"], f.lang, key="regions_satisfaction_table", measures=(key, rated, dissatisfied))

    if settings.geojson is not None:
        try:
            geojson = charts.load_geojson(settings.geojson)
        except (OSError, ValueError) as error:
            st.caption(t("regions.map_error", error=fmt.md(error)))
        else:
            st.subheader(t("regions.map", measure=t(f"m.{key}")))
            st.plotly_chart(charts.choropleth(geojson, rows, settings.feature_name, key, f.lang),
                            config=PLOTLY_CONFIG, key="regions_map")

    st.subheader(t("regions.heat", measure=t(f"m.{key}")))
    st.plotly_chart(charts.heatmap(view.history, key, f.lang, t("unknown_region")),
                    config=PLOTLY_CONFIG, key="regions_heat")

    names = {r: region_label(r or None) for r in options}
    st.selectbox(t("regions.pick"), options, key=PICK_KEY, format_func=names.get, on_change=picked_below)
    st.subheader(t("regions.units_of", region=fmt.md(region_label(pick or None)), measure=t(f"m.{key}")))
    if units.empty:
        frame.no_rows(replace(f, region=pick or None))
        return
    units = units.sort_values([key, "tasks"], ascending=[False, False], na_position="last")
    if len(units) > TOP_UNITS:
        st.caption(t("regions.top_n", n=TOP_UNITS))
    region_row = rows[rows["region"].fillna("") == pick]
    shown = units.head(TOP_UNITS)
    st.caption(t("drill.hint"))
    st.plotly_chart(
        charts.ranked_bars(shown["unit"].tolist(), shown[key].tolist(), key, f.lang,
                           hover=hover(shown, shown["unit"].tolist(), key),
                           reference=region_row.iloc[0][key] if len(region_row) and is_rate else None,
                           reference_label=region_label(pick or None)),
        config=PLOTLY_CONFIG, key="regions_units", selection_mode="points",
        on_select=frame.on_pick("regions_units", shown["unit"].tolist(), frame.drill_unit))
    frame.chart_note(shown["unit"].tolist(), shown, key, f.lang)
    measure_table(units, ["unit"], f.lang, key="regions_units_table")


main()
