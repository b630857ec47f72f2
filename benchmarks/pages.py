"""How fast each dashboard page gets its data and runs, on 1M tasks (or 10M).

    .venv/bin/python benchmarks/pages.py [--repeat 7] [--db PATH]
    .venv/bin/python benchmarks/pages.py --units 30000      # or --tasks 10M: the province scale
    .venv/bin/python benchmarks/pages.py --db PATH --lake   # the same rows in a DuckLake

Builds a deterministic 1,000,008-row database (36 months x 3,000 units, in SQL;
see benchmarks/bigdb.py; --units / --tasks / --months change the size) in a
temp folder, unless --db names one, then reports:

- data: median time of each page's data calls through ui/data.py with the
  Streamlit caches cleared before every call (a first view after a load: one
  read-only connection shared by the sidebar's catalog and the page, the named
  queries, Arrow to pandas), DuckDB warm;
- page (cold): a full AppTest run of the page with the caches cleared;
- page (warm): a full AppTest run of the page with the cache filled, which is
  what most page views cost.

--lake copies the database into a DuckLake whose catalog is a PostgreSQL server
started for the run (as offices share one store) and measures the pages there.

Each figure is also given as a ratio to a baseline measured in the same run,
`SELECT count(*) FROM tasks` through taizhang.database.reading, so results
compare across machines. Targets: data under 100 ms, a page run under 1 s.
Nothing is asserted.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bigdb import build_database, copy_to_lake, size, size_arguments  # noqa: E402

PAGES = {
    "overview": ("app_pages/overview.py", {}),
    "regions": ("app_pages/regions.py", {}),
    "rankings": ("app_pages/rankings.py", {}),
    "investment": ("app_pages/investment.py", {}),
    "units": ("app_pages/units.py", {"unit": "单位0001"}),
}


def median_ms(action, repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def page_data(name: str):
    """The data calls a page makes, as ui/data.py makes them."""
    from ui import data

    catalog = data.catalog()
    month = catalog.months[0]
    settings, _ = data.settings()

    def overview():
        data.catalog()
        data.overview(month, None, None, settings.trend_months)

    def regions():
        data.catalog()
        with data.session() as s:
            view = data.regions(month, None, settings.trend_months, session=s)
            data.units_of_region(month, view.month_rows["region"].iloc[0], None, session=s)

    def rankings():
        data.catalog()
        data.ranking(month, "unit", "completion_rate", None, None, settings)

    def investment():
        data.catalog()
        data.investment(month, None, None)

    def units():
        data.catalog()
        with data.session() as s:
            data.units(session=s)
            data.unit(month, "东湖县", "单位0001", None, session=s)

    chosen = {"overview": overview, "regions": regions, "rankings": rankings,
              "investment": investment, "units": units}[name]

    def page_view():
        # as dashboard.py runs a page: the sidebar's catalog and the page's data share one connection
        with data.page_view():
            chosen()

    return page_view


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--db", help="use this database instead of building one")
    parser.add_argument("--lake", action="store_true",
                        help="measure a DuckLake (PostgreSQL catalog) holding the same rows")
    size_arguments(parser)
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        if args.db:
            db = Path(args.db)
        else:
            db = Path(folder) / "bench.duckdb"
            chosen = size(args.months, args.units, args.tasks)
            start = time.perf_counter()
            build_database(db, **chosen)
            print(f"built {db.name}: {chosen['months'] * chosen['tasks']:,} task rows ({chosen['units']:,} units) "
                  f"in {time.perf_counter() - start:.1f} s")
        target = str(db)
        if args.lake:
            from tests import pgserver

            if not pgserver.available():
                raise SystemExit("--lake needs the PostgreSQL server binaries (initdb, pg_ctl, createdb)")
            server = pgserver.PostgresServer().start()
            stack.callback(server.stop)
            target = f"ducklake:postgres:{server.create_database('taizhang')}"
            os.environ["TAIZHANG_DATA_PATH"] = str(Path(folder) / "lake")
            (Path(folder) / "lake").mkdir()
            start = time.perf_counter()
            copy_to_lake(db, target)
            print(f"copied into a DuckLake (PostgreSQL catalog) in {time.perf_counter() - start:.1f} s")
        os.environ["TAIZHANG_DB"] = target
        os.environ.pop("TAIZHANG_CONFIG", None)

        import streamlit as st
        from streamlit.testing.v1 import AppTest

        from taizhang.database import reading

        def baseline():
            with reading(target) as con:
                con.execute("SELECT count(*) FROM tasks").fetchall()

        base = median_ms(baseline, args.repeat * 3)
        def clear():
            st.cache_data.clear()
            st.cache_resource.clear()  # ui/data keeps the ranking there (no pickling)
        rows = []
        for name, (path, params) in PAGES.items():
            action = page_data(name)
            action()  # warm DuckDB's and the OS's caches
            data_ms = median_ms(action, args.repeat, before=clear)

            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
            for key, value in params.items():
                at.query_params[key] = value
            at.run()
            if name != "overview":
                at.switch_page(path).run()
            errors = [e.value for e in at.exception]
            cold_ms = median_ms(at.run, args.repeat, before=clear)
            warm_ms = median_ms(at.run, args.repeat)
            errors += [e.value for e in at.exception]
            rows.append((name, data_ms, cold_ms, warm_ms, errors))

    print(f"\nbaseline: SELECT count(*) FROM tasks through reading() = {base:.1f} ms\n")
    print(f"{'page':12s} {'data ms':>9s} {'x base':>7s} {'page cold ms':>13s} {'x base':>7s} "
          f"{'page warm ms':>13s} {'x base':>7s}  targets (data < 100 ms, page < 1 s)")
    for name, data_ms, cold_ms, warm_ms, errors in rows:
        verdict = "ok" if data_ms < 100 and cold_ms < 1000 else "OVER"
        if errors:
            verdict = f"EXCEPTION {errors[0][:60]}"
        print(f"{name:12s} {data_ms:9.1f} {data_ms / base:7.0f} {cold_ms:13.1f} {cold_ms / base:7.0f} "
              f"{warm_ms:13.1f} {warm_ms / base:7.0f}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
