"""The accounts tab of /admin: every account, a new one, a change to one.

What is allowed is taizhang.accounts' (check_new, check_change and the writes
themselves); an AccountError is shown in the catalogue's words for its code."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from present import format as fmt
from taizhang import accounts
from taizhang.accounts import ROLES, AccountError, User
from taizhang.config import db_target
from ui import data
from ui.admin_flash import KEY, flash
from ui.auth import account_message
from ui.i18n import t


def _add_user(admin: User) -> None:
    state = st.session_state
    username = state.get(KEY + "new_name", "").strip()
    password = state.get(KEY + "new_password", "")
    role = state.get(KEY + "new_role", "uploader")
    units = state.get(KEY + "new_units", [])
    display = state.get(KEY + "new_display", "").strip() or None
    try:
        accounts.check_new(username, password, role, units, existing={u["username"] for u in data.users()})
        accounts.add_user(db_target(), username, password, role, units=units if role == "uploader" else [],
                          display_name=display, actor=admin.username)
    except AccountError as error:
        flash("error", account_message(error))
        return
    for suffix in ("new_name", "new_password", "new_display"):
        state[KEY + suffix] = ""
    state[KEY + "new_units"] = []
    flash("ok", t("admin.added", user=fmt.md(username), role=t(f"role.{role}")))


def _change_user(admin: User) -> None:
    state = st.session_state
    username = state.get(KEY + "edit_user")
    if not username:
        return
    role = state.get(KEY + "edit_role")
    units = state.get(KEY + "edit_units", [])
    password = state.get(KEY + "edit_password", "")
    disable = state.get(KEY + "edit_disable", False)
    db = db_target()
    try:
        accounts.check_change(admin.username, username, role, units, password=password or None, disable=disable)
        row = next((u for u in data.users() if u["username"] == username), None)
        if row and (row["role"] != role or sorted(row["units"] or []) != sorted(units)):
            accounts.set_role(db, username, role, units=units if role == "uploader" else [], actor=admin.username)
        if password:
            accounts.set_password(db, username, password, actor=admin.username)
        if disable and row and not row["disabled"]:
            accounts.remove_user(db, username, actor=admin.username)
    except AccountError as error:
        flash("error", account_message(error))
        return
    state[KEY + "edit_password"] = ""
    state[KEY + "edit_disable"] = False
    flash("ok", t("admin.changed", user=fmt.md(username)))


def _load_edit(rows: dict[str, dict]) -> None:
    """When another account is picked, fill the edit form with its role and units."""
    row = rows.get(st.session_state.get(KEY + "edit_user"))
    if row:
        st.session_state[KEY + "edit_role"] = row["role"]
        st.session_state[KEY + "edit_units"] = list(row["units"] or [])


def accounts_tab(admin: User) -> None:
    users = data.users()
    roles = {r: t(f"role.{r}") for r in ROLES}
    shown = pd.DataFrame({
        t("auth.username"): [u["username"] for u in users],
        t("admin.display_name"): [u["display_name"] or "" for u in users],
        t("admin.role"): [roles.get(u["role"], u["role"]) for u in users],
        t("col.unit"): ["、".join(u["units"] or []) for u in users],
        t("admin.state"): [t("admin.disabled") if u["disabled"] else t("admin.enabled") for u in users],
    })
    st.dataframe(shown, hide_index=True, width="stretch", key=KEY + "users")
    st.caption(t("admin.cli_hint"))
    known_units = sorted(set(data.expected_units()["unit"].dropna().tolist())
                         | {x for u in users for x in (u["units"] or [])})

    left, right = st.columns(2)
    with left.container(border=True, key=KEY + "add_box"):
        st.subheader(t("admin.add"), anchor=False)
        st.text_input(t("auth.username"), key=KEY + "new_name", help=t("admin.username_help"))
        st.text_input(t("admin.display_name"), key=KEY + "new_display")
        st.selectbox(t("admin.role"), ROLES, index=1, key=KEY + "new_role", format_func=roles.get)
        st.multiselect(t("admin.units"), known_units, key=KEY + "new_units", accept_new_options=True,
                       help=t("admin.units_help"), placeholder=t("admin.units_placeholder"))
        st.text_input(t("auth.password"), type="password", key=KEY + "new_password", help=t("admin.password_help"),
                      autocomplete="new-password")
        st.button(t("admin.add_button"), type="primary", key=KEY + "add", on_click=_add_user,
                  args=(admin,), icon=":material/person_add:")

    rows = {u["username"]: u for u in users}
    with right.container(border=True, key=KEY + "edit_box"):
        st.subheader(t("admin.edit"), anchor=False)
        if not rows:
            st.caption(t("admin.no_users"))
            return
        if st.session_state.get(KEY + "edit_user") not in rows:
            st.session_state[KEY + "edit_user"] = next(iter(rows))
            _load_edit(rows)
        st.selectbox(t("auth.username"), list(rows), key=KEY + "edit_user", on_change=_load_edit, args=(rows,))
        edit_units = sorted(set(known_units) | set(st.session_state.get(KEY + "edit_units", [])))
        st.selectbox(t("admin.role"), ROLES, key=KEY + "edit_role", format_func=roles.get)
        st.multiselect(t("admin.units"), edit_units, key=KEY + "edit_units", accept_new_options=True,
                       help=t("admin.units_help"), placeholder=t("admin.units_placeholder"))
        st.text_input(t("admin.new_password"), type="password", key=KEY + "edit_password",
                      help=t("admin.new_password_help"), autocomplete="new-password")
        st.checkbox(t("admin.disable"), key=KEY + "edit_disable")
        st.button(t("admin.save"), type="primary", key=KEY + "save", on_click=_change_user, args=(admin,),
                  icon=":material/save:")
