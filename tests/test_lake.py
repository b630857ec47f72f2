"""DuckLake with a real PostgreSQL catalog: the same loader and SQL, several processes at once."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from taizhang import database
from tests import pgserver, workbooks as wb

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not pgserver.available(),
                                reason="PostgreSQL binaries not installed (.ci/run installs them)")


@pytest.fixture(scope="module")
def postgres():
    server = pgserver.PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def lake(postgres, tmp_path, request, monkeypatch):
    name = "lake_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    dsn = postgres.create_database(name)
    monkeypatch.setenv("TAIZHANG_DATA_PATH", str(tmp_path / "parquet"))
    return f"ducklake:postgres:{dsn}"


def run_cli(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "loaders", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=300,
    )


def test_same_loader_and_sql_on_a_lake(lake):
    from loaders.pipeline import ingest
    from loaders.store import rollback

    first = ingest(wb.city_ledger_xlsx(), "city.xlsx", lake)
    assert first.status == "loaded", [p.message("en") for p in first.problems]
    with database.reading(lake) as con:
        assert con.execute("SELECT unit, status FROM tasks ORDER BY source_row").fetchall() == [
            ("市教育局", "in_progress"),
            ("市卫生健康委", "completed"),
            ("市医保局", "not_started"),
        ]
    version = database.data_version(lake)
    second = ingest(wb.county_xlsx(), "county.xlsx", lake)
    assert second.status == "loaded"
    assert database.data_version(lake) != version  # pages see the new data on their next view
    rollback(lake, second.upload_id)
    with database.reading(lake) as con:
        assert con.execute("SELECT count(*) FROM tasks").fetchone()[0] == 3


def test_two_processes_load_into_one_lake_at_once(lake, tmp_path):
    """Concurrent commits conflict in DuckLake; the writer retries, nothing is lost or doubled."""
    files = {
        "a": [("city.xlsx", wb.city_ledger_xlsx()), ("county.xlsx", wb.county_xlsx())],
        "b": [("白水县_2021-07.csv", wb.county_csv()), ("红石区.xls", wb.county_html())],
    }
    env = {**os.environ, "TAIZHANG_DATA_PATH": os.environ["TAIZHANG_DATA_PATH"], "TAIZHANG_LANG": "en"}
    # Each process loads its own files; the first one of each also primes the schema race.
    procs = []
    for key, entries in files.items():
        paths = []
        for name, data in entries:
            path = tmp_path / key / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            paths.append(path)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "loaders", "ingest", *map(str, paths), "--db", lake, "--json"],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            )
        )
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    loaded = sum(json.loads(line)["rows_loaded"] for out, _ in outputs for line in out.splitlines())
    assert loaded == 3 + 3 + 3 + 3
    info = json.loads(run_cli("info", "--db", lake, "--json", env=env).stdout)
    assert sum(m["tasks"] for m in info) == loaded
    assert [m["month"] for m in info] == ["2021-07", "2021-06", "2021-05", "2021-04"]
    with database.reading(lake) as con:
        assert con.execute("SELECT count(*) FROM uploads").fetchone()[0] == 4
        assert con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT upload_id, source_row FROM tasks)").fetchone()[0] == loaded


def test_page_views_on_a_lake_share_one_attach_and_see_every_commit(lake, monkeypatch):
    """Attaching a lake costs ~0.2-0.4 s (extensions, catalog): this process attaches it
    once for reading, and each page view reads through a cursor of it. A load committed
    after that (by the writer's own attach, as another machine's would be) shows on the
    next page view."""
    import datetime as dt

    import streamlit as st

    from loaders.pipeline import ingest
    from ui import data

    assert ingest(wb.city_ledger_xlsx(), "city.xlsx", lake).status == "loaded"
    monkeypatch.setenv("TAIZHANG_DB", lake)
    attached = []
    real = database._open_lake

    def counting(target, read_only):
        if read_only:
            attached.append(target)
        return real(target, read_only)

    monkeypatch.setattr(database, "_open_lake", counting)
    monkeypatch.setattr(database, "_lake_readers", {})
    st.cache_data.clear()
    with data.page_view():
        catalog = data.catalog()
        assert catalog.ok and catalog.months == (dt.date(2021, 4, 1),)
        view = data.overview(catalog.months[0], None, None, 12)
        assert view.kpis["tasks"].value == 3
    with data.page_view():  # cached data; the version asked through the same attach
        assert data.catalog().months == catalog.months
    assert len(attached) == 1

    assert ingest(wb.county_xlsx(), "county.xlsx", lake).status == "loaded"
    with data.page_view():
        assert data.catalog().months == (dt.date(2021, 5, 1), dt.date(2021, 4, 1))
        assert data.overview(dt.date(2021, 5, 1), None, None, 12).kpis["tasks"].value == 3
    assert len(attached) == 1

    # after an error the next reader attaches afresh (the catalog server may have gone away)
    with pytest.raises(duckdb.Error), database.reading(lake) as con:
        con.execute("SELECT no_such_column FROM tasks")
    with database.reading(lake) as con:
        assert con.execute("SELECT count(*) FROM tasks").fetchone()[0] == 6
    assert len(attached) == 2


def test_the_benchmark_lake_holds_what_the_file_database_holds(lake, tmp_path):
    """benchmarks/pages.py --lake measures a copy of the big file database: every table,
    derived ones included, and every measure the same as on the file."""
    from benchmarks.bigdb import build_database, copy_to_lake
    from metrics import measures

    (tmp_path / "parquet").mkdir()
    db = build_database(tmp_path / "b.duckdb", months=3, units=20, tasks=100)
    copy_to_lake(db, lake)
    with database.reading(str(db)) as file_con, database.reading(lake) as lake_con:
        for table in ("task_rows", "uploads", "task_summary", "unit_summary", "region_summary",
                      "unit_catalog", "task_completions"):
            query = f"SELECT count(*), hash(list(t ORDER BY ALL)) FROM {table} AS t"
            assert lake_con.execute(query).fetchone() == file_con.execute(query).fetchone(), table
        month = file_con.execute("SELECT max(report_month) FROM tasks").fetchone()[0]
        on_file = measures(file_con, month, month, "region")
        on_lake = measures(lake_con, month, month, "region")
    assert len(on_file) > 1
    pd.testing.assert_frame_equal(on_lake.sort_values("region", ignore_index=True),
                                  on_file.sort_values("region", ignore_index=True))


def test_reads_recover_when_the_catalog_server_restarts(postgres, lake):
    """The shared read attach outlives a PostgreSQL restart: a read that fails on the
    broken connection says so, and the next read attaches afresh."""
    from loaders.pipeline import ingest

    assert ingest(wb.city_ledger_xlsx(), "city.xlsx", lake).status == "loaded"
    with database.reading(lake) as con:
        assert con.execute("SELECT count(*) FROM tasks").fetchone()[0] == 3
    postgres.restart()
    counts = []
    for _ in range(2):
        try:
            with database.reading(lake) as con:
                counts.append(con.execute("SELECT count(*) FROM tasks").fetchone()[0])
        except duckdb.Error:
            counts.append("failed")
    assert counts[-1] == 3, counts  # (the PostgreSQL extension reconnects by itself today: [3, 3])
