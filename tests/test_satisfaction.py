"""群众满意率 (issue 13, item 2): the ledger's own 群众满意度 (单位自评) and residents'
ratings (群众评价), kept apart, always with their counts; "—" when nothing is rated;
the minimum sample; the composite's weights; every page; the 通报's paragraph."""
from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import metrics
from loaders.pipeline import ingest
from metrics import Settings
from reports import bulletin, document
from taizhang.database import reading, writing
from tests import workbooks as wb
from tests.dbfixtures import sample_db

ROOT = Path(__file__).resolve().parent.parent
MAY, JUNE = dt.date(2021, 5, 1), dt.date(2021, 6, 1)
TODAY = dt.date(2021, 7, 5)
COMMENT = '<script>alert(1)</script> **粗体** [链接](http://x.cn) =HYPERLINK("http://x.cn","点")'
HEADER = ["县区", "责任单位", "项目名称", "进展情况", "群众满意度"]
# June: 城关镇 3 满意, 1 基本满意, 2 不满意, 1 blank -> 4/6; 河口乡 five levels folded
# (非常满意 -> satisfied, 一般 -> basically, 不太满意 -> dissatisfied), 3 rated of 5;
# 石桥镇 nothing rated.
JUNE_ROWS = (
    [["东湖县", "城关镇", f"事{i}", "已完成", level]
     for i, level in enumerate(["满意", "满意", "满意", "基本满意", "不满意", "不满意", None])]
    + [["西山县", "河口乡", f"项{i}", "已完成" if i < 2 else "推进中", level]
       for i, level in enumerate(["非常满意", "一般", "不太满意", None, None])]
    + [["西山县", "石桥镇", f"件{i}", "已完成" if i < 2 else "推进中", None] for i in range(5)]
)
# May: 城关镇 1 满意, 1 不满意 of 4 -> 50%
MAY_ROWS = [["东湖县", "城关镇", f"事{i}", "推进中", level] for i, level in enumerate(["满意", "不满意", None, None])]
# Residents (群众评价): (month, region, unit, title, rating, comment, hidden)
RATINGS = [
    (JUNE, "东湖县", "城关镇", "事0", "satisfied", None, False),
    (JUNE, "东湖县", "城关镇", "事0", "dissatisfied", COMMENT, False),
    (JUNE, "东湖县", "城关镇", "事1", "basically_satisfied", "还可以", False),
    (JUNE, "东湖县", "城关镇", "事2", "satisfied", None, False),
    (JUNE, "东湖县", "城关镇", "事3", "dissatisfied", "被隐藏的留言", True),   # hidden: counts nowhere
    (JUNE, "东湖县", "城关镇", "事4", "satisfied", None, False),
    (JUNE, "东湖县", "城关镇", "事5", "satisfied", None, False),
    (JUNE, "西山县", "河口乡", "项0", "dissatisfied", "路灯还是不亮", False),
    (JUNE, "西山县", "河口乡", "项1", "satisfied", None, False),
    (JUNE, "西山县", "河口乡", "不在台账里的事", "dissatisfied", None, False),  # not a task of the ledgers
    (JUNE, "西山县", "河口乡", "项2", "dissatisfied", None, False),  # not completed: not offered for rating
    (MAY, "东湖县", "城关镇", "事0", "satisfied", None, False),
]


def insert_ratings(db: str, ratings=RATINGS) -> None:
    with writing(db) as con:
        for number, (month, region, unit, title, rating, comment, hidden) in enumerate(ratings):
            con.execute(
                "INSERT INTO resident_ratings (rating_id, task_key, region, unit, title, report_month, rating, "
                "comment, client_id, rated_at, hidden) VALUES (?, hash(?, ?, ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [uuid.uuid4().hex, region, unit, title, region, unit, title, month, rating, comment,
                 f"client{number}", dt.datetime(2021, 6, 20, 9, number), hidden])


