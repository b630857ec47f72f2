"""Issue 15 items 3, 4 and 6 in Debian's Chromium: tiles in full rows with no value cut,
clicks on bars and league-table rows that open what is behind them (and name it in the
URL), and the key columns of /units, /rankings and /submissions on a 390 px phone.

Saves /tmp/overview-1440-zh.png and /tmp/units-390-zh.png for the note.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.dbfixtures import build, sample_config, sample_rows, task
from tests.served import CHROMIUM, needs_chromium, serve
from tests.test_browser import settle

PHONE = {"width": 390, "height": 844}
WIDTHS = [(1280, 800), (1366, 768), (1440, 900), (1920, 1080), (390, 844)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("drill")
    # the sample, plus one large task: 960万 people served, 9.88亿元 planned
    rows = sample_rows() + [task("2021-06", "东湖镇", "大型惠民工程", "completed", planned=98_765.4, actual=9_876.5,
                                 beneficiaries=9_600_000, deadline="2021-12-31", source_row=20)]
    db = build(folder / "drill.duckdb", rows)
    with serve(db, env={"TAIZHANG_CONFIG": str(sample_config(folder))}) as base:
        yield base


@pytest.fixture(scope="module")
def submissions_server(tmp_path_factory):
    """Expected units (from March's ledger) so /submissions shows its table."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from loaders.pipeline import ingest
    from tests.test_submissions import ledger
    folder = tmp_path_factory.mktemp("drill_sub")
    path = str(folder / "sub.duckdb")
    ingest(ledger(3, "市教育局", "市民政局", "市卫健委"), "march.xlsx", path, submitted_at=dt.datetime(2021, 3, 20))
    ingest(ledger(4, "市教育局"), "april.xlsx", path, submitted_at=dt.datetime(2021, 4, 20))
    with serve(path) as base:
        yield base


def params(url: str) -> dict[str, str]:
    return {k: unquote(v[0]) for k, v in parse_qs(urlparse(url).query).items()}


def tile_rows_seen(page) -> list[list[dict]]:
    """Per tile group: its tiles' boxes, and whether each value is shown whole."""
    return page.evaluate("""() => [...document.querySelectorAll('[class*="st-key-tz_tiles_"]')].map(group => {
        const g = group.getBoundingClientRect();
        return [...group.children].filter(c => c.getBoundingClientRect().width > 0).map(tile => {
            const r = tile.getBoundingClientRect();
            const v = tile.querySelector('[data-testid=stMetricValue]');
            const inner = v ? v.querySelector('div') || v : null;
            return {x: r.x, y: r.y, right: r.right, left: g.x, gright: g.right,
                    whole: v ? (v.scrollWidth <= v.clientWidth + 1
                                && (!inner || inner.scrollWidth <= inner.clientWidth + 1)) : true,
                    text: v ? v.innerText : ''};
        });
    })""")


@needs_chromium
@pytest.mark.parametrize("width, height", WIDTHS)
def test_tiles_fill_their_rows_and_show_whole_values(server, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(f"{server}/", wait_until="domcontentloaded")
        settle(page)
        page.wait_for_function("""() => { const v = [...document.querySelectorAll('[data-testid=stMetricValue]')];
            return v.length >= 12 && v.every(e => e.innerText.trim()); }""", timeout=15_000)
        groups = tile_rows_seen(page)
        assert len(groups) == 3, groups   # progress, investment, satisfaction
        shown = [tile["text"] for group in groups for tile in group]
        assert "961.0万人次" in shown and "12.13亿元" in shown, "|".join(shown)
        for group in groups:
            rows: dict[int, list[dict]] = {}
            for tile in group:
                rows.setdefault(round(tile["y"]), []).append(tile)
            for row in rows.values():
                assert len(row) >= 2, f"a tile alone on its row at {width}px: {row}"
                row.sort(key=lambda tile: tile["x"])
                # the row is full: it spans the group's width
                assert abs(row[0]["x"] - row[0]["left"]) <= 2 and abs(row[-1]["right"] - row[-1]["gright"]) <= 2, row
            assert all(tile["whole"] for tile in group), [t["text"] for t in group if not t["whole"]]
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
        if (width, height) == (1440, 900):
            page.screenshot(path="/tmp/overview-1440-zh.png")
    finally:
        page.close()


@needs_chromium
def test_clicking_a_region_bar_opens_the_region_and_names_it_in_the_url(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/regions", wait_until="domcontentloaded")
        settle(page)
        bars = page.locator(".js-plotly-plot").first.locator(".bars .point path")
        bars.first.wait_for()
        box = bars.first.bounding_box()   # drawn bottom-up: the lowest bar, 西山县
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.get_by_text("西山县各单位完成率").wait_for(timeout=15_000)
        page.wait_for_function("() => decodeURIComponent(location.search).includes('region=西山县')", timeout=15_000)
        settle(page)
        assert params(page.url)["region"] == "西山县"
        assert page.locator('[data-testid="stException"]').count() == 0
        # the link opens the same view in a new page
        other = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            other.goto(page.url, wait_until="domcontentloaded")
            settle(other)
            other.get_by_text("西山县各单位完成率").wait_for(timeout=15_000)
        finally:
            other.close()
    finally:
        page.close()


def click_row(page, key: str, row: int) -> None:
    """Choose row `row` (0 = first) of the st.dataframe with `key`: its checkbox, left of the row."""
    table = page.locator(f".st-key-{key} [data-testid=stDataFrame]").first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 * (row + 1) + 17)


@needs_chromium
def test_a_league_table_row_opens_the_unit(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/rankings", wait_until="domcontentloaded")
        settle(page)
        click_row(page, "rankings_table", 0)   # rank 1: 城关区民政局 (the sample's June order)
        page.wait_for_url("**/units?*", timeout=15_000)
        settle(page)
        assert params(page.url)["unit"] == "城关区民政局"
        assert page.locator('[data-testid="stMainBlockContainer"] h1').first.inner_text().strip() == "单位查询"
        page.get_by_text("历月进展").wait_for(timeout=15_000)
        assert page.locator('[data-testid="stMetric"]').count() >= 5
    finally:
        page.close()


@needs_chromium
def test_a_league_table_row_of_regions_opens_the_region(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/rankings?level=region", wait_until="domcontentloaded")
        settle(page)
        click_row(page, "rankings_table", 0)
        page.wait_for_url("**/regions?*", timeout=15_000)
        settle(page)
        region = params(page.url)["region"]
        page.get_by_text(f"{region}各单位完成率").wait_for(timeout=15_000)
    finally:
        page.close()


@needs_chromium
def test_choosing_a_unit_in_the_units_table_opens_it(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/units", wait_until="domcontentloaded")
        settle(page)
        click_row(page, "units_table", 0)
        page.wait_for_function("() => new URLSearchParams(location.search).has('unit')", timeout=15_000)
        settle(page)
        page.get_by_text("历月进展").wait_for(timeout=15_000)
        assert params(page.url)["unit"]
    finally:
        page.close()


def first_row_cells(page, key: str, count: int) -> tuple[list[tuple[str, float, float]], dict]:
    """The first `count` cells of the first data row of the st.dataframe with `key`, read as
    the grid shows them (a read-only cell opens its value in an overlay on Enter, drawn
    at the cell's x): (value, x on the page, the table's sideways scroll when it was read)."""
    found = page.locator(f".st-key-{key} [data-testid=stDataFrame]")
    # a table without on_select is no widget and has no key class: then the page's last table
    table = found.first if found.count() else page.locator("[data-testid=stDataFrame]").last
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    read = """() => { const o = document.querySelector('#portal');
        const t = o && o.querySelector('textarea,input'); const ov = o && o.querySelector('[id^=gdg-overlay]');
        return t ? [t.value, ov ? Number(ov.getAttribute('targetx')) : null] : null; }"""
    for attempt in range(3):   # a busy machine may lose the first click: start over
        try:
            page.wait_for_timeout(300)
            table.scroll_into_view_if_needed()
            box = table.bounding_box()
            page.mouse.click(box["x"] + 45, box["y"] + 35 + 17)   # the first cell past the row checkboxes
            page.wait_for_timeout(200)
            cells = []
            for _ in range(count + 1):   # one more: where the last key column ends
                page.keyboard.press("Enter")
                page.wait_for_function("() => document.querySelector('#portal textarea, #portal input')",
                                       timeout=5_000)
                value, x = page.evaluate(read)
                cells.append((value, x, table.evaluate("t => t.querySelector('.dvn-scroller').scrollLeft")))
                page.keyboard.press("Escape")
                page.wait_for_function("() => !document.querySelector('#portal textarea, #portal input')",
                                       timeout=5_000)
                page.keyboard.press("ArrowRight")
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            if attempt == 2:
                page.screenshot(path=f"/tmp/failed-{key}.png")
                raise
    return cells, box


def key_columns_in_view(page, key: str, expected: list) -> None:
    """The first columns hold `expected` (a value, or a predicate), all inside the viewport
    with the table not scrolled sideways; the table itself within the viewport."""
    cells, box = first_row_cells(page, key, len(expected))
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    for (value, x, scrolled), (_, next_x, _), want in zip(cells, cells[1:], expected):
        assert (want(value) if callable(want) else value == want), cells
        assert scrolled == 0 and 0 <= x and next_x <= width, cells   # the whole cell is in view
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width


@needs_chromium
def test_units_on_a_phone_show_unit_and_completion_without_scrolling(server, browser):
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(f"{server}/units", wait_until="domcontentloaded")
        settle(page)
        page.screenshot(path="/tmp/units-390-zh.png", full_page=True)
        key_columns_in_view(page, "units_table", ["城关区民政局", "100"])   # unit, then completion (%)
    finally:
        page.close()


@needs_chromium
def test_rankings_on_a_phone_show_unit_and_the_ranked_value(server, browser):
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(f"{server}/rankings", wait_until="domcontentloaded")
        settle(page)
        key_columns_in_view(page, "rankings_table", ["1", "城关区民政局", "100"])   # rank, unit, completion
    finally:
        page.close()


@needs_chromium
def test_submissions_on_a_phone_show_unit_and_status(submissions_server, browser):
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(f"{submissions_server}/submissions", wait_until="domcontentloaded")
        settle(page)
        # the unit, then its status
        key_columns_in_view(page, "submissions_table", [lambda v: v.startswith("市"),
                                                        lambda v: v in ("按时报送", "迟报", "未报")])
    finally:
        page.close()


@needs_chromium
def test_the_units_table_sorts_and_the_chosen_row_is_the_unit_shown(server, browser):
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(f"{server}/units", wait_until="domcontentloaded")
        settle(page)
        cells, box = first_row_cells(page, "units_table", 2)
        completion_x = cells[1][1]
        page.mouse.click(completion_x + 20, box["y"] + 17)   # its header: sort by completion, lowest first
        page.wait_for_timeout(500)
        assert first_row_cells(page, "units_table", 2)[0][0][0] == "西山乡"   # 33.3%, the lowest
        click_row(page, "units_table", 0)
        page.wait_for_function("() => new URLSearchParams(location.search).has('unit')", timeout=15_000)
        settle(page)
        assert params(page.url)["unit"] == "西山乡"
        page.get_by_text("历月进展").wait_for(timeout=15_000)
    finally:
        page.close()
