"""Residents' ratings (taizhang/ratings.py) on a real DuckDB file, and on DuckLake when PostgreSQL is here.

Replace, rate limit, hide and its audit, bad tokens, comment cleaning, the
notice PDF's QR code, the ratings export, and two processes rating at once.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from taizhang import database, ratings
from taizhang.accounts import User
from tests import pgserver
from tests.dbfixtures import build, task

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2021, 7, 10, 9, 0, 0)
CLIENT = "a1b2c3d4e5f6a7b8"
HOSTILE = '<script>alert(1)</script> **bold** =HYPERLINK("http://x","y")'


def rows_for_two_units() -> list[dict]:
    rows = []
    for m, done in (("2021-05", 1), ("2021-06", 3)):
        for i in range(5):
            rows.append(task(m, "东湖镇", f"东湖镇任务{i + 1}", "completed" if i < done else "in_progress",
                             region="东湖县", source_row=4 + i))
        rows.append(task(m, "西山乡", f"西山乡任务{1}", "completed", region="西山县", source_row=4))
    return rows


@pytest.fixture
def db(tmp_path) -> str:
    return str(build(tmp_path / "ratings.duckdb", rows_for_two_units()))


def query(db: str, sql: str, params=()) -> list[tuple]:
    with database.reading(db) as con:
        return con.execute(sql, list(params)).fetchall()


def tasks_of(db: str, token: str) -> list[ratings.Task]:
    with database.reading(db) as con:
        return list(ratings.feedback(con, token).tasks)


def test_a_unit_has_one_link_and_its_token_names_only_that_unit(db):
    token = ratings.link_for(db, "东湖镇", "admin")
    assert ratings.link_for(db, "东湖镇", "other") == token
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", token)
    other = ratings.link_for(db, "西山乡", "admin")
    assert other != token
    with database.reading(db) as con:
        assert ratings.unit_for_token(con, token) == "东湖镇"
        found = ratings.feedback(con, token)
    # the latest month's completed tasks only, in the ledger's order, keyed as DuckDB's hash() keys them
    assert found.month == dt.date(2021, 6, 1)
    assert [x.title for x in found.tasks] == ["东湖镇任务1", "东湖镇任务2", "东湖镇任务3"]
    keys = dict(query(db, "SELECT title, hash(region, unit, title) FROM tasks WHERE unit = '东湖镇'"))
    assert all(x.task_key == keys[x.title] for x in found.tasks)
    assert query(db, "SELECT actor, action, target FROM audit_log WHERE action = 'feedback_link' ORDER BY target") == [
        ("admin", "feedback_link", "东湖镇"), ("admin", "feedback_link", "西山乡")]


@pytest.mark.parametrize("token", [None, "", "x", "../../etc", "' OR 1=1 --", "A" * 22, "A" * 200])
def test_bad_tokens_show_nothing_and_rate_nothing(db, token):
    good = ratings.link_for(db, "东湖镇", "admin")
    key = tasks_of(db, good)[0].task_key
    with database.reading(db) as con:
        assert ratings.feedback(con, token) is None
    with pytest.raises(ratings.BadToken) as refused:
        ratings.rate(db, token, key, "satisfied", None, CLIENT, "10.0.0.1", now=NOW)
    assert "无效" in refused.value.message("zh") and "not valid" in refused.value.message("en")
    assert query(db, "SELECT count(*) FROM resident_ratings") == [(0,)]


def test_a_revoked_link_is_refused_and_a_new_one_is_made(db):
    token = ratings.link_for(db, "东湖镇", "admin")
    key = tasks_of(db, token)[0].task_key
    assert ratings.revoke_links(db, "东湖镇", "admin") == 1
    with pytest.raises(ratings.BadToken):
        ratings.rate(db, token, key, "satisfied", None, CLIENT, None, now=NOW)
    fresh = ratings.link_for(db, "东湖镇", "admin")
    assert fresh != token
    ratings.rate(db, fresh, key, "satisfied", None, CLIENT, None, now=NOW)


def test_only_the_units_completed_tasks_of_its_latest_month_can_be_rated(db):
    token = ratings.link_for(db, "东湖镇", "admin")
    keys = dict(query(db, "SELECT title, hash(region, unit, title) FROM tasks WHERE report_month = '2021-06-01'"))
    for title in ("东湖镇任务4", "西山乡任务1"):  # not completed; another unit's task
        with pytest.raises(ratings.NotRatable):
            ratings.rate(db, token, keys[title], "satisfied", None, CLIENT, None, now=NOW)
    for bad in ("satisfied!", "", None, "很满意"):
        with pytest.raises(ratings.BadRating):
            ratings.rate(db, token, keys["东湖镇任务1"], bad, None, CLIENT, None, now=NOW)
    with pytest.raises(ratings.BadRating):  # a client id not made by the page
        ratings.rate(db, token, keys["东湖镇任务1"], "satisfied", None, "<b>", None, now=NOW)
    assert query(db, "SELECT count(*) FROM resident_ratings") == [(0,)]


def test_a_later_rating_from_the_same_browser_replaces_the_earlier_one(db):
    token = ratings.link_for(db, "东湖镇", "admin")
    first, second, _ = tasks_of(db, token)
    ratings.rate(db, token, first.task_key, "satisfied", "很好", CLIENT, "10.0.0.1", now=NOW)
    ratings.rate(db, token, second.task_key, "basically_satisfied", None, CLIENT, "10.0.0.1", now=NOW)
    ratings.rate(db, token, first.task_key, "dissatisfied", "变了", CLIENT, "10.0.0.1",
                 now=NOW + dt.timedelta(seconds=5))
    ratings.rate(db, token, first.task_key, "satisfied", None, "ffffeeeeddddcccc", "10.0.0.2", now=NOW)
    assert query(db, "SELECT client_id, title, rating, comment, region, unit, report_month FROM resident_ratings "
                     "ORDER BY client_id, title") == [
        (CLIENT, "东湖镇任务1", "dissatisfied", "变了", "东湖县", "东湖镇", dt.date(2021, 6, 1)),
        (CLIENT, "东湖镇任务2", "basically_satisfied", None, "东湖县", "东湖镇", dt.date(2021, 6, 1)),
        ("ffffeeeeddddcccc", "东湖镇任务1", "satisfied", None, "东湖县", "东湖镇", dt.date(2021, 6, 1)),
    ]
    with database.reading(db) as con:
        assert ratings.ratings_of(con, "东湖镇", CLIENT) == {
            first.task_key: ("dissatisfied", "变了"), second.task_key: ("basically_satisfied", None)}


def test_a_burst_from_one_browser_is_throttled_with_a_chinese_message(db):
    token = ratings.link_for(db, "东湖镇", "admin")
    keys = [x.task_key for x in tasks_of(db, token)]
    for n in range(ratings.PER_CLIENT_PER_MINUTE):  # changes count too
        ratings.rate(db, token, keys[n % 3], ratings.RATINGS[n % 3], None, CLIENT, "10.0.0.1",
                     now=NOW + dt.timedelta(seconds=n))
    with pytest.raises(ratings.RateLimited) as limited:
        ratings.rate(db, token, keys[0], "satisfied", None, CLIENT, "10.0.0.1", now=NOW + dt.timedelta(seconds=30))
    assert 1 <= limited.value.seconds <= 31
    assert re.fullmatch(r"评价过于频繁，请等待 \d+ 秒后再试。", limited.value.message("zh"))
    assert "wait" in limited.value.message("en")
    # another browser at another address is not held up; this one may go on a minute later
    ratings.rate(db, token, keys[0], "satisfied", None, "0123456789abcdef", "10.0.0.9",
                 now=NOW + dt.timedelta(seconds=30))
    ratings.rate(db, token, keys[0], "satisfied", None, CLIENT, "10.0.0.1", now=NOW + dt.timedelta(seconds=61))
    assert query(db, "SELECT count(*) FROM resident_ratings") == [(4,)]  # one per browser and task


def test_one_address_is_throttled_whatever_browser_ids_it_sends(db, monkeypatch):
    monkeypatch.setattr(ratings, "PER_ADDRESS_PER_MINUTE", 5)
    token = ratings.link_for(db, "东湖镇", "admin")
    key = tasks_of(db, token)[0].task_key
    for n in range(5):
        ratings.rate(db, token, key, "satisfied", None, f"client{n:08d}", "203.0.113.7", now=NOW)
    with pytest.raises(ratings.RateLimited):
        ratings.rate(db, token, key, "satisfied", None, "client99999999", "203.0.113.7", now=NOW)


def test_comments_are_plain_short_text(db):
    assert ratings.clean_comment(None) is None
    assert ratings.clean_comment("  \n\t ") is None
    assert ratings.clean_comment("路面\n修好了\t谢谢\r\n") == "路面 修好了 谢谢"
    # control characters, bidi overrides and zero-width marks are dropped, nothing else changes
    assert ratings.clean_comment("a\x00b\x1b[31mc\u202eevil\u200bd\ufeff") == "ab[31mcevild"
    assert ratings.clean_comment(HOSTILE) == HOSTILE
    assert len(ratings.clean_comment("长" * 1000)) == ratings.COMMENT_MAX
    token = ratings.link_for(db, "东湖镇", "admin")
    key = tasks_of(db, token)[0].task_key
    ratings.rate(db, token, key, "satisfied", HOSTILE + "\u202e" + "x" * 500, CLIENT, None, now=NOW)
    [(stored,)] = query(db, "SELECT comment FROM resident_ratings")
    assert stored.startswith(HOSTILE) and "\u202e" not in stored and len(stored) == ratings.COMMENT_MAX


def test_staff_signed_in_cannot_rate_their_own_unit(db):
    token = ratings.link_for(db, "东湖镇", "admin")
    key = tasks_of(db, token)[0].task_key
    for user in (User("clerk", "uploader", ("东湖镇",)), User("boss", "admin", ())):
        with pytest.raises(ratings.OwnUnit) as refused:
            ratings.rate(db, token, key, "satisfied", None, CLIENT, None, user=user, now=NOW)
        assert "不能评价本单位" in refused.value.message("zh")
    ratings.rate(db, token, key, "satisfied", None, CLIENT, None, user=User("other", "uploader", ("西山乡",)), now=NOW)
    ratings.rate(db, token, key, "satisfied", None, CLIENT, None, user=User("reader", "viewer", ()), now=NOW)


def test_hide_and_unhide_are_audited(db):
    token = ratings.link_for(db, "东湖镇", "admin")
    key = tasks_of(db, token)[0].task_key
    rating_id = ratings.rate(db, token, key, "dissatisfied", HOSTILE, CLIENT, None, now=NOW)
    ratings.hide(db, rating_id, "boss", what="comment")
    [row] = ratings.recent(db)
    assert (row["hidden"], row["comment_hidden"], row["comment"]) == (False, True, HOSTILE)
    ratings.hide(db, rating_id, "boss")
    ratings.unhide(db, rating_id, "boss2")
    ratings.unhide(db, rating_id, "boss2", what="comment")
    [row] = ratings.recent(db)
    assert (row["hidden"], row["comment_hidden"]) == (False, False)
    log = query(db, "SELECT actor, action, target, detail FROM audit_log WHERE action LIKE '%hide' "
                    "ORDER BY logged_at, action")
    assert sorted((a, b, c) for a, b, c, _ in log) == sorted([
        ("boss", "comment_hide", rating_id), ("boss", "rating_hide", rating_id),
        ("boss2", "rating_unhide", rating_id), ("boss2", "comment_unhide", rating_id)])
    detail = json.loads(log[0][3])
    assert detail["unit"] == "东湖镇" and detail["title"] == "东湖镇任务1" and detail["comment"] == HOSTILE
    with pytest.raises(ratings.NoSuchRating):
        ratings.hide(db, "no-such-rating", "boss")


def test_an_older_store_gets_the_new_column_and_table(tmp_path):
    """A store made at schema 3 with resident_ratings (no comment_hidden) is upgraded on the next write."""
    import duckdb

    path = str(build(tmp_path / "old.duckdb", rows_for_two_units()))
    con = duckdb.connect(path)
    con.execute("ALTER TABLE resident_ratings DROP COLUMN comment_hidden")
    con.execute("DROP TABLE rating_attempts")
    con.execute("UPDATE schema_info SET value = '3' WHERE key = 'schema_version'")
    con.close()
    token = ratings.link_for(path, "东湖镇", "admin")
    key = tasks_of(path, token)[0].task_key
    ratings.rate(path, token, key, "satisfied", None, CLIENT, None, now=NOW)
    assert ratings.recent(path)[0]["comment_hidden"] is False


def test_the_ratings_export_writes_comments_as_text(db):
    from reports.ratings_workbook import ratings_workbook

    token = ratings.link_for(db, "东湖镇", "admin")
    keys = [x.task_key for x in tasks_of(db, token)]
    comments = [HOSTILE, '=HYPERLINK("http://x","y")', "+1 -1 @me"]
    for key, comment in zip(keys, comments):
        ratings.rate(db, token, key, "satisfied", comment, CLIENT, None, now=NOW)
    book = openpyxl.load_workbook(io.BytesIO(ratings_workbook(ratings.recent(db), "zh")))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    column = header.index("意见") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, 5)]
    assert sorted(c.value for c in cells) == sorted(comments)
    assert all(c.data_type == "s" for c in cells)  # strings, never formulas
    assert all(c._style.quotePrefix for c in cells if c.value[0] in "=+-@")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_notice_pdf_holds_a_qr_code_of_the_units_link(db, tmp_path, monkeypatch):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    from reports import fonts
    from reports.notice import unit_notice

    try:
        fonts.face("sans")
    except fonts.FontMissing as missing:
        pytest.skip(str(missing))
    monkeypatch.setenv("TAIZHANG_BASE_URL", "https://taizhang.example.gov.cn/")
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(unit_notice(db, "东湖镇", "admin"))
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    [image] = tmp_path.glob("page*.png")
    [code] = zxingcpp.read_barcodes(Image.open(image))
    token = ratings.link_for(db, "东湖镇", "admin")
    assert code.text == f"https://taizhang.example.gov.cn/feedback?t={token}"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "东湖镇" in text and "2021年6月" in text and "东湖镇任务3" in text and "东湖镇任务4" not in text


# --- two processes at once --------------------------------------------------------------

RATER = """
import sys, datetime as dt
from taizhang import database, ratings
db, token, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
with database.reading(db) as con:
    keys = [t.task_key for t in ratings.feedback(con, token).tasks]
