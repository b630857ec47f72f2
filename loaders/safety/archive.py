"""Zip / OOXML: the archive's limits, bounded inflation, which parts are sheets.

The central directory is judged first (entry count, declared sizes, ratios,
encryption), then every XML part is inflated in chunks of at most OUT_CHUNK
bytes and fed to its scanner (loaders.safety.xml_scan, .sheet_scan), never
held whole. A part that inflates to more than it declared is refused while
inflating.
"""
from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from xml.etree import ElementTree

from loaders.problems import refuse

from . import limits
from .sheet_scan import _SheetScan
from .sniffed import Sniffed
from .xml_scan import _Collect, _SharedStringsScan, _XMLScan

ZIP_MAGIC = b"PK\x03\x04"
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
    if max(records, declared if declared != 0xFFFF else 0) > limits.MAX_ZIP_ENTRIES:
        raise refuse("zip_bomb", file=name, detail=f"{max(records, declared):,} zip entries")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, struct.error,
            EOFError, OSError, UnicodeDecodeError, NotImplementedError) as exc:
        raise refuse("corrupt_file", file=name, detail=f"zip: {_short(exc)}") from None
    if len(infos) > limits.MAX_ZIP_ENTRIES:
        raise refuse("zip_bomb", file=name, detail=f"{len(infos):,} zip entries")

    names = {_norm(i.filename) for i in infos}
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise refuse("not_a_spreadsheet", file=name, detail=_zip_kind(names, archive, infos))

    total = sum(i.file_size for i in infos)
    if total > limits.MAX_UNCOMPRESSED_BYTES:
        raise refuse("zip_bomb", file=name, detail=f"{total / 2**30:.1f} GiB uncompressed")
    for info in infos:
        if info.file_size > limits.RATIO_MIN_BYTES and info.file_size > limits.MAX_RATIO * max(info.compress_size, 1):
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
        self.slow_budget = limits.SLOW_SCAN_BUDGET
        self.event_budget = limits.EVENT_BUDGET
        self.range_budget = limits.MAX_BIG_RANGES

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
            scan: _XMLScan
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
            for pos in range(start, end, limits.OUT_CHUNK):
                chunk = bytes(self.view[pos:min(pos + limits.OUT_CHUNK, end)])
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
                        pending = self.view[pos:min(pos + limits.IN_CHUNK, end)]
                        pos += limits.IN_CHUNK
                    chunk = inflater.decompress(pending, limits.OUT_CHUNK)
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
        if info.file_size > limits.MAX_SMALL_PART_BYTES:
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
            sheet_part = targets.get(rid)
            if sheet_part:
                sheets[sheet_part] = sheet.get("name") or sheet_part
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
