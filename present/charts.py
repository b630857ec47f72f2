"""Plotly figures from small DataFrames: one palette, one font, one number format.

Colour is given per bar as a marker array, never with `color=` over a column
(hundreds of units would make hundreds of traces). Labels from the data are
HTML-escaped: Plotly reads a few tags in text, and a unit may be named <b>.
"""
from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from metrics import MEASURES
from present import format as fmt
from present.catalogue import text

FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
PRIMARY = "#1F4E8C"     # deep government blue: the data
SECONDARY = "#8DB3E2"   # light blue: plans, the previous month
ACCENT = "#C8102E"      # red: the red list, warnings
HIGHLIGHT = "#E08A1E"   # amber: the chosen bar (not red: red reads as "bad")
MUTED = "#9AA5B1"       # grey: reference lines
GRID = "#E6EAEF"
SEQUENCE = [PRIMARY, "#E08A1E", "#2E8B57", ACCENT, "#6A4C93", SECONDARY]
RATE_SCALE = [[0.0, "#F3F6FA"], [0.5, "#8DB3E2"], [1.0, "#1F4E8C"]]
DIVERGING = [[0.0, "#C8102E"], [0.5, "#F4F1E8"], [1.0, "#1F4E8C"]]

# No mode bar: on a phone it covers legends and labels; Streamlit's own element
# toolbar still offers full screen.
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}


def safe(label) -> str:
    if label is None or (isinstance(label, float) and pd.isna(label)):
        return ""
    return html.escape(str(label), quote=False)


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    layout = dict(
        template="plotly_white",
        height=height,
        font=dict(family=FONT_FAMILY, size=13, color="#1F2933"),
        margin=dict(l=8, r=16, t=36, b=8),
        colorway=SEQUENCE,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, title_text=""),
        hoverlabel=dict(font_family=FONT_FAMILY),
        separators=".,",
    )
    layout.update(extra)
    fig.update_layout(**layout)
    fig.update_xaxes(gridcolor=GRID, zeroline=False, automargin=True)
    fig.update_yaxes(gridcolor=GRID, zeroline=False, automargin=True)
    return fig


def _axis_format(kind: str) -> dict:
    if kind == "rate":
        return dict(tickformat=".0%", rangemode="tozero")
    if kind == "score":
        return dict(rangemode="tozero")
    return dict(tickformat=",~s" if kind in ("count", "people") else ",.0f", rangemode="tozero")


def ranked_bars(labels: Sequence, values: Sequence, key: str, lang: str, *, highlight: str | None = None,
                reference: float | None = None, reference_label: str = "", hover: Sequence[str] | None = None,
                title: str = "") -> go.Figure:
    """Horizontal bars, largest on top, each labelled with its formatted value."""
    kind = "score" if key == "composite" else _kind(key)
    shown_values = [v * 100 if kind == "score" and v is not None else v for v in values]
    colors = [HIGHLIGHT if highlight is not None and label == highlight else PRIMARY for label in labels]
    text = [fmt.measure(key, v, lang) for v in values]
    names = [safe(label) for label in labels]
    fig = go.Figure(go.Bar(
        x=shown_values[::-1], y=names[::-1], orientation="h", marker_color=colors[::-1],
        text=text[::-1], textposition="outside", cliponaxis=False,
        customdata=list(range(len(labels)))[::-1],
        hovertext=[safe(h) for h in (hover or names)][::-1],
        hovertemplate="%{hovertext}: %{text}<extra></extra>",
    ))
    if reference is not None:
        ref = reference * 100 if kind == "score" else reference
        fig.add_vline(x=ref, line_dash="dash", line_color=MUTED, line_width=1.5,
                      annotation_text=f"{reference_label} {fmt.measure(key, reference, lang)}",
                      annotation_position="top", annotation_font_color="#52606D", annotation_font_size=12)
    # a missing figure has no bar (its label says "—"); NaN must not spoil the axis
    top = max([v for v in shown_values if v is not None and v == v] or [0])
    xaxis = _axis_format(kind)
    if kind == "rate":
        xaxis["range"] = [0, max(1.0, top) * 1.18]
    else:
        xaxis["range"] = [0, (top or 1) * 1.22]
    fig.update_xaxes(**xaxis)
    fig.update_yaxes(type="category", tickfont=dict(size=13))
    return _layout(fig, max(220, 30 * len(labels) + 70), title=dict(text=title, font_size=15), bargap=0.28)


