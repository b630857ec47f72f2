"""loaders.safety: hostile or wrong files are refused before any parser sees
them. Every hostile file is built here in code; nothing binary is committed."""
from __future__ import annotations

import io
import struct
import threading
import time
import zipfile
import zlib

import openpyxl
import psutil
import pytest
import xlsxwriter
import xlwt
from hypothesis import given, settings, strategies as st

from loaders.problems import FileRefused

# The public API, plus the scanners' internals (ole2, prefilter, refs, xml_scan) and `limits`, the limits
# they read when they run (patched there).
from loaders.safety import (
    MAX_SHEET_CELLS,
    OUT_CHUNK,
    Sniffed,
    limits,
    ole2,
    prefilter,
    refs,
    sniff,
    sniff_path,
    xml_scan,
)

# --------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------


def xlsx_bytes(rows=(("项目名称", "进展情况"), ("道路改造", "已完成")), title="台账") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xls_bytes() -> bytes:
    wb = xlwt.Workbook()
    ws = wb.add_sheet("台账")
    ws.write(0, 0, "项目名称")
    ws.write(1, 0, "道路改造")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The same zip with some parts replaced or added (deflated)."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, payload in add.items():
            dst.writestr(name, payload)
    return out.getvalue()


def sheet_xml(body: bytes, dimension: bytes = b"A1") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<dimension ref="' + dimension + b'"/><sheetData>' + body + b"</sheetData></worksheet>")


def with_sheet(body: bytes, dimension: bytes = b"A1", extra: bytes = b"") -> bytes:
    xml = sheet_xml(body, dimension)
    if extra:
        xml = xml.replace(b"</worksheet>", extra + b"</worksheet>")
    return rezip(xlsx_bytes(), {"xl/worksheets/sheet1.xml": xml})


def ordinary_rows(count: int, start: int = 1) -> bytes:
    """Rows as Excel writes them, varied enough to compress only ~10:1."""
    return b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="L%d"><v>%d</v></c></row>'
                    % (i, i, i * 7919 % 100_003, i, i * 104_729 % 999_983) for i in range(start, start + count))


def at_chunk_boundary(marker: bytes, split: int) -> bytes:
    """A sheet part in which `marker` starts `split` bytes before the end of
    the first inflated chunk, so the scanner sees it in two pieces."""
    head = sheet_xml(ordinary_rows(40_000)).split(b"<sheetData>")[0] + b"<sheetData>"
    rows = ordinary_rows(40_000)
    room = OUT_CHUNK - split - len(head)
    cut = rows.rfind(b"<row ", 0, room)
    filler = rows[:cut] + b" " * (room - cut)  # whitespace between rows is fine
    xml = head + filler + marker + rows[cut:] + b"</sheetData></worksheet>"
    assert xml.index(marker) == OUT_CHUNK - split
    return rezip(xlsx_bytes(), {"xl/worksheets/sheet1.xml": xml})


def zeros_deflate(mib: int) -> bytes:
    """A raw deflate stream of `mib` MiB of zeros, in ~1 KB per MiB, built
    without compressing gigabytes: after a full flush every 1 MiB block of
    zeros compresses to the same bytes, so one block is repeated."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(1 << 20)
    comp.compress(zeros)
    comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    return block * mib + comp.flush()


def raw_zip(entries) -> bytes:
    """A zip written by hand so sizes can be anything: entries are
    (name, compressed bytes, method, crc, declared uncompressed size)."""
    out = bytearray()
    central = bytearray()
    for name, payload, method, crc, size in entries:
        name_b = name.encode()
        big = size >= 0xFFFFFFFF or len(payload) >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, size, len(payload)) if big else b""
        csize32 = 0xFFFFFFFF if big else len(payload)
        size32 = 0xFFFFFFFF if big else size
        version = 45 if big else 20
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", version, 0, method, 0, 0x21,
                           crc, csize32, size32, len(name_b), len(extra)) + name_b + extra + payload
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", version, version, 0, method, 0, 0x21,
                               crc, csize32, size32, len(name_b), len(extra), 0, 0, 0, 0, offset) + name_b + extra
    out += central + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                                 len(central), len(out), 0)
    return bytes(out)


def deflated(data: bytes) -> bytes:
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush()


MINIMAL_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
}


def bomb_xlsx(sheet_payload: bytes, declared: int, crc: int = 0) -> bytes:
    """An xlsx-shaped zip whose sheet part is `sheet_payload` (raw deflate)."""
    entries = [(n, deflated(d), 8, zlib.crc32(d), len(d)) for n, d in MINIMAL_PARTS.items()]
    entries.append(("xl/worksheets/sheet1.xml", sheet_payload, 8, crc, declared))
    return raw_zip(entries)


END, FREE, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (v3, 512-byte sectors) with these streams.
    Streams under 4096 bytes go to the mini stream, as real writers do."""
    sectors: list[bytes] = [b""]  # sector 0 holds the FAT
    fat = {0: 0xFFFFFFFD}

    def alloc(data: bytes) -> int:
        count = max(1, -(-len(data) // 512))
        start = len(sectors)
        for i in range(count):
            sectors.append(data[i * 512:(i + 1) * 512].ljust(512, b"\x00"))
            fat[start + i] = start + i + 1 if i < count - 1 else END
        return start

    mini, minifat, places = b"", [], {}
    for name, data in streams.items():
        if len(data) < 4096:
            count = max(1, -(-len(data) // 64))
            places[name] = (len(minifat), len(data))
            minifat += [len(minifat) + i + 1 if i < count - 1 else END for i in range(count)]
            mini += data.ljust(count * 64, b"\x00")
    minifat_start = alloc(struct.pack(f"<{len(minifat)}I", *minifat)) if minifat else END
    root_start = alloc(mini) if mini else END
    for name, data in streams.items():
        if len(data) >= 4096:
            places[name] = (alloc(data), len(data))

    def entry(name, etype, start, size, child=NOSTREAM, right=NOSTREAM):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB3I", len(raw), etype, 1, NOSTREAM, right, child)
                + bytes(16) + struct.pack("<I", 0) + bytes(16) + struct.pack("<III", start, size, 0))

    names = list(streams)
    directory = entry("Root Entry", 5, root_start, len(mini), child=1 if names else NOSTREAM)
    for i, name in enumerate(names, start=1):
        start, size = places[name]
        directory += entry(name, 2, start, size, right=i + 1 if i < len(names) else NOSTREAM)
    dir_start = alloc(directory)
    assert len(sectors) <= 128
    sectors[0] = struct.pack("<128I", *[fat.get(i, FREE) for i in range(128)])
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH6sIIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, 1, dir_start, 0, 4096,
                            minifat_start, 1 if minifat else 0, END, 0, 0)
              + struct.pack("<108I", *[FREE] * 108))
    assert len(header) == 512
    return header + b"".join(sectors)


BIFF_BOF = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0)
BIFF_EOF = struct.pack("<HH", 0x000A, 0)


def refused(data: bytes, name: str) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        sniff(data, name)
    problem = caught.value.problems[0]
    assert name in problem.message("zh"), problem.message("zh")
    assert problem.message("en")
    return caught.value


def code_of(data: bytes, name: str) -> str:
    return refused(data, name).problems[0].code


def measured_refusal(data: bytes, name: str):
    """(problem, seconds, peak RSS growth in bytes), sampling RSS in a thread."""
    proc = psutil.Process()
    base = proc.memory_info().rss
    peak = [base]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        with pytest.raises(FileRefused) as caught:
            sniff(data, name)
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
    peak[0] = max(peak[0], proc.memory_info().rss)
    return caught.value.problems[0], elapsed, peak[0] - base


# --------------------------------------------------------------------------
# Files that pass
# --------------------------------------------------------------------------


def test_openpyxl_workbook_is_xlsx():
    data = xlsx_bytes()
    result = sniff(data, "2021年4月台账.xlsx")
    assert result == Sniffed("xlsx", data)
    assert sniff(data, "宏.XLSM").kind == "xlsx"


