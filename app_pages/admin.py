"""/admin — accounts and roles, the list of units expected to report, the
column and word mappings clerks saved, residents' ratings (hide, unhide, the
notice-board PDF of any unit), the audit log.

Admins only. Every change goes through taizhang.accounts, loaders.units_sheet or
loaders.mappings_store, which write the audit log in the same transaction.
"""
from __future__ import annotations

import json
import re

import pandas as pd
import streamlit as st

from loaders import mappings_store
from loaders.clean import STATUSES
from loaders.mapping import IGNORE, MappingError
from loaders.problems import FileRefused
from loaders.units_sheet import load_units, read_units
from reports.ratings_workbook import ratings_workbook, state_key
from taizhang import accounts, database, ratings
from taizhang.accounts import ROLES, AccountError, User
from taizhang.config import db_target
from taizhang.database import data_version
from ui import auth
from ui import format as fmt
from ui import notice
from ui import upload as up
from ui.i18n import STRINGS, lang, t

KEY = "admin_"
USERNAME = re.compile(r"^[\w.@-]{2,64}$")


def _flash(kind: str, text: str) -> None:
    st.session_state[KEY + "flash"] = (kind, text)


def _show_flash() -> None:
    found = st.session_state.pop(KEY + "flash", None)
    if found:
        {"ok": st.success, "error": st.error, "info": st.info}[found[0]](found[1])


def _check_account(username: str, password: str | None, existing: set[str], new: bool) -> str | None:
    """A message (in the user's language) for what is wrong with the request, or None."""
    if new and not USERNAME.match(username or ""):
        return t("admin.bad_username")
    if new and username in existing:
        return t("admin.exists", user=fmt.md(username))
    if password is not None and len(password) < 8:
        return t("admin.short_password")
    return None


# --- accounts ----------------------------------------------------------------------

def _add_user(admin: User, known_units: list[str]) -> None:
    state = st.session_state
    username = state.get(KEY + "new_name", "").strip()
    password = state.get(KEY + "new_password", "")
    role = state.get(KEY + "new_role", "uploader")
    units = state.get(KEY + "new_units", [])
    display = state.get(KEY + "new_display", "").strip() or None
    problem = _check_account(username, password, {u["username"] for u in up.users()}, new=True)
    if problem is None and role == "uploader" and not units:
        problem = t("admin.uploader_needs_unit")
    if problem:
        _flash("error", problem)
        return
    try:
        accounts.add_user(db_target(), username, password, role, units=units if role == "uploader" else [],
                          display_name=display, actor=admin.username)
    except AccountError as error:
        _flash("error", fmt.md(str(error)))
        return
    for suffix in ("new_name", "new_password", "new_display"):
        state[KEY + suffix] = ""
    state[KEY + "new_units"] = []
    _flash("ok", t("admin.added", user=fmt.md(username), role=t(f"role.{role}")))


def _change_user(admin: User) -> None:
    state = st.session_state
    username = state.get(KEY + "edit_user")
    if not username:
        return
    role = state.get(KEY + "edit_role")
    units = state.get(KEY + "edit_units", [])
    password = state.get(KEY + "edit_password", "")
    disable = state.get(KEY + "edit_disable", False)
    if username == admin.username and (disable or role != "admin"):
        _flash("error", t("admin.not_yourself"))
        return
    if role == "uploader" and not units:
        _flash("error", t("admin.uploader_needs_unit"))
        return
    problem = _check_account(username, password or None, set(), new=False)
    if problem:
        _flash("error", problem)
        return
    db = db_target()
    try:
        row = next((u for u in up.users() if u["username"] == username), None)
        if row and (row["role"] != role or sorted(row["units"] or []) != sorted(units)):
            accounts.set_role(db, username, role, units=units if role == "uploader" else [], actor=admin.username)
        if password:
            accounts.set_password(db, username, password, actor=admin.username)
        if disable and row and not row["disabled"]:
            accounts.remove_user(db, username, actor=admin.username)
    except AccountError as error:
        _flash("error", fmt.md(str(error)))
        return
    state[KEY + "edit_password"] = ""
    state[KEY + "edit_disable"] = False
    _flash("ok", t("admin.changed", user=fmt.md(username)))


def _load_edit(rows: dict[str, dict]) -> None:
    """When another account is picked, fill the edit form with its role and units."""
    row = rows.get(st.session_state.get(KEY + "edit_user"))
    if row:
        st.session_state[KEY + "edit_role"] = row["role"]
        st.session_state[KEY + "edit_units"] = list(row["units"] or [])


def accounts_tab(admin: User) -> None:
    users = up.users()
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
    known_units = sorted(set(up.units()["unit"].dropna().tolist()) | {x for u in users for x in (u["units"] or [])})

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
                  args=(admin, known_units), icon=":material/person_add:")

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