def ledger_db(path: Path, ratings=RATINGS) -> str:
    db = str(path)
    for month, rows in (("2021年5月", MAY_ROWS), ("2021年6月", JUNE_ROWS)):
        report = ingest(wb.xlsx({"台账": [[f"台账（{month}）"], HEADER, *rows]}), f"{month}.xlsx", db)
        assert report.status == "loaded", [p.message("en") for p in report.problems]
    if ratings:
        insert_ratings(db, ratings)
    return db


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return ledger_db(tmp_path_factory.mktemp("sat") / "sat.duckdb")


def by(frame, column: str) -> dict:
    rows = frame[~frame["is_total"]]
    return {name: row for name, row in zip(rows[column], rows.to_dict("records"))}


# --- the measure -----------------------------------------------------------------------

def test_ledger_rate_and_counts_per_unit_region_and_total(db):
    with reading(db) as con:
        units = by(metrics.measures(con, JUNE, JUNE, "unit"), "unit")
        regions = by(metrics.measures(con, JUNE, JUNE, "region"), "region")
        k = metrics.kpis(con, JUNE)
    town = units["城关镇"]
    assert (town["rated"], town["satisfied"], town["basically_satisfied"], town["dissatisfied"]) == (6, 3, 1, 2)
    assert town["satisfaction_rate"] == pytest.approx(4 / 6)
    village = units["河口乡"]
    assert (village["rated"], village["satisfied"], village["basically_satisfied"], village["dissatisfied"]) == (
        3, 1, 1, 1)
    assert village["satisfaction_rate"] == pytest.approx(2 / 3)
    # nothing rated: no rate (missing, not 0%)
    assert units["石桥镇"]["rated"] == 0 and pd.isna(units["石桥镇"]["satisfaction_rate"])
    assert (regions["东湖县"]["rated"], regions["东湖县"]["dissatisfied"]) == (6, 2)
    assert (regions["西山县"]["rated"], regions["西山县"]["dissatisfied"]) == (3, 1)
    assert regions["西山县"]["satisfaction_rate"] == pytest.approx(2 / 3)
    assert (k["rated"].value, k["dissatisfied"].value) == (9, 3)
    assert k["satisfaction_rate"].value == pytest.approx(6 / 9)
    assert k["satisfaction_rate"].previous == pytest.approx(0.5)   # May: 1 of 2
    assert k["satisfaction_rate"].delta == pytest.approx(6 / 9 - 0.5)


def test_resident_figures_leave_out_hidden_ratings_and_tasks_not_in_the_ledger(db):
    with reading(db) as con:
        units = by(metrics.measures(con, JUNE, JUNE, "unit"), "unit")
        regions = by(metrics.measures(con, JUNE, JUNE, "region"), "region")
        k = metrics.kpis(con, JUNE)
    town = units["城关镇"]
    assert (town["resident_rated"], town["resident_satisfied"], town["resident_basically_satisfied"],
            town["resident_dissatisfied"]) == (6, 4, 1, 1)
    assert town["resident_satisfaction_rate"] == pytest.approx(5 / 6)
    assert (units["河口乡"]["resident_rated"], units["河口乡"]["resident_dissatisfied"]) == (2, 1)
    assert units["石桥镇"]["resident_rated"] == 0
    assert regions["西山县"]["resident_satisfaction_rate"] == pytest.approx(0.5)
    assert (k["resident_rated"].value, k["resident_dissatisfied"].value) == (8, 2)
    assert k["resident_satisfaction_rate"].value == pytest.approx(6 / 8)
    assert k["resident_satisfaction_rate"].previous == pytest.approx(1.0)   # May: the one rating
    # the ledger's own column is untouched by residents, and the other way round
    assert k["rated"].value == 9


def test_a_category_filter_applies_to_resident_ratings(tmp_path):
    db = ledger_db(tmp_path / "c.duckdb")
    with writing(db) as con:
        con.execute("UPDATE task_rows SET category = '政策惠民' WHERE title IN ('事0', '项0')")
        metrics.derived.refresh(con)
    with reading(db) as con:
        k = metrics.kpis(con, JUNE, category="政策惠民")
    assert (k["resident_rated"].value, k["resident_dissatisfied"].value) == (3, 2)
    assert (k["rated"].value, k["dissatisfied"].value) == (2, 0)


