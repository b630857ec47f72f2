"""/rankings — league table of units or regions, red and black lists, Excel download;
units listed apart (too few tasks, incomplete month) and units that did not report."""
import datetime as dt

import pandas as pd
import streamlit as st

from metrics import RANKABLE, SATISFACTION
from present import format as fmt, missing
from present.catalogue import STRINGS
from present.excel import ranking_workbook
from ui import data, frame
from ui.i18n import labels, lang, t
from ui.tables import column_config

LEVELS = ("unit", "region")
# the measures of the full league table besides the ranked one (league_frame)
SHOWN = ("tasks", "completed", "overdue", "completion_rate", "on_time_rate", "investment_completion")


def _from_url(name: str, options, key: str) -> None:
    """Start a widget from ?name= (bookmarks), then keep the URL in step with it."""
    if key not in st.session_state:
        wanted = st.query_params.get(name)
        st.session_state[key] = wanted if wanted in options else options[0]


def _to_url(name: str, value: str, default: str) -> None:
    if value != default:
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]


def league_frame(table: pd.DataFrame, measure: str, level: str, *, compact: bool = False):
    """The ranked rows as shown: rank, change, name (and region), the measure, then context."""
    label_measure = t(f"m.{measure}")
    out = pd.DataFrame({t("col.rank"): table["rank"].astype("Int64")})
    # rank, name and the ranked figure pinned (kept first and in view): a phone shows them without scrolling
    config = {t("col.rank"): st.column_config.NumberColumn(t("col.rank"), format="%d", width=52, pinned=True)}
    if not compact:
        out[t("col.change")] = fmt.changes(table["change"], lang())
        config[t("col.change")] = st.column_config.TextColumn(t("col.change"), width="small")
    name_col = "unit" if level == "unit" else "region"
    out[t(f"col.{name_col}")] = [v if isinstance(v, str) else t("unknown_region") for v in table[name_col]]
    config[t(f"col.{name_col}")] = st.column_config.TextColumn(t(f"col.{name_col}"), width=120, pinned=True)
    # the ranked figure next to the name, so it stays in view on a phone
    out[label_measure] = table["score"].astype("float64").to_numpy() * 100
    config[label_measure] = column_config(measure, label_measure)
    config[label_measure]["width"] = 72
    config[label_measure]["pinned"] = True
    if level == "unit" and not compact:
        out[t("col.region")] = [v if isinstance(v, str) else t("unknown_region") for v in table["region"]]
    if measure in SATISFACTION:
        # a satisfaction rate always has its counts beside it
        rated, _, _, dissatisfied = SATISFACTION[measure]
        for key in (rated, dissatisfied):
            label = t(f"m.{key}")
            out[label] = table[key].astype("float64").to_numpy()
            config[label] = column_config(key, label)
    if "not_reported" in table and table["not_reported"].any():
        # ranked last by the [ranking] not_reported = "last" rule: say why the figure is blank
        out[t("col.note")] = [note(row) if flag else "" for flag, row in zip(table["not_reported"],
                                                                              table.to_dict("records"))]
    if not compact:
        for key in SHOWN:
            if key == measure:
                continue
            label = t(f"m.{key}")
            series = table[key].astype("float64").to_numpy()
            out[label] = series * 100 if fmt.MEASURES[key].kind == "rate" else series
            config[label] = column_config(key, label)
    return out, config


def drill(level: str, table: pd.DataFrame, key: str):
    """on_select for a league table: the chosen row opens that unit (/units?unit=) or
    region (/regions?region=)."""
    if level == "unit":
        return frame.on_pick(key, table["unit"].tolist(), frame.drill_unit)
    return frame.on_pick(key, [r if isinstance(r, str) else None for r in table["region"]], frame.drill_region)


def latest(value) -> str:
    """A not-reported unit's latest reported month, or 从未报送."""
    return fmt.month(value, lang()) if isinstance(value, dt.date) else t("latest.never")


def note(row: dict) -> str:
    """A unit ranked last for not reporting: 本月未报送（最近报送：2021年3月）."""
    words, month = t("rankings.reason.not_reported"), latest(row.get("latest_month"))
    if lang() == "zh":
        return f"{words}（{t('col.latest_month')}：{month}）"
    return f"{words} ({t('col.latest_month')}: {month})"


def reason(row: dict, min_tasks: int, min_rated: int = 5) -> str:
    """Why an entity is listed apart; a missing input (no deadlines, no 完成投资, ...) in the
    words every page uses for a "—" (present/strings_missing.py)."""
    code = row["reason"]
    if f"rankings.reason.{code}" not in STRINGS:
        return missing.reason(code, lang())
    rows = row.get("rows_not_loaded")
    return t(f"rankings.reason.{code}", min=min_tasks, rows=0 if pd.isna(rows) else int(rows),
             rated=min_rated)


