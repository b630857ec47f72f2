"""Dates: deadlines (full dates, Excel serials, Chinese month/quarter/year-end
wording) and the report month named in a title or a file name."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from loaders.clean.errors import CellError
from loaders.clean.text import _WS, PLACEHOLDERS, _nfkc, _orig, normalise_text

# Wording for "no deadline": parse_date returns None.
OPEN_ENDED_DATE_WORDS = frozenset({
    "长期", "长期坚持", "常态化", "持续推进", "长期推进", "长期性", "常年", "长效",
    "持续", "持续开展", "常态化推进", "长期开展", "无", "暂无",
})
EXCEL_EPOCH = dt.date(1899, 12, 30)
SERIAL_MIN, SERIAL_MAX = 36526, 73050  # 2000-01-01 .. 2099-12-31

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10, "十一": 11, "十二": 12}
_TIME_SUFFIX = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_DATE_PREFIX = re.compile(r"^(?:计划于|计划|预计于|预计|截至|截止到|截止|到|于|在)")
_DATE_SUFFIX = re.compile(r"(?:之前|以前|前|为止|止|完成|办结|完工|竣工)+$")
_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_YM = re.compile(r"(\d{4})([-/.])(\d{1,2})")
_YMD8 = re.compile(r"(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_CN_YEAR = re.compile(r"(\d{4}|\d{2})年")
_CN_MONTH = r"(\d{1,2}|十[一二]|[一二三四五六七八九十])"
_CN_DAY = re.compile(_CN_MONTH + r"月(\d{1,2})[日号]?")
# Month-only forms mean the end of that month, whatever the modifier: a
# deadline "6月中旬" is only overdue once June is over.
_CN_MONTH_ONLY = re.compile(_CN_MONTH + r"月份?(?:底|末|初|上旬|中旬|下旬|中|内|前后|左右)?")
_CN_QUARTER = re.compile(r"第?([一二三四1-4])季度(?:末|底|内)?")
_YEAR_END_WORDS = frozenset({"年底", "年末", "年内", "全年", "年终", "年度", "年度内"})
_YEAR_END_AFTER_YEAR = _YEAR_END_WORDS | {"", "底", "末", "内", "度", "度内"}
_FIRST_HALF_WORDS = frozenset({"上半年", "年中", "上半年底", "上半年末", "上半年内"})
_SECOND_HALF_WORDS = frozenset({"下半年", "下半年底", "下半年末", "下半年内"})


def _month_number(text: str) -> int:
    return int(text) if text.isdigit() else _CN_DIGITS[text]


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _make_date(year: int, month: int, day: int | None, orig: str) -> dt.date:
    """day None -> end of month. Years 2000-2099 only."""
    if not (2000 <= year <= 2099 and 1 <= month <= 12):
        raise CellError("bad_date", orig)
    if day is None:
        return _end_of_month(year, month)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError("bad_date", orig) from None


def parse_date(value, report_month: dt.date | None) -> dt.date | None:
    """A deadline. Blank, open-ended words (长期, 常态化, …) and placeholders
    -> None. Full dates -> that day. Month-only forms (2021年6月, 6月底前,
    2021-06, 6月中旬, 6月上旬) -> the LAST day of that month. 年底 -> 12-31,
    上半年/年中 -> 06-30, 下半年 -> 12-31, (第)三季度(末) -> 09-30. A
    missing year is the year of `report_month`. Excel serials 36526..73050
    (years 2000-2099) -> that date. "2021.1" -> CellError("ambiguous_date");
    other plain numbers -> "date_as_number"; anything else -> "bad_date"."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError("bad_date", _orig(value))
    text = normalise_text(value)
    if text is None or text in PLACEHOLDERS or text in OPEN_ENDED_DATE_WORDS:
        return None
    orig = _orig(value)
    text = _TIME_SUFFIX.sub("", text).replace(" ", "")

    m = _YMD.fullmatch(text)
    if m:
        return _make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)), orig)

    if _PLAIN_NUMBER.fullmatch(text):
        return _number_date(text, orig)

    m = _YM.fullmatch(text)  # "2021-06", "2021/6" ("2021.06" is a number)
    if m:
        return _make_date(int(m.group(1)), int(m.group(3)), None, orig)

    text = _DATE_PREFIX.sub("", text)
    text = _DATE_SUFFIX.sub("", text)
    if text in OPEN_ENDED_DATE_WORDS:
        return None
    m = _YMD.fullmatch(text)
    if m:
        return _make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)), orig)
    m = _YM.fullmatch(text)  # typed text such as "2021.1前": January
    if m:
        return _make_date(int(m.group(1)), int(m.group(3)), None, orig)
    return _chinese_date(text, report_month, orig)


