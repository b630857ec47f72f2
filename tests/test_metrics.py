"""Each measure on a tiny database with exact expected values."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import metrics
from metrics import Settings
from taizhang.database import reading
from tests.dbfixtures import SAMPLE_JUNE_ORDER, build, sample_db, task
from tests.oracle import FROM_ROWS, SUMMED

JUNE = dt.date(2021, 6, 1)
MAY = dt.date(2021, 5, 1)


@pytest.fixture
def db(rows_db):
    """db(rows) -> an open read-only connection to a database of exactly those rows (conftest)."""
    return rows_db


def values(kpis):
    return {key: kpi.value for key, kpi in kpis.items()}


# --- counts and rates -------------------------------------------------------

def test_tasks_completed_completion_and_start_rate(db):
    con = db([
        task("2021-06", "甲", "t1", "completed"),
        task("2021-06", "甲", "t2", "in_progress"),
        task("2021-06", "甲", "t3", "not_started"),
        task("2021-06", "甲", "t4", "completed"),
    ])
    k = values(metrics.kpis(con, JUNE))
    assert k["tasks"] == 4
    assert k["completed"] == 2
    assert k["completion_rate"] == 0.5
    assert k["start_rate"] == 0.75


def test_overdue_is_past_deadline_at_month_end_and_not_completed(db):
    con = db([
        task("2021-06", "甲", "due the day before month end", "in_progress", deadline="2021-06-29"),
        task("2021-06", "甲", "due on month end", "in_progress", deadline="2021-06-30"),
        task("2021-06", "甲", "due last month, never started", "not_started", deadline="2021-05-31"),
        task("2021-06", "甲", "late but completed", "completed", deadline="2021-05-01"),
        task("2021-06", "甲", "no deadline (长期)", "in_progress", deadline=None),
        task("2021-06", "甲", "due next month", "not_started", deadline="2021-07-15"),
    ])
    assert metrics.kpis(con, JUNE)["overdue"].value == 2


ON_TIME_ROWS = [
    # T1: completed in June, due mid-June: on time (benefit of the doubt within the month)
    task("2021-05", "甲", "T1", "in_progress", deadline="2021-06-15"),
    task("2021-06", "甲", "T1", "completed", deadline="2021-06-15"),
    # T2: due end of May, still in progress in May, completed in June: late
    task("2021-05", "甲", "T2", "in_progress", deadline="2021-05-31"),
    task("2021-06", "甲", "T2", "completed", deadline="2021-05-31"),
    # T3: due end of May and already completed in the May ledger: on time
    task("2021-05", "甲", "T3", "completed", deadline="2021-05-31"),
    task("2021-06", "甲", "T3", "completed", deadline="2021-05-31"),
    # T4: completed, no deadline: on time
    task("2021-06", "甲", "T4", "completed", deadline=None),
    # T5: in progress past its deadline: overdue, counts against the rate
    task("2021-06", "甲", "T5", "in_progress", deadline="2021-06-10"),
    # T6: in progress, not yet due: not in the rate at all
    task("2021-06", "甲", "T6", "in_progress", deadline="2021-07-31"),
    # T7: due in April, first seen completed in May: late
    task("2021-05", "甲", "T7", "completed", deadline="2021-04-30"),
    task("2021-06", "甲", "T7", "completed", deadline="2021-04-30"),
    # Another unit's task with the same title completed in April does not make 甲's T2 on time
    task("2021-04", "乙", "T2", "completed", deadline="2021-05-31"),
    # Nor does the same unit name in another region
    task("2021-04", "甲", "T2", "completed", deadline="2021-05-31", region="西山县"),
]


def test_on_time_rate_uses_first_month_seen_completed(db):
    con = db(ON_TIME_ROWS)
    k = metrics.kpis(con, JUNE, region="东湖县")
    # completed: T1 T2 T3 T4 T7; overdue: T5 -> base 6; on time: T1 T3 T4
    assert k["completed"].value == 5
    assert k["overdue"].value == 1
    assert k["on_time_rate"].value == 0.5


def test_on_time_rate_by_unit_keeps_tasks_of_units_apart(db):
    con = db(ON_TIME_ROWS)
    by_unit = metrics.measures(con, JUNE, JUNE, "unit")
    row = by_unit[(by_unit["unit"] == "甲") & (by_unit["region"] == "东湖县")].iloc[0]
    assert (row["on_time"], row["completed"], row["overdue"]) == (3, 5, 1)


def test_on_time_rate_is_none_when_nothing_is_completed_or_due(db):
    con = db([task("2021-06", "甲", "t1", "in_progress", deadline="2021-12-31"),
              task("2021-06", "甲", "t2", "not_started", deadline=None)])
    assert metrics.kpis(con, JUNE)["on_time_rate"].value is None


def test_category_filter_does_not_hide_when_a_task_was_first_completed(db):
    con = db([
        task("2021-05", "甲", "T", "completed", deadline="2021-05-31", category="旧类别"),
        task("2021-06", "甲", "T", "completed", deadline="2021-05-31", category="新类别"),
    ])
    assert metrics.kpis(con, JUNE, category="新类别")["on_time_rate"].value == 1.0


# --- investment and people ---------------------------------------------------

def test_investment_sums_and_completion_over_planned_tasks_only(db):
    con = db([
        task("2021-06", "甲", "a", planned=100, actual=50),
        task("2021-06", "甲", "b", planned=0, actual=10),
        task("2021-06", "甲", "c", planned=None, actual=5),
        task("2021-06", "甲", "d", planned=300, actual=240),
        task("2021-06", "甲", "e", planned=200, actual=None),
    ])
    k = values(metrics.kpis(con, JUNE))
    assert k["planned_investment"] == 600
    assert k["actual_investment"] == 305
    assert k["investment_completion"] == pytest.approx((50 + 240) / 600)


def test_investment_completion_is_none_without_planned_investment(db):
    con = db([task("2021-06", "甲", "a", planned=0, actual=10), task("2021-06", "甲", "b")])
    k = values(metrics.kpis(con, JUNE))
    assert k["investment_completion"] is None
    assert k["planned_investment"] == 0
    assert k["actual_investment"] == 10


def test_people_served_sums_and_ignores_blanks(db):
    con = db([task("2021-06", "甲", "a", beneficiaries=1200), task("2021-06", "甲", "b", beneficiaries=None),
              task("2021-06", "甲", "c", beneficiaries=34)])
    value = metrics.kpis(con, JUNE)["beneficiaries"].value
    assert value == 1234 and isinstance(value, int)


# --- deltas, empty months, filters --------------------------------------------

def test_delta_against_previous_month(db):
    con = db([
        task("2021-05", "甲", "a", "completed"), task("2021-05", "甲", "b", "not_started"),
        task("2021-05", "甲", "c", "not_started"), task("2021-05", "甲", "d", "in_progress"),
        task("2021-06", "甲", "a", "completed"), task("2021-06", "甲", "b", "completed"),
        task("2021-06", "甲", "c", "completed"), task("2021-06", "甲", "d", "in_progress"),
    ])
    k = metrics.kpis(con, JUNE)
    assert (k["completion_rate"].value, k["completion_rate"].previous) == (0.75, 0.25)
    assert k["completion_rate"].delta == 0.5
    assert k["completed"].delta == 2
    assert k["tasks"].delta == 0


def test_first_month_has_no_previous_month(db):
    con = db([task("2021-06", "甲", "a", "completed")])
    k = metrics.kpis(con, JUNE)
    assert k["completion_rate"].value == 1.0
    assert k["completion_rate"].previous is None
    assert k["completion_rate"].delta is None


def test_previous_month_is_the_calendar_month_before(db):
    con = db([task("2021-04", "甲", "a", "completed"), task("2021-06", "甲", "a", "completed")])
    assert metrics.kpis(con, JUNE)["tasks"].previous is None
    assert metrics.previous_month(dt.date(2021, 1, 1)) == dt.date(2020, 12, 1)
    assert metrics.months_back(dt.date(2021, 3, 1), 11) == dt.date(2020, 4, 1)


def test_month_without_rows_gives_none_values(db):
    con = db([task("2021-06", "甲", "a", "completed")])
    k = metrics.kpis(con, dt.date(2020, 1, 1))
    assert all(kpi.value is None and kpi.delta is None for kpi in k.values())


def test_empty_database(db):
    con = db([])
    assert metrics.catalog(con) == ([], [], [])
    assert metrics.units(con).empty
    assert all(kpi.value is None for kpi in metrics.kpis(con, JUNE).values())
    assert metrics.ranking(con, JUNE).empty


def test_region_and_category_filters(db):
    con = db([
        task("2021-06", "甲", "a", "completed", region="东湖县", category="政策惠民"),
        task("2021-06", "甲", "b", "in_progress", region="东湖县", category="政策惠民"),
        task("2021-06", "甲", "c", "completed", region="东湖县", category="解民忧暖民心"),
        task("2021-06", "乙", "a", "not_started", region="西山县", category="政策惠民"),
    ])
    assert metrics.kpis(con, JUNE)["tasks"].value == 4
    assert metrics.kpis(con, JUNE, region="东湖县")["completion_rate"].value == pytest.approx(2 / 3)
    assert metrics.kpis(con, JUNE, category="政策惠民")["completion_rate"].value == pytest.approx(1 / 3)
    assert metrics.kpis(con, JUNE, region="东湖县", category="政策惠民")["completion_rate"].value == 0.5
    assert metrics.kpis(con, JUNE, region="无此县")["tasks"].value is None


def test_breakdown_by_region_with_month_total(db):
    con = db([
        task("2021-06", "甲", "a", "completed", region="东湖县"),
        task("2021-06", "乙", "a", "in_progress", region="西山县"),
        task("2021-06", "丙", "a", "completed", region=None),
    ])
    frame = metrics.measures(con, JUNE, JUNE, "region")
    rows = {(r.region if isinstance(r.region, str) else None, r.is_total): r.completion_rate
            for r in frame.itertuples()}
    assert rows == {("东湖县", False): 1.0, ("西山县", False): 0.0, (None, False): 1.0,
                    (None, True): pytest.approx(2 / 3)}


def test_unit_history_and_tasks(db):
    con = db([
        task("2021-05", "甲", "a", "in_progress", deadline="2021-05-20"),
        task("2021-06", "甲", "a", "completed", deadline="2021-05-20"),
        task("2021-06", "甲", "b", "in_progress", deadline="2021-06-01"),
        task("2021-06", "甲", "c", "in_progress", deadline=None),
        task("2021-06", "甲", "x", "completed", region="西山县"),  # same name, other region
    ])
    history = metrics.unit_history(con, JUNE, "东湖县", "甲")
    assert list(history["report_month"]) == [MAY, JUNE]
    assert list(history["completion_rate"]) == [0.0, pytest.approx(1 / 3)]
    tasks = metrics.unit_tasks(con, JUNE, "东湖县", "甲")
    assert list(tasks["title"]) == ["b", "a", "c"]  # overdue first, then by deadline
    assert list(tasks["is_overdue"]) == [True, False, False]


# --- rankings ------------------------------------------------------------------

def league(completed_by_unit: dict[str, tuple[int, int]], report_month: str, regions: dict[str, str]):
    rows = []
    for unit, (done, total) in completed_by_unit.items():
        for i in range(total):
            rows.append(task(report_month, unit, f"{unit}{i}", "completed" if i < done else "in_progress",
                             region=regions.get(unit, "东湖县")))
    return rows


RANK_REGIONS = {"A": "东湖县", "B": "东湖县", "C": "西山县", "D": "西山县", "E": "南溪县", "F": "南溪县"}
RANK_ROWS = (
    league({"A": (5, 5), "B": (4, 5), "C": (4, 5), "D": (3, 5), "F": (1, 5), "E": (2, 2)}, "2021-06", RANK_REGIONS)
    + league({"B": (5, 5), "A": (4, 5), "F": (2, 5), "D": (1, 5)}, "2021-05", RANK_REGIONS)
)
RANK_SETTINGS = Settings(min_tasks=5, red_black_size=2)


def test_ranks_share_ties_and_skip(db):
    con = db(RANK_ROWS)
    r = metrics.ranking(con, JUNE, settings=RANK_SETTINGS)
    assert list(zip(r.table["rank"], r.table["unit"])) == [(1, "A"), (2, "B"), (2, "C"), (4, "D"), (5, "F")]
    assert list(r.table["value"]) == [1.0, 0.8, 0.8, 0.6, 0.2]


def test_units_below_min_tasks_are_listed_apart(db):
    con = db(RANK_ROWS)
    r = metrics.ranking(con, JUNE, settings=RANK_SETTINGS)
    assert list(r.unranked["unit"]) == ["E"]
    assert list(r.unranked["reason"]) == ["too_few_tasks"]
    assert r.unranked["rank"].isna().all()
    r3 = metrics.ranking(con, JUNE, settings=Settings(min_tasks=2))
    assert r3.table.iloc[0]["rank"] == 1 and set(r3.table[r3.table["rank"] == 1]["unit"]) == {"A", "E"}


def test_rank_change_arrows_and_new(db):
    con = db(RANK_ROWS)
    r = metrics.ranking(con, JUNE, settings=RANK_SETTINGS)
    # May ranks: B 1, A 2, F 3, D 4; C did not report
    assert dict(zip(r.table["unit"], r.table["change"])) == {"A": "▲1", "B": "▼1", "C": "新", "D": "=", "F": "▼2"}


def test_no_previous_month_shows_no_change(db):
    con = db(RANK_ROWS)
    r = metrics.ranking(con, MAY, settings=RANK_SETTINGS)
    assert not r.has_previous
    assert set(r.table["change"]) == {""}


def test_red_and_black_lists(db):
    con = db(RANK_ROWS)
    r = metrics.ranking(con, JUNE, settings=RANK_SETTINGS)
    assert list(r.red["unit"]) == ["A", "B", "C"]  # the tie at the edge is included
    assert list(r.black["unit"]) == ["F", "D"]      # worst first


def test_black_list_never_repeats_the_red_list(db):
    con = db(league({"A": (5, 5), "B": (4, 5), "C": (3, 5)}, "2021-06", {}))
    r = metrics.ranking(con, JUNE, settings=Settings(min_tasks=1, red_black_size=2))
    assert list(r.red["unit"]) == ["A", "B"]
    assert list(r.black["unit"]) == ["C"]


def test_region_league(db):
    con = db(RANK_ROWS)
    r = metrics.ranking(con, JUNE, level="region", settings=RANK_SETTINGS)
    # 东湖县 9/10, 西山县 7/10, 南溪县 3/7
    assert list(zip(r.table["rank"], r.table["region"])) == [(1, "东湖县"), (2, "西山县"), (3, "南溪县")]
    assert r.table["value"].tolist() == [0.9, 0.7, pytest.approx(3 / 7)]
    assert r.table["unit"].isna().all()


def test_ranking_with_region_and_category_filter(db):
    con = db(RANK_ROWS)
    r = metrics.ranking(con, JUNE, region="西山县", settings=RANK_SETTINGS)
    assert list(zip(r.table["rank"], r.table["unit"])) == [(1, "C"), (2, "D")]
    assert metrics.ranking(con, JUNE, category="无此类别", settings=RANK_SETTINGS).empty


def test_same_unit_name_in_two_regions_is_two_units(db):
    con = db(league({"城关镇": (5, 5)}, "2021-06", {"城关镇": "东湖县"})
             + league({"城关镇": (1, 5)}, "2021-06", {"城关镇": "西山县"}))
    r = metrics.ranking(con, JUNE, settings=Settings(min_tasks=1))
    assert list(zip(r.table["region"], r.table["rank"])) == [("东湖县", 1), ("西山县", 2)]


def test_rank_on_the_shown_figure(db):
    # 66.7/100 and 2/3 both show as 66.7% and share the rank (listed by exact value within it)
    con = db([task("2021-06", "P", "p", planned=100, actual=66.7),
              task("2021-06", "Q", "q", planned=3, actual=2),
              task("2021-06", "R", "r", planned=100, actual=50)])
    r = metrics.ranking(con, JUNE, measure="investment_completion", settings=Settings(min_tasks=1))
    assert list(zip(r.table["unit"], r.table["rank"])) == [("P", 1), ("Q", 1), ("R", 3)]


def test_units_without_a_value_are_not_ranked(db):
    con = db([task("2021-06", "A", "a", "completed", planned=100, actual=100),
              task("2021-06", "B", "b", "completed")])
    r = metrics.ranking(con, JUNE, measure="investment_completion", settings=Settings(min_tasks=1))
    assert list(r.table["unit"]) == ["A"]
    # B gives neither investment column: listed apart with the input its ledger lacks
    assert list(zip(r.unranked["unit"], r.unranked["reason"])) == [("B", "no_actual")]


def test_composite_score_weights_and_rescaling(db):
    # X: completion 1/2, on time 1/1, investment 50/100 -> .5*.5 + .3*1 + .2*.5 = .65
    # Y: completion 1/2, on time 1/1, no investment -> (.25 + .3) / .8 = .6875
    # Z: completion 1/2, on time 1/1, investment 150/100 counts as 100% -> .25 + .3 + .2 = .75
    rows = []
    for unit, planned, actual in (("X", 100, 50), ("Y", None, None), ("Z", 100, 150)):
        rows.append(task("2021-06", unit, "done", "completed", deadline="2021-06-30", planned=planned, actual=actual))
        rows.append(task("2021-06", unit, "open", "in_progress", deadline="2021-12-31"))
    con = db(rows)
    r = metrics.ranking(con, JUNE, measure="composite", settings=Settings(min_tasks=1))
    assert list(r.table["unit"]) == ["Z", "Y", "X"]
    assert r.table["value"].tolist() == [pytest.approx(0.75), pytest.approx(0.6875), pytest.approx(0.65)]
    heavy = Settings(min_tasks=1, weights={"investment_completion": 1.0})
    r2 = metrics.ranking(con, JUNE, measure="composite", settings=heavy)
    assert list(r2.table["unit"]) == ["Z", "X"] and list(r2.unranked["unit"]) == ["Y"]


def test_null_region_units_rank_but_unknown_region_does_not(db):
    con = db(league({"甲": (5, 5)}, "2021-06", {}) + [task("2021-06", "乙", f"t{i}", "completed", region=None)
                                                      for i in range(5)])
    units_ = metrics.ranking(con, JUNE, settings=Settings(min_tasks=1))
    assert sorted(units_.table["unit"]) == ["乙", "甲"]
    regions_ = metrics.ranking(con, JUNE, level="region", settings=Settings(min_tasks=1))
    assert list(regions_.table["region"]) == ["东湖县"]
    assert list(regions_.unranked["reason"]) == ["unknown_region"]


def test_sample_database_league(tmp_path):
    with reading(str(sample_db(tmp_path / "sample.duckdb"))) as con:
        r = metrics.ranking(con, JUNE)
        got = [(int(rank), unit, value)
               for rank, unit, value in zip(r.table["rank"], r.table["unit"], r.table["value"])]
        assert got == [(rank, unit, pytest.approx(value)) for rank, unit, value in SAMPLE_JUNE_ORDER]
        assert list(r.unranked["unit"]) == ["城关街道"]


def test_unknown_measure_and_level_are_refused(db):
    con = db([])
    with pytest.raises(ValueError, match="measure must be one of"):
        metrics.ranking(con, JUNE, measure="tasks")
    with pytest.raises(ValueError, match="level must be"):
        metrics.measures(con, JUNE, JUNE, "town")


# --- settings -----------------------------------------------------------------

def test_project_config_loads():
    settings = metrics.settings.load()
    assert settings.min_tasks >= 1 and sum(settings.weights.values()) > 0


def test_settings_from_file(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[ranking]\nmin_tasks = 3\nred_black_size = 10\n[ranking.weights]\ncompletion_rate = 1\n'
                    '[map]\ngeojson = "regions.geojson"\n', encoding="utf-8")
    settings = metrics.settings.load(path)
    assert (settings.min_tasks, settings.red_black_size, dict(settings.weights)) == (3, 10, {"completion_rate": 1.0})
    assert settings.geojson == tmp_path / "regions.geojson"


@pytest.mark.parametrize("text, message", [
    ("[ranking]\nmin_tasks = 0\n", "min_tasks must be a whole number"),
    ("[ranking.weights]\ntasks = 1\n", "unknown weight 'tasks'"),
    ("[ranking.weights]\ncompletion_rate = -1\n", "must be a number >= 0"),
    ("[ranking.weights]\ncompletion_rate = 0\n", "at least one weight above 0"),
    ("[ranking\n", "cannot be read as TOML"),
])
def test_bad_settings_name_the_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(metrics.ConfigError, match=message):
        metrics.settings.load(path)


def test_named_query_needs_its_parameters(db):
    con = db([])
    with pytest.raises(metrics.queries.QueryError, match="needs parameter"):
        metrics.queries.run(con, "measures", month_from=JUNE)
    with pytest.raises(metrics.queries.QueryError, match="No query named"):
        metrics.queries.run(con, "nope")


def test_measures_without_the_on_time_check(db):
    con = db(ON_TIME_ROWS)
    full = metrics.measures(con, JUNE, JUNE, "region")
    quick = metrics.measures(con, JUNE, JUNE, "region", on_time=False)
    assert quick["on_time_rate"].isna().all() and quick["on_time"].isna().all()
    same = ["tasks", "completed", "overdue", "completion_rate", "planned_investment"]
    assert quick[same].equals(full[same])


def test_catalog_lists_months_newest_first_and_named_regions_and_categories(db):
    con = db([
        task("2021-05", "甲", "a", region="西山县", category="政策惠民"),
        task("2021-06", "乙", "b", region=None, category=None),
        task("2021-06", "丙", "c", region="东湖县", category="解民忧暖民心"),
    ])
    months, regions, categories = metrics.catalog(con)
    assert months == [JUNE, MAY]
    assert regions == sorted(["西山县", "东湖县"])
    assert categories == sorted(["政策惠民", "解民忧暖民心"])
    assert metrics.catalog(db([])) == ([], [], [])


# --- task_summary gives what aggregating the task rows would ------------------

_ROWS = st.lists(st.tuples(
    st.sampled_from(["2021-04", "2021-05", "2021-06"]),
    st.sampled_from([("东湖县", "甲"), ("东湖县", "乙"), ("西山县", "甲"), (None, "丙")]),
    st.sampled_from(["t1", "t2", "t3"]),
    st.sampled_from(["completed", "in_progress", "not_started"]),
    st.sampled_from([None, "2021-04-30", "2021-05-15", "2021-07-01"]),
    st.sampled_from([None, 0.0, 12.5, 100.0]),
    st.sampled_from([None, 3.25, 50.0]),
    st.sampled_from(["政策惠民", "解民忧暖民心", None]),
    st.sampled_from([None, "satisfied", "basically_satisfied", "dissatisfied"]),   # 群众满意度 (单位自评)
), max_size=25)


def _close(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and abs(a - b) < 1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_ROWS, level=st.sampled_from(["region", "unit", "category", "region_category"]),
       region=st.sampled_from([None, "东湖县"]), category=st.sampled_from([None, "政策惠民"]))
def test_summed_measures_equal_measures_from_the_rows(tmp_path_factory, rows, level, region, category):
    from metrics.queries import prepare

    seen, tasks_ = set(), []
    for month, (reg, unit), title, status, deadline, planned, actual, cat, satisfaction in rows:
        if (month, reg, unit, title) in seen:
            continue  # one row per task and month, as a loaded ledger has
        seen.add((month, reg, unit, title))
        tasks_.append(task(month, unit, title, status, region=reg, category=cat, deadline=deadline,
                           planned=planned, actual=actual, beneficiaries=None if unit == "乙" else 7,
                           satisfaction=satisfaction))
    path = build(tmp_path_factory.mktemp("sum") / "s.duckdb", tasks_)
    params = {"month_from": dt.date(2021, 4, 1), "month_to": JUNE, "region": region, "category": category,
              "level": level}
    with reading(str(path)) as con:
        prepare(con)
        key = lambda r: repr(r[:4])  # noqa: E731
        expected = sorted(con.execute(FROM_ROWS, {**params, "unit": None}).fetchall(), key=key)
        got = sorted(con.execute(SUMMED, {**params, "unit": None}).fetchall(), key=key)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert all(_close(a, b) for a, b in zip(g, e)), (g, e)


def test_unit_investment_lists_every_unit_largest_plan_first_with_missing_as_null(db):
    """/investment's per-unit table: the same figures as the unit measures, largest plan
    first, a unit without 计划投资 last, and a ledger without 完成投资 NULL (never 0)."""
    con = db([
        task("2021-06", "甲", "a", planned=100, actual=50),
        task("2021-06", "乙", "a", planned=300, actual=None),   # no 完成投资 in 乙's ledger
        task("2021-06", "丙", "a"),                              # no money at all
        task("2021-06", "丁", "a", planned=200, actual=200, region="西山县"),
        task("2021-05", "戊", "a", planned=900, actual=900),     # another month
    ])
    june = dt.date(2021, 6, 1)
    table = metrics.unit_investment(con, june)
    assert list(table["unit"]) == ["乙", "丁", "甲", "丙"]
    assert table["planned_investment"].tolist()[:3] == [300, 200, 100]
    assert pd.isna(table.loc[table["unit"] == "乙", "actual_investment"]).all()
    assert pd.isna(table.loc[table["unit"] == "乙", "investment_completion"]).all()
    assert pd.isna(table.loc[table["unit"] == "丙", "planned_investment"]).all()
    units = metrics.measures(con, june, june, "unit", on_time=False)
    units = units[~units["is_total"]].set_index("unit")
    for column in ("planned_investment", "actual_investment", "investment_completion", "tasks"):
        assert table.set_index("unit")[column].equals(units.loc[table["unit"], column].rename_axis("unit")), column
    assert list(metrics.unit_investment(con, june, region="西山县")["unit"]) == ["丁"]
