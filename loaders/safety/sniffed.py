"""What `sniff` decided a file is: the one value every reader starts from."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sniffed:
    kind: str                    # "xlsx" (also .xlsm), "xls", "html" or "csv"
    data: bytes                  # the file's bytes, unchanged
    encoding: str | None = None  # csv only: "utf-8-sig", "utf-8" or "gb18030"
