"""Find the ledger inside a workbook: which sheet, which header rows, which data rows.

Offices send sheets with title rows, a "填报单位：… 填报人：…" line, one- or
two-row headers with merged bands, category group rows ("一、解民忧暖民心"),
合计/小计 rows, column-number rows and 注 footers. This module decides which
rows are tasks; it parses no values (clean.py does) and writes nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loaders import aliases
from loaders.clean import find_report_month, money_unit, money_unit_line, normalise_header
from loaders.mapping import IGNORE, Mapping, header_shape
from loaders.problems import FileRefused, Problem, refuse
from loaders.read import SheetGrid, WorkbookGrids

HEADER_SEARCH_ROWS = 40

_TOTAL = r"^\s*(合\s*计|小\s*计|总\s*计|总合计|共\s*计|累\s*计)"
_FOOTER = (
    r"^\s*(注|说明|备注|填表说明|填报说明|填报人|审核人|审核|制表人|制表|联系人|联系电话|单位负责人|"
    r"分管领导|主要领导|负责人)\s*[:：0-9０-９、.．]"
)
_GROUP = r"^\s*([一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十]+[)）])"
_GROUP_LEVEL1 = re.compile(r"^[一二三四五六七八九十百]+[、.．]\s*")
_GROUP_COUNT = re.compile(r"\s*[（(]\s*(共\s*)?\d+\s*(条|项|个|件)?\s*[)）]\s*$")
_FILER = re.compile(r"填报单位\s*(?:[（(]\s*(?:盖章|公章)\s*[)）])?\s*[:：]\s*([^\s:：]+?)"
                    r"(?=\s|填报人|联系人|填报时间|填报日期|日期|$)")
_FILED_ON = re.compile(r"填报(?:时间|日期)\s*[:：]\s*(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})")
_REGION_LABEL = re.compile(r"(?:所属县区|县区|所属县（市、区）|县（市、区）)\s*[:：]\s*([^\s:：]+)")
_REGION_IN_TEXT = re.compile(
    r"(?:[\u4e00-\u9fff]{2,4}市)?([\u4e00-\u9fff]{2,10}?(?:自治县|县|(?<![社小园景片辖校厂])区))")


@dataclass
class Layout:
    grid: SheetGrid
    header_rows: tuple[int, ...]
    data_start: int
    fields: dict[str, int]  # canonical name -> grid column
    headers: dict[str, str]  # canonical name -> header text as written
    units: dict[str, str | None]  # money columns -> 万元/元/亿元 named in the header
    preamble: str  # title and 填报单位 lines above the header
    filer: str | None  # the 填报单位 named above or below the ledger
    score: int
    filed_on: dt.date | None = None  # the 填报时间 the clerk wrote
    other_candidates: list[str] = field(default_factory=list)
    # Every header column as written (grid column, text), for the mapping step.
    header_cells: list[tuple[int, str]] = field(default_factory=list)
    mapped: Mapping | None = None  # the clerk's mapping applied to this sheet, if any

    @property
    def sheet(self) -> str:
        return self.grid.name

    @property
    def shape(self) -> str:
        """The key a clerk's mapping is saved under (loaders.mapping.header_shape)."""
        return header_shape(text for _, text in self.header_cells)

    def used_columns(self) -> set[int]:
        return set(self.fields.values())

    def header_row_excel(self) -> int:
        return self.grid.excel_row(self.header_rows[-1])


def _cells_text(row: list) -> str:
    return " ".join(str(c) for c in row if c not in (None, ""))


def _filled_header_rows(grid: SheetGrid, rows: list[list], start: int) -> list[list]:
    """Copy each merged range's value into every cell it covers (header band only)."""
    filled = [list(r) for r in rows]
    for r0, c0, r1, c1 in grid.merged:
        if r0 < start or r0 >= start + len(rows):
            continue
        value = filled[r0 - start][c0] if c0 < len(filled[r0 - start]) else None
        for r in range(r0, min(r1, start + len(rows) - 1) + 1):
            for c in range(c0, c1 + 1):
                if c < len(filled[r - start]):
                    filled[r - start][c] = value
    return filled


