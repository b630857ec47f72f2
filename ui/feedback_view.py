"""The feedback page's parts (app_pages/feedback.py): the browser's id kept in a cookie
(client_id, remember), one task's card with its comment box and rating buttons
(task_card), and the buttons' callback that stores a rating (rate).

Nothing from the store or the resident is rendered as Markdown or HTML: titles go
through present.format.md (escaped), comments through st.text; the only HTML is the
constant style sheet and the cookie script with its checked id (SECURITY.md).
"""
from __future__ import annotations

from typing import cast

import duckdb
import streamlit as st

from present import format as fmt
from taizhang import database, ratings
from taizhang.config import db_target
from ui import auth
from ui.i18n import lang, t

KEY = "fb_"
COOKIE = "tz_rater"
_FALLBACK = KEY + "client_id"
SECURE_IF_HTTPS = " + (window.parent.location.protocol === 'https:' ? '; Secure' : '')"  # srcdoc: ask the page

# A constant style sheet (no data in it): large touch targets, no sidebar on this page.
STYLE = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], \
[data-testid="stExpandSidebarButton"] {display: none;}
.block-container {max-width: 760px; padding-top: 3.5rem;}
div[class*="st-key-fb_choices_"] > div {flex: 1 1 0 !important; min-width: 0 !important;}
div[class*="st-key-fb_choices_"] button {min-height: 3.25rem; width: 100%; padding: 0.4rem 0.3rem;}
div[class*="st-key-fb_choices_"] button p {font-size: 1.1rem;}
</style>"""


def style() -> None:
    """The page's style sheet (STYLE, a constant)."""
    st.html(STYLE)


def client_id() -> tuple[str, bool]:
    """A stable id for this browser, so that its later rating of a task replaces the earlier one.

    Streamlit cannot set a cookie from Python, but it hands the page's cookies to
    the script (st.context.cookies, read when the session's websocket opened). So:
    when the browser sent our cookie, that is the id. Otherwise a new id is made
    for this session and a tiny st.iframe (our own constant script and the checked
    id; Streamlit sandboxes it with allow-same-origin, so it shares the page's
    origin) writes it into document.cookie, so the next visit, a reload or a new
    tab, sends it. If cookies are blocked the id
    lasts as long as this session. Clearing cookies makes a new id: SECURITY.md
    says so plainly.

    Returns the id and whether the cookie still has to be written (remember())."""
    sent = st.context.cookies.get(COOKIE)
    if sent is not None and ratings.valid_client_id(sent):
        return sent, False
    made = st.session_state.get(_FALLBACK)
    if not ratings.valid_client_id(made):
        made = st.session_state[_FALLBACK] = ratings.new_client_id()
    return cast(str, made), True


def remember(made: str) -> None:
    """Write the session's id into the browser's cookie (see client_id), at the page's end."""
    if ratings.valid_client_id(made):  # letters, digits, - and _ only: safe inside the script
        st.iframe(f"<script>document.cookie = '{COOKIE}={made}; path=/; max-age=31536000; SameSite=Lax'"
                  f"{SECURE_IF_HTTPS};</script>", height=1)


def rate(token: str, task: ratings.Task, rating: str, rater: str) -> None:
    """A button's callback: store the rating; the outcome is shown by the task it belongs to."""
    comment = st.session_state.get(f"{KEY}comment_{task.task_key}")
    user = auth.current_user()
    try:
        ratings.rate(db_target(), token, task.task_key, rating, comment, rater, st.context.ip_address, user=user)
    except ratings.RatingError as refused:
        st.session_state[KEY + "flash"] = (task.task_key, "error", refused.message(lang()))
        return
    except (database.StoreError, duckdb.Error):
        st.session_state[KEY + "flash"] = (task.task_key, "error", t("fb.busy"))
        return
    st.session_state[KEY + "flash"] = (task.task_key, "ok", t("fb.thanks", title=fmt.md(task.title)))


def task_card(number: int, token: str, task: ratings.Task, mine: tuple[str, str | None] | None,
              rater: str, blocked: bool, flash) -> None:
    """One task: its title, the rating (and comment) this browser gave, a comment box and
    the three rating buttons; the outcome of a rating just given."""
    with st.container(border=True, key=f"{KEY}task_{number}"):
        st.markdown(f"**{number}\\. {fmt.md(task.title)}**")
        if mine:
            st.markdown(t("fb.your_rating", rating=f"**{t('fb.rating.' + mine[0])}**"))
            if mine[1]:
                st.caption(t("fb.your_comment"))
                st.text(mine[1])
        if not blocked:
            box = f"{KEY}comment_{task.task_key}"
            if box not in st.session_state and mine and mine[1]:
                st.session_state[box] = mine[1]  # so that changing the rating keeps the comment
            st.text_input(t("fb.comment", n=ratings.COMMENT_MAX), key=box,
                          max_chars=ratings.COMMENT_MAX, placeholder=t("fb.comment_placeholder"),
                          label_visibility="collapsed")
        with st.container(horizontal=True, gap="small", key=f"{KEY}choices_{number}"):
            for rating in ratings.RATINGS:
                st.button(t(f"fb.rating.{rating}"), key=f"{KEY}{rating}_{number}", width="stretch",
                          type="primary" if mine and mine[0] == rating else "secondary",
                          disabled=blocked, on_click=rate, args=(token, task, rating, rater))
        if flash and flash[0] == task.task_key:
            (st.success if flash[1] == "ok" else st.error)(flash[2])
