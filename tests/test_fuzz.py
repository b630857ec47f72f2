"""Property tests of the whole loader: random ledgers and damaged files.

Hypothesis builds workbooks the way offices make them and the way nobody
should: header words from loaders/aliases.py mixed with junk, title rows,
merged regions, blank bands, huge and negative numbers, odd dates, 30k-char
text, full-width and control characters, "<script>", "=1+1". Each is written
as .xlsx (openpyxl; or xlsxwriter, with formulas and their saved values), .xls
(xlwt), an HTML table saved as .xls (UTF-8 or GBK), or CSV (UTF-8, UTF-8 with
BOM, GB18030) and ingested into a real DuckDB file. Whatever the input:

- `ingest` returns a FileReport (loaded, rejected or unchanged) and never raises;
- a rejected file leaves the database file byte for byte as it was;
- a loaded file's rows in `tasks` number rows_loaded, with contract statuses;
- every problem has a catalogue code and renders in Chinese and English.

The second half takes real fixture files (tests/workbooks.py), and now and
then a random ledger from the first half, and damages their bytes: flips,
inserts, deletions, truncation, and the same inside the XML parts of an
.xlsx. Nothing may escape, hang (20 s) or balloon (RSS up 600 MB).

Examples are derandomized and capped, so CI runs the same cases every time;
benchmarks/fuzz_long.py runs the same generators with many more examples.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import html
import io
import os
import re
import string
import tempfile
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass, field

import duckdb
import openpyxl
import psutil
import pytest
import xlsxwriter
import xlsxwriter.exceptions
import xlwt
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from loaders import clean
from loaders.aliases import ALIASES
from loaders.pipeline import FileReport, ingest
from loaders.problems import CATALOGUE
from tests import workbooks as wb

# --------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------

ALIAS_WORDS = sorted({w for words in ALIASES.values() for w in words})
STATUS_TEXT = sorted(clean.STATUS_WORDS) + list(clean.ONGOING_WORDS) + list(clean.NOT_COMPLETED_WORDS) + [
    "✔已完成", "已完成（长期坚持）", "未完成，正在推进", "完成80%", "已完成，未启动", "100%", "0%", "差不多了",
]
FLAG_TEXT = sorted(clean.FLAG_WORDS) + ["是的", "?"]
AMOUNT_TEXT = [
    "1.2亿元", "1,234.5", "350万元", "80000元", "-5", "−3万", "1e400", "1e-400", "NaN", "inf", "-0",
    "约100万元左右", "100-200", "1,2,3", "0.000000001", "9" * 400, "¥12", "无", "—",
]
DATE_TEXT = [
    "2021年6月底前", "2021.1", "2021.10", "2021-13-45", "2021-02-29", "2020-02-29", "99999", "0001-01-01",
    "20210631", "长期", "年底", "三季度末", "6月中旬", "十二月", "2099-12-31", "2100-01-01", "1899-12-30",
    "2021/6/30 12:00:00", "上半年", "2021年", "21年底", "第5季度",
]
COUNT_TEXT = ["1.2万人次", "1,200", "1200人", "-1", "1.5", "1e10", "10000000001", "约3000余人次"]
MARKER_TEXT = [
    "合计", "小计", "总计", "一、解民忧暖民心（3条）", "（二）政策惠民", "注：进展情况填写已完成。", "说明：",
    "填报单位（盖章）：市直机关工委    填报人：张三    填报时间：2021年4月25日", "填报单位：青山县委办公室",
    "江州市“我为群众办实事”项目台账（2021年4月）", "（2021年1-4月）", "截至2021年4月底", "1", "2", "3",
]
TIDY_MARKERS = ["合计", "小计", "总计", "一、解民忧暖民心（3条）", "二、政策惠民", "（一）教育"]
HOSTILE_TEXT = [
    "<script>alert(1)</script>", "=1+1", "=SUM(A1:A3)", "+1", "-1+1", "@SUM(1)", "'; DROP TABLE tasks; --",
    "{value}", "{0}", "%s%s%n", "\\N", "NULL", "null", "", " ", "\u3000", "\u200b", "\ufeff项目名称",
    "项目\n名称", "项目名称\r\n", "ＡＢＣ１２３", "（）【】", "\x00", "\x01\x02", "\x1b[31m", "\u202e反转",
    "\ud7ff", "\U0001f600", "𠀀𪚥", "\t", "\"", "\"\"", ",", "，", ";",
]
JUNK_ALPHABET = (
    string.printable
    + "项目名称进展情况单位完成推进未启动合计注一二三"
    + "０１２３４５６７８９ＡＢＣ（）：，。、　"
    + "\x00\x01\x07\x0b\x0c\x1a\x1f\x7f\u0085\u2028\u2029\u200b\ufeff\ufffd"
)


def long_text(draw_length: int, seed: str) -> str:
    return (seed * (draw_length // max(len(seed), 1) + 1))[:draw_length]


def weighted(*pairs):
    """one_of with weights: (weight, strategy) pairs."""
    return st.sampled_from([s for w, s in pairs for _ in range(w)]).flatmap(lambda s: s)


texts = weighted(
    (3, st.sampled_from(ALIAS_WORDS)),
    (3, st.sampled_from(STATUS_TEXT)),
    (3, st.sampled_from(AMOUNT_TEXT + DATE_TEXT + COUNT_TEXT)),
    (2, st.sampled_from(MARKER_TEXT)),
    (2, st.sampled_from(HOSTILE_TEXT)),
    (3, st.text(alphabet=JUNK_ALPHABET, max_size=40)),
)
# Long cells, rare: a sheet with a few dozen 30k-char cells is (rightly) a zip
# bomb to loaders.safety, which would hide everything else.
long_texts = st.builds(long_text, st.sampled_from([256, 4096, 30_000, 32_767, 33_000]),
                       st.sampled_from(["长", "项目名称", "a\n", "<b>", "项目 \u3000"]))
numbers = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, -0.0, 1e308, -1e308, 1e-300, 2**53 + 1, 36526, 44377, 73051, 20210630, 2021.1, 2021.06]),
    st.floats(allow_nan=True, allow_infinity=True),
)
dates = st.one_of(
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from([dt.date(2021, 6, 30), dt.datetime(2021, 6, 30, 23, 59, 59), dt.date(2000, 1, 1)]),
)
any_cell = weighted((8, st.none()), (12, texts), (6, numbers), (4, dates), (2, st.booleans()), (1, long_texts))

FIELD_CELLS = {
    "status": st.one_of(st.sampled_from(STATUS_TEXT), any_cell),
    "completed_flag": st.one_of(st.sampled_from(FLAG_TEXT), st.booleans(), any_cell),
    "planned_investment": st.one_of(numbers, st.sampled_from(AMOUNT_TEXT), any_cell),
    "actual_investment": st.one_of(numbers, st.sampled_from(AMOUNT_TEXT), any_cell),
    "beneficiaries": st.one_of(numbers, st.sampled_from(COUNT_TEXT), any_cell),
    "deadline": st.one_of(dates, st.sampled_from(DATE_TEXT), numbers, any_cell),
    "unit": st.one_of(st.sampled_from(["市教育局", "市民政局", "城关镇", "青山县", "市卫生健康委"]), any_cell),
    "region": st.one_of(st.sampled_from(["青山县", "白水县", "红石区", "市直"]), any_cell),
    "township": st.one_of(st.sampled_from(["城关镇", "河口乡", "东街街道"]), any_cell),
    "title": st.one_of(st.sampled_from(["修操场", "敬老院", "村道硬化", "老旧小区改造项目"]), texts),
}
# Values a tidy clerk types: the sheet should load.
CLEAN_CELLS = {
    "status": st.sampled_from(["已完成", "推进中", "未启动", "正在推进", "✔已完成", "已完成（长期坚持）", "完成80%"]),
    "completed_flag": st.sampled_from(["是", "否", True, False, "√"]),
    "planned_investment": st.one_of(st.none(), st.floats(0, 1e7), st.integers(0, 10**9),
                                    st.sampled_from(["1.2亿元", "350万元", "1,234.5"])),
    "actual_investment": st.one_of(st.none(), st.floats(0, 1e7), st.sampled_from(["80000元", "-", "无"])),
    "beneficiaries": st.one_of(st.none(), st.integers(0, 10**9), st.sampled_from(["1.2万人次", "1,200"])),
    "deadline": st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
                          st.sampled_from(["2021年6月底前", "长期", "年底"])),
    "unit": FIELD_CELLS["unit"].filter(lambda v: isinstance(v, str) and v.strip() and len(v) < 100),
    "region": st.sampled_from(["青山县", "白水县", "红石区", "市直"]),
    "township": st.sampled_from(["城关镇", "河口乡", "东街街道"]),
    "title": st.one_of(
        st.sampled_from(["修操场", "敬老院", "村道硬化", "<script>alert(1)</script>", "=1+1 ", "ＡＢＣ全角",
                         "\u202e反转", "'; DROP TABLE tasks; --"]),
        long_texts,
        st.text(alphabet=JUNK_ALPHABET, min_size=1, max_size=30).filter(lambda t: t.strip() and t[0] not in "=+-@"),
    ),
}
FIELD_OF = {w: name for name, words in ALIASES.items() for w in words}


# --------------------------------------------------------------------------
# Workbooks
# --------------------------------------------------------------------------


@dataclass
class SheetSpec:
    name: str
    rows: list[list]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r0, c0, r1, c1
    hidden: bool = False


@dataclass
class BookSpec:
    sheets: list[SheetSpec]
    stem: str
    month: dt.date | None  # passed as --month
    unit: str | None  # passed as --unit
    keep_going: bool = False


@st.composite
def ledger_sheets(draw, name: str = "台账") -> SheetSpec:
    # A header that mostly qualifies (项目名称, a status column and a unit
    # column somewhere), with other aliases and junk mixed in.
    qualify = draw(st.integers(0, 3)) < 3  # hypothesis favours 0: make it the common case
    width = draw(st.integers(3 if qualify else 1, 10))
    header = [draw(weighted((4, st.sampled_from(ALIAS_WORDS)), (1, texts), (1, st.none()))) for _ in range(width)]
    required: list[int] = []
    if qualify:
        required = draw(st.permutations(range(width)))[:3]
        for slot, word in zip(required, ["项目名称", draw(st.sampled_from(["进展情况", "是否完成", "项目进度"])),
                                         draw(st.sampled_from(["责任单位", "县区", "乡镇（街道）"]))]):
            header[slot] = word
    rows: list[list] = []
    merges: list[tuple[int, int, int, int]] = []
    for _ in range(draw(st.integers(0, 3))):  # title / filer rows
        rows.append([draw(st.one_of(st.sampled_from(MARKER_TEXT), texts))])
        if width > 1 and draw(st.booleans()):
            merges.append((len(rows) - 1, 0, len(rows) - 1, width - 1))
    header_at = len(rows)
    rows.append(header)
    if draw(st.booleans()):  # a second header row under a merged band
        band = draw(st.sampled_from(["投资情况（万元）", "投资（亿元）", "完成情况", "基本情况"]))
        lower = [None if c in required
                 else draw(st.one_of(st.sampled_from(["计划投资", "完成投资", "计划", "完成", None]), texts))
                 for c in range(width)]
        rows.append(lower)
        free = [c for c in range(width) if c not in required]
        if len(free) >= 2:  # the band spans a run of columns that are not required
            c0 = draw(st.sampled_from(free[:-1]))
            c1 = c0
            while c1 + 1 < width and c1 + 1 not in required and draw(st.booleans()):
                c1 += 1
            rows[header_at][c0] = band
            for c in range(c0 + 1, c1 + 1):
                rows[header_at][c] = None
            merges.append((header_at, c0, header_at, c1))
    if draw(st.booleans()):
        rows.append(list(range(1, width + 1)))  # a column-number row
    fields = [FIELD_OF.get(str(h)) for h in header]
    tidy = draw(st.integers(0, 2)) < 2
    values = CLEAN_CELLS if tidy else FIELD_CELLS
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(["task"] * 12 + ["blank", "band", "marker"] + ([] if tidy else ["junk"])))
        if kind == "blank":
            rows.append([None] * width)
        elif kind == "band":
            rows.extend([[]] * draw(st.integers(1, 5)))
        elif kind == "marker":
            marker = st.sampled_from(TIDY_MARKERS if tidy else MARKER_TEXT)
            rows.append([draw(marker)] + [draw(st.one_of(st.none(), numbers)) for _ in range(width - 1)])
        elif kind == "junk":
            rows.append([draw(any_cell) for _ in range(draw(st.integers(0, width + 3)))])
        else:
            rows.append([draw(values.get(f, any_cell)) if f else draw(any_cell) for f in fields])
    for _ in range(draw(st.integers(0, 3))):  # random merges, overlapping or not
        if not rows:
            break
        r0 = draw(st.integers(0, len(rows) - 1))
        c0 = draw(st.integers(0, max(width - 1, 0)))
        merges.append((r0, c0, draw(st.integers(r0, r0 + 3)), draw(st.integers(c0, c0 + 3))))
    return SheetSpec(name=name, rows=rows, merges=merges)


sheet_names = st.one_of(
    st.sampled_from(["台账", "Sheet1", "填报说明", "2021年4月", "表1", "汇总", "x" * 31]),
    st.text(alphabet="台账表一二ABC 0123-_（）", min_size=1, max_size=31),
)


@st.composite
def books(draw) -> BookSpec:
    count = draw(st.integers(1, 3))
    names = draw(st.lists(sheet_names, min_size=count, max_size=count, unique_by=lambda s: s.strip().lower()))
    sheets = []
    for name in names:
        if draw(st.integers(0, 3)) == 0:  # an instructions or junk sheet
            rows = [[draw(any_cell) for _ in range(draw(st.integers(0, 4)))] for _ in range(draw(st.integers(0, 6)))]
            sheets.append(SheetSpec(name=name, rows=rows))
        else:
            sheets.append(draw(ledger_sheets(name)))
        sheets[-1].hidden = draw(st.integers(0, 5)) == 0
    stem = draw(st.sampled_from(["台账", "青山县_2021-04", "ledger", "2021年4月台账", "白水县 202113",
                                 "报表（2021.05）", "市直_2021-05"]))
    month = draw(st.one_of(st.none(), st.sampled_from([dt.date(2021, 4, 1), dt.date(2021, 5, 1)])))
    unit = draw(st.one_of(st.none(), st.sampled_from(["市教育局", "青山县"])))
    return BookSpec(sheets=sheets, stem=stem, month=month, unit=unit, keep_going=draw(st.integers(0, 3)) == 0)


def _xlsx_value(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if isinstance(value, float) and value != value:
        return "NaN"  # openpyxl would write <v>nan</v>, which no spreadsheet program does
    return value


def write_xlsx(book: BookSpec) -> bytes:
    out = openpyxl.Workbook()
    out.remove(out.active)
    for spec in book.sheets:
        ws = out.create_sheet(_safe_sheet_name(spec.name, [s.title for s in out.worksheets]))
        for r, row in enumerate(spec.rows, start=1):
            for c, value in enumerate(row, start=1):
                value = _xlsx_value(value)
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str) and value.startswith("=") and len(value) % 2:
                    cell.data_type = "s"  # "=1+1" typed as text, not as a formula
        for r0, c0, r1, c1 in spec.merges:
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        if spec.hidden and len(out.worksheets) > 1:
            ws.sheet_state = "hidden"
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


_XLS_DATE = xlwt.easyxf(num_format_str="YYYY-MM-DD")
_XLS_DATETIME = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")


def write_xls(book: BookSpec) -> bytes:
    out = xlwt.Workbook(encoding="utf-8")
    used: list[str] = []
    for spec in book.sheets:
        name = _safe_sheet_name(spec.name, used)
        used.append(name)
        ws = out.add_sheet(name, cell_overwrite_ok=True)
        for r, row in enumerate(spec.rows[:65536]):
            for c, value in enumerate(row[:256]):
                _xls_write(ws, r, c, value)
        for r0, c0, r1, c1 in spec.merges:
            if (r0, c0) != (r1, c1) and r1 < 65536 and c1 < 256:
                ws.merge(r0, r1, c0, c1)
        if spec.hidden and len(used) > 1:
            ws.visibility = 1
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def _xls_write(ws, r: int, c: int, value) -> None:
    if value is None:
        return
    if isinstance(value, str):
        ws.write(r, c, value[:32767])
    elif isinstance(value, bool):
        ws.write(r, c, value)
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write(r, c, value, _XLS_DATETIME if isinstance(value, dt.datetime) else _XLS_DATE)
    elif isinstance(value, int) and abs(value) >= 2**53:
        ws.write(r, c, float(value))
    else:
        ws.write(r, c, value)


def _safe_sheet_name(name: str, used: list[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\']", "_", name).strip() or "Sheet"
    name = name[:28]
    base, n = name, 1
    while name.lower() in (u.lower() for u in used):
        n += 1
        name = f"{base}{n}"
    return name


def write_xlsxwriter(book: BookSpec) -> bytes:
    """The other xlsx writer: cells with formulas and their saved values (what
    Excel and WPS write, and openpyxl cannot), dates as formatted numbers."""
    buf = io.BytesIO()
    out = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                    "strings_to_numbers": False, "nan_inf_to_errors": True})
    date_format = out.add_format({"num_format": "yyyy-mm-dd"})
    used: list[str] = []
    for index, spec in enumerate(book.sheets):
        name = _safe_sheet_name(spec.name, used)
        used.append(name)
        ws = out.add_worksheet(name)
        for r, row in enumerate(spec.rows):
            for c, value in enumerate(row):
                if value is None or r > 1_048_575 or c > 16_383:
                    continue
                if isinstance(value, str):
                    value = value[:32767]
                    if value.startswith("="):
                        ws.write_formula(r, c, value, None, 2)
                    elif zlib.crc32(value.encode("utf-8", "replace")) % 3 == 0:
                        # The cell as a formula whose saved result is the text ("=IF(...)" columns).
                        ws.write_formula(r, c, '="' + value.replace('"', '""')[:200] + '"', None, value)
                    else:
                        ws.write_string(r, c, value)
                elif isinstance(value, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, value, date_format)
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, int) and abs(value) >= 2**53:
                    ws.write_number(r, c, float(value))
                else:
                    ws.write_number(r, c, value)
        for r0, c0, r1, c1 in spec.merges:
            if (r0, c0) != (r1, c1):
                try:
                    ws.merge_range(r0, c0, r1, c1, None)
                except xlsxwriter.exceptions.OverlappingRange:
                    pass
        if spec.hidden and index:
            ws.hide()
    out.close()
    return buf.getvalue()


def write_html(book: BookSpec, charset: str) -> bytes:
    """An HTML page of tables saved under an .xls name, as web systems export:
    merged regions become rowspan/colspan, overlapping ones included."""
    parts = [f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
             f"<title>{html.escape(book.stem)}</title></head><body>"]
    for spec in book.sheets:
        spans, covered = {}, set()
        for r0, c0, r1, c1 in spec.merges:
            spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
            covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
        parts.append('<table border="1">')
        for r, row in enumerate(spec.rows):
            parts.append("<tr>")
            for c, value in enumerate(row):
                if (r, c) in covered:
                    continue
                rowspan, colspan = spans.get((r, c), (1, 1))
                attrs = ((f' rowspan="{rowspan}"' if rowspan > 1 else "")
                         + (f' colspan="{colspan}"' if colspan > 1 else ""))
                parts.append(f"<td{attrs}>{html.escape(csv_text(value))}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts).encode(charset, errors="replace")


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(book: BookSpec, encoding: str, delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in book.sheets[0].rows:
        writer.writerow([csv_text(v) for v in row])
    return buf.getvalue().encode(encoding, errors="replace")


@st.composite
def files(draw) -> tuple[bytes, str, BookSpec]:
    """(bytes, file name, spec) in one of the formats the loader reads."""
    book = draw(books())
    kind = draw(st.sampled_from(["xlsx", "xlsxwriter", "xls", "html-utf-8", "html-gbk",
                                 "csv-utf-8", "csv-utf-8-sig", "csv-gb18030"]))
    if kind == "xlsx":
        return write_xlsx(book), book.stem + ".xlsx", book
    if kind == "xlsxwriter":
        return write_xlsxwriter(book), book.stem + draw(st.sampled_from([".xlsx", ".xlsm"])), book
    if kind == "xls":
        return write_xls(book), book.stem + ".xls", book
    if kind.startswith("html"):
        return write_html(book, kind[5:]), book.stem + ".xls", book
    encoding = kind[4:]
    delimiter = draw(st.sampled_from([",", ",", "\t", ";"]))
    return write_csv(book, encoding, delimiter), book.stem + ".csv", book


# --------------------------------------------------------------------------
# Damaged bytes
# --------------------------------------------------------------------------


def fixture_files() -> list[tuple[bytes, str]]:
    """Real fixture ledgers that load cleanly, one per shape and format."""
    return [
        (wb.city_ledger_xlsx(), "江州市台账（2021年4月）.xlsx"),
        (wb.county_xlsx(), "county.xlsx"),
        (wb.county_xls(), "county.xls"),
        (wb.county_csv("gb18030"), "白水县_2021-07.csv"),
        (wb.county_csv("utf-8-sig"), "白水县_2021-08.csv"),
        (wb.county_html(), "红石区.xls"),
    ]


INTERESTING_BYTES = [b"\x00", b"\xff", b"\x7f", b"\x80", b"<", b">", b'"', b"&", b"\n", b"PK", b"\xff\xff\xff\x7f",
                     b"\x00\x00\x00\x80", b"99999999", b"</row>", b"<c r=\"XFD1048576\">", b"<![CDATA[", b"&#0;"]

byte_ops = st.lists(
    st.one_of(
        st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 7)),
        st.tuples(st.just("insert"), st.floats(0, 1),
                  st.one_of(st.sampled_from(INTERESTING_BYTES), st.binary(max_size=32))),
        st.tuples(st.just("overwrite"), st.floats(0, 1),
                  st.one_of(st.sampled_from(INTERESTING_BYTES), st.binary(max_size=16))),
        st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 512)),
        st.tuples(st.just("duplicate"), st.floats(0, 1), st.integers(1, 256)),
        st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
    ),
    min_size=1,
    max_size=6,
)


def mutate(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for op, where, arg in ops:
        pos = min(int(where * len(buf)), max(len(buf) - 1, 0))
        if op == "flip" and buf:
            buf[pos] ^= 1 << arg
        elif op == "insert":
            buf[pos:pos] = arg
        elif op == "overwrite":
            buf[pos:pos + len(arg)] = arg
        elif op == "delete":
            del buf[pos:pos + arg]
        elif op == "duplicate":
            buf[pos:pos] = buf[pos:pos + arg]
        elif op == "truncate":
            del buf[pos:]
    return bytes(buf)


def mutate_zip_part(data: bytes, part_choice: float, ops) -> bytes:
    """The same .xlsx with one inner part's (inflated) bytes damaged: CRCs are
    right, so the damage reaches the XML readers instead of the zip layer."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        infos = src.infolist()
        target = infos[min(int(part_choice * len(infos)), len(infos) - 1)].filename
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in infos:
                body = src.read(info.filename)
                dst.writestr(info.filename, mutate(body, ops) if info.filename == target else body)
    return out.getvalue()