def test_nothing_rated_is_missing_not_zero(tmp_path):
    db = sample_db(tmp_path / "s.duckdb")
    with reading(str(db)) as con:
        k = metrics.kpis(con, JUNE)
        r = metrics.ranking(con, JUNE, measure="satisfaction_rate")
    assert k["satisfaction_rate"].value is None and k["resident_satisfaction_rate"].value is None
    assert (k["rated"].value, k["resident_rated"].value) == (0, 0)
    from present import format as fmt  # the figure as shown is "—", never 0%
    assert fmt.measure("satisfaction_rate", k["satisfaction_rate"].value) == "—"
    assert r.table.empty and set(r.unranked["reason"]) <= {"none_rated", "too_few_tasks"}
    assert "none_rated" in set(r.unranked["reason"])


def test_resident_dissatisfied_lists_comments_as_stored(db):
    with reading(db) as con:
        rows = metrics.resident_dissatisfied(con, JUNE, "东湖县", "城关镇")
    assert rows["title"].tolist() == ["事0"] and rows["comment"].tolist() == [COMMENT]


# --- ranking: the minimum sample and the composite ---------------------------------------

def test_units_with_fewer_rated_tasks_than_min_rated_are_shown_not_ranked(db):
    with reading(db) as con:
        r = metrics.ranking(con, JUNE, measure="satisfaction_rate", settings=Settings(min_rated=5))
        low = metrics.ranking(con, JUNE, measure="satisfaction_rate", settings=Settings(min_rated=3))
        residents = metrics.ranking(con, JUNE, measure="resident_satisfaction_rate", settings=Settings(min_rated=5))
    assert list(r.table["unit"]) == ["城关镇"] and r.table["value"].tolist() == [pytest.approx(4 / 6)]
    assert list(r.table["rated"]) == [6] and list(r.table["dissatisfied"]) == [2]
    assert dict(zip(r.unranked["unit"], r.unranked["reason"])) == {"河口乡": "too_few_rated", "石桥镇": "none_rated"}
    assert r.min_rated == 5
    # with a smaller sample 河口乡 is ranked: 2/3 ties 4/6
    assert list(low.table["rank"]) == [1, 1] and set(low.table["unit"]) == {"城关镇", "河口乡"}
    assert list(residents.table["unit"]) == ["城关镇"]
    assert residents.table["value"].tolist() == [pytest.approx(5 / 6)]
    assert dict(zip(residents.unranked["unit"], residents.unranked["reason"])) == {
        "河口乡": "too_few_rated", "石桥镇": "none_rated"}


def test_composite_counts_satisfaction_only_with_enough_rated_and_rescales_otherwise(db):
    weights = {"completion_rate": 0.5, "satisfaction_rate": 0.5}
    with reading(db) as con:
        r = metrics.ranking(con, JUNE, measure="composite", settings=Settings(min_rated=5, weights=weights))
        low = metrics.ranking(con, JUNE, measure="composite", settings=Settings(min_rated=3, weights=weights))
        both = metrics.ranking(con, JUNE, measure="composite", settings=Settings(min_rated=5, weights={
            "completion_rate": 0.6, "satisfaction_rate": 0.2, "resident_satisfaction_rate": 0.2}))
    scores = dict(zip(r.table["unit"], r.table["value"]))
    # 城关镇: completion 1, satisfaction 4/6 -> (.5 + .5 * 4/6) / 1
    assert scores["城关镇"] == pytest.approx(0.5 + 0.5 * 4 / 6)
    # 河口乡 (3 rated < 5) and 石桥镇 (none rated): completion 2/5 alone, weights rescaled
    assert scores["河口乡"] == pytest.approx(0.4) and scores["石桥镇"] == pytest.approx(0.4)
    assert dict(zip(low.table["unit"], low.table["value"]))["河口乡"] == pytest.approx(0.5 * 0.4 + 0.5 * 2 / 3)
    # 城关镇 with both sources: .6 * 1 + .2 * 4/6 + .2 * 5/6
    assert (dict(zip(both.table["unit"], both.table["value"]))["城关镇"]
            == pytest.approx(0.6 + 0.2 * 4 / 6 + 0.2 * 5 / 6))


