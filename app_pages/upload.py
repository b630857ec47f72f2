"""/upload — sign in, drop ledgers, see what was found, commit; history and rollback; the template.

CONTRACT: without a login this page shows a sign-in form and no file uploader.
Loading goes through loaders.pipeline.prepare/commit, the same code as
`python -m loaders ingest`, so a file loads in the browser exactly as on the
command line.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import zlib

import duckdb
import pandas as pd
import streamlit as st

from loaders import impact, mappings_store, pipeline
from loaders.annotate import annotated_workbook
from loaders.mapping import Mapping, MappingError
from loaders.problems import FileRefused, Problem, describe_sources
from loaders.store import RollbackRefused, rollback
from loaders.template import build_template
from taizhang import database
from taizhang.accounts import User, audit
from taizhang.config import db_target
from ui import auth
from ui import data as page_data
from ui import format as fmt
from ui import upload as up
from ui.i18n import STRINGS as _STRINGS, labels as i18n_labels, lang, t

AUTO = ""                          # "as the file says" in the month, unit and sheet choices
WORD_CHOICES = ("completed", "in_progress", "not_started")  # what an unknown status word may mean
KEY = "upload_"                    # session keys of this page
LARGE_FILE = 256 * 1024            # show a progress bar while checking files bigger than this


# --- one file: prepare, preview, commit --------------------------------------------

def _progress_bar(label_key: str):
    bar = st.progress(0.0, text=t(label_key))

    def update(stage: str, fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=t(f"up.stage.{stage}"))
    return bar, update


def _explicit(upload) -> Mapping | None:
    """The mapping the clerk made for this file in the mapping step, if any."""
    return st.session_state.get(KEY + "mapping", {}).get(upload.file_id)


def _saved(user: User):
    """The mappings saved before, preferring the user's units'; none when the store
    cannot be read just now (the file is then checked as it is)."""
    try:
        return mappings_store.saved(db_target(), units=list(user.units))
    except (database.StoreError, duckdb.Error):
        return None


def _forget(file_id: str) -> None:
    """Check this file again on the next run (its mapping or the saved ones changed)."""
    cache = st.session_state.get(KEY + "prepared", {})
    for key in [k for k in cache if k[0] == file_id]:
        del cache[key]
    st.session_state.get(KEY + "sheets", {}).pop(file_id, None)


def _prepare(upload, user: User, month: str, unit: str, sheet: str):
    """Prepared or FileRefused for this file and these choices, kept in the session."""
    cache = st.session_state.setdefault(KEY + "prepared", {})
    explicit = _explicit(upload)
    key = (upload.file_id, month, unit, sheet, explicit.to_json() if explicit else "")
    if key not in cache:
        page_data.release()  # parsing a big file takes seconds and needs no database
        data = upload.getvalue()
        pipeline.keep_received(data, upload.name, db_target())
        saved = _saved(user)
        bar, progress = _progress_bar("up.checking") if len(data) > LARGE_FILE else (None, None)
        options = dict(month=fmt.parse_month_key(month) if month else None, sheet=sheet or None, progress=progress,
                       mapping=explicit, saved=saved)
        chosen_unit = unit or up.default_unit(user)
        try:
            result = pipeline.prepare(data, upload.name, unit=unit or None, **options)
            if chosen_unit and not unit and not any(f in result.layout.fields for f in ("unit", "township", "region")):
                # A sheet without a unit column is filed for the uploader's only unit.
                result = pipeline.prepare(data, upload.name, unit=chosen_unit, **options)
        except FileRefused as refused:
            result = refused
            if chosen_unit and not unit and any(p.code == "no_unit" for p in refused.problems):
                try:
                    result = pipeline.prepare(data, upload.name, unit=chosen_unit, **options)
                except FileRefused as again:
                    result = again
        if bar is not None:
            bar.empty()
        if isinstance(result, pipeline.Prepared):
            try:
                impact.check(result, db_target())  # what confirming would change, said before it changes
            except database.StoreBusy:
                pass  # said again on commit, which checks once more
        cache[key] = result
    return cache[key]


def _join(names) -> str:
    return ("、" if lang() == "zh" else ", ").join(names)


def _labels() -> dict[str, str]:
    return {
        "sheet": t("up.col.sheet"), "row": t("up.col.row"), "column": t("up.col.column"),
        "problem": t("up.col.problem"), "source_row": t("up.col.row"), "unit": t("col.unit"),
        "region": t("col.region"), "title": t("col.title"), "category": t("col.category"),
        "status": t("col.status"), "deadline": t("col.deadline"), "planned_investment": t("col.planned_wan"),
        "actual_investment": t("col.actual_wan"), "beneficiaries": t("col.beneficiaries"),
        "progress_pct": t("up.field.progress_pct"), "progress_note": t("up.field.progress"),
        "satisfaction": t("up.field.satisfaction"),
    }


def _problems_block(problems: list[Problem], data: bytes, name: str, index: int) -> None:
    """Every problem with its place: a list to read (also on a phone), a table when there are many,
    and the clerk's own sheet back with the bad cells marked."""
    current = lang()
    st.error(t("up.problems", n=len(problems)), icon=":material/error:")
    if len(problems) <= up.PROBLEMS_LISTED:
        st.markdown("\n".join(f"- **{fmt.md(place)}**{t('up.place_end')}{fmt.md(text)}" if place else f"- {fmt.md(text)}"
                              for place, text in up.problem_lines(problems, current)))
    else:
        labels = _labels()
        st.dataframe(up.problem_frame(problems, current, labels), hide_index=True, width="stretch",
                     key=f"{KEY}problems_{index}", height=320, column_config={
                         labels["sheet"]: st.column_config.TextColumn(width="small"),
                         labels["row"]: st.column_config.NumberColumn(width="small"),
                         labels["problem"]: st.column_config.TextColumn(width="large")})
    if up.has_placed_problems(problems):
        stem = name.rsplit(".", 1)[0]
        st.download_button(t("up.download_marked"), lambda: annotated_workbook(data, name, problems, current),
                           file_name=f"{stem}_{t('up.marked_suffix')}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", key=f"{KEY}marked_{index}", on_click="ignore")


