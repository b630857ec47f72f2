"""The mappings tab of /admin: the column and word mappings clerks saved (one can be
deleted), and status words for every unit."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders import mappings_store
from loaders.clean import STATUSES
from loaders.mapping import IGNORE, MappingError
from present import format as fmt
from present.catalogue import STRINGS
from taizhang import database
from taizhang.accounts import User
from taizhang.config import db_target
from ui import data
from ui.admin_flash import KEY, flash, show_flash
from ui.i18n import t


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
        flash("info", t("admin.mappings_gone"))
        return
    except database.StoreBusy:
        flash("error", t("msg.busy"))
        return
    flash("ok", t("admin.mappings_deleted"))


def _add_word(admin: User) -> None:
    state = st.session_state
    word = (state.get(KEY + "word") or "").strip()
    status = state.get(KEY + "word_status") or STATUSES[-1]
    if not word:
        flash("error", t("admin.words_empty_word"))
        return
    try:
        mappings_store.save_common_words(db_target(), {word: status}, admin.username)
    except MappingError as error:
        flash("error", fmt.md(str(error)))
        return
    except database.StoreBusy:
        flash("error", t("msg.busy"))
        return
    state[KEY + "word"] = ""
    flash("ok", t("admin.words_added", word=fmt.md(word), status=_status_name(status)))


def _remove_words(admin: User) -> None:
    words = st.session_state.get(KEY + "words_remove") or []
    if not words:
        return
    try:
        mappings_store.remove_common_words(db_target(), words, admin.username)
    except database.StoreBusy:
        flash("error", t("msg.busy"))
        return
    st.session_state[KEY + "words_remove"] = []
    flash("ok", t("admin.words_removed", n=len(words)))


def mappings_tab(admin: User) -> None:
    st.markdown(t("admin.mappings_intro"))
    show_flash()
    rows = data.mapping_list()
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
