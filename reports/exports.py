"""The bulletin's files, made one way for the briefing page's buttons and for
`python -m reports bulletin`: the 通报 as PDF or Word, its tables as Excel, the
slide charts as PNG (a ZIP of all of them). No Streamlit here: the words of the
chart titles come in as `say(key, **values)`, the page's or the command line's.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from present import format as fmt
from reports import document, figures, images, pdf, word, workbook
from reports.bulletin import Bulletin

KINDS = ("pdf", "docx", "xlsx", "png")
CHART_SLIDES = ("regions", "movers", "investment", "overdue")
Say = Callable[..., str]


class NoChart(ValueError):
    """The chart asked for has nothing to draw this month (e.g. no overdue items)."""


def make(kind: str, b: Bulletin, *, template: str | None = None, today: dt.date | None = None,
         lang: str = "zh", say: Say | None = None, chart_key: str | None = None) -> bytes:
    """The bulletin as `kind`: "pdf" or "docx" (the 通报, in Chinese), "xlsx" (its
    tables), "png" (one slide chart `chart_key`, or with None every chart zipped;
    charts need `say`)."""
    if kind == "xlsx":
        return workbook.write(b)
    if kind == "png":
        if say is None:
            raise ValueError("charts need their words: pass say=")
        if chart_key is None:
            return png_zip(b, lang, say)
        figure = chart(chart_key, b, lang, say)
        if figure is None:
            raise NoChart(chart_key)
        return images.png(figure)
    if kind not in ("pdf", "docx"):
        raise ValueError(f"unknown bulletin format {kind!r}; one of {', '.join(KINDS)}")
    parts = document.blocks(document.render(b, template=template, today=today))
    writer = pdf.write if kind == "pdf" else word.write
    return writer(parts, title=document.title(parts))


def slide_title(key: str, b: Bulletin, say: Say) -> str:
    if key == "regions" and b.region:
        return say("slide.units_of", region=b.region)
    if key in ("red", "black"):
        # ties at the edge make a list longer than its n: the title says so (红榜（前5名，并列共14个）)
        listed = len(b.units.red if key == "red" else b.units.black)
        if listed > b.list_size:
            return say(f"slide.{key}_tied", n=b.list_size, count=listed)
    return say(f"slide.{key}")


def chart(key: str, b: Bulletin, lang: str, say: Say, titled: bool = True):
    """The figure of a chart slide, or None when it has nothing to draw. Titled for a PNG;
    on the slide its header says what it is."""
    unknown = say("unknown_region")

    def title(text: str) -> str:
        return f"{text}（{fmt.month(b.month, lang)}）" if titled and lang == "zh" else (
            f"{text} ({fmt.month(b.month, lang)})" if titled else "")

    if key == "regions" and (len(b.regions.table) if b.regions is not None else len(b.units.table)):
        return figures.comparison(b, lang, title=title(slide_title("regions", b, say)), unknown=unknown)
    if key == "movers" and (len(b.movers_up) or len(b.movers_down)):
        return figures.movers(b, lang, title=title(say("slide.movers")), unknown=unknown,
                              up_word=say("slide.up_word"), down_word=say("slide.down_word"))
    if key == "investment" and figures.has_investment(b):
        return figures.investment(b, lang, title=title(say("slide.investment")), unknown=unknown,
                                  planned_name=say("slide.planned"), actual_name=say("slide.actual"))
    if key == "overdue" and len(b.overdue_by_unit):
        return figures.overdue(b, lang, title=title(say("slide.overdue_units")), unknown=unknown)
    return None


def png_zip(b: Bulletin, lang: str, say: Say) -> bytes:
    named = {f"{n}-{key}": fig for n, key in enumerate(CHART_SLIDES, start=1)
             if (fig := chart(key, b, lang, say)) is not None}
    return images.zip_pngs(named)