HeaderFields = tuple[dict[str, int], dict[str, str], dict[str, str | None], list[tuple[int, str]]]


def _header_fields(top: list, bottom: list | None, overrides: dict[str, str] | None = None) -> HeaderFields:
    """Canonical columns named by a one-row (bottom None) or two-row header.
    `overrides` (a clerk's mapping: normalised header text -> column or IGNORE)
    wins over the alias table."""
    fields: dict[str, int] = {}
    headers: dict[str, str] = {}
    units: dict[str, str | None] = {}
    cells: list[tuple[int, str]] = []
    overrides = overrides or {}
    band = None
    for col, top_cell in enumerate(top):
        bottom_cell = bottom[col] if bottom is not None and col < len(bottom) else None
        top_text = str(top_cell) if top_cell not in (None, "") else None
        bottom_text = str(bottom_cell) if bottom_cell not in (None, "") else None
        if bottom is not None:
            # Without merge information a band's text stands only over its first
            # column: carry it right while the row below keeps naming leaves.
            if top_text is None and bottom_text is not None and band is not None:
                top_text = band
            band = top_text if bottom_text is not None and bottom_text != top_text else None
        if bottom is None:
            name = aliases.match_header(top_text) if top_text else None
            written = top_text
        else:
            name = aliases.match_header_band(top_text, bottom_text)
            written = bottom_text if bottom_text and bottom_text != top_text else top_text
            if written and top_text and bottom_text and top_text != bottom_text:
                written = f"{top_text}/{bottom_text}"
        written = (written or "").replace("\n", "")
        cells.append((col, written))
        # The clerk mapped the header as it was shown: one row's text, or a band
        # "top/bottom". Tried as each, so a mapping made on a one-row reading
        # also holds when this row is tried as the top of a two-row header.
        key = next((k for k in map(normalise_header, (written, top_text, bottom_text)) if k in overrides), None)
        if key is not None:
            name = overrides[key]
            if name == IGNORE:
                continue
            if name in fields:  # the clerk's choice wins over a column the aliases found
                del headers[name], units[name]
                fields.pop(name)
        if name == "status" and "status" in fields and key is None:
            name = "progress"  # a second progress column: 办理状态 beside a free 进展情况
        if name and name not in fields:
            fields[name] = col
            headers[name] = (written or "").replace("\n", "")
            units[name] = money_unit(bottom_text or "") or money_unit(top_text or "")
    while cells and not cells[-1][1]:
        cells.pop()
    return fields, headers, units, cells


def _qualifies(fields: dict[str, int]) -> bool:
    if any(req not in fields for req in aliases.REQUIRED):
        return False
    return all(any(name in fields for name in group) for group in aliases.REQUIRED_ONE_OF)


MappingLookup = Callable[[str], "Mapping | None"]


def _mapping_score(row: list, overrides: dict[str, str]) -> int:
    return sum(1 for cell in row if cell not in (None, "") and overrides.get(normalise_header(cell), IGNORE) != IGNORE)


