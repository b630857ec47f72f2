"""Parse the text a clerk typed into one ledger cell.

Pure functions, no I/O, deterministic: the caller caches results per distinct
value. Inputs are what the readers give: str (xlsx read as text: numbers come
as "100.5", date cells as "2021-06-30 00:00:00"), float / int / date /
datetime (legacy .xls) or None. Unparseable values raise CellError, whose
code is one of the row problem codes of loaders.problems.CATALOGUE.

Vocabularies are module-level data so they are easy to extend.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, DecimalException

__all__ = [
    "CellError",
    "normalise_text",
    "parse_status",
    "parse_completed_flag",
    "money_unit",
    "parse_amount",
    "parse_count",
    "parse_date",
    "find_report_month",
    "normalise_header",
    "STATUS_WORDS",
    "ONGOING_WORDS",
    "NOT_COMPLETED_WORDS",
    "FLAG_WORDS",
    "OPEN_ENDED_DATE_WORDS",
]

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED)

CELL_ERROR_CODES = frozenset({
    "bad_status", "bad_flag", "bad_amount", "negative_amount", "bad_count",
    "bad_date", "ambiguous_date", "date_as_number",
})


class CellError(ValueError):
    """A cell whose text cannot be read. `code` is a CATALOGUE code, `value`
    the cell text as the clerk wrote it (stripped)."""

    def __init__(self, code: str, value: str):
        if code not in CELL_ERROR_CODES:
            raise ValueError(f"unknown cell error code {code!r}")
        self.code = code
        self.value = value
        super().__init__(f"{code}: {value!r}")

    def __reduce__(self):  # picklable (multiprocessing)
        return (CellError, (self.code, self.value))


# --------------------------------------------------------------------------
# Text normalisation

_WS = re.compile(r"\s+")
# Dropped from cell text: zero-width characters, and control characters that
# are not whitespace (pasted from old systems; they break .docx and openpyxl).
# Control characters that are whitespace (\t, \n, \x0b, \x0c, \r, \x1c-\x1f, \x85)
# collapse to a space like any other.
CONTROL_CHARS = "".join(chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0x85),
                                         *range(0x86, 0xA0)))
DROPPED_CHARS = "\u200b\u200c\u200d\u2060\ufeff" + CONTROL_CHARS
_DROPPED = dict.fromkeys(map(ord, DROPPED_CHARS), None)


def _nfkc(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_DROPPED)


def normalise_text(value) -> str | None:
    """NFKC, strip, collapse whitespace runs (incl. newlines, \\u3000) to one
    space. Blank -> None. Integral floats -> "3"; NaN -> None;
    date -> "2021-06-30"; datetime -> "2021-06-30 00:00:00"."""
    if value is None:
        return None
    if isinstance(value, str):
        text = _WS.sub(" ", _nfkc(value)).strip()
        return text or None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return normalise_text(str(value))


def _orig(value) -> str:
    """The cell text for CellError.value."""
    if isinstance(value, str):
        return value.strip()
    text = normalise_text(value)
    return text if text is not None else str(value)


def normalise_header(text) -> str:
    """For matching headers: NFKC, no whitespace at all, no leading "*"
    markers, no trailing ":" / "："."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = normalise_text(text) or ""
    text = _WS.sub("", _nfkc(text))
    text = text.lstrip("*")
    text = text.rstrip(":")
    return text


# Placeholders clerks type for "nothing here".
PLACEHOLDERS = frozenset({"-", "--", "---", "—", "——", "–", "/", "//", "\\", "、"})

# --------------------------------------------------------------------------
# Status

# Exact clause wording -> status. Lookup is on the clause with decorations
# and whitespace removed, lower-cased.
STATUS_WORDS: dict[str, str] = {}
for _w in (
    "已完成", "完成", "已办结", "办结", "已竣工", "竣工", "已完工", "完工", "已解决",
    "已落实", "已整改", "已整改完成", "整改完成", "已完成整改", "整改完毕", "已建成",
    "已全部完成", "全部完成", "已按期完成", "按期完成", "提前完成", "已提前完成",
    "已办理完毕", "办理完毕", "已办理完成", "已完毕", "完毕", "已验收", "已交付使用",
    "已投入使用", "已投用", "已结办", "completed", "complete", "done", "finished",
):
    STATUS_WORDS[_w] = COMPLETED
for _w in (
    "正在推进", "正在推进中", "推进中", "推进", "按序时推进", "序时推进", "序时推进中",
    "按序时进度推进", "按时序推进", "按进度推进", "按计划推进", "进行中", "正在进行",
    "正在进行中", "已启动", "正在实施", "实施中", "在建", "已开工", "开工", "已动工",
    "正在办理", "办理中", "建设中", "正在建设", "施工中", "正在施工", "稳步推进",
    "有序推进", "加快推进", "正常推进", "进展顺利", "已开展", "正在开展", "开展中",
    "inprogress", "in_progress", "ongoing", "started",
):
    STATUS_WORDS[_w] = IN_PROGRESS
for _w in (
    "未启动", "未开工", "尚未开始", "待启动", "未开始", "尚未启动", "暂未启动",
    "尚未开工", "暂未开工", "未动工", "待开工", "未实施", "待实施", "尚未实施",
    "notstarted", "not_started",
):
    STATUS_WORDS[_w] = NOT_STARTED
del _w

