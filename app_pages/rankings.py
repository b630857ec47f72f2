"""/rankings — league table of units or regions, red and black lists, Excel download;
units listed apart (too few tasks, incomplete month) and units that did not report."""
import streamlit as st

from metrics import RANKABLE
from present import format as fmt
from present.excel import ranking_workbook
from ui import data, frame, league
from ui.i18n import labels, t
from ui.league import LEVELS, drill, league_frame
from ui.url_sync import from_url, to_url


@frame.guarded
def main() -> None:
    found = frame.ready()
    if not found:
        st.title(t("rankings.title"))
        return
    catalog, f = found
    settings, _ = data.settings()
    frame.title("rankings.title", f)

    from_url("level", LEVELS, "rankings_level")
    from_url("measure", RANKABLE, "rankings_measure")
    with st.container(horizontal=True, gap="medium", vertical_alignment="bottom"):
        level = st.segmented_control(t("rankings.level"), LEVELS, key="rankings_level",
                                     format_func=labels("rankings.level.", LEVELS).get) or "unit"
        measure = st.selectbox(t("rankings.measure"), RANKABLE, key="rankings_measure",
                               format_func=labels("m.", RANKABLE).get, width=220)
    to_url("level", level, LEVELS[0])
    to_url("measure", measure, RANKABLE[0])

    result = data.ranking(f.month, level, measure, f.region, f.category, settings)
    if result.empty:
        frame.no_rows(f)
        return
    partial = 0 if level == "unit" else len(data.month_flags(f.month, f.region).partial)
    entity = t(f"rankings.level.{level}")
    for caption in league.rules(result, level, measure, entity, settings, f.month, f.lang, partial):
        st.caption(caption)

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
            if len(result.black) > size:
                st.caption(t("rankings.tied", count=len(result.black)))
            if result.black.empty:
                st.caption(t("rankings.black_empty", n=size, entity=entity))
            else:
                shown, config = league_frame(result.black, measure, level, compact=True)
                st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key="rankings_black",
                             width="stretch", on_select=drill(level, result.black, "rankings_black"),
                             selection_mode="single-row")

        st.subheader(t("rankings.table"))
        st.caption(t("rankings.click_hint", entity=t(f"rankings.one.{level}")))
        shown, config = league_frame(result.table, measure, level)
        for note in league.table_notes(result, measure, level, f.lang):
            st.caption(note)
        st.dataframe(shown, column_config=config, hide_index=True, placeholder="—", key="rankings_table",
                     width="stretch", height=min(36 * (len(shown) + 1) + 3, 720),
                     on_select=drill(level, result.table, "rankings_table"), selection_mode="single-row")

    # (with a category chosen, a region without it did send a ledger: not said to have sent none)
    silent = None if f.region or f.category else league.absent_regions(result, data.catalog().regions, f.lang)
    if silent:
        st.caption(silent)
    absent = result.not_reported
    if len(absent) and result.not_reported_last:
        st.caption(t("rankings.not_reported_last_note", count=len(absent), rank=len(result.reported) + 1))
    elif len(absent):
        # 本月未报送: listed with the league table, apart, open (not hidden in a closed expander)
        with st.expander(t("rankings.not_reported", count=len(absent)), expanded=True):
            st.caption(t("rankings.not_reported_note"))
            st.dataframe(league.absent_frame(absent), hide_index=True, placeholder="—", key="rankings_not_reported",
                         width="stretch")

    if not result.unranked.empty:
        with st.expander(t("rankings.unranked", count=len(result.unranked)), expanded=not result.partial.empty):
            shown, config = league.unranked_frame(result.unranked, level, measure, settings)
            st.dataframe(shown, hide_index=True, placeholder="—", key="rankings_unranked", width="stretch",
                         column_config=config)


main()
