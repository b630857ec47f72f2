"""Task rows of a located ledger -> an Arrow table in the contract's columns.

Each distinct cell text is parsed once (a status column of 500k rows holds a
dozen distinct words), so the pure parsers of clean.py stay simple while the
whole step stays vectorised; amounts and counts that are plain numbers are
parsed as a column (parse_amounts, parse_counts). A cell that cannot be parsed
becomes a Problem with its place; nothing is guessed and nothing raises per row.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loaders import clean
from loaders.locate import Layout, RowBand, filled_column, unit_from_sheet_name
from loaders.problems import Problem
from taizhang.names import canonical_unit


@dataclass
class Normalised:
    table: pa.Table  # contract columns for every task row, good or bad
    problems: list[Problem]
    bad_rows: np.ndarray  # positions (into table) of rows with a problem
    units: list[str] = field(default_factory=list)
    # how each good row's status was decided: "word", "flag", "percent" or "rule:<code>" -> rows
    status_sources: dict[str, int] = field(default_factory=dict)


def _parse_distinct(values: pa.Array, parse, out_type: pa.DataType):
    """Apply `parse` once per distinct value. Returns (result array, {dict index: CellError}, indices)."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    distinct = encoded.dictionary.to_pylist()
    parsed = []
    errors: dict[int, clean.CellError] = {}
    for i, value in enumerate(distinct):
        try:
            parsed.append(parse(value))
        except clean.CellError as error:
            errors[i] = error
            parsed.append(None)
    result = pc.take(pa.array(parsed, type=out_type), encoded.indices)
    return result, errors, np.asarray(encoded.indices.fill_null(-1))


# Cells clean.parse_amount takes by its common case (_SIMPLE_NUMBER after
# normalise_text, which leaves plain ASCII digits as they are): parsed here as a
# column by Arrow's cast, which rounds correctly like float(Decimal(text)).
# At most 28 characters, so that Decimal's product by the unit (28 significant
# digits) is exact and the one rounding is the cast's. The unit becomes an
# exponent on the text ("80000e-4"): still one correctly rounded conversion of
# the exact value. Everything else (blanks, "1,234.5", "80000元", negatives,
# words) goes to clean.parse_amount, once per distinct cell.
_PLAIN_AMOUNT = r"^[0-9]+(?:\.[0-9]+)?$"
_PLAIN_AMOUNT_MAX = 28
_UNIT_EXPONENT = {"万元": "", "元": "e-4", "亿元": "e4"}
# clean.parse_count's common case (ASCII digits); ten digits stay under MAX_COUNT.
_PLAIN_COUNT = r"^[0-9]{1,10}$"


def _is_text(values: pa.Array) -> bool:
    return pa.types.is_string(values.type) or pa.types.is_large_string(values.type)


def _plain_cells(values: pa.Array, pattern: str, max_length: int | None = None) -> pa.Array:
    """Which cells match `pattern` (False for blanks), as a boolean array without nulls."""
    mask = pc.match_substring_regex(values, pattern)
    if max_length is not None:
        mask = pc.and_(mask, pc.less_equal(pc.utf8_length(values), max_length))
    return pc.fill_null(mask, False)


def _parse_rest(values: pa.Array, plain: pa.Array, parsed: pa.Array, parse, out_type: pa.DataType):
    """`parsed` where `plain`, else `parse` once per distinct remaining cell
    (_parse_distinct's result, errors and indices; plain cells index -1)."""
    if not pc.all(plain).as_py():
        rest = pc.if_else(plain, pa.nulls(len(values), values.type), values)
        result, errors, idx = _parse_distinct(rest, parse, out_type)
        return pc.if_else(plain, parsed, result), errors, idx
    return parsed, {}, np.full(len(values), -1, dtype=np.int64)


