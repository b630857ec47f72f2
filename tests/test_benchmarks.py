"""The benchmark scripts stay runnable: each imports, and the small ones run."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "benchmarks").glob("*.py")
                    if p.stem != "__init__")


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_module_imports(name):
    # screenshots.py once imported helpers from a test module after they had moved
    module = importlib.import_module(f"benchmarks.{name}")
    assert callable(getattr(module, "main", None)) or name == "bigdb"


def test_big_database_builder_fills_the_derived_tables(tmp_path):
    from benchmarks.bigdb import build_database
    from taizhang.database import reading

    db = build_database(tmp_path / "b.duckdb", months=3, units=20, tasks=100)
    with reading(str(db)) as con:
        tasks, summed = con.execute(
            "SELECT (SELECT count(*) FROM tasks), (SELECT sum(tasks) FROM task_summary)").fetchone()
    assert tasks == summed == 300