def _candidate(grid: SheetGrid, mapping: Mapping | None = None, lookup: MappingLookup | None = None) -> Layout | None:
    """The best header band of a sheet. `mapping` is a clerk's explicit mapping,
    `lookup` finds one saved for a header shape; the explicit one wins."""
    rows = grid.rows(0, HEADER_SEARCH_ROWS)
    if not rows:
        return None
    filled = _filled_header_rows(grid, rows, 0)
    explicit = mapping.columns if mapping else {}
    best: Layout | None = None
    for r, row in enumerate(filled):
        if aliases.header_score(row) + _mapping_score(row, explicit) < 2:
            continue
        below = filled[r + 1] if r + 1 < len(filled) else None
        applied = mapping
        one = _header_fields(row, None, explicit)
        two = _header_fields(row, below, explicit) if below is not None else None
        if lookup is not None:
            saved = lookup(header_shape(t for _, t in two[3])) if two else None
            saved = saved or lookup(header_shape(t for _, t in one[3]))
            if saved:
                applied = saved.merged(mapping)
                one = _header_fields(row, None, applied.columns)
                two = _header_fields(row, below, applied.columns) if below is not None else None
        header_rows: tuple[int, ...]
        if two and len(two[0]) > len(one[0]):
            fields, headers, units, cells = two
            header_rows = (r, r + 1)
        else:
            fields, headers, units, cells = one
            header_rows = (r,)
        score = len(fields) + (10 if _qualifies(fields) else 0)
        if best is None or score > best.score:
            data_start = header_rows[-1] + 1
            preamble_rows = rows[: header_rows[0]]
            best = Layout(
                grid=grid,
                header_rows=header_rows,
                data_start=data_start,
                fields=fields,
                headers=headers,
                units=units,
                preamble="\n".join(_cells_text(p) for p in preamble_rows if _cells_text(p)),
                filer=None,
                score=score,
                header_cells=cells,
                mapped=applied if applied else None,
            )
    if best is None:
        return None
    # A row of column numbers (1 2 3 …) under the header is part of the form.
    first = grid.rows(best.data_start, best.data_start + 1)
    if first:
        values = [str(v).strip() for v in first[0] if v not in (None, "")]
        if len(values) >= 3 and values == [str(i) for i in range(1, len(values) + 1)]:
            best.data_start += 1
    best.filer = _find_filer(best.preamble)
    best.filed_on = _find_filed_on(best.preamble)
    # "金额单位：万元" above the header: the unit of every amount column that names none.
    line_unit = next(filter(None, map(money_unit_line, best.preamble.splitlines())), None)
    if line_unit:
        for name in MONEY_FIELDS:
            if name in best.fields and not best.units.get(name):
                best.units[name] = line_unit
    return best


MONEY_FIELDS = ("planned_investment", "actual_investment")


def _find_filed_on(text: str) -> dt.date | None:
    match = _FILED_ON.search(text or "")
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def _find_filer(text: str) -> str | None:
    match = _FILER.search(text or "")
    return match.group(1).strip() if match else None


def choose_sheets(
    book: WorkbookGrids,
    file_name: str,
    sheet_name: str | None = None,
    mapping: Mapping | None = None,
    lookup: MappingLookup | None = None,
) -> list[Layout]:
    """Every visible sheet that holds a ledger (one per 乡镇 or per month is
    common), in workbook order; or only `sheet_name`. Sheets without task
    titles (instructions, 汇总 counts) are not ledgers."""
    sheets = book.sheets
    if sheet_name is not None:
        sheets = [s for s in sheets if s.name == sheet_name]
        if not sheets:
            raise refuse("no_ledger_sheet", file=file_name, sheets="、".join(s.name for s in book.sheets))
    candidates = [(c, s) for s in sheets if (c := _candidate(s, mapping, lookup)) is not None]
    qualified = [(c, s) for c, s in candidates if _qualifies(c.fields)]
    visible = [c for c, s in qualified if s.visible or sheet_name is not None]
    if not visible:
        if qualified:
            raise refuse("hidden_ledger_sheet", file=file_name, sheet=qualified[0][1].name)
        best = max(candidates, key=lambda cs: cs[0].score)[0] if candidates else None
        if best is not None and best.score >= 2:
            missing = [r for r in aliases.REQUIRED if r not in best.fields]
            missing += [group[0] for group in aliases.REQUIRED_ONE_OF if not any(n in best.fields for n in group)]
            raise missing_columns(file_name, best, missing)
        raise refuse("no_ledger_sheet", file=file_name, sheets="、".join(s.name for s in book.sheets))
    names = [c.sheet for c in visible]
    for layout in visible:
        layout.other_candidates = [n for n in names if n != layout.sheet]
    return visible