def parse_amounts(values: pa.Array, default_unit: str | None = "万元"):
    """clean.parse_amount over a column of cell texts, in 万元: the plain numbers as a
    column, the other cells one distinct value at a time. Returns (float64 array,
    {dictionary index: CellError}, dictionary index per row), as _parse_distinct."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    default_unit = default_unit or "万元"
    parse = functools.partial(clean.parse_amount, default_unit=default_unit)
    if not _is_text(values):  # cells not as text (no reader gives that): all through the parser
        return _parse_distinct(values, parse, pa.float64())
    plain = _plain_cells(values, _PLAIN_AMOUNT, _PLAIN_AMOUNT_MAX)
    text = pc.if_else(plain, values, pa.nulls(len(values), values.type))
    exponent = _UNIT_EXPONENT[default_unit]
    if exponent:
        text = pc.binary_join_element_wise(text, pa.scalar(exponent, values.type), pa.scalar("", values.type))
    number = pc.cast(text, pa.float64())
    return _parse_rest(values, plain, number, parse, pa.float64())


def parse_counts(values: pa.Array):
    """clean.parse_count over a column, the plain digit cells as a column (see parse_amounts)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not _is_text(values):
        return _parse_distinct(values, clean.parse_count, pa.int64())
    plain = _plain_cells(values, _PLAIN_COUNT)
    number = pc.cast(pc.if_else(plain, values, pa.nulls(len(values), values.type)), pa.int64())
    return _parse_rest(values, plain, number, clean.parse_count, pa.int64())


class _Collector:
    def __init__(self, layout: Layout, file_name: str, rows: np.ndarray):
        self.layout = layout
        self.file_name = file_name
        self.rows = rows  # grid rows, one per task
        self.problems: list[Problem] = []
        self.bad = np.zeros(len(rows), dtype=bool)
        self.sources: dict[str, np.ndarray] = {}

    def add(self, code: str, positions: np.ndarray, field_name: str | None, value=None, **params):
        grid = self.layout.grid
        col = self.layout.fields.get(field_name) if field_name else None
        column = grid.excel_column(col) if col is not None else None
        column_name = self.layout.headers.get(field_name) if field_name else None
        self.bad[positions] = True
        for pos in positions:
            self.problems.append(
                Problem(
                    code,
                    file=self.file_name,
                    sheet=grid.name,
                    row=grid.excel_row(int(self.rows[pos])),
                    column=column,
                    column_name=column_name,
                    params={"value": "" if value is None else str(value), **params},
                )
            )

    def add_errors(self, errors: dict, indices: np.ndarray, field_name: str):
        for dict_index, error in errors.items():
            self.add(error.code, np.nonzero(indices == dict_index)[0], field_name, error.value)


def _column(layout: Layout, name: str, rows: np.ndarray) -> pa.Array | None:
    col = layout.fields.get(name)
    if col is None:
        return None
    return filled_column(layout.grid, col, rows)


