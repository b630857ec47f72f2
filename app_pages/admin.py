"""/admin — accounts and roles, the list of units expected to report, the
column and word mappings clerks saved, residents' ratings (hide, unhide, the
notice-board PDF of any unit), the audit log.

Admins only. Every change goes through taizhang.accounts, loaders.units_sheet,
loaders.mappings_store or taizhang.ratings, which write the audit log in the same
transaction. The tabs are ui/admin_accounts.py, admin_units.py, admin_mappings.py,
admin_ratings.py and admin_audit.py.
"""
from __future__ import annotations

import streamlit as st

from taizhang.accounts import User
from ui import auth
from ui.admin_accounts import accounts_tab
from ui.admin_audit import audit_tab
from ui.admin_flash import KEY, show_flash
from ui.admin_mappings import mappings_tab
from ui.admin_ratings import ratings_tab
from ui.admin_units import units_tab
from ui.i18n import t


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
            show_flash()
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
