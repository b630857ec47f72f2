"""Bytes -> grids of cells. Nothing else: no header finding, no parsing of values.

Every format ends up as the same thing: a `SheetGrid` whose cells are strings
(or None), column-major in Arrow arrays, with the sheet position of its first
cell so that row numbers and column letters match what the clerk sees in Excel.

Cells are strings the way fastexcel renders them: numbers "100.5" / "3",
date cells "2021-06-30 00:00:00", booleans "true". The .xls, CSV and HTML
readers produce the same forms so that one set of parsers serves all.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import logging
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser

import fastexcel
import pyarrow as pa

from loaders.problems import Problem, column_letter, refuse
from loaders.safety import Sniffed

# The readers' own chatter never reaches the clerk. calamine (inside fastexcel)
# logs through Python's logging: a workbook with a chart sheet gives
# "'chartsheet' not a valid worksheet" (fastexcel still returns that sheet, empty,
# and locate passes it over). With no handler configured, as under
# `python -m loaders`, Python's last-resort handler would print it on stderr
# above our own message. A NullHandler ends that; an application that
# configures logging still receives the records.
for _library in ("calamine", "fastexcel"):
    logging.getLogger(_library).addHandler(logging.NullHandler())


@dataclass
class SheetGrid:
    name: str
    visible: bool
    columns: list[pa.Array]
    n_rows: int
    row_offset: int = 0  # 0-based sheet row of grid row 0
    col_offset: int = 0  # 0-based sheet column of grid column 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # grid coords, inclusive
    formula_cells: list[tuple[int, int]] = field(default_factory=list)  # grid coords without saved value

    @property
    def n_cols(self) -> int:
        return len(self.columns)

    def excel_row(self, grid_row: int) -> int:
        return grid_row + self.row_offset + 1

    def excel_column(self, grid_col: int) -> str:
        return column_letter(grid_col + self.col_offset)

    def rows(self, start: int, stop: int) -> list[list[str | None]]:
        """Row-major Python lists for a small band (header search, previews)."""
        stop = min(stop, self.n_rows)
        if start >= stop:
            return []
        cols = [c.slice(start, stop - start).to_pylist() for c in self.columns]
        return [list(r) for r in zip(*cols)] if cols else [[] for _ in range(stop - start)]


@dataclass
class WorkbookGrids:
    kind: str
    sheets: list[SheetGrid]


def read_grids(sniffed: Sniffed, file_name: str) -> WorkbookGrids:
    reader = {"xlsx": _read_xlsx, "xls": _read_xls, "csv": _read_csv, "html": _read_html}[sniffed.kind]
    try:
        sheets = reader(sniffed.data, file_name)
    except BaseException as error:  # a parser's own error: the file is damaged in a way sniff missed
        if getattr(error, "problems", None) or not _is_parser_error(error):
            raise
        raise refuse("read_error", file=file_name, detail=_short(error)) from error
    if not any(s.n_rows for s in sheets):
        raise refuse("empty_workbook", file=file_name)
    return WorkbookGrids(sniffed.kind, sheets)


def _is_parser_error(error: BaseException) -> bool:
    """An Exception, or a Rust panic inside calamine/fastexcel: pyo3 raises
    those as pyo3_runtime.PanicException, a BaseException (one class per
    extension module, so it is recognised by name)."""
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]


def _string_columns(rows: list[list], width: int | None = None) -> list[pa.Array]:
    width = width if width is not None else max((len(r) for r in rows), default=0)
    cols: list[list[object]] = [[] for _ in range(width)]
    for row in rows:
        for j in range(width):
            cols[j].append(row[j] if j < len(row) else None)
    return [pa.array(c, type=pa.string()) for c in cols]


# --- xlsx / xlsm -------------------------------------------------------------

_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
_CELL_WITH_VALUE = (
    rb"<" + _NS + rb'c r="([A-Z]{1,3})(\d+)"[^>]*?(?<!/)>'
    rb"(?:<" + _NS + rb"f[^>]*?(?:/>|>[^<]*</" + _NS + rb"f>))?"
    rb"<" + _NS + rb"(?:v|is)[ >]"
)
_FIRST_VALUED_CELL = re.compile(_CELL_WITH_VALUE)
_MERGE = re.compile(rb"<" + _NS + rb'mergeCell ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
# A formula with no <v> before the cell closes: Excel/WPS always save the value,
# generators (openpyxl, some web exports) do not. Such a cell reads as blank.
_FORMULA_NO_VALUE = re.compile(
    rb"<" + _NS + rb'c r="([A-Z]{1,3})(\d+)"([^>]*?)(?<!/)>\s*'
    rb"<" + _NS + rb"f[^>]*?(?:/>|>[^<]*</" + _NS + rb"f>)\s*"
    rb"(?:<" + _NS + rb"v\s*/>|<" + _NS + rb"v>\s*</" + _NS + rb"v>)?\s*</" + _NS + rb"c>"
)
_REL_TARGET = re.compile(rb'<(?:\w+:)?Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"'
                         rb'|<(?:\w+:)?Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')
_SHEET_ENTRY = re.compile(rb'<(?:\w+:)?sheet [^>]*?name="([^"]*)"[^>]*?/?>')
_RID = re.compile(rb'r:id="([^"]+)"|(?:\w+:)?id="([^"]+)"')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


_SHEET_STATE = re.compile(rb'\sstate="([^"]*)"')


def _xlsx_sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, bool]]:
    """(worksheet part name, visible) in workbook order (the order fastexcel uses).

    Visibility is the <sheet state> attribute (hidden, veryHidden), read here
    because fastexcel's eager load, the fastest, returns no sheet object."""
    workbook = zf.read("xl/workbook.xml")
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        rels = b""
    targets = {}
    for m in _REL_TARGET.finditer(rels):
        rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        target = target.decode()
        target = target.lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        targets[rid] = target
    parts = []
    for m in _SHEET_ENTRY.finditer(workbook):
        rid = _RID.search(m.group(0))
        key = (rid.group(1) or rid.group(2)) if rid else None
        state = _SHEET_STATE.search(m.group(0))
        parts.append((targets.get(key, ""), not state or state.group(1) == b"visible"))
    return parts


