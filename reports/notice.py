"""A unit's notice for its 公示栏 (notice board): an A4 PDF residents scan to rate its finished work.

On it: the unit's name, the month, a QR code (segno) that opens the unit's
/feedback link, a short instruction and the completed tasks of that month.
Fonts as in reports/pdf.py: subsets of Noto CJK embedded, nothing downloaded.
The text is drawn as text (never interpreted): a title holding markup prints as written.
"""
from __future__ import annotations

import datetime as dt
import io

import segno
from fpdf import FPDF
from fpdf.enums import WrapMode

from present import format as fmt
from present.catalogue import text
from reports.pdf import TEXT, new_document
from taizhang import database, ratings

RED = (178, 34, 34)
GREY = (100, 110, 120)
QR_MM = 78
MAX_TASKS = 40  # more than this: the rest are on the page the code opens


def qr_png(url: str, scale: int = 12) -> bytes:
    """The link as a QR code (error correction M, quiet zone of four modules), PNG bytes."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _setup(title: str) -> FPDF:
    return new_document(title, margins=(22, 18, 22), bottom=18)


def notice_pdf(unit: str, month: dt.date | None, titles: list[str], url: str, lang: str = "zh",
               today: dt.date | None = None) -> bytes:
    """The notice as PDF bytes."""
    def tr(key: str, **values) -> str:
        return text(key, lang, **values)

    month_text = fmt.month(month, lang) if month else ""
    wrap = WrapMode.WORD if lang == "en" else WrapMode.CHAR  # Chinese breaks between any two characters
    pdf = _setup(f"{tr('notice.title')} · {unit}")
    width = pdf.w - pdf.l_margin - pdf.r_margin

    # A red band and the title, as notices on a 公示栏 usually are.
    pdf.set_fill_color(*RED)
    pdf.rect(pdf.l_margin, pdf.t_margin, width, 2.2, style="F")
    pdf.set_y(pdf.t_margin + 6)
    pdf.set_font("serif", "B", 28)
    pdf.set_text_color(*RED)
    pdf.cell(width, 14, tr("notice.title"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*TEXT)
    pdf.ln(2)
    pdf.set_font("sans", "B", 20)
    pdf.multi_cell(width, 10, unit, align="C", wrapmode=wrap, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 14)
    pdf.cell(width, 9, tr("notice.month", month=month_text), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    top = pdf.get_y()
    pdf.image(io.BytesIO(qr_png(url)), x=(pdf.w - QR_MM) / 2, y=top, w=QR_MM, h=QR_MM)
    pdf.set_y(top + QR_MM + 3)
    pdf.set_font("sans", "B", 14)
    pdf.multi_cell(width, 8, tr("notice.instruction"), align="C", wrapmode=wrap,
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", "", 12.5)
    pdf.multi_cell(width, 7.5, tr("notice.instruction2"), align="C", wrapmode=wrap,
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 8.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(width, 5, tr("notice.link") + url, align="C", wrapmode=wrap,
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*TEXT)
    pdf.ln(4)

    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(3)
    pdf.set_font("sans", "B", 14)
    pdf.cell(width, 9, tr("notice.tasks", n=len(titles)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", "", 12)
    if not titles:
        pdf.multi_cell(width, 7, tr("notice.none"), new_x="LMARGIN", new_y="NEXT")
    shown = titles[:MAX_TASKS]
    number_w = 12
    for number, title in enumerate(shown, start=1):
        pdf.set_x(pdf.l_margin)
        pdf.cell(number_w, 7, f"{number}.", align="R")
        pdf.set_x(pdf.l_margin + number_w + 2)
        pdf.multi_cell(width - number_w - 2, 7, title, wrapmode=wrap, new_x="LMARGIN", new_y="NEXT")
    if len(titles) > MAX_TASKS:
        pdf.multi_cell(width, 7, tr("notice.more", n=len(titles) - MAX_TASKS), new_x="LMARGIN", new_y="NEXT")

    pdf.ln(6)
    pdf.set_font("sans", "", 9)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(width, 5, tr("notice.footer", unit=unit, date=(today or dt.date.today()).isoformat()),
                   align="R", wrapmode=wrap, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def unit_notice(db: str, unit: str, actor: str | None, lang: str = "zh", base: str | None = None) -> bytes:
    """The notice of one unit: its link (made or reused, audited when made) and its latest
    month's completed tasks."""
    token = ratings.link_for(db, unit, actor)
    with database.reading(db) as con:
        month, tasks = ratings.latest_completed(con, unit)
    return notice_pdf(unit, month, [task.title for task in tasks], ratings.feedback_url(token, base), lang)


def file_name(unit: str, month: dt.date | None) -> str:
    """公示-<unit>-<YYYY-MM>.pdf, with characters file systems refuse replaced."""
    safe = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in unit).strip() or "unit"
    return f"公示-{safe}-{month:%Y-%m}.pdf" if month else f"公示-{safe}.pdf"