@frame.guarded
def main() -> None:
    found = frame.ready()
    if not found:
        st.title(t("rankings.title"))
        return
    catalog, f = found
    settings, _ = data.settings()
    frame.title("rankings.title", f)

    _from_url("level", LEVELS, "rankings_level")
    _from_url("measure", RANKABLE, "rankings_measure")
    with st.container(horizontal=True, gap="medium", vertical_alignment="bottom"):
        level = st.segmented_control(t("rankings.level"), LEVELS, key="rankings_level",
                                     format_func=labels("rankings.level.", LEVELS).get) or "unit"
        measure = st.selectbox(t("rankings.measure"), RANKABLE, key="rankings_measure",
                               format_func=labels("m.", RANKABLE).get, width=220)
    _to_url("level", level, LEVELS[0])
    _to_url("measure", measure, RANKABLE[0])

    result = data.ranking(f.month, level, measure, f.region, f.category, settings)
    if result.empty:
        frame.no_rows(f)
        return
    entity = t(f"rankings.level.{level}")
    rules = [t("rankings.rules", month=fmt.month(f.month, f.lang), measure=t(f"m.{measure}"),
               min=settings.min_tasks, entity=entity, entity_cap=entity)]
    if measure in SATISFACTION:
        rules.append(t("rankings.rules.rated", rated=settings.min_rated))
    if level == "unit":
        rules += [t("rankings.rules.partial"), t(f"rankings.rules.{result.not_reported_rule}")]
    else:
        partial = data.month_flags(f.month, f.region).partial
        if len(partial):
            rules.append(t("rankings.partial_regions", count=len(partial)))
    st.caption(("" if f.lang == "zh" else " ").join(rules))
    if measure == "composite":
        weights = "，".join(f"{t(f'm.{k}')} {w:g}" for k, w in settings.weights.items() if w) if f.lang == "zh" \
            else ", ".join(f"{t(f'm.{k}')} {w:g}" for k, w in settings.weights.items() if w)
        st.caption(t("help.composite", weights=weights))
        if any(settings.weight(k) for k in SATISFACTION):
            st.caption(t("rankings.composite_satisfaction", rated=settings.min_rated))

    st.download_button(
        t("rankings.download"),
        data=lambda: ranking_workbook(result, f.lang, region=f.region, category=f.category),
        file_name=f"taizhang-ranking-{fmt.month_key(f.month)}-{level}-{measure}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:", key="rankings_download", on_click="ignore",
    )
    if result.table.empty:
        st.info(t("rankings.none", entity=entity))
    else:
        size = settings.red_black_size
        red_col, black_col = st.columns(2)
        with red_col:
            st.markdown(f":red[**{t('rankings.red', n=size)}**]")
            if len(result.red) > size:
                st.caption(t("rankings.tied", count=len(result.red)))
            shown, config = league_frame(result.red, measure, level, compact=True)
            st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key="rankings_red",
                         width="stretch", on_select=drill(level, result.red, "rankings_red"),
                         selection_mode="single-row")
        with black_col:
            st.markdown(f"**{t('rankings.black', n=size)}**")
            shown, config = league_frame(result.black, measure, level, compact=True)
            if len(result.black) > size:
                st.caption(t("rankings.tied", count=len(result.black)))
            if result.black.empty:
                st.caption(t("rankings.black_empty", n=size, entity=entity))
            else:
                st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key="rankings_black",
                             width="stretch", on_select=drill(level, result.black, "rankings_black"),
                             selection_mode="single-row")

        st.subheader(t("rankings.table"))
        st.caption(t("rankings.click_hint", entity=entity))
        shown, config = league_frame(result.table, measure, level)
        # missing is not zero: what each "—" in the table means, and the composite's rescaled weights
        for note in (missing.table_note(result.reported, SHOWN, level, f.lang),
                     missing.composite_note(result.reported, level, f.lang) if measure == "composite" else None):
            if note:
                st.caption(note)
        st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key="rankings_table",
                     width="stretch", height=min(36 * (len(shown) + 1) + 3, 720),
                     on_select=drill(level, result.table, "rankings_table"), selection_mode="single-row")

    absent = result.not_reported
    if len(absent) and result.not_reported_last:
        st.caption(t("rankings.not_reported_last_note", count=len(absent), rank=len(result.reported) + 1))
    elif len(absent):
        # 本月未报送: listed with the league table, apart, open (not hidden in a closed expander)
        with st.expander(t("rankings.not_reported", count=len(absent)), expanded=True):
            st.caption(t("rankings.not_reported_note"))
            out = pd.DataFrame({
                t("col.unit"): absent["unit"].tolist(),
                t("col.region"): [v if isinstance(v, str) else t("unknown_region") for v in absent["region"]],
                t("col.latest_month"): [latest(v) for v in absent["latest_month"]],
            })
            st.dataframe(out, hide_index=True, placeholder="—", key="rankings_not_reported", width="stretch")

    if not result.unranked.empty:
        with st.expander(t("rankings.unranked", count=len(result.unranked)), expanded=not result.partial.empty):
            apart = result.unranked
            name_col = "unit" if level == "unit" else "region"
            out = pd.DataFrame({
                t(f"col.{name_col}"): [v if isinstance(v, str) else t("unknown_region") for v in apart[name_col]],
                t("m.tasks"): apart["tasks"].tolist(),
                t(f"m.{measure}"): (apart["value"].astype("float64") * 100).tolist(),
                t("col.reason"): [reason(row, settings.min_tasks, settings.min_rated)
                                  for row in apart.to_dict("records")],
            })
            counts = {}
            if measure in SATISFACTION:   # why a unit is apart for a satisfaction rate: its counts
                for key in (SATISFACTION[measure][0], SATISFACTION[measure][3]):
                    out.insert(len(out.columns) - 1, t(f"m.{key}"), apart[key].astype("float64").tolist())
                    counts[t(f"m.{key}")] = column_config(key, t(f"m.{key}"))
            st.dataframe(out, hide_index=True, placeholder="—", key="rankings_unranked", width="stretch",
                         column_config={
                             **counts,
                             t(f"m.{measure}"): column_config(measure, t(f"m.{measure}")),
                             t("m.tasks"): column_config("tasks", t("m.tasks")),
                         })


main()