def _skipped_text(skipped: dict[str, int]) -> str:
    return t("scope.sep").join(t(f"up.skip.{k}", n=v) for k, v in skipped.items() if v)


def _months_text(months, lang_: str) -> str:
    return _join(fmt.month(m, lang_) for m in months)


def _warnings(warnings: list[Problem], lang_: str) -> None:
    """Summary-sheet mismatches: said beside the preview and the result, never refusing."""
    for warning in warnings:  # the card names the file already
        st.warning(fmt.md(dataclasses.replace(warning, file=None).message(lang_)), icon=":material/rule:")


def _summary(prepared: pipeline.Prepared, detected_month, lang_: str) -> None:
    per_unit = up.rows_per_unit(prepared)
    units = _join(f"{u}（{n}）" if lang_ == "zh" else f"{u} ({n})" for u, n in per_unit.items())
    skipped_text = _skipped_text(prepared.skipped) or t("up.none")
    if len(prepared.parts) == 1:
        layout = prepared.layout
        sheets = t("up.found.sheet", sheet=fmt.md(layout.sheet), row=layout.header_row_excel())
    else:
        sheets = t("up.found.sheets", n=len(prepared.parts), sheets=_join(
            t("up.found.sheet_item", sheet=fmt.md(p.layout.sheet), row=p.layout.header_row_excel())
            for p in prepared.parts))
    months = prepared.months
    lines = [
        sheets,
        t("up.found.month", month=fmt.month(months[0], lang_)) if len(months) == 1
        else t("up.found.months", n=len(months), months=_months_text(months, lang_)),
        t("up.found.units", n=len(per_unit), units=fmt.md(units)),
        t("up.found.rows", n=prepared.table.num_rows),
        t("up.found.skipped", skipped=skipped_text),
    ]
    sources = describe_sources(prepared.status_sources, lang_)
    if sources:
        lines.append(fmt.md(sources))
    st.markdown("\n".join(f"- {line}" for line in lines))
    if detected_month and detected_month != prepared.report_month:
        st.warning(t("up.month_differs", found=fmt.month(detected_month, lang_),
                     chosen=fmt.month(prepared.report_month, lang_)), icon=":material/event:")


def _controls(upload, user: User, index: int, result, detected_month) -> None:
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


def _choices(upload) -> tuple[str, str, str]:
    state = st.session_state
    month = state.get(f"{KEY}month_{upload.file_id}", AUTO) or AUTO
    unit = (state.get(f"{KEY}unit_{upload.file_id}", AUTO) or AUTO).strip()
    sheet = state.get(f"{KEY}sheet_{upload.file_id}", AUTO) or AUTO
    return month, unit, sheet


