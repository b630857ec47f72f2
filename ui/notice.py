"""The notice-board download (公示单 PDF with the unit's QR code), on /submissions and /admin.

Signed-in admins get every unit, uploaders the units bound to their account;
nobody else sees the button. The PDF (and the unit's link, made on first use
and audited) is made only when the button is clicked (a deferred download).
"""
from __future__ import annotations

import duckdb
import streamlit as st

from present import format as fmt
from reports import fonts
from reports.notice import file_name, unit_notice
from taizhang import database
from taizhang.accounts import User
from taizhang.config import db_target
from ui import data
from ui.i18n import lang, t


def units_for(user: User) -> list[tuple[str, object]]:
    """The units this user may print a notice for, each with its latest month, by name."""
    try:
        every = data.units()
    except (database.StoreError, duckdb.Error):
        return []
    latest = every.groupby("unit", sort=True)["latest_month"].max()
    return [(unit, month) for unit, month in latest.items() if user.is_admin() or unit in user.units]


def download(user: User | None, key: str) -> None:
    """The unit picker and the download button; a hint when no one (allowed) is signed in."""
    st.subheader(t("notice.section"), anchor=False)
    if user is None or not (user.is_admin() or (user.role == "uploader" and user.units)):
        st.caption(t("notice.sign_in"))
        return
    st.caption(t("notice.help"))
    choices = dict(units_for(user))
    if not choices:
        st.info(t("notice.no_units"), icon=":material/qr_code_2:")
        return
    unit = st.selectbox(t("notice.unit"), list(choices), key=key + "unit", width=360)
    current, target, actor = lang(), db_target(), user.username

    def make() -> bytes:  # runs on click, in another thread: no Streamlit calls here
        return unit_notice(target, unit, actor, current)

    try:
        fonts.face("sans")
    except fonts.FontMissing as missing:
        st.error(t("notice.font_missing", error=fmt.md(str(missing))))
        return
    st.download_button(t("notice.download", unit=fmt.md(unit)), data=make,
                       file_name=file_name(unit, choices[unit]), mime="application/pdf",
                       key=key + "download", icon=":material/qr_code_2:", on_click="ignore")
