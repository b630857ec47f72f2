"""The SQL files of metrics/sql, read once, and which connections already hold
their macros. Its own module so that both the named queries (metrics/queries.py)
and the derived tables' writer (metrics/derived.py) use them without importing
each other.
"""
from __future__ import annotations

import functools
import weakref
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"

# Connections on which the macros of _macros.sql and _measures.sql already exist.
prepared: "weakref.WeakSet[duckdb.DuckDBPyConnection]" = weakref.WeakSet()


class QueryError(Exception):
    """A named query was called wrongly (unknown name, missing parameter)."""


@functools.cache
def sql(name: str) -> str:
    """The text of metrics/sql/<name>.sql."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in SQL_DIR.glob("*.sql") if not p.stem.startswith("_")))
        raise QueryError(f"No query named {name!r}; known queries: {known}")
    return path.read_text(encoding="utf-8")