def tiny_png() -> bytes:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_rich_real_world_workbook_passes():
    """Merged title, shared strings, formulas, a comment (VML), an image,
    data validation, an autofilter, a defined name and a second sheet."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet("2021年4月台账")
    ws.merge_range("A1:F1", "（2021年4月）重点任务台账", wb.add_format({"bold": 1}))
    ws.write_row(2, 0, ["序号", "项目名称", "进展情况", "计划投资", "完成投资"])
    for i in range(3, 2000):
        ws.write_row(i, 0, [i - 2, f"项目{i}", "推进中", 100.5, 50])
        ws.write_formula(i, 5, f"=D{i + 1}-E{i + 1}", None, 50.5)
    ws.write_comment("B3", "备注")
    ws.insert_image("H2", "logo.png", {"image_data": io.BytesIO(tiny_png())})
    ws.data_validation("C4:C2000", {"validate": "list", "source": ["已完成", "推进中", "未启动"]})
    ws.autofilter("A3:F2000")
    wb.add_worksheet("说明").write("A1", "注：单位万元")
    wb.define_name("台账区域", "='2021年4月台账'!$A$3:$F$2000")
    wb.close()
    assert sniff(out.getvalue(), "2021年4月台账.xlsx").kind == "xlsx"


def test_sniff_path_refuses_a_large_file_before_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx_bytes())
    assert sniff_path(path).kind == "xlsx"
    monkeypatch.setenv("TAIZHANG_MAX_UPLOAD_MB", "0.001")
    with pytest.raises(FileRefused) as caught:
        sniff_path(path, "上传的台账.xlsx")
    assert caught.value.problems[0].code == "file_too_large"
    assert "上传的台账.xlsx" in caught.value.problems[0].message("zh")


def test_xlsx_renamed_to_csv_is_read_as_xlsx():
    assert sniff(xlsx_bytes(), "台账.csv").kind == "xlsx"


def test_xlwt_workbook_is_xls_whatever_its_suffix():
    data = xls_bytes()
    assert sniff(data, "台账.xls").kind == "xls"
    assert sniff(data, "台账.xlsx").kind == "xls"


@pytest.mark.parametrize("encoding, expected", [
    ("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")])
def test_chinese_csv_passes_with_its_encoding(encoding, expected):
    data = "项目名称,进展情况,单位\r\n道路改造,已完成,城关镇\r\n".encode(encoding) * 50
    result = sniff(data, "台账.csv")
    assert (result.kind, result.encoding) == ("csv", expected)


def test_html_table_saved_as_xls_is_html():
    page = ("<html><head><meta charset='utf-8'><style>td{}</style></head><body>"
            "<table><tr><th>项目名称</th><th colspan=2>进展</th></tr>"
            "<tr><td>道路改造</td><td>已完成</td><td></td></tr></table></body></html>").encode()
    assert sniff(page, "导出.xls").kind == "html"
    assert sniff(b"\xef\xbb\xbf\r\n  " + page, "导出.xlsx").kind == "html"
    assert sniff(page, "导出.csv").kind == "html"


def test_lying_dimension_alone_is_harmless():
    data = with_sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
                      dimension=b"A1:XFD1048576")
    assert sniff(data, "台账.xlsx").kind == "xlsx"


def test_wide_and_tall_but_plausible_sheets_pass():
    # 702 columns in one row, a million rows in one column: both within limits.
    wide = b'<row r="1"><c r="A1"><v>1</v></c><c r="ZZ1"><v>2</v></c></row>'
    tall = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="I1048576"><v>2</v></c></row>'
    assert sniff(with_sheet(wide), "宽.xlsx").kind == "xlsx"
    assert sniff(with_sheet(tall), "长.xlsx").kind == "xlsx"


def test_cells_without_references_are_placed_like_calamine_does():
    row = b"<row>" + b"<c><v>1</v></c>" * 30 + b"</row>"
    assert sniff(with_sheet(row * 20), "无引用.xlsx").kind == "xlsx"


def test_prefixed_spreadsheetml_passes():
    xml = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
           b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    data = rezip(xlsx_bytes(), {"xl/worksheets/sheet1.xml": xml})
    assert sniff(data, "前缀.xlsx").kind == "xlsx"


# --------------------------------------------------------------------------
# Wrong files
# --------------------------------------------------------------------------


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", MINIMAL_PARTS["[Content_Types].xml"])
        z.writestr("word/document.xml", b"<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize("data, detail", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40), "PNG"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG"),
    (docx_bytes(), "docx"),
    ("项目名称\t进展情况\n道路改造\t已完成\n".encode("gbk"), "TXT/CSV"),
    (b"\x13\x37" + bytes(range(256)) * 4, "binary"),
])
def test_renamed_non_spreadsheets_are_refused(data, detail):
    error = refused(data, "台账.xlsx")
    problem = error.problems[0]
    assert problem.code == "not_a_spreadsheet"
    assert problem.params["detail"] == detail
    assert detail in problem.message("zh")


def test_plain_zip_and_xml_are_not_spreadsheets():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hi")
    assert refused(out.getvalue(), "a.xlsx").problems[0].params["detail"] == "zip archive"
    assert code_of(b'<?xml version="1.0"?><note>hi</note>', "a.xls") == "not_a_spreadsheet"
    xml2003 = (b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
               b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
               b'<Worksheet><Table/></Worksheet></Workbook>')
    assert refused(xml2003, "a.xls").problems[0].params["detail"] == "XML Spreadsheet 2003"


@pytest.mark.parametrize("name, suffix", [("台账.pdf", ".pdf"), ("台账.xlsx.exe", ".exe"), ("台账", "无 / none"),
                                          ("台账.ods", ".ods")])
def test_wrong_suffix(name, suffix):
    error = refused(xlsx_bytes(), name)
    assert error.problems[0].code == "unsupported_format"
    assert error.problems[0].params["suffix"] == suffix


def test_empty_file():
    assert code_of(b"", "台账.xlsx") == "empty_file"
    assert code_of(b"", "台账.csv") == "empty_file"


def test_too_large_uses_the_configured_limit(monkeypatch):
    monkeypatch.setenv("TAIZHANG_MAX_UPLOAD_MB", "1")
    error = refused(b"a,b\n" * 300_000, "大.csv")
    problem = error.problems[0]
    assert problem.code == "file_too_large"
    assert (problem.params["size_mb"], problem.params["limit_mb"]) == ("1.1", "1")


# --------------------------------------------------------------------------
# CSV that is not text
# --------------------------------------------------------------------------


def test_csv_with_nul_bytes_is_binary():
    assert code_of("项目名称,进展\n".encode() + b"\x00\x01\x02" * 10, "台账.csv") == "csv_binary"


def test_control_heavy_csv_is_binary():
    assert code_of(bytes(range(1, 32)) * 100, "台账.csv") == "csv_binary"


def test_utf16_and_undecodable_csv_are_encoding_problems():
    assert code_of("项目名称,进展\n".encode("utf-16"), "台账.csv") == "csv_encoding"
    # Valid UTF-8 Chinese, then a broken byte: not silently read as GB18030.
    assert code_of("项目名称,进展\n".encode() * 10 + b"\xff\xfe,x\n", "台账.csv") == "csv_encoding"


# --------------------------------------------------------------------------
# Zip bombs
# --------------------------------------------------------------------------


def test_bomb_by_declared_size_is_refused_fast_and_small():
    payload = zeros_deflate(5 * 1024)  # 5 GiB of zeros in ~5 MB
    assert len(payload) < 8 << 20
    data = bomb_xlsx(payload, declared=5 << 30)
    problem, seconds, growth = measured_refusal(data, "炸弹.xlsx")
    assert problem.code == "zip_bomb"
    assert seconds < 20 and growth < 600 << 20


def test_bomb_lying_about_its_size_is_refused_while_inflating():
    payload = zeros_deflate(5 * 1024)
    data = bomb_xlsx(payload, declared=10_000)  # claims 10 kB, inflates to 5 GiB
    problem, seconds, growth = measured_refusal(data, "说谎.xlsx")
    assert problem.code == "zip_bomb"
    assert "larger than declared" in problem.params["detail"]
    assert seconds < 20 and growth < 600 << 20


def test_patched_sizes_in_local_header_and_central_directory():
    real = sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>' * 1) + b" " * (3 << 20)
    data = bytearray(rezip(xlsx_bytes(), {"xl/worksheets/sheet1.xml": real}))
    name = b"xl/worksheets/sheet1.xml"
    local = 0
    while True:
        local = data.find(b"PK\x03\x04", local)
        if data[local + 30:local + 30 + len(name)] == name:
            break
        local += 4
    struct.pack_into("<I", data, local + 22, 2048)           # uncompressed size
    central = data.find(b"PK\x01\x02" + bytes(data[local + 4:local + 6]))
    while data[central + 46:central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 2048)
    problem = refused(bytes(data), "改过.xlsx").problems[0]
    assert problem.code == "zip_bomb"


def test_huge_compression_ratio_entry():
    data = bomb_xlsx(zeros_deflate(100), declared=100 << 20)
    problem = refused(data, "高压缩.xlsx").problems[0]
    assert problem.code == "zip_bomb"
    assert ":1" in problem.params["detail"]


def test_too_many_entries():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, payload in MINIMAL_PARTS.items():
            z.writestr(name, payload)
        for i in range(10_001):
            z.writestr(f"x/{i}", b"")
    assert code_of(out.getvalue(), "很多.xlsx") == "zip_bomb"


def test_overlapping_entries_are_refused():
    # Two central records pointing at the same local entry (Fifield-style).
    one = bomb_xlsx(deflated(b"<worksheet/>"), declared=12, crc=zlib.crc32(b"<worksheet/>"))
    cd = one.find(b"PK\x01\x02")
    eocd = one.rfind(b"PK\x05\x06")
    records = one[cd:eocd]
    last = records.rfind(b"PK\x01\x02")
    doubled = records + records[last:]
    tail = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 4, 4, len(doubled), cd, 0)
    assert code_of(one[:cd] + doubled + tail, "重叠.xlsx") == "zip_bomb"


def test_corrupt_zip():
    data = xlsx_bytes()
    assert code_of(data[: len(data) // 2], "半个.xlsx") == "corrupt_file"
    damaged = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged[start + info.compress_size // 2] ^= 0xFF
    assert code_of(bytes(damaged), "坏了.xlsx") == "corrupt_file"
    wrong_crc = bytearray(data)
    # The sheet's central record: its name follows the 46-byte fixed part.
    central = wrong_crc.find(b"xl/worksheets/sheet1.xml", wrong_crc.find(b"PK\x01\x02")) - 46
    assert wrong_crc[central:central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", wrong_crc, central + 16, info.CRC ^ 1)
    problem = refused(bytes(wrong_crc), "校验.xlsx").problems[0]
    assert (problem.code, problem.params["detail"]) == ("corrupt_file", "CRC xl/worksheets/sheet1.xml")


# --------------------------------------------------------------------------
# XML tricks
# --------------------------------------------------------------------------

LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml",
                                  "xl/styles.xml"])
def test_entity_declarations_are_refused_in_any_part(part):
    base = xlsx_bytes()  # openpyxl writes inline strings: no sharedStrings part
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        present = part in z.namelist()
        original = z.read(part) if present else b"<sst/>"
    hostile = LAUGHS + original.split(b"?>", 1)[-1]
    data = rezip(base, {part: hostile}) if present else rezip(base, add={part: hostile})
    problem = refused(data, "实体.xlsx").problems[0]
    assert problem.code == "zip_bomb"
    assert "DOCTYPE" in problem.params["detail"]


@pytest.mark.parametrize("split", [1, 4, 9])
def test_entity_declaration_split_between_chunks_is_found(split):
    problem = refused(at_chunk_boundary(b"<!ENTITY x 'y'>", split), "分块.xlsx").problems[0]
    assert problem.code == "zip_bomb"
    assert "DOCTYPE" in problem.params["detail"]


def test_entity_in_html_is_refused():
    page = b"<!DOCTYPE html [<!ENTITY a 'b'>]><html><table><tr><td>&a;</td></tr></table></html>"
    assert code_of(page, "网页.xls") == "zip_bomb"


# --------------------------------------------------------------------------
# Absurd dimensions
# --------------------------------------------------------------------------


def test_one_real_cell_at_xfd1048576():
    body = ('<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>').encode()
    error = refused(with_sheet(body), "远.xlsx")
    problem = error.problems[0]
    assert problem.code == "absurd_dimensions"
    assert problem.sheet == "台账"  # the name from xl/workbook.xml, not the part name
    assert problem.params["detail"] == "XFD1048576"
    assert "台账" in problem.message("zh") and "XFD1048576" in problem.message("zh")


@pytest.mark.parametrize("body, detail", [
    (b'<row r="1"><c r="AAA1"><v>1</v></c></row>', "AAA1"),
    (b'<row r="1048577"><c r="A1048577"><v>1</v></c></row>', "1048577"),
    (b'<row r="1"><c r="A1"><v>1</v></c><c r="ZZ1"><v>1</v></c></row>'
     b'<row r="20000"><c r="B20000"><v>1</v></c></row>', "ZZ20000"),
    (b'<row r="20000"><c r="B20000"><v>1</v></c></row>'
     b'<row r="20001"><c r="ZZ20001"><v>1</v></c></row>', "ZZ20001"),
    (b'<row r="1"><c r="a1"><v>1</v></c><c r="xfd1"><v>1</v></c></row>', "xfd1"),
])
def test_far_cells_are_refused(body, detail):
    problem = refused(with_sheet(body), "远.xlsx").problems[0]
    assert problem.code == "absurd_dimensions"
    assert problem.params["detail"] == detail


def test_far_cell_after_more_than_a_chunk_of_ordinary_rows():
    rows = ordinary_rows(30_000)
    assert len(rows) > OUT_CHUNK  # the far cell arrives in a later chunk
    assert sniff(with_sheet(rows), "近.xlsx").kind == "xlsx"
    far = refused(with_sheet(rows + b'<row r="30001"><c r="XFD30001"><v>1</v></c></row>'), "远.xlsx")
    assert far.problems[0].params["detail"] == "XFD30001"
    # A column seen early and rows seen late multiply beyond the cap.
    wide_early = rows.replace(b'<c r="L1">', b'<c r="ZZ1">', 1)
    assert 702 * 30_000 > MAX_SHEET_CELLS
    assert code_of(with_sheet(wide_early), "远.xlsx") == "absurd_dimensions"


@pytest.mark.parametrize("split", [2, 6, 9, 12])
def test_far_cell_split_between_chunks(split):
    marker = b'<row r="40001"><c r="XFD40001"><v>1</v></c></row>'
    problem = refused(at_chunk_boundary(marker, split), "远.xlsx").problems[0]
    assert (problem.code, problem.params["detail"]) == ("absurd_dimensions", "XFD40001")


def test_cells_without_references_after_ordinary_rows():
    # Fast path for a chunk and more, then calamine-style counting from row 30001.
    loose = b"<row>" + b"<c><v>1</v></c>" * 400 + b"</row>"
    problem = refused(with_sheet(ordinary_rows(30_000) + loose), "混合.xlsx").problems[0]
    # Refused at the first cell past the cap: column 334 (LV) of row 30001.
    assert 333 * 30_001 <= MAX_SHEET_CELLS < 334 * 30_001
    assert (problem.code, problem.params["detail"]) == ("absurd_dimensions", "LV30001")


def test_utf16_sheet_part_is_scanned_too():
    xml = sheet_xml(b'<row r="1"><c r="XFD1"><v>1</v></c></row>').replace(b'encoding="UTF-8"', b'encoding="UTF-16"')
    data = rezip(xlsx_bytes(), {"xl/worksheets/sheet1.xml": xml.decode().encode("utf-16")})
    assert refused(data, "十六.xlsx").problems[0].params["detail"] == "XFD1"


def test_scan_budgets_bound_the_work(monkeypatch):
    monkeypatch.setattr(limits, "SLOW_SCAN_BUDGET", 100)
    loose = (b"<row>" + b"<c><v>1</v></c>" * 10 + b"</row>") * 20
    assert refused(with_sheet(loose), "预算.xlsx").problems[0].params["detail"] == "cells without references"
    monkeypatch.setattr(limits, "EVENT_BUDGET", 1)
    assert code_of(with_sheet(ordinary_rows(30_000)), "预算.xlsx") == "zip_bomb"


def test_cells_without_references_beyond_zz():
    row = b'<row r="1">' + b"<c><v>1</v></c>" * 703 + b"</row>"
    problem = refused(with_sheet(row), "无引用.xlsx").problems[0]
    assert problem.code == "absurd_dimensions"
    assert problem.params["detail"] == "AAA1"


def test_huge_merged_range_and_shared_formula_range():
    merge = b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    data = with_sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>', extra=merge)
    assert refused(data, "合并.xlsx").problems[0].params["detail"] == "A1:XFD1048576"
    formula = b'<row r="1"><c r="A1"><f t="shared" ref="A1:ZZ1048576" si="0">1</f><v>1</v></c></row>'
    assert code_of(with_sheet(formula), "公式.xlsx") == "absurd_dimensions"


def test_html_span_bomb():
    page = b"<html><table><tr><td colspan=700 rowspan=1000000>x</td></tr></table></html>"
    problem = refused(page, "网页.xls").problems[0]
    assert problem.code == "absurd_dimensions"


# --------------------------------------------------------------------------
# OLE2 / encrypted
# --------------------------------------------------------------------------


def test_cfb_with_encrypted_package_is_encrypted():
    data = cfb_bytes({"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(200),
                      "EncryptedPackage": bytes(5000)})
    assert code_of(data, "加密.xlsx") == "encrypted"


def test_really_encrypted_xlsx_is_encrypted():
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    out = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(xlsx_bytes())).encrypt("密码123", out)
    assert code_of(out.getvalue(), "加密.xlsx") == "encrypted"


def test_xls_with_filepass_record_is_encrypted():
    data = bytearray(xls_bytes())
    bof = data.find(BIFF_BOF[:8])
    assert bof > 0
    struct.pack_into("<H", data, bof + 20, 0x002F)  # the record after BOF becomes FILEPASS
    assert code_of(bytes(data), "加密.xls") == "encrypted"


def test_small_workbook_stream_in_the_mini_stream():
    filepass = struct.pack("<HH", 0x002F, 6) + bytes(6)
    assert code_of(cfb_bytes({"Workbook": BIFF_BOF + filepass + BIFF_EOF}), "小.xls") == "encrypted"
    assert sniff(cfb_bytes({"Workbook": BIFF_BOF + BIFF_EOF}), "小.xls").kind == "xls"


def test_other_ole_files_are_not_spreadsheets():
    problem = refused(cfb_bytes({"WordDocument": bytes(5000)}), "文档.xls").problems[0]
    assert (problem.code, problem.params["detail"]) == ("not_a_spreadsheet", "doc")


def test_damaged_cfb_is_corrupt():
    data = cfb_bytes({"Workbook": BIFF_BOF + bytes(5000)})
    assert code_of(data[:1024], "坏.xls") == "corrupt_file"


# --------------------------------------------------------------------------
# The RE2 prefilter may only skip chunks the exact checks would pass
# --------------------------------------------------------------------------

_TOKENS = [
    b'<row r="7">', b'<row r="150001">', b"</row>", b'<c r="B7">', b'<c r="M7" t="s">', b'<c r="N7">',
    b'<c r="AB7">', b'<c r="ABC7">', b'<c r="A9999999">', b'<c r="A0150001">', b"<c>", b"<c/>",
    b"<c\tr=\"A1\">", b'<c s="1" r="A1">', b"<row>", b"<row spans=\"1:3\">", b'<x:c r="A1">', b"<x:row>",
    b"<v>1</v>", b"</c>", b"<!DOCTYPE x>", b"<!entity y>", b'<mergeCell ref="A1:XFD1"/>',
    b'<f ref="A1:A99999">', b'<dimension ref="A1:XFD1048576"/>', b"<cols><col min=\"1\"/></cols>",
    b'<cfRule type="x"/>', "备注:c ".encode(), b" ", b" r", b" r=", b"<c ", b"<row ", b"<c r=", b"<",
]


def _exact_checks_react(region: bytes, prefix: bytes, k: int, tau: int) -> bool:
    """What the fast path's exact checks would act on (see _SheetScan.process)."""
    bad_c, bad_row = refs._bad_tags(prefix)
    big_range = any(not region[max(0, m.start() - 10):m.start()].endswith(b"dimension")
                    for m in refs._BIG_RANGE.finditer(region))
    other_prefix = (refs._NO_PREFIX_TAG.search(region) if prefix
                    else refs._PREFIXED_HINT.search(region) and refs._ANY_PREFIX_TAG.search(region))
    return bool(xml_scan._DECL.search(region) or big_range or bad_c.search(region) or bad_row.search(region)
                or other_prefix or refs._event_re(k, tau).search(region))


