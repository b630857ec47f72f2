"""Status words: a status cell ("已完成", "推进中", "未完成，正在推进") ->
not_started / in_progress / completed (parse_status, status_key)."""
# mypy: ignore-errors
# (as pyproject's gradual list did for loaders.clean: these errors predate the split)
from __future__ import annotations

import re

from loaders.clean.errors import CellError
from loaders.clean.text import PLACEHOLDERS, _orig, normalise_text

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED)

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
