"""Part scanners fed chunk by chunk, each keeping only an unfinished tag.

Every XML part of an xlsx goes through _XMLScan (DOCTYPE/ENTITY declarations:
billion laughs, XXE); the shared strings are counted; workbook.xml and its
rels are kept whole (they are small) to learn which parts are sheets.
"""
from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

from loaders.problems import refuse

from . import limits

if TYPE_CHECKING:
    from .archive import _OOXMLScan

_DECL = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)


class _XMLScan:
    """Any XML part: refuse DOCTYPE/ENTITY declarations (billion laughs, XXE).

    Each chunk is cut at its last "<" so no tag is split between two scans;
    the unfinished tag is carried into the next chunk (at most MAX_TAG_BYTES:
    beyond that the tag's start is complete in this chunk anyway)."""

    def __init__(self, ctx: _OOXMLScan):
        self.ctx = ctx
        self.carry = b""
        self.started = False
        self.decoder: codecs.IncrementalDecoder | None = None

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
    if cut < 0 or len(buf) - cut > limits.MAX_TAG_BYTES:
        return len(buf)
    return cut


def _root_prefix(chunk: bytes, root: bytes) -> bytes:
    """b"x:" when the part's root element is written <x:root …>, else b""."""
    m = re.search(rb"<(?:([A-Za-z_][\w.-]*):)?" + root + rb"[\s>]", chunk[:limits.HEAD_BYTES])
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
        if self.count > limits.MAX_SHARED_STRINGS:
            raise refuse("zip_bomb", file=self.ctx.name,
                         detail=f">{limits.MAX_SHARED_STRINGS:,} shared strings")
