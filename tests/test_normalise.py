"""loaders.normalise: the vectorised text cleaning equals clean.normalise_text, cell by cell."""
from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings, strategies as st

from loaders import clean
from loaders.normalise import _text

_PIECES = st.sampled_from(["道路", "改造", "Ａ１", "a", " ", "  ", "\t", "\n", "\u3000", "\u00a0", "\u200b",
                           "\ufeff", "\u2028", "\x1c", "\x85", "（", "）", "１２", "ｍ²", "\x01", "\x07",
                           "\x7f", "\x9f", "\x00"])
_CELLS = st.one_of(st.none(), st.lists(_PIECES, max_size=6).map("".join))


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_CELLS, max_size=40), repeat=st.integers(1, 6))
def test_vectorised_text_cleaning_matches_the_scalar_parser(cells, repeat):
    values = cells * repeat  # repeats take the few-distinct-values path too
    got = _text(pa.array(values, pa.string()), len(values)).to_pylist()
    assert got == [None if v is None else clean.normalise_text(v) for v in values]


def test_clean_titles_pass_unchanged_and_dirty_ones_are_cleaned():
    values = ["老旧小区改造", " 老旧小区\u3000改造 ", "老旧\u200b小区\n改造", "", None]
    assert _text(pa.array(values), 5).to_pylist() == ["老旧小区改造", "老旧小区 改造", "老旧小区 改造", None, None]


def test_control_characters_are_dropped_and_whitespace_controls_become_spaces():
    values = ["修\x01操场", "敬老院\x07", "a\x1fb", "\x00"]
    assert _text(pa.array(values), 4).to_pylist() == ["修操场", "敬老院", "a b", None]
