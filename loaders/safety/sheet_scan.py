"""A worksheet's extent of real cells, judged while its XML streams past.

A sheet whose extent would make fastexcel/calamine allocate gigabytes (one cell
at XFD1048576, a huge merged range) is refused here, in bounded time and
memory, before any reader sees it. A lying <dimension> is ignored.
"""
from __future__ import annotations

import bisect
import functools
from typing import TYPE_CHECKING

from loaders.problems import FileRefused, column_letter, refuse

from . import limits
from .prefilter import _may_matter
from .refs import (
    _ANY_PREFIX_TAG,
    _BIG_RANGE,
    _NO_PREFIX_TAG,
    _PREFIXED_HINT,
    _R_ATTR,
    _SLOW_TAG,
    _bad_tags,
    _event_re,
    _parse_ref,
    _ref_text,
)
from .xml_scan import _root_prefix, _tag_cut, _XMLScan

if TYPE_CHECKING:
    from .archive import _OOXMLScan


@functools.lru_cache(maxsize=8)
def _thresholds(cells: int, rows: int, cols: int) -> tuple[int, list[int]]:
    """Columns up to `floor` can never make rows*cols exceed `cells`; the row
    thresholds are cells // c for every column count c that can."""
    floor = cells // rows
    exact = sorted({cells // c for c in range(floor + 1, cols + 1)} | {rows})
    # Every threshold is a new regex to compile (~0.5 ms each, ~600 of them on a
    # 100k-row sheet). Keep only thresholds at least THRESHOLD_STEP apart: rows
    # between two kept thresholds go unseen until the next event, so a sheet may
    # reach at most THRESHOLD_STEP times MAX_SHEET_CELLS before it is refused.
    thetas = [exact[0]]
    for theta in exact[1:]:
        if theta >= thetas[-1] * limits.THRESHOLD_STEP or theta == rows:
            thetas.append(theta)
    return floor, thetas


class _SheetScan(_XMLScan):
    """A worksheet: the extent of its real cells, judged while streaming.

    Fast path, taken while every <c>/<row> is written `<c r="…` / `<row r="…`
    (as Excel, WPS, openpyxl and xlsxwriter do): one regex search per chunk
    finds only the references that raise the column maximum above the columns
    that can matter, or the row maximum above the next row threshold, so a
    sheet costs at most a few hundred Python steps whatever its size.
    Otherwise (cells without `r`, whose place calamine counts) the rest of the
    sheet's <row>/<c> tags are walked in Python, within SLOW_SCAN_BUDGET for
    the whole workbook.
    """

    def __init__(self, ctx: _OOXMLScan, sheet: str, size: int):
        super().__init__(ctx)
        self.sheet = sheet
        # Each counted `<c r="` takes at least its own 6 bytes, and _inflate
        # refuses a part larger than declared: below this size the count cannot
        # pass MAX_SHEET_CELLS, so the fast path need not count (a 100k-row
        # ledger's 42 MB sheet saves a pass over it).
        self.count_cells = size > len(b'<c r="') * limits.MAX_SHEET_CELLS
        self.floor, self.thetas = _thresholds(limits.MAX_SHEET_CELLS, limits.MAX_ROWS, limits.MAX_COLS)
        self.max_col = 0
        self.max_row = 0
        self.k = self.floor
        self.tau = self.thetas[0]
        self.cells = 0
        self.rows = 0
        self.slow = False
        self.prefix: bytes | None = None  # from the root element, once decoded
        self.row = 0      # calamine's counters (0-based), slow path only
        self.col = 0
        self.last_row_ref = 0
        self.last_row_open = False

    # -- limits ----------------------------------------------------------

    def _refuse(self, detail: str) -> FileRefused:
        return refuse("absurd_dimensions", file=self.ctx.name, sheet=self.sheet, detail=detail)

    def note(self, col: int, row: int, ref: bytes | None = None) -> None:
        """A real reference (1-based; col 0 for a row element)."""
        if col > limits.MAX_COLS or row > limits.MAX_ROWS:
            raise self._refuse(_ref_text(ref, col, row))
        if col > self.max_col:
            self.max_col = col
        if row > self.max_row:
            self.max_row = row
        if self.max_col * self.max_row > limits.MAX_SHEET_CELLS:
            raise self._refuse(f"{column_letter(self.max_col - 1)}{self.max_row}")
        self.k = max(self.floor, self.max_col)
        self.tau = self.thetas[bisect.bisect_left(self.thetas, self.max_row)]

    def counts(self, cells: int, rows: int) -> None:
        self.cells += cells
        self.rows += rows
        if self.cells > limits.MAX_SHEET_CELLS:
            raise self._refuse(f">{limits.MAX_SHEET_CELLS:,} cells")
        if self.rows > limits.MAX_ROWS:
            raise self._refuse(f">{limits.MAX_ROWS:,} rows")

    @property
    def _prefix(self) -> bytes:
        """The root element's prefix, which process() reads from the first chunk
        before anything else looks at the sheet."""
        if self.prefix is None:
            raise RuntimeError("a sheet's tags were read before its root element")
        return self.prefix

    # -- chunks ----------------------------------------------------------

    def process(self, buf: bytes, final: bool) -> int:
        if self.prefix is None:
            self.prefix = _root_prefix(buf, b"worksheet")
        checked = 0
        if not self.slow:
            cut = len(buf) if final else _tag_cut(buf)
            region = buf[:cut] if cut < len(buf) else buf
            if not _may_matter(region, self.prefix, self.k, self.tau):
                # Nothing in this chunk can change the verdict: only count it.
                if self.count_cells:
                    self.counts(region.count(b"<" + self.prefix + b'c r="'), 0)
                self._track_last_row(region)
                return cut
            self.check_decl(region)
            self._big_ranges(region)
            if not self._needs_slow(region):
                self._fast(region)
                return cut
            self.slow = True
            checked = cut
            # Go on from calamine's counters after the last <row r=…> seen.
            self.row = max(self.last_row_ref - 1, 0) if self.last_row_open else self.last_row_ref
            self.col = self.k if self.last_row_open else 0
        cut = self._slow(buf, final)
        self.check_decl(buf[:cut])
        if cut > checked:
            self._big_ranges(buf[checked:cut])
        return cut

    def _needs_slow(self, region: bytes) -> bool:
        """True unless every <c>/<row> here starts `<c r="` / `<row r="`."""
        bad_c, bad_row = _bad_tags(self._prefix)
        if bad_c.search(region) or bad_row.search(region):
            return True
        # The same elements under another prefix count too (calamine reads
        # local names).
        if self._prefix:
            if _NO_PREFIX_TAG.search(region):
                return True
        elif _PREFIXED_HINT.search(region) and _ANY_PREFIX_TAG.search(region):
            return True
        if self.count_cells:
            self.counts(region.count(b"<" + self._prefix + b'c r="'), 0)
        return False

    def _fast(self, region: bytes) -> None:
        pattern = _event_re(self.k, self.tau)
        pos = 0
        while m := pattern.search(region, pos):
            self.ctx.event_budget -= 1
            if self.ctx.event_budget < 0:
                raise refuse("zip_bomb", file=self.ctx.name, detail="too many large sheets")
            value = region[m.start() + 4:m.start() + 64]
            col, row = _parse_ref(value)
            self.note(col, row, value)
            pos = m.end()
            pattern = _event_re(self.k, self.tau)
        self._track_last_row(region)

    def _track_last_row(self, region: bytes) -> None:
        row_tag = b"<" + self._prefix + b'row r="'
        end_tag = b"</" + self._prefix + b"row>"
        i = region.rfind(row_tag)
        if i >= 0:
            _, self.last_row_ref = _parse_ref(region[i + len(row_tag):i + len(row_tag) + 16])
            self.last_row_open = region.find(end_tag, i) < 0
        elif end_tag in region:
            self.last_row_open = False

    def _slow(self, buf: bytes, final: bool) -> int:
        """Walk <row>/<c> tags as calamine does; stop at the first one not
        finished in buf and return where it starts."""
        end = 0
        for m in _SLOW_TAG.finditer(buf):
            if m.group(1) is None and m.group(5) is None and not final:
                if len(buf) - m.start() > limits.MAX_TAG_BYTES:
                    raise refuse("zip_bomb", file=self.ctx.name, detail="XML tag too long")
                return m.start()
            end = m.end()
            self.ctx.slow_budget -= 1
            if self.ctx.slow_budget < 0:
                raise refuse("zip_bomb", file=self.ctx.name, detail="cells without references")
            self._slow_tag(m.group(1), m.group(2) or m.group(3), m.group(4) or b"")
        return len(buf) if final else _tag_cut(buf, end)

    def _slow_tag(self, closing: bytes, tag: bytes, body: bytes) -> None:
        if closing:
            if tag == b"row":
                self.row += 1
                self.col = 0
            return
        r = _R_ATTR.search(body)
        ref = (r.group(1) if r.group(1) is not None else r.group(2)) if r else None
        if tag == b"row":
            self.counts(0, 1)
            if ref is not None:
                self.row = max(_parse_ref(ref)[1] - 1, 0)
            self.note(0, self.row + 1, ref)
            if body.endswith(b"/"):
                self.row += 1
                self.col = 0
            return
        self.counts(1, 0)
        if ref is not None:
            col, row = _parse_ref(ref)
            self.note(col, row, ref)
            self.col = col  # 1-based column of this cell == 0-based index of the next
        else:
            self.col += 1
            self.note(self.col, self.row + 1)

    def _big_ranges(self, region: bytes) -> None:
        """<mergeCell ref> and shared-formula <f ref> ranges are expanded cell
        by cell by some readers (calamine's formula reader, openpyxl), so one
        huge range is as bad as a far cell. <dimension ref> is harmless."""
        for m in _BIG_RANGE.finditer(region):
            start = m.start()
            j = region.rfind(b"<", max(0, start - 64), start)
            element = region[j + 1:start] if j >= 0 else b""
            if element == b"dimension" or element.endswith(b":dimension"):
                continue
            self.ctx.range_budget -= 1
            if self.ctx.range_budget < 0:
                raise refuse("zip_bomb", file=self.ctx.name, detail="too many large ranges")
            end = region.find(b'"', start + 6, start + 64)
            value = region[start + 6:end if end > 0 else start + 64]
            first, _, last = value.partition(b":")
            c1, r1 = _parse_ref(first)
            c2, r2 = _parse_ref(last) if last else (c1, r1)
            if max(c1, c2) > limits.MAX_COLS or max(r1, r2) > limits.MAX_ROWS or (
                    (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1) > limits.MAX_SHEET_CELLS):
                raise self._refuse(value.decode("ascii", "replace"))
