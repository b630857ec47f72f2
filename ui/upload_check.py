"""One dropped file on /upload, as the session keeps it: the clerk's choices, the
check (loaders.pipeline.prepare), the commit, the mapping to remember.

Loading goes through loaders.pipeline.prepare/commit, the same code as
`python -m loaders ingest`, so a file loads in the browser exactly as on the
command line. Session keys start with KEY; what is kept per file:
  prepared  {(file_id, month, unit, sheet, mapping): Prepared | FileRefused}
  sheets    {file_id: [sheet, ...]}   the sheets offered once the file was read
  mapping   {file_id: Mapping | None} the clerk's own mapping for the file
  results   {file_id: {...}}          what the commit did, shown in place of the button
  refusals  {file_id, ...}            files whose foreign units are audited already
"""
from __future__ import annotations

import logging

import duckdb
import streamlit as st

from loaders import mappings_store, pipeline
from loaders.mapping import Mapping, MappingError
from loaders.problems import FileRefused, Problem
from present import format as fmt
from taizhang import accounts, database
from taizhang.accounts import User
from taizhang.config import db_target
from ui import data, upload as up
from ui.i18n import t

AUTO = ""                          # "as the file says" in the month, unit and sheet choices
KEY = "upload_"                    # session keys of the page
LARGE_FILE = 256 * 1024            # show a progress bar while checking files bigger than this

log = logging.getLogger(__name__)


def progress_bar(label_key: str):
    bar = st.progress(0.0, text=t(label_key))

    def update(stage: str, fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=t(f"up.stage.{stage}"))
    return bar, update


def explicit(upload) -> Mapping | None:
    """The mapping the clerk made for this file in the mapping step, if any."""
    return st.session_state.get(KEY + "mapping", {}).get(upload.file_id)


def forget(file_id: str) -> None:
    """Check this file again on the next run (its mapping or the saved ones changed)."""
    cache = st.session_state.get(KEY + "prepared", {})
    for key in [k for k in cache if k[0] == file_id]:
        del cache[key]
    st.session_state.get(KEY + "sheets", {}).pop(file_id, None)


def forget_others(ids) -> None:
    """Drop what is kept for files no longer in the uploader."""
    cache = st.session_state.get(KEY + "prepared", {})
    for key in [k for k in cache if k[0] not in ids]:
        del cache[key]
    mappings = st.session_state.get(KEY + "mapping", {})
    for file_id in [f for f in mappings if f not in ids]:
        del mappings[file_id]


def choices(upload) -> tuple[str, str, str]:
    """The month, unit and sheet chosen for this file (AUTO: as the file says)."""
    state = st.session_state
    month = state.get(f"{KEY}month_{upload.file_id}", AUTO) or AUTO
    unit = (state.get(f"{KEY}unit_{upload.file_id}", AUTO) or AUTO).strip()
    sheet = state.get(f"{KEY}sheet_{upload.file_id}", AUTO) or AUTO
    return month, unit, sheet


def prepare(upload, user: User, month: str, unit: str, sheet: str):
    """Prepared or FileRefused for this file and these choices, kept in the session."""
    cache = st.session_state.setdefault(KEY + "prepared", {})
    mapping = explicit(upload)
    key = (upload.file_id, month, unit, sheet, mapping.to_json() if mapping else "")
    if key not in cache:
        data.release()  # parsing a big file takes seconds and needs no database
        content = upload.getvalue()
        pipeline.keep_received(content, upload.name, db_target())
        saved = data.saved_mappings(user.units)
        bar, progress = progress_bar("up.checking") if len(content) > LARGE_FILE else (None, None)
        options = dict(month=fmt.parse_month_key(month) if month else None, sheet=sheet or None, progress=progress,
                       mapping=mapping, saved=saved)
        chosen_unit = unit or accounts.default_unit(user)
        try:
            result = pipeline.prepare(content, upload.name, unit=unit or None, **options)
            if chosen_unit and not unit and not any(f in result.layout.fields for f in ("unit", "township", "region")):
                # A sheet without a unit column is filed for the uploader's only unit.
                result = pipeline.prepare(content, upload.name, unit=chosen_unit, **options)
        except FileRefused as refused:
            result = refused
            if chosen_unit and not unit and any(p.code == "no_unit" for p in refused.problems):
                try:
                    result = pipeline.prepare(content, upload.name, unit=chosen_unit, **options)
                except FileRefused as again:
                    result = again
        if bar is not None:
            bar.empty()
        if isinstance(result, pipeline.Prepared):
            # What confirming would change, said before it changes; when the store is
            # busy it is said again on commit, which checks once more.
            data.upload_impact(result)
        cache[key] = result
    return cache[key]


def audit_refusal(user: User, upload, foreign: list[Problem]) -> None:
    """Record once per file that an account tried to load other units' rows."""
    done = st.session_state.setdefault(KEY + "refusals", set())
    if upload.file_id in done:
        return
    done.add(upload.file_id)
    try:
        accounts.record(db_target(), user.username, "upload_refused", upload.name,
                        foreign_units=[p.params["value"] for p in foreign])
    except (database.StoreError, duckdb.Error, OSError) as error:
        # The clerk is told the rows are refused either way; the log says the audit entry is missing.
        log.warning("refused upload %s by %s not audited: %s", upload.name, user.username, error)


def commit(upload, user: User, prepared: pipeline.Prepared, keep_going: bool = False) -> None:
    """Write one prepared file; the rules are checked again here, not only by the button.
    keep_going loads the rows without problems and records the others (rejected_rows)."""
    if not user.can_upload() or up.foreign_unit_problems(prepared, user):
        return
    if prepared.problems and not (keep_going and up.may_keep_going(prepared)):
        return
    bar, progress = progress_bar("up.writing")
    try:
        report = pipeline.commit(prepared, db_target(), loaded_by=user.username, progress=progress,
                                 keep_going=keep_going)
    except database.StoreBusy:
        report = None
    saved = None
    if report is not None and report.status in ("loaded", "unchanged"):
        saved = save_mapping(upload, user, prepared)
    bar.empty()
    st.session_state.setdefault(KEY + "results", {})[upload.file_id] = dict(
        report=report, months=prepared.months, skipped=dict(prepared.skipped), warnings=list(prepared.warnings),
        saved_applied=up.saved_mapping_applied(prepared, explicit(upload)), mapping_saved=saved)


def save_mapping(upload, user: User, prepared: pipeline.Prepared) -> str | None:
    """Remember the mapping the clerk made for this file, for its unit and header
    shape, so the unit's next file of that form loads with no step. Returns "ok",
    an error text, or None when there was nothing to remember."""
    if not explicit(upload) or not prepared.mapping:
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
            forget(key[0])
    return "ok"
