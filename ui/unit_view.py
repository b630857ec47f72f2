"""The units page's parts: the unit picked (kept in step with ?unit=), the month's table
of all units (unit_frame), a unit's task tables, the source of a task with the kept
original for those allowed, its 不满意 tasks, and its history."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import Kpi
from present import charts, format as fmt, missing
from present.charts import PLOTLY_CONFIG
from ui import auth, drill, frame, upload as uploads
from ui.i18n import lang, t
from ui.tables import column_config, display_frame

UNIT_KPIS = ("tasks", "completed", "completion_rate", "start_rate", "on_time_rate", "overdue")  # as the overview
PICK_KEY = "units_pick"
SEPARATOR = "\u241f"  # joins region and unit in an option value; never typed by a clerk
TABLE_KEY = "units_table"
TABLE_ROWS = "units_table_rows"   # the option value of each row of the table, in the order given
URL_SEEN = "units_url_seen"       # the ?unit= this page last saw or wrote
HISTORY = ("tasks", "completed", "completion_rate", "start_rate", "on_time_rate", "overdue",
           "planned_investment", "actual_investment", "investment_completion",
           "satisfaction_rate", "rated", "dissatisfied",
           "resident_satisfaction_rate", "resident_rated", "resident_dissatisfied")


def option_value(region, unit: str) -> str:
    return f"{region if isinstance(region, str) else ''}{SEPARATOR}{unit}"


def split_option(value: str) -> tuple[str | None, str]:
    region, _, unit = value.partition(SEPARATOR)
    return region or None, unit


def option_names(options: list[str], lang_: str) -> dict[str, str]:
    """How the find box names each option: 城关镇（东湖县）."""
    unknown = t("unknown_region")
    pattern = "{unit}（{region}）" if lang_ == "zh" else "{unit} ({region})"
    return {o: pattern.format(unit=split_option(o)[1], region=split_option(o)[0] or unknown) for o in options}


def pick_from_url(options: list[str]) -> None:
    """Start the find box from ?unit= (a bookmark, a drill from another page); later a
    change of the URL from outside wins over the session's pick."""
    wanted = st.query_params.get("unit")
    matches = [o for o in options if split_option(o)[1] == wanted]
    if PICK_KEY not in st.session_state:
        st.session_state[PICK_KEY] = matches[0] if matches else None
    elif wanted != st.session_state.get(URL_SEEN) and matches:
        # the URL changed from outside (a bookmark, a click on another page): it wins
        st.session_state[PICK_KEY] = matches[0]
    elif st.session_state[PICK_KEY] not in options:
        st.session_state[PICK_KEY] = None


def unit_to_url(unit: str | None) -> None:
    """?unit= follows the unit shown (none: the table of all units)."""
    if unit is None:
        if "unit" in st.query_params:
            del st.query_params["unit"]
    elif st.query_params.get("unit") != unit:
        st.query_params["unit"] = unit
    st.session_state[URL_SEEN] = unit


def on_table() -> None:
    """A row chosen in the table of all units opens that unit (before the page runs,
    so the find box shows it)."""
    event = st.session_state.get(TABLE_KEY)
    rows = event.selection.rows if event is not None else []
    options = st.session_state.get(TABLE_ROWS, [])
    if rows and 0 <= rows[0] < len(options):
        st.session_state[PICK_KEY] = options[rows[0]]


def back() -> None:
    st.session_state[PICK_KEY] = None


def all_units(rows: pd.DataFrame, month, lang_: str) -> None:
    """The month's units, sortable, filtered by the sidebar; choosing a row opens the unit."""
    st.subheader(t("units.all", month=fmt.month(month, lang_), count=len(rows)))
    st.caption(t("units.all_hint"))
    shown, config = unit_frame(rows)
    st.session_state[TABLE_ROWS] = [option_value(r, u) for r, u in zip(rows["region"], rows["unit"])]
    st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key=TABLE_KEY, width="stretch",
                 height=min(35 * (len(shown) + 1) + 3, 640), on_select=on_table, selection_mode="single-row")
    note = missing.table_note(rows, ("on_time_rate", "overdue"), "unit", lang_)
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


def overdue_tasks(tasks: pd.DataFrame, kpis: dict[str, Kpi], lang_: str) -> None:
    """The unit's overdue tasks, or why there are none to show."""
    overdue = tasks[tasks["is_overdue"]]
    # no deadlines: the count is "—" (nothing can be said to be overdue), not 0
    st.subheader(t("units.overdue", count=fmt.DASH if kpis["overdue"].missing else len(overdue)))
    if kpis["overdue"].missing:  # no deadlines: nothing can be overdue, and that is not "none overdue"
        st.caption(missing.tile_help(kpis["overdue"], lang_))
    elif overdue.empty:
        st.caption(t("units.no_overdue"))
    else:
        task_table(overdue, "units_overdue")


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


def history(months: pd.DataFrame, lang_: str) -> None:
    """The unit's months: the trend of its rates and a table of every measure."""
    st.subheader(t("units.history"))
    keys = ["completion_rate", "start_rate", "on_time_rate"]
    st.plotly_chart(charts.trend(months, keys, [t(f"m.{k}") for k in keys], lang_),
                    config=PLOTLY_CONFIG, key="units_history")
    named = months.assign(month=[fmt.month(m, lang_) for m in months["report_month"]])
    shown, config = display_frame(named, [], HISTORY)
    shown.insert(0, t("col.month"), named["month"].tolist())
    st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key="units_history_table",
                 width="stretch")
    note = missing.table_note(months, ("on_time_rate", "overdue", "planned_investment", "actual_investment",
                                       "investment_completion"), "month", lang_)
    if note:
        st.caption(note)