@st.composite
def damaged_files(draw) -> tuple[bytes, str]:
    """A fixture file (mostly) or a random ledger from files(), damaged."""
    if draw(st.integers(0, 4)) < 4:
        data, name = draw(st.sampled_from(FIXTURES))
    else:
        data, name, _ = draw(files())
    if data.startswith(b"PK") and draw(st.booleans()):
        return mutate_zip_part(data, draw(st.floats(0, 1)), draw(byte_ops)), name
    return mutate(data, draw(byte_ops)), name


FIXTURES = fixture_files()

# --------------------------------------------------------------------------
# The properties
# --------------------------------------------------------------------------

STATUSES = {"not_started", "in_progress", "completed"}
OUTCOMES = {"loaded", "rejected", "unchanged"}
_FIELD = re.compile(r"{(\w+)}")


def db_fingerprint(db: str) -> str | None:
    """SHA-256 of the database file and its WAL, None when there is no file."""
    if not os.path.exists(db):
        return None
    digest = hashlib.sha256()
    for path in (db, db + ".wal"):
        if os.path.exists(path):
            with open(path, "rb") as fh:
                digest.update(fh.read())
        digest.update(b"|")
    return digest.hexdigest()


def task_count(db: str) -> int:
    if not os.path.exists(db):
        return 0
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM tasks").fetchone()[0]
    finally:
        con.close()


