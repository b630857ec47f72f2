"""The derived tables at the 10M-task shape, in small: few months, many units.

The pages read pre-aggregates per grain (metrics/derived.py: task_summary per
unit and category, unit_summary per unit, region_summary per region and
category, unit_catalog per unit). Each must give exactly what aggregating the
task rows gives, whichever grain tz_measures picks for a call, and a write's
incremental refresh must leave them as a rebuild from scratch would.
"""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import metrics
from benchmarks.bigdb import REGIONS, build_database
from metrics import derived
from metrics.queries import prepare
from taizhang.database import reading, writing
from tests.oracle import FROM_ROWS, SUMMED

MONTHS, UNITS = 3, 600
LAST = dt.date(2021, 3, 1)

TABLES = ("task_summary", "unit_summary", "region_summary", "unit_catalog", "task_completions", "store_catalog")


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """bigdb's generator at 3 months x 600 units (~5,600 task rows), with some
    satisfaction filled so the 群众满意度 counts have work to do, and some units'
    ledgers without 完成投资, deadlines or people served."""
    path = build_database(tmp_path_factory.mktemp("wide") / "w.duckdb", months=MONTHS, units=UNITS,
                          tasks=round(UNITS * 27778 / 3000))
    with writing(str(path)) as con:
        con.execute("BEGIN")
        con.execute("""UPDATE task_rows SET satisfaction = CASE hash(title) % 4 WHEN 0 THEN 'satisfied'
                       WHEN 1 THEN 'dissatisfied' WHEN 2 THEN 'basically_satisfied' END""")
        # ledgers without a column (missing is not zero): some units never give
        # 完成投资, some no deadlines, some no people served
        con.execute("""UPDATE task_rows SET
                           actual_investment = CASE WHEN hash(unit) % 7 = 0 THEN NULL ELSE actual_investment END,
                           deadline = CASE WHEN hash(unit) % 5 = 0 THEN NULL ELSE deadline END,
                           beneficiaries = CASE WHEN hash(unit) % 11 = 0 THEN NULL ELSE beneficiaries END""")
        derived.refresh(con)
        con.execute("COMMIT")
    return str(path)


def close(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and abs(a - b) < 1e-6 * max(1, abs(b)))


def same_rows(got, expected):
    key = lambda r: repr(r[:4])  # noqa: E731
    got, expected = sorted(got, key=key), sorted(expected, key=key)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert all(close(a, b) for a, b in zip(g, e)), (g, e)


@pytest.mark.parametrize("level", ["total", "region", "unit", "category", "region_category"])
@pytest.mark.parametrize("region, category, unit", [
    (None, None, None), ("东湖县", None, None), (None, "政策惠民", None), ("东湖县", "政策惠民", None),
    ("东湖县", None, "单位0001"), (None, "政策惠民", "单位0001")])
def test_every_grain_gives_the_measures_of_the_rows(wide, level, region, category, unit):
    params = {"month_from": dt.date(2021, 1, 1), "month_to": LAST, "region": region, "category": category,
              "unit": unit, "level": level}
    with reading(wide) as con:
        prepare(con)
        expected = con.execute(FROM_ROWS, params).fetchall()
        got = con.execute(SUMMED, params).fetchall()
    assert got  # the scope has tasks
    same_rows(got, expected)


def test_the_catalog_and_the_unit_finder_match_the_rows(wide):
    with reading(wide) as con:
        months, regions, categories = metrics.catalog(con)
        rows = con.execute("""SELECT list(DISTINCT report_month ORDER BY report_month DESC),
                                     list(DISTINCT region ORDER BY region), list(DISTINCT category ORDER BY category)
                              FROM tasks""").fetchone()
        units = metrics.units(con)
        expected = con.execute("""SELECT region, unit, max(report_month) FROM tasks GROUP BY ALL
                                  ORDER BY region NULLS LAST, unit""").fetchall()
    assert (months, regions, categories) == tuple(rows)
    assert list(units.itertuples(index=False, name=None)) == expected
    assert len(units) == UNITS


