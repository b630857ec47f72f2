"""台账看板: the router. Page config, st.navigation first, the shared sidebar, the page.

Run with `streamlit run dashboard.py` (or `make run`). Pages live in app_pages/;
their URL paths are part of the public surface (CONTRACT.md).

Why not pages/: Streamlit decides once per server process, from the mere
existence of a pages/ folder beside the main script, to run in the old
folder-based mode until some session calls st.navigation. When the first
request after a restart is a bookmark such as /rankings, it runs
pages/rankings.py on its own, without this router, and every later session of
that process stays in the old mode (no sidebar filters, file names as titles).
"""

from __future__ import annotations

import streamlit as st

from ui.i18n import lang, text

LANG = lang()
# An emoji favicon is drawn in the browser; a Material icon one (also the default
# when pages have Material icons) is fetched from fonts.gstatic.com, and offices may be offline.
st.set_page_config(page_title=text("app.title", LANG), page_icon="📋", layout="wide")

PAGES = [
    ("app_pages/overview.py", "", "nav.overview", ":material/dashboard:"),
    ("app_pages/regions.py", "regions", "nav.regions", ":material/map:"),
    ("app_pages/rankings.py", "rankings", "nav.rankings", ":material/leaderboard:"),
    ("app_pages/investment.py", "investment", "nav.investment", ":material/payments:"),
    ("app_pages/units.py", "units", "nav.units", ":material/apartment:"),
    ("app_pages/upload.py", "upload", "nav.upload", ":material/upload_file:"),
    ("app_pages/submissions.py", "submissions", "nav.submissions", ":material/fact_check:"),
    ("app_pages/briefing.py", "briefing", "nav.briefing", ":material/campaign:"),
]

page = st.navigation([
    st.Page(path, title=text(title, LANG), icon=icon, url_path=url or None, default=not url)
    for path, url, title, icon in PAGES
])

# Everything that can fail comes after st.navigation, so the URLs always resolve.
from ui import data, sidebar  # noqa: E402

sidebar.draw(data.catalog())
page.run()