# --- units -------------------------------------------------------------------------

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
                    _flash("ok", t("admin.units_loaded", **counts))
                except database.StoreBusy:
                    _flash("error", t("msg.busy"))
                st.rerun()
    _show_flash()
    units = up.units()
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


# --- column and word mappings ------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=16)
def _mappings(target: str, version: tuple) -> list[dict]:
    return mappings_store.list_all(target)


def saved_mappings() -> list[dict]:
    target = db_target()
    return _mappings(target, data_version(target))


def _shape_text(shape: str | None, width: int = 48) -> str:
    if shape is None:
        return t("admin.mappings_common_shape")
    text = " | ".join(part or "·" for part in shape.split("|"))
    return text if len(text) <= width else text[: width - 1] + "…"


def _field_name(field: str) -> str:
    if field == IGNORE:
        return t("admin.mappings_ignored")
    return t(f"col.{field}") if f"col.{field}" in STRINGS else field


def _status_name(status: str) -> str:
    return t(f"status.{status}") if f"status.{status}" in STRINGS else status


def _mapping_label(row: dict) -> str:
    if row["unit"] is None and row["header_shape"] is None:
        unit = t("admin.mappings_everyone")
    else:
        unit = row["unit"] or t("admin.mappings_any_unit")
    return f"{unit} · {_shape_text(row['header_shape'], 36)} · {row['mapping_id']}"


def _delete_mapping(admin: User) -> None:
    mapping_id = st.session_state.get(KEY + "map_pick")
    if not mapping_id:
        return
    try:
        mappings_store.delete(db_target(), mapping_id, admin.username)
    except mappings_store.NoSuchMapping:
        _flash("info", t("admin.mappings_gone"))
        return
    except database.StoreBusy:
        _flash("error", t("msg.busy"))
        return
    _flash("ok", t("admin.mappings_deleted"))


def _add_word(admin: User) -> None:
    state = st.session_state
    word = (state.get(KEY + "word") or "").strip()
    status = state.get(KEY + "word_status") or STATUSES[-1]
    if not word:
        _flash("error", t("admin.words_empty_word"))
        return
    try:
        mappings_store.save_common_words(db_target(), {word: status}, admin.username)
    except MappingError as error:
        _flash("error", fmt.md(str(error)))
        return
    except database.StoreBusy:
        _flash("error", t("msg.busy"))
        return
    state[KEY + "word"] = ""
    _flash("ok", t("admin.words_added", word=fmt.md(word), status=_status_name(status)))


def _remove_words(admin: User) -> None:
    words = st.session_state.get(KEY + "words_remove") or []
    if not words:
        return
    try:
        mappings_store.remove_common_words(db_target(), words, admin.username)
    except database.StoreBusy:
        _flash("error", t("msg.busy"))
        return
    st.session_state[KEY + "words_remove"] = []
    _flash("ok", t("admin.words_removed", n=len(words)))


