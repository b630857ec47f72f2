"""Issue 15 item 2 in Debian's Chromium: a figure whose input the ledgers lack is "—"
with its reason in the tile's tooltip and under the tiles, on a desktop and a phone,
in Chinese and English; a unit without deadlines never shows 100% on time.

Saves /tmp/missing-units-<lang>-<width>.png for the note.
"""
from __future__ import annotations

import pytest

from tests.dbfixtures import build
from tests.served import CHROMIUM, serve
from tests.test_browser import settle
from tests.test_missing import _lacking_rows

WORDS = {"zh": {"label": "按期完成率", "reason": "台账未填报完成时限",
                "note": "按期完成率、逾期（台账未填报完成时限）"},
         "en": {"label": "On-time rate", "reason": "the ledgers give no deadlines",
                "note": "On-time rate, Overdue (the ledgers give no deadlines)"}}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    db = build(tmp_path_factory.mktemp("missing") / "lacking.duckdb", _lacking_rows())
    with serve(db) as base:
        yield base


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_a_missing_figure_is_a_dash_with_its_reason(server, browser, lang, width, height):
    words = WORDS[lang]
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(f"{server}/units?unit=丙镇&lang={lang}", wait_until="domcontentloaded")
        settle(page)
        tile = page.locator("[data-testid=stMetric]").filter(has_text=words["label"]).first
        tile.wait_for(timeout=15_000)
        assert tile.locator("[data-testid=stMetricValue]").inner_text().strip() == "—"
        page.get_by_text(words["note"]).first.wait_for(timeout=15_000)   # the note under the tiles
        # the tooltip of the tile's help icon says why
        tile.locator("[data-testid=stTooltipHoverTarget]").first.hover()
        page.get_by_text(words["reason"]).last.wait_for(timeout=15_000)
        assert "100.0%" not in tile.inner_text()
        page.screenshot(path=f"/tmp/missing-units-{lang}-{width}.png")
    finally:
        page.close()


def test_the_overview_total_counts_only_ledgers_that_give_the_input(server, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.goto(f"{server}/?lang=zh", wait_until="domcontentloaded")
        settle(page)
        tile = page.locator("[data-testid=stMetric]").filter(has_text="投资完成率").first
        tile.wait_for(timeout=15_000)
        assert tile.locator("[data-testid=stMetricValue]").inner_text().strip() == "75.0%"
        page.get_by_text("投资完成率只计 10/20 项任务", exact=False).first.wait_for(timeout=15_000)
    finally:
        page.close()
