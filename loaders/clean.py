"""Parse the text a clerk typed into one ledger cell.

Pure functions, no I/O, deterministic: the caller caches results per distinct
value. Inputs are what the readers give: str (xlsx read as text: numbers come
as "100.5", date cells as "2021-06-30 00:00:00"), float / int / date /
datetime (legacy .xls) or None. Unparseable values raise CellError, whose
code is one of the row problem codes of loaders.problems.CATALOGUE.

Vocabularies are module-level data so they are easy to extend.

Free-text progress (classify_progress, PROGRESS_RULES)
------------------------------------------------------
A 进展情况 cell written as a sentence ("已开工，完成主体工程60%") gets a status
as follows. Blank and placeholders ("-", "/") have none. A cell parse_status
reads (a status word, including words mapped once by a clerk or an admin) takes
that status, with no rule. Otherwise the first rule that matches decides, and
its code is stored with the task:

1. negation_not_started -> not_started: a negated completion ("未完成",
   "尚未办结", "未完工", "未竣工", "未验收", "未销号", "未交付", "没有完成",
   "未能按期完成") together with a not-started cue (see 5): "尚未完成，未开工".
2. negation -> in_progress: a negated completion alone: "尚未完成招标".
3. percent -> a percentage (60%, 60％): every one 100% or more -> completed,
   every one 0% -> not_started, otherwise in_progress: "完成主体工程60%".
4. pending_acceptance -> in_progress: the work is done, acceptance or
   sign-off is not: "待验收", "正在验收", "验收中", "待办结", "待销号".
5. not_started_words -> not_started: 未/尚未/暂未/没有 + 开始, 启动, 开工,
   动工, 开展, 实施, 办理, 招标, 立项; 待办 (not 待办结); 待 + 开始, 启动,
   开工, 动工, 开展, 实施, 落实: "资金已下达，待启动".
6. completed_words -> completed: 完成, 办结, 销号, 验收, 竣工, 完工, 交付,
   建成, 投入使用, 投用, 完毕 in a clause where no planned, pending or
   partial wording comes before it (预计, 计划于/计划年底…, 力争, 争取, 即将,
   将于, 拟于, 确保, 待, 正在, 尚需, 基本, 部分, 初步): "已完成并通过验收";
   "预计年底完成" and "基本完成" fall through to 7. "完成投资…" (money
   spent so far) is not completion.
7. other_text -> in_progress: anything else written: "正在协调资金".
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, DecimalException
from typing import Callable, NamedTuple

__all__ = [
    "CellError",
    "normalise_text",
    "status_key",
    "parse_status",
    "classify_progress",
    "ProgressRule",
    "PROGRESS_RULES",
    "PROGRESS_RULE_CODES",
    "parse_percent",
    "percent_column_is_fraction",
    "money_unit_line",
    "STATUSES",
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
    "bad_date", "ambiguous_date", "date_as_number", "bad_percent", "bad_satisfaction",
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
    "已投入使用", "已投用", "已结办", "已销号", "销号", "验收通过", "已通过验收", "已交付",
    "已销账", "已办理", "已兑现", "已实现",
    "completed", "complete", "done", "finished",
):
    STATUS_WORDS[_w] = COMPLETED
for _w in (
    "正在推进", "正在推进中", "推进中", "推进", "按序时推进", "序时推进", "序时推进中",
    "按序时进度推进", "按时序推进", "按进度推进", "按计划推进", "进行中", "正在进行",
    "正在进行中", "已启动", "正在实施", "实施中", "在建", "已开工", "开工", "已动工",
    "正在办理", "办理中", "建设中", "正在建设", "施工中", "正在施工", "稳步推进",
    "有序推进", "加快推进", "正常推进", "进展顺利", "已开展", "正在开展", "开展中",
    "已受理", "正在落实", "落实中", "已立项", "前期工作", "前期准备", "招标中", "正在招标",
    "inprogress", "in_progress", "ongoing", "started",
):
    STATUS_WORDS[_w] = IN_PROGRESS
for _w in (
    "未启动", "未开工", "尚未开始", "待启动", "未开始", "尚未启动", "暂未启动",
    "尚未开工", "暂未开工", "未动工", "待开工", "未实施", "待实施", "尚未实施",
    "待办理", "待办", "未办理", "尚未办理", "暂未开展", "未开展",
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


def _text_key(text: str) -> str:
    """The lookup key of normalised, non-blank text (see status_key)."""
    return text.lower().translate(_DECOR_TABLE)


def status_key(value) -> str | None:
    """The lookup key of a status word: normalise_text, lower-cased, with the
    decorations of STATUS_DECORATIONS and all spaces removed ("✔ 已完成" ->
    "已完成", "In Progress" -> "inprogress"). None for blank, placeholders
    ("-", "/") and text that is nothing but decorations ("√"). Keys of
    STATUS_WORDS, of the tables above and of parse_status's `extra_words`
    are in this form."""
    text = normalise_text(value)
    if text is None or text in PLACEHOLDERS:
        return None
    return _text_key(text) or None


def _extra_set(extra_words, key: str) -> frozenset | None:
    """The status a clerk/admin mapped `key` to, as a one-status set."""
    if not extra_words:
        return None
    status = extra_words.get(key)
    if status is None:
        return None
    if status not in STATUSES:
        raise ValueError(f"extra_words[{key!r}] = {status!r} is not one of {STATUSES}")
    return frozenset({status})


def _clause_set(clause: str, extra_words=None) -> frozenset | None:
    """Possible statuses of one clause, None when the wording is unknown."""
    found = _extra_set(extra_words, clause)
    if found is not None:
        return found
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


def parse_status(value, extra_words=None) -> str | None:
    """"not_started" | "in_progress" | "completed"; None for blank (and for
    placeholders like "-" and "/"). CellError("bad_status") otherwise.

    Clauses split on ，,；;、。/ are classified each and must agree; a
    parenthetical may refine but not contradict ("已完成（长期坚持）").

    `extra_words`: an optional mapping {status_key(word) -> status code} of
    words a clerk or an admin mapped once. It is consulted before the
    built-in vocabulary, for the whole cell and for each clause ("已挂牌，
    长期坚持" with {"已挂牌": "completed"} -> completed). A value that is not
    one of STATUSES raises ValueError (a programming error, not a cell one)."""
    text = normalise_text(value)
    if text is None or text in PLACEHOLDERS:
        return None
    key = _text_key(text)
    found = _extra_set(extra_words, key)
    if found is not None:
        return next(iter(found))
    found = STATUS_WORDS.get(key)
    if found is not None:  # the common case
        return found
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
        s = _clause_set(clause, extra_words)
        if s is None:
            raise CellError("bad_status", _orig(value))
        sets.append(s)
    status = _resolve(sets)
    if status is None:
        raise CellError("bad_status", _orig(value))
    for clause in (c for e in extra for c in _CLAUSE_SPLIT.split(e) if c):
        s = _clause_set(clause, extra_words)
        if s is not None and status not in s:
            raise CellError("bad_status", _orig(value))
    return status


# --------------------------------------------------------------------------
# Free-text progress (进展情况 written as sentences)

# Building blocks of PROGRESS_RULES, as regex alternations.
# Completion words: the task is over.
_DONE_WORDS = "完成|办结|结办|销号|验收|竣工|完工|交付|建成|投入使用|投用|完毕"
# A negation in front of a completion word: "未完成", "尚未办结", "没有完工",
# "未能按期完成", "无法完成", "未全部完成".
_NEGATED_DONE = (r"(?:未能?|没有?|无法|不能)(?:按期|按时|如期)?(?:全部|完全)?"
                 r"(?:" + _DONE_WORDS + r")")
# Not-started cues: "未启动", "尚未开始", "暂未开展", "未开工", "待启动",
# "待办理", "待落实" ("尚未"/"暂未"/"还未" end in 未, so 未 covers them).
# "待办" is not "待办结" (waiting to be closed: in progress).
_START_VERBS = "开始|启动|开工|动工|开展|实施|办理|招标|立项"
_NOT_STARTED_CUE = (r"(?:未|没有)(?:" + _START_VERBS + r")"
                    r"|待(?:办(?!结)|开始|启动|开工|动工|开展|实施|落实)")
# Completion that is planned, pending or partial ("预计年底完成", "计划6月完工",
# "力争…完成", "待资金到位后完成", "正在完成", "基本完成", "部分完成") is not
# completion. "按计划完成" and "完成年度计划" are: 计划 counts only before a time.
_NOT_YET = (r"预计|计划(?=[于在到本下今明年月\d])|力争|争取|即将|将于|将在|拟于|拟在|确保"
            r"|待|正在|尚需|还需|仍需|基本|部分|初步")
# A clause (between ，,；;。) holding a completion word with no _NOT_YET
# wording before it in that clause. "完成投资…" reports money spent, not the
# end of the task.
_DONE_CLAUSE = (r"(?:^|[,;。])(?:(?!" + _NOT_YET + r")[^,;。])*?"
                r"(?:" + _DONE_WORDS + r")(?!投资)")
_PERCENT_ANY = re.compile(r"(\d+(?:\.\d+)?)%")


def _percent_status(text: str) -> str:
    """Every percentage >= 100 -> completed; every one 0 -> not_started;
    otherwise (60%, or 100% next to 40%) in_progress."""
    values = [float(v) for v in _PERCENT_ANY.findall(text)]
    if values and all(v >= 100 for v in values):
        return COMPLETED
    if values and all(v == 0 for v in values):
        return NOT_STARTED
    return IN_PROGRESS


class ProgressRule(NamedTuple):
    """One rule of PROGRESS_RULES: when `pattern` is found in the text (the
    cell after normalise_text, lower-cased, spaces removed), the status is
    `status`, or `status(text)` when it is a function."""
    code: str
    pattern: re.Pattern
    status: str | Callable[[str], str]


# Ordered: the first rule whose pattern is found decides. Documented in the
# module docstring (README quotes it); the codes are stored with each task
# (tasks.status_rule), so never rename one.
PROGRESS_RULES: tuple[ProgressRule, ...] = (
    # "尚未完成，未启动": negated completion plus a not-started cue.
    ProgressRule("negation_not_started",
                 re.compile(r"^(?=.*(?:" + _NEGATED_DONE + r"))(?=.*(?:" + _NOT_STARTED_CUE + r"))"),
                 NOT_STARTED),
    # "尚未完成招标", "未验收", "未能按期完工": begun, not finished.
    ProgressRule("negation", re.compile(_NEGATED_DONE), IN_PROGRESS),
    # "完成主体工程60%" (％ is % after NFKC).
    ProgressRule("percent", _PERCENT_ANY, _percent_status),
    # "已完工，待验收", "待办结": the work is done, acceptance or sign-off is not.
    ProgressRule("pending_acceptance",
                 re.compile(r"(?:待|等待|准备|申请|正在)(?:验收|办结|销号|交付)|验收中"), IN_PROGRESS),
    # "资金已下达，待启动", "暂未开展", "尚未开工".
    ProgressRule("not_started_words", re.compile(_NOT_STARTED_CUE), NOT_STARTED),
    # "已完成并通过验收", "2021年5月竣工", "已投入使用".
    ProgressRule("completed_words", re.compile(_DONE_CLAUSE), COMPLETED),
    # "正在协调资金", "预计年底完成": anything else that was written.
    ProgressRule("other_text", re.compile(r".", re.S), IN_PROGRESS),
)
PROGRESS_RULE_CODES: tuple[str, ...] = tuple(rule.code for rule in PROGRESS_RULES)


def classify_progress(value, extra_words=None) -> tuple[str, str | None] | None:
    """The status of a 进展情况 cell written as a sentence, as (status,
    rule_code). None for blank and placeholders. A cell parse_status reads
    (with `extra_words`) gives (status, None); otherwise the first matching
    rule of PROGRESS_RULES gives (rule.status, rule.code). Never raises
    CellError: any other non-blank text is ("in_progress", "other_text")."""
    text = normalise_text(value)
    if text is None or text in PLACEHOLDERS:
        return None
    try:
        return parse_status(text, extra_words), None
    except CellError:
        pass
    key = text.lower().replace(" ", "")
    for rule in PROGRESS_RULES:
        if rule.pattern.search(key):
            status = rule.status(key) if callable(rule.status) else rule.status
            return status, rule.code
    raise AssertionError("other_text matches any text")  # pragma: no cover


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


# --------------------------------------------------------------------------
# People's satisfaction (群众满意度)

SATISFIED, BASICALLY_SATISFIED, DISSATISFIED = "satisfied", "basically_satisfied", "dissatisfied"
SATISFACTION_LEVELS = (SATISFIED, BASICALLY_SATISFIED, DISSATISFIED)
# The three-level words, and the five-level scale folded into them: 满意率 counts
# (满意 + 基本满意) / rated, so 一般 ("fair") is 基本满意 and 不太满意 is 不满意.
SATISFACTION_WORDS: dict[str, str] = {
    "满意": SATISFIED, "非常满意": SATISFIED, "很满意": SATISFIED, "比较满意": SATISFIED, "十分满意": SATISFIED,
    "基本满意": BASICALLY_SATISFIED, "一般": BASICALLY_SATISFIED, "较满意": BASICALLY_SATISFIED,
    "不满意": DISSATISFIED, "不太满意": DISSATISFIED, "很不满意": DISSATISFIED, "非常不满意": DISSATISFIED,
    "较不满意": DISSATISFIED,
    "satisfied": SATISFIED, "basically satisfied": BASICALLY_SATISFIED, "dissatisfied": DISSATISFIED,
}
# Scores (0-100, or a percentage) fold into the levels at these marks: the
# usual 百分制 reading, 90 and up 满意, 60 and up 基本满意, below 60 不满意.
SATISFIED_FROM, BASICALLY_FROM = 0.9, 0.6
SATISFACTION_BLANKS = PLACEHOLDERS | {"未评价", "待评价", "暂未评价", "未评", "暂无", "无"}


def parse_satisfaction(value) -> tuple[str, float | None] | None:
    """A 群众满意度 cell -> (level, score 0-1 or None); None when not yet rated.
    Words: 满意 / 基本满意 / 不满意 and the five-level 非常满意 / 比较满意 / 一般 /
    不太满意 / 不满意. Scores: 0-100 ("95", "95分"), or a percentage ("95%", 0.95
    from a cell formatted 0%) -> the level by SATISFIED_FROM and BASICALLY_FROM.
    CellError("bad_satisfaction") otherwise."""
    if isinstance(value, bool):
        raise CellError("bad_satisfaction", _orig(value))
    text = normalise_text(value)
    if text is None or text in SATISFACTION_BLANKS:
        return None
    key = text.lower().replace(" ", "")
    level = SATISFACTION_WORDS.get(key) or SATISFACTION_WORDS.get(text.lower())
    if level is not None:
        return level, None
    m = re.fullmatch(r"(\d{1,3}(?:\.\d+)?)(%|分)?", key)
    if not m:
        raise CellError("bad_satisfaction", _orig(value))
    number = float(m.group(1))
    if m.group(2) == "%" or (m.group(2) is None and number > 1) or m.group(2) == "分":
        score = number / 100
    else:
        score = number  # 0.95 from a cell formatted as a percentage
    if not 0 <= score <= 1:
        raise CellError("bad_satisfaction", _orig(value))
    level = SATISFIED if score >= SATISFIED_FROM else BASICALLY_SATISFIED if score >= BASICALLY_FROM else DISSATISFIED
    return level, score


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


# --------------------------------------------------------------------------
# Percentages (完成进度)

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
