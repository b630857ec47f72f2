"""The sidebar's report month after a newer month is loaded: a view on the newest month
(no month picked, no ?month=) moves on to the new newest month; a month picked, or named
in the link, stays."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.apptest import open_page
from tests.dbfixtures import build, task


def rows(month: str) -> list[dict]:
    return [task(month, unit, f"{unit}{month}任务{i}", "completed" if i < 3 else "in_progress", region=region)
            for unit, region in (("东湖镇", "东湖县"), ("西山乡", "西山县")) for i in range(6)]


@pytest.fixture
def store(tmp_path, monkeypatch):
    """May and June loaded; no settings file (the defaults)."""
    path = build(tmp_path / "months.duckdb", rows("2021-05") + rows("2021-06"))
    monkeypatch.setenv("TAIZHANG_DB", str(path))
    monkeypatch.setenv("TAIZHANG_CONFIG", str(tmp_path / "none.toml"))
    st.cache_data.clear()
    st.cache_resource.clear()
    return path


def load_july(path: Path) -> None:
    """July's ledgers, written to the same store through the writer every load uses
    (taizhang.database.writing, the derived tables refreshed in the same transaction)."""
    build(path, rows("2021-07"))


def open_app(**params) -> AppTest:
    return open_page(lang=None, **params)


def month_shown(at: AppTest) -> str:
    return at.sidebar.selectbox(key="tz_month").value


def test_a_view_on_the_newest_month_moves_to_a_newer_one_when_it_is_loaded(store):
    at = open_app()
    assert month_shown(at) == "2021-06"
    load_july(store)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert month_shown(at) == "2021-07"
    assert "month" not in at.query_params  # the link still means "the newest month"
    assert at.session_state["tz_filters"].month == dt.date(2021, 7, 1)  # what the page reads


def test_on_another_page_too(store):
    at = open_app()
    at.switch_page("app_pages/rankings.py").run()
    assert month_shown(at) == "2021-06"
    load_july(store)
    at.run()
    assert month_shown(at) == "2021-07"
    assert "month" not in at.query_params


def test_a_month_picked_is_kept(store):
    at = open_app()
    at.sidebar.selectbox(key="tz_month").set_value("2021-05").run()
    assert at.query_params["month"] == "2021-05"
    load_july(store)
    at.run()
    assert month_shown(at) == "2021-05"
    assert at.query_params["month"] == "2021-05"


def test_a_month_named_in_the_link_is_kept(store):
    at = open_app(month="2021-05")
    assert month_shown(at) == "2021-05"
    load_july(store)
    at.run()
    assert month_shown(at) == "2021-05"
    assert at.query_params["month"] == "2021-05"


def test_picking_the_newest_month_again_follows_the_newest(store):
    """Back on the newest month the link is bare again, and a bare link means the newest."""
    at = open_app(month="2021-05")
    at.sidebar.selectbox(key="tz_month").set_value("2021-06").run()
    assert "month" not in at.query_params
    load_july(store)
    at.run()
    assert month_shown(at) == "2021-07"