# "Keep at it" wording: in_progress alone, but compatible with a clause that
# says completed ("已完成，长期坚持" -> completed).
ONGOING_WORDS: tuple[str, ...] = (
    "长期坚持", "持续推进", "长期推进", "常态化", "常态化推进", "常态化开展",
    "持续开展", "长期", "持续", "长期开展",
)
# "Not completed": not_started or in_progress, so ambiguous alone, but
# settled by another clause ("未完成，正在推进" -> in_progress).
NOT_COMPLETED_WORDS: tuple[str, ...] = (
    "未完成", "尚未完成", "没有完成", "未办结", "尚未办结", "未完工", "未竣工",
)

# Marks stripped before classifying (check marks, stars, bullets, arrows).
STATUS_DECORATIONS = "✔✓√☑✅★☆●•·▪■□◆◇○◎▶►※✦✧♦→➤➢\ufe0f"
_DECOR_TABLE = dict.fromkeys(map(ord, STATUS_DECORATIONS + " "), None)

_CLAUSE_SPLIT = re.compile(r"[,，;；、。/]+")
_PAREN = re.compile(r"[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]")
_PERCENT = re.compile(
    r"(?:已?完成|完成进度|总体进度|形象进度|工程进度|进度|完成率)?(?:了|约|为|达)*"
    r"(\d{1,3}(?:\.\d+)?)%(?:完成)?"
)

_S_C = frozenset({COMPLETED})
_S_I = frozenset({IN_PROGRESS})
_S_N = frozenset({NOT_STARTED})
_S_ONGOING = frozenset({IN_PROGRESS, COMPLETED})
_S_NOT_DONE = frozenset({NOT_STARTED, IN_PROGRESS})
_STATUS_SETS: dict[str, frozenset] = {w: frozenset({s}) for w, s in STATUS_WORDS.items()}
_STATUS_SETS.update({w: _S_ONGOING for w in ONGOING_WORDS})
_STATUS_SETS.update({w: _S_NOT_DONE for w in NOT_COMPLETED_WORDS})


def _clause_set(clause: str) -> frozenset | None:
    """Possible statuses of one clause, None when the wording is unknown."""
    found = _STATUS_SETS.get(clause)
    if found is not None:
        return found
    m = _PERCENT.fullmatch(clause)
    if m:
        pct = float(m.group(1))
        if pct == 0:
            return _S_N
        if pct == 100:
            return _S_C
        if 0 < pct < 100:
            return _S_I
    return None


def _resolve(sets: list[frozenset]) -> str | None:
    """Intersect clause sets: one status left -> it; only ongoing wording ->
    in_progress; otherwise None (contradiction or ambiguity)."""
    result = sets[0]
    for s in sets[1:]:
        result = result & s
    if len(result) == 1:
        return next(iter(result))
    if result == _S_ONGOING and all(s == _S_ONGOING for s in sets):
        return IN_PROGRESS
    return None


def parse_status(value) -> str | None:
    """"not_started" | "in_progress" | "completed"; None for blank (and for
    placeholders like "-" and "/"). CellError("bad_status") otherwise.

    Clauses split on ，,；;、。/ are classified each and must agree; a
    parenthetical may refine but not contradict ("已完成（长期坚持）")."""
    text = normalise_text(value)
    if text is None or text in PLACEHOLDERS:
        return None
    key = text.lower()
    found = STATUS_WORDS.get(key)
    if found is not None:  # the common case
        return found
    key = key.translate(_DECOR_TABLE)
    found = _STATUS_SETS.get(key)
    if found is not None and len(found) == 1:
        return next(iter(found))
    if found == _S_ONGOING:
        return IN_PROGRESS

    # Parentheticals: taken out, they may only refine the main text.
    extra: list[str] = []
    if "(" in key or "[" in key or "【" in key or "〔" in key:
        while True:
            stripped = _PAREN.sub(lambda m: extra.append(m.group(1)) or "", key)
            if stripped == key:
                break
            key = stripped
    main = [c for c in _CLAUSE_SPLIT.split(key) if c]
    if not main:
        main, extra = [c for e in extra for c in _CLAUSE_SPLIT.split(e) if c], []
    if not main:
        raise CellError("bad_status", _orig(value))
    sets = []
    for clause in main:
        s = _clause_set(clause)
        if s is None:
            raise CellError("bad_status", _orig(value))
        sets.append(s)
    status = _resolve(sets)
    if status is None:
        raise CellError("bad_status", _orig(value))
    for clause in (c for e in extra for c in _CLAUSE_SPLIT.split(e) if c):
        s = _clause_set(clause)
        if s is not None and status not in s:
            raise CellError("bad_status", _orig(value))
    return status


# --------------------------------------------------------------------------
# Completed flag (是否完成)

FLAG_WORDS: dict[str, bool] = {}
for _w in ("是", "已完成", "完成", "已办结", "办结", "√", "✔", "✓", "☑", "✅",
           "y", "yes", "1", "true", "t", "对"):
    FLAG_WORDS[_w] = True
for _w in ("否", "未完成", "未办结", "尚未完成", "×", "✘", "✗", "✕", "✖", "x",
           "n", "no", "0", "false", "f", "不是"):
    FLAG_WORDS[_w] = False
del _w


def parse_completed_flag(value) -> bool | None:
    """是/否 and friends -> bool; None for blank or "-" / "/";
    CellError("bad_flag") otherwise."""
    if isinstance(value, bool):
        return value
    text = normalise_text(value)
    if text is None or text in PLACEHOLDERS:
        return None
    key = text.lower().replace(" ", "").replace("\ufe0f", "")
    found = FLAG_WORDS.get(key)
    if found is None:
        raise CellError("bad_flag", _orig(value))
    return found


# --------------------------------------------------------------------------
# Amounts (万元) and counts

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


# --------------------------------------------------------------------------
# Dates (deadlines)

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
