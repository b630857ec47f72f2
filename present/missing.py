"""Missing is not zero, in words: why a figure is "—", and for how much of the
scope a figure stands, phrased from the catalogue (present/strings_missing.py) for
tiles, tables, charts and the reports. No Streamlit here: every function takes
the language, so the 通报 (PDF, Word, Excel) says exactly what the pages say.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from metrics import Kpi, missing_counts
from present.catalogue import text


def reason(code: str, lang: str) -> str:
    return text(f"missing.{code}", lang)


def _noun(entity: str, count: int, lang: str) -> str:
    """units / regions / months / categories, or the singular for one (English)."""
    return text(f"missing.entity.{entity}" + (".one" if count == 1 else ""), lang)


def _measure(key: str, lang: str) -> str:
    return text(f"m.{key}", lang)


def tile_help(kpi: Kpi, lang: str) -> str:
    """A tile's tooltip: the measure's definition, then why it is "—" or what it stands for."""
    words = text(f"help.{kpi.key}", lang)
    if kpi.missing:
        return f"{text('missing.tile', lang, reason=reason(kpi.missing, lang))} {words}"
    if kpi.coverage:
        covered, tasks = kpi.coverage
        return f"{words} {text('missing.coverage', lang, covered=f'{covered:,}', tasks=f'{tasks:,}')}"
    return words


def tiles_note(kpis: dict[str, Kpi], keys: Iterable[str], lang: str) -> str | None:
    """The line under a row of tiles: each "—" with its reason, and the figures made of
    only some ledgers with their share; measures sharing a reason or share are named
    together. None when every figure is whole."""
    dashes: dict[str, list[str]] = {}
    partial: dict[tuple[int, int], list[str]] = {}
    for key in keys:
        kpi = kpis[key]
        if kpi.missing and kpi.missing != "no_tasks":
            dashes.setdefault(kpi.missing, []).append(_measure(key, lang))
        elif kpi.coverage:
            partial.setdefault(kpi.coverage, []).append(_measure(key, lang))
    sep, comma = text("missing.sep", lang), "、" if lang == "zh" else ", "
    lines = []
    if dashes:
        lines.append(text("missing.row_note", lang, notes=sep.join(
            text("missing.row_item", lang, measure=comma.join(names), reason=reason(code, lang))
            for code, names in dashes.items())))
    if partial:
        lines.append(text("missing.partial_note", lang, notes=sep.join(
            text("missing.coverage_item", lang, measure=comma.join(names), covered=f"{covered:,}", tasks=f"{tasks:,}")
            for (covered, tasks), names in partial.items())))
    return " ".join(lines) or None


def table_note(frame: pd.DataFrame, keys: Iterable[str], entity: str, lang: str) -> str | None:
    """The line under a table (or chart) of units, regions or months: how many show "—"
    for each measure and why; None when none does. `entity`: unit, region or month."""
    found = missing_counts(frame, list(keys))
    if not found:
        return None
    grouped: dict[tuple[str, int], list[str]] = {}  # measures sharing a reason and a count are named together
    for key, counts in found.items():
        for code, count in counts.items():
            grouped.setdefault((code, count), []).append(_measure(key, lang))
    comma = "、" if lang == "zh" else ", "
    items = [text("missing.table_item", lang, measure=comma.join(names), count=f"{count:,}",
                  entity=_noun(entity, count, lang), reason=reason(code, lang))
             for (code, count), names in grouped.items()]
    return text("missing.table_note", lang, notes=text("missing.sep", lang).join(items))


def composite_note(frame: pd.DataFrame, entity: str, lang: str) -> str | None:
    """Under a league table by the composite: how many entities lack some of its rates
    (their weights were shared out among the others); None when none does."""
    if "composite_parts_missing" not in frame or not len(frame):
        return None
    count = int((pd.to_numeric(frame["composite_parts_missing"], errors="coerce").fillna(0) > 0).sum())
    if not count:
        return None
    return text("missing.composite" + (".one" if count == 1 else ""), lang, count=f"{count:,}",
                entity=_noun(entity, count, lang))


def chart_note(names: list[str], codes: list[str | None], lang: str, measure: str | None = None) -> str | None:
    """Under a bar chart: the bars not drawn because their figure is missing, by reason;
    `measure` names the bars when the chart draws several per name (planned and actual)."""
    by_reason: dict[str, list[str]] = {}
    for name, code in zip(names, codes):
        if code and code != "no_tasks":
            by_reason.setdefault(code, []).append(name)
    if not by_reason:
        return None
    comma = "、" if lang == "zh" else ", "
    key, extra = ("missing.chart_note_measure", {"measure": _measure(measure, lang)}) if measure \
        else ("missing.chart_note", {})
    return " ".join(text(key, lang, names=comma.join(found), reason=reason(code, lang), **extra)
                    for code, found in by_reason.items())
