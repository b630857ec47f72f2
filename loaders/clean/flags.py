"""The completed flag (是否完成): 是/否 and friends -> bool."""
from __future__ import annotations

from loaders.clean.errors import CellError
from loaders.clean.text import PLACEHOLDERS, _orig, normalise_text

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
