"""Missing is not zero: a measure whose input a ledger does not give is "—" with a
reason, never 0 or 100%; sums above a unit count only the ledgers that give it;
the composite is made of the parts a unit has.

The property test loads real ledgers (xlsx made here) through the loader, once
whole and once without one column, and compares what the pages would show.
"""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import metrics
from loaders.pipeline import ingest
from metrics import Settings
from taizhang.database import reading
from tests import workbooks as wb
from tests.dbfixtures import build, task

JUNE = dt.date(2021, 6, 1)


@pytest.fixture
def db(tmp_path):
    opened = []

    def make(rows):
        path = build(tmp_path / f"m{len(opened)}.duckdb", rows)
        context = reading(str(path))
        opened.append(context)
        return context.__enter__()

    yield make
    for context in opened:
        context.__exit__(None, None, None)


def test_a_ledger_without_actual_investment_has_no_investment_completion(db):
    con = db([task("2021-06", "甲", f"t{i}", "in_progress", planned=100.0) for i in range(3)])
    k = metrics.kpis(con, JUNE)
    assert k["planned_investment"].value == 300.0
    assert k["actual_investment"].value is None and k["actual_investment"].missing == "no_actual"
    assert k["investment_completion"].value is None and k["investment_completion"].missing == "no_actual"


def test_a_ledger_without_deadlines_has_no_on_time_rate_and_no_overdue_count(db):
    con = db([task("2021-06", "甲", "done", "completed"), task("2021-06", "甲", "open", "in_progress")])
    k = metrics.kpis(con, JUNE)
    assert k["on_time_rate"].value is None and k["on_time_rate"].missing == "no_deadlines"
    assert k["overdue"].value is None and k["overdue"].missing == "no_deadlines"
    assert k["completion_rate"].value == 0.5 and k["completion_rate"].missing is None


def test_a_ledger_without_people_served_has_no_beneficiaries(db):
    con = db([task("2021-06", "甲", "t", "completed")])
    k = metrics.kpis(con, JUNE)
    assert k["beneficiaries"].value is None and k["beneficiaries"].missing == "no_beneficiaries"


def test_within_a_ledger_that_gives_a_column_a_blank_cell_is_zero(db):
    con = db([task("2021-06", "甲", "a", "in_progress", planned=100.0, actual=50.0),
              task("2021-06", "甲", "b", "in_progress", planned=100.0)])
    k = metrics.kpis(con, JUNE)
    assert k["investment_completion"].value == 0.25
    assert k["investment_completion"].coverage is None


def test_totals_count_only_the_ledgers_that_give_the_input(db):
    con = db([
        task("2021-06", "甲", "a", "in_progress", planned=100.0, actual=80.0, deadline="2021-05-31"),
        task("2021-06", "乙", "b", "in_progress", planned=100.0),                 # no 完成投资, no deadline
        task("2021-06", "乙", "c", "completed", planned=100.0),
    ])
    k = metrics.kpis(con, JUNE)
    assert k["investment_completion"].value == 0.8       # not 80 / 300
    assert k["investment_completion"].coverage == (1, 3)
    assert k["actual_investment"].value == 80.0
    assert k["overdue"].value == 1                         # 甲's; 乙 gives no deadlines
    assert k["on_time_rate"].value == 0.0                  # 乙's completed task is not counted on time
    assert k["on_time_rate"].coverage == (1, 3)


def test_missing_reason_says_why(db):
    con = db([task("2021-06", "甲", "a", "in_progress", actual=5.0, deadline="2021-12-31")])
    k = metrics.kpis(con, JUNE)
    assert k["investment_completion"].missing == "no_planned_base"
    assert k["on_time_rate"].missing == "none_due"
    assert k["planned_investment"].missing == "no_planned"
    assert metrics.missing_reason("completion_rate", {"tasks": 0, "completion_rate": None}) == "no_tasks"


def test_ranking_by_a_missing_measure_lists_the_unit_apart_with_the_reason(db):
    rows = []
    for unit, actual in (("甲", 50.0), ("乙", None), ("丙", 90.0)):
        rows += [task("2021-06", unit, f"t{i}", "in_progress", planned=100.0, actual=actual, deadline="2021-12-31")
                 for i in range(5)]
    con = db(rows)
    result = metrics.ranking(con, JUNE, measure="investment_completion")
    assert result.table["unit"].tolist() == ["丙", "甲"]
    apart = result.unranked.set_index("unit")
    assert apart.loc["乙", "reason"] == "no_actual"