SCAN_CHUNK = 4 << 20  # inflated sheet XML scanned at a time: a 500k-row sheet is ~210 MB


def _sheet_xml_chunks(stream, size: int = SCAN_CHUNK):
    """The sheet XML in pieces that end after a </row> (or at the end), so no
    cell element is split between two pieces."""
    carry = b""
    while True:
        block = stream.read(size)
        if not block:
            if carry:
                yield carry
            return
        buf = carry + block
        cut = _end_of_last_row(buf)
        if cut < 0:
            carry = buf
            continue
        yield buf[:cut]
        carry = buf[cut:]


_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row>")


def _end_of_last_row(buf: bytes) -> int:
    """Just after the last </row> (or </x:row>) in buf, or -1."""
    pos = len(buf)
    while (pos := buf.rfind(b"row>", 0, pos)) >= 0:
        start = buf.rfind(b"</", max(0, pos - 64), pos)
        if start >= 0 and _ROW_END.fullmatch(buf, start, pos + 4):
            return pos + 4
    return -1


def _scan_sheet_xml(chunks) -> tuple[int, int, list, list]:
    """Where values start, merged ranges and formula cells with no saved value.

    fastexcel (calamine) drops leading empty rows and columns; the clerk's row
    numbers need them back. The first valued cell gives the first row; the
    smallest column holding a value anywhere gives the first column.
    `chunks` is the sheet XML in pieces cut between elements (streamed, so a
    big sheet's XML is never held whole beside fastexcel's own copy).
    """
    row_offset: int | None = None
    col_offset = 0  # set with row_offset, from the first valued cell
    merged: list[tuple[int, int, int, int]] = []
    formulas: list[tuple[int, int]] = []
    for xml in chunks:
        if row_offset is None:
            match = _FIRST_VALUED_CELL.search(xml)
            if match is None:
                continue
            row_offset, col_offset = int(match.group(2)) - 1, _col_index(match.group(1))
        # A value further left in a later row moves the first column left.
        for candidate in range(col_offset):
            if _valued_in_column(candidate).search(xml):
                col_offset = candidate
                break
        start = xml.find(b"mergeCell ")
        if start != -1:
            for m in _MERGE.finditer(xml, max(0, start - 8)):
                c0, r0 = _col_index(m.group(1)), int(m.group(2)) - 1
                c1, r1 = (_col_index(m.group(3)), int(m.group(4)) - 1) if m.group(3) else (c0, r0)
                merged.append((r0, c0, r1, c1))
        if b"<f" in xml or b":f" in xml:
            for m in _FORMULA_NO_VALUE.finditer(xml):
                if b't="str"' in m.group(3):
                    continue  # a formula whose saved result is the empty string
                formulas.append((int(m.group(2)) - 1, _col_index(m.group(1))))
    if row_offset is None:
        return 0, 0, [], []
    return row_offset, col_offset, merged, formulas


