"""/units — find a unit: its tasks this month, its overdue list, its history."""
import pandas as pd
import streamlit as st

import metrics
from present import charts, format as fmt, missing
from present.charts import PLOTLY_CONFIG
from ui import auth, data, drill, frame, upload as uploads
from ui.i18n import lang, t
from ui.tables import column_config, display_frame

UNIT_KPIS = ("tasks", "completed", "completion_rate", "start_rate", "on_time_rate", "overdue")  # as the overview
PICK_KEY = "units_pick"
SEPARATOR = "\u241f"  # joins region and unit in an option value; never typed by a clerk
TABLE_KEY = "units_table"
TABLE_ROWS = "units_table_rows"   # the option value of each row of the table, in the order given
URL_SEEN = "units_url_seen"       # the ?unit= this page last saw or wrote


def option_value(region, unit: str) -> str:
    return f"{region if isinstance(region, str) else ''}{SEPARATOR}{unit}"


def split_option(value: str) -> tuple[str | None, str]:
    region, _, unit = value.partition(SEPARATOR)
    return region or None, unit


def task_table(tasks: pd.DataFrame, key: str, *, selectable: bool = False):
    """A unit's tasks; with `selectable`, choosing a row returns its position in `tasks`."""
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
    config = {
        t("col.title"): st.column_config.TextColumn(t("col.title"), pinned=True),
        t("col.deadline"): st.column_config.DateColumn(t("col.deadline"), format="YYYY-MM-DD"),
        t("col.planned_wan"): st.column_config.NumberColumn(t("col.planned_wan"), format="%,.1f"),
        t("col.actual_wan"): st.column_config.NumberColumn(t("col.actual_wan"), format="%,.1f"),
        t("col.beneficiaries"): st.column_config.NumberColumn(t("col.beneficiaries"), format="%,d"),
    }
    if not selectable:
        st.dataframe(shown, hide_index=True, placeholder="—", key=key, width="stretch", column_config=config)
        return None
    event = st.dataframe(shown, hide_index=True, placeholder="—", key=key, width="stretch", column_config=config,
                         on_select="rerun", selection_mode="single-row")
    rows = event.selection.rows if event else []
    return rows[0] if rows and 0 <= rows[0] < len(tasks) else None


def may_download(user, unit: str) -> bool:
    """The kept original of a unit's upload: for an admin, or an uploader of that unit."""
    return user is not None and (user.is_admin() or (user.can_upload() and user.may_report_for(unit)))


def task_source(task: pd.Series, unit: str, lang: str) -> None:
    """Where a task came from: the file, its sheet and row; the file itself for those allowed."""
    files = drill.uploads([task.get("upload_id")])
    found = files[files["upload_id"] == task.get("upload_id")] if len(files) else files
    name = found.iloc[0]["file_name"] if len(found) else "—"
    path = found.iloc[0]["stored_path"] if len(found) else None
    row = task.get("source_row")
    st.caption(t("units.source", file=fmt.md(name), sheet=fmt.md(task.get("source_sheet")),
                 row=int(row) if row == row and row is not None else "—"))
    if not may_download(auth.current_user(), unit):
        st.caption(t("units.original_locked"))
        return
    if not uploads.original_exists(path):
        st.caption(t("units.source_gone"))
        return
    st.download_button(t("units.download_original"), data=lambda: uploads.original(path) or b"",
                       file_name=str(name), icon=":material/download:", key="units_original", on_click="ignore")


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


def _on_table() -> None:
    """A row chosen in the table of all units opens that unit (before the page runs,
    so the find box shows it)."""
    event = st.session_state.get(TABLE_KEY)
    rows = event.selection.rows if event is not None else []
    options = st.session_state.get(TABLE_ROWS, [])
    if rows and 0 <= rows[0] < len(options):
        st.session_state[PICK_KEY] = options[rows[0]]


def _back() -> None:
    st.session_state[PICK_KEY] = None


