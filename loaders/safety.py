"""Refuse hostile or wrong uploads before any spreadsheet parser sees them.

`sniff(data, file_name)` decides what a file really is from its bytes (not its
name) and raises `FileRefused` with one coded problem when it must not reach
the readers: wrong type, empty, too large, encrypted, damaged, a zip bomb, an
XML entity trick, or a sheet whose extent would make fastexcel/calamine
allocate gigabytes. It works in bounded memory: zip parts are inflated in
chunks of at most `OUT_CHUNK` bytes and scanned with C-level regex searches,
never held whole.

Limits are module constants, so a deployment may tune them in one place.
"""
from __future__ import annotations

import bisect
import codecs
import functools
import io
import os
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree import ElementTree

import pyarrow as pa
import pyarrow.compute as pc

from .problems import FileRefused, column_letter, refuse

# --------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------

DEFAULT_MAX_UPLOAD_MB = 50
ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")

MAX_ZIP_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 1 << 30       # sum of the declared sizes of all entries
MAX_RATIO = 200                        # declared size : compressed size ...
RATIO_MIN_BYTES = 1 << 20              # ... judged only on entries above 1 MiB
MAX_SMALL_PART_BYTES = 16 << 20        # xl/workbook.xml and its rels, parsed here

MAX_ROWS = 1_048_576                   # Excel's own limits on real cells
MAX_COLS = 702                         # "ZZ"
# Extent (rows x columns) of one sheet. fastexcel allocates ~32 bytes per cell
# of the extent (measured: 10 M cells -> ~325 MB), so 10 M keeps one sheet
# under ~350 MB; a real ledger has well under 100 k cells.
MAX_SHEET_CELLS = 10_000_000
THRESHOLD_STEP = 1.5
MAX_SHARED_STRINGS = 5_000_000
# Tags scanned one by one in Python (sheets whose cells lack an `r` reference);
# the fast path never looks at single cells.
SLOW_SCAN_BUDGET = 2_000_000
# Fast-path events (a new column or row maximum) for the whole workbook: a
# sheet has at most ~1,400, so this allows ~140 huge sheets.
EVENT_BUDGET = 200_000
MAX_BIG_RANGES = 100_000               # <mergeCell>/<f ref> ranges checked one by one
MAX_TAG_BYTES = 1 << 20                # one unfinished XML tag carried between chunks

HEAD_BYTES = 64 * 1024                 # what we look at to recognise text formats
HTML_TABLE_WINDOW = 1 << 20            # "<table" must appear this early in HTML
IN_CHUNK = 256 * 1024                  # compressed bytes fed to zlib per call
OUT_CHUNK = 1 << 20                    # inflated bytes produced per call


def max_file_bytes() -> int:
    """The upload limit, from TAIZHANG_MAX_UPLOAD_MB (default 50 MB)."""
    raw = os.environ.get("TAIZHANG_MAX_UPLOAD_MB", "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_UPLOAD_MB
    except ValueError:
        mb = DEFAULT_MAX_UPLOAD_MB
    if not mb > 0:
        mb = DEFAULT_MAX_UPLOAD_MB
    return int(mb * 1024 * 1024)


MAX_FILE_BYTES = max_file_bytes()  # as configured at import; sniff re-reads the env


@dataclass(frozen=True)
class Sniffed:
    kind: str                    # "xlsx" (also .xlsm), "xls", "html" or "csv"
    data: bytes                  # the file's bytes, unchanged
    encoding: str | None = None  # csv only: "utf-8-sig", "utf-8" or "gb18030"


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, file_name: str) -> Sniffed:
    """What the upload really is, or FileRefused with one coded problem."""
    suffix = PurePath(file_name.strip()).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise refuse("unsupported_format", file=file_name, suffix=suffix or "无 / none")
    if not data:
        raise refuse("empty_file", file=file_name)
    check_size(len(data), file_name)
    head = bytes(data[:HEAD_BYTES])
    if head.startswith(ZIP_MAGIC):
        return _sniff_zip(data, file_name)
    if head.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        raise refuse("not_a_spreadsheet", file=file_name, detail="empty zip")
    if head.startswith(CFB_MAGIC):
        return _sniff_cfb(data, file_name)
    detail = _known_magic(head)
    if detail:
        raise refuse("not_a_spreadsheet", file=file_name, detail=detail)
    markup = _sniff_markup(data, head, suffix, file_name)
    if markup is not None:
        return markup
    if suffix == ".csv":
        return _sniff_csv(data, file_name)
    raise refuse("not_a_spreadsheet", file=file_name, detail=_text_or_binary(head))


def sniff_path(path: str | os.PathLike, file_name: str | None = None) -> Sniffed:
    """sniff() a file on disk, refusing an oversized one before reading it."""
    name = file_name if file_name is not None else PurePath(path).name
    suffix = PurePath(name.strip()).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise refuse("unsupported_format", file=name, suffix=suffix or "无 / none")
    check_size(os.path.getsize(path), name)
    with open(path, "rb") as fh:
        return sniff(fh.read(), name)


