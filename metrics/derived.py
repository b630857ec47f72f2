"""Derived tables, kept in step with task_rows by the writers in the same transaction.

task_completions  the first report month each task (region, unit, title) was
                  seen completed: the on-time check needs it, and computing it
                  on every page view meant aggregating every month of task_rows.
task_summary      the additive parts of every measure per (report_month,
                  region, unit, category), with each row's flags applied as
                  tz_task_facts (sql/_macros.sql) defines them. Every page's
                  measures are sums of these (the ledger's 群众满意度
                  counts too: rated, satisfied, basically_satisfied,
                  dissatisfied): fewer rows than task_rows and none
                  of its text columns, so a page view's first query is cheap.

Both depend only on the rows of one unit (a task belongs to one unit), so a
write or a rollback refreshes exactly the units it touched: `refresh(con, units)`.
`refresh(con)` rebuilds both (a schema upgrade, a benchmark database, tests
that insert rows directly).
"""
from __future__ import annotations

import duckdb

# A task is (region, unit, title) across monthly snapshots; task_key is its
# 64-bit hash, as sql/_macros.sql joins it.
COMPLETIONS_QUERY = """
    SELECT hash(region, unit, title) AS task_key, region, unit, min(report_month) AS first_completed
    FROM task_rows
    WHERE status = 'completed' AND ({units_filter})
    GROUP BY region, unit, title"""

# The columns tz_measures sums; NULL planned_base means no task with planned investment.
SUMMARY_QUERY = """
    SELECT report_month, region, unit, category,
           count(*)::BIGINT AS tasks,
           count_if(is_completed)::BIGINT AS completed,
           count_if(is_started)::BIGINT AS started,
           count_if(is_overdue)::BIGINT AS overdue,
           count_if(is_on_time)::BIGINT AS on_time,
           count_if(is_completed OR is_overdue)::BIGINT AS on_time_base,
           coalesce(sum(planned_investment), 0) AS planned_investment,
           coalesce(sum(actual_investment), 0) AS actual_investment,
           sum(CASE WHEN planned_investment > 0 THEN planned_investment END) AS planned_base,
           coalesce(sum(CASE WHEN planned_investment > 0 THEN actual_investment END), 0) AS actual_on_planned,
           coalesce(sum(beneficiaries), 0)::BIGINT AS beneficiaries,
           count(satisfaction)::BIGINT AS rated,
           count(*) FILTER (WHERE satisfaction = 'satisfied')::BIGINT AS satisfied,
           count(*) FILTER (WHERE satisfaction = 'basically_satisfied')::BIGINT AS basically_satisfied,
           count(*) FILTER (WHERE satisfaction = 'dissatisfied')::BIGINT AS dissatisfied
    FROM tz_task_facts(DATE '0001-01-01', DATE '9999-12-01', NULL, NULL, NULL, true)
    WHERE {units_filter}
    GROUP BY report_month, region, unit, category"""

ALL_UNITS = "true"
CHOSEN_UNITS = "unit IN (SELECT unnest($units))"


def refresh(con: duckdb.DuckDBPyConnection, units: list[str] | None = None) -> None:
    """Recompute both tables for these units (None: all), inside the caller's transaction,
    after task_rows of those units changed."""
    from metrics.queries import prepare  # the macros (sql/_macros.sql) on this connection

    if units is not None and not units:
        return
    _replace(con, "task_completions", COMPLETIONS_QUERY, units)
    prepare(con)  # tz_task_facts reads task_completions, current from here on
    _replace(con, "task_summary", SUMMARY_QUERY, units)


def _replace(con: duckdb.DuckDBPyConnection, table: str, query: str, units: list[str] | None) -> None:
    where = ALL_UNITS if units is None else CHOSEN_UNITS
    params = {} if units is None else {"units": list(units)}
    con.execute(f"DELETE FROM {table} WHERE {where}", params)
    # by name: a table upgraded in place has its added columns last (taizhang/schema.py)
    con.execute(f"INSERT INTO {table} BY NAME " + query.format(units_filter=where), params)
