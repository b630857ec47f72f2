"""Submission status of each unit for a month, on a real DuckDB file filled by the loader."""
from __future__ import annotations

import datetime as dt

import pytest

from loaders import store
from loaders.pipeline import ingest
from metrics.submissions import deadline, submissions
from taizhang.database import reading
from tests import workbooks as wb


def ledger(month: int, *units: str) -> bytes:
    rows = [[u, f"{u}的实事", "推进中"] for u in units]
    return wb.xlsx({"台账": [[f"台账（2021年{month}月）"], ["责任单位", "项目名称", "进展情况"], *rows]})


def at(day: int, month: int = 4, hour: int = 12) -> dt.datetime:
    return dt.datetime(2021, month, day, hour)


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "s.duckdb")
    # March: three units report, so three are expected from then on.
    ingest(ledger(3, "市教育局", "市民政局", "市卫健委"), "march.xlsx", path, submitted_at=at(20, 3))
    return path


def status(db, month=dt.date(2021, 4, 1), day=25):
    with reading(db) as con:
        result = submissions(con, month, day)
    return {r["unit"]: r["status"] for r in result.table.to_pylist()}, result


def test_on_time_late_and_missing(db):
    ingest(ledger(4, "市教育局"), "a.xlsx", db, submitted_at=at(25, hour=23))
    ingest(ledger(4, "市民政局"), "b.xlsx", db, submitted_at=at(26))
    got, result = status(db)
    assert got == {"市卫健委": "missing", "市民政局": "late", "市教育局": "on_time"}
    assert list(got) == ["市卫健委", "市民政局", "市教育局"]  # missing first, then late
    assert (result.count("on_time"), result.count("late"), result.count("missing")) == (1, 1, 1)


def test_a_later_correction_does_not_make_an_on_time_unit_late(db):
    ingest(ledger(4, "市教育局"), "a.xlsx", db, submitted_at=at(10))
    ingest(ledger(4, "市教育局", "市民政局"), "b.xlsx", db, submitted_at=at(28))
    got, _ = status(db)
    assert got["市教育局"] == "on_time" and got["市民政局"] == "late"


def test_a_rolled_back_upload_is_not_a_submission(db):
    report = ingest(ledger(4, "市教育局"), "a.xlsx", db, submitted_at=at(10))
    store.rollback(db, report.upload_id)
    assert status(db)[0]["市教育局"] == "missing"


def test_units_that_joined_later_are_not_expected_earlier(db):
    ingest(ledger(5, "市医保局"), "may.xlsx", db, submitted_at=at(3, month=5))
    assert "市医保局" not in status(db)[0]
    assert "市医保局" in status(db, month=dt.date(2021, 5, 1))[0]


def test_reminder_lists_the_missing_units_by_region(db):
    ingest(ledger(4, "市教育局"), "a.xlsx", db, submitted_at=at(10))
    _, result = status(db)
    text = result.reminder("zh")
    assert "2 个单位尚未报送2021年4月台账" in text and "市民政局" in text and "市卫健委" in text
    assert "市教育局" not in text
    assert "2 units have not submitted" in result.reminder("en")


@pytest.mark.parametrize(
    "month,day,expected",
    [(dt.date(2021, 4, 1), 25, at(25, hour=23)), (dt.date(2021, 2, 1), 31, dt.datetime(2021, 2, 28, 12))],
)
def test_deadline_is_the_end_of_the_day_and_clamped_to_the_month(month, day, expected):
    assert deadline(month, day) == expected.replace(hour=23, minute=59, second=59)
