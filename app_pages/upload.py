"""/upload — sign in, drop ledgers, see what was found, commit; history and rollback; the template.

CONTRACT: without a login this page shows a sign-in form and no file uploader.
Loading goes through loaders.pipeline.prepare/commit, the same code as
`python -m loaders ingest`, so a file loads in the browser exactly as on the
command line. The tabs are ui/upload_files.py (with upload_check, upload_report
and upload_mapping_step), ui/upload_history.py and ui/upload_template.py.
"""
from __future__ import annotations

import streamlit as st

from present import format as fmt
from taizhang.accounts import User
from ui import auth
from ui.i18n import t
from ui.upload_check import KEY
from ui.upload_files import upload_tab
from ui.upload_history import history_tab
from ui.upload_report import join
from ui.upload_template import template_tab


def main() -> None:
    st.title(t("upload.title"))
    user = auth.require("upload", User.can_upload, "up.viewer_cannot")
    if user is None:
        return
    who = user.display_name or user.username
    st.caption(t("up.signed_in", name=fmt.md(who), role=t(f"role.{user.role}"),
                 units=t("up.all_units") if user.is_admin() or not user.units else fmt.md(join(user.units))))
    # Tabs run lazily, except the upload tab: its files must survive a look at the history.
    upload, history, template = st.tabs([t("up.tab.upload"), t("up.tab.history"), t("up.tab.template")],
                                        key=KEY + "tab", on_change="rerun")
    with upload:
        upload_tab(user)
    if history.open is not False:
        with history:
            history_tab(user)
    if template.open is not False:
        with template:
            template_tab(user)


main()