def mappings_tab(admin: User) -> None:
    st.markdown(t("admin.mappings_intro"))
    _show_flash()
    rows = saved_mappings()
    if not rows:
        st.info(t("admin.mappings_empty"), icon=":material/swap_horiz:")
    else:
        invalid = t("admin.mappings_invalid")
        st.dataframe(pd.DataFrame({
            t("admin.mappings_unit"): [
                t("admin.mappings_everyone") if r["unit"] is None and r["header_shape"] is None
                else r["unit"] or t("admin.mappings_any_unit") for r in rows],
            t("admin.mappings_shape"): [_shape_text(r["header_shape"]) for r in rows],
            t("admin.mappings_columns"): [
                "；".join(f"{h} → {_field_name(f)}" for h, f in r["columns"].items()) for r in rows],
            t("admin.mappings_words"): [
                "；".join(f"{w} → {_status_name(s)}" for w, s in r["words"].items())
                + ("" if r["valid"] else " " + invalid) for r in rows],
            t("admin.mappings_by"): [r["created_by"] or "" for r in rows],
            t("admin.mappings_when"): [r["updated_at"] for r in rows],
            t("admin.mappings_name"): [r["name"] or "" for r in rows],
        }), hide_index=True, width="stretch", key=KEY + "map_table", column_config={
            t("admin.mappings_when"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        })
        # Labels made now, not in format_func: AppTest formats options outside the page run.
        labels = {r["mapping_id"]: _mapping_label(r) for r in rows}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.selectbox(t("admin.mappings_delete_pick"), list(labels), key=KEY + "map_pick", format_func=labels.get)
        right.button(t("admin.mappings_delete"), key=KEY + "map_delete", on_click=_delete_mapping,
                     args=(admin,), icon=":material/delete:")

    common = next((r for r in rows if r["unit"] is None and r["header_shape"] is None), None)
    statuses = {s: _status_name(s) for s in reversed(STATUSES)}
    with st.container(border=True, key=KEY + "words_box"):
        st.subheader(t("admin.words_title"), anchor=False)
        st.caption(t("admin.words_help"))
        word, status, add = st.columns([3, 2, 1], vertical_alignment="bottom")
        word.text_input(t("admin.words_word"), key=KEY + "word", max_chars=40)
        status.selectbox(t("admin.words_status"), list(statuses), key=KEY + "word_status", format_func=statuses.get)
        add.button(t("admin.words_add"), type="primary", key=KEY + "word_add", on_click=_add_word, args=(admin,),
                   icon=":material/add:")
        if common and common["words"]:
            words = {w: f"{w} → {statuses.get(s, s)}" for w, s in common["words"].items()}
            st.multiselect(t("admin.words_remove_pick"), list(words), key=KEY + "words_remove", format_func=words.get,
                           placeholder=t("admin.words_current"))
            st.button(t("admin.words_remove"), key=KEY + "words_remove_button", on_click=_remove_words,
                      args=(admin,), icon=":material/remove:")
        else:
            st.caption(t("admin.words_none"))


# --- residents' ratings ------------------------------------------------------------

RECENT = 500


def _moderate(admin: User, what: str, hidden: bool) -> None:
    rating_id = st.session_state.get(KEY + "rating_pick")
    if not rating_id:
        return
    try:
        ratings.hide(db_target(), rating_id, admin.username, what=what, hidden=hidden)
    except ratings.RatingError as error:
        _flash("error", error.message(lang()))
        return
    except database.StoreBusy:
        _flash("error", t("msg.busy"))
        return
    _flash("ok", t("ratings.done"))


def _revoke(admin: User) -> None:
    unit = st.session_state.get(KEY + "notice_unit")
    if not unit:
        return
    try:
        count = ratings.revoke_links(db_target(), unit, admin.username)
    except database.StoreBusy:
        _flash("error", t("msg.busy"))
        return
    _flash("ok", t("ratings.revoked", n=count))


@st.cache_data(show_spinner=False, max_entries=16)
def _recent(target: str, version: tuple) -> list[dict]:
    return ratings.recent(target, RECENT)


def ratings_tab(admin: User) -> None:
    _show_flash()
    notice.download(admin, KEY + "notice_")
    if st.session_state.get(KEY + "notice_unit"):
        st.button(t("ratings.revoke"), key=KEY + "revoke", on_click=_revoke, args=(admin,),
                  icon=":material/link_off:")
    st.divider()
    target = db_target()
    rows = _recent(target, data_version(target))
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


# --- audit -------------------------------------------------------------------------

def audit_tab() -> None:
    entries = up.audit()
    if not entries:
        st.info(t("admin.audit_empty"), icon=":material/receipt_long:")
        return
    actions = sorted({e["action"] for e in entries})
    names = {a: t(f"audit.{a}") if f"audit.{a}" in STRINGS else a for a in actions}
    chosen = st.multiselect(t("admin.audit_filter"), actions, key=KEY + "audit_actions", format_func=names.get,
                            placeholder=t("admin.audit_all"))
    rows = [e for e in entries if not chosen or e["action"] in chosen]
    st.dataframe(pd.DataFrame({
        t("admin.audit_time"): [e["logged_at"] for e in rows],
        t("admin.audit_actor"): [e["actor"] or "" for e in rows],
        t("admin.audit_action"): [names.get(e["action"], e["action"]) for e in rows],
        t("admin.audit_target"): [e["target"] or "" for e in rows],
        t("admin.audit_detail"): [_detail(e["detail"]) for e in rows],
    }), hide_index=True, width="stretch", key=KEY + "audit_table", column_config={
        t("admin.audit_time"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
    })
    st.caption(t("admin.audit_note", n=len(rows)))


def _detail(raw: str | None) -> str:
    if not raw:
        return ""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return "; ".join(f"{k}={'、'.join(map(str, v)) if isinstance(v, list) else v}" for k, v in value.items())


def main() -> None:
    st.title(t("admin.title"))
    admin = auth.require("admin", User.is_admin, "admin.only")
    if admin is None:
        return
    people, units, mappings, rated, audit = st.tabs(
        [t("admin.tab.accounts"), t("admin.tab.units"), t("admin.tab.mappings"), t("admin.tab.ratings"),
         t("admin.tab.audit")],
        key=KEY + "tab", on_change="rerun")
    if people.open is not False:
        with people:
            _show_flash()
            accounts_tab(admin)
    if units.open is not False:
        with units:
            units_tab(admin)
    if mappings.open is not False:
        with mappings:
            mappings_tab(admin)
    if rated.open is not False:
        with rated:
            ratings_tab(admin)
    if audit.open is not False:
        with audit:
            audit_tab()


main()
