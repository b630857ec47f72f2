"""Amounts in 万元 (万元/亿元/元 in the cell, the header or a 单位 line above
it) and people counts."""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, DecimalException

from loaders.clean.errors import CellError
from loaders.clean.text import _WS, PLACEHOLDERS, _nfkc, _orig, normalise_text

# Unit words -> factor to 万元, longest first.
MONEY_UNITS: dict[str, Decimal] = {
    "亿元": Decimal(10000), "亿": Decimal(10000),
    "千万元": Decimal(1000), "千万": Decimal(1000),
    "百万元": Decimal(100), "百万": Decimal(100),
    "万元": Decimal(1), "万": Decimal(1),
    "千元": Decimal("0.1"),
    "元": Decimal("0.0001"),
}
_DEFAULT_UNITS = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000)}

_MONEY_HEADER = re.compile(r"亿元|万元|[(/:]亿\)?$|[(/:]万\)?$|(?<!单)元")


def money_unit(header_text) -> str | None:
    """"万元", "元" or "亿元" when a header names its unit, else None."""
    if not header_text:
        return None
    text = _WS.sub("", _nfkc(str(header_text)))
    for m in _MONEY_HEADER.finditer(text):
        word = m.group(0)
        if "亿" in word:
            return "亿元"
        if "万" in word:
            return "万元"
        return "元"
    return None


# A line above the header naming the unit of every amount column that does not
# name its own: "金额单位：万元", "单位：元", "（单位：亿元）", "单位: 万元/元" (the
# first unit wins). "填报单位：市教育局" names an organisation: the unit word must
# follow 单位 directly and end there ("填报单位：万州区…" is not 万元), and the
# organisation labels (填报单位, 责任单位, …) are skipped altogether.
_ORG_UNIT_LABELS = "填报|报送|责任|牵头|主办|承办|协办|配合|实施|主管|建设|业主"
_MONEY_UNIT_LINE = re.compile(
    r"(?<!" + _ORG_UNIT_LABELS + r")单位\s*[:/(]?\s*(亿元|万元|元|亿|万)(?!\w)"
)


def money_unit_line(text) -> str | None:
    """"万元", "元" or "亿元" when a line above the header (a title row, a
    note) says the unit of the amounts, else None. See _MONEY_UNIT_LINE."""
    text = normalise_text(text)
    if text is None:
        return None
    m = _MONEY_UNIT_LINE.search(text)
    if m is None:
        return None
    word = m.group(1)
    return {"亿": "亿元", "万": "万元"}.get(word, word)


_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?"
_AMOUNT = re.compile(
    r"(?:约合|大约|约|共计|合计|共|计|¥)?"
    r"(" + _NUMBER + r")"
    r"(亿元|亿|千万元|千万|百万元|百万|万元|万|千元|元)?(?:左右)?"
)
AMOUNT_BLANKS = PLACEHOLDERS | {"无", "暂无", "n/a", "na", "none", "null"}
_SIMPLE_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


def parse_amount(value, default_unit: str | None = "万元") -> float | None:
    """An amount in 万元. Plain numbers are in `default_unit` ("万元", "元",
    "亿元"; None means 万元); a unit written in the cell wins ("80000元",
    "1.2亿"). Blank and "-", "—", "/", "无" -> None; "0" -> 0.0.
    Negative -> CellError("negative_amount"); NaN/inf, ranges, words ->
    CellError("bad_amount"). Exact decimal arithmetic: no float noise."""
    factor = _DEFAULT_UNITS[default_unit or "万元"]
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
        raise CellError("bad_amount", _orig(value))
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not math.isfinite(value):
            raise CellError("bad_amount", _orig(value))
        amount = Decimal(repr(value))
    elif isinstance(value, int):
        amount = Decimal(value)
    else:
        text = normalise_text(value)
        if text is None:
            return None
        if _SIMPLE_NUMBER.fullmatch(text):  # the common case
            amount = Decimal(text)
        else:
            key = text.replace(" ", "").replace("−", "-").lower()
            if key in AMOUNT_BLANKS:
                return None
            m = _AMOUNT.fullmatch(key)
            if not m:
                raise CellError("bad_amount", _orig(value))
            amount = _decimal(m.group(1))
            if m.group(2):
                factor = MONEY_UNITS[m.group(2)]
    if not amount.is_finite():
        raise CellError("bad_amount", _orig(value))
    if amount < 0:
        raise CellError("negative_amount", _orig(value))
    try:
        result = float(amount * factor)
    except DecimalException:  # exponent out of range
        raise CellError("bad_amount", _orig(value)) from None
    if not math.isfinite(result):
        raise CellError("bad_amount", _orig(value))
    return result + 0.0  # no -0.0


_COUNT = re.compile(
    r"(?:约|共计|共|计|累计|合计)?"
    r"(" + _NUMBER + r")"
    r"(万|千|百)?(?:余|多)?(?:人次|人|名|户|次)?(?:左右)?"
)
_COUNT_FACTORS = {None: 1, "万": 10000, "千": 1000, "百": 100}
MAX_COUNT = 10**10  # no campaign serves more people than that


def parse_count(value) -> int | None:
    """People served: "1,200", "1200人次", "1.2万人次" -> 12000, 1200.0 ->
    1200. Blank and placeholders -> None. Non-integral, negative, absurdly
    large (> 1e10) or words -> CellError("bad_count")."""
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
        raise CellError("bad_count", _orig(value))
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not math.isfinite(value):
            raise CellError("bad_count", _orig(value))
        count = Decimal(repr(value))
    elif isinstance(value, int):
        count = Decimal(value)
    else:
        text = normalise_text(value)
        if text is None:
            return None
        if text.isdigit() and text.isascii():  # the common case
            count = Decimal(text)
        else:
            key = text.replace(" ", "").replace("−", "-").lower()
            if key in AMOUNT_BLANKS:
                return None
            m = _COUNT.fullmatch(key)
            if not m:
                raise CellError("bad_count", _orig(value))
            try:
                count = _decimal(m.group(1)) * _COUNT_FACTORS[m.group(2)]
            except DecimalException:
                raise CellError("bad_count", _orig(value)) from None
    if (not count.is_finite() or count < 0 or count > MAX_COUNT
            or count != count.to_integral_value()):
        raise CellError("bad_count", _orig(value))
    return int(count)
