"""The audit tab of /admin: the audit log, newest first, filtered by action."""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from present.catalogue import STRINGS
from ui import data
from ui.admin_flash import KEY
from ui.i18n import t


def audit_tab() -> None:
    entries = data.audit()
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
