"""A month still coming in: when fewer than half the units of the month before have
reported, every data page says so above its figures (a new-user trial: one unit's early
upload of a new month made the whole city's figures collapse on every page, unsaid).
The count of units per month is kept by the writer in store_catalog."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import metrics
from taizhang.database import reading, writing
from tests.apptest import open_page
from tests.dbfixtures import build, task

UNITS = ("东湖镇", "西山乡", "南溪镇", "北岭乡")


def rows(month: str, units=UNITS) -> list[dict]:
    return [task(month, unit, f"{unit}任务{i}", "completed" if i < 2 else "in_progress") for unit in units
            for i in range(3)]


def warnings(at: AppTest) -> str:
    return "\n".join(str(w.value) for w in at.warning)


@pytest.fixture
def early(tmp_path, monkeypatch):
    """June: four units; July: one so far."""
    path = build(tmp_path / "early.duckdb", rows("2021-06") + rows("2021-07", UNITS[:1]))
    monkeypatch.setenv("TAIZHANG_DB", str(path))
    monkeypatch.setenv("TAIZHANG_CONFIG", str(tmp_path / "none.toml"))
    st.cache_data.clear()
    st.cache_resource.clear()
    return path


def test_the_writer_keeps_the_units_of_each_month(early):
    with reading(str(early)) as con:
        found = metrics.store_catalog(con)
    assert found.months == [dt.date(2021, 7, 1), dt.date(2021, 6, 1)] and found.month_units == [1, 4]


@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/regions.py", "app_pages/rankings.py",
                                  "app_pages/investment.py", "app_pages/units.py"])
def test_every_data_page_says_the_month_is_still_coming_in(early, page):
    at = open_page(page)
    assert "2021年7月仍在报送：目前 1 个单位已报送（2021年6月 4 个）" in warnings(at)


def test_in_english(early):
    said = warnings(open_page("app_pages/overview.py", "en"))
    assert "Jul 2021 is still coming in: units reported so far: 1 (Jun 2021: 4)." in said


def test_not_said_of_a_month_most_units_have_reported(early, tmp_path, monkeypatch):
    build(early, rows("2021-07", UNITS[1:3]))   # three of four now
    st.cache_data.clear()
    assert "仍在报送" not in warnings(open_page("app_pages/overview.py"))
    # nor of a finished month, nor on pages whose figures are not a month's
    path = build(tmp_path / "done.duckdb", rows("2021-06") + rows("2021-07"))
    monkeypatch.setenv("TAIZHANG_DB", str(path))
    st.cache_data.clear()
    assert "仍在报送" not in warnings(open_page("app_pages/overview.py"))


def test_a_store_from_before_the_count_is_read_right_and_upgraded(early):
    """A store_catalog without month_units (made earlier on 2026-11-30): a stand-in
    view counts them until the next writer remakes the table."""
    con = duckdb.connect(str(early))
    con.execute("ALTER TABLE store_catalog DROP COLUMN month_units")
    con.close()
    with reading(str(early)) as con:
        assert metrics.store_catalog(con).month_units == [1, 4]
    with writing(str(early)):
        pass
    con = duckdb.connect(str(early), read_only=True)
    assert con.execute("SELECT month_units FROM store_catalog").fetchone()[0] == [1, 4]
    con.close()
