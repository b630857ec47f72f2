"""A deterministic task database for benchmarks, generated in SQL.

    .venv/bin/python benchmarks/bigdb.py [PATH] [--months 36] [--units 3000 | --tasks 1M]

Default: 36 report months x 3,000 units x ~9.3 tasks per unit = 1,000,008 rows.
`--units 30000` (or `--tasks 10M`: the number of task rows, the units follow at
~9.3 tasks per unit) is the province scale: 10,000,080 rows. Each task appears
in every month; its status moves from not started to in progress to completed
at task-specific months, so every measure has work to do. Rows are inserted
month by month, as monthly loads add them.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metrics import derived
from taizhang.database import reading, writing

REGIONS = ["城关区", "东湖县", "西山县", "南溪县", "北岭县", "青龙区", "白云县",
           "金沙县", "石门县", "桃源县", "高新区", "经开区", "临港新区", "凤凰县"]
CATEGORIES = ["解民忧暖民心", "关爱老区关心英烈后代", "党员志愿活动", "政策惠民",
              "项目建设服务", "历史遗留问题及信访积案化解"]


def build_database(path: str | Path, months: int = 36, units: int = 3000, tasks: int = 27778) -> Path:
    path = Path(path)
    if path.exists():
        path.unlink()
    with writing(str(path)) as con:
        con.execute("BEGIN")
        con.execute(
            """
            INSERT INTO uploads (upload_id, file_name, sha256, loaded_at, report_month, units,
                                 rows_loaded, rows_rejected, loaded_by)
            SELECT 'bench-' || m, 'bench-' || m || '.xlsx', md5(m::varchar), TIMESTAMP '2024-01-01',
                   (DATE '2021-01-01' + to_months(m::int))::date, ['bench'], 0, 0, 'benchmark'
            FROM range($months) AS r(m)
            """,
            {"months": months},
        )
        con.execute(
            """
            INSERT INTO task_rows BY NAME
            WITH task AS (
                SELECT t AS task_id,
                       t % $units AS unit_no,
                       (hash(t) % 1000000007)::bigint AS h
                FROM range($tasks) AS r(t)
            ), facts AS (
                SELECT task_id, unit_no, h,
                       (h % 30)::int AS start_m,
                       (h % 30 + 2 + (h // 30) % 24)::int AS done_m,
                       (h % 30 + 1 + (h // 7) % 20)::int AS due_m,
                       CASE WHEN h % 5 < 2 THEN ((h // 31) % 5000 + 10)::double END AS planned
                FROM task
            )
            SELECT (DATE '2021-01-01' + to_months(m::int))::date AS report_month,
                   $regions[(unit_no % 14 + 1)::bigint] AS region,
                   -- 单位0001 ... 单位9999, then 单位10000 ...: lpad would cut a fifth digit
                   '单位' || CASE WHEN unit_no < 10000 THEN lpad(unit_no::varchar, 4, '0')
                                 ELSE unit_no::varchar END AS unit,
                   '任务' || task_id AS title,
                   $categories[(h % 6 + 1)::bigint] AS category,
                   CASE WHEN m < start_m THEN 'not_started'
                        WHEN m < done_m THEN 'in_progress'
                        ELSE 'completed' END AS status,
                   CASE WHEN h % 10 = 0 THEN NULL
                        ELSE last_day(DATE '2021-01-01' + to_months(due_m)) END AS deadline,
                   planned AS planned_investment,
                   CASE WHEN planned IS NULL THEN NULL
                        ELSE round(planned * least(1.0, greatest(0, m - start_m + 1) / (done_m - start_m + 1.0)), 1)
                   END AS actual_investment,
                   CASE WHEN m >= start_m THEN (h // 97) % 800 ELSE 0 END AS beneficiaries,
                   NULL AS responsible_person,
                   'bench-' || m AS upload_id,
                   'Sheet1' AS source_sheet,
                   (task_id // $units + 4)::int AS source_row
            FROM range($months) AS mm(m), facts
            ORDER BY m, task_id  -- month by month, as monthly loads add rows
            """,
            {"months": months, "units": units, "tasks": tasks,
             "regions": REGIONS, "categories": CATEGORIES},
        )
        derived.refresh(con)  # as the loader's writer would
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    return path


def copy_to_lake(source: str | Path, target: str) -> None:
    """Every table of a built file database, copied into the DuckLake `target`
    (its data folder from TAIZHANG_DATA_PATH): the same rows and the same derived
    tables, in the same (month) order, as loads would have written them there.
    Streamed through Arrow: the lake's connection may not open files itself."""
    with reading(str(source)) as src, writing(target) as con:  # the lake's schema made by the real writer
        tables = [row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
        con.execute("BEGIN")
        for table in tables:
            con.execute(f"DELETE FROM {table}")
            batches = src.execute(f"SELECT * FROM {table}").to_arrow_reader(1_000_000)
            con.register("source_rows", batches)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM source_rows")
            con.unregister("source_rows")
        con.execute("COMMIT")


TASKS_PER_UNIT = 27778 / 3000  # distinct tasks per unit (each is a row in every month)


def parse_count(text: str) -> int:
    """10M, 1.5M, 300k, 10000080 -> an int."""
    text = text.strip().replace(",", "").replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    return round(float(text[:-1] if scale > 1 else text) * scale)


def size(months: int = 36, units: int | None = None, task_rows: int | None = None) -> dict:
    """build_database's arguments for a number of units, or of task rows (months x tasks)."""
    if units is None:
        units = 3000 if task_rows is None else max(1, round(task_rows / months / TASKS_PER_UNIT))
    return {"months": months, "units": units, "tasks": round(units * TASKS_PER_UNIT)}


def size_arguments(parser) -> None:
    parser.add_argument("--months", type=int, default=36)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--units", type=int, help="units (default 3,000; 30,000 is ~10M task rows)")
    group.add_argument("--tasks", type=parse_count, help="task rows, e.g. 10M (the units follow)")


if __name__ == "__main__":
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="/tmp/taizhang-bench.duckdb")
    size_arguments(parser)
    args = parser.parse_args()
    chosen = size(args.months, args.units, args.tasks)
    start = time.perf_counter()
    out = build_database(args.path, **chosen)
    print(f"built {out}: {chosen['months'] * chosen['tasks']:,} task rows ({chosen['units']:,} units) "
          f"in {time.perf_counter() - start:.1f} s")
