"""Cell text normalisation: NFKC, whitespace, dropped characters, header
matching keys, placeholders ("-", "/"), and the cell text CellError reports."""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

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