def _number_date(text: str, orig: str) -> dt.date:
    """A plain number: Excel serial, YYYY.M(M), YYYYMMDD, or an error."""
    if len(text) > 20:
        raise CellError("date_as_number", orig)
    if "." in text:
        year, _, month = text.partition(".")
        if len(year) == 4 and 2000 <= int(year) <= 2099 and len(month) <= 2:
            if month == "1":
                raise CellError("ambiguous_date", orig)
            if 1 <= int(month) <= 12:
                return _end_of_month(int(year), int(month))
        number = float(text)
        if not number.is_integer():
            raise CellError("date_as_number", orig)
        text = str(int(number))
    m = _YMD8.fullmatch(text)
    if m:
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), orig)
    number = int(text)
    if SERIAL_MIN <= number <= SERIAL_MAX:
        return EXCEL_EPOCH + dt.timedelta(days=number)
    raise CellError("date_as_number", orig)


def _chinese_date(text: str, report_month: dt.date | None, orig: str) -> dt.date:
    m = _CN_YEAR.match(text)
    if m:
        year = int(m.group(1))
        if year < 100:
            year += 2000
        rest = text[m.end():]
        if rest in _YEAR_END_AFTER_YEAR:
            return _make_date(year, 12, 31, orig)
    else:
        if report_month is None:
            raise CellError("bad_date", orig)
        year = report_month.year
        rest = text
        if rest in _YEAR_END_WORDS:
            return _make_date(year, 12, 31, orig)
    m = _CN_DAY.fullmatch(rest)
    if m:
        return _make_date(year, _month_number(m.group(1)), int(m.group(2)), orig)
    m = _CN_MONTH_ONLY.fullmatch(rest)
    if m:
        return _make_date(year, _month_number(m.group(1)), None, orig)
    if rest in _FIRST_HALF_WORDS:
        return _make_date(year, 6, 30, orig)
    if rest in _SECOND_HALF_WORDS:
        return _make_date(year, 12, 31, orig)
    m = _CN_QUARTER.fullmatch(rest)
    if m:
        return _make_date(year, _month_number(m.group(1)) * 3, None, orig)
    raise CellError("bad_date", orig)


# --------------------------------------------------------------------------
# Report month in a title or a file name

_RM_RANGE = re.compile(
    r"(?<!\d)(20\d{2})年" + _CN_MONTH + r"(?:月份?)?[-—–~至到]+(?:(20\d{2})年)?" + _CN_MONTH + r"月"
)
_RM_CN = re.compile(r"(?<!\d)(20\d{2})年" + _CN_MONTH + r"月")
_RM_SEP = re.compile(r"(?<![\d.])(20\d{2})[-_./](\d{1,2})(?!\d)")
_RM_SIX = re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(?!\d)")


def find_report_month(text) -> dt.date | None:
    """The first day of the report month named in a sheet title or file name
    ("（2021年4月）", "2021-04", "2021_04", "202104", "截至2021年4月底";
    ranges "2021年1-4月" -> April). Years 2000-2099; None when absent."""
    if not text:
        return None
    text = _WS.sub("", _nfkc(str(text)))
    for m in _RM_RANGE.finditer(text):
        year = int(m.group(3) or m.group(1))
        month = _month_number(m.group(4))
        if 1 <= month <= 12:
            return dt.date(year, month, 1)
    for m in _RM_CN.finditer(text):
        month = _month_number(m.group(2))
        if 1 <= month <= 12:
            return dt.date(int(m.group(1)), month, 1)
    for pattern in (_RM_SEP, _RM_SIX):
        for m in pattern.finditer(text):
            month = int(m.group(2))
            if 1 <= month <= 12:
                return dt.date(int(m.group(1)), month, 1)
    return None
