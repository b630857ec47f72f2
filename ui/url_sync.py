"""A widget kept in step with a query parameter: started from ?name= (a bookmark, a
shared link), then the URL follows the widget (the default leaves the URL bare)."""
from __future__ import annotations

from typing import Sequence

import streamlit as st


def from_url(name: str, options: Sequence[str], key: str) -> None:
    """Start a widget from ?name= (bookmarks), then keep the URL in step with it."""
    if key not in st.session_state:
        wanted = st.query_params.get(name)
        st.session_state[key] = wanted if wanted in options else options[0]


def to_url(name: str, value: str, default: str) -> None:
    """?name=value, or no ?name= while the value is the default."""
    if value != default:
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]
