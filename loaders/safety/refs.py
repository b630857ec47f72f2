"""Cell references (`r="XFD1048576"`, `ref="A1:B2"`) and the regexes that find them.

The sheet scan's fast path never looks at single cells: one search per chunk
for the references that could change its verdict (a column after k, a row
above tau). These helpers build those searches and parse what they find.
"""
from __future__ import annotations

import functools
import re

from loaders.problems import column_letter

from . import limits


def _letters(lo: int, hi: int) -> bytes:
    """A class of the letters with 1-based index lo..hi, both cases."""
    a, b = chr(64 + lo), chr(64 + hi)
    return f"[{a}-{b}{a.lower()}-{b.lower()}]".encode()


def _col_gt(k: int) -> list[bytes]:
    """Alternatives matching column letters after column k, then a digit."""
    alts = [rb"[A-Za-z]{3,}[0-9]"]
    if k < 26:
        alts.append(_letters(k + 1, 26) + rb"[0-9]")
        alts.append(rb"[A-Za-z]{2}[0-9]")
    else:
        first, second = divmod(k - 1, 26)
        second += 1
        if second < 26:
            alts.append(_letters(first, first) + _letters(second + 1, 26) + rb"[0-9]")
        if first < 26:
            alts.append(_letters(first + 1, 26) + rb"[A-Za-z][0-9]")
    return alts


def _num_gt(t: int) -> bytes:
    """A regex matching the start of any decimal number (no leading zero) above t."""
    s = str(t)
    alts = [b"[1-9][0-9]{%d,}" % len(s)]
    for i, ch in enumerate(s):
        if ch != "9":
            rest = len(s) - i - 1
            alts.append(s[:i].encode() + b"[%d-9]" % (int(ch) + 1)
                        + (b"[0-9]{%d}" % rest if rest else b""))
    return b"(?:" + b"|".join(alts) + b")"


@functools.lru_cache(maxsize=4096)
def _event_re(k: int, tau: int) -> re.Pattern:
    """` r="…"` references with a column after k or a row above tau: the only
    ones that can change the verdict. Everything else is skipped in C."""
    return re.compile(b' r="(?:' + b"|".join(_col_gt(k)) + b"|[A-Za-z]{0,2}0*" + _num_gt(tau) + b")")


_REF_VALUE = re.compile(rb"([A-Za-z]*)([0-9]*)")
_BIG = rb"(?:[A-Za-z]{3,}[0-9]|[A-Za-z]{1,2}0*[1-9][0-9]{4})"
_BIG_RANGE = re.compile(b' ref="(?:' + _BIG + rb"|[A-Za-z]{1,3}[0-9]+:" + _BIG + b")")
_SLOW_TAG = re.compile(
    rb"""<(?:(/)(?:[A-Za-z_][\w.-]*:)?(row)\s*>|(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])"""
    rb"""((?:[^>"']++|"[^"]*+"|'[^']*+')*+)(>)?)""")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ANY_PREFIX_TAG = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
_NO_PREFIX_TAG = re.compile(rb"<(?:c|row)[\s/>]")
_PREFIXED_HINT = re.compile(rb":(?:c|row)[\s/>]")


@functools.lru_cache(maxsize=16)
def _bad_tags(prefix: bytes) -> tuple[re.Pattern, re.Pattern]:
    """<c …> and <row …> tags that do not start with ` r="` (two searches,
    each with a literal prefix, are far cheaper than one alternation)."""
    tail = rb"""(?:[>/\t\n\r]| (?!r="))"""
    return (re.compile(b"<" + re.escape(prefix) + b"c" + tail),
            re.compile(b"<" + re.escape(prefix) + b"row" + tail))


def _col_number(letters: bytes) -> int:
    if len(letters) > 3:
        return limits.MAX_COLS + 1
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _parse_ref(value: bytes) -> tuple[int, int]:
    """b'XFD1048576' -> (16384, 1048576); b'12' (a row) -> (0, 12); 1-based."""
    m = _REF_VALUE.match(value)
    assert m is not None  # both groups may be empty, so the pattern matches any bytes
    letters, digits = m.group(1), m.group(2).lstrip(b"0")
    row = int(digits) if len(digits) <= 9 and digits else (limits.MAX_ROWS + 1 if digits else 0)
    return (_col_number(letters) if letters else 0), row


def _ref_text(ref: bytes | None, col: int, row: int) -> str:
    if ref:
        text = ref.split(b'"')[0].decode("ascii", "replace")
        if 0 < len(text) <= 24:
            return text
    letters = column_letter(col - 1) if 0 < col <= 16_384 else ("" if col == 0 else f"col {col}")
    return f"{letters}{row}" if row <= 10 ** 9 else f"{letters}>{limits.MAX_ROWS}"
