"""/ — KPI tiles with month-on-month change, completion by region, the trend."""
import streamlit as st

from metrics import KPI_ORDER
from present import charts, format as fmt
from present.charts import PLOTLY_CONFIG
from ui import data, frame
from ui.i18n import t

PROGRESS = ("tasks", "completed", "completion_rate", "start_rate", "on_time_rate", "overdue")
INVESTMENT = ("planned_investment", "actual_investment", "investment_completion", "beneficiaries")
# the counts beside the satisfaction rates are explained with the rates
DEFINED = tuple(k for k in KPI_ORDER if k not in ("rated", "dissatisfied", "resident_rated", "resident_dissatisfied"))


@frame.guarded
def main() -> None:
    found = frame.ready()
    if not found:
        st.title(t("overview.title"))
        return
    catalog, f = found
    settings, _ = data.settings()
    frame.title("overview.title", f)
    view = data.overview(f.month, f.region, f.category, settings.trend_months)
    if view.kpis["tasks"].value is None:
        frame.no_rows(f)
        return

    frame.kpi_tiles(view.kpis, PROGRESS, f.lang)
    frame.kpi_tiles(view.kpis, INVESTMENT, f.lang)
    frame.satisfaction_tiles(view.kpis, f.lang)
    frame.month_notes(f.month, f.region)

    parts = view.breakdown.sort_values(["completion_rate", "tasks"], ascending=[False, False])
    if view.level == "unit":
        st.subheader(t("overview.by_unit", region=fmt.md(f.region)))
        labels, top = parts["unit"].tolist(), 30
        targets, go = parts["unit"].tolist(), frame.drill_unit
    else:
        st.subheader(t("overview.by_region"))
        labels, top = [r if isinstance(r, str) else t("unknown_region") for r in parts["region"]], None
        targets, go = [r if isinstance(r, str) else None for r in parts["region"]], frame.drill_region
    if top and len(labels) > top:
        st.caption(t("regions.top_n", n=top))
        parts, labels, targets = parts.head(top), labels[:top], targets[:top]
    st.caption(t("drill.hint"))
    st.plotly_chart(
        charts.ranked_bars(labels, parts["completion_rate"].tolist(), "completion_rate", f.lang,
                           reference=view.kpis["completion_rate"].value, reference_label=t("overview.average")),
        config=PLOTLY_CONFIG, key="overview_bars", selection_mode="points",
        on_select=frame.on_pick("overview_bars", targets, go))

    st.subheader(t("overview.trend", months=settings.trend_months))
    keys = ["completion_rate", "start_rate", "on_time_rate"]
    st.plotly_chart(charts.trend(view.trend, keys, [t(f"m.{k}") for k in keys], f.lang),
                    config=PLOTLY_CONFIG, key="overview_trend")

    with st.expander(t("overview.definitions")):
        for key in DEFINED:
            st.markdown(f"**{t(f'm.{key}')}**：{t(f'help.{key}')}" if f.lang == "zh"
                        else f"**{t(f'm.{key}')}**: {t(f'help.{key}')}")


main()
