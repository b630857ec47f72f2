"""read -> locate -> normalise -> validate -> write, for one file.

`prepare` does everything but writing and is what a preview shows; `commit`
writes a prepared file in one transaction. The command line and the browser
upload both go through here.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

# pyarrow 26 imports pandas on its first pa.array()/pa.scalar() of Python or NumPy
# values and on its first Arrow -> NumPy conversion that copies (np.asarray of a
# boolean array), whichever comes first: through pyarrow's pandas shim, which
# tries `import pandas` to learn whether a value is a Series. Every step of the
# loader does one of those (and metrics/, which store.py imports, imports pandas
# itself), so the import is paid here, at start-up, not inside the first read.
import pandas  # noqa: F401
import pyarrow as pa

from loaders import store, summary
from loaders.impact import Impact, check
from loaders.locate import (
    Layout,
    RowBand,
    choose_sheets,
    classify_rows,
    region_from,
    report_month_from,
    unit_from_sheet_name,
)
from loaders.mapping import Mapping
from loaders.normalise import normalise
from loaders.problems import FileRefused, Problem, refuse
from loaders.read import formula_problems, read_grids
from loaders.safety import sniff

Progress = Callable[[str, float], None]


class SavedMappings(Protocol):
    """What was mapped before (loaders.mappings_store.Saved)."""

    common: Mapping

    def for_shape(self, shape: str) -> Mapping | None: ...


@dataclass
class SheetPart:
    """One ledger sheet of a file: where its rows are and which month they report."""

    layout: Layout
    band: RowBand
    report_month: dt.date


@dataclass
class Prepared:
    file_name: str
    data: bytes
    digest: str
    parts: list[SheetPart]
    table: pa.Table  # every task row found on every ledger sheet (good and bad)
    problems: list[Problem]
    bad_rows: np.ndarray
    units: list[str]
    warnings: list[Problem] = field(default_factory=list)  # shown beside the result, never refusing
    status_sources: dict[str, int] = field(default_factory=dict)
    mapping: Mapping | None = None  # the clerk's mapping that was applied, if any
    impact: Impact | None = None  # what loading it would change (loaders.impact.check)

    @property
    def layout(self) -> Layout:
        """The first ledger sheet (most files have one)."""
        return self.parts[0].layout

    @property
    def report_month(self) -> dt.date:
        """The latest month the file reports (most files report one)."""
        return max(p.report_month for p in self.parts)

    @property
    def months(self) -> list[dt.date]:
        return sorted({p.report_month for p in self.parts})

    @property
    def sheets(self) -> list[str]:
        return [p.layout.sheet for p in self.parts]

    @property
    def skipped(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for part in self.parts:
            for reason, count in part.band.skipped.items():
                total[reason] = total.get(reason, 0) + count
        return total

    @property
    def good_table(self) -> pa.Table:
        if not len(self.bad_rows):
            return self.table
        mask = np.ones(self.table.num_rows, dtype=bool)
        mask[self.bad_rows] = False
        return self.table.filter(pa.array(mask))

    def drop_cells(self) -> None:
        """Let the sheets' cells go: previews and the marked-up copy need them,
        writing does not, and the write is when DuckDB's own memory peaks
        (a 500k-row sheet's cells are ~250 MB of Arrow strings)."""
        for part in self.parts:
            part.layout.grid.columns = []

    @property
    def good_units(self) -> list[str]:
        units = self.good_table.column("unit").unique().to_pylist()
        return sorted(u for u in units if u is not None)


@dataclass
class FileReport:
    file: str
    status: str  # loaded | unchanged | rejected | checked
    rows_loaded: int = 0
    rows_rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    sheet: str | None = None
    header_row: int | None = None
    report_month: dt.date | None = None
    units: list[str] = field(default_factory=list)
    replaced_rows: int = 0
    upload_id: str | None = None
    skipped: dict = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    status_sources: dict[str, int] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    months: list[dt.date] = field(default_factory=list)
    mapping: str | None = None  # the mapping applied, as JSON
    impact: Impact | None = None

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "status": self.status,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "problems": [p.to_dict() for p in self.problems],
            "sheet": self.sheet,
            "header_row": self.header_row,
            "report_month": self.report_month.strftime("%Y-%m") if self.report_month else None,
            "units": self.units,
            "replaced_rows": self.replaced_rows,
            "upload_id": self.upload_id,
            "sheets": self.sheets,
            "months": [m.strftime("%Y-%m") for m in self.months],
            "status_sources": self.status_sources,
            "warnings": [w.to_dict() for w in self.warnings],
            "mapping": json.loads(self.mapping) if self.mapping else None,
            **(self.impact.to_dict() if self.impact else {}),
        }


