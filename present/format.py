"""Number formats, one place for all pages, tables and charts. No Streamlit here.

Rates: one decimal, "85.3%". Money is 万元 internally; shown in 万元, or 亿元
from 10,000万 up (English: ¥ million, or billion from 1,000 million up).
Deltas carry ▲ / ▼; rate deltas are in percentage points.
"""
from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np

from metrics import MEASURES

DASH = "—"
WAN_PER_YI = 10_000  # 1亿 = 10,000万
# Characters that mean something in Streamlit's Markdown (links, emphasis, :colour[..],
# :material/icons:, $math$, HTML) are backslash-escaped. GFM also turns bare
# "https://…", "www.…" and e-mail addresses into links after parsing, whatever the
# escapes, so an invisible WORD JOINER goes before ':', '@' and the '.' of "www." to
# break them; nowhere else, since it is copied with the text ("1.2亿元" must paste
# as typed).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&^@])")
_JOINER = "\u2060"


def md(text) -> str:
    """Data (a unit or region name, a URL parameter) made safe to put into Markdown text:
    subheaders, captions and messages render Markdown, so "[x](http://…)" would be a link."""
    text = str(text)

    def escape(match: re.Match) -> str:
        ch = match.group(1)
        www = ch == "." and text[max(0, match.start() - 3):match.start()].lower() == "www"
        return f"{_JOINER}\\{ch}" if ch in ":@" or www else f"\\{ch}"
    return _MARKDOWN.sub(escape, text)


def number(value) -> float | None:
    """A figure as a float, or None when it is missing (None, NaN, not a number)."""
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def rate(value) -> str:
    """85.3%, to one decimal, except at the ends: a rate short of 100% never reads
    100.0% (2,390 of 2,391 tasks started is 99.9%) and one above 0 never reads 0.0%
    (<0.1%). A figure read out at a briefing must not praise or shame a unit for
    what rounding did."""
    if _missing(value):
        return DASH
    return "<0.1%" if 0 < value < 0.0005 else f"{float(rate_points(value)):.1f}%"


def rate_points(value):
    """A rate (or an array of them) in percent, for a table or chart that shows one
    decimal: 0.99958 is 99.9, never 100.0 (what would round up to it is held at 99.9);
    1 is 100; other values keep their precision. NaN stays NaN."""
    rates = np.asarray(value, dtype="float64")
    return np.where((rates >= 0.9995) & (rates < 1), 99.9, rates * 100)[()]


def count(value) -> str:
    return DASH if _missing(value) else f"{int(value):,}"


def compact(value, lang: str = "zh") -> str:
    """A count short enough for a tile: 9,687 / 968.7万 / 1.23亿 (en: 9,687 / 968.7k / 9.69 m / 1.23 bn)."""
    if _missing(value):
        return DASH
    value = int(value)
    size = abs(value)
    if lang == "zh":
        if size >= 100_000_000:
            return f"{value / 100_000_000:,.2f}亿"
        if size >= 10_000:
            return f"{value / 10_000:,.1f}万"
        return f"{value:,}"
    if size >= 1_000_000_000:
        return f"{value / 1_000_000_000:,.2f} bn"
    if size >= 1_000_000:
        return f"{value / 1_000_000:,.2f} m"
    if size >= 100_000:
        return f"{value / 1_000:,.1f}k"
    return f"{value:,}"


def money(value, lang: str = "zh") -> str:
    """An amount in 万元."""
    if _missing(value):
        return DASH
    if lang == "en":
        millions = value / 100  # 1万元 = 10,000 yuan = 0.01 million
        if abs(millions) >= 1000:
            return f"¥{millions / 1000:,.2f} bn"
        return f"¥{millions:,.1f} m"
    if abs(value) >= WAN_PER_YI:
        return f"{value / WAN_PER_YI:,.2f}亿元"
    return f"{value:,.1f}万元"


def people(value, lang: str = "zh") -> str:
    """Person-visits; from 100,000 up in 万 (zh) or millions (en), so a tile stays short."""
    if _missing(value):
        return DASH
    value = int(value)
    if lang == "zh":
        return f"{value / 10_000:,.1f}万人次" if abs(value) >= 100_000 else f"{value:,}人次"
    return f"{value / 1_000_000:,.2f} m" if abs(value) >= 1_000_000 else f"{value:,}"


def score(value) -> str:
    """Composite score on a 100-point scale."""
    return DASH if _missing(value) else f"{value * 100:.1f}"


def measure(key: str, value, lang: str = "zh") -> str:
    """Format a value of any measure in metrics.MEASURES (or composite)."""
    if key == "composite":
        return score(value)
    kind = MEASURES[key].kind
    if kind == "rate":
        return rate(value)
    if kind == "money":
        return money(value, lang)
    if kind == "people":
        return people(value, lang)
    return count(value)


def _arrow(delta: float) -> str:
    return "▲" if delta > 0 else "▼"


def delta(key: str, value, lang: str = "zh") -> str | None:
    """A change against the previous month: "▲1.2个百分点", "▼3", "持平". None when unknown."""
    if _missing(value):
        return None
    kind = "score" if key == "composite" else MEASURES[key].kind
    if kind in ("rate", "score"):
        points = round(value * 100, 1)
        if points == 0:
            return "持平" if lang == "zh" else "no change"
        unit = ("个百分点" if lang == "zh" else " pp") if kind == "rate" else ("分" if lang == "zh" else " pts")
        return f"{_arrow(points)}{abs(points):.1f}{unit}"
    if kind == "money":
        if round(value, 1) == 0:
            return "持平" if lang == "zh" else "no change"
        return f"{_arrow(value)}{money(abs(value), lang)}"
    if int(value) == 0:
        return "持平" if lang == "zh" else "no change"
    shown = people(abs(value), lang) if kind == "people" else count(abs(value))
    return f"{_arrow(value)}{shown}"


def delta_color(key: str, value) -> str:
    """st.metric colour for a delta: green when better, red when worse, grey otherwise."""
    if _missing(value) or key not in MEASURES and key != "composite":
        return "gray"
    better = True if key == "composite" else MEASURES[key].higher_is_better
    shown = round(value * 100, 1) if (key == "composite" or MEASURES[key].kind == "rate") else round(value, 1)
    if better is None or shown == 0:
        return "gray"
    return "green" if (shown > 0) == better else "red"


def month(value: dt.date | None, lang: str = "zh") -> str:
    if value is None:
        return DASH
    return f"{value.year}年{value.month}月" if lang == "zh" else value.strftime("%b %Y")


def month_key(value: dt.date) -> str:
    """The URL form of a report month: 2021-06."""
    return f"{value.year:04d}-{value.month:02d}"


def parse_month_key(text: str | None) -> dt.date | None:
    try:
        year, mon = str(text).split("-")
        return dt.date(int(year), int(mon), 1)
    except (ValueError, TypeError):
        return None


def change(label, lang: str = "zh") -> str:
    """A rank change as shown: ▲2, ▼1, = and 新 (English: new); blank when there is none."""
    if not isinstance(label, str):
        return ""
    return "new" if lang == "en" and label == "新" else label


def changes(labels, lang: str = "zh") -> list[str]:
    """change() of a whole column, the language read once by the caller."""
    return [change(label, lang) for label in labels]
