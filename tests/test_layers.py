"""Layers point down: taizhang (the store) never imports metrics, and the schema
upgrade fills the derived tables through what metrics registers; a program that
never loaded metrics cannot empty them."""
from __future__ import annotations

import subprocess
import sys

from taizhang.database import writing
from tests.dbfixtures import build, sample_rows
from tests.served import ROOT


def test_the_store_layer_imports_no_metrics():
    code = ("import sys, taizhang.database, taizhang.schema, taizhang.accounts, taizhang.ratings, taizhang.names; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('metrics', 'loaders', 'reports', 'ui')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_an_upgrade_without_metrics_loaded_refuses_and_changes_nothing(tmp_path):
    path = build(tmp_path / "old.duckdb", sample_rows())
    with writing(str(path)) as con:   # an older store: its summaries must be made again
        con.execute("UPDATE schema_info SET value = '5' WHERE key = 'schema_version'")
        before = con.execute("SELECT count(*) FROM task_summary").fetchone()[0]
    assert before > 0
    code = (f"from taizhang.database import writing\n"
            f"with writing({str(path)!r}) as con: pass\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode != 0 and "SchemaError" in done.stderr and "unchanged" in done.stderr
    import duckdb
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM task_summary").fetchone()[0] == before
        assert con.execute("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchone()[0] == "5"
    finally:
        con.close()
    with writing(str(path)) as con:   # with metrics loaded (this process), the upgrade runs
        assert con.execute("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchone()[0] != "5"
        assert con.execute("SELECT count(*) FROM task_summary").fetchone()[0] == before
