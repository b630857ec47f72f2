"""Cell values as clerks type them: amounts in 万元 / 亿元 / with units,
dates in half a dozen forms, status words by habit."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .simulate import _month_end
from .words import _LONG_TERM_WORDS

if TYPE_CHECKING:
    from .simulate import _Row


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def _g(v: float) -> str:
    """A number as a clerk types it: no exponent, no trailing zeros."""
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return s or "0"


def _amount_text(v: float, pick: int = 1) -> str:
    """The amount as some clerks type it, with its unit: "350万元", "1.2亿元", "80000元"."""
    if v == 0:
        return "0"
    if v >= 10000:
        return f"{_g(round(v / 10000, 2))}亿元"
    if v < 10 or (v < 100 and pick % 3 == 0):
        return f"{int(round(v * 10000, -2))}元"
    return f"{_g(round(v, 1))}万元"


def _amount(v: float | None, style: str, pick: int = 1) -> float | int | str | None:
    if v is None:
        return None
    if style == "yi":
        return _num(round(v / 10000, 4))
    if style == "text":
        return _amount_text(v, pick)
    return _num(round(v, 2))


def _date_cell(d: date | None, form: str, pick: int, *, long_word: str | None = None) -> date | str:
    if d is None:
        return long_word or _LONG_TERM_WORDS[pick % 2]
    if form == "mixed":
        form = ("excel", "cn_end", "dot", "cn_full", "iso")[pick % 5]
    if form == "cn_end" and d != _month_end(d):
        form = "cn_full"
    if form == "excel":
        return d
    if form == "cn_end":
        return f"{d.year}年{d.month}月底前"
    if form == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if form == "cn_full":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def _status_word(row: _Row, habits: tuple[dict[str, tuple[str, ...]], ...], habit: int) -> str:
    t = row.task
    if row.status == "completed" and t.deadline is None and t.pick % 3 == 0:
        return "已完成（长期坚持）"
    choices = habits[habit % len(habits)][row.status]
    return choices[t.pick % len(choices)]


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"