def check_problem(problem) -> None:
    assert problem.code in CATALOGUE, problem.code
    for lang, template in zip(("zh", "en"), CATALOGUE[problem.code]):
        supplied = {"sheet", "column_name", *problem.params}
        missing = set(_FIELD.findall(template)) - supplied
        assert not missing, (problem.code, lang, missing)
        text = problem.message(lang)
        assert isinstance(text, str) and text
    problem.to_dict()


def ingest_and_check(data: bytes, name: str, db: str, **kwargs) -> FileReport:
    """Ingest one file and assert every property; returns the report."""
    before_hash = db_fingerprint(db)
    before_rows = task_count(db)
    report = ingest(data, name, db, **kwargs)  # must not raise
    assert isinstance(report, FileReport)
    assert report.status in OUTCOMES, report.status
    for problem in report.problems:
        check_problem(problem)
    if report.status == "rejected":
        assert report.problems, "a refused file says why"
        assert db_fingerprint(db) == before_hash, "a refused file changed the database"
        return report
    con = duckdb.connect(db, read_only=True)
    try:
        total = con.execute("SELECT count(*) FROM tasks").fetchone()[0]
        statuses = {s for (s,) in con.execute("SELECT DISTINCT status FROM tasks").fetchall()}
        mine = con.execute("SELECT count(*) FROM tasks WHERE upload_id = ?", [report.upload_id]).fetchone()[0]
        nulls = con.execute(
            "SELECT count(*) FROM tasks WHERE report_month IS NULL OR unit IS NULL OR title IS NULL"
        ).fetchone()[0]
    finally:
        con.close()
    assert statuses <= STATUSES, statuses
    assert nulls == 0
    if report.status == "loaded":
        assert report.rows_loaded > 0
        assert mine == report.rows_loaded
        assert total == before_rows - report.replaced_rows + report.rows_loaded
    else:  # unchanged
        assert total == before_rows
    return report


