"""OLE2 / CFB containers: legacy .xls and password-protected .xlsx.

A reader of just enough of [MS-CFB] to list the streams and read the start of
the Workbook stream, so that an encrypted or damaged file gets its own message
before calamine sees it (a damaged chain otherwise surfaces as the reader's
cryptic error, or a panic inside calamine).
"""
from __future__ import annotations

import struct

from loaders.problems import refuse

from .sniffed import Sniffed

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
