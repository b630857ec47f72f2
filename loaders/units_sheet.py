"""The list of units expected to report: read from a units sheet, kept in `units`.

A units sheet is any workbook or CSV with a 单位 column (or 责任单位, 单位名称,
乡镇 ...) and optionally a 县区 column, under whatever title rows the office
puts above them. Its units are expected every month (since NULL) and are
marked source='sheet'; a learned unit that appears in the sheet becomes a
sheet unit. With replace=True the sheet is the whole list: units not in it
are no longer expected (active=false), their history stays.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from loaders.aliases import ALIASES, match_header
from loaders.locate import HEADER_SEARCH_ROWS
from loaders.problems import FileRefused, Problem, refuse
from loaders.read import read_grids
from loaders.safety import sniff
from taizhang import database
from taizhang.accounts import audit

UNIT_FIELDS = ("unit", "township")
_SKIP = ("合计", "小计", "总计", "注", "说明", "填报", "制表")


@dataclass
class UnitsSheet:
    sheet: str
    header_row: int                                 # as the clerk sees it in Excel
    units: list[tuple[str, str | None]]             # (unit, region), first occurrence kept
    duplicates: list[str] = field(default_factory=list)


def read_units(data: bytes, file_name: str) -> UnitsSheet:
    """The (unit, region) pairs of a units sheet. Raises FileRefused when none is found."""
    display = Path(file_name).name
    book = read_grids(sniff(data, display), display)
    for grid in book.sheets:
        if not grid.visible or not grid.n_rows:
            continue
        head = grid.rows(0, HEADER_SEARCH_ROWS)
        for r, row in enumerate(head):
            fields = {}
            for c, cell in enumerate(row):
                name = match_header(cell) if isinstance(cell, str) else None
                if name in (*UNIT_FIELDS, "region") and name not in fields:
                    fields[name] = c
            unit_col = next((fields[f] for f in UNIT_FIELDS if f in fields), None)
            if unit_col is None:
                continue
            region_col = fields.get("region")
            seen: dict[str, str | None] = {}
            duplicates = []
            for values in grid.rows(r + 1, grid.n_rows):
                unit = _clean(values[unit_col] if unit_col < len(values) else None)
                if not unit or unit.startswith(_SKIP):
                    continue
                region = _clean(values[region_col] if region_col is not None and region_col < len(values) else None)
                if unit in seen:
                    duplicates.append(unit)
                    continue
                seen[unit] = region
            if seen:
                return UnitsSheet(grid.name, grid.excel_row(r), list(seen.items()), duplicates)
    raise refuse("missing_column", file=display, column_name="单位", aliases="、".join(ALIASES["unit"][:4]))


def _clean(value) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def load_units(db: str, units: list[tuple[str, str | None]], *, replace: bool = False,
               actor: str | None = None, file_name: str | None = None) -> dict:
    """Upsert the units as expected every month. Returns counts: added, updated, deactivated.

    Plain UPDATE then INSERT ... WHERE NOT EXISTS (no ON CONFLICT), so it works on
    a DuckLake catalog too, which has no primary keys.
    """
    if not units:
        raise FileRefused([Problem("no_rows", file=file_name)])
    incoming = pa.table({
        "unit": pa.array([u for u, _ in units], type=pa.string()),
        "region": pa.array([r for _, r in units], type=pa.string()),
    })
    with database.writing(db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            con.register("incoming_units_sheet", incoming)
            updated = database.scalar(
                con,
                """UPDATE units SET region = coalesce(i.region, units.region), active = true,
                                    source = 'sheet', since = NULL
                   FROM incoming_units_sheet AS i WHERE units.unit = i.unit"""
            )
            added = database.scalar(
                con,
                """INSERT INTO units (unit, region, active, source, since)
                   SELECT unit, region, true, 'sheet', NULL FROM incoming_units_sheet
                   WHERE unit NOT IN (SELECT unit FROM units)"""
            )
            deactivated = 0
            if replace:
                deactivated = database.scalar(
                    con,
                    """UPDATE units SET active = false
                       WHERE active AND unit NOT IN (SELECT unit FROM incoming_units_sheet)"""
                )
            audit(con, actor, "units_sheet", file_name, added=int(added), updated=int(updated),
                  deactivated=int(deactivated), replace=replace)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("incoming_units_sheet")
    return {"added": int(added), "updated": int(updated), "deactivated": int(deactivated)}
