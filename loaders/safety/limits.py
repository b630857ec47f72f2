"""Every limit of the upload checks, in one place.

Module constants, so a deployment may tune them here. The scanners read them
as `limits.NAME` when they run, so a change made here (or a test's
monkeypatch of this module) takes effect everywhere at once.
"""
from __future__ import annotations

import os

from loaders.problems import refuse

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


def check_size(size: int, file_name: str) -> None:
    limit = max_file_bytes()
    if size > limit:
        raise refuse("file_too_large", file=file_name,
                     size_mb=_mb(size), limit_mb=_mb(limit))


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f}".removesuffix(".0")
