"""The ratings tab of /admin: residents' ratings (hide and unhide a rating or its
comment, all of them as a workbook) and the notice-board PDF of any unit."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from reports.ratings_workbook import ratings_workbook, state_key
from taizhang import database, ratings
from taizhang.accounts import User
from taizhang.config import db_target
from ui import data, notice
from ui.admin_flash import KEY, flash, show_flash
from ui.i18n import lang, t

RECENT = 500  # ratings listed


def _moderate(admin: User, what: str, hidden: bool) -> None:
    rating_id = st.session_state.get(KEY + "rating_pick")
    if not rating_id:
        return
    try:
        ratings.hide(db_target(), rating_id, admin.username, what=what, hidden=hidden)
    except ratings.RatingError as error:
        flash("error", error.message(lang()))
        return
    except database.StoreBusy:
        flash("error", t("msg.busy"))
        return
    flash("ok", t("ratings.done"))


def _revoke(admin: User) -> None:
    unit = st.session_state.get(KEY + "notice_unit")
    if not unit:
        return
    try:
        count = ratings.revoke_links(db_target(), unit, admin.username)
    except database.StoreBusy:
        flash("error", t("msg.busy"))
        return
    flash("ok", t("ratings.revoked", n=count))


def ratings_tab(admin: User) -> None:
    show_flash()
    notice.download(admin, KEY + "notice_")
    if st.session_state.get(KEY + "notice_unit"):
        st.button(t("ratings.revoke"), key=KEY + "revoke", on_click=_revoke, args=(admin,),
                  icon=":material/link_off:")
    st.divider()
    rows = data.recent_ratings(RECENT)
    st.subheader(t("admin.tab.ratings"), anchor=False)
    st.caption(t("ratings.intro", n=RECENT))
    if not rows:
        st.info(t("ratings.empty"), icon=":material/reviews:")
        return
    rating_names = {r: t(f"fb.rating.{r}") for r in ratings.RATINGS}
    # Comments and titles go into the table as data: the grid shows them as plain text.
    st.dataframe(pd.DataFrame({
        t("ratings.col.time"): [r["rated_at"] for r in rows],
        t("col.unit"): [r["unit"] for r in rows],
        t("col.title"): [r["title"] for r in rows],
        t("ratings.col.rating"): [rating_names.get(r["rating"], r["rating"]) for r in rows],
        t("ratings.col.comment"): [r["comment"] or "" for r in rows],
        t("ratings.col.state"): [t(state_key(r)) for r in rows],
        t("ratings.col.id"): [r["rating_id"] for r in rows],
    }), hide_index=True, width="stretch", key=KEY + "ratings_table", column_config={
        t("ratings.col.time"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
    })
    st.download_button(t("ratings.download"), data=ratings_workbook(rows, lang()),
                       file_name="群众评价.xlsx" if lang() == "zh" else "resident-ratings.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=KEY + "ratings_xlsx", icon=":material/download:", on_click="ignore")
    by_id = {r["rating_id"]: r for r in rows}
    # Labels made now, not in format_func: AppTest formats options outside the page run.
    labels = {rid: f"{r['rated_at']:%m-%d %H:%M} · {r['unit']} · {r['title'][:20]} · "
                   f"{rating_names.get(r['rating'], r['rating'])} · {(r['comment'] or '')[:20]} · {rid[:8]}"
              for rid, r in by_id.items()}
    st.selectbox(t("ratings.pick"), list(labels), key=KEY + "rating_pick", format_func=labels.get)
    picked = by_id.get(st.session_state.get(KEY + "rating_pick"))
    if picked is None:
        return
    with st.container(horizontal=True, gap="small"):
        if picked["hidden"]:
            st.button(t("ratings.unhide_rating"), key=KEY + "unhide_rating", on_click=_moderate,
                      args=(admin, "rating", False), icon=":material/visibility:")
        else:
            st.button(t("ratings.hide_rating"), key=KEY + "hide_rating", on_click=_moderate,
                      args=(admin, "rating", True), icon=":material/visibility_off:")
        if picked["comment"]:
            if picked["comment_hidden"]:
                st.button(t("ratings.unhide_comment"), key=KEY + "unhide_comment", on_click=_moderate,
                          args=(admin, "comment", False), icon=":material/chat:")
            else:
                st.button(t("ratings.hide_comment"), key=KEY + "hide_comment", on_click=_moderate,
                          args=(admin, "comment", True), icon=":material/speaker_notes_off:")
