"""Derived tables, kept in step with task_rows by the writers in the same transaction.

task_completions  the first report month each task (region, unit, title) was
                  seen completed: the on-time check needs it, and computing it
                  on every page view meant aggregating every month of task_rows.
task_summary      the additive parts of every measure per (report_month,
                  region, unit, category, upload_id), with each row's flags
                  applied as tz_task_facts (sql/_macros.sql) defines them.
                  Every page's measures are sums of these (the ledger's
                  群众满意度 counts too: rated, satisfied, basically_satisfied,
                  dissatisfied). upload_id is the upload holding the unit-month
                  (one per unit-month), for tz_partial.
unit_summary      the same sums per (report_month, region, unit), with the
                  uploads holding the unit-month (upload_ids): the unit views
                  without a category filter (rankings, a unit's history) read
                  its rows as they are, and the unit finder, the partial and
                  not-reported flags read it.
unit_catalog      every (region, unit) that ever reported, with its latest
                  report month: the unit finder, without reading every month.
region_summary    the same sums per (report_month, region, category): every
                  view above unit level (overview, regions, trend, investment,
                  region rankings). Months x regions x categories rows: tiny at
                  any number of units.
store_catalog     one row: the report months with rows (newest first), the named
                  regions and the named categories, for the sidebar of every page
                  view. Made from region_summary after each write; reading it on a
                  page view's fresh connection costs 1 ms, aggregating
                  region_summary there cost 7 ms.

At 30,000 units task_summary has nearly as many rows as a month of tasks has
across all months; one month's view must not read all months. The tables are
written in report-month order (a full refresh sorts, an incremental one
replaces only the rows whose sums changed, which a monthly load appends
month by month), so DuckDB's zone maps on report_month skip the other months.

All depend only on the rows of one unit (a task belongs to one unit), so a
write or a rollback refreshes exactly the units it touched: `refresh(con, units)`.
`refresh(con)` rebuilds them all (a schema upgrade, a benchmark database, tests
that insert rows directly).
"""
from __future__ import annotations

import datetime as dt

import duckdb

from metrics.definitions import NULLABLE_PARTS, PARTS
from metrics.sqlfiles import prepared, sql
from taizhang import schema
from taizhang.database import scalar

DERIVED = ("task_completions", "task_summary", "unit_summary", "region_summary", "unit_catalog", "store_catalog")

# A task is (region, unit, title) across monthly snapshots; task_key is its
# 64-bit hash, as sql/_macros.sql joins it.
COMPLETIONS_QUERY = """
    SELECT hash(region, unit, title) AS task_key, region, unit, min(report_month) AS first_completed
    FROM task_rows
    WHERE status = 'completed' AND ({units_filter})
    GROUP BY region, unit, title"""

_PART_SELECT = ",\n           ".join(f"{sql_}::{kind} AS {name}" for name, sql_, kind in PARTS)
_PART_COLUMNS = ",\n        ".join(f"{name} {kind}{'' if name in NULLABLE_PARTS else ' NOT NULL'}"
                                   for name, _, kind in PARTS)

SUMMARY_QUERY = f"""
    WITH facts AS (
        SELECT *,
               bool_or(deadline IS NOT NULL) OVER unit_month AS has_deadlines,
               bool_or(planned_investment IS NOT NULL) OVER unit_month AS has_planned,
               bool_or(actual_investment IS NOT NULL) OVER unit_month AS has_actual,
               bool_or(beneficiaries IS NOT NULL) OVER unit_month AS has_beneficiaries
        FROM tz_task_facts(DATE '0001-01-01', DATE '9999-12-01', NULL, NULL, NULL, true)
        WHERE {{units_filter}}
        WINDOW unit_month AS (PARTITION BY report_month, region, unit)
    )
    SELECT report_month, region, unit, category, upload_id,
           {_PART_SELECT}
    FROM facts
    GROUP BY report_month, region, unit, category, upload_id"""

# The additive columns of task_summary, summed to a coarser grain.
SUMS = ",\n           ".join(f"sum({name})::{kind} AS {name}" for name, _, kind in PARTS)
UNIT_QUERY = f"""
    SELECT report_month, region, unit, list(DISTINCT upload_id ORDER BY upload_id) AS upload_ids, {SUMS}
    FROM task_summary
    WHERE {{units_filter}}
    GROUP BY report_month, region, unit"""
CATALOG_QUERY = """
    SELECT region, unit, max(report_month) AS latest_month
    FROM unit_summary
    WHERE {units_filter}
    GROUP BY region, unit"""
# No units filter: one row for the whole store, from region_summary (never empty lists' NULLs).
# month_units: the units with rows in each of `months` (same order), from unit_summary:
# a month still coming in (a few units so far) is told apart from a finished one.
STORE_CATALOG_QUERY = """
    SELECT coalesce(list(DISTINCT report_month ORDER BY report_month DESC), []) AS months,
           coalesce(list(DISTINCT region ORDER BY region) FILTER (WHERE region IS NOT NULL), []) AS regions,
           coalesce(list(DISTINCT category ORDER BY category) FILTER (WHERE category IS NOT NULL), []) AS categories,
           coalesce((SELECT list(units ORDER BY report_month DESC) FROM (
               SELECT report_month, count(*) AS units FROM unit_summary GROUP BY report_month)), []) AS month_units
    FROM region_summary"""
