"""Demo ledger FILES, written the way offices really send them.

`write_demo_files(out_dir)` invents one fictional city, 江州市, with 14 县区,
their 乡镇/街道 and 55 city departments, and writes a year of monthly ledgers
(台账) for the "我为群众办实事" campaign. `python -m loaders demo` then loads
every file through the real loader, exactly like a clerk's upload, so the files
stay within what docs/contract.md promises to read while looking as messy as real
ones: title rows, 填报单位 lines, two-row merged headers, category group rows,
merged 乡镇 cells, 合计/小计 rows, 注 footers, varied status wording and date
forms, amounts in 万元 / 亿元 / with units in the cell, legacy .xls, GB18030
CSV and HTML saved under an .xls name.

Nothing here touches a database. Output is deterministic for a seed (also byte
for byte: zip timestamps and document properties are fixed).

Per month (every unit reports in the first month; later some skip):

* 市直单位 ledger (.xlsx, openpyxl): sheets 填报说明 + 项目台账, ~1,106 tasks.
* 13 county/district/zone ledgers with a 乡镇（街道） column, ~60-115 projects
  each, in several shapes (see REGIONS).
* 北湖区 微实事 ledger (.xlsx, xlsxwriter): 是否完成 instead of 进展情况.

One job per module:

  city      the city's 县区, departments and categories, and each office's file shape
  words     status wording habits, names, places, task title templates
  world     one seed's units and their tasks for the year (one random.Random)
  simulate  how a task progresses, and the row it is reported as in a month
  cells     values as clerks type them (amounts, dates, status words)
  sheets    what each file holds, as grids with merges; the CSV export; file names
  writers   a grid to .xlsx (openpyxl, xlsxwriter), .xls (xlwt) or HTML

This module plans the year's files and writes them (write_demo_files); it
asks _have_xlwt here, so a test can take xlwt away by replacing
loaders.demo._have_xlwt.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from .city import _CAT_NAMES, CATEGORIES, CITY, CITY_REGION, DEPARTMENTS, REGIONS
from .sheets import _city_grids, _county_grid, _csv_bytes, _file_name, _micro_grid
from .simulate import _add_months, _report, _Row
from .words import _GIVEN, _SURNAMES, STATUS_WORDS
from .world import _build_world, _Region, _Unit
from .writers import _write_html, _write_openpyxl, _write_xlsxwriter, _write_xlwt

__all__ = ["DemoFile", "write_demo_files", "CITY", "CITY_REGION", "CATEGORIES",
           "REGIONS", "DEPARTMENTS", "STATUS_WORDS"]


@dataclass(frozen=True)
class DemoFile:
    """One written file: where it is, which month it reports, what it holds."""
    path: Path
    report_month: date
    region: str | None
    units: tuple[str, ...]
    tasks: int


def _have_xlwt() -> bool:
    try:
        import xlwt  # noqa: F401
    except ImportError:
        return False
    return True


# --- entry point ------------------------------------------------------------------------
def write_demo_files(out_dir: Path, *, seed: int = 2021, months: int = 12, first_month: date = date(2021, 1, 1),
                     progress: Callable[[int, int], None] | None = None) -> list[DemoFile]:
    """Write `months` monthly ledgers of every office into out_dir/YYYY-MM/ and describe them.

    Deterministic for a seed. The first month has every unit; later, laggard
    units now and then skip a month (their rows or their whole file are
    missing) and report late (a later 填报时间).
    """
    out_dir = Path(out_dir)
    first_month = date(first_month.year, first_month.month, 1)
    world = _build_world(seed, first_month)
    habits = {d.name: d.habit for d in world.departments}
    xlwt_ok = _have_xlwt()

    # Plan every file first, so progress can count them.
    plan: list[tuple[int, date, _Region | None, random.Random]] = []
    for idx in range(months):
        month = _add_months(first_month, idx)
        mrng = random.Random(seed * 1000 + idx)
        plan.append((idx, month, None, mrng))
        for sender in world.regions:
            skip = idx > 0 and mrng.random() < 0.03 + max(0.0, -sender.diligence) * 0.6
            if not skip:
                plan.append((idx, month, sender, mrng))

    written: list[DemoFile] = []
    for k, (idx, month, region, mrng) in enumerate(plan, 1):
        folder = out_dir / f"{month.year}-{month.month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        late = mrng.random() < 0.15
        filled = (_add_months(month, 1).replace(day=mrng.randint(2, 9)) if late
                  else month.replace(day=mrng.randint(22, 28)))
        when = dt.datetime.combine(filled, dt.time(9 + mrng.randrange(8), mrng.randrange(60)))
        filler = mrng.choice(_SURNAMES) + mrng.choice(_GIVEN)

        # Called only within this iteration; the defaults bind this file's month and generator.
        def present(unit: _Unit, idx: int = idx, month: date = month, mrng: random.Random = mrng) -> list[_Row]:
            if idx > 0 and mrng.random() < 0.015 + max(0.0, -unit.diligence) * 0.3:
                return []   # this unit did not report this month
            return [_report(t, idx, month) for t in unit.tasks if t.added <= idx]

        if region is None:
            by_dept = [(d, present(d)) for d in world.departments]
            rows = [x for _, xs in by_dept for x in xs]
            rows.sort(key=lambda x: _CAT_NAMES.index(x.task.category))  # stable: department order inside
            path = folder / f"{CITY}市直单位我为群众办实事台账（{month.year}年{month.month}月）.xlsx"
            _write_openpyxl(path, list(_city_grids(rows, month, filler, filled, habits)), when)
            written.append(DemoFile(path, month, CITY_REGION, tuple(d.name for d, xs in by_dept if xs), len(rows)))
        else:
            by_town = [(t, xs) for t in region.towns if (xs := present(t))]
            n_rows = sum(len(xs) for _, xs in by_town)
            sh = region.shape
            name = _file_name(region, month)
            path = folder / name
            if sh.fmt == "csv":
                path.write_bytes(_csv_bytes(region, by_town))
            elif sh.fmt == "html":
                _write_html(path, _county_grid(region, by_town, month, filler, filled, region.name))
            elif sh.fmt == "micro":
                _write_xlsxwriter(path, [_micro_grid(region, by_town, month, filler, filled)], when)
            else:
                grid = _county_grid(region, by_town, month, filler, filled, "Sheet1" if sh.fmt == "xlwt" else "台账")
                if sh.fmt == "xlwt" and xlwt_ok:
                    _write_xlwt(path, [grid])
                elif sh.fmt == "xlsxwriter":
                    _write_xlsxwriter(path, [grid], when)
                else:
                    if path.suffix == ".xls":   # xlwt missing: the same sheet as .xlsx
                        path = path.with_suffix(".xlsx")
                    _write_openpyxl(path, [grid], when)
            written.append(DemoFile(path, month, region.name, tuple(t.name for t, _ in by_town), n_rows))
        if progress is not None:
            progress(k, len(plan))
    return written
