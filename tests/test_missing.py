"""Missing is not zero: a measure whose input a ledger does not give is "—" with a
reason, never 0 or 100%; sums above a unit count only the ledgers that give it;
the composite is made of the parts a unit has.

The property test loads real ledgers (xlsx made here) through the loader, once
whole and once without one column, and compares what the pages would show.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import metrics
from loaders.pipeline import ingest
from metrics import Settings
from taizhang.database import reading
from tests import workbooks as wb
from tests.dbfixtures import build, task

JUNE = dt.date(2021, 6, 1)


@pytest.fixture
def db(rows_db):
    """db(rows) -> an open read-only connection to a database of exactly those rows (conftest)."""
    return rows_db


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

HEADER = ["序号", "单位", "任务名称", "类别", "进展情况", "完成时限", "计划投资（万元）", "完成投资（万元）",
          "服务群众（人次）"]
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


# --- pages, Excel and the 通报 say "—" and why -----------------------------------------

def _lacking_rows():
    """东湖县's ledgers give everything; 西山县's have no 完成投资 column and no deadlines."""
    rows = []
    for unit, region, actual, deadline in (("甲镇", "东湖县", 60.0, "2021-05-31"),
                                           ("乙镇", "东湖县", 90.0, "2021-12-31"),
                                           ("丙镇", "西山县", None, None), ("丁镇", "西山县", None, None)):
        for i in range(5):
            rows.append(task("2021-06", unit, f"{unit}任务{i}", "completed" if i < 3 else "in_progress",
                             region=region, planned=100.0, actual=actual, deadline=deadline, beneficiaries=10))
    return rows


@pytest.fixture
def lacking(tmp_path, monkeypatch):
    path = str(build(tmp_path / "lacking.duckdb", _lacking_rows()))
    monkeypatch.setenv("TAIZHANG_DB", path)
    monkeypatch.delenv("TAIZHANG_CONFIG", raising=False)  # the project's config/taizhang.toml
    return path


def _open(path: str, lang: str = "zh", **params):
    from streamlit.testing.v1 import AppTest

    from tests.test_month_flags import ROOT
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if path != "app_pages/overview.py":
        at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _captions(at) -> str:
    return "\n".join(str(c.value) for c in at.caption)


@pytest.mark.parametrize("lang, words", [("zh", "投资完成率只计 10/20 项任务"),
                                         ("en", "Investment completion from 10 of 20 tasks")])
def test_overview_tiles_say_what_a_partial_figure_stands_for(lacking, lang, words):
    at = _open("app_pages/overview.py", lang)
    values = {m.label: m.value for m in at.metric}
    label = "投资完成率" if lang == "zh" else "Investment completion"
    assert values[label] == "75.0%"                      # 东湖县 only: 150 / 200, not 150 / 400
    assert words in _captions(at)


def test_a_unit_without_the_columns_shows_dashes_with_reasons(lacking):
    at = _open("app_pages/units.py", unit="丙镇")
    values = {m.label: m.value for m in at.metric}
    assert values["按期完成率"] == "—" and values["逾期"] == "—"
    helps = {m.label: m.help for m in at.metric}
    assert "台账未填报完成时限" in helps["按期完成率"]
    assert "按期完成率、逾期（台账未填报完成时限）" in _captions(at)
    # the overdue list's heading says "—", not (0): nothing can be overdue without deadlines
    assert "逾期任务（—）" in [h.value for h in at.subheader]


def test_rankings_list_units_without_the_input_apart_with_the_reason(lacking):
    at = _open("app_pages/rankings.py")
    at.selectbox(key="rankings_measure").set_value("investment_completion").run()
    assert not at.exception
    apart = [d.value for d in at.dataframe if "原因" in d.value.columns][0]
    assert set(apart["单位"]) == {"丙镇", "丁镇"}
    assert set(apart["原因"]) == {"台账未填报完成投资"}
    at.selectbox(key="rankings_measure").set_value("composite").run()
    # the project's weights include the satisfaction rates, which nobody here has
    assert "4 个单位缺少部分指标，其权重按比例分给其余指标" in _captions(at)


def test_excel_writes_a_dash_and_says_why(lacking):
    import io

    import openpyxl

    from present.excel import ranking_workbook
    with reading(lacking) as con:
        result = metrics.ranking(con, JUNE, measure="composite")
    book = openpyxl.load_workbook(io.BytesIO(ranking_workbook(result, "zh")))
    rows = list(book["排名"].iter_rows(values_only=True))
    header = rows[0]
    body = {r[1]: dict(zip(header, r)) for r in rows[1:]}
    assert body["丙镇"]["投资完成率"] == "—" and body["丙镇"]["按期完成率"] == "—"
    assert "投资完成率（台账未填报完成投资）" in body["丙镇"]["备注"]
    assert body["甲镇"]["投资完成率"] == pytest.approx(0.6) and not body["甲镇"]["备注"]
    notes = " ".join(str(v) for r in book[book.sheetnames[-1]].iter_rows(values_only=True) for v in r if v)
    assert "2 个单位缺少部分指标" in notes


def test_the_bulletin_says_why_instead_of_printing_zero(lacking):
    from reports import bulletin, document
    with reading(lacking) as con:
        b = bulletin.assemble(con, JUNE, region="西山县", measure="composite")
    text = document.render(b)
    assert "按期完成率无法计算（台账未填报完成时限）" in text
    assert "台账未填报完成时限，无法统计逾期任务" in text
    assert "台账未填报完成投资，不计算投资完成率" in text
    red = text.split("### （一）红榜")[1].split("### （二）黑榜")[0]
    assert "注：“—”表示无法计算，不是 0：" in red and "台账未填报完成时限" in red   # under the list itself
    assert not re.search(r"(?<![\d.])0\.0%", text.split("附件")[0])  # no figure of a missing input printed as 0


@pytest.mark.parametrize("kind", ["pdf", "docx", "xlsx"])
def test_pdf_word_and_excel_of_the_bulletin_carry_the_reason(lacking, kind, tmp_path):
    import io
    import shutil
    import subprocess
    import zipfile

    import openpyxl

    from reports import bulletin, exports
    with reading(lacking) as con:
        b = bulletin.assemble(con, JUNE, region="西山县", measure="composite")
    data = exports.make(kind, b, today=dt.date(2021, 7, 5))
    if kind == "docx":
        text = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
        assert "台账未填报完成投资" in text and "按期完成率无法计算" in text
    elif kind == "pdf":
        if not shutil.which("pdftotext"):
            pytest.skip("no pdftotext (apt-get install poppler-utils)")
        (tmp_path / "b.pdf").write_bytes(data)
        text = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout.replace("\n", "")
        assert "台账未填报完成投资" in text and "按期完成率无法计算" in text
    else:
        book = openpyxl.load_workbook(io.BytesIO(data))
        rows = list(book["单位排名"].iter_rows(values_only=True))
        body = {r[2]: dict(zip(rows[0], r)) for r in rows[1:]}
        assert body["丙镇"]["投资完成率"] == "—" and "台账未填报完成投资" in body["丙镇"]["说明"]
        notes = " ".join(str(v) for r in book["说明"].iter_rows(values_only=True) for v in r if v)
        assert "不是 0" in notes


def test_a_region_without_ledgers_this_month_is_named_on_regions(tmp_path, monkeypatch):
    rows = _lacking_rows() + [task("2021-05", "戊镇", "戊镇任务", "completed", region="南湖县")]
    path = str(build(tmp_path / "absent.duckdb", rows))
    monkeypatch.setenv("TAIZHANG_DB", path)
    at = _open("app_pages/regions.py")
    assert "未显示：南湖县（本月没有台账）。" in _captions(at)


def test_a_new_unit_is_new_in_english(lacking):
    from present import format as fmt
    assert fmt.change("新", "en") == "new" and fmt.change("新", "zh") == "新" and fmt.change(None, "en") == ""


def test_the_investment_chart_names_the_bars_it_cannot_draw(lacking):
    at = _open("app_pages/investment.py")
    assert "图中未显示完成投资：西山县（台账未填报完成投资）。" in _captions(at)


def test_one_of_them_is_said_in_the_singular_in_english():
    import pandas as pd

    from present import missing
    one = pd.DataFrame({"tasks": [3, 2], "overdue": [None, 1], "deadline_tasks": [0, 2]})
    assert "Overdue: 1 unit (the ledgers give no deadlines)" in missing.table_note(one, ["overdue"], "unit", "en")
    assert "逾期有 1 个单位台账未填报完成时限" in missing.table_note(one, ["overdue"], "unit", "zh")
    parts = pd.DataFrame({"composite_parts_missing": [1, 0]})
    assert "1 unit lacks some" in missing.composite_note(parts, "unit", "en")


def test_missing_counts_agree_with_missing_reason_row_by_row():
    """The footnotes count by column what missing_reason says of each row."""
    import itertools

    import pandas as pd
    values = [None, float("nan"), 0.0, 0.5]
    rows = [{"tasks": tasks, "on_time_rate": rate, "deadline_tasks": base, "overdue": rate,
             "investment_completion": rate, "actual_tasks": base, "composite": rate, "completion_rate": rate}
            for tasks, rate, base in itertools.product([0, 3, None], values, [0, 2, None])]
    frame = pd.DataFrame(rows)
    keys = ["on_time_rate", "overdue", "investment_completion", "composite", "completion_rate"]
    expected: dict[str, dict[str, int]] = {}
    for key in keys:
        for row in rows:
            code = metrics.missing_reason(key, row)
            if code and code != "no_tasks":
                expected.setdefault(key, {}).setdefault(code, 0)
                expected[key][code] += 1
    assert metrics.missing_counts(frame, keys) == expected
