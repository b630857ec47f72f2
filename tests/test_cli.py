"""`python -m loaders` as a clerk runs it: exit codes, messages, and the database afterwards."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests import workbooks as wb

ROOT = Path(__file__).resolve().parent.parent


def run(*args, env=None, lang="zh"):
    full_env = {**os.environ, "TAIZHANG_LANG": lang, **(env or {})}
    full_env.pop("TAIZHANG_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "loaders", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, data in {
        "city.xlsx": wb.city_ledger_xlsx(),
        "county.xlsx": wb.county_xlsx(),
        "白水县_2021-07.csv": wb.county_csv(),
        "nomonth.xlsx": wb.xlsx({"台账": [["项目名称", "责任单位", "进展情况"], ["修路", "市交通局", "已完成"]]}),
    }.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_ingest_then_info(tmp_path, files):
    db = tmp_path / "t.duckdb"
    result = run("ingest", files["city.xlsx"], files["county.xlsx"], "--db", db)
    assert result.returncode == 0, result.stderr
    assert "已导入" in result.stdout
    assert "Traceback" not in result.stderr
    info = run("info", "--db", db, "--json")
    assert json.loads(info.stdout) == [
        {"month": "2021-05", "units": 2, "tasks": 3, "completed": 1},
        {"month": "2021-04", "units": 3, "tasks": 3, "completed": 1},
    ]


def test_refused_file_exit_1_reason_on_stderr_database_untouched(tmp_path, files):
    db = tmp_path / "t.duckdb"
    assert run("ingest", files["county.xlsx"], "--db", db).returncode == 0
    before = digest(db)
    result = run("ingest", files["nomonth.xlsx"], "--db", db)
    assert result.returncode == 1
    assert "nomonth.xlsx" in result.stderr and "--month" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(db) == before
    english = run("ingest", files["nomonth.xlsx"], "--db", db, lang="en")
    assert "report month is unknown" in english.stderr


def test_one_bad_file_does_not_stop_the_others(tmp_path, files):
    db = tmp_path / "t.duckdb"
    result = run("ingest", files["nomonth.xlsx"], files["city.xlsx"], "--db", db, "--json")
    assert result.returncode == 1
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["file"], r["status"], r["rows_loaded"]) for r in reports] == [
        ("nomonth.xlsx", "rejected", 0),
        ("city.xlsx", "loaded", 3),
    ]
    assert set(reports[0]) >= {"file", "status", "rows_loaded", "rows_rejected", "problems"}
    assert reports[0]["problems"][0]["code"] == "no_month"


def test_month_flag_and_dry_run(tmp_path, files):
    db = tmp_path / "t.duckdb"
    dry = run("ingest", files["nomonth.xlsx"], "--db", db, "--month", "2021-03", "--dry-run", "--json")
    assert dry.returncode == 0
    assert json.loads(dry.stdout)["status"] == "checked"
    assert not db.exists()
    real = run("ingest", files["nomonth.xlsx"], "--db", db, "--month", "2021-03")
    assert real.returncode == 0
    assert json.loads(run("info", "--db", db, "--json").stdout)[0]["month"] == "2021-03"


def test_db_from_environment(tmp_path, files):
    db = tmp_path / "env.duckdb"
    env = {**os.environ, "TAIZHANG_DB": str(db), "TAIZHANG_LANG": "zh"}
    ok = subprocess.run([sys.executable, "-m", "loaders", "ingest", str(files["county.xlsx"])], cwd=ROOT, env=env,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert db.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["ingest"],
        ["ingest", "x.xlsx", "--month", "2021-13"],
        ["ingest", "x.xlsx", "--month", "April"],
        ["frobnicate"],
    ],
)
def test_wrong_usage_exits_2(args):
    assert run(*args).returncode == 2


def test_missing_file_is_a_refusal_not_a_crash(tmp_path):
    result = run("ingest", tmp_path / "nope.xlsx", "--db", tmp_path / "t.duckdb")
    assert result.returncode == 1
    assert "nope.xlsx" in result.stderr and "Traceback" not in result.stderr


def test_ingest_while_a_dashboard_keeps_reading(tmp_path, files):
    """A reader that opens the database again and again (as page views do) never blocks a load."""
    db = tmp_path / "t.duckdb"
    assert run("ingest", files["county.xlsx"], "--db", db).returncode == 0
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from taizhang import database
                seen = set()
                deadline = time.time() + 60
                while time.time() < deadline:
                    with database.reading({str(db)!r}) as con:
                        n = con.execute("SELECT count(*) FROM tasks").fetchone()[0]
                    seen.add(n)
                    if n == 6:
                        break
                print(sorted(seen))
                """
            ),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)
    result = run("ingest", files["city.xlsx"], "--db", db)
    assert result.returncode == 0, result.stderr
    out, err = reader.communicate(timeout=90)
    assert reader.returncode == 0, err
    assert out.strip() == "[3, 6]"