def test_composite_uses_only_the_parts_a_unit_has(db):
    rows = []
    # 甲 gives everything; 乙's ledger has no 完成投资 column: 0.5 completion, 1.0 on time
    for unit, actual in (("甲", 100.0), ("乙", None)):
        rows += [task("2021-06", unit, f"t{i}", "completed" if i < 3 else "in_progress", planned=100.0,
                      actual=actual, deadline="2021-12-31") for i in range(6)]
    con = db(rows)
    weights = {"completion_rate": 0.5, "on_time_rate": 0.3, "investment_completion": 0.2}
    result = metrics.ranking(con, JUNE, measure="composite", settings=Settings(weights=weights))
    by_unit = result.table.set_index("unit")
    # 乙: (0.5 * 0.5 + 0.3 * 1.0) / 0.8, never (0.5 * 0.5 + 0.3 * 1.0 + 0.2 * 0) / 1.0
    assert by_unit.loc["乙", "composite"] == pytest.approx((0.5 * 0.5 + 0.3 * 1.0) / 0.8)
    assert by_unit.loc["乙", "composite_parts_missing"] == 1
    assert by_unit.loc["甲", "composite_parts_missing"] == 0


def test_missing_counts_for_a_table_footnote(db):
    rows = [task("2021-06", "甲", "a", "in_progress", planned=1.0, actual=1.0, deadline="2021-12-31"),
            task("2021-06", "乙", "b", "in_progress", planned=1.0)]
    con = db(rows)
    frame = metrics.measures(con, JUNE, JUNE, "unit")
    frame = frame[~frame["is_total"]]
    assert metrics.missing_counts(frame, ["investment_completion", "overdue", "completion_rate"]) == {
        "investment_completion": {"no_actual": 1}, "overdue": {"no_deadlines": 1}}


# --- through the loader: removing a column never turns a measure into 0 --------------

HEADER = ["序号", "单位", "任务名称", "类别", "进展情况", "完成时限", "计划投资（万元）", "完成投资（万元）", "服务群众（人次）"]
# column -> the measures that need it
NEEDS = {
    "完成时限": ("on_time_rate", "overdue"),
    "计划投资（万元）": ("planned_investment",),
    "完成投资（万元）": ("actual_investment", "investment_completion"),
    "服务群众（人次）": ("beneficiaries",),
}
STATUS = {"completed": "已完成", "in_progress": "推进中", "not_started": "未启动"}
_TASKS = st.lists(st.tuples(
    st.sampled_from(list(STATUS)),
    st.sampled_from([None, dt.date(2021, 5, 31), dt.date(2021, 6, 30), dt.date(2021, 12, 31)]),
    st.sampled_from([None, 0.0, 50.0, 120.5]),
    st.sampled_from([None, 0.0, 30.0, 200.0]),
    st.sampled_from([None, 0, 15, 300]),
), min_size=1, max_size=8)


def _ledger(tasks, drop: str | None) -> bytes:
    keep = [i for i, name in enumerate(HEADER) if name != drop]
    rows = [["2021年6月“我为群众办实事”台账"], [HEADER[i] for i in keep]]
    for n, (status, deadline, planned, actual, people) in enumerate(tasks, start=1):
        full = [n, "城关镇", f"任务{n}", "政策惠民", STATUS[status], deadline, planned, actual, people]
        rows.append([full[i] for i in keep])
    return wb.xlsx({"台账": rows})


def _shown(path: str) -> dict:
    with reading(path) as con:
        return {key: kpi for key, kpi in metrics.kpis(con, JUNE).items()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tasks=_TASKS, drop=st.sampled_from(list(NEEDS)))
def test_removing_a_column_from_a_ledger_never_turns_a_measure_into_zero(tmp_path_factory, tasks, drop):
    folder = tmp_path_factory.mktemp("drop")
    whole, without = str(folder / "whole.duckdb"), str(folder / "without.duckdb")
    for data, path in ((_ledger(tasks, None), whole), (_ledger(tasks, drop), without)):
        report = ingest(data, "城关镇-2021-06.xlsx", path, month=JUNE, region="青山县")
        assert report.status == "loaded", [p.message("en") for p in report.problems]
    before, after = _shown(whole), _shown(without)
    for key, kpi in after.items():
        if key in NEEDS[drop]:
            assert kpi.value is None, (drop, key, kpi)       # "—", never 0 (or 100%)
            assert kpi.missing, (drop, key)                   # with a reason
        elif key == "investment_completion" and drop == "计划投资（万元）":
            assert kpi.value is None                          # no plan, no completion rate
        else:
            assert kpi.value == before[key].value, (drop, key, kpi, before[key])