def test_settings_read_min_rated_and_satisfaction_weights(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("[ranking]\nmin_rated = 3\n[ranking.weights]\ncompletion_rate = 0.6\nsatisfaction_rate = 0.2\n"
                    "resident_satisfaction_rate = 0.2\n", encoding="utf-8")
    settings = metrics.settings.load(path)
    assert settings.min_rated == 3
    assert dict(settings.weights) == {"completion_rate": 0.6, "satisfaction_rate": 0.2,
                                      "resident_satisfaction_rate": 0.2}
    path.write_text("[ranking]\nmin_rated = 0\n", encoding="utf-8")
    with pytest.raises(metrics.ConfigError, match="min_rated must be a whole number"):
        metrics.settings.load(path)
    project = metrics.settings.load()
    assert project.min_rated >= 1 and project.weight("satisfaction_rate") > 0


# --- an older file --------------------------------------------------------------------------

def test_a_task_summary_without_the_counts_is_read_right_and_upgraded(tmp_path):
    db = ledger_db(tmp_path / "old.duckdb", ratings=())
    con = duckdb.connect(db)
    for column in ("rated", "satisfied", "basically_satisfied", "dissatisfied"):
        con.execute(f"ALTER TABLE task_summary DROP COLUMN {column}")
    con.close()
    with reading(db) as con:   # read-only: computed from the rows
        assert metrics.kpis(con, JUNE)["satisfaction_rate"].value == pytest.approx(6 / 9)
    with writing(db):
        pass
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT sum(rated), sum(dissatisfied) FROM task_summary WHERE report_month = ?",
                       [JUNE]).fetchone() == (9, 3)
    con.close()


# --- the 通报 ---------------------------------------------------------------------------------

def test_bulletin_paragraph_has_both_sources_with_counts(db):
    with reading(db) as con:
        b = bulletin.assemble(con, JUNE)
    text = document.render(b, today=TODAY)
    plain = "".join(block.text for block in document.blocks(text))
    assert ("群众满意度方面，台账填写群众满意度的任务9项（单位自评），其中不满意3项，群众满意率66.7%，"
            "较上月提高16.7个百分点；群众通过公示栏二维码评价8条（群众评价），其中不满意2条，群众满意率75.0%，"
            "较上月下降25.0个百分点。") in plain
    assert ("有不满意评价的单位2个，较多的有城关镇（单位自评2项、群众评价1条）、"
            "河口乡（单位自评1项、群众评价1条）") in plain
    assert "被隐藏的留言" not in text and "alert" not in text   # comments are not printed in the 通报


def test_bulletin_paragraph_says_when_nothing_is_rated(tmp_path):
    db = sample_db(tmp_path / "s.duckdb")
    with reading(str(db)) as con:
        b = bulletin.assemble(con, JUNE)
    plain = "".join(block.text for block in document.blocks(document.render(b, today=TODAY)))
    assert "群众满意度方面，台账中没有填写群众满意度的任务，不计算单位自评满意率；本月尚无群众评价。" in plain
    assert "满意率0.0%" not in plain


# --- the pages --------------------------------------------------------------------------------

@pytest.fixture
def env(db, tmp_path, monkeypatch):
    config = tmp_path / "taizhang.toml"
    config.write_text("[ranking]\nmin_rated = 5\n[ranking.weights]\ncompletion_rate = 0.5\nsatisfaction_rate = 0.5\n",
                      encoding="utf-8")
    monkeypatch.setenv("TAIZHANG_DB", db)
    monkeypatch.setenv("TAIZHANG_CONFIG", str(config))
    return db


