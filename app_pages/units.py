"""/units — find a unit: its tasks this month, its overdue list, its history."""
import pandas as pd
import streamlit as st

import metrics
from ui import charts, data, frame
from ui import format as fmt
from ui.charts import PLOTLY_CONFIG
from ui.i18n import t
from ui.tables import display_frame

UNIT_KPIS = ("tasks", "completed", "completion_rate", "on_time_rate", "overdue")
PICK_KEY = "units_pick"
SEPARATOR = "\u241f"  # joins region and unit in an option value; never typed by a clerk


def option_value(region, unit: str) -> str:
    return f"{region if isinstance(region, str) else ''}{SEPARATOR}{unit}"


def split_option(value: str) -> tuple[str | None, str]:
    region, _, unit = value.partition(SEPARATOR)
    return region or None, unit


def task_table(tasks: pd.DataFrame, key: str) -> None:
    shown = pd.DataFrame({
        t("col.title"): tasks["title"].tolist(),
        t("col.category"): [c if isinstance(c, str) else "" for c in tasks["category"]],
        t("col.status"): [frame.status_label(s) for s in tasks["status"]],
        t("col.deadline"): tasks["deadline"].tolist(),
        t("col.planned_wan"): tasks["planned_investment"].astype("float64"),
        t("col.actual_wan"): tasks["actual_investment"].astype("float64"),
        t("col.beneficiaries"): tasks["beneficiaries"].astype("Int64"),
        t("col.source"): [f"{sheet} · {row}" for sheet, row in zip(tasks["source_sheet"], tasks["source_row"])],
    })
    st.dataframe(shown, hide_index=True, placeholder="—", key=key, width="stretch", column_config={
        t("col.deadline"): st.column_config.DateColumn(t("col.deadline"), format="YYYY-MM-DD"),
        t("col.planned_wan"): st.column_config.NumberColumn(t("col.planned_wan"), format="%,.1f"),
        t("col.actual_wan"): st.column_config.NumberColumn(t("col.actual_wan"), format="%,.1f"),
        t("col.beneficiaries"): st.column_config.NumberColumn(t("col.beneficiaries"), format="%,d"),
    })


def dissatisfied_table(tasks: pd.DataFrame, ratings: pd.DataFrame, lang: str) -> None:
    """The 不满意 tasks of both sources, labelled: the ledger's own (单位自评) and each
    resident's rating (群众评价) with its comment. A dataframe, so comments show as
    typed: nothing in them is read as Markdown or HTML."""
    ledger = tasks[tasks["satisfaction"] == "dissatisfied"] if "satisfaction" in tasks else tasks.head(0)
    count = len(ledger) + len(ratings)
    st.subheader(t("units.dissatisfied", count=count))
    if not count:
        st.caption(t("units.no_dissatisfied"))
        return
    rows = [{t("col.source_kind"): t("sat.source.ledger"), t("col.title"): title,
             t("col.comment"): "", t("col.rated_at"): None} for title in ledger["title"]]
    rows += [{t("col.source_kind"): t("sat.source.residents"), t("col.title"): title,
              t("col.comment"): comment if isinstance(comment, str) else "",
              t("col.rated_at"): rated_at}
             for title, comment, rated_at in zip(ratings["title"], ratings["comment"], ratings["rated_at"])]
    shown = pd.DataFrame(rows)
    if len(ratings):
        st.caption(t("units.comments_note"))
    st.dataframe(shown, hide_index=True, placeholder="—", key="units_dissatisfied", width="stretch", column_config={
        t("col.source_kind"): st.column_config.TextColumn(t("col.source_kind"), width="small"),
        t("col.title"): st.column_config.TextColumn(t("col.title")),
        t("col.comment"): st.column_config.TextColumn(t("col.comment")),
        t("col.rated_at"): st.column_config.DatetimeColumn(t("col.rated_at"), format="YYYY-MM-DD HH:mm"),
    })


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
    if PICK_KEY not in st.session_state:
        wanted = st.query_params.get("unit")
        matches = [o for o in options if split_option(o)[1] == wanted]
        st.session_state[PICK_KEY] = matches[0] if matches else None
    elif st.session_state[PICK_KEY] not in options:
        st.session_state[PICK_KEY] = None

    unknown = t("unknown_region")
    pattern = "{unit}（{region}）" if f.lang == "zh" else "{unit} ({region})"
    names = {o: pattern.format(unit=split_option(o)[1], region=split_option(o)[0] or unknown) for o in options}
    picked = st.selectbox(t("units.find"), options, key=PICK_KEY, index=None, format_func=names.get,
                          placeholder=t("units.placeholder"))
    if picked is None:
        if "unit" in st.query_params:
            del st.query_params["unit"]
        st.info(t("units.choose"), icon=":material/search:")
        return
    region, unit = split_option(picked)
    if st.query_params.get("unit") != unit:
        st.query_params["unit"] = unit

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
        dissatisfied_table(view.tasks, view.dissatisfied_ratings, f.lang)

        overdue = view.tasks[view.tasks["is_overdue"]]
        st.subheader(t("units.overdue", count=len(overdue)))
        if overdue.empty:
            st.caption(t("units.no_overdue"))
        else:
            task_table(overdue, "units_overdue")
        st.subheader(t("units.tasks", count=len(view.tasks)))
        task_table(view.tasks, "units_tasks")

    if len(view.history):
        st.subheader(t("units.history"))
        keys = ["completion_rate", "start_rate", "on_time_rate"]
        st.plotly_chart(charts.trend(view.history, keys, [t(f"m.{k}") for k in keys], f.lang),
                        config=PLOTLY_CONFIG, key="units_history")
        history = view.history.assign(month=[fmt.month(m, f.lang) for m in view.history["report_month"]])
        shown, config = display_frame(
            history, [], ("tasks", "completed", "completion_rate", "start_rate", "on_time_rate", "overdue",
                          "planned_investment", "actual_investment", "investment_completion",
                          "satisfaction_rate", "rated", "dissatisfied",
                          "resident_satisfaction_rate", "resident_rated", "resident_dissatisfied"))
        shown.insert(0, t("col.month"), history["month"].tolist())
        st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key="units_history_table", width="stretch")


main()
