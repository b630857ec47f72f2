"""/feedback?t=TOKEN — residents rate a unit's finished tasks (群众评价). Public, not in the menu.

Phone first: one column, large buttons. The token (printed as a QR code on the
unit's notice, reports/notice.py) names the unit; the page lists the unit's
completed tasks of its latest month, each with 满意 / 基本满意 / 不满意 and an
optional short comment. taizhang/ratings.py keeps one rating per browser per
task, limits the rate and cleans comments; SECURITY.md says what this allows.
The browser's id, a task's card and the rating callback are in ui/feedback_view.py.

Nothing from the store or the resident is rendered as Markdown or HTML: titles
and the unit's name go through ui.format.md (escaped), comments through st.text.
"""
from __future__ import annotations

import duckdb
import streamlit as st

from present import format as fmt
from taizhang import database, ratings
from ui import auth, data, feedback_view
from ui.feedback_view import KEY, client_id, remember
from ui.i18n import lang, t


def main() -> None:
    feedback_view.style()
    current = lang()
    token = st.query_params.get("t")
    try:
        found = data.feedback(token)
        rater, unsent = client_id() if found else (None, False)
        mine = data.ratings_of(found.unit, rater) if found else {}
    except database.NoDatabase:
        found = None
    except (database.StoreError, duckdb.Error):
        st.warning(t("fb.busy"), icon=":material/hourglass_top:")
        return
    st.title(t("fb.title"), anchor=False)
    if found is None:
        st.error(t("fb.bad_token"), icon=":material/link_off:")
        return
    month = fmt.month(found.month, current) if found.month else ""
    st.subheader(fmt.md(found.unit), anchor=False)
    if found.month is None:
        st.info(t("fb.no_month", unit=fmt.md(found.unit)))
        return
    if not found.tasks:
        st.info(t("fb.no_tasks", unit=fmt.md(found.unit), month=month))
        return
    st.caption(t("fb.intro", unit=fmt.md(found.unit), month=month))
    blocked = ratings.staff_of(auth.current_user(), found.unit)
    if blocked:
        st.warning(t("fb.own_unit"), icon=":material/badge:")
    flash = st.session_state.pop(KEY + "flash", None)
    for number, task in enumerate(found.tasks, start=1):
        feedback_view.task_card(number, token, task, mine.get(task.task_key), rater, blocked, flash)
    st.caption(t("fb.change_hint") + " " + t("fb.footer"))
    if unsent:
        remember(rater)


main()
