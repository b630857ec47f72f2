"""Rules and tables for the upload, submissions and admin pages.

Pure functions (the foreign-unit problems, the mapping step's choices, the
preview and problem tables) tested without Streamlit. Who may load, see or roll
back what is taizhang.accounts'; what is read from the store, ui/data.py's.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import streamlit as st

from loaders.clean import normalise_header, status_key
from loaders.mapping import ASSIGNABLE, IGNORE, Mapping
from loaders.pipeline import Prepared
from loaders.problems import Problem
from loaders.safety import max_file_bytes
from taizhang.accounts import User, may_see_upload
from ui import data
from ui.data import known_region, submission_months, submissions  # noqa: F401  read here before; the submissions page's
from ui.i18n import lang, t

PREVIEW_ROWS = 10
PROBLEMS_LISTED = 30  # up to this many problems are listed as text; more go in a table


# --- rules ---------------------------------------------------------------------

def foreign_unit_problems(prepared: Prepared, user: User) -> list[Problem]:
    """One `foreign_unit` problem per unit of the file the account may not load, placed
    at the first row that names it (so the marked sheet points at it)."""
    foreign = user.foreign_units(prepared.units)
    if not foreign:
        return []
    layout = prepared.layout
    unit_field = next((f for f in ("unit", "township", "region") if f in layout.fields), None)
    column = layout.grid.excel_column(layout.fields[unit_field]) if unit_field else None
    column_name = layout.headers.get(unit_field) if unit_field else None
    units = prepared.table.column("unit").to_pylist()
    rows = prepared.table.column("source_row").to_pylist()
    first_row = {}
    for unit, row in zip(units, rows):
        first_row.setdefault(unit, row)
    allowed = "、".join(user.units) or "—"
    return [
        Problem("foreign_unit", file=prepared.file_name, sheet=layout.sheet, row=first_row.get(unit),
                column=column if unit_field else None, column_name=column_name,
                params={"value": unit, "allowed": allowed})
        for unit in foreign
    ]


# --- the mapping step ------------------------------------------------------------

# What a column may be mapped to, in the order offered ("progress" is the free
# 进展情况 text beside a status column: kept as the note, and read by the rules).
MAPPING_FIELDS: tuple[str, ...] = ASSIGNABLE


@dataclasses.dataclass(frozen=True)
class HeaderCell:
    col: int  # grid column
    letter: str  # Excel column letter
    text: str  # the header as written
    found: str  # the field the loader took the column for, or IGNORE


def header_cells(layout) -> list[HeaderCell]:
    """One cell per header text (a mapping is keyed by the text), with what the loader found."""
    found = {col: name for name, col in layout.fields.items()}
    cells, seen = [], set()
    for col, written in layout.header_cells:
        key = normalise_header(written)
        if not key or key in seen:
            continue
        seen.add(key)
        cells.append(HeaderCell(col, layout.grid.excel_column(col), written, found.get(col, IGNORE)))
    return cells


def field_options(found: str) -> list[str]:
    """The fields offered for a column; a field the loader found that is not offered
    (具体内容, 备注) stays choosable so the preset shows what was found."""
    if found in MAPPING_FIELDS:
        return list(MAPPING_FIELDS)
    return [*MAPPING_FIELDS[:-1], found, IGNORE]


def unknown_words(problems: list[Problem]) -> list[str]:
    """The status words the loader did not know, once each, in the order of the sheet."""
    words: dict[str, str] = {}
    for p in problems:
        value = (p.params or {}).get("value") if p.code == "bad_status" else None
        if value and status_key(str(value)):
            words.setdefault(status_key(str(value)), str(value))
    return list(words.values())


def duplicate_fields(cells: list[HeaderCell], chosen: dict[int, str]) -> dict[str, list[str]]:
    """field -> column letters, for a field the clerk chose for more than one column."""
    by_field: dict[str, list[str]] = {}
    for cell in cells:
        field = chosen.get(cell.col, cell.found)
        if field != cell.found and field != IGNORE:
            by_field.setdefault(field, []).append(cell.letter)
    return {f: letters for f, letters in by_field.items() if len(letters) > 1}


def mapping_from(cells: list[HeaderCell], chosen: dict[int, str], words: dict[str, str | None],
                 previous: Mapping | None = None) -> Mapping:
    """The clerk's mapping: the columns changed from what the loader found (a column
    that held a field now given to another is left out), the words chosen, on top of
    what the clerk mapped before for this file."""
    columns: dict[str, str] = {}
    changed = {c.col for c in cells if chosen.get(c.col, c.found) != c.found}
    taken = {chosen[c.col] for c in cells if c.col in changed} - {IGNORE}
    for cell in cells:
        if cell.col in changed:
            columns[cell.text] = chosen[cell.col]
        elif cell.found in taken:
            columns[cell.text] = IGNORE
    change = Mapping(columns, {w: s for w, s in words.items() if s})
    return (previous or Mapping()).merged(change)


def saved_mapping_applied(prepared: Prepared, explicit: Mapping | None) -> bool:
    """A mapping saved earlier was applied, not (only) the one the clerk made for this file."""
    applied = prepared.mapping
    if not applied:
        return False
    return explicit is None or applied.to_json() != explicit.to_json()


def mapping_unit(prepared: Prepared) -> str | None:
    """The unit a file's mapping is saved for: its only unit, else none (any unit)."""
    units = prepared.good_units or prepared.units
    return units[0] if len(units) == 1 else None