@pytest.mark.parametrize("measure", ["completion_rate", "on_time_rate", "composite"])
def test_ranks_are_competition_ranks_of_the_scores(wide, measure):
    """ranking.sql counts ranks from the distinct scores; rank(method='min') of pandas is the oracle."""
    with reading(wide) as con:
        r = metrics.ranking(con, LAST, level="unit", measure=measure, settings=metrics.Settings(min_tasks=1))
        before = metrics.ranking(con, metrics.previous_month(LAST), level="unit", measure=measure,
                                 settings=metrics.Settings(min_tasks=1))
    table = r.table
    assert len(table) + len(r.unranked) == UNITS and len(table) > 10
    assert (table["rank"] == table["score"].rank(method="min", ascending=False)).all()
    assert (table["rank_from_bottom"] == table["score"].rank(method="min", ascending=True)).all()
    previous = before.table.set_index(["region", "unit"])["rank"]
    joined = table.join(previous.rename("expected"), on=["region", "unit"])
    assert (joined["previous_rank"].fillna(-1) == joined["expected"].fillna(-1)).all()


def _rows(con, table):
    # sorted by everything but the sums of money (DOUBLE), which differ in the
    # last bit with the order of summation
    rows = con.execute(f"SELECT * FROM {table}").fetchall()
    return sorted(rows, key=lambda r: repr([v for v in r if not isinstance(v, float)]))


def rebuilt(con) -> dict[str, list]:
    """Every derived table as a rebuild from scratch makes it, beside what is kept."""
    kept = {t: _rows(con, t) for t in TABLES}
    derived.refresh(con)
    fresh = {t: _rows(con, t) for t in TABLES}
    return kept, fresh


_CHANGES = st.lists(st.tuples(
    st.integers(0, UNITS - 1),                                   # unit number
    st.sampled_from([dt.date(2021, 1, 1), dt.date(2021, 2, 1), LAST]),
    st.sampled_from(["status", "region", "drop", "month_gone", "category", "money"]),
), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=_CHANGES, scoped=st.booleans())
def test_an_incremental_refresh_leaves_what_a_rebuild_makes(wide, tmp_path_factory, changes, scoped):
    """Writes touch a few units of a wide store: refresh(con, units) replaces only
    the rows whose sums changed, and the result is a full rebuild's, in every table;
    also when told the earliest month changed (since), so it sums only the months
    from then on, with tasks completed, deadlines passed and first completions moved."""
    import shutil

    path = tmp_path_factory.mktemp("inc") / "w.duckdb"
    shutil.copy(wide, path)
    with writing(str(path)) as con:
        con.execute("BEGIN")
        units = []
        for number, month, change in changes:
            unit = "单位" + str(number).zfill(4)
            units.append(unit)
            where = "unit = $unit AND report_month = $month"
            statement = {
                "status": f"UPDATE task_rows SET status = 'completed' WHERE {where}",
                "region": "UPDATE task_rows SET region = $region WHERE unit = $unit",
                "drop": f"DELETE FROM task_rows WHERE {where} AND hash(title) % 2 = 0",
                "month_gone": f"DELETE FROM task_rows WHERE {where}",
                "category": f"UPDATE task_rows SET category = NULL WHERE {where}",
                "money": f"UPDATE task_rows SET planned_investment = 100, actual_investment = 7.5 WHERE {where}",
            }[change]
            params = {"unit": unit, "month": month, "region": REGIONS[(number + 3) % len(REGIONS)]}
            con.execute(statement, {k: v for k, v in params.items() if "$" + k in statement})
        # as a load or a rollback says it: from the earliest month its rows changed in
        # (a region change rewrites every month of the unit)
        since = min(dt.date(2021, 1, 1) if change == "region" else month for _, month, change in changes)
        derived.refresh(con, sorted(set(units)), since=since if scoped else None)
        kept, fresh = rebuilt(con)
        con.execute("ROLLBACK")
    for table in TABLES:
        assert len(kept[table]) == len(fresh[table]), table
        for k, f in zip(kept[table], fresh[table]):
            assert len(k) == len(f) and all(close(a, b) for a, b in zip(k, f)), (table, k, f)


def test_a_one_month_view_reads_one_month(wide):
    """The summaries are in report-month order, so DuckDB's zone maps skip the other months."""
    with reading(wide) as con:
        for table in ("task_summary", "unit_summary", "region_summary"):
            months = con.execute(f"SELECT report_month FROM {table}").fetchall()
            assert months == sorted(months), table
