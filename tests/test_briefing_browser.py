"""The briefing in Debian's Chromium at 1920x1080: every slide through the arrow keys,
screenshots in screenshots/ (git-ignored) to look at, and the PDF download.

Skipped only when /usr/bin/chromium is missing (CI installs it).
"""
from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.dbfixtures import sample_config, sample_db
from tests.served import CHROMIUM, serve
from ui import briefing

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "screenshots"
HEADERS = ["总体进展", "县区对比", "红榜", "黑榜", "进位与退位", "投资情况", "逾期事项", "群众满意度"]
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("briefing")
    db = sample_db(folder / "sample.duckdb")
    with serve(db, env={"TAIZHANG_CONFIG": str(sample_config(folder))}) as base:
        yield base


def _idle(page, timeout: float = 30) -> None:
    """Until the script has stopped running for a moment and every chart is drawn."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        state = page.get_attribute('[data-testid="stApp"]', "data-test-script-state")
        if state != "notRunning":
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.6:
            break
        time.sleep(0.1)
    with contextlib.suppress(Exception):
        page.wait_for_function(
            "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))",
            timeout=10_000)
    page.wait_for_timeout(300)


def _slide_title(page) -> str:
    return page.locator(".st-key-briefing_deck h2").first.inner_text().strip()


def _wait_for_title(page, title: str) -> None:
    page.wait_for_function(
        "t => { const h = document.querySelector('.st-key-briefing_deck h2'); return h && h.innerText.trim() === t; }",
        arg=title, timeout=30_000)
    _idle(page)


def test_every_slide_at_1920x1080_with_the_arrow_keys(server, browser):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    outside = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((server, "data:", "blob:")) else None)
    try:
        page.goto(f"{server}/briefing?present=1", wait_until="domcontentloaded")
        page.wait_for_selector(".st-key-briefing_deck h2", timeout=60_000)
        _idle(page)
        assert page.locator('[data-testid="stSidebar"]').is_hidden()
        assert page.locator('header[data-testid="stHeader"]').is_hidden()
        for number, (key, title) in enumerate(zip(briefing.SLIDES, HEADERS), start=1):
            if number > 1:
                page.keyboard.press("ArrowRight")
            _wait_for_title(page, title)
            assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:1500]
            assert f"{number} / {len(briefing.SLIDES)}" in page.locator(".st-key-briefing_deck").inner_text()
            page.screenshot(path=str(SHOTS / f"briefing-{number}-{key}.png"))
            # one slide fills the screen: the controls are still on it
            box = page.locator(".st-key-briefing_next").bounding_box()
            assert box and box["y"] + box["height"] <= 1080, (key, box)
        page.keyboard.press("ArrowRight")          # after the last, the first again
        _wait_for_title(page, HEADERS[0])
        page.keyboard.press("ArrowLeft")
        _wait_for_title(page, HEADERS[-1])
        page.keyboard.press("PageDown")            # presentation clickers send PageDown / PageUp
        _wait_for_title(page, HEADERS[0])
        page.keyboard.press("Escape")
        page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=30_000)
        _idle(page)
        assert page.locator('[data-testid="stSidebar"]').is_visible()
        assert not outside, f"the page fetched from outside the app: {outside[:5]}"
    finally:
        context.close()


def test_english_presenter_slide(server, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.goto(f"{server}/briefing?present=1&lang=en&region=西山县", wait_until="domcontentloaded")
        page.wait_for_selector(".st-key-briefing_deck h2", timeout=60_000)
        _wait_for_title(page, "Headline figures")
        page.keyboard.press("ArrowRight")
        _wait_for_title(page, "Units of 西山县 compared")
        page.screenshot(path=str(SHOTS / "briefing-en-2-regions.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()


def test_pdf_download_from_the_page(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/briefing", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=60_000)
        _idle(page)
        page.screenshot(path=str(SHOTS / "briefing-page.png"), full_page=True)
        button = page.locator('[data-testid="stDownloadButton"] button', has_text="PDF")
        with page.expect_download(timeout=120_000) as info:
            button.click()
        target = tmp_path / "bulletin.pdf"
        info.value.save_as(target)
        assert info.value.suggested_filename == "通报-2021-06.pdf"
        assert target.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(target), "-"], capture_output=True, text=True,
                                  check=True).stdout
            assert "关于2021年6月“我为群众办实事”工作进展情况的通报" in re.sub(r"\s+", "", text)
    finally:
        context.close()


def test_auto_advance_in_the_browser(server, browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{server}/briefing", wait_until="domcontentloaded")
        page.wait_for_selector(".st-key-briefing_deck h2", timeout=60_000)
        _idle(page)
        field = page.locator(".st-key-briefing_seconds input")
        field.fill("5")
        field.press("Enter")
        _idle(page)
        page.locator(".st-key-briefing_auto label").click()
        _idle(page)
        assert _slide_title(page) == HEADERS[0]
        started = time.monotonic()
        page.wait_for_function(
            "t => { const h = document.querySelector('.st-key-briefing_deck h2'); "
            "return h && h.innerText.trim() === t; }",
            arg=HEADERS[1], timeout=20_000)
        assert time.monotonic() - started >= 2      # not at once: after the interval
    finally:
        context.close()


def test_charts_zip_download(server, browser, tmp_path):
    import zipfile

    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/briefing", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=60_000)
        _idle(page)
        with page.expect_download(timeout=120_000) as info:
            page.locator('[data-testid="stDownloadButton"] button', has_text="ZIP").click()
        target = tmp_path / "charts.zip"
        info.value.save_as(target)
        with zipfile.ZipFile(target) as archive:
            names = archive.namelist()
            assert names and all(n.endswith(".png") for n in names)
            assert archive.read(names[0]).startswith(b"\x89PNG")
            (SHOTS / "briefing-chart-from-zip.png").write_bytes(archive.read(names[0]))
    finally:
        context.close()