def trend(frame: pd.DataFrame, keys: Sequence[str], names: Sequence[str], lang: str) -> go.Figure:
    """Rates over report months, one line per measure."""
    fig = go.Figure()
    months = [fmt.month(m, lang) for m in frame["report_month"]]
    for index, (key, name) in enumerate(zip(keys, names)):
        values = frame[key].astype("float64")
        fig.add_trace(go.Scatter(
            x=months, y=values, name=name, mode="lines+markers",
            line=dict(color=SEQUENCE[index % len(SEQUENCE)], width=2.5), marker=dict(size=7),
            text=[fmt.measure(key, v, lang) for v in values],
            hovertemplate=f"{html.escape(name)} %{{x}}: %{{text}}<extra></extra>",
        ))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    fig.update_xaxes(type="category")
    return _layout(fig, 340, hovermode="x unified")


# The heat map: one row per region (a name wider than HEAT_WRAP characters on two lines),
# one column per month. Its height grows with the regions, so a phone scrolls the page,
# never squeezes the rows; its width is the screen's, so cell figures are short (the
# unit named once, under the colour bar) and Plotly sizes their text to the cell.
HEAT_ROW = 30
HEAT_WRAP = 6


def _wrap(name: str) -> str:
    """A region's tick label: escaped, a long name broken over two lines."""
    if len(name) <= HEAT_WRAP:
        return safe(name)
    half = (len(name) + 1) // 2
    return f"{safe(name[:half])}<br>{safe(name[half:])}"


def _month_tick(month, first: bool, lang: str) -> str:
    """6月 / Jun; the year above the first month and each January."""
    short = f"{month.month}月" if lang == "zh" else month.strftime("%b")
    return f"{month.year}<br>{short}" if first or month.month == 1 else short


def _heat_scale(kind: str, top: float, lang: str) -> tuple[float, str | None]:
    """(divisor, unit key): every cell of the map in one unit, named under the colour
    bar, so that a figure is a few characters (94, 16, 8.6) and fits a phone's cell."""
    if kind == "rate":
        return 0.01, "regions.heat_unit.percent"
    if kind == "money":   # 万元
        if lang == "zh":
            return (fmt.WAN_PER_YI, "regions.heat_unit.yi_yuan") if top >= fmt.WAN_PER_YI \
                else (1, "regions.heat_unit.wan_yuan")
        return (100_000, "regions.heat_unit.bn_yuan") if top >= 100_000 else (100, "regions.heat_unit.m_yuan")
    if top >= 10_000:     # counts and people
        return (10_000, "regions.heat_unit.wan") if lang == "zh" else (1_000, "regions.heat_unit.thousand")
    return 1, None


def _heat_text(value: float | None, divisor: float, kind: str) -> str:
    """A cell's figure in the map's unit, at most three characters where it can be;
    rounding never says done or nothing when it is not (99.7% is 99, 0.3% is <1)."""
    if value is None:
        return fmt.DASH
    scaled = value / divisor
    if kind == "rate" or divisor == 1:
        if scaled and abs(scaled) < 0.5:
            return "<1"
        if kind == "rate" and scaled < 100 <= round(scaled):
            return "99"
        return f"{scaled:.0f}"
    if abs(scaled) >= 9.95:
        return f"{scaled:.0f}"
    if scaled and abs(scaled) < 0.05:
        return "<0.1"
    return f"{scaled:.1f}"