class Bounds:
    """Generous bounds on one case: wall time, and how far RSS rises above where
    it started (sampled by a thread every few milliseconds, so a short spike
    inside a Rust parser counts too)."""

    SECONDS = 20.0
    GROWTH_MB = 600

    def __init__(self):
        self.process = psutil.Process()
        self.slowest = 0.0
        self.largest_mb = 0.0

    @contextlib.contextmanager
    def case(self, what: str):
        start = self.process.memory_info().rss
        peak = [start]
        stop = threading.Event()

        def sample():
            while not stop.wait(0.005):
                peak[0] = max(peak[0], self.process.memory_info().rss)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        try:
            yield
        finally:
            elapsed = time.monotonic() - started
            stop.set()
            sampler.join()
        growth = (max(peak[0], self.process.memory_info().rss) - start) / 2**20
        self.slowest = max(self.slowest, elapsed)
        self.largest_mb = max(self.largest_mb, growth)
        assert elapsed < self.SECONDS, f"{what}: {elapsed:.1f} s"
        assert growth < self.GROWTH_MB, f"{what}: RSS rose {growth:.0f} MB"


def ingest_options(book: BookSpec) -> dict:
    return {"month": book.month, "unit": book.unit, "keep_going": book.keep_going}


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.fixture(scope="module")
def fuzz_dir():
    with tempfile.TemporaryDirectory(prefix="taizhang-fuzz-") as folder:
        yield folder


