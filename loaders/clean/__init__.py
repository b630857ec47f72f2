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
5. remainder -> in_progress: a completion (as in 7) beside what is left of
   the task (其余, 剩余, 剩下, 余下, 还有, 尚有, 仍有): "已建成4个，其余2个正在选址".
6. not_started_words -> not_started: 未/尚未/暂未/没有 + 开始, 启动, 开工,
   动工, 开展, 实施, 办理, 招标, 立项; 待办 (not 待办结); 待 + 开始, 启动,
   开工, 动工, 开展, 实施, 落实: "资金已下达，待启动".
7. completed_words -> completed: 完成, 办结, 销号, 验收, 竣工, 完工, 交付,
   建成, 投入使用, 投用, 完毕 in a clause where no planned, pending or
   partial wording comes before it (预计, 计划于/计划年底…, 力争, 争取, 即将,
   将于, 拟于, 确保, 待, 正在, 尚需, 基本, 部分, 初步): "已完成并通过验收";
   "预计年底完成" and "基本完成" fall through to 8. "完成投资…" (money
   spent so far) is not completion.
8. other_text -> in_progress: anything else written: "正在协调资金".

Layout
------
One job per module. Every public name is re-exported here (names outside
__all__ as `X as X`), so importers keep writing `from loaders.clean import
parse_amount` or `clean.STATUS_WORDS`:

- errors: CellError and its codes.
- text: cell text normalisation (normalise_text, normalise_header),
  placeholders.
- status: status words (STATUS_WORDS, parse_status, status_key).
- progress: free-text progress (PROGRESS_RULES, classify_progress).
- flags: the completed flag 是否完成 (FLAG_WORDS, parse_completed_flag).
- satisfaction: 群众满意度 (parse_satisfaction).
- amounts: amounts in 万元 and their units (parse_amount, money_unit,
  money_unit_line), people counts (parse_count).
- percent: 完成进度 percentages (parse_percent, percent_column_is_fraction).
- dates: deadlines (parse_date: Excel serials, Chinese dates) and the report
  month of a title or file name (find_report_month).
"""
from __future__ import annotations

from loaders.clean.amounts import (
    AMOUNT_BLANKS as AMOUNT_BLANKS,
    MAX_COUNT as MAX_COUNT,
    MONEY_UNITS as MONEY_UNITS,
    money_unit,
    money_unit_line,
    parse_amount,
    parse_count,
)
from loaders.clean.dates import (
    EXCEL_EPOCH as EXCEL_EPOCH,
    OPEN_ENDED_DATE_WORDS,
    SERIAL_MAX as SERIAL_MAX,
    SERIAL_MIN as SERIAL_MIN,
    find_report_month,
    parse_date,
)
from loaders.clean.errors import CELL_ERROR_CODES as CELL_ERROR_CODES, CellError
from loaders.clean.flags import FLAG_WORDS, parse_completed_flag
from loaders.clean.percent import parse_percent, percent_column_is_fraction
from loaders.clean.progress import PROGRESS_RULE_CODES, PROGRESS_RULES, ProgressRule, classify_progress
from loaders.clean.satisfaction import (
    BASICALLY_FROM as BASICALLY_FROM,
    BASICALLY_SATISFIED as BASICALLY_SATISFIED,
    DISSATISFIED as DISSATISFIED,
    SATISFACTION_BLANKS as SATISFACTION_BLANKS,
    SATISFACTION_LEVELS as SATISFACTION_LEVELS,
    SATISFACTION_WORDS as SATISFACTION_WORDS,
    SATISFIED as SATISFIED,
    SATISFIED_FROM as SATISFIED_FROM,
    parse_satisfaction as parse_satisfaction,
)
from loaders.clean.status import (
    COMPLETED as COMPLETED,
    IN_PROGRESS as IN_PROGRESS,
    NOT_COMPLETED_WORDS,
    NOT_STARTED as NOT_STARTED,
    ONGOING_WORDS,
    STATUS_DECORATIONS as STATUS_DECORATIONS,
    STATUS_WORDS,
    STATUSES,
    parse_status,
    status_key,
)
from loaders.clean.text import (
    CONTROL_CHARS as CONTROL_CHARS,
    DROPPED_CHARS as DROPPED_CHARS,
    PLACEHOLDERS as PLACEHOLDERS,
    normalise_header,
    normalise_text,
)

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
