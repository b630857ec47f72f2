"""Sign-in and upload in Debian's Chromium against `streamlit run dashboard.py`.

Accounts are made with the command line first, as an office would; files are
built in code and dropped on the uploader's <input>. Waits are for text on the
page, or for the app to finish its run; never fixed sleeps.
Skipped only when /usr/bin/chromium is missing (CI installs it).
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from taizhang.database import reading
from tests import workbooks as wb
from tests.conftest import PASSWORD
from tests.served import CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CITY_FILE = "江州市市直单位台账（2021年4月）.xlsx"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


def idle(page, quiet: float = 0.3, timeout: float = 30) -> None:
    """Until the app's script run has finished and stayed finished for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    since = None
    while time.monotonic() < deadline:
        state = page.get_attribute('[data-testid="stApp"]', "data-test-script-state")
        if state != "notRunning":
            since = None
        elif since is None:
            since = time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the app kept running")


def see(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(state="visible")


def sign_in(page, base: str, username: str, password: str = PASSWORD, path: str = "/upload") -> None:
    if not page.url.startswith(base + path):
        page.goto(f"{base}{path}", wait_until="domcontentloaded")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    idle(page)


def drop(page, name: str, data: bytes) -> None:
    page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]',
                         files=[{"name": name, "mimeType": XLSX, "buffer": data}])


def rows(db: str, sql: str) -> list[tuple]:
    with reading(db) as con:
        return con.execute(sql).fetchall()


def test_signed_out_upload_has_a_form_and_no_uploader(app, page):
    base, _ = app
    page.goto(f"{base}/upload", wait_until="domcontentloaded")
    see(page, "用户名")
    idle(page)
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0


def test_uploader_previews_commits_finds_it_in_history_and_rolls_it_back(app, page, tmp_path):
    base, db = app
    sign_in(page, base, "clerk")
    page.locator('[data-testid="stFileUploaderDropzone"]').wait_for()
    # The uploader speaks Chinese: CSS over Streamlit's English-only texts.
    button_text = page.locator('[data-testid="stFileUploaderDropzone"] button p').first.evaluate(
        "p => getComputedStyle(p, '::after').content")
    assert "浏览文件" in button_text

    drop(page, CITY_FILE, wb.city_ledger_xlsx())
    see(page, "工作表：“台账”，表头在第 4 行")
    see(page, "单位（3 个）：市教育局（1）、市卫生健康委（1）、市医保局（1）")
    see(page, "跳过：表尾说明 1 行，合计行 1 行，分类标题行 2 行")
    page.locator('[data-testid="stDataFrame"]').first.wait_for()  # the first rows as read
    assert rows(db, "SELECT count(*) FROM uploads") == [(0,)]

    page.get_by_role("button", name="确认导入（3 行）").click()
    see(page, "已导入 3 行（2021年4月，")
    assert rows(db, "SELECT count(*) FROM tasks") == [(3,)]

    page.get_by_role("tab", name="上传记录").click()
    see(page, "2021年4月，3 行，在用；SHA-256")
    with page.expect_download() as download:
        page.locator('[data-testid="stDownloadButton"]', has_text="下载原件").click()
    saved = tmp_path / "original.xlsx"
    download.value.save_as(saved)
    assert rows(db, "SELECT sha256 FROM uploads") == [(hashlib.sha256(saved.read_bytes()).hexdigest(),)]

    page.locator('[data-testid="stCheckbox"]').filter(has_text="确认撤销").click()
    idle(page)
    page.get_by_role("button", name="撤销这次上传").click()
    see(page, "删除 3 行，恢复此前的 0 行")
    assert rows(db, "SELECT count(*) FROM tasks") == [(0,)]
    assert rows(db, "SELECT state, loaded_by FROM uploads") == [("rolled_back", "clerk")]
    actions = [r[0] for r in rows(db, "SELECT action FROM audit_log WHERE actor = 'clerk' ORDER BY logged_at")]
    assert {"login", "upload", "rollback"} <= set(actions)


def test_a_file_with_another_units_rows_is_refused_with_their_names(app, page):
    base, db = app
    sign_in(page, base, "solo")
    drop(page, CITY_FILE, wb.city_ledger_xlsx())
    see(page, "表中有不属于您账号的单位：市医保局、市卫生健康委。您只能报送：市教育局。")
    idle(page)
    assert page.get_by_role("button", name="确认导入").count() == 0
    marked = page.locator('[data-testid="stDownloadButton"]', has_text="下载标注问题的原表")
    marked.first.wait_for()  # drawn just after the problem list; a busy machine is slow
    assert marked.count() == 1
    assert rows(db, "SELECT count(*) FROM audit_log WHERE action = 'upload_refused' AND actor = 'solo'") == [(1,)]


def test_a_viewer_cannot_reach_upload(app, page):
    base, _ = app
    sign_in(page, base, "reader")
    see(page, "不能上传台账")
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0


def test_wrong_passwords_are_throttled(app, page):
    base, db = app
    for _ in range(5):
        sign_in(page, base, "target", "wrong guess")
        see(page, "用户名或密码不正确")
    sign_in(page, base, "target", PASSWORD)
    see(page, "密码输错次数过多，请")
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
    failed = rows(db, "SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND target = 'target'")
    assert failed == [(5,)]


def test_the_good_rows_of_a_file_with_problems_can_be_loaded_alone(app, page):
    base, db = app
    sign_in(page, base, "clerk")
    rows_ = [["台账（2021年5月）"], ["责任单位", "项目名称", "进展情况"],
             ["市教育局", "修操场", "推进中"], ["市教育局", "建食堂", "差不多了"], ["市教育局", "换课桌", "已完成"]]
    drop(page, "部分有误.xlsx", wb.xlsx({"台账": rows_}))
    see(page, "发现 1 个问题，本文件不能原样导入")
    load = page.get_by_role("button", name="导入没有问题的 2 行")
    assert load.is_disabled()
    page.locator('[data-testid="stCheckbox"]').filter(has_text="先导入没有问题的 2 行").click()
    idle(page)
    load.click()
    see(page, "1 行有问题，未导入")
    assert rows(db, "SELECT title FROM tasks WHERE report_month = DATE '2021-05-01' ORDER BY title") == [
        ("修操场",), ("换课桌",)]
    assert rows(db, "SELECT source_row, code FROM rejected_rows") == [(4, "bad_status")]
