"""综合得分 explained to leaders on /rankings: the rates it averages, each with its share of
100% (the configured weights are relative and need not add up to 1), the rule for a rate
a unit lacks, and no settings file or other server path."""
from __future__ import annotations

import io
import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import metrics
from metrics.settings import Settings
from present.catalogue import text
from present.composite import explain, shares as composite_shares
from present.excel import ranking_workbook
from taizhang.database import reading
from tests.apptest import open_page
from tests.dbfixtures import sample_db

ROOT = Path(__file__).resolve().parent.parent
# as config/taizhang.toml ships them: 0.5 + 0.3 + 0.2 + 0.1 + 0.1 = 1.2
WEIGHTS = {"completion_rate": 0.5, "on_time_rate": 0.3, "investment_completion": 0.2,
           "satisfaction_rate": 0.1, "resident_satisfaction_rate": 0.1}
SHARES = {"completion_rate": "41.7", "on_time_rate": "25", "investment_completion": "16.7",
          "satisfaction_rate": "8.3", "resident_satisfaction_rate": "8.3"}


@pytest.mark.parametrize("weights", [
    WEIGHTS,
    {"completion_rate": 0.5, "on_time_rate": 0.3, "investment_completion": 0.2},
    {"completion_rate": 1, "start_rate": 1, "on_time_rate": 1},                 # 33.4 + 33.3 + 33.3
    {"completion_rate": 2, "start_rate": 1, "on_time_rate": 1, "investment_completion": 1,
     "satisfaction_rate": 1, "resident_satisfaction_rate": 1},
    {"completion_rate": 0.7, "on_time_rate": 0.0, "start_rate": 0.3},          # a 0 weight is not a part
    {"completion_rate": 3},
])
def test_the_shares_add_up_to_100_percent(weights):
    shares = dict(composite_shares(weights))
    assert sum(shares.values()) == 1000  # tenths of a percent
    assert set(shares) == {k for k, w in weights.items() if w}
    assert composite_shares({k: w * 7.5 for k, w in weights.items()}) == composite_shares(weights)


def test_the_shipped_weights_read_as_shares():
    shipped = tomllib.loads((ROOT / "config" / "taizhang.toml").read_text(encoding="utf-8"))["ranking"]["weights"]
    shares = composite_shares(shipped)
    assert [(k, f"{n / 10:g}") for k, n in shares] == list(SHARES.items())  # 按期完成率 25%


def test_only_the_shares_matter_to_the_scores(tmp_path):
    """Why the weights may be shown as shares: the score divides by the weights a unit
    has (metrics/sql/ranking.sql), so weights scaled to add up to 1 give the same scores."""
    path = sample_db(tmp_path / "s.duckdb")
    total = sum(WEIGHTS.values())
    with reading(str(path)) as con:
        month = metrics.catalog(con)[0][0]
        as_shipped = metrics.ranking(con, month, measure="composite", settings=Settings(weights=WEIGHTS))
        as_shares = metrics.ranking(con, month, measure="composite",
                                    settings=Settings(weights={k: w / total for k, w in WEIGHTS.items()}))
    assert list(as_shipped.table["unit"]) == list(as_shares.table["unit"])
    assert list(as_shipped.table["score"]) == list(as_shares.table["score"])
    assert list(as_shipped.table["rank"]) == list(as_shares.table["rank"])


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("TAIZHANG_DB", str(sample_db(tmp_path / "sample.duckdb")))
    config = tmp_path / "taizhang.toml"
    config.write_text("[ranking.weights]\n" + "".join(f"{k} = {w}\n" for k, w in WEIGHTS.items()), encoding="utf-8")
    monkeypatch.setenv("TAIZHANG_CONFIG", str(config))
    st.cache_data.clear()
    st.cache_resource.clear()


def rankings_by_composite(lang: str) -> AppTest:
    at = open_page("app_pages/rankings.py", lang, measure="composite")
    assert at.selectbox(key="rankings_measure").value == "composite"
    return at


def shares_said(words: str, lang: str) -> dict[str, str]:
    """The share each weighted rate is given in `words`: 完成率 41.7% -> {"completion_rate": "41.7"}."""
    found = {}
    for key in WEIGHTS:
        label = re.escape(text(f"m.{key}", lang))
        match = re.search(rf"{label} ?(\d+(?:\.\d+)?)%", words)
        if match:
            found[key] = match.group(1)
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rankings_say_the_composite_in_shares_of_100_percent(env, lang):
    at = rankings_by_composite(lang)
    captions = [str(c.value) for c in at.caption]
    composite = [c for c in captions if ("综合得分（百分制）" if lang == "zh" else "The composite score") in c]
    assert len(composite) == 1, captions
    said = composite[0]
    assert shares_said(said, lang) == SHARES
    assert sum(Decimal(v) for v in shares_said(said, lang).values()) == 100
    # the rule for a rate a unit lacks, in plain words
    assert ("缺少的比率不计入" in said) if lang == "zh" else ("lacks is left out" in said)
    # the weights as configured (0.5, 0.3 ...) are not what a leader reads
    assert not re.search(r"\b0\.\d\b", said)
    # no server detail anywhere on the page: no settings file, no path
    shown = "\n".join(captions + [str(e.value) for kind in ("markdown", "info", "warning") for e in getattr(at, kind)])
    assert "toml" not in shown and "config/" not in shown and not re.search(r"\w/\w+\.\w+", shown)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_composite_column_tooltip_says_the_same(env, lang):
    at = rankings_by_composite(lang)
    label = text("m.composite", lang)
    helps = [json.loads(d.proto.columns)[label].get("help", "") for d in at.dataframe
             if label in json.loads(d.proto.columns)]
    assert len(helps) >= 3  # red list, black list, the full table (and the units listed apart)
    for said in helps:
        assert shares_said(said, lang) == SHARES
        assert "toml" not in said and "config/" not in said


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_excel_league_table_explains_the_composite_by_shares(tmp_path, lang):
    """The downloaded league table's notes say the composite as the page does: shares of
    100%, no settings file (it once read "权重见 config/taizhang.toml：。")."""
    path = sample_db(tmp_path / "s.duckdb")
    with reading(str(path)) as con:
        month = metrics.catalog(con)[0][0]
        result = metrics.ranking(con, month, measure="composite", settings=Settings(weights=WEIGHTS))
    book = openpyxl.load_workbook(io.BytesIO(ranking_workbook(result, lang)))
    notes = " ".join(str(c.value) for sheet in book.worksheets[1:] for row in sheet.iter_rows() for c in row
                     if c.value is not None)
    assert explain(WEIGHTS, lang) in notes
    assert "41.7%" in notes and "toml" not in notes and "config/" not in notes