@settings(max_examples=400, deadline=None)
@given(tokens=st.lists(st.sampled_from(_TOKENS), max_size=12), prefix=st.sampled_from([b"", b"x:"]),
       k=st.sampled_from([9, 13, 30]), tau=st.sampled_from([14_245, 150_000, 1_048_576]))
def test_prefilter_never_skips_what_the_exact_checks_would_see(tokens, prefix, k, tau):
    region = b"".join(tokens)
    if prefix:
        region = region.replace(b"<c", b"<x:c").replace(b"<row", b"<x:row").replace(b"<x:x:", b"<x:")
    if _exact_checks_react(region, prefix, k, tau):
        assert prefilter._may_matter(region, prefix, k, tau)


def test_prefilter_passes_ordinary_rows_and_flags_a_far_cell():
    rows = ordinary_rows(2_000)
    assert not prefilter._may_matter(rows, b"", 13, 14_245)
    assert prefilter._may_matter(rows + b'<c r="XFD3">', b"", 13, 14_245)
    assert prefilter._may_matter(rows + b'<row r="20000">', b"", 13, 14_245)


def test_xls_whose_workbook_stream_runs_past_the_file_is_corrupt():
    data = bytearray(cfb_bytes({"Workbook": BIFF_BOF + bytes(6000)}))
    assert sniff(bytes(data), "好.xls").kind == "xls"
    # The directory claims more than the chain holds, as in a file cut short.
    entry = data.index("Workbook".encode("utf-16-le"))
    struct.pack_into("<I", data, entry + 120, 60_000)
    problem = refused(bytes(data), "短.xls").problems[0]
    assert (problem.code, problem.params["detail"]) == ("corrupt_file", "OLE2 truncated")