def _noop(stage: str, fraction: float) -> None:
    pass


def prepare(
    data: bytes,
    file_name: str,
    *,
    month: dt.date | None = None,
    unit: str | None = None,
    region: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
    mapping: Mapping | None = None,
    saved: SavedMappings | None = None,
) -> Prepared:
    """Everything short of writing. Raises FileRefused for whole-file problems.

    `mapping` is what the clerk mapped for this file (the browser's mapping
    step, or `--mapping`); `saved` finds what was mapped before for a header
    shape, and the words mapped for everyone."""
    progress = progress or _noop
    display = Path(file_name).name
    progress("read", 0.0)
    sniffed = sniff(data, display)
    book = read_grids(sniffed, display)
    progress("locate", 0.4)
    lookup = saved.for_shape if saved is not None else None
    common = saved.common.words if saved is not None else {}
    layouts = choose_sheets(book, display, sheet, mapping, lookup)
    parts: list[SheetPart] = []
    problems: list[Problem] = []
    for layout in layouts:
        band = classify_rows(layout)
        if not len(band.task_rows):
            continue  # a ledger form not filled in: other sheets may hold the tasks
        problems += formula_problems(layout.grid, display, _needed_cells(layout, band))
        report_month = month or report_month_from(layout, display)
        if report_month is None:
            problems.append(Problem("no_month", file=display, sheet=layout.sheet))
        elif not any(f in layout.fields for f in UNIT_FIELDS) and not (
                unit or layout.filer or unit_from_sheet_name(layout.sheet)):
            problems.append(Problem("no_unit", file=display, sheet=layout.sheet))
        else:
            parts.append(SheetPart(layout, band, report_month))
    if problems:
        raise FileRefused(problems, layout=layouts[0])
    if not parts:
        raise refuse("no_rows", file=display, sheet=layouts[0].sheet)
    progress("check", 0.6)
    tables, found, bad, units = [], [], [], set()
    sources: dict[str, int] = {}
    offset = 0
    for part in parts:
        layout = part.layout
        sheet_region = region or (None if "region" in layout.fields else region_from(layout, display))
        result = normalise(layout, part.band, display, part.report_month, unit_override=unit,
                           region_override=sheet_region, extra_words=common)
        tables.append(result.table)
        found += result.problems
        bad.append(result.bad_rows + offset)
        offset += result.table.num_rows
        units.update(result.units)
        for source, count in result.status_sources.items():
            sources[source] = sources.get(source, 0) + count
    table = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
    applied = next((p.layout.mapped for p in parts if p.layout.mapped), None)
    prepared = Prepared(
        file_name=display,
        data=data,
        digest=store.sha256(data),
        parts=parts,
        table=table,
        problems=found,
        bad_rows=np.concatenate(bad) if bad else np.array([], dtype=np.int64),
        units=sorted(units),
        status_sources=sources,
        mapping=applied,
    )
    prepared.warnings = summary.compare(book, parts, table, display)
    return prepared


UNIT_FIELDS = ("unit", "township", "region")


def _needed_cells(layout: Layout, band: RowBand):
    """A formula cell matters when the loader reads it: a column it uses, on a row
    that is not a 合计/小计, group or footer row."""
    used = layout.used_columns()
    summary_rows = set(band.summary_rows.tolist())
    start = layout.data_start
    return lambda r, c: c in used and r >= start and r not in summary_rows


