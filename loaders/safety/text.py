"""Text uploads: CSV encodings and binary content, HTML tables saved as .xls.

A CSV must be UTF-8 (with or without BOM) or GB18030 over its whole length; an
HTML table must declare no entities and no colspan/rowspan that would make
pandas.read_html expand a few bytes into millions of cells.
"""
from __future__ import annotations

import codecs
import re

from loaders.problems import refuse

from . import limits
from .sniffed import Sniffed

_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1a") + b"\x7f"


def _text_or_binary(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "TXT (UTF-16)"
    if b"\x00" not in head and _control_count(head) <= len(head) // 100:
        for enc in ("utf-8", "gb18030"):
            try:
                codecs.getincrementaldecoder(enc)().decode(head, len(head) < limits.HEAD_BYTES)
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
    head = data[:limits.HEAD_BYTES]
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
    step = limits.OUT_CHUNK
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
    start = text[:limits.HEAD_BYTES].lstrip(b"\xef\xbb\xbf").lstrip()
    if not start.startswith(b"<"):
        return None
    window = text[:limits.HTML_TABLE_WINDOW]
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
        if col > limits.MAX_COLS or row > limits.MAX_ROWS:
            raise refuse("absurd_dimensions", file=name, sheet="HTML",
                         detail=f"colspan={col} rowspan={row}")
        cells += col * row - 1
        if cells > limits.MAX_SHEET_CELLS:
            raise refuse("absurd_dimensions", file=name, sheet="HTML",
                         detail=f">{limits.MAX_SHEET_CELLS:,} cells")
    if cells > limits.MAX_SHEET_CELLS:
        raise refuse("absurd_dimensions", file=name, sheet="HTML",
                     detail=f">{limits.MAX_SHEET_CELLS:,} cells")