def _audit_refusal(user: User, upload, foreign: list[Problem]) -> None:
    """Record once per file that an account tried to load other units' rows."""
    done = st.session_state.setdefault(KEY + "refusals", set())
    if upload.file_id in done:
        return
    done.add(upload.file_id)
    try:
        with database.writing(db_target()) as con:
            audit(con, user.username, "upload_refused", upload.name,
                  foreign_units=[p.params["value"] for p in foreign])
    except (database.StoreError, Exception):
        pass


def _commit(upload, user: User, prepared: pipeline.Prepared, keep_going: bool = False) -> None:
    """Write one prepared file; the rules are checked again here, not only by the button.
    keep_going loads the rows without problems and records the others (rejected_rows)."""
    if not user.can_upload() or up.foreign_unit_problems(prepared, user):
        return
    if prepared.problems and not (keep_going and up.may_keep_going(prepared)):
        return
    bar, progress = _progress_bar("up.writing")
    try:
        report = pipeline.commit(prepared, db_target(), loaded_by=user.username, progress=progress,
                                 keep_going=keep_going)
    except database.StoreBusy:
        report = None
    saved = None
    if report is not None and report.status in ("loaded", "unchanged"):
        saved = _save_mapping(upload, user, prepared)
    bar.empty()
    st.session_state.setdefault(KEY + "results", {})[upload.file_id] = dict(
        report=report, months=prepared.months, skipped=dict(prepared.skipped), warnings=list(prepared.warnings),
        saved_applied=up.saved_mapping_applied(prepared, _explicit(upload)), mapping_saved=saved)


def _save_mapping(upload, user: User, prepared: pipeline.Prepared) -> str | None:
    """Remember the mapping the clerk made for this file, for its unit and header
    shape, so the unit's next file of that form loads with no step. Returns "ok",
    an error text, or None when there was nothing to remember."""
    if not _explicit(upload) or not prepared.mapping:
        return None
    try:
        mappings_store.save(db_target(), unit=up.mapping_unit(prepared), shape=prepared.layout.shape,
                            mapping=prepared.mapping, actor=user.username)
    except (MappingError, database.StoreError, duckdb.Error) as error:
        return str(error) or type(error).__name__
    # Files dropped with this one that needed the step are checked again with it.
    results = st.session_state.get(KEY + "results", {})
    for key, result in list(st.session_state.get(KEY + "prepared", {}).items()):
        if key[0] != upload.file_id and key[0] not in results and (
                isinstance(result, FileRefused) or result.problems):
            _forget(key[0])
    return "ok"


def _result(upload) -> None:
    done = st.session_state[KEY + "results"][upload.file_id]
    report = done["report"]
    current = lang()
    if report is None:
        st.warning(t("msg.busy"), icon=":material/hourglass_top:")
    elif report.status == "unchanged":
        st.info(t("up.unchanged"), icon=":material/check_circle:")
    elif report.status == "loaded":
        skipped = _skipped_text(done["skipped"])
        parts = [t("up.loaded", rows=report.rows_loaded, month=_months_text(done["months"], current),
                   units=fmt.md(_join(report.units)))]
        if report.rows_rejected:
            parts.append(t("up.loaded_rejected", n=report.rows_rejected))
        parts.append(t("up.replaced", n=report.replaced_rows) if report.replaced_rows else t("up.replaced_none"))
        if skipped:
            parts.append(t("up.skipped", skipped=skipped))
        st.success(t("scope.sep").join(parts), icon=":material/task_alt:")
    else:
        st.error(t("up.rejected"), icon=":material/error:")
    if report is None or report.status == "rejected":
        return
    sources = describe_sources(report.status_sources, current)
    if sources:
        st.caption(fmt.md(sources))
    if done["saved_applied"]:
        st.caption(t("up.map.saved_applied"))
    if done["mapping_saved"] == "ok":
        st.caption(t("up.map.saved"))
    elif done["mapping_saved"]:
        st.warning(t("up.map.save_failed", reason=fmt.md(done["mapping_saved"])), icon=":material/warning:")
    _warnings(done["warnings"], current)


# --- the mapping step ---------------------------------------------------------------

