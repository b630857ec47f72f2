"""The one module that opens the store. The rest of the code does not know which.

Two kinds of store, chosen by the target ($TAIZHANG_DB or --db):
  - a DuckDB file (the default). DuckDB lets one process hold a file for
    writing, and an open reader in another process blocks that writer (and the
    reverse). So nobody keeps the file open: readers open it read-only for one
    query batch, writers for one transaction, and both wait while the other
    holds the lock.
  - a DuckLake catalog, when the target starts with "ducklake:" (e.g.
    "ducklake:postgres:dbname=taizhang host=db"), with the Parquet files under
    $TAIZHANG_DATA_PATH. Several processes on several machines read and write
    at once; conflicting commits are retried by the writer (loaders/store.py).
    The DuckLake and PostgreSQL extensions come from PyPI wheels pinned in
    requirements.txt: offices run offline and DuckDB must not download them.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import random
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "lake"


class LakeSetupError(StoreError):
    """The DuckLake store cannot be opened; the message says what to install or set."""


def is_lake(target: str) -> bool:
    return target.startswith(LAKE_PREFIX)


def _extension_file(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LakeSetupError(
            f"The DuckDB extension package {package} is not installed; "
            f"run `pip install -r requirements.txt` (it pins it for DuckDB {duckdb.__version__})."
        )
    base = Path(list(spec.submodule_search_locations)[0])
    found = sorted(base.rglob(f"v{duckdb.__version__}/*.duckdb_extension"))
    if not found:
        raise LakeSetupError(f"{package} has no extension built for DuckDB {duckdb.__version__}; "
                             "pin matching versions.")
    path = found[0]
    if path.stem != name:
        # DuckDB finds an extension's entry point by its file name; the wheel
        # names the PostgreSQL extension "postgres", DuckDB calls it "postgres_scanner".
        cache = Path(os.environ.get("TAIZHANG_EXTENSION_CACHE") or base / "_taizhang")
        target = cache / f"{name}.duckdb_extension"
        if not target.exists() or target.stat().st_size != path.stat().st_size:
            cache.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        path = target
    return path


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _open_lake(target: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Attach the lake; when two processes create a new catalog at once, the loser tries again."""
    for attempt in range(10):
        try:
            return _attach_lake(target, read_only)
        except duckdb.Error as error:
            text = str(error)
            racing = "initialize DuckLake" in text or "duplicate key" in text or "conflict" in text.lower()
            if not racing or attempt == 9:
                raise
            time.sleep(0.1 * (attempt + 1) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def _attach_lake(target: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    data_path = os.environ.get("TAIZHANG_DATA_PATH")
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        con.execute(f"LOAD {_quote(str(_extension_file('duckdb_extension_ducklake', 'ducklake')))}")
        if target[len(LAKE_PREFIX):].startswith("postgres:"):
            con.execute(f"LOAD {_quote(str(_extension_file('duckdb_extension_postgres', 'postgres_scanner')))}")
        options = []
        if data_path:
            options.append(f"DATA_PATH {_quote(data_path)}")
        elif not read_only:
            raise LakeSetupError("TAIZHANG_DATA_PATH must name the folder (or bucket) for the lake's Parquet files.")
        if read_only:
            options.append("READ_ONLY")
        suffix = f" ({', '.join(options)})" if options else ""
        con.execute(f"ATTACH {_quote(target)} AS {LAKE_ALIAS}{suffix}")
        con.execute(f"USE {LAKE_ALIAS}")
        _lock_down_lake(con)
    except BaseException:
        con.close()
        raise
    return con


def _lock_down_lake(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No query on an app connection may read or write server files, attach other
    databases or load extensions, and no query may undo that (SECURITY.md).
    A DuckDB file is opened with LOCKED_DOWN; a lake is attached first (which
    needs its extensions and catalog) and keeps access to its own data path,
    where it writes Parquet files. Each writer's lake connection is its own
    instance; readers share one per process (_lake_reader), locked down alike."""
    data_path = os.environ.get("TAIZHANG_DATA_PATH")
    if data_path:
        con.execute("SET allowed_directories = ?", [[data_path.rstrip("/") + "/"]])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _is_lock_error(error: Exception) -> bool:
    text = str(error)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


# Set when the file is opened, not per connection: connections to one file in one
# process share a single DuckDB instance, whose configuration, once locked, no
# later connection may SET again.
LOCKED_DOWN: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False, "lock_configuration": True}


def _is_busy(error: Exception) -> bool:
    """Another process holds the file, or this process has it open in the other mode."""
    text = str(error)
    return _is_lock_error(error) or "different configuration" in text or "Unique file handle conflict" in text


def _open(target: str, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.01
    while True:
        try:
            return duckdb.connect(target, read_only=read_only, config=LOCKED_DOWN)
        except duckdb.Error as error:
            if not _is_busy(error) or time.monotonic() >= deadline:
                if _is_busy(error):
                    raise StoreBusy(target, wait) from error
                raise
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 0.25)


def one_row(con: duckdb.DuckDBPyConnection, query: str, parameters: object = None) -> tuple[Any, ...]:
    """The row of a query that always yields exactly one (aggregates such as
    count(*) or max(...)); fetchone() is typed Optional for the queries that may not."""
    row = con.execute(query, parameters).fetchone()
    if row is None:
        raise RuntimeError(f"the query returned no row: {query}")
    return row


def scalar(con: duckdb.DuckDBPyConnection, query: str, parameters: object = None) -> Any:
    """The first value of one_row()."""
    return one_row(con, query, parameters)[0]


def exists(target: str | None = None) -> bool:
    target = db_target(target)
    if is_lake(target):
        try:
            con = _lake_reader(target)
        except (duckdb.Error, StoreError):
            return False
        try:
            return bool(scalar(
                con, "SELECT count(*) FROM duckdb_views() WHERE view_name = 'tasks' AND database_name = ?", [LAKE_ALIAS]
            ))
        finally:
            con.close()
    return Path(target).exists()


# A lake's readers take no lock, so this process attaches each lake once for
# reading and hands every reader a cursor of it: attaching (extensions, then the
# catalog over the network) costs ~0.2 s, which every page view paid. A cursor is
# a connection of its own (its own transactions and TEMP macros) on the shared
# instance; each transaction reads the lake's newest snapshot, so a commit from
# any machine shows on the next read. Keyed by the data path too, which the
# attach reads from the environment.
_lake_readers: dict[tuple[str, str | None], duckdb.DuckDBPyConnection] = {}
_lake_readers_lock = threading.Lock()


def _lake_reader(target: str) -> duckdb.DuckDBPyConnection:
    key = (target, os.environ.get("TAIZHANG_DATA_PATH"))
    with _lake_readers_lock:
        shared = _lake_readers.get(key)
        if shared is None:
            shared = _lake_readers[key] = _open_lake(target, read_only=True)
    con = shared.cursor()
    try:
        con.execute(f"USE {LAKE_ALIAS}")  # a cursor starts in the instance's default database
    except BaseException:
        con.close()
        raise
    return con


def _forget_lake_reader(target: str) -> None:
    """After an error, attach afresh next time: the catalog server may have gone
    away and come back. Readers still using the old instance finish on it."""
    with _lake_readers_lock:
        _lake_readers.pop((target, os.environ.get("TAIZHANG_DATA_PATH")), None)


@contextlib.contextmanager
def reading(target: str | None = None, wait: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed on exit so writers are never blocked for long
    (on a lake: a cursor of this process's shared read-only attach)."""
    target = db_target(target)
    if is_lake(target):
        try:
            con = _lake_reader(target)
        except duckdb.Error as error:
            raise NoDatabase(target) from error
        try:
            yield con
        except duckdb.Error:
            _forget_lake_reader(target)
            raise
        finally:
            con.close()
        return
    if not Path(target).exists():
        raise NoDatabase(target)
    con = _open(target, read_only=True, wait=wait)
    try:
        yield con
    finally:
        con.close()


# Called before this process opens the store for writing. A page view holds one
# read-only connection while it runs (ui/data.py); in one process DuckDB will not
# open a file read-write while a read-only connection to it is open, so that
# view must let its connection go first.
before_write: list[Callable[[], None]] = []


@contextlib.contextmanager
def writing(target: str | None = None, wait: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection with the schema in place. Callers run one transaction."""
    for release in before_write:
        release()
    target = db_target(target)
    if is_lake(target):
        con = _open_lake(target, read_only=False)
    else:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        con = _open(target, read_only=False, wait=wait)
    try:
        ensure_schema(con)
        yield con
    finally:
        con.close()


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a table of this name exists in the store the connection sees
    (a DuckDB file, or an attached lake)."""
    return bool(scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]))


def lake_version(con: duckdb.DuckDBPyConnection, target: str) -> tuple:
    """data_version of a lake, through a connection the caller already has open."""
    return (target, scalar(con, f"SELECT max(snapshot_id) FROM ducklake_snapshots('{LAKE_ALIAS}')"))


def data_version(target: str | None = None) -> tuple:
    """A cheap fingerprint that changes whenever a load commits.

    Used as the cache key of every page's data, so new data shows on the next
    page view without anyone opening the database just to ask.
    """
    target = db_target(target)
    if is_lake(target):
        # The lake's newest snapshot: a new one is made by every commit, from any machine.
        try:
            con = _lake_reader(target)
        except (duckdb.Error, StoreError):
            return (target, None)
        try:
            return lake_version(con, target)
        finally:
            con.close()
    parts: list[tuple[int, int] | None] = []
    for path in (Path(target), Path(target + ".wal")):
        try:
            st = path.stat()
            parts.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            parts.append(None)
    return tuple(parts)


# --- DuckLake commit conflicts --------------------------------------------------------

CONFLICT_RETRIES = 20


# A COMMIT that fails on these is a TransactionException too ("Failed to commit:
# Could not write file ...wal: No space left on device"), but no retry can help.
_IO_FAILURES = ("No space left", "Disk quota", "File too large", "Permission denied", "Read-only file system",
                "Could not write", "IO Error")


def is_conflict(error: Exception) -> bool:
    """DuckLake's optimistic concurrency: another process committed first."""
    text = str(error)
    if any(failure in text for failure in _IO_FAILURES):
        return False
    return isinstance(error, duckdb.TransactionException) or "conflict" in text.lower()


def retry_on_conflict(attempt_write):
    """Run a whole write transaction again when a concurrent writer won the commit."""
    for attempt in range(CONFLICT_RETRIES):
        try:
            return attempt_write()
        except duckdb.Error as error:
            if not is_conflict(error) or attempt == CONFLICT_RETRIES - 1:
                raise
            time.sleep(min(0.05 * 2**attempt, 2.0) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def rollback_quietly(con) -> None:
    """ROLLBACK after a failed statement. A failed COMMIT (e.g. the disk is full)
    has already ended the transaction, and ROLLBACK then raises 'no transaction
    is active', which would hide the real error and, being a
    TransactionException, be retried as if it were a commit conflict."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass
