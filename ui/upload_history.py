"""The history tab of /upload: the uploads the account may see, one in detail with
its original file, and rolling it back."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders.store import RollbackRefused, rollback
from present import format as fmt
from taizhang import database
from taizhang.accounts import User, may_roll_back
from taizhang.config import db_target
from ui import upload as up
from ui.i18n import lang, t
from ui.upload_check import KEY


def history_tab(user: User) -> None:
    frame = up.history(user)
    if frame.empty:
        st.info(t("up.history_empty"), icon=":material/history:")
        return
    current = lang()
    states = {s: t(f"up.state.{s}") for s in ("active", "superseded", "rolled_back")}
    shown = pd.DataFrame({  # the state early: a long unit list must not push it off screen
        t("up.h.loaded_at"): frame["loaded_at"],
        t("up.h.state"): [states.get(s, s) for s in frame["state"]],
        t("up.h.file"): frame["file_name"],
        t("col.month"): [fmt.month(m, current) for m in frame["report_month"]],
        t("col.unit"): [up.units_text(u, current) for u in frame["units"]],
        t("up.h.rows"): frame["rows_loaded"],
        t("up.h.rejected"): frame["rows_rejected"],
        t("up.h.loaded_by"): [v if isinstance(v, str) else "" for v in frame["loaded_by"]],
        "SHA-256": [h[:12] for h in frame["sha256"]],  # in full below, for the picked upload
    })
    st.dataframe(shown, hide_index=True, width="stretch", key=KEY + "history_table", column_config={
        t("up.h.loaded_at"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        "SHA-256": st.column_config.TextColumn(width="small"),
    })
    ids = frame["upload_id"].tolist()
    rows = {r["upload_id"]: r for r in frame.to_dict("records")}

    def label(upload_id: str) -> str:
        r = rows[upload_id]
        return f"{r['loaded_at']:%Y-%m-%d %H:%M} · {r['file_name']} · {states.get(r['state'], r['state'])}"
    picked = st.selectbox(t("up.pick_upload"), ids, key=KEY + "history_pick", format_func=label)
    row = rows[picked]
    with st.container(border=True, key=KEY + "history_detail"):
        st.caption(t("up.detail", file=fmt.md(row["file_name"]), sheet=fmt.md(row["sheet"] or "—"),
                     month=fmt.month(row["report_month"], current), rows=row["rows_loaded"],
                     state=states.get(row["state"], row["state"]), sha=row["sha256"]))
        if up.original_exists(row["stored_path"]):
            st.download_button(t("up.download_original"), lambda: up.original(row["stored_path"]) or b"",
                               file_name=row["file_name"], icon=":material/download:", key=KEY + "original",
                               on_click="ignore")
        else:
            st.caption(t("up.original_missing"))
        if row["state"] != "active":
            st.caption(t("up.not_active", state=states.get(row["state"], row["state"])))
        elif may_roll_back(user, row["units"]):
            st.checkbox(t("up.confirm_rollback", file=fmt.md(row["file_name"])), key=KEY + "confirm_rollback")
            st.button(t("up.rollback"), key=KEY + "rollback", icon=":material/undo:",
                      disabled=not st.session_state.get(KEY + "confirm_rollback"),
                      on_click=_roll_back, args=(user, row))
        else:
            st.caption(t("up.rollback_not_yours"))
    message = st.session_state.pop(KEY + "rollback_message", None)
    if message:
        (st.success if message[0] == "ok" else st.error)(message[1])


def _roll_back(user: User, row: dict) -> None:
    """The rollback button's callback (it may reset the confirmation box before the rerun).
    Checked again here: the button is only shown to those allowed."""
    if not may_roll_back(user, row["units"]):
        return
    try:
        result = rollback(db_target(), row["upload_id"], actor=user.username)
        message = ("ok", t("up.rolled_back", file=fmt.md(row["file_name"]), removed=result["removed"],
                           restored=result["restored"]))
    except RollbackRefused as refused:
        message = ("error", t("up.rollback_refused", reason=fmt.md(str(refused))))
    except database.StoreBusy:
        message = ("error", t("msg.busy"))
    st.session_state[KEY + "rollback_message"] = message
    st.session_state[KEY + "confirm_rollback"] = False