REGION_QUERY = f"""
    SELECT report_month, region, category, {SUMS}
    FROM task_summary
    WHERE {{units_filter}}
    GROUP BY report_month, region, category"""

# task_summary's columns in one order, for the row comparisons of refresh()
SUMMARY_COLUMNS = ", ".join(("report_month", "region", "unit", "category", "upload_id",
                             *(name for name, _, _ in PARTS)))

# The tables, created by taizhang.schema from this registration (register_derived below).
TABLES = {
    "task_completions": """CREATE TABLE IF NOT EXISTS task_completions (
        task_key UBIGINT NOT NULL,
        region VARCHAR,
        unit VARCHAR NOT NULL,
        first_completed DATE NOT NULL
    )""",
    # per grain (unit x category, unit, region x category), each written in
    # report-month order; upload_id says which upload holds a unit-month
    "task_summary": f"""CREATE TABLE IF NOT EXISTS task_summary (
        report_month DATE NOT NULL,
        region VARCHAR,
        unit VARCHAR NOT NULL,
        category VARCHAR,
        upload_id VARCHAR NOT NULL,
        {_PART_COLUMNS}
    )""",
    "unit_summary": f"""CREATE TABLE IF NOT EXISTS unit_summary (
        report_month DATE NOT NULL,
        region VARCHAR,
        unit VARCHAR NOT NULL,
        upload_ids VARCHAR[] NOT NULL,
        {_PART_COLUMNS}
    )""",
    # every (region, unit) that ever reported and its latest month: the unit finder
    "unit_catalog": """CREATE TABLE IF NOT EXISTS unit_catalog (
        region VARCHAR,
        unit VARCHAR NOT NULL,
        latest_month DATE NOT NULL
    )""",
    "store_catalog": """CREATE TABLE IF NOT EXISTS store_catalog (
        months DATE[] NOT NULL,
        regions VARCHAR[] NOT NULL,
        categories VARCHAR[] NOT NULL,
        month_units BIGINT[] NOT NULL
    )""",
    "region_summary": f"""CREATE TABLE IF NOT EXISTS region_summary (
        report_month DATE NOT NULL,
        region VARCHAR,
        category VARCHAR,
        {_PART_COLUMNS}
    )""",
}
# A store whose summaries lack a part (an older version) has them made again.
REQUIRED = ("task_summary.upload_id", "unit_summary.upload_ids", "unit_catalog.latest_month",
            "store_catalog.month_units",
            *(f"{table}.{name}" for table in ("task_summary", "unit_summary", "region_summary")
              for name, _, _ in PARTS))

ALL_UNITS = "true"
CHOSEN_UNITS = "unit IN (SELECT unnest($units))"