@functools.lru_cache(maxsize=64)
def _valued_in_column(column: int) -> re.Pattern:
    letters = column_letter(column).encode()
    return re.compile(_CELL_WITH_VALUE.replace(rb"([A-Z]{1,3})", letters, 1))


def _read_xlsx(data: bytes, file_name: str) -> list[SheetGrid]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    parts = _xlsx_sheet_parts(zf)
    names = set(zf.namelist())

    def scan(index: int):
        part = parts[index][0] if index < len(parts) else ""
        if part not in names:
            return 0, 0, [], []
        with zf.open(part) as stream:
            return _scan_sheet_xml(_sheet_xml_chunks(stream))

    reader = fastexcel.read_excel(data)
    sheets = []
    # The XML scan (offsets, merges, formulas) runs beside fastexcel's parse:
    # zlib and the Rust reader both release the GIL.
    with ThreadPoolExecutor(max_workers=1) as pool:
        scans = [pool.submit(scan, i) for i in range(len(reader.sheet_names))]
        for index, name in enumerate(reader.sheet_names):
            # eager: straight to an Arrow batch, 20-30% faster than load + to_arrow
            batch = reader.load_sheet(
                index, header_row=None, dtypes="string", schema_sample_rows=1, whitespace_as_null=True,
                eager=True,
            )
            row_offset, col_offset, merged, formulas = scans[index].result()
            sheets.append(
                SheetGrid(
                    name=name,
                    visible=parts[index][1] if index < len(parts) else True,
                    columns=list(batch.columns),
                    n_rows=batch.num_rows,
                    row_offset=row_offset,
                    col_offset=col_offset,
                    merged=[
                        (r0 - row_offset, c0 - col_offset, r1 - row_offset, c1 - col_offset)
                        for r0, c0, r1, c1 in merged
                    ],
                    formula_cells=[(r - row_offset, c - col_offset) for r, c in formulas],
                )
            )
    return sheets


# --- legacy .xls ---------------------------------------------------------------


