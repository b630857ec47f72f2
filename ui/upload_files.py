"""The upload tab of /upload: the file drop, one card per file (its choices, what
was found, the mapping step, its problems, what confirming would replace, the
button), and loading them all at once."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from loaders import pipeline
from loaders.problems import FileRefused
from present import format as fmt
from taizhang.accounts import User
from ui import upload as up
from ui.i18n import lang, t
from ui.upload_check import AUTO, KEY, audit_refusal, choices, commit, explicit, forget_others, prepare
from ui.upload_mapping_step import mapping_step
from ui.upload_report import impact_block, join, labels, problems_block, result as commit_result, summary, warnings


def controls(upload, user: User, index: int, result, detected_month) -> None:
    """Month, unit and sheet corrections; changing one checks the file again."""
    current = lang()
    columns = st.columns(3)
    today = dt.date.today()
    months = [AUTO] + up.month_options(today, tuple(m for m in (detected_month,) if m))
    auto_month = t("up.auto_month", month=fmt.month(detected_month, current)) if detected_month else t("up.auto")
    columns[0].selectbox(t("up.month"), months, key=f"{KEY}month_{upload.file_id}",
                         format_func=lambda m: auto_month if m == AUTO else fmt.month(fmt.parse_month_key(m), current),
                         help=t("up.month_help"))
    if user.is_admin():
        columns[1].text_input(t("up.unit"), key=f"{KEY}unit_{upload.file_id}", help=t("up.unit_help"),
                              placeholder=t("up.auto"))
    else:
        units, auto_unit = [AUTO, *user.units], t("up.auto")  # format_func may run outside the script run
        columns[1].selectbox(t("up.unit"), units, key=f"{KEY}unit_{upload.file_id}", help=t("up.unit_help"),
                             format_func=lambda u: auto_unit if u == AUTO else u)
    sheets = st.session_state.setdefault(KEY + "sheets", {}).get(upload.file_id, [])
    if isinstance(result, pipeline.Prepared) and not sheets:
        sheets = [result.layout.sheet, *result.layout.other_candidates]
        st.session_state[KEY + "sheets"][upload.file_id] = sheets
    if len(sheets) > 1:
        auto_sheet = t("up.auto_sheet", n=len(sheets))
        columns[2].selectbox(t("up.sheet"), [AUTO, *sheets], key=f"{KEY}sheet_{upload.file_id}",
                             format_func=lambda s: auto_sheet if s == AUTO else s,
                             help=t("up.sheet_help"))


def refused_card(upload, refused: FileRefused, index: int) -> None:
    """A file that is not a ledger as it is. When only a column was missing, the
    mapping step comes first: the column may be there under another name."""
    missing = [p for p in refused.problems if p.code == "missing_column"]
    if missing and refused.layout is not None:
        st.error(t("up.map.refused", columns=fmt.md(join(p.column_name for p in missing if p.column_name))),
                 icon=":material/table_view:")
        mapping_step(upload, refused.layout, [], explicit(upload), needed=True)
        others = [p for p in refused.problems if p.code != "missing_column"]
        if not others:
            return
        problems = others
    else:
        problems = refused.problems
    st.caption(t("up.refused_whole"))
    problems_block(problems, upload.getvalue(), upload.name, index)


def file_card(upload, user: User, index: int) -> pipeline.Prepared | None:
    """Everything about one dropped file. Returns it when it is ready to commit."""
    month, unit, sheet = choices(upload)
    result = prepare(upload, user, month, unit, sheet)
    detected = st.session_state.setdefault(KEY + "detected", {})
    if isinstance(result, pipeline.Prepared) and month == AUTO:
        detected[upload.file_id] = result.report_month
    ready = None
    with st.container(border=True, key=f"{KEY}card_{index}"):
        st.subheader(f":material/description: {fmt.md(upload.name)}", anchor=False)
        controls(upload, user, index, result, detected.get(upload.file_id))
        if isinstance(result, FileRefused):
            refused_card(upload, result, index)
            return None
        current = lang()
        summary(result, detected.get(upload.file_id), current)
        if up.saved_mapping_applied(result, explicit(upload)):
            st.info(t("up.map.saved_applied"), icon=":material/bookmark_added:")
        warnings(result.warnings + (result.impact.region_notes if result.impact else []), current)
        st.caption(t("up.preview", shown=min(up.PREVIEW_ROWS, result.table.num_rows), n=result.table.num_rows))
        st.dataframe(up.preview_frame(result, labels(), {s: t(f"status.{s}") for s in
                                                           ("completed", "in_progress", "not_started")}),
                     hide_index=True, width="stretch", key=f"{KEY}preview_{index}", placeholder="—", column_config={
                         t("col.deadline"): st.column_config.DateColumn(format="YYYY-MM-DD")})
        if upload.file_id not in st.session_state.get(KEY + "results", {}):
            mapping_step(upload, result.layout, result.problems, result.mapping,
                         needed=bool(up.unknown_words(result.problems)))
        foreign = up.foreign_unit_problems(result, user)
        if foreign:
            audit_refusal(user, upload, foreign)
            st.error(t("up.foreign", units=fmt.md(join(p.params["value"] for p in foreign)),
                       allowed=fmt.md(join(user.units) or "—")), icon=":material/block:")
        problems = foreign + result.problems
        if problems:
            problems_block(problems, upload.getvalue(), upload.name, index)
        results = st.session_state.get(KEY + "results", {})
        if upload.file_id in results:
            commit_result(upload)
            return None
        if problems:
            unknown = not foreign and up.unknown_words(result.problems)
            st.caption(t("up.map.fix_or_retry") if unknown else t("up.fix_and_retry"))
            if not foreign and up.may_keep_going(result):
                good = result.good_table.num_rows
                keep = st.checkbox(t("up.keep_going", good=good, bad=len(result.bad_rows)),
                                   key=f"{KEY}keep_going_{index}")
                if st.button(t("up.commit_good", n=good), key=f"{KEY}commit_good_{index}", disabled=not keep,
                             icon=":material/playlist_add_check:"):
                    commit(upload, user, result, keep_going=True)
                    st.rerun()
            return None
        if impact_block(result, current):
            return None  # the same bytes are loaded already: nothing to confirm
        if st.button(t("up.commit", n=result.table.num_rows), type="primary", key=f"{KEY}commit_{index}",
                     icon=":material/database_upload:"):
            commit(upload, user, result)
            st.rerun()
        ready = result
    return ready


def upload_tab(user: User) -> None:
    up.chinese_uploader()
    files = st.file_uploader(t("up.files"), type=["xlsx", "xlsm", "xls", "csv"], accept_multiple_files=True,
                             key=KEY + "files", max_upload_size=up.upload_limit_mb(),
                             help=t("up.files_help"))
    if not files:
        st.caption(t("up.hint"))
        return
    forget_others({f.file_id for f in files})
    ready = [(f, p) for i, f in enumerate(files) if (p := file_card(f, user, i)) is not None]
    if len(ready) > 1 and st.button(t("up.commit_all", n=len(ready)), type="primary", key=KEY + "commit_all",
                                    icon=":material/done_all:"):
        for upload, prepared in ready:
            commit(upload, user, prepared)
        st.rerun()