def refresh(con: duckdb.DuckDBPyConnection, units: list[str] | None = None,
            since: dt.date | None = None) -> None:
    """Recompute the derived tables for these units (None: all), inside the caller's
    transaction, after task_rows of those units changed.

    since: the earliest report month whose rows the write changed, when the caller
    knows it (a load: its file's months; a rollback: its upload's month). Only the
    units' months from then on are summed again, so a monthly load costs its own
    month, not the units' history. Earlier months cannot have changed: their rows
    did not, and a task's first completion (on which an on-time verdict rests) can
    only move between months of the write or later, after every deadline that an
    earlier month's late completion was judged by. None: every month of the units."""
    if units is not None and not units:
        return
    prepare_writer(con)  # the macros, and no stand-in view shadowing a table written below
    if units is None:
        _replace(con, "task_completions", COMPLETIONS_QUERY, units)
        # report-month order: the zone maps a one-month view skips the others by
        for table, query, order in (("task_summary", SUMMARY_QUERY, "report_month"),
                                    ("unit_summary", UNIT_QUERY, "report_month"),
                                    ("region_summary", REGION_QUERY, "report_month"),
                                    ("unit_catalog", CATALOG_QUERY, "region, unit")):
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME {query.format(units_filter=ALL_UNITS)} ORDER BY {order}")
        _replace_store_catalog(con)
        return
    units_params: dict[str, object] = {"units": list(units)}
    try:
        _replace(con, "task_completions", COMPLETIONS_QUERY, units)
        scope, params = CHOSEN_UNITS, units_params
        if since is not None:
            scope, params = f"{CHOSEN_UNITS} AND report_month >= $since", {**units_params, "since": since}
        # The units' summary rows now (in scope), and which of the stored ones go
        # and come: unchanged rows stay where they are (in month order), and only
        # the unit-months and region-months whose sums changed are summed again.
        con.execute(f"CREATE OR REPLACE TEMP TABLE tz_fresh AS SELECT {SUMMARY_COLUMNS} FROM ("
                    + SUMMARY_QUERY.format(units_filter=scope) + ")", params)
        stored = scalar(con, f"SELECT count(*) FROM task_summary WHERE {scope}", params)
        new = "tz_new" if stored else "tz_fresh"
        if stored:
            con.execute(f"""CREATE OR REPLACE TEMP TABLE tz_gone AS
                SELECT {SUMMARY_COLUMNS} FROM task_summary WHERE {scope}
                EXCEPT SELECT * FROM tz_fresh""", params)
            con.execute(f"""CREATE OR REPLACE TEMP TABLE tz_new AS
                SELECT * FROM tz_fresh
                EXCEPT SELECT {SUMMARY_COLUMNS} FROM task_summary WHERE {scope}""", params)
            con.execute("""DELETE FROM task_summary AS t WHERE EXISTS (
                SELECT 1 FROM tz_gone AS g
                WHERE g.report_month = t.report_month AND g.unit = t.unit AND g.region IS NOT DISTINCT FROM t.region
                  AND g.category IS NOT DISTINCT FROM t.category AND g.upload_id = t.upload_id)""")
        else:
            # nothing stored for these unit-months (a unit's first ledger of a month, the
            # usual load): every fresh row is new and none goes, no comparison needed
            con.execute("CREATE OR REPLACE TEMP TABLE tz_gone AS SELECT * FROM tz_fresh LIMIT 0")
        # report-month order, which one month's rows (a monthly load) have already
        single_month = scalar(con, f"SELECT min(report_month) = max(report_month) FROM {new}")
        con.execute(f"INSERT INTO task_summary BY NAME SELECT * FROM {new}"
                    + ("" if single_month else " ORDER BY report_month"))
        con.execute(f"""CREATE OR REPLACE TEMP TABLE tz_changed AS
            SELECT DISTINCT report_month, region, unit FROM (
                SELECT report_month, region, unit FROM tz_gone
                UNION ALL SELECT report_month, region, unit FROM {new})""")
        con.execute("""DELETE FROM unit_summary AS t WHERE EXISTS (
            SELECT 1 FROM tz_changed AS c WHERE c.report_month = t.report_month AND c.unit = t.unit)""")
        con.execute("INSERT INTO unit_summary BY NAME " + UNIT_QUERY.format(units_filter="""(report_month, unit) IN (
            SELECT (report_month, unit) FROM tz_changed)""") + " ORDER BY report_month")
        con.execute("""DELETE FROM region_summary AS t WHERE EXISTS (
            SELECT 1 FROM tz_changed AS c
            WHERE c.report_month = t.report_month AND c.region IS NOT DISTINCT FROM t.region)""")
        con.execute("INSERT INTO region_summary BY NAME " + REGION_QUERY.format(units_filter="""EXISTS (
            SELECT 1 FROM tz_changed AS c
            WHERE c.report_month = task_summary.report_month AND c.region IS NOT DISTINCT FROM task_summary.region)""")
            + " ORDER BY report_month")
        _replace(con, "unit_catalog", CATALOG_QUERY, units)
        _replace_store_catalog(con)
    finally:
        for table in ("tz_fresh", "tz_gone", "tz_new", "tz_changed"):
            con.execute(f"DROP TABLE IF EXISTS temp.{table}")


def _replace(con: duckdb.DuckDBPyConnection, table: str, query: str, units: list[str] | None) -> None:
    where = ALL_UNITS if units is None else CHOSEN_UNITS
    params = {} if units is None else {"units": list(units)}
    con.execute(f"DELETE FROM {table} WHERE {where}", params)
    # by name: a table upgraded in place has its added columns last (taizhang/schema.py)
    con.execute(f"INSERT INTO {table} BY NAME " + query.format(units_filter=where), params)


def _replace_store_catalog(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM store_catalog")
    con.execute("INSERT INTO store_catalog BY NAME " + STORE_CATALOG_QUERY)


def prepare_writer(con: duckdb.DuckDBPyConnection) -> None:
    """The measure macros on a writer's connection. A writer never gets the stand-in
    views a reader of an old store gets (metrics.queries.prepare): its tables exist
    (taizhang.schema ran), and a stand-in would shadow the real table its DELETE and
    INSERT must reach ("Can only delete from base table", seen when two processes
    created a DuckLake store at once)."""
    for name in (*DERIVED, "resident_ratings"):
        con.execute(f"DROP VIEW IF EXISTS temp.main.{name}")
    prepared.discard(con)
    con.execute(sql("_macros"))
    con.execute(sql("_measures"))
    prepared.add(con)


# The schema upgrade (taizhang.schema.ensure_schema) makes these tables and fills
# them: the store layer runs it, this layer knows what they hold.
schema.register_derived(schema.Derived(
    tables=TABLES, remade=("task_summary", "unit_summary", "unit_catalog", "region_summary", "store_catalog"),
    required=REQUIRED, refresh=refresh))