def _text(values: pa.Array | None, n: int, nfkc: bool = True) -> pa.Array:
    """clean.normalise_text, vectorised: titles are mostly distinct, so per-value Python costs.
    nfkc=False keeps the characters as written (full-width ，and ％ in progress notes)."""
    if values is None:
        return pa.nulls(n, pa.string())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if n > 4 * _SAMPLE:
        # Titles and notes are nearly all distinct: hashing every cell to learn that
        # costs more than the cleaning it would save. A spread sample tells.
        sample = pc.take(values, pa.array(np.arange(0, n, n // _SAMPLE, dtype=np.int64)))
        if len(pc.unique(sample)) * 4 >= len(sample):
            return _clean_text(values, nfkc)
    encoded = pc.dictionary_encode(values)
    if len(encoded.dictionary) * 4 < max(n, 1):
        # Few distinct values (units, regions, categories): clean each once.
        return pc.take(_clean_text(encoded.dictionary, nfkc), encoded.indices)
    return _clean_text(values, nfkc)


_SAMPLE = 2048  # cells looked at to tell a column of few distinct texts from one of many

# Python's \s, which clean.normalise_text collapses: wider than RE2's \s
# ([\t\n\f\r ]), it also takes the vertical tab, \x1c-\x1f, NEL, U+2028/2029
# and the Unicode spaces NFKC leaves alone.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_WHITESPACE_RUN = "[" + _WHITESPACE + "]+"
# clean.py's dropped characters (zero-width ones and non-whitespace controls),
# as RE2 escapes: the pattern must not hold a raw NUL.
_DROPPED = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in clean.DROPPED_CHARS) + "]"
# Cells the two replacements below would change: one matching pass is cheaper
# than two rewriting passes, and most ledgers have no such cell at all.
_NEEDS_REPLACING = f"{_DROPPED}|[{_WHITESPACE.replace(' ', '')}]|  "


def _clean_text(values: pa.Array, nfkc: bool = True) -> pa.Array:
    text = pc.utf8_normalize(values, "NFKC") if nfkc else values
    if pc.any(pc.match_substring_regex(text, _NEEDS_REPLACING)).as_py():
        text = pc.replace_substring_regex(text, _DROPPED, "")
        text = pc.replace_substring_regex(text, _WHITESPACE_RUN, " ")
    text = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def normalise(
    layout: Layout,
    band: RowBand,
    file_name: str,
    report_month: dt.date,
    unit_override: str | None = None,
    region_override: str | None = None,
    extra_words: dict[str, str] | None = None,
) -> Normalised:
    """`extra_words`: status words mapped by an admin for everyone; the sheet's
    own mapping (layout.mapped) adds to them."""
    rows = band.task_rows
    n = len(rows)
    out = _Collector(layout, file_name, rows)

    title = _text(_column(layout, "title", rows), n)
    out.add("blank_title", np.nonzero(~np.asarray(title.is_valid(), dtype=bool))[0], "title")

    # unit: the 单位 column, else 乡镇, else 县区, else --unit or the 填报单位 line.
    region = _text(_column(layout, "region", rows), n)
    unit_field = next((f for f in ("unit", "township", "region") if f in layout.fields), None)
    if unit_field is not None:
        unit = _canonical_units(_text(_column(layout, unit_field, rows), n))
        if unit_override:
            unit = pc.fill_null(unit, unit_override)
        out.add("blank_unit", np.nonzero(~np.asarray(unit.is_valid(), dtype=bool))[0], unit_field)
    else:
        name = unit_override or canonical_unit(layout.filer) or unit_from_sheet_name(layout.sheet)
        unit = pa.array([name] * n, type=pa.string())
    if region_override:
        region = pc.fill_null(region, region_override)

    category = _text(_column(layout, "category", rows), n)
    if band.group_category is not None:
        category = pc.coalesce(category, band.group_category)

    person = _text(_column(layout, "person", rows), n)

    status_final, status_rule, note, pct = _status(layout, rows, out, extra_words)
    sources = _count_sources(status_final, status_rule, out)

    def money(name: str) -> pa.Array:
        values = _column(layout, name, rows)
        if values is None:
            return pa.nulls(n, pa.float64())
        default_unit = layout.units.get(name) or "万元"
        result, errors, idx = parse_amounts(values, default_unit)
        out.add_errors(errors, idx, name)
        return result

    planned = money("planned_investment")
    actual = money("actual_investment")

    beneficiaries = pa.nulls(n, pa.int64())
    values = _column(layout, "beneficiaries", rows)
    if values is not None:
        beneficiaries, errors, idx = parse_counts(values)
        out.add_errors(errors, idx, "beneficiaries")

    deadline = pa.nulls(n, pa.date32())
    values = _column(layout, "deadline", rows)
    if values is not None:
        deadline, errors, idx = _parse_distinct(
            values, lambda v: clean.parse_date(v, report_month), pa.date32()
        )
        out.add_errors(errors, idx, "deadline")

    satisfaction, satisfaction_score = pa.nulls(n, pa.string()), pa.nulls(n, pa.float64())
    values = _column(layout, "satisfaction", rows)
    if values is not None:
        results, errors, idx = _distinct(values, clean.parse_satisfaction)
        out.add_errors(errors, idx, "satisfaction")
        satisfaction = pa.array(_per_row(results, idx, lambda r: r[0]).tolist(), type=pa.string())
        satisfaction_score = pa.array(_per_row(results, idx, lambda r: r[1]).tolist(), type=pa.float64())

    source_rows = pa.array(np.asarray(rows, dtype=np.int32) + np.int32(layout.grid.excel_row(0)), type=pa.int32())
    table = pa.table(
        {
            "report_month": pa.array([report_month] * n, type=pa.date32()),
            "region": region,
            "unit": unit,
            "title": title,
            "category": category,
            "status": status_final,
            "deadline": deadline,
            "planned_investment": planned,
            "actual_investment": actual,
            "beneficiaries": beneficiaries,
            "responsible_person": person,
            "source_sheet": pa.array([layout.grid.name] * n, type=pa.string()),
            "source_row": source_rows,
            "progress_note": note,
            "progress_pct": pct,
            "status_rule": status_rule,
            "satisfaction": satisfaction,
            "satisfaction_score": satisfaction_score,
        }
    )
    units = sorted(u for u in pc.unique(unit).to_pylist() if u is not None)
    out.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return Normalised(table=table, problems=out.problems, bad_rows=np.nonzero(out.bad)[0], units=units,
                      status_sources=sources)


def _canonical_units(units: pa.Array) -> pa.Array:
    """clean.canonical_unit once per distinct name (a column holds a few dozen units)."""
    encoded = pc.dictionary_encode(units)
    names = [canonical_unit(u) for u in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(names, type=pa.string()), encoded.indices)


# --- status --------------------------------------------------------------------

_CLAUSE_MARKS = frozenset("，,。；;、:：")


def _word_like(text: str) -> bool:
    """Whether a cell no rule placed is a status *word* to ask about (the mapping
    step) rather than progress text to take as in progress. Progress text is
    written in Chinese and reads like a sentence: longer than six characters,
    or with a figure or a clause mark ("协调资金，已到位30万")."""
    chinese = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if chinese < 2:
        return True  # "=1+1", "ok", "??": not a sentence about progress
    return len(text) <= 6 and not any(ch.isdigit() or ch in _CLAUSE_MARKS for ch in text)


def _distinct(values: pa.Array, parse) -> tuple[list, dict[int, clean.CellError], np.ndarray]:
    """`parse` once per distinct value: (results per distinct value, errors, indices per row)."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    results, errors = [], {}
    for i, value in enumerate(encoded.dictionary.to_pylist()):
        try:
            results.append(parse(value))
        except clean.CellError as error:
            errors[i] = error
            results.append(None)
    return results, errors, np.asarray(encoded.indices.fill_null(-1))


def _per_row(results: list, indices: np.ndarray, pick) -> np.ndarray:
    """An object array with pick(result) for every row (None where blank)."""
    table = np.array([pick(r) if r is not None else None for r in results] + [None], dtype=object)
    return table[indices]  # index -1 (blank) takes the trailing None


# numpy's stubs take no None as an operand of np.equal or np.where; this 0-d
# object array is what numpy makes of a None there, so the results are the same.
_NONE = np.array(None, dtype=object)
_UNKNOWN = ("?", None)  # a short word no rule knows: asked about only if nothing else decides the row


def _text_statuses(values: pa.Array, words: dict[str, str]):
    """Per row of a status or progress text column: the status and the rule that
    decided it (None for a status word), and where the cell was a word nobody knows."""
    def classify(value):
        found = clean.classify_progress(value, words)
        if found is not None and found[1] == "other_text" and _word_like(clean.normalise_text(value) or ""):
            return _UNKNOWN
        return found

    results, _, idx = _distinct(values, classify)
    status = _per_row(results, idx, lambda r: None if r is _UNKNOWN else r[0])
    rule = _per_row(results, idx, lambda r: None if r is _UNKNOWN else r[1])
    unknown = np.equal(_per_row(results, idx, lambda r: r is _UNKNOWN), True)
    return status, rule, unknown


def _status(layout: Layout, rows: np.ndarray, out: _Collector, extra_words: dict[str, str] | None):
    """Status of every task row, in this order (README, "Status"): a status word
    in the status column, or 是否完成; a percentage (完成进度); progress text
    classified by clean.PROGRESS_RULES, from the status column or, where the
    sheet has both, the 进展情况 text beside it. A word nobody knows is a problem
    only where nothing else decides the row. Returns status, the rule that
    decided (None where no rule was needed), the progress text as written, and
    the percentage as 0-1."""
    n = len(rows)
    words = {**(extra_words or {}), **(layout.mapped.words if layout.mapped else {})}
    none = np.full(n, None, dtype=object)
    no = np.zeros(n, dtype=bool)

    text_values = _column(layout, "status", rows)
    word, ruled, rule, unknown = none, none, none, no
    if text_values is not None:
        status, rule, unknown = _text_statuses(text_values, words)
        is_word = np.equal(rule, _NONE) & np.not_equal(status, _NONE)
        word, ruled = np.where(is_word, status, _NONE), np.where(is_word, _NONE, status)
    note_values = _column(layout, "progress", rows)
    if note_values is not None:  # a second text column: the free 进展情况 beside a status column
        note = _text(note_values, n, nfkc=False)
        note_status, note_rule, note_unknown = _text_statuses(note_values, words)
        take = np.equal(ruled, _NONE) & np.not_equal(note_status, _NONE)
        ruled = np.where(take, note_status, ruled)
        # a word from the note column counts as a rule-free word only where it decides
        rule = np.where(take, np.where(np.equal(note_rule, _NONE), "word", note_rule), rule)
    else:
        note = _text(text_values, n, nfkc=False) if text_values is not None else pa.nulls(n, pa.string())
        note_unknown = no

    flag = none
    flag_values = _column(layout, "completed_flag", rows)
    if flag_values is not None:
        results, errors, idx = _distinct(flag_values, clean.parse_completed_flag)
        out.add_errors(errors, idx, "completed_flag")
        flag = _per_row(results, idx, lambda r: r)

    pct, pct_status = pa.nulls(n, pa.float64()), none
    pct_values = _column(layout, "progress_pct", rows)
    if pct_values is not None:
        fractions = clean.percent_column_is_fraction(pc.unique(pct_values).to_pylist())

        def percent_or_word(value):
            try:
                fraction = clean.parse_percent(value, fractions=fractions)
            except clean.CellError:
                found = clean.parse_status(value, words)  # a word where a percentage was expected
                if found is None:
                    raise
                return (None, found)
            if fraction is None:
                return None
            return (fraction, clean.COMPLETED if fraction >= 1 else clean.NOT_STARTED if fraction == 0
                    else clean.IN_PROGRESS)

        results, errors, idx = _distinct(pct_values, percent_or_word)
        for error in errors.values():  # neither a percentage nor a status word
            error.code = "bad_percent"
        out.add_errors(errors, idx, "progress_pct")
        pct = pa.array(_per_row(results, idx, lambda r: r[0]).tolist(), type=pa.float64())
        pct_status = _per_row(results, idx, lambda r: r[1])

    # A status word and 是否完成 must agree.
    flag_yes, flag_no = np.equal(flag, True), np.equal(flag, False)
    has_word = np.not_equal(word, _NONE)
    completed = np.equal(word, clean.COMPLETED)
    conflict = has_word & ((flag_yes & ~completed) | (flag_no & completed))
    # a conflict needs both a status word and a 是否完成 value, so both columns
    if conflict.any() and text_values is not None and flag_values is not None:
        raw_status = text_values.to_pylist()
        raw_flag = flag_values.to_pylist()
        for pos in np.nonzero(conflict)[0]:
            out.add("status_conflict", np.array([pos]), "status", raw_status[pos], flag=raw_flag[pos])

    # 否 says "not completed": not started where the percentage or the text says so.
    not_done = np.where(np.equal(pct_status, clean.NOT_STARTED) | np.equal(ruled, clean.NOT_STARTED),
                        clean.NOT_STARTED, clean.IN_PROGRESS)
    decided = np.where(has_word, word, np.where(flag_yes, clean.COMPLETED, np.where(flag_no, not_done, _NONE)))
    by_percent = np.equal(decided, _NONE) & np.not_equal(pct_status, _NONE)
    decided = np.where(by_percent, pct_status, decided)
    by_text = np.equal(decided, _NONE) & np.not_equal(ruled, _NONE)
    decided = np.where(by_text, ruled, decided)
    rule_used = np.where(by_text, rule, _NONE)
    by_word_in_note = np.equal(rule_used, "word")
    rule_used = np.where(by_word_in_note, _NONE, rule_used)

    undecided = np.equal(decided, _NONE) & ~out.bad
    # A word nobody knows, where nothing else decided: the mapping step asks about it.
    for field_name, values, mask in (("status", text_values, unknown), ("progress", note_values, note_unknown)):
        ask = undecided & mask
        if ask.any() and values is not None:  # the mask is all False without the column
            raw = values.to_pylist()
            for pos in np.nonzero(ask)[0]:
                out.add("bad_status", np.array([pos]), field_name, str(raw[pos]).strip())
            undecided &= ~ask
    if flag_values is not None and text_values is None:
        blank_field = "completed_flag"
    elif pct_values is not None and text_values is None:
        blank_field = "progress_pct"
    else:
        blank_field = "status"
    out.add("blank_status", np.nonzero(undecided)[0], blank_field)
    out.sources = {
        "word": has_word | by_word_in_note, "flag": ~has_word & (flag_yes | flag_no), "percent": by_percent,
        "rule": by_text & ~by_word_in_note,
    }
    return (pa.array(decided.tolist(), type=pa.string()), pa.array(rule_used.tolist(), type=pa.string()),
            note, pct)


def _count_sources(status: pa.Array, rule: pa.Array, out: _Collector) -> dict[str, int]:
    """How many good rows each source decided: the upload result lists them, so a
    clerk sees which statuses were read from words and which a rule inferred."""
    good = ~out.bad
    counts = {name: int((mask & good).sum()) for name, mask in out.sources.items() if name != "rule"}
    rules = np.asarray(rule.to_numpy(zero_copy_only=False), dtype=object)
    for code in sorted({r for r in rules[good] if r is not None}):
        counts[f"rule:{code}"] = int(((rules == code) & good).sum())
    return {k: v for k, v in counts.items() if v}
