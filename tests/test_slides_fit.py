"""Presenting mode fits the screen: every slide at 1024x768, 1366x768, 1440x900, 1920x1080
and 2560x1440 in Debian's Chromium, without scrolling either way, and a table longer than a
slide continues on the next one headed "（续）" (never cut off).

Two databases: the shared sample (three regions) and a city of fourteen regions with
long unit and task names and many overdue items, which needs continuation slides.
Screenshots of the region slide go to /tmp (slide-regions-WxH.png) to look at.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.dbfixtures import build, sample_config, sample_db, task
from tests.served import CHROMIUM, serve
from tests.test_briefing_browser import _idle
from ui import briefing

SIZES = [(1024, 768), (1366, 768), (1440, 900), (1920, 1080), (2560, 1440)]
SHOTS = Path("/tmp")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")

REGIONS = ["城关区", "东湖县", "西山县", "南河区", "北塘镇", "高新技术产业开发区", "经济技术开发区",
           "青石县", "白沙县", "红岭县", "松林县", "临江区", "望湖县", "石门县"]


def city_rows() -> list[dict]:
    """Fourteen regions, two units each, June with last month; long names; many overdue items."""
    rows = []
    for r, region in enumerate(REGIONS):
        for u, unit in enumerate((f"{region}住房和城乡建设局", f"{region}人民政府办公室")):
            count = 6 + (r + u) % 5
            for m, month in enumerate(("2021-05", "2021-06")):
                done = max(0, min(count, (r * 3 + u * 5 + m * 2) % (count + 1)))
                for i in range(count):
                    status = "completed" if i < done else "in_progress" if i % 2 else "not_started"
                    rows.append(task(month, unit, f"{unit[:4]}老旧小区改造提升工程第{i + 1}期", status,
                                     region=region, deadline="2021-05-31" if i % 2 else "2021-08-31",
                                     planned=100.0 * (i + 1), actual=50.0 * (i + 1) if status != "not_started" else 0.0,
                                     beneficiaries=30 * (i + 1)))
    return rows


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fit-sample")
    with serve(sample_db(folder / "sample.duckdb"), env={"TAIZHANG_CONFIG": str(sample_config(folder))}) as base:
        yield base


@pytest.fixture(scope="module")
def city_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fit-city")
    with serve(build(folder / "city.duckdb", city_rows()), env={"TAIZHANG_CONFIG": str(sample_config(folder))}) as base:
        yield base


OVERFLOW = """() => {
  const deck = document.querySelector('.st-key-briefing_deck').getBoundingClientRect();
  const scrollers = [...document.querySelectorAll('*')].filter(e => {
    const s = getComputedStyle(e);
    return (/(auto|scroll)/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 1)
        || (/(auto|scroll)/.test(s.overflowX) && e.scrollWidth > e.clientWidth + 1);
  }).map(e => (e.getAttribute('data-testid') || e.className) + ' ' + e.scrollWidth + 'x' + e.scrollHeight
             + ' in ' + e.clientWidth + 'x' + e.clientHeight);
  const rank = [...document.querySelectorAll('.st-key-briefing_deck [data-testid="stTable"] th')]
    .filter(th => /名次|Rank/.test(th.innerText))
    .map(th => th.querySelector('p') || th)
    .map(text => text.getBoundingClientRect().height / parseFloat(getComputedStyle(text).lineHeight));
  return {height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth,
          bottom: deck.bottom, right: deck.right, scrollers, rankLines: rank};
}"""


def _meta(page) -> tuple[int, int]:
    n, total = re.search(r"(\d+) / (\d+)", page.locator(".st-key-briefing_meta").inner_text()).groups()
    return int(n), int(total)


def walk(browser, base: str, width: int, height: int, shot=None) -> list[str]:
    """Every slide of the deck at width x height, checked to fit; the slide titles in order."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    titles = []
    try:
        page.goto(f"{base}/briefing?present=1", wait_until="domcontentloaded")
        page.wait_for_selector(".st-key-briefing_deck h2", timeout=60_000)
        _idle(page)
        while True:
            number, total = _meta(page)
            title = page.locator(".st-key-briefing_deck h2").first.inner_text().strip()
            titles.append(title)
            assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:1500]
            found = page.evaluate(OVERFLOW)
            where = (width, height, number, title)
            assert found["height"] <= height and found["width"] <= width, (where, found)
            assert found["bottom"] <= height and found["right"] <= width, (where, found)
            assert not found["scrollers"], (where, found)
            assert all(lines < 1.6 for lines in found["rankLines"]), ("名次 on two lines", where, found)
            if shot:
                shot(page, number, title)
            if number == total:
                return titles
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "n => (document.querySelector('.st-key-briefing_meta')?.innerText || '').includes(n + ' / ')",
                arg=number + 1, timeout=30_000)
            _idle(page)
    finally:
        context.close()


@pytest.mark.parametrize("width,height", SIZES)
def test_sample_slides_fit(sample_server, browser, width, height):
    def shot(page, number, title):
        if title == "县区对比":
            page.screenshot(path=str(SHOTS / f"slide-regions-{width}x{height}.png"))

    titles = walk(browser, sample_server, width, height, shot)
    assert [t for t in titles if "续" not in t] == ["总体进展", "县区对比", "红榜", "黑榜", "进位与退位", "投资情况",
                                                   "逾期事项", "群众满意度"]
    # three regions fit on one slide: no continuation of the region table
    assert "县区对比（续）" not in titles


@pytest.mark.parametrize("width,height", SIZES)
def test_fourteen_regions_continue_on_the_next_slide(city_server, browser, width, height):
    def shot(page, number, title):
        if title.startswith("县区对比"):
            suffix = "-cont" if "续" in title else ""
            page.screenshot(path=str(SHOTS / f"slide-city-regions{suffix}-{width}x{height}.png"))
        rows = page.locator(".st-key-briefing_deck [data-testid='stTable'] tbody tr")
        seen.setdefault(title, []).append(rows.count())

    seen: dict[str, list[int]] = {}
    titles = walk(browser, city_server, width, height, shot)
    # 14 regions over slides of briefing.SIDE_ROWS rows: the region slide and its 续, in order
    parts = -(-len(REGIONS) // briefing.SIDE_ROWS)
    assert titles[1:1 + parts] == ["县区对比"] + ["县区对比（续）"] * (parts - 1), titles
    assert sum(seen["县区对比"]) + sum(seen.get("县区对比（续）", [])) == len(REGIONS)
    assert "逾期事项（续）" in titles          # the overdue items go on too
    assert titles.index("逾期事项（续）") == titles.index("逾期事项") + 1