def _mapping_step(upload, layout, problems: list[Problem], applied: Mapping | None, needed: bool) -> None:
    """Which column is which and what each unknown status word means, as a form:
    applying it stores the clerk's mapping for this file and checks the file again.
    Open when the file cannot be loaded without it; closed otherwise."""
    current = lang()
    cells = up.header_cells(layout)
    unknown = up.unknown_words(problems)
    known = dict((applied.words if applied else {}).items())
    words = [*unknown, *(w for w in known if w not in unknown)]
    explicit = _explicit(upload)
    # The widgets' keys follow what the loader found, so the presets follow a new check.
    found = "|".join(f"{c.col}:{c.found}" for c in cells) + "|" + "|".join(words)
    form_key = f"{KEY}map_{upload.file_id}_{zlib.crc32(f'{layout.sheet}|{found}'.encode()):08x}"
    fields = sorted({f for c in cells for f in up.field_options(c.found)})
    field_names = i18n_labels("up.field.", [f for f in fields if f"up.field.{f}" in _STRINGS])
    status_names = i18n_labels("status.", WORD_CHOICES)
    with st.expander(t("up.map.title_needed") if needed else t("up.map.title"), expanded=needed,
                     icon=":material/table_edit:"):
        if unknown:
            st.markdown(t("up.map.intro_words", n=len(unknown), words=fmt.md(_join(f"“{w}”" if current == "zh"
                                                                                     else f"'{w}'" for w in unknown))))
        elif not needed:
            st.caption(t("up.map.intro"))
        with st.form(form_key, border=False, enter_to_submit=False):
            st.markdown(f"**{t('up.map.columns', sheet=fmt.md(layout.sheet), row=layout.header_row_excel())}**")
            chosen: dict[int, str] = {}
            for i, cell in enumerate(cells):
                if i % 3 == 0:  # a row of three at a time, so a phone stacks them in sheet order
                    grid = st.columns(3)
                options = up.field_options(cell.found)
                chosen[cell.col] = grid[i % 3].selectbox(
                    t("up.map.column_label", letter=cell.letter, header=fmt.md(cell.text)), options,
                    index=options.index(cell.found), key=f"{form_key}_col_{cell.col}",
                    format_func=lambda f, names=field_names: names.get(f, f))
            picked: dict[str, str | None] = {}
            if words:
                st.markdown(f"**{t('up.map.words')}**")
                for i, word in enumerate(words):
                    if i % 3 == 0:
                        grid = st.columns(3)
                    preset = known.get(word)
                    picked[word] = grid[i % 3].selectbox(
                        t("up.map.word_label", word=fmt.md(word)), WORD_CHOICES,
                        index=WORD_CHOICES.index(preset) if preset in WORD_CHOICES else None,
                        placeholder=t("up.map.pick"), key=f"{form_key}_word_{i}",
                        format_func=lambda s, names=status_names: names.get(s, s))
            st.caption(t("up.map.remember"))
            apply = st.form_submit_button(t("up.map.apply"), type="primary", icon=":material/refresh:")
        if not apply:
            return
        duplicates = up.duplicate_fields(cells, chosen)
        if duplicates:
            for field, letters in duplicates.items():
                st.error(t("up.map.duplicate", field=field_names.get(field, field), columns=_join(letters)),
                         icon=":material/error:")
            return
    mapping = up.mapping_from(cells, chosen, picked, explicit)
    st.session_state.setdefault(KEY + "mapping", {})[upload.file_id] = mapping or None
    _forget(upload.file_id)
    st.rerun()


def _refused(upload, refused: FileRefused, index: int) -> None:
    """A file that is not a ledger as it is. When only a column was missing, the
    mapping step comes first: the column may be there under another name."""
    missing = [p for p in refused.problems if p.code == "missing_column"]
    if missing and refused.layout is not None:
        st.error(t("up.map.refused", columns=fmt.md(_join(p.column_name for p in missing if p.column_name))),
                 icon=":material/table_view:")
        _mapping_step(upload, refused.layout, [], _explicit(upload), needed=True)
        others = [p for p in refused.problems if p.code != "missing_column"]
        if not others:
            return
        problems = others
    else:
        problems = refused.problems
    st.caption(t("up.refused_whole"))
    _problems_block(problems, upload.getvalue(), upload.name, index)


def _impact_block(prepared: pipeline.Prepared, lang_: str) -> bool:
    """What confirming would replace, above the button. True when the file is loaded already."""
    found = prepared.impact
    if found is None:
        return False
    if found.identical_upload:
        st.info(t("up.identical", when=f"{found.identical_loaded_at:%Y-%m-%d %H:%M}", file=fmt.md(found.identical_file)),
                icon=":material/check_circle:")
        return True
    for r in found.replacements:
        values = dict(unit=fmt.md(r.unit), month=fmt.month(r.month, lang_), now=r.rows_now, new=r.rows_new,
                      gone=r.rows_now - r.rows_new)
        if r.shrinks:
            st.warning(t("up.replaces_fewer", **values), icon=":material/warning:")
        else:
            st.info(t("up.replaces", **values), icon=":material/swap_horiz:")
    return False