def all_units(f, s: data.Session) -> None:
    """The month's units, sortable, filtered by the sidebar; choosing a row opens the unit."""
    settings, _ = data.settings()
    rows = drill.units_month(f.month, f.region, f.category, settings, session=s)
    if rows.empty:
        frame.no_rows(f)
        return
    st.subheader(t("units.all", month=fmt.month(f.month, f.lang), count=len(rows)))
    st.caption(t("units.all_hint"))
    shown, config = unit_frame(rows)
    st.session_state[TABLE_ROWS] = [option_value(r, u) for r, u in zip(rows["region"], rows["unit"])]
    st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key=TABLE_KEY, width="stretch",
                 height=min(35 * (len(shown) + 1) + 3, 640), on_select=_on_table, selection_mode="single-row")
    note = missing.table_note(rows, ("on_time_rate", "overdue"), "unit", f.lang)
    if note:
        st.caption(note)


def unit_frame(rows: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Key columns first (unit, completion, rank: what a phone shows without scrolling), then the rest."""
    unit, done, rank, change = t("col.unit"), t("m.completion_rate"), t("col.rank"), t("col.change")
    region, tasks, on_time, overdue = t("col.region"), t("m.tasks"), t("m.on_time_rate"), t("m.overdue")
    shown = pd.DataFrame({
        unit: rows["unit"].tolist(),
        done: rows["completion_rate"].astype("float64").to_numpy() * 100,
        rank: rows["rank"].astype("Int64"),
        change: fmt.changes(rows["change"], lang()),
        region: [r if isinstance(r, str) else t("unknown_region") for r in rows["region"]],
        tasks: rows["tasks"].astype("Int64"),
        on_time: rows["on_time_rate"].astype("float64").to_numpy() * 100,
        overdue: rows["overdue"].astype("Int64"),
    })
    measure = t(f"m.{drill.RANK_MEASURE}")
    config = {
        unit: st.column_config.TextColumn(unit, pinned=True, width=130),
        done: st.column_config.NumberColumn(done, format="%.1f%%", width=78, help=t("help.completion_rate")),
        rank: st.column_config.NumberColumn(rank, format="%d", width=56, help=t("units.rank_help", measure=measure)),
        change: st.column_config.TextColumn(change, width=64),
        region: st.column_config.TextColumn(region),
        tasks: column_config("tasks", tasks),
        on_time: column_config("on_time_rate", on_time),
        overdue: column_config("overdue", overdue),
    }
    return shown, config


def show(f, s: data.Session) -> None:
    every = data.units(session=s)
    if f.region:
        every = every[every["region"] == f.region]
    options = [option_value(r, u) for r, u in zip(every["region"], every["unit"])]
    latest = {option_value(r, u): m for r, u, m in zip(every["region"], every["unit"], every["latest_month"])}
    wanted = st.query_params.get("unit")
    matches = [o for o in options if split_option(o)[1] == wanted]
    if PICK_KEY not in st.session_state:
        st.session_state[PICK_KEY] = matches[0] if matches else None
    elif wanted != st.session_state.get(URL_SEEN) and matches:
        # the URL changed from outside (a bookmark, a click on another page): it wins
        st.session_state[PICK_KEY] = matches[0]
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
        st.session_state[URL_SEEN] = None
        all_units(f, s)
        return
    region, unit = split_option(picked)
    if st.query_params.get("unit") != unit:
        st.query_params["unit"] = unit
    st.session_state[URL_SEEN] = unit
    st.button(t("units.back"), icon=":material/arrow_back:", on_click=_back, key="units_back", type="tertiary")

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
        # no deadlines: the count is "—" (nothing can be said to be overdue), not 0
        st.subheader(t("units.overdue", count=fmt.DASH if kpis["overdue"].missing else len(overdue)))
        if kpis["overdue"].missing:  # no deadlines: nothing can be overdue, and that is not "none overdue"
            st.caption(missing.tile_help(kpis["overdue"], f.lang))
        elif overdue.empty:
            st.caption(t("units.no_overdue"))
        else:
            task_table(overdue, "units_overdue")
        st.subheader(t("units.tasks", count=len(view.tasks)))
        st.caption(t("units.task_hint"))
        chosen = task_table(view.tasks, "units_tasks", selectable=True)
        if chosen is not None:
            task_source(view.tasks.iloc[chosen], unit, f.lang)

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
        st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key="units_history_table",
                     width="stretch")
        note = missing.table_note(view.history, ("on_time_rate", "overdue", "planned_investment", "actual_investment",
                                                 "investment_completion"), "month", f.lang)
        if note:
            st.caption(note)


main()
