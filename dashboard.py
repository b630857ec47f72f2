"""台账看板: the router. Page config, st.navigation first, the shared sidebar, the page.

Run with `streamlit run dashboard.py` (or `make run`). Pages live in app_pages/;
their URL paths are part of the public surface (docs/contract.md).

Why not pages/: Streamlit decides once per server process, from the mere
existence of a pages/ folder beside the main script, to run in the old
folder-based mode until some session calls st.navigation. When the first
request after a restart is a bookmark such as /rankings, it runs
pages/rankings.py on its own, without this router, and every later session of
that process stays in the old mode (no sidebar filters, file names as titles).
"""

from __future__ import annotations

import streamlit as st

from present.catalogue import text
from ui.i18n import lang

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
    ("app_pages/admin.py", "admin", "nav.admin", ":material/admin_panel_settings:"),
    ("app_pages/feedback.py", "feedback", "nav.feedback", ":material/thumb_up:"),
]


# The pages whose figures are a month's: a month still coming in is said above them.
DATA_PAGES = ("", "regions", "rankings", "investment", "units")


def listed(url: str) -> str:
    """/admin is in the menu for a signed-in admin only; the URL opens for anyone and asks
    for a sign-in. /feedback (residents, from a notice's QR code) is never in the menu.
    Reads the session alone (ui/auth.py SESSION), so it cannot fail."""
    if url == "feedback":
        return "hidden"
    state = st.session_state.get("tz_auth")
    admin = isinstance(state, dict) and getattr(state.get("user"), "role", None) == "admin"
    return "hidden" if url == "admin" and not admin else "visible"


page = st.navigation([
    st.Page(path, title=text(title, LANG), icon=icon, url_path=url or None, default=not url,
            visibility=listed(url))
    for path, url, title, icon in PAGES
])

# Everything that can fail comes after st.navigation, so the URLs always resolve.
from ui import auth, data, sidebar  # noqa: E402

# Viewing may need a sign-in ([access] view_requires_login); upload and admin always ask themselves.
# One read-only connection serves the sidebar and the page (opened on the first cache miss).
with data.page_view():
    if page.url_path in auth.PUBLIC_PAGES:
        # Residents' page: open whatever [access] says, no filters, no account box
        # (it says itself when a signed-in unit's staff may not rate).
        page.run()
    elif auth.may_view(page.url_path, auth.view_locked()):
        catalog = data.catalog()
        shown = sidebar.draw(catalog)
        auth.sidebar_account()
        if page.url_path in DATA_PAGES:
            sidebar.reporting_note(catalog, shown)
        page.run()
    else:
        sidebar.draw(data.Catalog("locked", ""))  # the language switch only: no months or regions
        auth.sign_in_page()