def heatmap(frame: pd.DataFrame, key: str, lang: str, unknown_label: str) -> go.Figure:
    """Regions (rows, names horizontal) by months (columns, oldest first), readable on a
    390 px phone as on a desktop: see HEAT_ROW."""
    kind = _kind(key)
    regions: list[str | None] = list(sorted({r for r in frame["region"] if isinstance(r, str)}))
    if frame["region"].isna().any():
        regions.append(None)
    months = sorted(set(frame["report_month"]))
    lookup = {(m, r if isinstance(r, str) else None): fmt.number(v)
              for m, r, v in zip(frame["report_month"], frame["region"], frame[key])}
    top = max([abs(v) for v in lookup.values() if v is not None] or [0])
    divisor, unit = _heat_scale(kind, top, lang)
    names = [safe(r) if r is not None else safe(unknown_label) for r in regions]
    columns = [fmt.month(m, lang) for m in months]
    cells = [[lookup.get((m, r)) for m in months] for r in regions]
    shown = [[(m, r) in lookup for m in months] for r in regions]
    measure = text(f"m.{key}", lang)
    fig = go.Figure(go.Heatmap(
        z=[[None if v is None else v / divisor for v in row] for row in cells], x=columns, y=names,
        # a month without the region's ledger is blank; a ledger without the input is "—"
        text=[[_heat_text(v, divisor, kind) if known else "" for v, known in zip(row, there)]
              for row, there in zip(cells, shown)],
        hovertext=[[fmt.measure(key, v, lang) if known else "" for v, known in zip(row, there)]
                   for row, there in zip(cells, shown)],
        # no textfont size: Plotly fits the figures to the cells (13 px at most)
        texttemplate="%{text}", hovertemplate="%{y} · %{x}: %{hovertext}<extra></extra>",
        colorscale=RATE_SCALE, zmin=0 if kind == "rate" else None, zmax=100 if kind == "rate" else None,
        xgap=2, ygap=2, showscale=True,
        colorbar=dict(orientation="h", x=0, xanchor="left", y=-0.02, yanchor="top", len=1, lenmode="fraction",
                      thickness=10, outlinewidth=0, tickfont=dict(size=11),
                      title=dict(text=text("regions.heat_scale", lang, measure=measure, unit=text(unit, lang))
                                 if unit else measure, side="top", font=dict(size=12))),
    ))
    # a year of short month names fits a phone's width side by side; more months stand upright
    fig.update_xaxes(side="top", type="category", tickangle=0 if len(months) <= 12 else -90, tickfont=dict(size=10),
                     tickvals=columns, ticktext=[_month_tick(m, i == 0, lang) for i, m in enumerate(months)])
    fig.update_yaxes(autorange="reversed", type="category", tickfont=dict(size=12),
                     tickvals=names, ticktext=[_wrap(r if r is not None else unknown_label) for r in regions])
    return _layout(fig, HEAT_ROW * len(regions) + 130, margin=dict(l=4, r=8, t=8, b=8))


def planned_actual(labels: Sequence, planned: Sequence, actual: Sequence, lang: str,
                   planned_name: str, actual_name: str) -> go.Figure:
    """Planned against actual investment (万元), grouped horizontal bars, largest plan on top."""
    names = [safe(label) for label in labels][::-1]
    # the axis speaks the labels' unit: 万元 or 亿元 in Chinese, million yuan in English
    top_wan = max([v for v in list(planned) + list(actual) if v is not None and v == v] or [1])
    if lang == "zh":
        scale, axis_title = (1 / fmt.WAN_PER_YI, "亿元") if top_wan >= fmt.WAN_PER_YI else (1, "万元")
    else:
        scale, axis_title = 0.01, "¥ million"
    fig = go.Figure()
    # horizontal groups stack their traces upwards: actual first puts the plan on top
    for values, name, color in ((actual, actual_name, PRIMARY), (planned, planned_name, SECONDARY)):
        values = list(values)[::-1]
        fig.add_trace(go.Bar(
            y=names, x=[v * scale if v is not None and v == v else None for v in values], name=name, orientation="h",
            marker_color=color, text=[fmt.money(v, lang) for v in values], textposition="outside",
            cliponaxis=False, hovertemplate=f"%{{y}} · {html.escape(name)}: %{{text}}<extra></extra>",
        ))
    fig.update_xaxes(tickformat=",~f", range=[0, top_wan * scale * 1.3], title_text=axis_title)
    fig.update_yaxes(type="category")
    return _layout(fig, max(240, 46 * len(labels) + 90), barmode="group", bargap=0.25, bargroupgap=0.05,
                   legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0,
                               traceorder="reversed", title_text=""))


