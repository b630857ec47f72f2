"""The column path for amounts and counts (normalise.parse_amounts / parse_counts)
gives exactly what clean.parse_amount / clean.parse_count give cell by cell:
the same numbers, the same refusals with the same codes and cell texts."""
from __future__ import annotations

import math

import pyarrow as pa
from hypothesis import example, given, settings, strategies as st

from loaders import clean
from loaders.normalise import parse_amounts, parse_counts

UNITS = ("万元", "元", "亿元", None)

digits = st.text("0123456789", min_size=1, max_size=40)
plain = st.builds(lambda a, b: a + ("." + b if b else ""), digits, st.one_of(st.just(""), digits))
numeric_looking = st.one_of(
    plain,
    st.builds(lambda s, n: s + n, st.sampled_from(["-", "+", " ", "−", "０", "¥", "约"]), plain),
    st.builds(lambda n, s: n + s, plain, st.sampled_from(["元", "万元", "亿", " ", ".", "e5", "E-3", "%", "左右"])),
    st.from_regex(r"[0-9]{1,3}(,[0-9]{3}){0,4}(\.[0-9]{0,6})?", fullmatch=True),
    st.text("0123456789.,-e+ 元万亿", max_size=12),
    st.sampled_from(["", " ", "-", "—", "/", "无", "nan", "inf", "1e400", "0", "0.0", "00", "٣", "１２"]),
)


def _expected(cells, parse):
    out = []
    for cell in cells:
        try:
            out.append(("ok", parse(cell)))
        except clean.CellError as error:
            out.append((error.code, error.value))
    return out


def _actual(cells, result, errors, idx):
    out = []
    for i, value in enumerate(result.to_pylist()):
        if idx[i] >= 0 and idx[i] in errors:
            out.append((errors[idx[i]].code, errors[idx[i]].value))
        else:
            out.append(("ok", value))
    return out


def _same(a, b):
    if a[0] != b[0]:
        return False
    if a[0] == "ok" and a[1] is not None and b[1] is not None:
        return a[1] == b[1] and math.copysign(1, a[1]) == math.copysign(1, b[1])
    return a == b


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.none(), numeric_looking), max_size=30), st.sampled_from(UNITS))
@example(["12345678901234567890123456789", "9" * 28, "0." + "1" * 30, "1" * 20 + "." + "7" * 8], "元")
@example(["100", "1,234.5", "80000元", "1.2亿", "-5", "nan", "0", "0.30000000000000004"], "亿元")
def test_amount_column_equals_parse_amount(cells, unit):
    result, errors, idx = parse_amounts(pa.array(cells, type=pa.string()), unit)
    expected = _expected(cells, lambda v: clean.parse_amount(v, default_unit=unit))
    actual = _actual(cells, result, errors, idx)
    assert all(_same(a, e) for a, e in zip(actual, expected)), list(zip(cells, actual, expected))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), numeric_looking, st.from_regex(r"[0-9]{1,12}", fullmatch=True)),
                max_size=30))
@example(["9999999999", "10000000000", "10000000001", "012", "1200人次", "1.5"])
def test_count_column_equals_parse_count(cells):
    result, errors, idx = parse_counts(pa.array(cells, type=pa.string()))
    expected = _expected(cells, clean.parse_count)
    assert _actual(cells, result, errors, idx) == expected