def check_size(size: int, file_name: str) -> None:
    limit = max_file_bytes()
    if size > limit:
        raise refuse("file_too_large", file=file_name,
                     size_mb=_mb(size), limit_mb=_mb(limit))


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f}".removesuffix(".0")


# --------------------------------------------------------------------------
# Magic numbers of things that are not spreadsheets
# --------------------------------------------------------------------------

_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"{\\rtf", "RTF"),
    (b"SQLite format 3\x00", "SQLite"),
    (b"MIME-Version:", "MHT"),
    (b"\x09\x00\x04\x00", "Excel 2.x"),
    (b"\x09\x02\x06\x00", "Excel 3.0"),
    (b"\x09\x04\x06\x00", "Excel 4.0"),
)


def _known_magic(head: bytes) -> str | None:
    for magic, detail in _MAGIC:
        if head.startswith(magic):
            return detail
    if head[:4] == b"RIFF":
        return "RIFF"
    if head[4:8] == b"ftyp":
        return "MP4"
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return "EXE"
    return None


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1a") + b"\x7f"


def _text_or_binary(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "TXT (UTF-16)"
    if b"\x00" not in head and _control_count(head) <= len(head) // 100:
        for enc in ("utf-8", "gb18030"):
            try:
                codecs.getincrementaldecoder(enc)().decode(head, len(head) < HEAD_BYTES)
                return "TXT/CSV"
            except UnicodeDecodeError:
                pass
    return "binary"


def _control_count(chunk: bytes) -> int:
    return len(chunk) - len(chunk.translate(None, _CONTROL_BYTES))


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------

def _sniff_csv(data: bytes, name: str) -> Sniffed:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse("csv_encoding", file=name)  # UTF-16 "Unicode text"
    head = data[:HEAD_BYTES]
    if b"\x00" in data or _control_count(head) > max(8, len(head) // 100):
        raise refuse("csv_binary", file=name)
    encoding = _text_encoding(data)
    if encoding is None:
        raise refuse("csv_encoding", file=name)
    return Sniffed("csv", data, encoding)


def _text_encoding(data: bytes) -> str | None:
    """UTF-8 (with or without BOM) or GB18030, validated over the whole file
    in chunks. A file that is valid UTF-8 up to a bad byte, with Chinese
    before it, is broken UTF-8, not GB18030: decoding it as GB18030 would load
    mojibake without any error."""
    view = memoryview(data)
    bom = data.startswith(codecs.BOM_UTF8)
    failed_at = _decode_fails_at(view, "utf-8")
    if failed_at is None:
        return "utf-8-sig" if bom else "utf-8"
    if bom or not data[:failed_at].isascii():
        return None
    return "gb18030" if _decode_fails_at(view, "gb18030") is None else None


def _decode_fails_at(view: memoryview, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    step = OUT_CHUNK
    for start in range(0, len(view), step):
        final = start + step >= len(view)
        try:
            decoder.decode(view[start:start + step], final)
        except UnicodeDecodeError as exc:
            return start + max(exc.start, 0)
    return None


# --------------------------------------------------------------------------
# HTML / XML text
# --------------------------------------------------------------------------

_SPREADSHEET_ML = re.compile(rb"<(?:\w+:)?workbook[^>]*urn:schemas-microsoft-com:office:spreadsheet", re.I)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|\?xml|head|body|meta|table)\b", re.I)
_ENTITY_DECL = re.compile(rb"<!entity", re.I)
_HTML_SPAN_TAG = re.compile(rb"<t[dh]\b[^>]*?span[^>]*>", re.I)
_HTML_SPAN = re.compile(rb"(colspan|rowspan)\s*=\s*[\"']?\s*(\d+)", re.I)


def _sniff_markup(data: bytes, head: bytes, suffix: str, name: str) -> Sniffed | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return None
    else:
        text = data
    start = text[:HEAD_BYTES].lstrip(b"\xef\xbb\xbf").lstrip()
    if not start.startswith(b"<"):
        return None
    window = text[:HTML_TABLE_WINDOW]
    if _SPREADSHEET_ML.search(window):
        raise refuse("not_a_spreadsheet", file=name, detail="XML Spreadsheet 2003")
    if re.search(rb"<table\b", window, re.I):
        _check_html(text, name)
        return Sniffed("html", data)
    if suffix == ".csv" and not _HTML_START.match(start):
        return None  # a CSV whose first cell happens to start with "<"
    low = start[:4096].lower()
    detail = "HTML" if b"<html" in low or b"<!doctype html" in low else "XML"
    raise refuse("not_a_spreadsheet", file=name, detail=detail)


def _check_html(text: bytes, name: str) -> None:
    """Entity declarations, and spans that make pandas.read_html expand a
    few bytes into millions of cells (it does not clamp colspan/rowspan)."""
    if _ENTITY_DECL.search(text):
        raise refuse("zip_bomb", file=name, detail="XML DOCTYPE/ENTITY")
    low = text.lower()
    cells = low.count(b"<td") + low.count(b"<th")
    del low
    for tag in _HTML_SPAN_TAG.finditer(text):
        spans = {"colspan": 1, "rowspan": 1}
        for key, value in _HTML_SPAN.findall(tag.group()):
            spans[key.lower().decode()] = int(value[:9])
        col, row = spans["colspan"], spans["rowspan"]
        if col > MAX_COLS or row > MAX_ROWS:
            raise refuse("absurd_dimensions", file=name, sheet="HTML",
                         detail=f"colspan={col} rowspan={row}")
        cells += col * row - 1
        if cells > MAX_SHEET_CELLS:
            raise refuse("absurd_dimensions", file=name, sheet="HTML",
                         detail=f">{MAX_SHEET_CELLS:,} cells")
    if cells > MAX_SHEET_CELLS:
        raise refuse("absurd_dimensions", file=name, sheet="HTML",
                     detail=f">{MAX_SHEET_CELLS:,} cells")


# --------------------------------------------------------------------------
# OLE2 / CFB (.xls and password-protected .xlsx)
# --------------------------------------------------------------------------

class _BadCFB(Exception):
    pass


_FREE_OR_END = 0xFFFFFFFA  # ids at or above this are markers, not sectors


class _CFB:
    """The little of [MS-CFB] needed here: directory names and stream prefixes."""

    def __init__(self, data: bytes):
        if len(data) < 512:
            raise _BadCFB("header")
        self.data = data
        self.major = struct.unpack_from("<H", data, 0x1A)[0]
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise _BadCFB("sector size")
        self.ssz = 1 << shift
        self.nsect = (len(data) - 1) // self.ssz  # sectors after the header, the last maybe short
        n_fat, dir_start = struct.unpack_from("<II", data, 0x2C)
        self.mini_cutoff, minifat_start, n_minifat, difat_start, n_difat = \
            struct.unpack_from("<IIIII", data, 0x38)
        if n_fat > self.nsect or n_difat > self.nsect:
            raise _BadCFB("FAT size")
        fat_ids = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _FREE_OR_END]
        sid, per = difat_start, self.ssz // 4 - 1
        for _ in range(n_difat):
            if sid >= _FREE_OR_END:
                break
            ids = struct.unpack_from(f"<{per + 1}I", self._sector(sid))
            fat_ids.extend(s for s in ids[:per] if s < _FREE_OR_END)
            sid = ids[per]
        fat_ids = fat_ids[:n_fat]
        self.fat = b"".join(self._sector(s) for s in fat_ids)
        self.entries = []  # (name, type, start, size)
        raw = b"".join(self._sector(s) for s in self._chain(dir_start, self.fat))
        for off in range(0, len(raw) - 127, 128):
            name_len = struct.unpack_from("<H", raw, off + 64)[0]
            etype = raw[off + 66]
            if etype not in (1, 2, 5) or not 2 <= name_len <= 64:
                continue
            name = raw[off:off + name_len - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", raw, off + 116)
            if self.major == 3:
                size &= 0xFFFFFFFF
            self.entries.append((name, etype, start, size))
        if not self.entries or self.entries[0][1] != 5:
            raise _BadCFB("directory")
        self.minifat_start, self.n_minifat = minifat_start, n_minifat

    def _sector(self, sid: int) -> bytes:
        if sid >= self.nsect:
            raise _BadCFB("sector id")
        off = (sid + 1) * self.ssz
        return self.data[off:off + self.ssz].ljust(self.ssz, b"\x00")

    def _chain(self, start: int, table: bytes, limit: int | None = None):
        """Sector ids from start, following `table`; loops and bad ids are errors."""
        n = len(table) // 4
        seen = 0
        sid = start
        while sid < _FREE_OR_END:
            if sid >= n or seen > n:
                raise _BadCFB("chain")
            yield sid
            seen += 1
            if limit is not None and seen >= limit:
                return
            sid = struct.unpack_from("<I", table, sid * 4)[0]

    def _stream(self, wanted: str) -> tuple[int, int] | None:
        """(start sector, size) of the stream of this lower-case name."""
        for name, etype, start, size in self.entries:
            if etype == 2 and name.lower() == wanted:
                return start, size
        return None

    def check_stream(self, wanted: str) -> None:
        """The whole stream lies inside the file. Readers follow the chain to
        its end, and a damaged chain (a cut file, a bad FAT entry) otherwise
        surfaces as their own cryptic error, or a panic inside calamine."""
        found = self._stream(wanted)
        if found is None:
            return
        start, size = found
        if size < self.mini_cutoff:
            return  # inside the mini stream, which read_prefix has walked
        needed = -(-size // self.ssz)
        count = 0
        for sid in self._chain(start, self.fat, needed):
            count += 1
            last_bytes = size - (count - 1) * self.ssz if count == needed else self.ssz
            if sid >= self.nsect or (sid + 1) * self.ssz + last_bytes > len(self.data):
                raise _BadCFB("truncated")
        if count < needed:
            raise _BadCFB("truncated")

    def stream_names(self) -> set[str]:
        return {name.lower() for name, etype, _, _ in self.entries if etype == 2}

    def read_prefix(self, wanted: str, limit: int) -> bytes:
        found = self._stream(wanted)
        if found is None:
            return b""
        start, size = found
        limit = min(limit, size)
        if size >= self.mini_cutoff:
            sectors = self._chain(start, self.fat, limit // self.ssz + 1)
            return b"".join(self._sector(s) for s in sectors)[:limit]
        # A small stream lives in the mini stream (the root entry's chain).
        root_start = self.entries[0][2]
        minifat = b"".join(self._sector(s) for s in
                           self._chain(self.minifat_start, self.fat, self.n_minifat or None))
        per_sector = self.ssz // 64
        out = []
        root_sectors = None
        for mini in self._chain(start, minifat, limit // 64 + 1):
            if root_sectors is None:
                root_sectors = list(self._chain(root_start, self.fat))
            index, within = divmod(mini, per_sector)
            if index >= len(root_sectors):
                raise _BadCFB("mini stream")
            sector = self._sector(root_sectors[index])
            out.append(sector[within * 64:(within + 1) * 64])
        return b"".join(out)[:limit]


_BIFF_BOF = (0x0809, 0x0409, 0x0209, 0x0009)
_BIFF_FILEPASS = 0x002F
_BIFF_STOP = (0x0085, 0x000A)  # BOUNDSHEET, EOF: FILEPASS comes before both


def _sniff_cfb(data: bytes, name: str) -> Sniffed:
    try:
        cfb = _CFB(data)
        streams = cfb.stream_names()
        if "encryptedpackage" in streams or "encryptioninfo" in streams:
            raise refuse("encrypted", file=name)
        book = "workbook" if "workbook" in streams else "book" if "book" in streams else None
        if book is None:
            detail = ("doc" if "worddocument" in streams
                      else "ppt" if "powerpoint document" in streams else "OLE")
            raise refuse("not_a_spreadsheet", file=name, detail=detail)
        prefix = cfb.read_prefix(book, 8192)
        cfb.check_stream(book)
    except (_BadCFB, struct.error) as exc:
        raise refuse("corrupt_file", file=name, detail=f"OLE2 {exc or 'structure'}") from None
    pos = 0
    first = True
    while pos + 4 <= len(prefix):
        rtype, rlen = struct.unpack_from("<HH", prefix, pos)
        if first and rtype not in _BIFF_BOF:
            raise refuse("corrupt_file", file=name, detail="BIFF BOF")
        first = False
        if rtype == _BIFF_FILEPASS:
            raise refuse("encrypted", file=name)
        if rtype in _BIFF_STOP:
            break
        pos += 4 + rlen
    if first:
        raise refuse("corrupt_file", file=name, detail="empty Workbook stream")
    return Sniffed("xls", data)


# --------------------------------------------------------------------------
# ZIP / OOXML
# --------------------------------------------------------------------------

_DECL = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_SKIP_PREFIXES = ("xl/media/", "xl/embeddings/", "xl/activex/", "xl/printersettings/")
_XML_SUFFIXES = (".xml", ".rels", ".vml")


def _norm(part: str) -> str:
    part = part.replace("\\", "/").lstrip("/")
    return posixpath.normpath(part).lower() if part else part


def _sniff_zip(data: bytes, name: str) -> Sniffed:
    # Count central-directory records before zipfile builds an object for each.
    eocd = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    declared = struct.unpack_from("<H", data, eocd + 10)[0] if 0 <= eocd <= len(data) - 22 else 0
    records = data.count(b"PK\x01\x02")
    if max(records, declared if declared != 0xFFFF else 0) > MAX_ZIP_ENTRIES:
        raise refuse("zip_bomb", file=name, detail=f"{max(records, declared):,} zip entries")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, struct.error,
            EOFError, OSError, UnicodeDecodeError, NotImplementedError) as exc:
        raise refuse("corrupt_file", file=name, detail=f"zip: {_short(exc)}") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise refuse("zip_bomb", file=name, detail=f"{len(infos):,} zip entries")

    names = {_norm(i.filename) for i in infos}
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise refuse("not_a_spreadsheet", file=name, detail=_zip_kind(names, archive, infos))

    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise refuse("zip_bomb", file=name, detail=f"{total / 2**30:.1f} GiB uncompressed")
    for info in infos:
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise refuse("zip_bomb", file=name, detail=f"{info.filename} {ratio:,.0f}:1")
        if info.flag_bits & 0x1:
            raise refuse("encrypted", file=name)

    return _OOXMLScan(data, name, infos).run()


def _zip_kind(names: set[str], archive: zipfile.ZipFile, infos) -> str:
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "ofd.xml" in names:
        return "OFD"
    if "mimetype" in names:
        info = next(i for i in infos if _norm(i.filename) == "mimetype")
        if info.file_size < 200 and info.compress_type == zipfile.ZIP_STORED:
            try:
                mime = archive.read(info).decode("ascii", "replace")
            except Exception:  # noqa: BLE001 - only a label for the message
                mime = ""
            if "opendocument.spreadsheet" in mime:
                return "ODS"
            if "opendocument" in mime:
                return "ODF"
    return "zip archive"


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:80]


class _OOXMLScan:
    """Inflates the XML parts of an xlsx in bounded chunks and scans them."""

    def __init__(self, data: bytes, name: str, infos: list[zipfile.ZipInfo]):
        self.data = data
        self.view = memoryview(data)
        self.name = name
        self.infos = infos
        self.slow_budget = SLOW_SCAN_BUDGET
        self.event_budget = EVENT_BUDGET
        self.range_budget = MAX_BIG_RANGES

    def run(self) -> Sniffed:
        spans = self._data_spans()
        by_name = {_norm(i.filename): i for i in self.infos}
        # The small parts that name the sheets come first, then everything else.
        rels_info = by_name.get("xl/_rels/workbook.xml.rels")
        book_info = by_name["xl/workbook.xml"]
        rels = self._read_small(rels_info, spans) if rels_info else b""
        book = self._read_small(book_info, spans)
        sheets, shared = self._sheet_parts(book, rels)
        done = {id(book_info)} | ({id(rels_info)} if rels_info else set())
        for info in self.infos:
            if id(info) in done:
                continue
            part = _norm(info.filename)
            if part in sheets or part.startswith(("xl/worksheets/", "xl/macrosheets/",
                                                  "xl/dialogsheets/")) and part.endswith(".xml"):
                scan = _SheetScan(self, sheets.get(part, info.filename), info.file_size)
            elif part in shared:
                scan = _SharedStringsScan(self)
            elif part.endswith(_XML_SUFFIXES) and not part.startswith(_SKIP_PREFIXES):
                scan = _XMLScan(self)
            else:
                continue  # images, embedded objects: no parser we use reads them
            self._inflate(info, spans, scan)
        return Sniffed("xlsx", self.data)

    # -- zip mechanics ---------------------------------------------------

    def _data_spans(self) -> dict[int, tuple[int, int]]:
        """Where each entry's compressed bytes are, from its local header;
        overlapping entries (one deflate stream counted many times) refused."""
        spans = {}
        for info in self.infos:
            off = info.header_offset
            if off < 0 or off + 30 > len(self.data) or self.data[off:off + 4] != ZIP_MAGIC:
                raise refuse("corrupt_file", file=self.name, detail=f"zip header {info.filename}"[:90])
            name_len, extra_len = struct.unpack_from("<HH", self.data, off + 26)
            start = off + 30 + name_len + extra_len
            end = start + info.compress_size
            if end > len(self.data):
                raise refuse("corrupt_file", file=self.name, detail=f"truncated {info.filename}"[:90])
            spans[id(info)] = (start, end)
        ordered = sorted((info.header_offset, spans[id(info)][1]) for info in self.infos)
        for (_, end), (next_start, _) in zip(ordered, ordered[1:]):
            if next_start < end:
                raise refuse("zip_bomb", file=self.name, detail="overlapping zip entries")
        return spans

    def _inflate(self, info: zipfile.ZipInfo, spans, sink) -> None:
        """Feed the entry's real output to sink in chunks; never more than
        its declared size (which the central directory checks bounded)."""
        start, end = spans[id(info)]
        declared = info.file_size
        produced = 0
        crc = 0
        if info.compress_type == zipfile.ZIP_STORED:
            for pos in range(start, end, OUT_CHUNK):
                chunk = bytes(self.view[pos:min(pos + OUT_CHUNK, end)])
                produced += len(chunk)
                if produced > declared:
                    self._lying(info)
                crc = zlib.crc32(chunk, crc)
                sink.feed(chunk)
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            inflater = zlib.decompressobj(-15)
            pos = start
            pending = b""
            try:
                while not inflater.eof:
                    if not pending and pos < end:
                        pending = self.view[pos:min(pos + IN_CHUNK, end)]
                        pos += IN_CHUNK
                    chunk = inflater.decompress(pending, OUT_CHUNK)
                    pending = inflater.unconsumed_tail
                    if not chunk and not pending and pos >= end and not inflater.eof:
                        raise refuse("corrupt_file", file=self.name,
                                     detail=f"truncated {info.filename}"[:90])
                    produced += len(chunk)
                    if produced > declared:
                        self._lying(info)
                    crc = zlib.crc32(chunk, crc)
                    sink.feed(chunk)
            except zlib.error:
                raise refuse("corrupt_file", file=self.name,
                             detail=f"deflate {info.filename}"[:90]) from None
        else:
            raise refuse("corrupt_file", file=self.name,
                         detail=f"compression method {info.compress_type}")
        if produced != declared or crc != info.CRC:
            raise refuse("corrupt_file", file=self.name, detail=f"CRC {info.filename}"[:90])
        sink.close()

    def _lying(self, info: zipfile.ZipInfo):
        raise refuse("zip_bomb", file=self.name,
                      detail=f"{info.filename} larger than declared"[:90])

    def _read_small(self, info: zipfile.ZipInfo, spans) -> bytes:
        if info.file_size > MAX_SMALL_PART_BYTES:
            raise refuse("zip_bomb", file=self.name,
                         detail=f"{info.filename} {info.file_size / 2**20:.0f} MiB")
        keep = _Collect(self)
        self._inflate(info, spans, keep)
        return keep.text()

    # -- which parts are sheets ------------------------------------------

    def _sheet_parts(self, book: bytes, rels: bytes) -> tuple[dict[str, str], set[str]]:
        """{normalised part: sheet name} and the shared-strings parts."""
        targets, shared = {}, {"xl/sharedstrings.xml"}
        for rel in _xml_elements(rels, "Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            part = _norm(target if target.startswith("/") else "xl/" + target)
            targets[rel.get("Id", "")] = part
            if rel.get("Type", "").endswith("/sharedStrings"):
                shared.add(part)
        sheets = {}
        for sheet in _xml_elements(book, "sheet"):
            rid = next((v for k, v in sheet.attrib.items()
                        if k.endswith("}id") or k == "id"), "")
            part = targets.get(rid)
            if part:
                sheets[part] = sheet.get("name") or part
        return sheets, shared


def _xml_elements(text: bytes, local: str):
    """Elements with this local name. Only called on text _XMLScan passed:
    no DOCTYPE, so expat has no entities to expand."""
    if not text:
        return []
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return []  # the reader will report what it cannot parse
    return [e for e in root.iter() if e.tag == local or e.tag.endswith("}" + local)]


# --------------------------------------------------------------------------
# Part scanners: fed chunk by chunk, each keeps only an unfinished tag
# --------------------------------------------------------------------------

class _XMLScan:
    """Any XML part: refuse DOCTYPE/ENTITY declarations (billion laughs, XXE).

    Each chunk is cut at its last "<" so no tag is split between two scans;
    the unfinished tag is carried into the next chunk (at most MAX_TAG_BYTES:
    beyond that the tag's start is complete in this chunk anyway)."""

    def __init__(self, ctx: _OOXMLScan):
        self.ctx = ctx
        self.carry = b""
        self.started = False
        self.decoder = None

    def feed(self, chunk: bytes) -> None:
        if not self.started:
            self.started = True
            self.start(chunk)
        if self.decoder is not None:
            chunk = self.decoder.decode(chunk).encode("utf-8")
        buf = self.carry + chunk if self.carry else chunk
        cut = self.process(buf, final=False)
        self.carry = buf[cut:]

    def close(self) -> None:
        if self.carry:
            tail, self.carry = self.carry, b""
            self.process(tail, final=True)

    def start(self, chunk: bytes) -> None:
        # OOXML parts may be UTF-16; scan them as UTF-8.
        if chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
            self.decoder = codecs.getincrementaldecoder("utf-16")("replace")
        elif chunk[:2] == b"<\x00":
            self.decoder = codecs.getincrementaldecoder("utf-16-le")("replace")
        elif chunk[:2] == b"\x00<":
            self.decoder = codecs.getincrementaldecoder("utf-16-be")("replace")

    def process(self, buf: bytes, final: bool) -> int:
        """Scan what is complete in buf; return how much of it was consumed."""
        cut = len(buf) if final else _tag_cut(buf)
        region = buf[:cut] if cut < len(buf) else buf
        self.check_decl(region)
        self.region(region)
        return cut

    def check_decl(self, region: bytes) -> None:
        if _DECL.search(region):
            raise refuse("zip_bomb", file=self.ctx.name, detail="XML DOCTYPE/ENTITY")

    def region(self, region: bytes) -> None:
        pass


def _tag_cut(buf: bytes, start: int = 0) -> int:
    cut = buf.rfind(b"<", start)
    if cut < 0 or len(buf) - cut > MAX_TAG_BYTES:
        return len(buf)
    return cut


def _root_prefix(chunk: bytes, root: bytes) -> bytes:
    """b"x:" when the part's root element is written <x:root …>, else b""."""
    m = re.search(rb"<(?:([A-Za-z_][\w.-]*):)?" + root + rb"[\s>]", chunk[:HEAD_BYTES])
    return (m.group(1) + b":") if m and m.group(1) else b""


class _Collect(_XMLScan):
    """Keeps a small part whole after scanning it (workbook.xml, its rels)."""

    def __init__(self, ctx):
        super().__init__(ctx)
        self.parts = []

    def region(self, region: bytes) -> None:
        self.parts.append(region)

    def text(self) -> bytes:
        return b"".join(self.parts)


class _SharedStringsScan(_XMLScan):
    """calamine keeps every shared string; count them while streaming."""

    def __init__(self, ctx):
        super().__init__(ctx)
        self.count = 0
        self.tokens = None

    def region(self, region: bytes) -> None:
        if self.tokens is None:
            prefix = _root_prefix(region, b"sst")
            self.tokens = (b"<si>", b"<si ") + (
                (b"<" + prefix + b"si>", b"<" + prefix + b"si ") if prefix else ())
        self.count += sum(region.count(t) for t in self.tokens)
        if self.count > MAX_SHARED_STRINGS:
            raise refuse("zip_bomb", file=self.ctx.name,
                         detail=f">{MAX_SHARED_STRINGS:,} shared strings")


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
        if theta >= thetas[-1] * THRESHOLD_STEP or theta == rows:
            thetas.append(theta)
    return floor, thetas


def _letters(lo: int, hi: int) -> bytes:
    """A class of the letters with 1-based index lo..hi, both cases."""
    a, b = chr(64 + lo), chr(64 + hi)
    return f"[{a}-{b}{a.lower()}-{b.lower()}]".encode()


def _col_gt(k: int) -> list[bytes]:
    """Alternatives matching column letters after column k, then a digit."""
    alts = [rb"[A-Za-z]{3,}[0-9]"]
    if k < 26:
        alts.append(_letters(k + 1, 26) + rb"[0-9]")
        alts.append(rb"[A-Za-z]{2}[0-9]")
    else:
        first, second = divmod(k - 1, 26)
        second += 1
        if second < 26:
            alts.append(_letters(first, first) + _letters(second + 1, 26) + rb"[0-9]")
        if first < 26:
            alts.append(_letters(first + 1, 26) + rb"[A-Za-z][0-9]")
    return alts


def _num_gt(t: int) -> bytes:
    """A regex matching the start of any decimal number (no leading zero) above t."""
    s = str(t)
    alts = [b"[1-9][0-9]{%d,}" % len(s)]
    for i, ch in enumerate(s):
        if ch != "9":
            rest = len(s) - i - 1
            alts.append(s[:i].encode() + b"[%d-9]" % (int(ch) + 1)
                        + (b"[0-9]{%d}" % rest if rest else b""))
    return b"(?:" + b"|".join(alts) + b")"


@functools.lru_cache(maxsize=4096)
def _event_re(k: int, tau: int) -> re.Pattern:
    """` r="…"` references with a column after k or a row above tau: the only
    ones that can change the verdict. Everything else is skipped in C."""
    return re.compile(b' r="(?:' + b"|".join(_col_gt(k)) + b"|[A-Za-z]{0,2}0*" + _num_gt(tau) + b")")


_REF_VALUE = re.compile(rb"([A-Za-z]*)([0-9]*)")
_BIG = rb"(?:[A-Za-z]{3,}[0-9]|[A-Za-z]{1,2}0*[1-9][0-9]{4})"
_BIG_RANGE = re.compile(b' ref="(?:' + _BIG + rb"|[A-Za-z]{1,3}[0-9]+:" + _BIG + b")")
_SLOW_TAG = re.compile(
    rb"""<(?:(/)(?:[A-Za-z_][\w.-]*:)?(row)\s*>|(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])"""
    rb"""((?:[^>"']++|"[^"]*+"|'[^']*+')*+)(>)?)""")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ANY_PREFIX_TAG = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
_NO_PREFIX_TAG = re.compile(rb"<(?:c|row)[\s/>]")
_PREFIXED_HINT = re.compile(rb":(?:c|row)[\s/>]")


@functools.lru_cache(maxsize=16)
def _bad_tags(prefix: bytes) -> tuple[re.Pattern, re.Pattern]:
    """<c …> and <row …> tags that do not start with ` r="` (two searches,
    each with a literal prefix, are far cheaper than one alternation)."""
    tail = rb"""(?:[>/\t\n\r]| (?!r="))"""
    return (re.compile(b"<" + re.escape(prefix) + b"c" + tail),
            re.compile(b"<" + re.escape(prefix) + b"row" + tail))


def _col_number(letters: bytes) -> int:
    if len(letters) > 3:
        return MAX_COLS + 1
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _parse_ref(value: bytes) -> tuple[int, int]:
    """b'XFD1048576' -> (16384, 1048576); b'12' (a row) -> (0, 12); 1-based."""
    m = _REF_VALUE.match(value)
    letters, digits = m.group(1), m.group(2).lstrip(b"0")
    row = int(digits) if len(digits) <= 9 and digits else (MAX_ROWS + 1 if digits else 0)
    return (_col_number(letters) if letters else 0), row


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
        self.count_cells = size > len(b'<c r="') * MAX_SHEET_CELLS
        self.floor, self.thetas = _thresholds(MAX_SHEET_CELLS, MAX_ROWS, MAX_COLS)
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
        if col > MAX_COLS or row > MAX_ROWS:
            raise self._refuse(_ref_text(ref, col, row))
        if col > self.max_col:
            self.max_col = col
        if row > self.max_row:
            self.max_row = row
        if self.max_col * self.max_row > MAX_SHEET_CELLS:
            raise self._refuse(f"{column_letter(self.max_col - 1)}{self.max_row}")
        self.k = max(self.floor, self.max_col)
        self.tau = self.thetas[bisect.bisect_left(self.thetas, self.max_row)]

    def counts(self, cells: int, rows: int) -> None:
        self.cells += cells
        self.rows += rows
        if self.cells > MAX_SHEET_CELLS:
            raise self._refuse(f">{MAX_SHEET_CELLS:,} cells")
        if self.rows > MAX_ROWS:
            raise self._refuse(f">{MAX_ROWS:,} rows")

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
        bad_c, bad_row = _bad_tags(self.prefix)
        if bad_c.search(region) or bad_row.search(region):
            return True
        # The same elements under another prefix count too (calamine reads
        # local names).
        if self.prefix:
            if _NO_PREFIX_TAG.search(region):
                return True
        elif _PREFIXED_HINT.search(region) and _ANY_PREFIX_TAG.search(region):
            return True
        if self.count_cells:
            self.counts(region.count(b"<" + self.prefix + b'c r="'), 0)
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
        row_tag = b"<" + self.prefix + b'row r="'
        end_tag = b"</" + self.prefix + b"row>"
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
                if len(buf) - m.start() > MAX_TAG_BYTES:
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
            if max(c1, c2) > MAX_COLS or max(r1, r2) > MAX_ROWS or (
                    (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1) > MAX_SHEET_CELLS):
                raise self._refuse(value.decode("ascii", "replace"))


# --------------------------------------------------------------------------
# Prefilter: one RE2 pass (through pyarrow) per chunk of sheet XML
# --------------------------------------------------------------------------
#
# Python's re spends ~100 ns at each of the ~14 cell references per row that
# the event search must look at (0.15 s on a 100k-row ledger); RE2's DFA reads
# the same chunk about six times faster. The prefilter matches a superset of
# everything the exact checks of the fast path react to (declarations, big
# ranges, tags without `r`, other prefixes, events at (k, tau)), so a chunk it
# passes is one where those checks would find nothing; any other chunk takes
# the exact path. Arrow runs RE2 in Latin-1 mode on binary data: byte for byte.

_RE2_DECL = "(?i:<!(?:DOCTYPE|ENTITY))"
_RE2_ANY_PREFIX_HINT = ":(?:c|row)[ \\t\\n\\r\\f\\v/>]"
_RE2_NO_PREFIX_TAG = "<(?:c|row)[ \\t\\n\\r\\f\\v/>]"


def _re2_bad_tags(prefix: str) -> str:
    """A superset of _bad_tags without lookahead (RE2 has none)."""
    tail = '(?:[>/\\t\\n\\r]| (?:[^r]|r[^=]|r=[^"]|r=$|r$|$))'
    escaped = re.escape(prefix)
    return f"<{escaped}c{tail}|<{escaped}row{tail}"


@functools.lru_cache(maxsize=4096)
def _prefilter_pattern(prefix: bytes, k: int, tau: int) -> str:
    text_prefix = prefix.decode("ascii")
    parts = [_RE2_DECL, _BIG_RANGE.pattern.decode("ascii"), _re2_bad_tags(text_prefix),
             _RE2_NO_PREFIX_TAG if prefix else _RE2_ANY_PREFIX_HINT,
             _event_re(k, tau).pattern.decode("ascii")]
    return "|".join(f"(?:{part})" for part in parts)


def _may_matter(region: bytes, prefix: bytes, k: int, tau: int) -> bool:
    """False only when the fast path's exact checks would find nothing here."""
    # Zero-copy: pa.array([region]) would copy the chunk (about 4 ms per MiB).
    offsets = pa.py_buffer(struct.pack("<ii", 0, len(region)))
    chunk = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(region)])
    return bool(pc.match_substring_regex(chunk, _prefilter_pattern(prefix, k, tau))[0].as_py())


def _ref_text(ref: bytes | None, col: int, row: int) -> str:
    if ref:
        text = ref.split(b'"')[0].decode("ascii", "replace")
        if 0 < len(text) <= 24:
            return text
    letters = column_letter(col - 1) if 0 < col <= 16_384 else ("" if col == 0 else f"col {col}")
    return f"{letters}{row}" if row <= 10 ** 9 else f"{letters}>{MAX_ROWS}"


__all__ = ["Sniffed", "sniff", "sniff_path", "check_size", "max_file_bytes", "MAX_FILE_BYTES"]