def _completion(rows: pd.DataFrame) -> float | None:
    """Investment completion of several tiles, weighted by their planned investment, over
    the tiles that have one: a tile whose ledgers give no 完成投资 is missing, not 0%."""
    known = rows[rows["investment_completion"].notna()]
    planned = float(known["planned_investment"].sum())
    return float((known["investment_completion"] * known["planned_investment"]).sum()) / planned if planned else None


def treemap(frame: pd.DataFrame, lang: str, root_label: str, unknown_region: str, uncategorised: str) -> go.Figure:
    """Regions, then categories; area = planned investment, colour = investment completion."""
    rows = frame[frame["planned_investment"] > 0]
    # one explicit root: with several top-level tiles Plotly adds its own, drawn dark grey
    planned_all = float(rows["planned_investment"].sum())
    ids, labels, parents, values = ["all"], [safe(root_label)], [""], [planned_all]
    colors = [_completion(rows)]
    texts = [f"{fmt.money(planned_all, lang)} · {fmt.rate(colors[0])}"]
    region_names = {}
    for region, group in rows.groupby(rows["region"].fillna("\0"), sort=True):
        region_label = unknown_region if region == "\0" else safe(region)
        region_id = f"r:{region}"
        region_names[region] = region_id
        planned = float(group["planned_investment"].sum())
        ids.append(region_id)
        labels.append(region_label)
        parents.append("all")
        values.append(planned)
        colors.append(_completion(group))
        texts.append(f"{fmt.money(planned, lang)} · {fmt.rate(colors[-1])}")
        for _, row in group.iterrows():
            category = row["category"] if isinstance(row["category"], str) else None
            ids.append(f"{region_id}/c:{category}")
            parents.append(region_id)
            labels.append(safe(category) if category else uncategorised)
            values.append(float(row["planned_investment"]))
            colors.append(fmt.number(row["investment_completion"]))
            texts.append(f"{fmt.money(row['planned_investment'], lang)} · {fmt.rate(row['investment_completion'])}")
    fig = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        text=texts, texttemplate="<b>%{label}</b><br>%{text}", hovertemplate="%{label}<br>%{text}<extra></extra>",
        marker=dict(colors=colors, colorscale=DIVERGING, cmin=0, cmid=0.5, cmax=1, showscale=False,
                    line=dict(color="white", width=2)),
        root_color="white", pathbar=dict(visible=False), tiling=dict(pad=2), maxdepth=3,
    ))
    return _layout(fig, 460, margin=dict(l=4, r=4, t=30, b=4))


