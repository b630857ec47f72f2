"""Named SQL queries: the files in metrics/sql, run with bound parameters.

Results come back through Arrow (`to_arrow_table`), never row by row; callers
turn them into pandas only after SQL has aggregated them.
"""
from __future__ import annotations

import functools
import re
from typing import Any

import duckdb
import pyarrow as pa

from metrics.derived import (
    ALL_UNITS,
    CATALOG_QUERY,
    COMPLETIONS_QUERY,
    DERIVED,
    PARTS,
    REGION_QUERY,
    STORE_CATALOG_QUERY,
    SUMMARY_QUERY,
    UNIT_QUERY,
    prepare_writer,
)
from metrics.sqlfiles import SQL_DIR, QueryError, prepared, sql

__all__ = ["SQL_DIR", "QueryError", "parameters", "prepare", "run", "sql"]

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@functools.cache
def parameters(name: str) -> frozenset[str]:
    """The $names a query binds (comments included, which is harmless)."""
    text = "\n".join(line.split("--", 1)[0] for line in sql(name).splitlines())
    return frozenset(_PARAMETER.findall(text))


def prepare(con: duckdb.DuckDBPyConnection, *, writing: bool = False) -> None:
    """Create the measure macros (TEMP, so allowed on a read-only connection).

    A read-only view of an old store gets TEMP views standing in for derived tables
    it lacks. A writer never does: its tables exist (taizhang.schema ran), and a stand-in
    would shadow the real table its DELETE and INSERT must reach ("Can only delete from
    base table", seen when two processes created a DuckLake store at once)."""
    if writing:
        prepare_writer(con)
        return
    if con in prepared:
        return
    # one catalog query for every table asked about: each costs a few ms, on every page view
    present = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name IN (SELECT unnest($names))",
        {"names": [*DERIVED, "resident_ratings"]}).fetchall()}
    missing = [table for table in DERIVED if table not in present]
    if "task_completions" in missing:
        # A database from before schema version 2 that no writer has opened
        # since: the derived tables are computed on every query (slower, still right).
        con.execute("CREATE OR REPLACE TEMP VIEW task_completions AS "
                    + COMPLETIONS_QUERY.format(units_filter=ALL_UNITS))
    if "resident_ratings" not in present:
        # a database from before resident ratings: none to count
        con.execute(EMPTY_RATINGS)
    con.execute(sql("_macros"))
    if "store_catalog" not in missing and "month_units" not in _columns(con, "store_catalog"):
        missing.append("store_catalog")  # from before month_units: made on the fly until a writer remakes it
    if "task_summary" not in missing and not {"upload_id", *(name for name, _, _ in PARTS)} <= _columns(
            con, "task_summary"):
        # a task_summary without every part (metrics/derived.py PARTS: an older
        # store) that no writer has upgraded yet: computed from the rows
        # instead, like a missing one, and the coarser summaries from it
        missing += ["task_summary", "unit_summary", "region_summary", "unit_catalog", "store_catalog"]
    if "task_summary" in missing:
        con.execute("CREATE OR REPLACE TEMP VIEW task_summary AS " + SUMMARY_QUERY.format(units_filter=ALL_UNITS))
    if "unit_summary" in missing:
        con.execute("CREATE OR REPLACE TEMP VIEW unit_summary AS " + UNIT_QUERY.format(units_filter=ALL_UNITS))
    if "region_summary" in missing:
        con.execute("CREATE OR REPLACE TEMP VIEW region_summary AS " + REGION_QUERY.format(units_filter=ALL_UNITS))
    if "unit_catalog" in missing:
        con.execute("CREATE OR REPLACE TEMP VIEW unit_catalog AS " + CATALOG_QUERY.format(units_filter=ALL_UNITS))
    if "store_catalog" in missing:
        con.execute("CREATE OR REPLACE TEMP VIEW store_catalog AS " + STORE_CATALOG_QUERY)
    con.execute(sql("_measures"))
    prepared.add(con)


EMPTY_RATINGS = """CREATE OR REPLACE TEMP VIEW resident_ratings AS
    SELECT NULL::VARCHAR AS rating_id, NULL::UBIGINT AS task_key, NULL::VARCHAR AS region,
           NULL::VARCHAR AS unit, NULL::VARCHAR AS title, NULL::DATE AS report_month, NULL::VARCHAR AS rating,
           NULL::VARCHAR AS comment, NULL::VARCHAR AS client_id, NULL::TIMESTAMP AS rated_at,
           NULL::BOOLEAN AS hidden, NULL::BOOLEAN AS comment_hidden
    WHERE false"""



def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    # the table's columns as a query binds them: cheaper than duckdb_columns()
    return {column[0] for column in con.execute(f"SELECT * FROM {table} LIMIT 0").description}


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pa.Table:
    """Run a named query with exactly the parameters it uses."""
    wanted = parameters(name)
    missing = wanted - params.keys()
    if missing:
        raise QueryError(f"Query {name!r} needs parameter(s) {', '.join(sorted(missing))}")
    prepare(con)
    bound = {key: params[key] for key in wanted}
    return con.execute(sql(name), bound).to_arrow_table()