def file_card(upload, user: User, index: int) -> pipeline.Prepared | None:
    """Everything about one dropped file. Returns it when it is ready to commit."""
    month, unit, sheet = _choices(upload)
    result = _prepare(upload, user, month, unit, sheet)
    detected = st.session_state.setdefault(KEY + "detected", {})
    if isinstance(result, pipeline.Prepared) and month == AUTO:
        detected[upload.file_id] = result.report_month
    ready = None
    with st.container(border=True, key=f"{KEY}card_{index}"):
        st.subheader(f":material/description: {fmt.md(upload.name)}", anchor=False)
        _controls(upload, user, index, result, detected.get(upload.file_id))
        if isinstance(result, FileRefused):
            _refused(upload, result, index)
            return None
        current = lang()
        _summary(result, detected.get(upload.file_id), current)
        if up.saved_mapping_applied(result, _explicit(upload)):
            st.info(t("up.map.saved_applied"), icon=":material/bookmark_added:")
        _warnings(result.warnings + (result.impact.region_notes if result.impact else []), current)
        st.caption(t("up.preview", shown=min(up.PREVIEW_ROWS, result.table.num_rows), n=result.table.num_rows))
        st.dataframe(up.preview_frame(result, _labels(), {s: t(f"status.{s}") for s in
                                                            ("completed", "in_progress", "not_started")}),
                     hide_index=True, width="stretch", key=f"{KEY}preview_{index}", placeholder="—", column_config={
                         t("col.deadline"): st.column_config.DateColumn(format="YYYY-MM-DD")})
        if upload.file_id not in st.session_state.get(KEY + "results", {}):
            _mapping_step(upload, result.layout, result.problems, result.mapping,
                          needed=bool(up.unknown_words(result.problems)))
        foreign = up.foreign_unit_problems(result, user)
        if foreign:
            _audit_refusal(user, upload, foreign)
            st.error(t("up.foreign", units=fmt.md(_join(p.params["value"] for p in foreign)),
                       allowed=fmt.md(_join(user.units) or "—")), icon=":material/block:")
        problems = foreign + result.problems
        if problems:
            _problems_block(problems, upload.getvalue(), upload.name, index)
        results = st.session_state.get(KEY + "results", {})
        if upload.file_id in results:
            _result(upload)
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
                    _commit(upload, user, result, keep_going=True)
                    st.rerun()
            return None
        if _impact_block(result, current):
            return None  # the same bytes are loaded already: nothing to confirm
        if st.button(t("up.commit", n=result.table.num_rows), type="primary", key=f"{KEY}commit_{index}",
                     icon=":material/database_upload:"):
            _commit(upload, user, result)
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
    ids = {f.file_id for f in files}
    cache = st.session_state.get(KEY + "prepared", {})
    for key in [k for k in cache if k[0] not in ids]:
        del cache[key]
    mappings = st.session_state.get(KEY + "mapping", {})
    for file_id in [f for f in mappings if f not in ids]:
        del mappings[file_id]
    ready = [(f, p) for i, f in enumerate(files) if (p := file_card(f, user, i)) is not None]
    if len(ready) > 1 and st.button(t("up.commit_all", n=len(ready)), type="primary", key=KEY + "commit_all",
                                    icon=":material/done_all:"):
        for upload, prepared in ready:
            _commit(upload, user, prepared)
        st.rerun()


# --- history ------------------------------------------------------------------------

def history_tab(user: User) -> None:
    frame = up.history(user)
    if frame.empty:
        st.info(t("up.history_empty"), icon=":material/history:")
        return
    current = lang()
    states = {s: t(f"up.state.{s}") for s in ("active", "superseded", "rolled_back")}
    shown = pd.DataFrame({  # the state early: a long unit list must not push it off screen
        t("up.h.loaded_at"): frame["loaded_at"],
        t("up.h.state"): [states.get(s, s) for s in frame["state"]],
        t("up.h.file"): frame["file_name"],
        t("col.month"): [fmt.month(m, current) for m in frame["report_month"]],
        t("col.unit"): [up.units_text(u, current) for u in frame["units"]],
        t("up.h.rows"): frame["rows_loaded"],
        t("up.h.rejected"): frame["rows_rejected"],
        t("up.h.loaded_by"): [v if isinstance(v, str) else "" for v in frame["loaded_by"]],
        "SHA-256": [h[:12] for h in frame["sha256"]],  # in full below, for the picked upload
    })
    st.dataframe(shown, hide_index=True, width="stretch", key=KEY + "history_table", column_config={
        t("up.h.loaded_at"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        "SHA-256": st.column_config.TextColumn(width="small"),
    })
    ids = frame["upload_id"].tolist()
    rows = {r["upload_id"]: r for r in frame.to_dict("records")}

    def label(upload_id: str) -> str:
        r = rows[upload_id]
        return f"{r['loaded_at']:%Y-%m-%d %H:%M} · {r['file_name']} · {states.get(r['state'], r['state'])}"
    picked = st.selectbox(t("up.pick_upload"), ids, key=KEY + "history_pick", format_func=label)
    row = rows[picked]
    with st.container(border=True, key=KEY + "history_detail"):
        st.caption(t("up.detail", file=fmt.md(row["file_name"]), sheet=fmt.md(row["sheet"] or "—"),
                     month=fmt.month(row["report_month"], current), rows=row["rows_loaded"],
                     state=states.get(row["state"], row["state"]), sha=row["sha256"]))
        if up.original_exists(row["stored_path"]):
            st.download_button(t("up.download_original"), lambda: up.original(row["stored_path"]) or b"",
                               file_name=row["file_name"], icon=":material/download:", key=KEY + "original",
                               on_click="ignore")
        else:
            st.caption(t("up.original_missing"))
        if row["state"] != "active":
            st.caption(t("up.not_active", state=states.get(row["state"], row["state"])))
        elif up.may_roll_back(user, row["units"]):
            st.checkbox(t("up.confirm_rollback", file=fmt.md(row["file_name"])), key=KEY + "confirm_rollback")
            st.button(t("up.rollback"), key=KEY + "rollback", icon=":material/undo:",
                      disabled=not st.session_state.get(KEY + "confirm_rollback"),
                      on_click=_roll_back, args=(user, row))
        else:
            st.caption(t("up.rollback_not_yours"))
    message = st.session_state.pop(KEY + "rollback_message", None)
    if message:
        (st.success if message[0] == "ok" else st.error)(message[1])


def _roll_back(user: User, row: dict) -> None:
    """The rollback button's callback (it may reset the confirmation box before the rerun).
    Checked again here: the button is only shown to those allowed."""
    if not up.may_roll_back(user, row["units"]):
        return
    try:
        result = rollback(db_target(), row["upload_id"], actor=user.username)
        message = ("ok", t("up.rolled_back", file=fmt.md(row["file_name"]), removed=result["removed"],
                           restored=result["restored"]))
    except RollbackRefused as refused:
        message = ("error", t("up.rollback_refused", reason=fmt.md(str(refused))))
    except database.StoreBusy:
        message = ("error", t("msg.busy"))
    st.session_state[KEY + "rollback_message"] = message
    st.session_state[KEY + "confirm_rollback"] = False


# --- template -----------------------------------------------------------------------

def template_tab(user: User) -> None:
    current = lang()
    st.markdown(t("up.template_intro"))
    columns = st.columns(2)
    today = dt.date.today()
    months = up.month_options(today, years=1)
    month = columns[0].selectbox(t("up.month"), months, index=1, key=KEY + "template_month",
                                 format_func=lambda m: fmt.month(fmt.parse_month_key(m), current))
    if user.units:
        unit = columns[1].selectbox(t("col.unit"), user.units, key=KEY + "template_unit")
    else:
        unit = columns[1].text_input(t("col.unit"), key=KEY + "template_unit_text").strip() or None
    name = f"{t('up.template_name')}_{up.safe_file_part(unit) if unit else ''}_{month}.xlsx".replace("__", "_")
    region = up.known_region(unit) if unit else None
    st.download_button(t("up.download_template"),
                       lambda: build_template(unit=unit, month=fmt.parse_month_key(month), region=region),
                       file_name=name, type="primary",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", key=KEY + "template", on_click="ignore")


# --- the page -----------------------------------------------------------------------

def main() -> None:
    st.title(t("upload.title"))
    user = auth.require("upload", User.can_upload, "up.viewer_cannot")
    if user is None:
        return
    who = user.display_name or user.username
    st.caption(t("up.signed_in", name=fmt.md(who), role=t(f"role.{user.role}"),
                 units=t("up.all_units") if user.is_admin() or not user.units else fmt.md(_join(user.units))))
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
