"""Refuse hostile or wrong uploads before any spreadsheet parser sees them.

`sniff(data, file_name)` decides what a file really is from its bytes (not its
name) and raises `FileRefused` with one coded problem when it must not reach
the readers: wrong type, empty, too large, encrypted, damaged, a zip bomb, an
XML entity trick, or a sheet whose extent would make fastexcel/calamine
allocate gigabytes. It works in bounded memory: zip parts are inflated in
chunks of at most `OUT_CHUNK` bytes and scanned with C-level regex searches,
never held whole.

One job per module:

  limits      every limit, in one place (see there to tune one)
  detect      the entry points: which path a file takes, from its first bytes
  text        CSV encodings and binary content, HTML tables and span bombs
  ole2        OLE2/CFB containers: legacy .xls and encrypted .xlsx
  archive     zip/OOXML: the central directory, bounded inflation, sheet parts
  xml_scan    chunked scanners of any XML part: declarations, shared strings
  sheet_scan  a worksheet's extent of real cells, judged while streaming
  refs        cell references and the regexes that find them
  prefilter   one RE2 pass per chunk that lets the sheet scan skip most of it
  sniffed     Sniffed, what sniff decided

The limits are re-exported here for reading. The scanners read them from
`loaders.safety.limits` when they run, so a deployment (or a test) changes
one there.
"""
from __future__ import annotations

from .detect import sniff, sniff_path
from .limits import (
    ACCEPTED_SUFFIXES,
    DEFAULT_MAX_UPLOAD_MB,
    EVENT_BUDGET,
    HEAD_BYTES,
    HTML_TABLE_WINDOW,
    IN_CHUNK,
    MAX_BIG_RANGES,
    MAX_COLS,
    MAX_FILE_BYTES,
    MAX_RATIO,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_SHEET_CELLS,
    MAX_SMALL_PART_BYTES,
    MAX_TAG_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_ENTRIES,
    OUT_CHUNK,
    RATIO_MIN_BYTES,
    SLOW_SCAN_BUDGET,
    THRESHOLD_STEP,
    check_size,
    max_file_bytes,
)
from .sniffed import Sniffed

__all__ = [
    "Sniffed", "sniff", "sniff_path", "check_size", "max_file_bytes", "MAX_FILE_BYTES",
    "ACCEPTED_SUFFIXES", "DEFAULT_MAX_UPLOAD_MB", "EVENT_BUDGET", "HEAD_BYTES", "HTML_TABLE_WINDOW",
    "IN_CHUNK", "MAX_BIG_RANGES", "MAX_COLS", "MAX_RATIO", "MAX_ROWS", "MAX_SHARED_STRINGS",
    "MAX_SHEET_CELLS", "MAX_SMALL_PART_BYTES", "MAX_TAG_BYTES", "MAX_UNCOMPRESSED_BYTES",
    "MAX_ZIP_ENTRIES", "OUT_CHUNK", "RATIO_MIN_BYTES", "SLOW_SCAN_BUDGET", "THRESHOLD_STEP",
]
