"""/investment lists every unit of the month with its 计划投资, 完成投资 and 投资完成率,
largest plan first; a unit whose ledger gives no 完成投资 shows "—" with the reason
under the table (missing is not zero); a chosen row opens the unit."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.dbfixtures import build, task
from tests.test_drill import choose_row
from tests.test_pages import open_page, texts

ZH = ["县区", "单位", "计划投资（万元）", "完成投资（万元）", "投资完成率"]
EN = ["Region", "Unit", "Planned (万元)", "Actual (万元)", "Investment completion"]


@pytest.fixture
def investment_env(tmp_path, monkeypatch):
    rows = [
        # 甲局: planned 400, actual 300 -> 75%
        task("2021-06", "甲局", "a1", planned=300.0, actual=200.0, region="东湖县"),
        task("2021-06", "甲局", "a2", planned=100.0, actual=100.0, region="东湖县", category="政策惠民"),
        # 乙镇: the largest plan, but its ledger has no 完成投资 column
        *[task("2021-06", "乙镇", f"b{i}", planned=1000.0, region="西山县") for i in range(3)],
        # 丙办: no investment at all (no 计划投资 either): last
        task("2021-06", "丙办", "c1", region="东湖县"),
        # 丁所: more done than planned
        task("2021-06", "丁所", "d1", planned=50.0, actual=60.0, region="西山县"),
        # 戊站 reported in May only: not in June's table
        task("2021-05", "戊站", "e1", planned=9999.0, actual=1.0, region="西山县"),
    ]
    monkeypatch.setenv("TAIZHANG_DB", str(build(tmp_path / "investment.duckdb", rows)))


def unit_table(at) -> pd.DataFrame:
    found = [d for d in at.dataframe if d.proto.id.endswith("investment_unit_table")]
    assert len(found) == 1, [d.proto.id for d in at.dataframe]
    return found[0].value


def figures(table: pd.DataFrame, column: str) -> list:
    return [None if pd.isna(v) else round(float(v), 6) for v in table[column]]


@pytest.mark.parametrize("lang, columns", [("zh", ZH), ("en", EN)])
def test_every_unit_with_its_planned_and_actual_investment(investment_env, lang, columns):
    at = open_page("investment", lang)
    assert not at.error
    assert ("各单位计划与完成投资" if lang == "zh" else "Planned vs actual, by unit") in texts(at)
    table = unit_table(at)
    assert list(table.columns) == columns
    region, unit, planned, actual, completion = columns
    assert list(table[unit]) == ["乙镇", "甲局", "丁所", "丙办"]          # largest plan first, no plan last
    assert list(table[region]) == ["西山县", "东湖县", "西山县", "东湖县"]
    assert figures(table, planned) == [3000.0, 400.0, 50.0, None]
    assert figures(table, actual) == [None, 300.0, 60.0, None]         # 乙镇's is missing, not 0
    assert figures(table, completion) == [None, 75.0, 120.0, None]     # shown as percent
    # a missing figure is drawn as "—" (the table's placeholder) and its reason is said under the table
    element = next(d for d in at.dataframe if d.proto.id.endswith("investment_unit_table"))
    assert "—" in str(element.proto)
    note = [c.value for c in at.caption if ("台账未填报完成投资" if lang == "zh"
                                               else "the ledgers give no actual investment") in c.value]
    assert note, [c.value for c in at.caption]
    assert ("2 个单位" if lang == "zh" else "2 units") in note[-1]


def test_the_table_follows_the_region_and_category(investment_env):
    at = open_page("investment", region="西山县")
    assert list(unit_table(at)["单位"]) == ["乙镇", "丁所"]
    at = open_page("investment", category="政策惠民")
    table = unit_table(at)
    assert list(table["单位"]) == ["甲局"]
    assert figures(table, "计划投资（万元）") == [100.0]
    assert figures(table, "投资完成率") == [100.0]


def test_choosing_a_row_opens_the_unit(investment_env):
    at = open_page("investment")
    choose_row(at, "investment_unit_table", 1)
    assert at.title[0].value == "单位查询"
    assert at.query_params["unit"] == "甲局"
    assert "全部任务（2）" in texts(at)   # 甲局's two tasks
