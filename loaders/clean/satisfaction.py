"""People's satisfaction (群众满意度): words or scores -> (level, score)."""
from __future__ import annotations

import re

from loaders.clean.errors import CellError
from loaders.clean.text import PLACEHOLDERS, _orig, normalise_text

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