# --- Streamlit's uploader ------------------------------------------------------------

def upload_limit_mb() -> int:
    """The upload limit of loaders.safety (TAIZHANG_MAX_UPLOAD_MB), for st.file_uploader."""
    return max(1, round(max_file_bytes() / 1024 / 1024))


def chinese_uploader() -> None:
    """Chinese for Streamlit's English-only uploader texts (streamlit issue 1353).

    A constant style sheet over the uploader's data-testids; the texts are ours,
    never user data."""
    if lang() != "zh":
        return
    limit = upload_limit_mb()
    st.markdown(f"""<style>
[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"] \
[data-testid="stMarkdownContainer"] p {{font-size: 0;}}
[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"] \
[data-testid="stMarkdownContainer"] p::after {{content: "浏览文件"; font-size: 0.875rem;}}
[data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0; white-space: normal; overflow: visible;}}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{\
content: "将文件拖到此处，或点击“浏览文件”；单个文件不超过 {limit}MB（xlsx、xlsm、xls、csv）"; font-size: 0.875rem;}}
[data-testid="stFileUploaderDropzoneInput"] + div > span {{font-size: 0;}}
[data-testid="stFileUploaderDropzoneInput"] + div > span::after {{content: "松开鼠标即可上传"; font-size: 0.875rem;}}
</style>""", unsafe_allow_html=True)


# --- tables for display ----------------------------------------------------------

def ordered(problems: list[Problem]) -> list[Problem]:
    """Whole-file problems first, then in the order the clerk reads the sheet."""
    return sorted(problems, key=lambda p: (p.row is not None, p.sheet or "", p.row or 0, len(p.column or ""),
                                           p.column or ""))


# Problems whose loader wording names command-line flags: the browser says where to choose instead.
BROWSER_WORDING = ("no_month", "no_unit")


def problem_text(problem: Problem, lang: str) -> str:
    if problem.code in BROWSER_WORDING:
        return t(f"up.problem.{problem.code}")
    return problem.text(lang)


def problem_lines(problems: list[Problem], lang: str) -> list[tuple[str, str]]:
    """(place, text) per problem; the place names sheet, row and column but not the file,
    and the sheet only when the problems are on more than one."""
    problems = ordered(problems)
    one_sheet = len({p.sheet for p in problems}) <= 1
    return [(dataclasses.replace(p, file=None, sheet=None if one_sheet and p.row else p.sheet).place(lang),
             problem_text(p, lang)) for p in problems]


def problem_frame(problems: list[Problem], lang: str, labels: dict[str, str]) -> pd.DataFrame:
    """One line per problem, in the order of `ordered`."""
    problems = ordered(problems)
    return pd.DataFrame({
        labels["sheet"]: [p.sheet or "" for p in problems],
        labels["row"]: pd.array([p.row for p in problems], dtype="Int64"),
        labels["column"]: [(p.column or "") + (f"（{p.column_name}）" if p.column_name else "") for p in problems],
        labels["problem"]: [problem_text(p, lang) for p in problems],
    })


PREVIEW_COLUMNS = ("source_row", "unit", "region", "title", "category", "status", "progress_pct", "progress_note",
                   "deadline", "planned_investment", "actual_investment", "beneficiaries", "satisfaction")
# Shown only when the file has them: most ledgers have no percentage, note or satisfaction column.
OPTIONAL_PREVIEW = ("progress_pct", "progress_note", "satisfaction")