def test_xls_with_a_chain_pointing_past_the_end_is_corrupt_not_a_reader_error():
    wb = xlwt.Workbook()
    ws = wb.add_sheet("台账")
    for i in range(2000):
        ws.write(i, 0, f"项目{i}")
    out = io.BytesIO()
    wb.save(out)
    data = bytearray(out.getvalue())
    cfb = ole2._CFB(bytes(data))
    start = next(e[2] for e in cfb.entries if e[0] == "Workbook")
    middle = list(cfb._chain(start, cfb.fat))[40]
    fat_sector = struct.unpack_from("<I", data, 0x4C)[0]  # xlwt's FAT fits in its first sector
    struct.pack_into("<I", data, (fat_sector + 1) * 512 + middle * 4, cfb.nsect + 5000)
    problem = refused(bytes(data), "断.xls").problems[0]
    # before the whole chain was walked, this reached calamine: "Cannot detect file format"
    assert (problem.code, problem.params["detail"]) == ("corrupt_file", "OLE2 chain")


def test_many_real_cells_in_a_small_extent_are_counted_when_the_part_could_hold_too_many(monkeypatch):
    # The same cell written over and over: a tiny extent, but calamine keeps every one.
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 1_000)
    many = b'<row r="1">' + b'<c r="A1"><v>1</v></c>' * 2_000 + b"</row>"
    problem = refused(with_sheet(many), "重复.xlsx").problems[0]
    assert (problem.code, problem.params["detail"]) == ("absurd_dimensions", ">1,000 cells")
    # A part of at most 6 bytes per allowed cell cannot hold too many: not counted, passed.
    few = b'<row r="1">' + b'<c r="A1"/>' * 500 + b"</row>"
    assert len(sheet_xml(few, b"A1")) <= 6 * 1_000
    assert sniff(with_sheet(few), "少.xlsx").kind == "xlsx"