def open_page(name: str, lang: str = "zh", **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.query_params["month"] = "2021-06"
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if name != "overview":
        at.switch_page(f"app_pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def markdown_text(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("title", "subheader", "caption", "info", "markdown", "error")
                     for e in getattr(at, kind))


def table(at: AppTest, *columns: str):
    for element in at.dataframe:
        if all(c in element.value.columns for c in columns):
            return element.value
    raise AssertionError([list(d.value.columns) for d in at.dataframe])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_shows_both_rates_with_counts_and_change(env, lang):
    at = open_page("overview", lang)
    zh = lang == "zh"
    ledger = metric(at, "群众满意率（单位自评）" if zh else "Satisfaction rate (unit's own)")
    assert ledger.value == "66.7%" and ledger.delta == ("▲16.7个百分点" if zh else "▲16.7 pp")
    residents = metric(at, "群众满意率（群众评价）" if zh else "Satisfaction rate (residents)")
    assert residents.value == "75.0%" and residents.delta == ("▼25.0个百分点" if zh else "▼25.0 pp")
    assert ("已评价 9 项，不满意 3 项" if zh else "9 rated, 3 dissatisfied") in captions(at)
    assert ("群众评价 8 条，不满意 2 条" if zh else "8 ratings, 2 dissatisfied") in captions(at)


def test_overview_without_ratings_shows_a_dash_and_why(tmp_path, monkeypatch):
    monkeypatch.setenv("TAIZHANG_DB", str(sample_db(tmp_path / "s.duckdb")))
    monkeypatch.setenv("TAIZHANG_CONFIG", str(tmp_path / "none.toml"))
    at = open_page("overview")
    assert metric(at, "群众满意率（单位自评）").value == "—"
    assert metric(at, "群众满意率（群众评价）").value == "—"
    assert "本月台账没有填写群众满意度的任务，不计算满意率。" in captions(at)
    assert "本月还没有群众评价，不计算满意率。" in captions(at)


def test_regions_compare_satisfaction_with_counts(env):
    at = open_page("regions")
    at.selectbox(key="regions_measure").set_value("satisfaction_rate").run()
    assert not at.exception
    shown = table(at, "县区", "群众满意率（单位自评）", "已评价任务（单位自评）", "不满意（单位自评）")
    rows = {r["县区"]: r for r in shown.to_dict("records")}
    assert rows["东湖县"]["群众满意率（单位自评）"] == pytest.approx(400 / 6)
    assert (rows["东湖县"]["已评价任务（单位自评）"], rows["东湖县"]["不满意（单位自评）"]) == (6, 2)
    assert (rows["西山县"]["已评价任务（单位自评）"], rows["西山县"]["不满意（单位自评）"]) == (3, 1)
    at.selectbox(key="regions_measure").set_value("resident_satisfaction_rate").run()
    shown = table(at, "县区", "群众满意率（群众评价）", "群众评价条数", "不满意（群众评价）")
    rows = {r["县区"]: r for r in shown.to_dict("records")}
    assert rows["西山县"]["群众满意率（群众评价）"] == pytest.approx(50.0)
    assert (rows["西山县"]["群众评价条数"], rows["西山县"]["不满意（群众评价）"]) == (2, 1)
    assert "“—”表示没有已评价的任务（或群众评价），不是 0%。" in captions(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rankings_by_satisfaction_list_the_small_samples_apart(env, lang):
    at = open_page("rankings", lang, measure="satisfaction_rate")
    zh = lang == "zh"
    rated = "已评价任务（单位自评）" if zh else "Rated tasks (unit's own)"
    league = table(at, "名次" if zh else "Rank", rated)
    assert league[("单位" if zh else "Unit")].tolist() == ["城关镇"]
    assert league[rated].tolist() == [6]
    reasons = table(at, "原因" if zh else "Reason")
    assert sorted(reasons["原因" if zh else "Reason"]) == sorted(
        ["已评价不足 5 项", "没有已评价的任务"] if zh else ["fewer than 5 rated", "nothing rated"])
    assert ("不足 5 项的单位不按满意率排名" if zh else "fewer than 5 rated tasks") in captions(at)


def test_rankings_composite_weights_say_how_satisfaction_counts(env):
    at = open_page("rankings", measure="composite")
    assert "完成率 50%、群众满意率（单位自评）50%（合计 100%）" in captions(at)  # the weights as shares
    assert "满意率只在已评价满 5 项时计入综合得分" in captions(at)
    league = table(at, "名次", "综合得分")
    scores = dict(zip(league["单位"], league["综合得分"]))
    assert scores["城关镇"] == pytest.approx(83.3)   # the score as shown: (.5 * 1 + .5 * 4/6) on 100
    assert scores["石桥镇"] == pytest.approx(40.0)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unit_page_lists_dissatisfied_tasks_of_both_sources_with_comments_as_text(env, lang):
    at = open_page("units", lang, unit="城关镇")
    zh = lang == "zh"
    assert metric(at, "群众满意率（单位自评）" if zh else "Satisfaction rate (unit's own)").value == "66.7%"
    assert metric(at, "群众满意率（群众评价）" if zh else "Satisfaction rate (residents)").value == "83.3%"
    assert ("已评价 6 项，不满意 2 项" if zh else "6 rated, 2 dissatisfied") in captions(at)
    assert ("不满意的任务（3）" if zh else "Tasks rated dissatisfied (3)") in markdown_text(at)
    source, title, comment = (("来源", "项目名称", "群众留言") if zh else ("Source", "Task", "Comment"))
    shown = table(at, source, comment)
    rows = list(zip(shown[source], shown[title], shown[comment]))
    ledger, residents = ("单位自评", "群众评价") if zh else ("Unit's own", "Residents")
    assert rows == [(ledger, "事4", ""), (ledger, "事5", ""), (residents, "事0", COMMENT)]
    # the comment is only ever in the dataframe: never in Markdown, never the hidden one
    text = markdown_text(at)
    assert "alert" not in text and "HYPERLINK" not in text and "被隐藏的留言" not in text


def test_unit_without_ratings_says_so(env):
    at = open_page("units", unit="石桥镇")
    assert metric(at, "群众满意率（单位自评）").value == "—"
    assert "本月台账没有填写群众满意度的任务，不计算满意率。" in captions(at)
    assert "本月没有评价为不满意的任务。" in captions(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_has_a_satisfaction_slide(env, lang):
    from ui import briefing as ui_briefing

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.query_params["month"] = "2021-06"
    at.run()
    at.switch_page("app_pages/briefing.py")
    at.session_state[ui_briefing.KEY_SLIDE] = ui_briefing.SLIDES.index("satisfaction")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    zh = lang == "zh"
    assert metric(at, "群众满意率（单位自评）" if zh else "Satisfaction rate (unit's own)").value == "66.7%"
    assert metric(at, "群众满意率（群众评价）" if zh else "Satisfaction rate (residents)").value == "75.0%"
    assert ("群众评价 8 条，不满意 2 条" if zh else "8 ratings, 2 dissatisfied") in captions(at)
    rows = at.table[0].value
    unit = "单位" if zh else "Unit"
    assert rows[unit].tolist() == ["城关镇", "河口乡"]


def test_bulletin_ranked_by_satisfaction_says_why_units_are_apart(db):
    with reading(db) as con:
        b = bulletin.assemble(con, JUNE, measure="satisfaction_rate", settings=Settings(min_rated=5))
    parts = document.blocks(document.render(b, today=TODAY))
    plain = "".join(block.text for block in parts)
    assert "本月1个单位参与排名，按群众满意率（单位自评）从高到低排列" in plain
    assert "任务不足5项或已评价不足5项的2个单位不参与排名" in plain
    cells = {cell for block in parts if block.kind == "table" for row in block.rows for cell in row}
    assert {"已评价不足 5 项", "没有已评价的任务"} <= cells   # the annex's reasons


def test_a_comment_an_admin_hid_is_not_shown_and_its_rating_still_counts(tmp_path):
    db = ledger_db(tmp_path / "h.duckdb")
    with writing(db) as con:
        con.execute("UPDATE resident_ratings SET comment_hidden = true WHERE comment = ?", [COMMENT])
    with reading(db) as con:
        rows = metrics.resident_dissatisfied(con, JUNE, "东湖县", "城关镇")
        k = metrics.kpis(con, JUNE)
    assert rows["title"].tolist() == ["事0"] and rows["comment"].isna().all()
    assert (k["resident_rated"].value, k["resident_dissatisfied"].value) == (8, 2)
