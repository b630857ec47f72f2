"""Drilling from a figure to what is behind it (issue 15, items 3, 4 and 6), through AppTest:
the /units table of all units and choosing a row, clicks on bars and league-table rows,
the original file of a task; and the tile layout and compact number format."""
from __future__ import annotations

import json
import time

import duckdb
import pytest

from present import format as fmt
from taizhang import accounts
from tests.test_pages import frame, metric, open_page, texts
from ui.frame import tile_fits, tile_rows

# --- tiles -------------------------------------------------------------------------

@pytest.mark.parametrize("count, fits, rows", [
    (6, 6, [6]), (6, 5, [3, 3]), (6, 4, [3, 3]), (6, 2, [2, 2, 2]), (6, 1, [2, 2, 2]),
    (12, 5, [4, 4, 4]), (12, 7, [6, 6]), (12, 12, [12]),
    (5, 5, [5]), (5, 4, [3, 2]), (5, 2, [3, 2]), (4, 3, [2, 2]), (3, 2, [3]), (2, 1, [2]), (1, 1, [1]),
    (13, 4, [4, 3, 3, 3]), (0, 3, []),
])
def test_tile_rows_are_full(count, fits, rows):
    assert tile_rows(count, fits) == rows


@pytest.mark.parametrize("count", range(2, 25))
@pytest.mark.parametrize("fits", range(1, 13))
def test_tile_rows_never_leave_a_tile_alone(count, fits):
    rows = tile_rows(count, fits)
    assert sum(rows) == count
    assert min(rows) >= 2                      # no orphan
    assert max(rows) - min(rows) <= 1          # rows filled evenly
    assert max(rows) <= max(fits, 3) or len(rows) == 1 or max(rows) <= fits + 1


@pytest.mark.parametrize("width, fits", [(358, 2), (1000, 6), (150, 1), (100, 1), (316, 2), (466, 3)])
def test_tile_fits(width, fits):
    assert tile_fits(width) == fits


@pytest.mark.parametrize("value, lang, shown", [
    (9_687_000, "zh", "968.7万"), (12_345, "zh", "1.2万"), (9_999, "zh", "9,999"), (123_456_789, "zh", "1.23亿"),
    (9_687_000, "en", "9.69 m"), (123_456, "en", "123.5k"), (99_999, "en", "99,999"), (1_234_000_000, "en", "1.23 bn"),
    (None, "zh", "—"), (float("nan"), "en", "—"), (-25_000, "zh", "-2.5万"), (0, "zh", "0"),
])
def test_compact_count(value, lang, shown):
    assert fmt.compact(value, lang) == shown


# --- selection helpers: what the browser sends when a row or bar is chosen ------------

def choose(at, element, selection: dict):
    states = at._tree.get_widget_states()
    for state in list(states.widgets):
        if state.id == element.proto.id:
            states.widgets.remove(state)
    state = states.widgets.add()
    state.id = element.proto.id
    state.string_value = json.dumps({"selection": selection})
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose_row(at, key: str, row: int):
    table = next(d for d in at.dataframe if d.proto.id.endswith(key))
    return choose(at, table, {"rows": [row], "columns": [], "cells": []})


def click_bar(at, key: str, index: int):
    chart = next(c for c in at.get("plotly_chart") if f"-{key}" in c.proto.id)
    return choose(at, chart, {"points": [{"customdata": index, "point_index": 0}], "point_indices": [0],
                              "box": [], "lasso": []})


# --- /units ------------------------------------------------------------------------

def test_units_opens_on_a_table_of_all_units(sample_env):
    at = open_page("units")
    table = frame(at, "单位", "完成率", "名次", "较上月", "县区", "任务数", "按期完成率", "逾期")
    assert list(table.columns[:3]) == ["单位", "完成率", "名次"]  # key columns first, for a phone
    assert len(table) == 9
    assert list(table["名次"][:2]) == [1, 2]
    assert "2021年6月各单位（9）" in texts(at)
    assert "unit" not in at.query_params


def test_units_table_follows_the_sidebar_region(sample_env):
    at = open_page("units", region="西山县")
    table = frame(at, "单位", "完成率")
    assert set(table["县区"]) == {"西山县"}
    assert len(table) == 3


def test_choosing_a_row_opens_the_unit_and_names_it_in_the_url(sample_env):
    at = open_page("units")
    table = frame(at, "单位", "完成率")
    row = list(table["单位"]).index("西山乡")
    choose_row(at, "units_table", row)
    assert at.query_params["unit"] == "西山乡"
    assert metric(at, "完成率").value == "33.3%"
    assert "逾期任务（1）" in texts(at)
    # back to the table: the unit leaves the URL
    at.button(key="units_back").click().run()
    assert "unit" not in at.query_params
    assert frame(at, "单位", "完成率", "名次") is not None


