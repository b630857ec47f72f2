"""Completion percentages (完成进度): "60%", 0.6 or 60 -> a fraction 0..1."""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

from loaders.clean.amounts import AMOUNT_BLANKS
from loaders.clean.errors import CellError
from loaders.clean.text import _orig, normalise_text

_PERCENT_CELL = re.compile(r"(?:约|已?完成了?|达到?)?(\d+(?:\.\d+)?)%(?:左右)?")
_PLAIN_DECIMAL = re.compile(r"[+-]?\d+(?:\.\d*)?|[+-]?\.\d+")
_HUNDRED = Decimal(100)


def _plain_number(value) -> Decimal | None:
    """The number of a cell holding only a number (no % sign), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        return None
    text = normalise_text(value)
    if text is None:
        return None
    text = text.replace(" ", "").replace("−", "-")
    return Decimal(text) if _PLAIN_DECIMAL.fullmatch(text) else None


def percent_column_is_fraction(values) -> bool:
    """Whether the plain numbers (no % sign) of a 完成进度 column are fractions:
    a cell formatted 0% in Excel stores 60% as 0.6, a cell typed as 60 holds
    percent points. False when any plain number is above 1, else True (also
    when there is none). Blank, words and "60%" texts are ignored."""
    for value in values:
        number = _plain_number(value)
        if number is not None and number > 1:
            return False
    return True


def parse_percent(value, *, fractions: bool) -> float | None:
    """A completion percentage as a fraction 0..1. Text with % or ％ ("60%",
    "60 %", "100％", "完成60%") -> n/100. Plain numbers (a float from .xls,
    "0.6" or "60" as xlsx text) are fractions when `fractions` (0.6 -> 0.6),
    else percent points (60 -> 0.6); percent_column_is_fraction tells which.
    Blank and placeholders -> None. Below 0, above 100% or unreadable ->
    CellError("bad_percent"). Exact decimal arithmetic: "60" -> 0.6."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (bool, dt.date, dt.datetime)):
        raise CellError("bad_percent", _orig(value))
    number = _plain_number(value)
    if number is not None:
        fraction = number if fractions else number / _HUNDRED
    else:
        text = normalise_text(value)
        if text is None:
            return None
        key = text.replace(" ", "").lower()
        if key in AMOUNT_BLANKS:
            return None
        m = _PERCENT_CELL.fullmatch(key)
        if m is None:
            raise CellError("bad_percent", _orig(value))
        fraction = Decimal(m.group(1)) / _HUNDRED
    if not fraction.is_finite() or not 0 <= fraction <= 1:
        raise CellError("bad_percent", _orig(value))
    return float(fraction) + 0.0  # no -0.0
