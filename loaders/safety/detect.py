"""The entry points: what an upload really is, from its bytes, not its name.

The first bytes pick the path: a zip (OOXML), an OLE2 container (.xls or an
encrypted .xlsx), the magic number of a known non-spreadsheet, markup (HTML or
XML), else text that may be a CSV. Each path refuses with one coded problem.
"""
from __future__ import annotations

import os
from pathlib import PurePath

from loaders.problems import refuse

from . import limits
from .archive import ZIP_MAGIC, _sniff_zip
from .limits import check_size
from .ole2 import CFB_MAGIC, _sniff_cfb
from .sniffed import Sniffed
from .text import _sniff_csv, _sniff_markup, _text_or_binary


def sniff(data: bytes, file_name: str) -> Sniffed:
    """What the upload really is, or FileRefused with one coded problem."""
    suffix = PurePath(file_name.strip()).suffix.lower()
    if suffix not in limits.ACCEPTED_SUFFIXES:
        raise refuse("unsupported_format", file=file_name, suffix=suffix or "无 / none")
    if not data:
        raise refuse("empty_file", file=file_name)
    check_size(len(data), file_name)
    head = bytes(data[:limits.HEAD_BYTES])
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
    if suffix not in limits.ACCEPTED_SUFFIXES:
        raise refuse("unsupported_format", file=name, suffix=suffix or "无 / none")
    check_size(os.path.getsize(path), name)
    with open(path, "rb") as fh:
        return sniff(fh.read(), name)


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