@pytest.fixture(scope="module")
def bounds():
    return Bounds()


@FUZZ
@given(case=files())
def test_random_workbooks_load_or_are_refused_cleanly(case, fuzz_dir, bounds):
    data, name, book = case
    with bounds.case(name):
        ingest_and_check(data, name, os.path.join(fuzz_dir, "random.duckdb"), **ingest_options(book))


@settings(FUZZ, max_examples=25)
@given(case=files())
def test_random_workbooks_dry_run_and_keep_going(case, fuzz_dir):
    data, name, book = case
    db = os.path.join(fuzz_dir, "keep_going.duckdb")
    before = db_fingerprint(db)
    checked = ingest(data, name, db, dry_run=True, **ingest_options(book))
    assert checked.status in ("checked", "rejected")
    assert db_fingerprint(db) == before, "a dry run wrote to the database"
    for problem in checked.problems:
        check_problem(problem)
    ingest_and_check(data, name, db, **{**ingest_options(book), "keep_going": True})


@settings(FUZZ, max_examples=200)
@given(case=damaged_files())
def test_damaged_fixture_files_never_escape(case, fuzz_dir, bounds):
    data, name = case
    with bounds.case(name):
        ingest_and_check(data, name, os.path.join(fuzz_dir, "damaged.duckdb"))


