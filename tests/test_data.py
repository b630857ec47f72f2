"""ui.data: the pages' cached data and the one connection a page view shares."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from metrics import derived
from taizhang.database import writing
from tests.dbfixtures import build, task
from ui import data

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = build(tmp_path / "d.duckdb", [task("2021-05", "甲", "a", "completed"),
                                         task("2021-06", "甲", "a", "completed")])
    monkeypatch.setenv("TAIZHANG_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    return path


@pytest.fixture
def opened(monkeypatch):
    """Counts the read-only connections ui.data opens (the real ones)."""
    count = []
    real = data.reading

    def counting(*args, **kwargs):
        count.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(data, "reading", counting)
    return count


@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/regions.py", "app_pages/rankings.py",
                                  "app_pages/investment.py", "app_pages/units.py"])
def test_a_page_view_opens_one_connection_for_sidebar_and_page(store, opened, page):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page(page)
    st.cache_data.clear()
    opened.clear()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(opened) == 1


def test_a_write_inside_a_page_view_releases_its_connection_and_the_next_read_sees_it(store):
    with data.page_view() as view:
        assert data.catalog().months == (dt.date(2021, 6, 1), dt.date(2021, 5, 1))
        assert view._con is not None  # the view holds its connection ...
        with writing(str(store), wait=1.0) as con:  # ... and lets it go for a write in the same thread
            con.execute("INSERT INTO task_rows SELECT * REPLACE (DATE '2021-07-01' AS report_month) "
                        "FROM task_rows WHERE report_month = DATE '2021-06-01'")
            derived.refresh(con)  # as every writer keeps the derived tables (the catalog reads one)
        assert data.catalog().months[0] == dt.date(2021, 7, 1)
    assert view._con is None


def test_release_lets_the_connection_go_and_a_later_miss_reopens_it(store, opened):
    with data.page_view() as view:
        data.catalog()
        assert view._con is not None and len(opened) == 1
        data.release()  # as the upload page does before parsing a file
        assert view._con is None
        data.catalog()  # cached: no connection needed
        assert view._con is None and len(opened) == 1
        data.units()  # a miss: the view opens a connection again
        assert view._con is not None and len(opened) == 2


def _fingerprint(frame: pd.DataFrame) -> tuple:
    return tuple(frame.columns), tuple(frame.index), int(pd.util.hash_pandas_object(frame, index=True).sum())


def test_the_shared_ranking_is_left_as_it_was_by_a_rankings_page_view(tmp_path, monkeypatch):
    """The ranking is one object handed to every page view (cache_resource, not pickled):
    a page that changed its frames in place would change what the next viewer sees."""
    done = {"2021-05": {"甲": 5, "丙": 3, "乙": 1}, "2021-06": {"乙": 6, "丙": 3, "甲": 1}}
    path = build(tmp_path / "r.duckdb", [task(m, u, f"t{i}", "completed" if i < k else "in_progress")
                                         for m, units in done.items() for u, k in units.items() for i in range(6)])
    monkeypatch.setenv("TAIZHANG_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    settings, _ = data.settings()
    month = dt.date(2021, 6, 1)
    before = data.ranking(month, "unit", "completion_rate", None, None, settings)
    frames = {name: _fingerprint(getattr(before, name)) for name in ("table", "unranked", "red", "black")}
    assert list(before.table["unit"]) == ["乙", "丙", "甲"]
    assert list(before.table["change"]) == ["▲2", "=", "▼2"]

    for level in ("unit", "region"):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.query_params["level"] = level
        at.run()
        at.switch_page("app_pages/rankings.py").run()
        assert not at.exception, [e.value for e in at.exception]
        at.run()  # a second view of the same ranking, from the cache

    after = data.ranking(month, "unit", "completion_rate", None, None, settings)
    assert after is before  # the cached object itself, not a copy
    assert {name: _fingerprint(getattr(after, name)) for name in frames} == frames
