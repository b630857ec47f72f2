"""综合得分 (the composite score) in words for leaders: which rates it averages, each
with its share of 100%. No Streamlit here: the rankings page, its Excel league table
and anything else that explains the score say it the same way.

The configured weights ([ranking.weights]) are relative: the score divides by the
weights of the rates a unit has (metrics/sql/ranking.sql), so only their shares count.
"""
from __future__ import annotations

from collections.abc import Mapping

from present.catalogue import text


def shares(weights: Mapping[str, float]) -> list[tuple[str, int]]:
    """Each weighted rate's share of the composite, in tenths of a percent, largest first:
    0.3 of 0.5 + 0.3 + 0.2 + 0.1 + 0.1 is 25%. Rounded by largest remainder, so the
    shares shown add up to exactly 100%."""
    weighted = sorted(((k, float(w)) for k, w in weights.items() if w > 0), key=lambda kw: -kw[1])
    total = sum(w for _, w in weighted)
    exact = [round(w / total * 1000, 9) for _, w in weighted]  # 249.99999999999997 is 250
    tenths = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - tenths[i]), i))
    for i in by_remainder[:1000 - sum(tenths)]:
        tenths[i] += 1
    return [(k, n) for (k, _), n in zip(weighted, tenths)]


def explain(weights: Mapping[str, float], lang: str) -> str:
    """The composite for leaders: its rates with their shares of 100%, and what happens
    to a rate a unit lacks (no settings file or path: nothing a reader can act on)."""
    said = []
    for key, tenths in shares(weights):
        label = text(f"m.{key}", lang)
        space = "" if label.endswith("）") else " "  # 群众满意率（单位自评）8.3%
        said.append(f"{label}{space}{tenths // 10}{'' if tenths % 10 == 0 else f'.{tenths % 10}'}%")
    return text("help.composite", lang, shares=("、" if lang == "zh" else ", ").join(said))
