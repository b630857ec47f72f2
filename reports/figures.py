"""The briefing's charts, sized for a projector, from a Bulletin.

Built with the dashboard's figure builders (present/charts.py: one palette, one
font, labels HTML-escaped) and then enlarged: a 1920x1080 slide is read from
the back of a meeting room. Titles and axis names come from the caller, in the
UI language.
"""
from __future__ import annotations

import plotly.graph_objects as go

from present import charts
from reports.bulletin import Bulletin

SLIDE_FONT = 22
MAX_BARS = 15


def _name(value, unknown: str) -> str:
    return value if isinstance(value, str) else unknown


def enlarge(fig: go.Figure, height: int = 760) -> go.Figure:
    fig.update_layout(font=dict(size=SLIDE_FONT), height=height, title_font_size=SLIDE_FONT + 6,
                      margin=dict(l=16, r=48, t=64, b=16), legend=dict(font=dict(size=SLIDE_FONT)))
    fig.update_xaxes(tickfont=dict(size=SLIDE_FONT - 2), title_font_size=SLIDE_FONT)
    fig.update_yaxes(tickfont=dict(size=SLIDE_FONT), title_font_size=SLIDE_FONT)
    fig.update_traces(textfont_size=SLIDE_FONT, selector=dict(type="bar"))
    return fig


def comparison(b: Bulletin, lang: str, *, title: str = "", unknown: str = "") -> go.Figure:
    """Regions by the ranked measure (units of the region when one is chosen), best on top."""
    if b.regions is not None:
        table, column = b.regions.table, "region"
    else:
        table, column = b.units.reported, "unit"
    table = table.head(MAX_BARS)
    labels = [_name(v, unknown) for v in table[column]]
    average = b.kpis[b.measure].value if b.measure in b.kpis else None
    return enlarge(charts.ranked_bars(labels, table["value"].tolist(), b.measure, lang, title=title,
                                      reference=average, reference_label=""))


def movers(b: Bulletin, lang: str, *, title: str = "", unknown: str = "", up_word: str = "",
           down_word: str = "") -> go.Figure:
    """Rank places gained (blue, right) and lost (red, left) since last month."""
    rows = [(f"{charts.safe(r['unit'])}（{charts.safe(_name(r['region'], unknown))}）", int(r["moved"]))
            for frame in (b.movers_down.iloc[::-1], b.movers_up.iloc[::-1]) for _, r in frame.iterrows()]
    fig = go.Figure(go.Bar(
        x=[m for _, m in rows], y=[n for n, _ in rows], orientation="h",
        marker_color=[charts.PRIMARY if m > 0 else charts.ACCENT for _, m in rows],
        text=[f"{up_word}{m}" if m > 0 else f"{down_word}{-m}" for _, m in rows], textposition="outside",
        cliponaxis=False, hoverinfo="skip"))
    top = max([abs(m) for _, m in rows] or [1])
    fig.update_xaxes(range=[-top * 1.3, top * 1.3], zeroline=True, zerolinecolor=charts.MUTED, showticklabels=False)
    fig.update_yaxes(type="category")
    fig.update_layout(template="plotly_white", title=dict(text=title), font=dict(family=charts.FONT_FAMILY),
                      bargap=0.3, showlegend=False)
    return enlarge(fig, height=max(420, 70 * len(rows) + 140))


def investment(b: Bulletin, lang: str, *, title: str = "", unknown: str = "", planned_name: str = "",
               actual_name: str = "") -> go.Figure:
    rows = b.investment[b.investment["planned_investment"] > 0].head(12)
    column = "unit" if b.region else "region"
    fig = charts.planned_actual([_name(v, unknown) for v in rows[column]], rows["planned_investment"].tolist(),
                                rows["actual_investment"].tolist(), lang, planned_name, actual_name)
    fig.update_layout(title=dict(text=title))
    return enlarge(fig, height=max(520, 60 * len(rows) + 160))


def overdue(b: Bulletin, lang: str, *, title: str = "", unknown: str = "") -> go.Figure:
    """Units with the most overdue items."""
    rows = b.overdue_by_unit.head(10)
    labels = [f"{u}（{_name(r, unknown)}）" for u, r in zip(rows["unit"], rows["region"])]  # ranked_bars escapes
    fig = charts.ranked_bars(labels, rows["overdue"].tolist(), "overdue", lang, title=title)
    return enlarge(fig, height=max(420, 56 * len(rows) + 140))


def has_investment(b: Bulletin) -> bool:
    return bool(len(b.investment)) and bool((b.investment["planned_investment"] > 0).any())