def test_unit_in_the_url_wins_over_the_last_choice(sample_env):
    at = open_page("units", unit="东湖镇")
    assert metric(at, "完成率").value == "80.0%"
    at.query_params["unit"] = "西山乡"   # a link to another unit, opened in the same session
    at.run()
    assert metric(at, "完成率").value == "33.3%"


def _sign_in(at, db, username: str, role: str, units=()):
    accounts.add_user(str(db), username, "pass-word-123456", role, units=list(units), actor="test")
    now = time.time()
    at.session_state["tz_auth"] = {"user": accounts.User(username, role, tuple(units), None),
                                   "signed_in_at": now, "last_seen": now, "via": "local"}


def _keep_original(db, tmp_path) -> bytes:
    content = b"PK original workbook"
    kept = tmp_path / "kept.xlsx"
    kept.write_bytes(content)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE uploads SET stored_path = ?", [str(kept)])
    return content


def _downloads(at) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


@pytest.mark.parametrize("role, units, allowed", [
    ("admin", (), True), ("uploader", ("西山乡",), True), ("uploader", ("东湖镇",), False), ("viewer", (), False),
])
def test_a_tasks_original_file_for_those_allowed(sample_env, tmp_path, role, units, allowed):
    _keep_original(sample_env, tmp_path)
    at = open_page("units", unit="西山乡")
    _sign_in(at, sample_env, "someone", role, units)
    at.run()
    choose_row(at, "units_tasks", 0)
    shown = texts(at)
    assert "工作表" in shown and "行" in shown      # the sheet and row are named for everyone
    if allowed:
        assert _downloads(at) == ["下载原始文件"]
    else:
        assert not _downloads(at)
        assert "原始文件仅管理员和本单位的填报员登录后可下载" in shown


def test_no_download_when_not_signed_in(sample_env, tmp_path):
    _keep_original(sample_env, tmp_path)
    at = open_page("units", unit="西山乡")
    choose_row(at, "units_tasks", 0)
    assert not _downloads(at)


# --- clicks elsewhere --------------------------------------------------------------

def test_clicking_a_region_bar_sets_the_region_in_the_url(sample_env):
    at = open_page("regions")
    # bars are best first: 城关区, 东湖县, 西山县 by completion
    click_bar(at, "regions_bars", 2)
    assert at.query_params["region"] == "西山县"
    assert "西山县各单位完成率" in texts(at)


def test_clicking_a_unit_bar_on_regions_opens_the_unit(sample_env):
    at = open_page("regions", region="西山县")
    chart = [c for c in at.get("plotly_chart") if c.proto.id.endswith("regions_units")]
    assert chart
    click_bar(at, "regions_units", 0)   # the best unit of 西山县
    assert at.title[0].value == "单位查询"
    assert at.query_params["unit"]
    assert metric(at, "完成率")


def test_a_league_table_row_opens_the_unit(sample_env):
    at = open_page("rankings")
    table = frame(at, "名次", "单位", "较上月")
    choose_row(at, "rankings_table", 1)
    assert at.title[0].value == "单位查询"
    assert at.query_params["unit"] == table["单位"][1]
    assert metric(at, "完成率")


def test_a_league_table_row_of_regions_opens_the_region(sample_env):
    at = open_page("rankings", level="region")
    table = frame(at, "名次", "县区")
    choose_row(at, "rankings_table", 0)
    assert at.title[0].value == "县区对比"
    assert at.query_params["region"] == table["县区"][0]
    assert f"{table['县区'][0]}各单位完成率" in texts(at)


def test_overview_bar_opens_the_region(sample_env):
    at = open_page("overview")
    click_bar(at, "overview_bars", 0)
    assert at.title[0].value == "县区对比"
    assert at.query_params["region"] == "城关区"


def test_a_region_bar_clicked_again_after_picking_another_region(sample_env):
    at = open_page("regions")
    click_bar(at, "regions_bars", 2)
    assert at.query_params["region"] == "西山县"
    at.selectbox(key="regions_pick").set_value("东湖县").run()
    assert at.query_params["region"] == "东湖县"
    click_bar(at, "regions_bars", 2)
    assert at.query_params["region"] == "西山县"
    assert "西山县各单位完成率" in texts(at)