def choropleth(geojson: dict, frame: pd.DataFrame, feature_name: str, key: str, lang: str) -> go.Figure:
    """Regions coloured by a measure, drawn from the office's GeoJSON as plain SVG shapes.

    Not go.Choropleth: Plotly's geo subplot fetches a world topojson from
    cdn.plot.ly and draws nothing offline; Choroplethmap needs WebGL. Filled
    scatter outlines need neither. Holes in polygons are not cut out.
    """
    kind = _kind(key)
    values = {r: fmt.number(v) for r, v in zip(frame["region"], frame[key]) if isinstance(r, str)}
    present = [v for v in values.values() if v is not None]
    low, high = (0.0, 1.0) if kind == "rate" else (min(present or [0]), max(present or [1]))
    span = (high - low) or 1.0
    fig = go.Figure()
    label_x, label_y, label_text, label_color = [], [], [], []
    latitudes = []
    features = geojson["features"] if geojson.get("type") == "FeatureCollection" else [geojson]
    for feature in features:
        name = ((feature or {}).get("properties") or {}).get(feature_name)
        geometry = (feature or {}).get("geometry") or {}
        polygons = ([geometry.get("coordinates", [])] if geometry.get("type") == "Polygon"
                    else geometry.get("coordinates", []) if geometry.get("type") == "MultiPolygon" else [])
        xs, ys = [], []
        for polygon in polygons:
            if not polygon:
                continue
            ring = polygon[0]
            xs += [point[0] for point in ring] + [None]
            ys += [point[1] for point in ring] + [None]
        if not xs:
            continue
        value = values.get(name) if name is not None else None  # a feature without the name property
        color = (sample_colorscale(RATE_SCALE, [min(1.0, max(0.0, (value - low) / span))])[0]
                 if value is not None else "#E4E7EB")
        shown = f"{safe(name)}: {fmt.measure(key, value, lang)}"
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=color,
                                 line=dict(color="white", width=1.5), hoveron="fills", text=shown,
                                 hoverinfo="text", showlegend=False))
        plain = [(x, y) for x, y in zip(xs, ys) if x is not None]
        label_x.append((min(x for x, _ in plain) + max(x for x, _ in plain)) / 2)
        label_y.append((min(y for _, y in plain) + max(y for _, y in plain)) / 2)
        label_text.append(f"{safe(name)}<br>{fmt.measure(key, value, lang)}")
        dark = value is not None and (value - low) / span > 0.6
        label_color.append("white" if dark else "#1F2933")
        latitudes.append(label_y[-1])
    fig.add_trace(go.Scatter(x=label_x, y=label_y, text=label_text, mode="text", hoverinfo="skip",
                             textfont=dict(size=12, color=label_color), showlegend=False))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                             marker=dict(colorscale=RATE_SCALE, cmin=low, cmax=high, color=[low], showscale=True,
                                         colorbar=dict(thickness=12, len=0.8,
                                                       tickformat=".0%" if kind == "rate" else ",~s"))))
    mean_latitude = sum(latitudes) / len(latitudes) if latitudes else 0
    fig.update_xaxes(visible=False, showgrid=False)
    fig.update_yaxes(visible=False, showgrid=False, scaleanchor="x",
                     scaleratio=1 / max(0.2, math.cos(math.radians(mean_latitude))))
    return _layout(fig, 420, margin=dict(l=0, r=0, t=10, b=0), plot_bgcolor="white")


def load_geojson(path: Path) -> dict:
    """Read the office's GeoJSON and wind its rings the way Plotly's d3-geo expects.

    RFC 7946 winds outer rings anticlockwise; d3-geo reads an anticlockwise ring
    as "the whole globe except this shape", which fills the map with one colour
    and hides the regions. Outer rings become clockwise, holes anticlockwise.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("type") not in ("FeatureCollection", "Feature"):
        raise ValueError("not a GeoJSON FeatureCollection")
    features = data["features"] if data["type"] == "FeatureCollection" else [data]
    for feature in features:
        geometry = (feature or {}).get("geometry") or {}
        if geometry.get("type") == "Polygon":
            geometry["coordinates"] = _wind(geometry["coordinates"])
        elif geometry.get("type") == "MultiPolygon":
            geometry["coordinates"] = [_wind(polygon) for polygon in geometry["coordinates"]]
    return data


def _signed_area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:]))


def _wind(polygon):
    wound = []
    for index, ring in enumerate(polygon):
        clockwise = _signed_area(ring) < 0
        outer = index == 0
        wound.append(ring if clockwise == outer else list(reversed(ring)))
    return wound


def _kind(key: str) -> str:
    return MEASURES[key].kind