for n in range(int(sys.argv[4])):
    client = f"{prefix}{n:012d}"
    for key in keys:
        ratings.rate(db, token, key, ratings.RATINGS[n % 3], f"{prefix} {n}", client, None)
"""


def rate_at_once(db: str, token: str, per_process: int, env: dict) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", RATER, db, token, prefix, str(per_process)], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for prefix in ("procA", "procB")]
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-3000:]


def test_two_processes_rating_at_once_on_the_file_lose_nothing(db):
    token = ratings.link_for(db, "东湖镇", "admin")
    rate_at_once(db, token, 8, {**os.environ})
    assert query(db, "SELECT substr(client_id, 1, 5), count(*), count(DISTINCT client_id) FROM resident_ratings "
                     "GROUP BY 1 ORDER BY 1") == [("procA", 24, 8), ("procB", 24, 8)]


@pytest.mark.skipif(not pgserver.available(), reason="PostgreSQL binaries not installed (.ci/run installs them)")
def test_two_processes_rating_at_once_on_ducklake_lose_nothing(tmp_path, monkeypatch):
    server = pgserver.PostgresServer().start()
    try:
        lake = "ducklake:postgres:" + server.create_database("lake_ratings")
        (tmp_path / "parquet").mkdir()
        monkeypatch.setenv("TAIZHANG_DATA_PATH", str(tmp_path / "parquet"))
        build(lake, rows_for_two_units())
        token = ratings.link_for(lake, "东湖镇", "admin")
        env = {**os.environ, "TAIZHANG_DATA_PATH": str(tmp_path / "parquet")}
        rate_at_once(lake, token, 5, env)
        assert query(lake, "SELECT substr(client_id, 1, 5), count(*), count(DISTINCT client_id) "
                           "FROM resident_ratings GROUP BY 1 ORDER BY 1") == [("procA", 15, 5), ("procB", 15, 5)]
        rating_id = ratings.recent(lake, 1)[0]["rating_id"]
        ratings.hide(lake, rating_id, "boss")
        assert query(lake, "SELECT count(*) FROM audit_log WHERE action = 'rating_hide'") == [(1,)]
        key = tasks_of(lake, token)[0].task_key
        with pytest.raises(ratings.RateLimited):
            for _ in range(ratings.PER_CLIENT_PER_MINUTE + 1):
                ratings.rate(lake, token, key, "satisfied", None, "lakeclient0001", None)
    finally:
        server.stop()