def commit(
    prepared: Prepared,
    db: str,
    *,
    keep_going: bool = False,
    loaded_by: str | None = None,
    submitted_at: dt.datetime | None = None,
    progress: Progress | None = None,
) -> FileReport:
    """Write a prepared file. `submitted_at` backdates a historical month's submission."""
    progress = progress or _noop
    if prepared.impact is None:
        check(prepared, db)
    report = _report(prepared, "rejected")
    if prepared.problems and not keep_going:
        return report
    table = prepared.good_table
    if table.num_rows == 0:
        report.problems = report.problems or [Problem("no_rows", file=prepared.file_name, sheet=prepared.layout.sheet)]
        return report
    progress("write", 0.8)
    stored = store.keep_original(prepared.data, prepared.file_name, db)
    result = store.write(
        db,
        table=table,
        rejected=[p.to_dict() for p in prepared.problems],
        file_name=prepared.file_name,
        digest=prepared.digest,
        stored_path=str(stored),
        loaded_by=loaded_by,
        submitted_at=submitted_at,
        mapping=prepared.mapping.to_json() if prepared.mapping else None,
    )
    progress("write", 1.0)
    report.status = result.status
    report.upload_id = result.upload_id
    report.rows_loaded = result.rows_loaded
    report.rows_rejected = len(prepared.bad_rows)
    report.replaced_rows = result.replaced_rows
    report.units = prepared.good_units
    return report


def _report(prepared: Prepared, status: str) -> FileReport:
    return FileReport(
        file=prepared.file_name,
        status=status,
        rows_rejected=len(prepared.bad_rows),
        problems=list(prepared.problems),
        sheet=prepared.layout.sheet,
        header_row=prepared.layout.header_row_excel(),
        report_month=prepared.report_month,
        units=prepared.units,
        skipped=prepared.skipped,
        status_sources=dict(prepared.status_sources),
        sheets=prepared.sheets,
        months=prepared.months,
        mapping=prepared.mapping.to_json() if prepared.mapping else None,
        impact=prepared.impact,
        warnings=list(prepared.warnings) + (prepared.impact.region_notes if prepared.impact else []),
    )


def ingest(
    data: bytes,
    file_name: str,
    db: str,
    *,
    month: dt.date | None = None,
    unit: str | None = None,
    region: str | None = None,
    sheet: str | None = None,
    keep_going: bool = False,
    dry_run: bool = False,
    loaded_by: str | None = None,
    submitted_at: dt.datetime | str | None = None,
    progress: Progress | None = None,
    mapping: Mapping | None = None,
    saved: SavedMappings | None = None,
) -> FileReport:
    """One file, all or nothing. Never raises for a bad file: the report says why.

    submitted_at="sheet" takes the 填报时间 written in the sheet (backfilling
    months that were submitted before Taizhang was in use).
    """
    display = Path(file_name).name
    try:
        prepared = prepare(data, file_name, month=month, unit=unit, region=region, sheet=sheet, progress=progress,
                           mapping=mapping, saved=saved)
    except FileRefused as refused:
        keep_received(data, display, db)
        return FileReport(file=display, status="rejected", problems=refused.problems)
    check(prepared, db)
    if dry_run:
        report = _report(prepared, "checked" if not prepared.problems else "rejected")
        report.rows_loaded = 0
        return report
    if submitted_at == "sheet":
        filed = prepared.layout.filed_on
        submitted_at = dt.datetime.combine(filed, dt.time(12)) if filed else None
    elif isinstance(submitted_at, str):  # a caller's mistake, not a clerk's: only "sheet" is a word here
        raise ValueError(f"submitted_at must be a datetime or 'sheet', not {submitted_at!r}")
    prepared.drop_cells()
    report = commit(
        prepared, db, keep_going=keep_going, loaded_by=loaded_by, submitted_at=submitted_at, progress=progress
    )
    if report.status == "rejected":
        keep_received(data, display, db)
    return report


def keep_received(data: bytes, file_name: str, db: str) -> None:
    """Every file received is kept by its hash, refused ones too, so nobody has to
    ask the clerk for it again."""
    if data:
        try:
            store.keep_original(data, file_name, db)
        except OSError:
            pass
