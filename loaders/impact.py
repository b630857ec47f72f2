"""What loading a prepared file would change, told before it changes.

Read-only: it looks at the store and says
  - whether these very bytes are already loaded (then there is nothing to do);
  - which unit-months the file would replace, how many rows they hold now and
    how many the file brings (a much smaller sheet is flagged: one mistaken
    partial sheet must not silently take tasks off a month);
  - each unit's region: a unit's region is known, not guessed per file. It
    comes from the sheet, else the admin's units list, else the unit's earlier
    months; where the sheet names another region than the known one, the
    known one is kept and the clerk is told.

`check(prepared, db)` fills `prepared.impact` and rewrites the table's region
column; the browser shows it above the confirm button, the command line prints
it (also in --dry-run and --json). Only loaders/store.py writes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from loaders.problems import Problem
from taizhang import database

# A replacement is flagged when the new sheet holds fewer than this share of the rows in force.
SHRINK_WARNING = 0.8


@dataclass
class Replacement:
    unit: str
    month: dt.date
    rows_now: int
    rows_new: int

    @property
    def shrinks(self) -> bool:
        return self.rows_new < SHRINK_WARNING * self.rows_now

    def to_dict(self) -> dict:
        return {"unit": self.unit, "month": self.month.strftime("%Y-%m"), "rows_now": self.rows_now,
                "rows_new": self.rows_new, "shrinks": self.shrinks}


@dataclass
class Impact:
    identical_upload: str | None = None  # an upload in force with the same bytes
    identical_file: str | None = None
    identical_loaded_at: dt.datetime | None = None
    replacements: list[Replacement] = field(default_factory=list)
    region_notes: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "identical_upload": self.identical_upload,
            "replaces": [r.to_dict() for r in self.replacements],
        }


def known_regions(con, units: list[str]) -> dict[str, str]:
    """unit -> region: the admin's units list first, else the unit's latest month with a region."""
    if not units:
        return {}
    found: dict[str, str] = {}
    if database.has_table(con, "units"):
        for unit, region in con.execute(
                "SELECT unit, any_value(region) FROM units WHERE unit IN (SELECT unnest(?)) AND region IS NOT NULL "
                "AND source = 'sheet' GROUP BY unit", [units]).fetchall():
            found[unit] = region
    rest = [u for u in units if u not in found]
    if rest:
        for unit, region in con.execute(
                """SELECT unit, arg_max(region, report_month) FROM task_rows
                   WHERE unit IN (SELECT unnest(?)) AND region IS NOT NULL GROUP BY unit""", [rest]).fetchall():
            found[unit] = region
        if database.has_table(con, "units"):
            for unit, region in con.execute(
                    "SELECT unit, any_value(region) FROM units WHERE unit IN (SELECT unnest(?)) "
                    "AND region IS NOT NULL GROUP BY unit", [[u for u in rest if u not in found]]).fetchall():
                found.setdefault(unit, region)
    return found


def resolve_regions(table: pa.Table, known: dict[str, str], file_name: str) -> tuple[pa.Table, list[Problem]]:
    """One region per unit: the known one, else the one the sheet gives it most often.
    One note per unit whose sheet names another region (not one per row: a sheet that
    puts a unit in the wrong county says it on every row)."""
    pairs = table.select(["unit", "region"]).group_by(["unit", "region"]).aggregate([("unit", "count")]).to_pylist()
    from_sheet: dict[str, tuple[int, str]] = {}
    for pair in pairs:
        if pair["region"] is not None and pair["unit"] is not None:
            best = from_sheet.get(pair["unit"])
            candidate = (pair["unit_count"], pair["region"])
            if best is None or (candidate[0], best[1]) > (best[0], candidate[1]):  # most rows, then by name
                from_sheet[pair["unit"]] = candidate
    chosen = {unit: known.get(unit) or (from_sheet[unit][1] if unit in from_sheet else None)
              for unit in {p["unit"] for p in pairs}}
    regions_of: dict[str, set[str]] = {}   # one pass: a unit's regions (a scan per unit was quadratic)
    for pair in pairs:
        if pair["unit"] is not None and pair["region"] is not None:
            regions_of.setdefault(pair["unit"], set()).add(pair["region"])
    notes: list[Problem] = []
    for unit in sorted(u for u in chosen if u is not None):
        other = sorted(regions_of.get(unit, set()) - {chosen[unit]})
        if other and chosen[unit] is not None:
            notes.append(Problem("region_differs", file=file_name,
                                 params={"unit": unit, "region": "、".join(other), "known": chosen[unit]}))
    if all(p["region"] == chosen[p["unit"]] for p in pairs):
        return table, notes
    encoded = pc.dictionary_encode(table.column("unit")).combine_chunks() \
        if isinstance(table.column("unit"), pa.ChunkedArray) else pc.dictionary_encode(table.column("unit"))
    regions = pa.array([chosen.get(u) for u in encoded.dictionary.to_pylist()], type=pa.string())
    column = pc.take(regions, encoded.indices)
    return table.set_column(table.schema.get_field_index("region"), "region", column), notes


def check(prepared, db: str) -> Impact:
    """Look at the store once; fill prepared.impact and settle each unit's region."""
    impact = Impact()
    if not database.exists(db):
        prepared.table, impact.region_notes = resolve_regions(prepared.table, {}, prepared.file_name)
        prepared.impact = impact
        return impact
    with database.reading(db) as con:
        row = con.execute(
            "SELECT upload_id, file_name, loaded_at FROM uploads WHERE sha256 = ? AND state = 'active' "
            "ORDER BY loaded_at LIMIT 1", [prepared.digest]).fetchone()
        if row:
            impact.identical_upload, impact.identical_file, impact.identical_loaded_at = row
        known = known_regions(con, prepared.units)
        pairs = prepared.table.group_by(["report_month", "unit"]).aggregate([("title", "count")])
        con.register("incoming_pairs", pairs)
        try:
            now = con.execute(
                """SELECT p.unit, p.report_month, count(t.unit) AS rows_now, any_value(p.title_count)
                   FROM incoming_pairs p JOIN task_rows t ON t.unit = p.unit AND t.report_month = p.report_month
                   GROUP BY p.unit, p.report_month ORDER BY p.report_month, p.unit""").fetchall()
        finally:
            con.unregister("incoming_pairs")
    impact.replacements = [Replacement(unit, month, int(rows_now), int(rows_new))
                           for unit, month, rows_now, rows_new in now]
    prepared.table, impact.region_notes = resolve_regions(prepared.table, known, prepared.file_name)
    prepared.impact = impact
    return impact

