"""read -> locate -> normalise -> validate -> write, for one file.

`prepare` does everything but writing and is what a preview shows; `commit`
writes a prepared file in one transaction. The command line and the browser
upload both go through here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas  # noqa: F401  pyarrow imports it on its first conversion of Python objects: pay that at start-up
import pyarrow as pa

from loaders import store
from loaders.locate import Layout, RowBand, choose_sheet, classify_rows, region_from, report_month_from
from loaders.normalise import normalise
from loaders.problems import FileRefused, Problem, refuse
from loaders.read import formula_problems, read_grids
from loaders.safety import sniff

Progress = Callable[[str, float], None]

STAGES = ("read", "locate", "check", "write")


@dataclass
class Prepared:
    file_name: str
    data: bytes
    digest: str
    layout: Layout
    band: RowBand
    report_month: dt.date
    table: pa.Table  # every task row found (good and bad)
    problems: list[Problem]
    bad_rows: np.ndarray
    units: list[str]

    @property
    def good_table(self) -> pa.Table:
        if not len(self.bad_rows):
            return self.table
        mask = np.ones(self.table.num_rows, dtype=bool)
        mask[self.bad_rows] = False
        return self.table.filter(pa.array(mask))

    def drop_cells(self) -> None:
        """Let the sheet's cells go: previews and the marked-up copy need them,
        writing does not, and the write is when DuckDB's own memory peaks
        (a 500k-row sheet's cells are ~250 MB of Arrow strings)."""
        self.layout.grid.columns = []

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
) -> Prepared:
    """Everything short of writing. Raises FileRefused for whole-file problems."""
    progress = progress or _noop
    display = Path(file_name).name
    progress("read", 0.0)
    sniffed = sniff(data, display)
    book = read_grids(sniffed, display)
    progress("locate", 0.4)
    layout = choose_sheet(book, display, sheet)
    formulas = formula_problems(layout.grid, display)
    if formulas:
        raise FileRefused(formulas)
    report_month = month or report_month_from(layout, display)
    if report_month is None:
        raise refuse("no_month", file=display, sheet=layout.sheet)
    if not any(f in layout.fields for f in ("unit", "township", "region")) and not (unit or layout.filer):
        raise refuse("no_unit", file=display, sheet=layout.sheet)
    band = classify_rows(layout)
    if not len(band.task_rows):
        raise refuse("no_rows", file=display, sheet=layout.sheet)
    progress("check", 0.6)
    region = region or (None if "region" in layout.fields else region_from(layout))
    result = normalise(layout, band, display, report_month, unit_override=unit, region_override=region)
    return Prepared(
        file_name=display,
        data=data,
        digest=store.sha256(data),
        layout=layout,
        band=band,
        report_month=report_month,
        table=result.table,
        problems=result.problems,
        bad_rows=result.bad_rows,
        units=result.units,
    )


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
        report_month=prepared.report_month,
        units=prepared.good_units,
        sheet=prepared.layout.sheet,
        stored_path=str(stored),
        loaded_by=loaded_by,
        submitted_at=submitted_at,
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
        skipped=prepared.band.skipped,
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
) -> FileReport:
    """One file, all or nothing. Never raises for a bad file: the report says why.

    submitted_at="sheet" takes the 填报时间 written in the sheet (backfilling
    months that were submitted before Taizhang was in use).
    """
    display = Path(file_name).name
    try:
        prepared = prepare(data, file_name, month=month, unit=unit, region=region, sheet=sheet, progress=progress)
    except FileRefused as refused:
        keep_received(data, display, db)
        return FileReport(file=display, status="rejected", problems=refused.problems)
    if dry_run:
        report = _report(prepared, "checked" if not prepared.problems else "rejected")
        report.rows_loaded = 0
        return report
    if submitted_at == "sheet":
        filed = prepared.layout.filed_on
        submitted_at = dt.datetime.combine(filed, dt.time(12)) if filed else None
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
