"""The template tab of /upload: a blank ledger for a unit and month, its region filled in."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from loaders.template import build_template
from present import format as fmt
from taizhang.accounts import User
from ui import data, upload as up
from ui.i18n import lang, t
from ui.upload_check import KEY


def template_tab(user: User) -> None:
    current = lang()
    st.markdown(t("up.template_intro"))
    columns = st.columns(2)
    today = dt.date.today()
    months = up.month_options(today, years=1)
    month = columns[0].selectbox(t("up.month"), months, index=1, key=KEY + "template_month",
                                 format_func=lambda m: fmt.month(fmt.parse_month_key(m), current))
    if user.units:
        unit = columns[1].selectbox(t("col.unit"), user.units, key=KEY + "template_unit")
    else:
        unit = columns[1].text_input(t("col.unit"), key=KEY + "template_unit_text").strip() or None
    name = f"{t('up.template_name')}_{up.safe_file_part(unit) if unit else ''}_{month}.xlsx".replace("__", "_")
    region = data.known_region(unit) if unit else None
    st.download_button(t("up.download_template"),
                       lambda: build_template(unit=unit, month=fmt.parse_month_key(month), region=region),
                       file_name=name, type="primary",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", key=KEY + "template", on_click="ignore")