def cell_text(value) -> str | None:
    """Render a typed cell the way fastexcel renders xlsx cells as strings."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d 00:00:00")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value) or None


def _read_xls(data: bytes, file_name: str) -> list[SheetGrid]:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for index, meta in enumerate(book.sheets_metadata):
        if "WorkSheet" not in str(meta.typ):
            continue
        sheet = book.get_sheet_by_index(index)
        rows = [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=True)]
        start = sheet.start or (0, 0)
        row_offset, col_offset = start
        merged = [
            (r0 - row_offset, c0 - col_offset, r1 - row_offset, c1 - col_offset)
            for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
        ]
        grid = SheetGrid(
            name=meta.name,
            visible="Visible" in str(meta.visible),
            columns=_string_columns(rows),
            n_rows=len(rows),
            row_offset=row_offset,
            col_offset=col_offset,
            merged=merged,
        )
        sheets.append(grid)
    return sheets


# --- CSV -----------------------------------------------------------------------


def decode_text(data: bytes, file_name: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return codecs.decode(data, encoding)
        except UnicodeDecodeError:
            continue
    raise refuse("csv_encoding", file=file_name)


def _read_csv(data: bytes, file_name: str) -> list[SheetGrid]:
    text = decode_text(data, file_name)
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    # newline="": csv splits the lines itself, so classic-Mac "\r" line ends and
    # line breaks inside quoted cells read as Excel writes them.
    lines = io.StringIO(text, newline="")
    rows = [[cell if cell.strip() else None for cell in row] for row in csv.reader(lines, delimiter=delimiter)]
    while rows and not any(rows[-1]):
        rows.pop()
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return [SheetGrid(name=stem, visible=True, columns=_string_columns(rows), n_rows=len(rows))]


# --- HTML tables saved under an .xls name ----------------------------------------


class _TableParser(HTMLParser):
    """Collects every <table> as rows of text, expanding rowspan and colspan."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._stack: list[dict] = []
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._title: list[str] | None = None
        self.title = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._stack.append({"rows": [], "caption": "", "row": None})
        elif not self._stack:
            if tag == "title":
                self._title = []
        elif tag == "tr":
            self._stack[-1]["row"] = []
        elif tag in ("td", "th"):
            self._cell = []
            self._span = (_int(attrs.get("rowspan")), _int(attrs.get("colspan")))
        elif tag == "caption":
            self._cell = []
            self._span = None
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag == "title" and self._title is not None:
            self.title = "".join(self._title).strip()
            self._title = None
        if not self._stack:
            return
        table = self._stack[-1]
        if tag in ("td", "th") and self._cell is not None:
            if table["row"] is None:
                table["row"] = []
            table["row"].append(("".join(self._cell).strip(), *self._span))
            self._cell = None
        elif tag == "caption" and self._cell is not None:
            table["caption"] = "".join(self._cell).strip()
            self._cell = None
        elif tag == "tr" and table["row"] is not None:
            table["rows"].append(table["row"])
            table["row"] = None
        elif tag == "table":
            self.tables.append(self._stack.pop())

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._title is not None:
            self._title.append(data)


def _int(value) -> int:
    try:
        return max(1, min(int(value), 1000))
    except (TypeError, ValueError):
        return 1


def _expand_spans(raw_rows: list[list[tuple[str, int, int]]]) -> tuple[list[list], list]:
    grid: dict[tuple[int, int], str | None] = {}
    merged = []
    for r, row in enumerate(raw_rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else None
            if rowspan > 1 or colspan > 1:
                merged.append((r, c, r + rowspan - 1, c + colspan - 1))
            c += colspan
    if not grid:
        return [], []
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    rows = [[(grid.get((r, c)) or None) for c in range(width)] for r in range(height)]
    return rows, merged


def _read_html(data: bytes, file_name: str) -> list[SheetGrid]:
    head = data[:4096].lower()
    match = re.search(rb'charset=["\']?([\w-]+)', head)
    text = None
    if match:
        try:
            text = data.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text = decode_text(data, file_name)
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    sheets = []
    for i, table in enumerate(parser.tables, start=1):
        rows, merged = _expand_spans(table["rows"])
        # The caption (or the page title) becomes the first row, where the month
        # usually is; rows are numbered as they appear in the browser, caption first.
        caption = table["caption"] or (parser.title if i == 1 else "")
        if caption:
            rows.insert(0, [caption])
            merged = [(r0 + 1, c0, r1 + 1, c1) for r0, c0, r1, c1 in merged]
        sheets.append(
            SheetGrid(name=f"表{i}", visible=True, columns=_string_columns(rows), n_rows=len(rows), merged=merged)
        )
    return sheets


def formula_problems(grid: SheetGrid, file_name: str, needed=None) -> list[Problem]:
    """Formula cells without a saved value, where `needed(row, column)` says the
    cell is read (a 合计 row or an ignored column never refuses a file)."""
    return [
        Problem(
            "formula_without_value",
            file=file_name,
            sheet=grid.name,
            row=grid.excel_row(r),
            column=grid.excel_column(c),
            params={"cell": f"{grid.excel_column(c)}{grid.excel_row(r)}"},
        )
        for r, c in grid.formula_cells
        if needed is None or needed(r, c)
    ]