def missing_columns(file_name: str, layout: Layout, missing: list[str]) -> FileRefused:
    problems = [
        Problem(
            "missing_column",
            file=file_name,
            sheet=layout.sheet,
            row=layout.header_row_excel(),
            column_name=aliases.ALIASES[name][0],
            params={"aliases": "、".join(aliases.ALIASES[name][:6])},
        )
        for name in missing
    ]
    return FileRefused(problems, layout=layout)


# The endings of unit names: a sheet named "城关镇" or "市教育局" names its unit,
# one named "Sheet1", "台账" or "5月" does not.
UNIT_NAME_ENDINGS = (
    "镇", "乡", "街道", "办事处", "县", "区", "市", "局", "委", "办", "院", "所", "中心", "公司", "部",
    "会", "站", "队", "厅", "处", "室", "馆", "团", "社区", "村", "管委会", "政府",
)


def unit_from_sheet_name(name: str) -> str | None:
    text = normalise_header(name)
    if len(text) < 2 or find_report_month(text) or not text.endswith(UNIT_NAME_ENDINGS):
        return None
    return text


_MONTH_ONLY = re.compile(r"^(?:第)?(1[0-2]|0?[1-9]|十[一二]|[一二三四五六七八九十])月份?(?:台账|报表|进展)?$")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}


def _month_of_sheet_name(name: str, *year_sources: str) -> dt.date | None:
    """"5月" as a sheet name, with the year from the title or the file name."""
    match = _MONTH_ONLY.match(normalise_header(name))
    if not match:
        return None
    word = match.group(1)
    month = int(word) if word.isdigit() else _CN_MONTHS[word]
    for source in year_sources:
        year = _YEAR.search(source or "")
        if year:
            return dt.date(int(year.group(1)), month, 1)
    return None


def report_month_from(layout: Layout, file_name: str):
    """The sheet's title, else the sheet's name ("2021年5月", or "5月" with the
    year from the title or the file name), else the file's name."""
    return (
        find_report_month(layout.preamble)
        or find_report_month(layout.grid.name)
        or _month_of_sheet_name(layout.grid.name, layout.preamble, file_name)
        or find_report_month(file_name)
    )


def region_from(layout: Layout, file_name: str = "") -> str | None:
    """A region named by the title or the 填报单位 line, else by the file's name,
    for sheets without a 县区 column (a town's sheet in a county's workbook)."""
    text = "\n".join(filter(None, [layout.preamble, layout.filer or ""]))
    labelled = _REGION_LABEL.search(layout.preamble or "")
    if labelled:
        return labelled.group(1)
    if "市直" in text:
        return "市直"
    for source in (layout.filer or "", layout.preamble, Path(file_name).stem):
        match = _REGION_IN_TEXT.search(source)
        if match:
            return match.group(1)
    return None


# --- rows ----------------------------------------------------------------------


def _matches(arr: pa.Array, pattern: str) -> np.ndarray:
    """Anchored patterns fail on the first character of most cells: cheap on long text."""
    return np.asarray(pc.fill_null(pc.match_substring_regex(arr, pattern), False), dtype=bool)


@dataclass
class RowBand:
    """Which grid rows of the data band are tasks, and the category of group rows above them."""

    task_rows: np.ndarray  # grid row indices
    group_category: pa.Array | None  # per task row, the level-1 group heading above it
    skipped: dict[str, int]  # reason -> count
    footer_row: int | None  # grid row where the footer starts
    summary_rows: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))  # 合计, 注, group rows


