"""The bulletin's blocks as a .docx (python-docx), for offices that edit before sending.

Fonts are named, not embedded, as Word expects: 宋体 for the title and
tables, 黑体 for headings, 仿宋 for body text, the faces every Chinese Windows
and WPS install has; each run names its East Asian font (w:eastAsia), so
Word does not fall back to a Latin face. Elsewhere fontconfig maps them to
Noto CJK (fonts-noto-cjk). Sizes follow 公文 habits: title 二号 (22 pt), body
三号 (16 pt), tables 五号 (10.5 pt).
"""
from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports.document import Block, column_weights

LATIN = "Times New Roman"
TITLE_FONT, HEADING_FONT, SUB_FONT, BODY_FONT, TABLE_FONT = "宋体", "黑体", "楷体", "仿宋", "宋体"
BODY_PT, TABLE_PT = 16, 10.5
WIDTH_MM = 210 - 28 - 26   # A4 less the margins
ALIGN = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER, "R": WD_ALIGN_PARAGRAPH.RIGHT}


def _fonts(element_rpr_owner, east_asian: str, latin: str = LATIN) -> None:
    """Set the Latin and East Asian font of a run or style."""
    font = element_rpr_owner.font
    font.name = latin
    rpr = element_rpr_owner.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:eastAsia"), "zh-CN")   # so viewers pick Simplified Chinese glyphs


def _style(document, name: str, east_asian: str, size: float, *, bold: bool = False, color=None,
           before: float = 0, after: float = 0, line: float | None = None) -> None:
    style = document.styles[name]
    _fonts(style, east_asian)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(*color) if color else RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line:
        fmt.line_spacing = Pt(line)
    fmt.keep_with_next = name.startswith("Heading") or name == "Title"


# Characters XML 1.0 cannot hold; python-docx raises on them. The loader drops
# them from cell text, but a database loaded before it did may still have some.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _runs(paragraph, spans, east_asian: str, size: float | None = None) -> None:
    for text, bold in spans:
        run = paragraph.add_run(_xml_text(text))
        _fonts(run, east_asian)
        if bold:
            run.bold = True
        if size:
            run.font.size = Pt(size)


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _table(document, block: Block) -> None:
    rows = ([block.header] if block.header else []) + list(block.rows)
    if not rows:
        return
    table = document.add_table(rows=len(rows), cols=len(block.align))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    weights = column_weights(block, room=WIDTH_MM / (TABLE_PT * 25.4 / 72))
    widths = [Mm(WIDTH_MM * w / sum(weights)) for w in weights]
    for column, width in zip(table.columns, widths):
        column.width = width
    # row.cells once per row: table.cell(r, c) walks the whole grid each call (minutes on 200 rows)
    for r, (row, values) in enumerate(zip(table.rows, rows)):
        header = bool(block.header) and r == 0
        if header:
            # repeat the header row on every page
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(repeat)
        for cell, value, align, width in zip(row.cells, values, block.align, widths):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.line_spacing = 1.0
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if header else ALIGN[align]
            run = paragraph.add_run(_xml_text(value))
            _fonts(run, HEADING_FONT if header else TABLE_FONT)
            run.font.size = Pt(TABLE_PT)
            if header:
                _shade(cell, "E2E9F3")
    document.add_paragraph().paragraph_format.first_line_indent = Pt(0)


def write(parts: list[Block], *, title: str = "") -> bytes:
    """The .docx file's bytes."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    document.core_properties.title = _xml_text(title)
    document.core_properties.language = "zh-CN"
    document.core_properties.author = "Taizhang 台账看板"

    _style(document, "Normal", BODY_FONT, BODY_PT, line=28)
    document.styles["Normal"].paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    _style(document, "Title", TITLE_FONT, 22, bold=True, after=12, line=36)
    _style(document, "Heading 1", HEADING_FONT, BODY_PT, before=6, after=0, line=28)
    _style(document, "Heading 2", SUB_FONT, BODY_PT, before=0, after=0, line=28)
    for name in ("Title", "Heading 1", "Heading 2"):
        document.styles[name].paragraph_format.first_line_indent = Pt(0)
    document.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # Word's Title style draws a rule under the title; 公文 titles have none
    borders = (document.styles["Title"].element.pPr.find(qn("w:pBdr"))
               if document.styles["Title"].element.pPr is not None else None)
    if borders is not None:
        borders.getparent().remove(borders)

    for block in parts:
        kind = block.kind
        if kind == "title":
            paragraph = document.add_paragraph(style="Title")
            _runs(paragraph, block.spans, TITLE_FONT)
        elif kind == "heading":
            _runs(document.add_paragraph(style="Heading 1"), block.spans, HEADING_FONT)
        elif kind == "subheading":
            _runs(document.add_paragraph(style="Heading 2"), block.spans, SUB_FONT)
        elif kind in ("center", "left", "right"):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                                   "right": WD_ALIGN_PARAGRAPH.RIGHT}[kind]
            _runs(paragraph, block.spans, BODY_FONT)
        elif kind == "bullet":
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(0)
            _runs(paragraph, (("　　• ", False), *block.spans), BODY_FONT)
        elif kind == "paragraph":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _runs(paragraph, block.spans, BODY_FONT)
        elif kind == "table":
            _table(document, block)
        elif kind == "pagebreak":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
