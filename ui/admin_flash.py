"""What an /admin action said, kept over the rerun its button causes and shown once."""
from __future__ import annotations

import streamlit as st

KEY = "admin_"  # session keys and widget keys of the admin page


def flash(kind: str, text: str) -> None:
    """Say `text` ("ok", "error" or "info") on the next run."""
    st.session_state[KEY + "flash"] = (kind, text)


def show_flash() -> None:
    found = st.session_state.pop(KEY + "flash", None)
    if found:
        {"ok": st.success, "error": st.error, "info": st.info}[found[0]](found[1])
