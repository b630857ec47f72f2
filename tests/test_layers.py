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


# Lower layers first; a module may import its own package and any layer below.
LAYERS = {"taizhang": 0, "metrics": 1, "present": 2, "loaders": 3, "reports": 3, "ui": 4, "app_pages": 5}
# Command lines import their subcommands' modules when a subcommand runs, so that
# `python -m loaders ingest` does not pay for what `users` needs (start-up time, issue 14).
LAZY_FOR_SPEED = {"loaders/__main__.py", "loaders/accounts_cli.py", "reports/__main__.py"}


def _project_imports():
    import ast
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in LAYERS:
                        yield path.relative_to(ROOT).as_posix(), package, top, node


def test_imports_point_down_the_layers():
    upward = [f"{path}:{node.lineno} imports {top}" for path, package, top, node in _project_imports()
              if LAYERS[top] > LAYERS[package] or (LAYERS[top] == LAYERS[package] and top != package)]
    assert not upward, upward


def test_no_import_hides_inside_a_function():
    nested = [f"{path}:{node.lineno} imports {top}" for path, package, top, node in _project_imports()
              if node.col_offset > 0 and path not in LAZY_FOR_SPEED]
    assert not nested, nested


def test_pages_read_the_store_only_through_ui_data():
    """A page or ui module never opens the store itself: reads go through ui/data.py's
    cached functions, writes through the loaders and taizhang (which hold the rules)."""
    import re
    opening = re.compile(r"\b(reading|writing)\(|duckdb\.connect\(")
    found = [f"{path.relative_to(ROOT)}:{number}" for folder in ("app_pages", "ui")
             for path in sorted((ROOT / folder).glob("*.py")) if path.name != "data.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if opening.search(line.split("#")[0])]
    assert not found, found
