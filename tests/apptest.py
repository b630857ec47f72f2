"""The dashboard under streamlit.testing's AppTest, opened as a browser would: through
dashboard.py (the router and the sidebar), with a link's query parameters, on one page."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def open_page(path: str = "app_pages/overview.py", lang: str | None = "zh", **params: str) -> AppTest:
    """A first run of `path` with ?lang= (None: no lang in the link) and `params` in the link;
    fails on any exception the run raised."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if lang is not None:
        at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if path != "app_pages/overview.py":
        at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)
