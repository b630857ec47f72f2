"""A measure is defined once: its registry entry (metrics.MEASURES), its parts
(metrics/derived.py PARTS), its formula (sql/_measures.sql) and its words
(m.<key>, help.<key> in the catalogue). These checks fail when one of them is
added without the others."""
from __future__ import annotations

import datetime as dt

import metrics
from metrics.definitions import PARTS
from metrics.derived import TABLES
from metrics.queries import prepare
from present.catalogue import STRINGS
from taizhang.database import reading
from tests.dbfixtures import build, task


def test_every_measure_has_its_words_in_both_languages():
    for key in (*metrics.MEASURES, "composite"):
        for prefix in ("m.", "help."):
            if key in ("rated", "dissatisfied", "resident_rated", "resident_dissatisfied") and prefix == "help.":
                continue  # counts beside a satisfaction rate: explained with the rate
            zh, en = STRINGS[f"{prefix}{key}"]
            assert zh and en and zh != en, (prefix, key)


def test_every_measure_and_input_comes_out_of_tz_measures(tmp_path):
    path = build(tmp_path / "r.duckdb", [task("2021-06", "甲", "t", "completed")])
    with reading(str(path)) as con:
        prepare(con)
        columns = {d[0] for d in con.execute(
            "SELECT * FROM tz_measures(?, ?, NULL, NULL, NULL, 'unit', true) LIMIT 0",
            [dt.date(2021, 6, 1), dt.date(2021, 6, 1)]).description}
    assert set(metrics.MEASURES) <= columns
    for measure in metrics.MEASURES.values():
        if measure.needs:
            assert metrics.INPUTS[measure.needs] in columns, measure


def test_every_part_is_a_column_of_every_summary_grain():
    for table in ("task_summary", "unit_summary", "region_summary"):
        for name, _, kind in PARTS:
            assert f"{name} {kind}" in TABLES[table], (table, name)
