"""The one module that opens the store.

DuckDB lets one process hold a database file for writing, and any open reader in
another process blocks that writer (and the reverse). So nobody keeps the file
open: readers open it read-only for one query batch, writers for one
transaction, and both wait politely while the other holds the lock.
"""
from __future__ import annotations

import contextlib
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from taizhang.config import db_target
from taizhang.schema import ensure_schema

LOCK_WAIT_SECONDS = float(os.environ.get("TAIZHANG_LOCK_WAIT", "60"))


class StoreError(Exception):
    """Base class for problems opening the store."""


class NoDatabase(StoreError):
    def __init__(self, target: str):
        super().__init__(
            f"No database at {target}: load a ledger first "
            f"(python -m loaders ingest FILE) or build the demo (python -m loaders demo)."
        )
        self.target = target


class StoreBusy(StoreError):
    def __init__(self, target: str, seconds: float):
        super().__init__(
            f"The database {target} stayed locked by another process for {seconds:.0f} s; "
            f"try again when the other load has finished."
        )


def _is_lock_error(error: Exception) -> bool:
    text = str(error)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


def _open(target: str, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.01
    while True:
        try:
            return duckdb.connect(target, read_only=read_only)
        except duckdb.IOException as error:
            if not _is_lock_error(error) or time.monotonic() >= deadline:
                if _is_lock_error(error):
                    raise StoreBusy(target, wait) from error
                raise
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 0.25)


def exists(target: str | None = None) -> bool:
    return Path(db_target(target)).exists()


@contextlib.contextmanager
def reading(target: str | None = None, wait: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed on exit so writers are never blocked for long."""
    target = db_target(target)
    if not Path(target).exists():
        raise NoDatabase(target)
    con = _open(target, read_only=True, wait=wait)
    try:
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def writing(target: str | None = None, wait: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection with the schema in place. Callers run one transaction."""
    target = db_target(target)
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = _open(target, read_only=False, wait=wait)
    try:
        ensure_schema(con)
        yield con
    finally:
        con.close()


def data_version(target: str | None = None) -> tuple:
    """A cheap fingerprint that changes whenever a load commits.

    Used as the cache key of every page's data, so new data shows on the next
    page view without anyone opening the database just to ask.
    """
    target = db_target(target)
    parts = []
    for path in (Path(target), Path(target + ".wal")):
        try:
            st = path.stat()
            parts.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            parts.append(None)
    return tuple(parts)
