"""/investment — planned against actual investment by region and category, treemap, and per unit."""
import streamlit as st

from present import charts, format as fmt
from present.charts import PLOTLY_CONFIG
from ui import data, frame
from ui.i18n import t
from ui.tables import measure_table

INVESTMENT_KPIS = ("planned_investment", "actual_investment", "investment_completion")
TABLE_MEASURES = ("planned_investment", "actual_investment", "investment_completion", "tasks")
UNIT_MEASURES = ("planned_investment", "actual_investment", "investment_completion")
UNIT_TABLE_HEIGHT = 36 * 14 + 3   # 13 rows in view; the rest scroll inside the table


@frame.guarded
def main() -> None:
    found = frame.ready()
    if not found:
        st.title(t("investment.title"))
        return
    catalog, f = found
    frame.title("investment.title", f)
    view = data.investment(f.month, f.region, f.category)
    if view.kpis["tasks"].value is None:
        frame.no_rows(f)
        return
    if not view.kpis["planned_investment"].value and not view.kpis["actual_investment"].value:
        st.info(t("investment.none", month=fmt.month(f.month, f.lang)))
        return

    frame.kpi_tiles(view.kpis, INVESTMENT_KPIS, f.lang)

    planned, actual = t("m.planned_investment"), t("m.actual_investment")
    by_region = view.by_region.sort_values("planned_investment", ascending=False)
    st.subheader(t("investment.by_region"))
    st.plotly_chart(charts.planned_actual(
        [r if isinstance(r, str) else t("unknown_region") for r in by_region["region"]],
        by_region["planned_investment"].tolist(), by_region["actual_investment"].tolist(), f.lang, planned, actual),
        config=PLOTLY_CONFIG, key="investment_regions")
    frame.chart_note([r if isinstance(r, str) else t("unknown_region") for r in by_region["region"]], by_region,
                     "actual_investment", f.lang, named=True)

    by_category = view.by_category.sort_values("planned_investment", ascending=False)
    st.subheader(t("investment.by_category"))
    st.plotly_chart(charts.planned_actual(
        [c if isinstance(c, str) else t("uncategorised") for c in by_category["category"]],
        by_category["planned_investment"].tolist(), by_category["actual_investment"].tolist(), f.lang,
        planned, actual), config=PLOTLY_CONFIG, key="investment_categories")

    if (view.by_region_category["planned_investment"] > 0).any():
        st.subheader(t("investment.treemap"))
        st.caption(t("investment.treemap_note"))
        st.plotly_chart(charts.treemap(view.by_region_category, f.lang, f.region or t("sidebar.all_regions"),
                                       t("unknown_region"), t("uncategorised")),
                        config=PLOTLY_CONFIG, key="investment_treemap")

    measure_table(by_region, ["region"], f.lang, key="investment_region_table", measures=TABLE_MEASURES)
    measure_table(by_category.assign(category=by_category["category"].fillna(t("uncategorised"))), ["category"],
                  f.lang, key="investment_category_table", measures=TABLE_MEASURES)

    # every unit of the scope, largest plan first; a chosen row opens the unit (/units?unit=)
    st.subheader(t("investment.by_unit"))
    st.caption(t("investment.unit_hint"))
    measure_table(view.by_unit, ["region", "unit"], f.lang, key="investment_unit_table", measures=UNIT_MEASURES,
                  height=UNIT_TABLE_HEIGHT,
                  on_select=frame.on_pick("investment_unit_table", view.by_unit["unit"].tolist(), frame.drill_unit))


main()
