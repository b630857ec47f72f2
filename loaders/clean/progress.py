"""Free-text progress: a 进展情况 sentence -> (status, rule code) by
PROGRESS_RULES. The rules are documented in the package docstring
(loaders/clean/__init__.py), which README quotes."""
# mypy: ignore-errors
# (as pyproject's gradual list did for loaders.clean: these errors predate the split)
from __future__ import annotations

import re
from typing import Callable, NamedTuple

from loaders.clean.errors import CellError
from loaders.clean.status import COMPLETED, IN_PROGRESS, NOT_STARTED, parse_status
from loaders.clean.text import PLACEHOLDERS, normalise_text

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
# What is left of a task done in part: "其余2个", "剩余3项", "还有1处", "尚有", "仍有".
_REMAINDER = r"其余|剩余|剩下|余下|还有|尚有|仍有"
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
    # "已建成4个，其余2个正在选址", "完成3项，剩余2项年底完成": part done, the rest is not.
    ProgressRule("remainder",
                 re.compile(r"^(?=.*(?:" + _DONE_CLAUSE + r"))(?=.*(?:" + _REMAINDER + r"))"), IN_PROGRESS),
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
