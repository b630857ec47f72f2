"""App connections cannot reach server files, and cannot be talked out of it."""
from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import pytest

from loaders.pipeline import ingest
from taizhang import database
from tests import workbooks as wb


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "sec.duckdb")
    ingest(wb.county_xlsx(), "county.xlsx", path)
    return path


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "COPY (SELECT 1) TO '/tmp/taizhang-leak.csv'",
        "ATTACH '/tmp/other.duckdb' AS other",
        "INSTALL httpfs",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
    ],
)
@pytest.mark.parametrize("mode", ["reading", "writing"])
def test_app_connections_refuse_file_access_and_config_changes(db, sql, mode):
    with getattr(database, mode)(db) as con:
        with pytest.raises(duckdb.Error):
            con.execute(sql)
        assert con.execute("SELECT count(*) FROM tasks").fetchone()[0] == 3  # still works for its own data


def _html_calls():
    """Every call that puts raw HTML on a page: st.html, components.html, st.iframe, unsafe_allow_html=True."""
    root = Path(__file__).resolve().parent.parent
    for path in sorted([root / "dashboard.py", *(root / "app_pages").glob("*.py"), *(root / "ui").glob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            unsafe = any(k.arg == "unsafe_allow_html" and getattr(k.value, "value", False) is True
                         for k in node.keywords)
            if name in ("html", "iframe") or unsafe:
                yield f"{path.name}:{node.lineno}", node.args[0] if node.args else None, constants


def test_raw_html_is_only_ever_a_constant_never_data():
    """Unit names like <script> must show as text: no user data reaches raw HTML (SECURITY.md)."""
    calls = list(_html_calls())
    assert len(calls) >= 3, "the scan found too few raw-HTML calls; is it still looking at the right files?"
    for place, arg, constants in calls:
        literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        constant = isinstance(arg, ast.Name) and arg.id in constants
        # An f-string may carry configured numbers only (the upload limit), the module's own
        # string constants, and the feedback page's browser id (checked to be [A-Za-z0-9_-]), never text.
        numbers = isinstance(arg, ast.JoinedStr) and all(
            isinstance(part, ast.Constant) or (isinstance(part.value, ast.Name)
                                               and (part.value.id in NUMERIC_NAMES or part.value.id in constants))
            for part in arg.values
        )
        # The KPI tiles' style sheet: built from counts and an ASCII key, and checked
        # against ui.frame.SAFE_CSS before it is written (test below).
        tile_css = isinstance(arg, ast.JoinedStr) and place.startswith("frame.py") and all(
            isinstance(part, ast.Constant) or (isinstance(part.value, ast.Name) and part.value.id == "css")
            for part in arg.values)
        assert literal or constant or numbers or tile_css, f"{place} passes a computed value to raw HTML"


def test_the_tile_style_sheet_holds_no_text_whatever_the_names_and_values():
    from ui import frame

    hostile = ['<script>alert(1)</script>', '"}</style><img src=x onerror=alert(1)>', "城关镇", "=1+1"]
    for name in hostile:
        key = "tz_tiles_" + "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in name)
        css = frame._tile_css(key, 6, hostile)
        assert frame.SAFE_CSS.fullmatch(css), css
        assert "<" not in css and "script" not in css.replace("_script_", "")


# Names allowed inside raw-HTML f-strings: an int from the settings; the browser id
# that ui/feedback_view.py writes into its cookie, only after
# taizhang.ratings.valid_client_id accepted it (test_the_cookie_script_carries_only_a_checked_id).
NUMERIC_NAMES = {"limit", "made"}


def test_the_cookie_script_carries_only_a_checked_id():
    source = (Path(__file__).resolve().parent.parent / "ui" / "feedback_view.py").read_text(encoding="utf-8")
    body = source[source.index("def remember("):]
    body = body[:body.index("\n\n\n")]
    assert "if ratings.valid_client_id(made):" in body and body.index("valid_client_id") < body.index("st.iframe")
    from taizhang.ratings import valid_client_id

    for hostile in ("x'; alert(1); '", "</script><script>alert(1)</script>", "a" * 65, "abc", "ab cd efgh", None):
        assert not valid_client_id(hostile)


def test_streamlit_production_settings():
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 50
    assert config["browser"]["gatherUsageStats"] is False


def test_sql_in_names_and_filters_is_only_data(tmp_path):
    """Bound parameters everywhere: a unit or region named like SQL is just a name."""
    import datetime as dt

    import metrics

    evil = "x'); DROP TABLE task_rows; --"
    data = wb.xlsx({"台账": [["台账（2021年4月）"], ["县区", "责任单位", "项目名称", "进展情况"],
                            [evil, evil, "修路", "已完成"]]})
    db = str(tmp_path / "sql.duckdb")
    assert ingest(data, "evil.xlsx", db).status == "loaded"
    month = dt.date(2021, 4, 1)
    with database.reading(db) as con:
        assert metrics.kpis(con, month, region=evil)["tasks"].value == 1
        assert metrics.unit_tasks(con, month, evil, evil)["title"].tolist() == ["修路"]
        assert con.execute("SELECT count(*) FROM task_rows").fetchone()[0] == 1


def test_many_connections_in_one_process_with_a_writer_among_them(db):
    """Page runs share one DuckDB instance per file: the locked configuration must not
    make the second connection fail, and a writer in the same process waits its turn."""
    import threading

    errors = []

    def view_pages():
        for _ in range(30):
            try:
                with database.reading(db) as con:
                    con.execute("SELECT count(*) FROM tasks").fetchone()
            except Exception as error:  # noqa: BLE001 - any failure is the finding
                errors.append(repr(error))

    threads = [threading.Thread(target=view_pages) for _ in range(4)]
    for thread in threads:
        thread.start()
    report = ingest(wb.city_ledger_xlsx(), "city.xlsx", db)
    for thread in threads:
        thread.join()
    assert errors == []
    assert report.status == "loaded"
