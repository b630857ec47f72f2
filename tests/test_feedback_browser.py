"""Residents' feedback in Debian's Chromium on a 390 px phone, against `streamlit run dashboard.py`.

An uploader signs in and downloads the unit's notice PDF from /submissions;
the QR code is read back from the PDF's first page (pdftoppm, zxing-cpp); a
resident opens the link on a phone, rates three tasks, changes one, comes back
later (the browser's cookie keeps its ratings), and a burst is throttled.
Screenshots: /tmp/feedback-phone-zh.png and /tmp/notice-zh.png.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from taizhang.database import reading
from tests.conftest import cli
from tests.dbfixtures import build, task
from tests.served import CHROMIUM, free_port, serve

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse"
UNIT = "东湖镇"
HOSTILE = '<script>alert(1)</script> **bold** =HYPERLINK("http://x","y")'
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed"),
]


def ledger_rows() -> list[dict]:
    titles = ["老旧小区加装电梯", "背街小巷路灯修缮", "社区食堂开业", "农贸市场改造", "幼儿园扩建"]
    rows = [task("2021-06", UNIT, title, "completed" if i < 4 else "in_progress", region="东湖县", source_row=4 + i)
            for i, title in enumerate(titles)]
    rows.append(task("2021-06", "西山乡", "村道硬化", "completed", region="西山县", source_row=4))
    return rows


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("feedback-browser")
    db = build(folder / "taizhang.duckdb", ledger_rows())
    port = free_port()
    env = {**os.environ, "TAIZHANG_DB": str(db), "TAIZHANG_UPLOADS": str(folder / "uploads"),
           "TAIZHANG_BASE_URL": f"http://127.0.0.1:{port}"}
    env.pop("TAIZHANG_CONFIG", None)
    cli("users", "add", "clerk", "--role", "uploader", "--unit", UNIT, "--password-stdin", env=env,
        stdin=PASSWORD + "\n")
    with serve(port=port, env=env) as base:
        yield base, str(db)


def idle(page, quiet: float = 0.3, timeout: float = 30) -> None:
    """Until the app's script run has finished and stayed finished for `quiet` seconds."""
    import time

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


def rows(db: str, sql: str) -> list[tuple]:
    with reading(db) as con:
        return con.execute(sql).fetchall()


def download_notice(browser, base: str, folder: Path) -> Path:
    """Sign in on a phone as the unit's uploader, open /submissions from the menu, download the notice."""
    context = browser.new_context(**PHONE, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{base}/upload", wait_until="domcontentloaded")
        page.get_by_label("用户名").fill("clerk")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        idle(page)
        page.get_by_text("退出登录").first.wait_for(state="attached")  # in the folded sidebar
        # A local sign-in lasts as long as the tab's session: go on through the menu, not a new URL.
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        nav = page.locator('[data-testid="stSidebarNav"]')
        assert "群众评价" not in nav.inner_text()  # /feedback is not in the menu
        nav.get_by_text("报送情况").click()
        idle(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        if sidebar.get_attribute("data-collapsed") == "false":  # on a phone it covers the page
            sidebar.hover()
            page.locator('[data-testid="stSidebarCollapseButton"] button').click()
        see(page, "公示栏二维码")
        with page.expect_download() as info:
            page.get_by_role("button", name=re.compile("下载公示单 PDF")).click()
        pdf = folder / info.value.suggested_filename
        info.value.save_as(pdf)
        assert pdf.name == f"公示-{UNIT}-2021-06.pdf"
        return pdf
    finally:
        context.close()


def qr_link(pdf: Path, folder: Path) -> str:
    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "110", "-png", "-f", "1", "-l", "1", str(pdf), str(folder / "notice")],
                   check=True, timeout=60)
    [image] = folder.glob("notice*.png")
    shutil.copyfile(image, "/tmp/notice-zh.png")
    [code] = zxingcpp.read_barcodes(Image.open(image))
    return code.text


def rate(page, number: int, label: str) -> None:
    box = page.locator(f".st-key-fb_task_{number}")
    box.get_by_role("button", name=label, exact=True).click()
    idle(page)