def test_fixtures_load_undamaged(tmp_path):
    """The mutation base: every fixture file loads as it is."""
    for data, name in FIXTURES:
        report = ingest_and_check(data, name, str(tmp_path / "fixtures.duckdb"))
        assert report.status == "loaded", (name, [p.message("en") for p in report.problems])


# --------------------------------------------------------------------------
# Regressions: cases the fuzzing found, kept as plain tests
# --------------------------------------------------------------------------


def test_truncated_xls_panicking_calamine_is_refused_not_raised(tmp_path):
    """calamine panics on a compound file cut short; pyo3 raises the panic as
    PanicException, a BaseException, which escaped `except Exception`."""
    import python_calamine

    data = wb.county_xls()[:5440]
    with pytest.raises(BaseException) as panic:  # the precondition: calamine really panics here
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert not isinstance(panic.value, Exception)
    report = ingest_and_check(data, "county.xls", str(tmp_path / "t.duckdb"))
    assert report.status == "rejected"
    assert [p.code for p in report.problems] == ["read_error"]


def test_csv_with_classic_mac_line_ends_loads(tmp_path):
    """Lines ended by a bare "\\r" (and "\\r" inside a quoted cell) were refused
    with csv's "new-line character seen in unquoted field"."""
    db = str(tmp_path / "t.duckdb")
    text = '县区,乡镇,项目名称,进展情况\r白水县,石桥镇,"便民\r服务中心",推进中\r白水县,龙泉乡,自来水管网延伸,已完成\r'
    report = ingest_and_check(text.encode("gb18030"), "白水县_2021-07.csv", db)
    assert report.status == "loaded", [p.message("en") for p in report.problems]
    con = duckdb.connect(db, read_only=True)
    try:
        got = con.execute("SELECT source_row, title, status FROM tasks ORDER BY source_row").fetchall()
    finally:
        con.close()
    assert got == [(2, "便民 服务中心", "in_progress"), (3, "自来水管网延伸", "completed")]


