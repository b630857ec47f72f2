"""The current language of a page view, and its words from the catalogue
(present/catalogue.py, where every string lives).

The language comes from ?lang=zh|en, else the session, else Chinese. The
sidebar switch writes both, so a copied link keeps the language.
"""
from __future__ import annotations

import streamlit as st

from present.catalogue import LANGS, text

_SESSION_KEY = "tz_lang"


def lang() -> str:
    """The current language: ?lang= wins, then the session, then Chinese."""
    try:
        wanted = st.query_params.get("lang")
    except Exception:  # outside a Streamlit run
        wanted = None
    if wanted in LANGS:
        st.session_state[_SESSION_KEY] = wanted
        return wanted
    current = st.session_state.get(_SESSION_KEY)
    return current if current in LANGS else "zh"


def set_lang(value: str) -> None:
    if value in LANGS:
        st.session_state[_SESSION_KEY] = value
        st.query_params["lang"] = value


def labels(prefix: str, keys, **values) -> dict[str, str]:
    """{key: t(prefix + key)} in the current language: a pure format_func for widgets
    (AppTest calls format_func outside the script run)."""
    current = lang()
    return {key: text(f"{prefix}{key}", current, **values) for key in keys}


def t(key: str, **values) -> str:
    """The UI string `key` in the current language, formatted with `values`."""
    return text(key, lang(), **values)