def resident_tile(page, url: str) -> str:
    """The value of /units' 群众满意率（群众评价） tile."""
    page.goto(url, wait_until="domcontentloaded")
    idle(page)
    tile = page.locator('[data-testid="stMetric"]', has_text="群众满意率（群众评价）").first
    tile.wait_for(state="visible")
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_notice_qr_opens_the_page_a_resident_rates_changes_and_is_throttled(app, browser, tmp_path):
    base, db = app
    pdf = download_notice(browser, base, tmp_path)
    link = qr_link(pdf, tmp_path)
    assert re.fullmatch(re.escape(base) + r"/feedback\?t=[A-Za-z0-9_-]{22}", link), link

    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(60_000)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        units_url = f"{base}/units?unit={UNIT}&month=2021-06"
        leader = context.new_page()  # a leader's tab beside the resident's
        leader.set_default_timeout(60_000)
        assert resident_tile(leader, units_url) == "—"  # nothing rated yet: no figure, never 0%

        page.goto(link, wait_until="domcontentloaded")
        see(page, "社区食堂开业")
        idle(page)
        assert page.locator(".st-key-fb_task_5").count() == 0  # four completed tasks, not the one in progress
        assert page.get_by_text("幼儿园扩建").count() == 0
        # the buttons are large enough to hit with a thumb
        first = page.locator(".st-key-fb_task_1").get_by_role("button", name="满意", exact=True).bounding_box()
        assert first["height"] >= 44 and first["width"] >= 90, first

        page.locator(".st-key-fb_task_1 input").fill(HOSTILE)
        rate(page, 1, "满意")
        rate(page, 2, "基本满意")
        rate(page, 3, "不满意")
        see(page, "您的评价：基本满意")
        rate(page, 2, "满意")  # changed: the later one replaces it
        see(page, "已收到您对“背街小巷路灯修缮”的评价")

        stored = rows(db, "SELECT title, rating, comment, client_id FROM resident_ratings ORDER BY title")
        assert [(t, r, c) for t, r, c, _ in stored] == sorted([
            ("老旧小区加装电梯", "satisfied", HOSTILE), ("背街小巷路灯修缮", "satisfied", None),
            ("社区食堂开业", "dissatisfied", None)])
        assert len({client for *_, client in stored}) == 1
        # the unit's 群众评价 figures moved: 2 of 3 ratings 满意 or 基本满意, 1 不满意
        assert resident_tile(leader, units_url) == "66.7%"
        see(leader, "群众评价 3 条")
        leader.screenshot(path="/tmp/units-residents-phone-zh.png", full_page=True)
        cookie = {c["name"]: c["value"] for c in context.cookies()}.get("tz_rater")
        assert cookie == stored[0][3]  # the page wrote its id into the browser's cookie

        # the comment is text: no script ran, no bold, the formula is just characters
        page.get_by_text(HOSTILE, exact=True).first.wait_for(state="visible")
        assert not dialogs
        assert page.locator(".st-key-fb_task_1 strong", has_text="bold").count() == 0

        # later (a new session: the cookie is sent) the ratings are still this browser's
        page.goto(link, wait_until="domcontentloaded")
        see(page, "社区食堂开业")
        idle(page)
        for number, shown in ((1, "满意"), (2, "满意"), (3, "不满意")):
            assert f"您的评价：{shown}" in page.locator(f".st-key-fb_task_{number}").inner_text()
        page.screenshot(path="/tmp/feedback-phone-zh.png", full_page=True)

        # a burst from this browser is throttled, in Chinese
        for n in range(40):
            rate(page, 4, ("满意", "不满意")[n % 2])
            if page.get_by_text("评价过于频繁").count():
                break
        see(page, "评价过于频繁，请等待")
        assert n == 16, n  # 20 a minute: four made above, sixteen here, the next refused
        assert rows(db, "SELECT count(*) FROM resident_ratings") == [(4,)]
    finally:
        context.close()


def test_a_bad_link_shows_a_message_and_nothing_else(app, browser):
    base, _ = app
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{base}/feedback?t=not-a-real-token-at-all", wait_until="domcontentloaded")
        see(page, "这个评价链接无效或已停用")
        idle(page)
        assert page.get_by_role("button", name="满意", exact=True).count() == 0
        assert page.get_by_text(UNIT).count() == 0
    finally:
        context.close()
