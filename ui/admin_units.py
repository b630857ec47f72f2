"""The units tab of /admin: load the list of units expected to report, and show it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders.problems import FileRefused
from loaders.units_sheet import load_units, read_units
from present import format as fmt
from taizhang import database
from taizhang.accounts import User
from taizhang.config import db_target
from ui import data, upload as up
from ui.admin_flash import KEY, flash, show_flash
from ui.i18n import lang, t


def units_tab(admin: User) -> None:
    st.markdown(t("admin.units_intro"))
    up.chinese_uploader()
    sheet = st.file_uploader(t("admin.units_file"), type=["xlsx", "xlsm", "xls", "csv"], key=KEY + "units_file",
                             max_upload_size=up.upload_limit_mb())
    replace = st.checkbox(t("admin.units_replace"), key=KEY + "units_replace", help=t("admin.units_replace_help"))
    if sheet is not None:
        try:
            found = read_units(sheet.getvalue(), sheet.name)
        except FileRefused as refused:
            for problem in refused.problems:
                st.error(problem.message(lang()))
            found = None
        if found is not None:
            st.caption(t("admin.units_found", n=len(found.units), sheet=fmt.md(found.sheet), row=found.header_row))
            st.dataframe(pd.DataFrame({t("col.unit"): [u for u, _ in found.units],
                                       t("col.region"): [r or "" for _, r in found.units]}),
                         hide_index=True, width="stretch", key=KEY + "units_preview", height=240)
            if found.duplicates:
                st.warning(t("admin.units_duplicates", units=fmt.md("、".join(found.duplicates))))
            if st.button(t("admin.units_load", n=len(found.units)), type="primary", key=KEY + "units_load",
                         icon=":material/playlist_add_check:"):
                try:
                    counts = load_units(db_target(), found.units, replace=replace, actor=admin.username,
                                        file_name=sheet.name)
                    flash("ok", t("admin.units_loaded", **counts))
                except database.StoreBusy:
                    flash("error", t("msg.busy"))
                st.rerun()
    show_flash()
    units = data.expected_units()
    if units.empty:
        st.info(t("admin.units_empty"), icon=":material/groups:")
        return
    sources = {"sheet": t("admin.source.sheet"), "learned": t("admin.source.learned")}
    current = lang()
    st.dataframe(pd.DataFrame({
        t("col.unit"): units["unit"],
        t("col.region"): [r if isinstance(r, str) else "" for r in units["region"]],
        t("admin.source"): [sources.get(s, s or "") for s in units["source"]],
        t("admin.since"): [fmt.month(pd.Timestamp(s).date(), current) if pd.notna(s) else t("admin.every_month")
                           for s in units["since"]],
        t("admin.state"): [t("admin.expected") if a else t("admin.not_expected") for a in units["active"]],
    }), hide_index=True, width="stretch", key=KEY + "units_table")