@settings(FUZZ, max_examples=300)
@given(text=st.one_of(st.text(st.characters(exclude_categories=("Cs", "Cn")), max_size=30),
                      st.text(alphabet=JUNK_ALPHABET, max_size=30)))
def test_vectorised_text_cleaning_matches_clean_normalise_text(text):
    """normalise._clean_text is clean.normalise_text over Arrow (titles, units,
    regions); RE2's \\s is narrower than Python's, so vertical tabs, \\x1c-\\x1f,
    NEL and U+2028 used to survive in loaded text. (Unassigned code points are
    left out: Arrow's Unicode tables are newer than Python 3.11's.)"""
    import pyarrow as pa

    from loaders.normalise import _clean_text

    assert _clean_text(pa.array([text], pa.string()))[0].as_py() == clean.normalise_text(text)


def test_invisible_line_breaks_do_not_make_a_second_unit(tmp_path):
    db = str(tmp_path / "t.duckdb")
    text = ("县区,乡镇,项目名称,进展情况\r\n白水县,石桥镇,便民服务,推进中\r\n"
            "白水县,石桥镇\u2028,敬老院\x0b消防,已完成\r\n白水县,\x1c石桥镇\x85,自来水,未启动\r\n")
    report = ingest_and_check(text.encode("utf-8"), "白水县_2021-07.csv", db)
    assert report.status == "loaded", [p.message("en") for p in report.problems]
    assert report.units == ["石桥镇"]
    con = duckdb.connect(db, read_only=True)
    try:
        titles = [t for (t,) in con.execute("SELECT title FROM tasks ORDER BY source_row").fetchall()]
    finally:
        con.close()
    assert titles == ["便民服务", "敬老院 消防", "自来水"]