def test_demo_writes_files_and_loads_them_through_the_loader(tmp_path):
    db = tmp_path / "demo.duckdb"
    result = run("demo", "--db", db, "--months", "2")
    assert result.returncode == 0, result.stderr
    months = json.loads(run("info", "--db", db, "--json").stdout)
    assert [m["month"] for m in months] == ["2021-02", "2021-01"]
    assert months[1]["units"] > 200 and months[1]["tasks"] > 2000
    uploads = sorted((tmp_path / "uploads").iterdir())
    assert len(uploads) >= 15  # every demo file went through ingest and was kept
    assert any(p.suffix == ".xls" for p in uploads) and any(p.suffix == ".csv" for p in uploads)


def test_users_are_managed_from_the_command_line(tmp_path):
    db = tmp_path / "u.duckdb"
    env = {**os.environ, "TAIZHANG_LANG": "zh"}
    add = subprocess.run(
        [sys.executable, "-m", "loaders", "users", "add", "clerk", "--role", "uploader", "--unit", "市教育局",
         "--password-stdin", "--db", str(db)],
        cwd=ROOT, input="correct horse\n", capture_output=True, text=True, env=env,
    )
    assert add.returncode == 0, add.stderr
    assert add.stdout.strip() == f"已添加账户 clerk（uploader），数据库：{db}"  # says what it did, and where
    listed = json.loads(run("users", "list", "--json", "--db", db).stdout)
    assert [(u["username"], u["role"], u["units"]) for u in listed] == [("clerk", "uploader", ["市教育局"])]
    duplicate = subprocess.run(
        [sys.executable, "-m", "loaders", "users", "add", "clerk", "--password-stdin", "--db", str(db)],
        cwd=ROOT, input="another pass\n", capture_output=True, text=True, env=env,
    )
    assert duplicate.returncode == 1 and "exists already" in duplicate.stderr
    assert run("users", "add", "--db", db).returncode == 2


def test_two_loads_into_one_file_at_once_are_serialised(tmp_path, files):
    """DuckDB allows one writer per file: the second waits for the first, neither fails."""
    db = tmp_path / "t.duckdb"
    env = {**os.environ, "TAIZHANG_LANG": "en"}
    env.pop("TAIZHANG_DB", None)
    procs = [
        subprocess.Popen([sys.executable, "-m", "loaders", "ingest", str(f), "--db", str(db), "--json"],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for f in (files["city.xlsx"], files["county.xlsx"], files["白水县_2021-07.csv"])
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in results]
    info = json.loads(run("info", "--db", db, "--json").stdout)
    assert sum(m["tasks"] for m in info) == 9


def test_a_report_whose_status_sources_decided_nothing_prints_without_failing(capsys):
    """describe_sources says nothing when every count is 0; the report line still prints
    (a load that succeeded must not end in a traceback)."""
    from loaders.__main__ import _print_report
    from loaders.pipeline import FileReport as Report

    report = Report(file="x.xlsx", status="loaded")
    report.status_sources = {"flag": 0, "rule:negation": 0}
    _print_report(report, "en")
    out = capsys.readouterr().out
    assert out.startswith("x.xlsx: ") and "Traceback" not in out


def test_ingest_refuses_a_submitted_at_word_it_does_not_know(tmp_path):
    from loaders.pipeline import ingest
    from tests import workbooks as wb

    with pytest.raises(ValueError, match="submitted_at"):
        ingest(wb.county_xlsx(), "county.xlsx", str(tmp_path / "t.duckdb"), submitted_at="yesterday")
