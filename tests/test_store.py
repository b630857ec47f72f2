"""Writing, replacing and rolling back uploads: each a transaction on a real DuckDB file."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from loaders import store
from loaders.pipeline import ingest
from taizhang.schema import SCHEMA_VERSION
from tests import workbooks as wb


def ledger(rows):
    return wb.xlsx({"台账": [["台账（2021年4月）"], ["责任单位", "项目名称", "进展情况"], *rows]})


def query(db, sql):
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "s.duckdb")


def test_rollback_restores_the_unit_month_as_it_was(db):
    first = ingest(ledger([["市教育局", "修操场", "推进中"], ["市民政局", "敬老院", "推进中"]]), "v1.xlsx", db)
    second = ingest(ledger([["市教育局", "修操场", "已完成"], ["市教育局", "新增项目", "未启动"]]), "v2.xlsx", db)
    assert query(db, "SELECT unit, title, status FROM tasks ORDER BY unit, title") == [
        ("市教育局", "修操场", "completed"),
        ("市教育局", "新增项目", "not_started"),
        ("市民政局", "敬老院", "in_progress"),
    ]
    result = store.rollback(db, second.upload_id, actor="admin")
    assert result == {"removed": 2, "restored": 1, "restored_uploads": [first.upload_id]}
    assert query(db, "SELECT unit, title, status, upload_id FROM tasks ORDER BY unit") == [
        ("市教育局", "修操场", "in_progress", first.upload_id),
        ("市民政局", "敬老院", "in_progress", first.upload_id),
    ]
    states = dict(query(db, "SELECT upload_id, state FROM uploads"))
    assert states == {first.upload_id: "active", second.upload_id: "rolled_back"}
    assert ("rollback", second.upload_id) in query(db, "SELECT action, target FROM audit_log")


def test_rolling_back_the_only_upload_empties_its_unit_month(db):
    only = ingest(ledger([["市教育局", "修操场", "推进中"]]), "v1.xlsx", db)
    store.rollback(db, only.upload_id)
    assert query(db, "SELECT count(*) FROM tasks") == [(0,)]
    with pytest.raises(store.RollbackRefused):
        store.rollback(db, only.upload_id)


def test_the_same_file_after_a_rollback_loads_again(db):
    data = ledger([["市教育局", "修操场", "推进中"]])
    first = ingest(data, "v1.xlsx", db)
    store.rollback(db, first.upload_id)
    again = ingest(data, "v1.xlsx", db)
    assert again.status == "loaded"
    assert query(db, "SELECT count(*) FROM tasks") == [(1,)]


def test_replaced_upload_reloaded_replaces_back(db):
    v1 = ledger([["市教育局", "修操场", "推进中"]])
    ingest(v1, "v1.xlsx", db)
    ingest(ledger([["市教育局", "修操场", "已完成"]]), "v2.xlsx", db)
    assert ingest(v1, "v1.xlsx", db).status == "loaded"  # v1 no longer in force, so it is news
    assert query(db, "SELECT status FROM tasks") == [("in_progress",)]


def test_units_are_learned_from_uploads(db):
    ingest(wb.county_xlsx(), "county.xlsx", db)
    assert query(db, "SELECT unit, region, source, since FROM units ORDER BY unit") == [
        ("城关镇", "青山县", "learned", dt.date(2021, 5, 1)),
        ("河口乡", "青山县", "learned", dt.date(2021, 5, 1)),
    ]
    # The same townships' March sheet, backfilled after May: expected from March on.
    assert ingest(wb.county_xls(), "county-march.xls", db, month=dt.date(2021, 3, 1)).status == "loaded"
    assert query(db, "SELECT DISTINCT since FROM units") == [(dt.date(2021, 3, 1),)]


def test_failed_write_leaves_the_database_as_before(db, monkeypatch):
    ingest(ledger([["市教育局", "修操场", "推进中"]]), "v1.xlsx", db)
    before = query(db, "SELECT * FROM tasks")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "audit", broken)  # fails inside the transaction, after the rows moved
    with pytest.raises(RuntimeError):
        ingest(ledger([["市教育局", "修操场", "已完成"]]), "v2.xlsx", db)
    assert query(db, "SELECT * FROM tasks") == before
    assert query(db, "SELECT count(*) FROM uploads") == [(1,)]


# --- task_completions: derived, kept in step by every write and rollback ------

def month_ledger(month: int, rows):
    return wb.xlsx({"台账": [[f"台账（2021年{month}月）"], ["责任单位", "项目名称", "进展情况"], *rows]})


def completions(db):
    return sorted(query(db, "SELECT unit, first_completed FROM task_completions"))


def recomputed(db):
    """task_completions as a rebuild from scratch would make it; and task_summary must match one too."""
    from metrics.derived import COMPLETIONS_QUERY, REGION_QUERY, SUMMARY_QUERY, UNIT_QUERY
    from metrics.queries import prepare

    expected = sorted(query(db, f"SELECT unit, first_completed FROM ({COMPLETIONS_QUERY.format(units_filter='true')})"))
    con = duckdb.connect(db, read_only=True)
    try:
        prepare(con)
        kept = sorted(con.execute("SELECT * FROM task_summary").fetchall(), key=repr)
        rebuilt = sorted(con.execute(SUMMARY_QUERY.format(units_filter="true")).fetchall(), key=repr)
        # the coarser grains, as summed again from the (checked) task_summary
        coarser = {table: (sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr),
                           sorted(con.execute(query.format(units_filter="true")).fetchall(), key=repr))
                   for table, query in (("unit_summary", UNIT_QUERY), ("region_summary", REGION_QUERY))}
        coarser["unit_catalog"] = (
            sorted(con.execute("SELECT * FROM unit_catalog").fetchall(), key=repr),
            sorted(con.execute("SELECT region, unit, max(report_month) FROM tasks GROUP BY ALL").fetchall(), key=repr))
        # the sidebar's one-row catalog, against the task rows themselves
        coarser["store_catalog"] = (
            con.execute("SELECT months, regions, categories FROM store_catalog").fetchall(),
            con.execute("""SELECT coalesce(list(DISTINCT report_month ORDER BY report_month DESC), []),
                                  coalesce(list(DISTINCT region ORDER BY region) FILTER (region IS NOT NULL), []),
                                  coalesce(list(DISTINCT category ORDER BY category)
                                           FILTER (category IS NOT NULL), [])
                           FROM tasks""").fetchall())
    finally:
        con.close()
    assert kept == rebuilt
    for table, (kept_rows, rebuilt_rows) in coarser.items():
        assert kept_rows == rebuilt_rows, table
    return expected


def test_first_completion_follows_loads_replacements_and_rollbacks(db):
    june = ingest(month_ledger(6, [["市教育局", "修操场", "已完成"], ["市民政局", "敬老院", "推进中"]]), "6.xlsx", db)
    assert completions(db) == recomputed(db) == [("市教育局", dt.date(2021, 6, 1))]
    # An earlier month loaded later moves the first completion back ...
    may = ingest(month_ledger(5, [["市教育局", "修操场", "已完成"]]), "5.xlsx", db)
    assert completions(db) == recomputed(db) == [("市教育局", dt.date(2021, 5, 1))]
    # ... a corrected May sheet moves it forward again ...
    may_fixed = ingest(month_ledger(5, [["市教育局", "修操场", "推进中"]]), "5b.xlsx", db)
    assert completions(db) == recomputed(db) == [("市教育局", dt.date(2021, 6, 1))]
    # ... and rolling the correction back restores May.
    store.rollback(db, may_fixed.upload_id)
    assert completions(db) == recomputed(db) == [("市教育局", dt.date(2021, 5, 1))]
    store.rollback(db, may.upload_id)
    store.rollback(db, june.upload_id)
    assert completions(db) == recomputed(db) == []


def test_on_time_rate_uses_the_kept_first_completion(db):
    import metrics
    from taizhang.database import reading

    # Due 2021-05-31, reported completed in June only: late. Completed in May too: on time.
    late = [["市教育局", "修操场", "已完成", "2021-05-31"]]
    header = ["责任单位", "项目名称", "进展情况", "完成时限"]
    june = wb.xlsx({"台账": [["台账（2021年6月）"], header, *late]})
    ingest(june, "6.xlsx", db)
    with reading(db) as con:
        assert metrics.kpis(con, dt.date(2021, 6, 1))["on_time_rate"].value == 0
    ingest(wb.xlsx({"台账": [["台账（2021年5月）"], header, *late]}), "5.xlsx", db)
    with reading(db) as con:
        assert metrics.kpis(con, dt.date(2021, 6, 1))["on_time_rate"].value == 1


def test_a_version_1_database_is_read_right_and_upgraded_by_the_next_writer(db):
    import metrics
    from taizhang.database import reading, writing

    header = ["责任单位", "项目名称", "进展情况", "完成时限"]
    row = [["市教育局", "修操场", "已完成", "2021-05-31"]]
    ingest(wb.xlsx({"台账": [["台账（2021年5月）"], header, *row]}), "5.xlsx", db)
    ingest(wb.xlsx({"台账": [["台账（2021年6月）"], header, *row]}), "6.xlsx", db)
    con = duckdb.connect(db)
    con.execute("DROP TABLE task_completions")
    con.execute("DROP TABLE task_summary")
    con.execute("UPDATE schema_info SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with reading(db) as con:  # read-only: computed on the fly
        assert metrics.kpis(con, dt.date(2021, 6, 1))["on_time_rate"].value == 1
    with writing(db):
        pass
    assert completions(db) == recomputed(db) == [("市教育局", dt.date(2021, 5, 1))]
    assert query(db, "SELECT month(report_month), on_time FROM task_summary ORDER BY 1") == [(5, 1), (6, 1)]
    assert query(db, "SELECT value FROM schema_info WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]


def test_a_store_without_the_catalog_table_is_read_right_and_upgraded_by_the_next_writer(db):
    """store_catalog (the sidebar's one row) came after schema 6's first stores: one
    without it shows the same catalog, from region_summary, until a writer makes it."""
    import metrics
    from taizhang.database import reading, writing

    header = ["责任单位", "项目名称", "进展情况", "类别"]
    for month, row in ((5, ["市教育局", "修操场", "已完成", "政策惠民"]),
                       (6, ["市民政局", "敬老院", "推进中", "解民忧暖民心"])):
        ingest(wb.xlsx({"台账": [[f"台账（2021年{month}月）"], header, row]}), f"{month}.xlsx", db)
    with reading(db) as con:
        current = metrics.catalog(con)
    assert current[0] == [dt.date(2021, 6, 1), dt.date(2021, 5, 1)]
    assert current[2] == ["政策惠民", "解民忧暖民心"]
    con = duckdb.connect(db)
    con.execute("DROP TABLE store_catalog")
    con.close()
    with reading(db) as con:  # read-only: a stand-in view
        assert metrics.catalog(con) == current
    with writing(db):
        pass
    assert query(db, "SELECT months, categories FROM store_catalog") == [(current[0], current[2])]


def test_loads_within_one_second_keep_their_order(db):
    ingest(ledger([["市教育局", "修操场", "推进中"]]), "first.xlsx", db)
    ingest(ledger([["市教育局", "修操场", "已完成"]]), "second.xlsx", db)
    assert query(db, "SELECT file_name FROM uploads ORDER BY loaded_at DESC") == [("second.xlsx",), ("first.xlsx",)]


def test_a_version_2_database_gains_the_progress_columns_and_keeps_loading(db):
    """Schema 3 adds progress_note, progress_pct and status_rule; an older file gets
    them on its next write, after superseded_by, and replacement still works."""
    header = ["责任单位", "项目名称", "进展情况"]
    ingest(wb.xlsx({"台账": [["台账（2021年5月）"], header, ["市教育局", "修操场", "已完成"]]}), "a.xlsx", db)
    con = duckdb.connect(db)
    for table in ("task_rows", "superseded_rows"):
        for column in ("progress_note", "progress_pct", "status_rule"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.execute("CREATE OR REPLACE VIEW tasks AS SELECT * FROM task_rows")
    con.execute("UPDATE schema_info SET value = '2' WHERE key = 'schema_version'")
    con.close()
    rows = [["市教育局", "修操场", "已开工，完成主体工程60%"], ["市教育局", "建食堂", "未启动"]]
    report = ingest(wb.xlsx({"台账": [["台账（2021年5月）"], header, *rows]}), "b.xlsx", db)
    assert report.status == "loaded", [p.message("en") for p in report.problems]
    assert report.replaced_rows == 1
    assert query(db, "SELECT title, status, progress_note FROM tasks ORDER BY source_row") == [
        ("修操场", "in_progress", "已开工，完成主体工程60%"), ("建食堂", "not_started", "未启动")]
    assert query(db, "SELECT title, progress_note FROM superseded_rows") == [("修操场", None)]


def test_an_upgrade_gives_rows_without_a_region_their_units_known_region(db):
    """Before schema 3 a 市直 department's own sheet (no 县区 column) was stored with
    no region, splitting the unit in two; the upgrade settles it."""
    city = wb.xlsx({"台账": [["江州市市直单位台账（2021年5月）"], ["责任单位", "项目名称", "进展情况"],
                             ["市教育局", "修操场", "已完成"]]})
    ingest(city, "a.xlsx", db)
    con = duckdb.connect(db)
    con.execute("INSERT INTO task_rows BY NAME SELECT DATE '2021-06-01' AS report_month, NULL AS region, unit, "
                "title, category, status, upload_id FROM task_rows")
    con.execute("UPDATE schema_info SET value = '2' WHERE key = 'schema_version'")
    con.close()
    ingest(wb.xlsx({"台账": [["台账（2021年7月）"], ["责任单位", "项目名称", "进展情况"],
                             ["市医保局", "就近办", "已完成"]]}), "b.xlsx", db)
    assert query(db, "SELECT report_month, region FROM tasks WHERE unit = '市教育局' ORDER BY 1") == [
        (dt.date(2021, 5, 1), "市直"), (dt.date(2021, 6, 1), "市直")]
    assert query(db, "SELECT DISTINCT region FROM task_summary WHERE unit = '市教育局'") == [("市直",)]
