"""The /regions heat map on a 390 x 844 phone, in Debian's Chromium: fifteen regions by
twelve months, every region named in full (horizontal, none cut or over another), the
month labels side by side, each cell's figure inside its cell in a readable size, the
rows tall enough to tap, the colour scale below the map, and Chinese drawn in a CJK font.

Saves /tmp/regions-heat-<lang>-390.png for the note.
"""
from __future__ import annotations

import pytest

from tests.dbfixtures import build, task
from tests.served import CHROMIUM, serve
from tests.test_browser import settle

# as many regions as the demo city (14 县区 and 市直), one with a long name
REGIONS = ["东湖区", "云溪县", "北湖区", "南浦区", "市直", "松溪县", "枫林县", "梅岭县", "江城区",
           "江州经济技术开发区", "江州高新区", "清河县", "白沙县", "石桥县", "青山县"]
MONTHS = [f"2021-{m:02d}" for m in range(1, 13)]
PHONE = {"width": 390, "height": 844}

# What the heat map draws, read from the page: Plotly keeps the laid-out figure on its div.
MEASURE = """(plot) => {
  const box = e => { const r = e.getBoundingClientRect();
                     return {l: r.left, t: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; };
  const full = plot._fullLayout, trace = plot._fullData[0];
  return {
    figure: box(plot), height: full.height,
    area: {l: box(plot).l + full.xaxis._offset, t: box(plot).t + full.yaxis._offset,
           w: full.xaxis._length, h: full.yaxis._length},
    columns: trace.x.length, rows: trace.y.length,
    xticks: [...plot.querySelectorAll('.xtick text')].map(e => ({text: e.textContent, ...box(e)})),
    yticks: [...plot.querySelectorAll('.ytick text')].map(e => ({text: e.textContent, ...box(e)})),
    cells: [...plot.querySelectorAll('.heatmaplayer text')].map(e => (
      {text: e.textContent, size: parseFloat(getComputedStyle(e).fontSize), ...box(e)})),
    colorbar: [...plot.querySelectorAll('.colorbar')].map(box),
    cjk: document.fonts.check('12px "Noto Sans CJK SC"'),
  };
}"""


def rows() -> list[dict]:
    out = []
    for k, region in enumerate(REGIONS):
        for i, month in enumerate(MONTHS):
            done = (i + k) % 6            # 0 to 5 of 5 tasks: 0% to 100%
            out += [task(month, f"{region}单位", f"t{n}", "completed" if n < done else "in_progress",
                         region=region) for n in range(5)]
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    db = build(tmp_path_factory.mktemp("heat") / "heat.duckdb", rows())
    with serve(db) as base:
        yield base


def apart(boxes: list[dict], lead: str, trail: str) -> list[tuple[str, str]]:
    """Pairs of neighbouring labels (in reading order) whose boxes overlap along the axis."""
    ordered = sorted(boxes, key=lambda b: b[lead])
    return [(a["text"], b["text"]) for a, b in zip(ordered, ordered[1:]) if a[trail] > b[lead] + 0.5]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_heat_map_is_readable_on_a_phone(server, browser, lang):
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page.goto(f"{server}/regions?lang={lang}", wait_until="domcontentloaded")
        settle(page)
        heat = page.locator(".js-plotly-plot").filter(has=page.locator(".heatmaplayer"))
        heat.wait_for(timeout=30_000)
        heat.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        seen = heat.evaluate(MEASURE)
        heat.screenshot(path=f"/tmp/regions-heat-{lang}-390.png")
    finally:
        page.close()

    # within the phone's width
    assert seen["figure"]["l"] >= 0 and seen["figure"]["r"] <= PHONE["width"], seen["figure"]
    assert seen["cjk"], "no CJK font: Chinese labels would be boxes"

    # every region named in full, upright, inside the figure, none over another
    names = [tick["text"] for tick in seen["yticks"]]
    assert sorted(names) == sorted(REGIONS), names
    for tick in seen["yticks"]:
        assert tick["l"] >= seen["figure"]["l"] and tick["r"] <= seen["area"]["l"], tick
        assert tick["w"] > tick["h"] or len(tick["text"]) > 6, tick   # horizontal (a long name on two lines)
    assert not apart(seen["yticks"], "t", "b")

    # twelve months side by side, horizontal, none over another
    assert seen["columns"] == 12 and len(seen["xticks"]) == 12
    assert not apart(seen["xticks"], "l", "r")
    for tick in seen["xticks"]:
        assert tick["l"] >= seen["figure"]["l"] and tick["r"] <= seen["figure"]["r"], tick

    # rows tall enough to read and tap: the map grows with the regions, it is not squeezed
    cell_w, cell_h = seen["area"]["w"] / seen["columns"], seen["area"]["h"] / seen["rows"]
    assert cell_h >= 24, cell_h
    assert seen["height"] >= 24 * len(REGIONS)

    # every cell's figure fits its cell, in a size a phone can read
    assert len(seen["cells"]) == len(REGIONS) * len(MONTHS)
    assert {cell["text"] for cell in seen["cells"]} >= {"0", "100"}   # 0% and 100%, as figures
    for cell in seen["cells"]:
        assert cell["size"] >= 9, cell
        assert cell["w"] <= cell_w - 2 and cell["h"] <= cell_h, (cell, cell_w, cell_h)

    # the colour scale under the map, not beside it (where it would take the cells' width)
    assert seen["colorbar"], "no colour scale"
    bar = seen["colorbar"][0]
    assert bar["t"] >= seen["area"]["t"] + seen["area"]["h"] - 1, (bar, seen["area"])
    assert bar["r"] <= PHONE["width"]