def classify_rows(layout: Layout) -> RowBand:
    grid = layout.grid
    start = layout.data_start
    n = grid.n_rows - start
    if n <= 0:
        return RowBand(np.array([], dtype=np.int64), None, {}, None)
    # Readers give None for blank and whitespace-only cells.
    cols = [c.slice(start, n) for c in grid.columns]
    present = np.zeros(n, dtype=np.int32)
    for c in cols:
        present += np.asarray(c.is_valid(), dtype=np.int32)
    first_text = pc.coalesce(*cols) if cols else pa.nulls(n, pa.string())

    seq_col = layout.fields.get("seq")
    only_seq = np.zeros(n, dtype=bool)
    if seq_col is not None:
        # Pre-numbered template rows: a number in 序号 and nothing else.
        only_seq = (present == 1) & _matches(cols[seq_col], r"^\s*\d+(\.0)?\s*$")
    blank = (present == 0) | only_seq

    is_footer = _matches(first_text, _FOOTER)
    footer_row = None
    if is_footer.any():
        # Footers close the ledger: everything from the first footer row down is skipped,
        # but only if no task row follows it (a stray 说明 inside the table is a task problem).
        first_footer = int(np.argmax(is_footer))
        footer_row = first_footer + start
        after = np.zeros(n, dtype=bool)
        after[first_footer:] = True
        is_footer = after

    total = np.zeros(n, dtype=bool)
    key_cols = [layout.fields[k] for k in ("seq", "title", "unit", "region", "township") if k in layout.fields]
    for arr in [first_text] + [cols[k] for k in key_cols]:
        total |= _matches(arr, _TOTAL)

    title_col = layout.fields.get("title")
    status_cols = [layout.fields[k] for k in ("status", "completed_flag") if k in layout.fields]
    group_like = _matches(first_text, _GROUP)
    status_blank = np.ones(n, dtype=bool)
    for k in status_cols:
        status_blank &= ~np.asarray(cols[k].is_valid(), dtype=bool)
    if title_col is not None:
        title = cols[title_col]
        title_is_first = np.asarray(pc.fill_null(pc.equal(title, first_text), True), dtype=bool) | ~np.asarray(
            title.is_valid(), dtype=bool
        )
    else:
        title_is_first = np.ones(n, dtype=bool)
    group = group_like & title_is_first & status_blank & (present <= 3)
    group &= ~blank & ~is_footer & ~total

    tasks = ~blank & ~is_footer & ~total & ~group
    task_idx = np.nonzero(tasks)[0]

    group_category = None
    if group.any():
        level1 = group & _matches(first_text, r"^\s*[一二三四五六七八九十百]+[、.．]")
        names = first_text.to_pylist() if level1.any() else []
        heading: list[str | None] = [None] * n
        for i in np.nonzero(level1)[0]:
            text = _GROUP_LEVEL1.sub("", str(names[i]).strip())
            heading[i] = _GROUP_COUNT.sub("", text).strip() or None
        filled = pc.fill_null_forward(pa.array(heading, type=pa.string()))
        group_category = pc.take(filled, pa.array(task_idx))

    skipped = {
        "blank": int(blank.sum()),
        "footer": int((is_footer & ~blank).sum()),
        "total": int((total & ~blank & ~is_footer).sum()),
        "group": int(group.sum()),
    }
    summary_rows = np.nonzero((is_footer | total | group) & ~blank)[0] + start
    return RowBand(task_idx + start, group_category, skipped, footer_row, summary_rows)


def filled_column(grid: SheetGrid, col: int, rows: np.ndarray) -> pa.Array:
    """The column's cells at `rows`, with vertically merged ranges filled from their top cell."""
    index = np.arange(grid.n_rows, dtype=np.int64)
    touched = False
    for r0, c0, r1, c1 in grid.merged:
        if c0 <= col <= c1 and r1 > r0 and r0 >= 0:
            index[r0 + 1 : r1 + 1] = r0
            touched = True
    source = grid.columns[col]
    if touched:
        return pc.take(source, pa.array(index[rows]))
    return pc.take(source, pa.array(rows))