def problem_fields(prepared: Prepared) -> list[str]:
    """The stored columns that hold a problem, in the order problems are listed."""
    by_header = {}
    for part in prepared.parts:
        for name, header in part.layout.headers.items():
            by_header.setdefault((part.layout.sheet, header), name)
    found = []
    for p in ordered(prepared.problems):
        name = by_header.get((p.sheet, p.column_name))
        name = {"completed_flag": "status", "progress_pct": "status", "township": "unit"}.get(name, name)
        if name in PREVIEW_COLUMNS and name not in found:
            found.append(name)
    return found


def preview_frame(prepared: Prepared, labels: dict[str, str], status_names: dict[str, str],
                  rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first task rows as they will be stored, headed in the user's language. The
    columns holding problems come right after the row number, so a phone shows them
    without a sideways swipe."""
    head = prepared.table.slice(0, rows)
    first = problem_fields(prepared)
    columns = ["source_row", *first, *(c for c in PREVIEW_COLUMNS[1:] if c not in first)]
    columns = [c for c in columns if c in head.column_names and c in labels
               and (c not in OPTIONAL_PREVIEW or prepared.table.column(c).null_count < prepared.table.num_rows)]
    frame = pd.DataFrame({labels[c]: head.column(c).to_pylist() for c in columns})
    pct_label = labels.get("progress_pct")
    if pct_label in frame:
        frame[pct_label] = [None if p is None else f"{p:.0%}" if p * 100 == int(p * 100) else f"{p:.1%}"
                            for p in frame[pct_label]]
    status_label = labels["status"]
    if status_label in frame:
        frame[status_label] = [status_names.get(s, s) if s else "" for s in frame[status_label]]
    satisfaction_label = labels.get("satisfaction")
    if satisfaction_label in frame:
        frame[satisfaction_label] = [t(f"rating.{v}") if v else None for v in frame[satisfaction_label]]
    return frame


def has_placed_problems(problems: list[Problem]) -> bool:
    return any(p.sheet and p.row for p in problems)


def rows_per_unit(prepared: Prepared) -> dict[str, int]:
    counts = pc.value_counts(prepared.table.column("unit")).to_pylist()
    return {c["values"]: c["counts"] for c in counts if c["values"] is not None}


def month_options(today: dt.date, extra: tuple[dt.date, ...] = (), years: int = 5) -> list[str]:
    """YYYY-MM keys, newest first: next month back to January `years` years ago, plus `extra`."""
    months = set(extra)
    year, month = today.year, today.month + 1
    if month == 13:
        year, month = year + 1, 1
    while year >= today.year - years:
        months.add(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return [f"{m.year:04d}-{m.month:02d}" for m in sorted(months, reverse=True)]


def safe_file_part(text: str) -> str:
    """A unit name as part of a download's file name."""
    cleaned = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in text).strip(" .")
    return cleaned[:60] or "unit"


# --- what the store holds, for this user ---------------------------------------------

def history(user: User) -> pd.DataFrame:
    """Uploads the user may see, newest first (admins: all; uploaders: their units')."""
    frame = data.upload_history()
    if frame.empty or user.is_admin():
        return frame
    keep = [may_see_upload(user, units) for units in frame["units"]]
    return frame[keep].reset_index(drop=True)


def units_text(units, lang_: str, shown: int = 3) -> str:
    """"市教育局、市医保局 等 54 个": a long list would push the columns after it off screen."""
    units = list(units)
    sep = "、" if lang_ == "zh" else ", "
    if len(units) <= shown + 1:
        return sep.join(units)
    head = sep.join(units[:shown])
    return f"{head} 等 {len(units)} 个" if lang_ == "zh" else f"{head} and {len(units) - shown} more"


def may_keep_going(prepared) -> bool:
    """Loading the good rows alone is offered when every problem is a row's
    (so leaving those rows out leaves the problems out) and some rows are good."""
    return (bool(prepared.problems) and all(p.row is not None for p in prepared.problems)
            and 0 < len(prepared.bad_rows) < prepared.table.num_rows)


def original_exists(stored_path: str | None) -> bool:
    return bool(stored_path) and Path(stored_path).is_file()


def original(stored_path: str | None) -> bytes | None:
    """The bytes kept for an upload, or None when the file is gone."""
    if not stored_path:
        return None
    try:
        return Path(stored_path).read_bytes()
    except OSError:
        return None
