"""The bulletin's blocks as an A4 PDF (fpdf2), fonts embedded.

Type follows the habits of Chinese official documents (公文) within what the
fonts give: the title in a bold serif, headings in bold sans (黑体), body text
in serif (宋体) with the first line indented two characters, page numbers as
"— 1 —". fpdf2 embeds subsets of Noto Serif / Sans CJK SC (CID-keyed CFF), so
the file shows the same on a machine with no Chinese font; `pdffonts` lists
every font as embedded.
"""
from __future__ import annotations

from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, WrapMode

from reports import fonts
from reports.document import Block, column_weights

BODY_PT = 12
TABLE_PT = 9.5
LINE = 1.75          # body line height, times the font size
TEXT = (31, 41, 51)
BLUE = (31, 78, 140)
HEADER_FILL = (226, 233, 243)
ROW_FILL = (246, 248, 251)
MM_PER_PT = 25.4 / 72


class _Document(FPDF):
    def footer(self) -> None:
        self.set_y(-16)
        self.set_font("serif", size=10.5)
        self.set_text_color(*TEXT)
        self.cell(0, 8, f"— {self.page_no()} —", align="C")


def new_document(title: str, *, margins: tuple[float, float, float] = (24, 22, 24), bottom: float = 22,
                 document: type[FPDF] = FPDF) -> FPDF:
    """An A4 page with the embedded CJK faces (serif, sans; regular and bold) and the
    document's title, language and creator set: every PDF of Taizhang starts here."""
    pdf = document(format="A4", unit="mm")
    pdf.set_margins(*margins)
    pdf.set_auto_page_break(True, margin=bottom)
    for role, family, style in (("serif", "serif", ""), ("serif_bold", "serif", "B"),
                                ("sans", "sans", ""), ("sans_bold", "sans", "B")):
        face = fonts.face(role)
        pdf.add_font(family, style, str(face.path), collection_font_number=face.index)
    pdf.set_title(title)
    pdf.set_lang("zh-CN")
    pdf.set_creator("Taizhang 台账看板")
    pdf.set_text_color(*TEXT)
    pdf.add_page()
    return pdf


def _setup(title: str) -> FPDF:
    return new_document(title, document=_Document)


def _keep_with_next(pdf: FPDF, space_mm: float) -> None:
    """Start a new page rather than leave a heading alone at the bottom."""
    if pdf.get_y() + space_mm > pdf.h - pdf.b_margin:
        pdf.add_page()


# Line breaking the Chinese way (a small part of 禁则): no line starts with a
# closing mark or ends with an opening one, and numbers such as "238.09" or
# "46.5%" are never split. fpdf2 either breaks only at spaces or anywhere.
OPENING = set("（([{〔【《〈「『“‘")
CLOSING = set("）)]}〕】》〉」』”’，。、；：！？,.;:!?%％…—·")
_WORD = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,%+-/:_'#&@")


def _tokens(chars: list[tuple[str, bool]], keep_quoted: bool = False) -> list[list[tuple[str, bool]]]:
    """Unbreakable runs: a CJK character with the marks bound to it, an ASCII word, a space;
    with keep_quoted, a whole “quoted name” too (a title does not split the campaign's name)."""
    tokens: list[list[tuple[str, bool]]] = []
    quoted = False
    for char, bold in chars:
        if tokens and char != " " and tokens[-1][-1][0] != " ":
            last = tokens[-1][-1][0]
            if char in CLOSING or last in OPENING or (last in _WORD and char in _WORD) or quoted:
                tokens[-1].append((char, bold))
                quoted = keep_quoted and (quoted or char == "“") and char != "”"
                continue
        tokens.append([(char, bold)])
        quoted = keep_quoted and char == "“"
    return tokens


def _typeset(pdf: FPDF, spans, size: float, *, indent_mm: float = 0.0, hang_mm: float = 0.0,
             align: str = "J", bullet: str = "", family: str = "serif", all_bold: bool = False,
             line_height: float = LINE) -> None:
    """Set text in lines: justified (J, the paragraph's last line ragged), left (L) or centred
    (C, with lines of even length, as a title is set)."""
    widths: dict[tuple[str, bool], float] = {}

    def width(char: str, bold: bool) -> float:
        key = (char, bold)
        if key not in widths:
            pdf.set_font(family, "B" if bold else "", size)
            widths[key] = pdf.get_string_width(char)
        return widths[key]

    chars = [(c, bold or all_bold) for text, bold in spans for c in text]
    tokens = _tokens(chars, keep_quoted=align == "C")

    def fill(full: float) -> list[list[tuple[str, bool]]]:
        lines: list[list[tuple[str, bool]]] = []
        current: list[tuple[str, bool]] = []
        used = 0.0
        room = full - indent_mm
        for token in tokens:
            token_width = sum(width(c, b) for c, b in token)
            if current and used + token_width > room + 1e-6:
                lines.append(current)
                current, used, room = [], 0.0, full
                if token[0][0] == " ":
                    continue
            while token_width > room and len(token) > 1:   # a word longer than a line: split it
                cut = len(token)
                while cut > 1 and sum(width(c, b) for c, b in token[:cut]) > room - used:
                    cut -= 1
                current += token[:cut]
                lines.append(current)
                token = token[cut:]
                token_width = sum(width(c, b) for c, b in token)
                current, used, room = [], 0.0, full
            current += token
            used += token_width
        if current:
            lines.append(current)
        return lines

    full = pdf.epw - hang_mm
    lines = fill(full)
    if align == "C" and len(lines) > 1:
        # a title: the narrowest measure that needs no more lines, so the lines are of even length
        total = sum(width(c, b) for c, b in chars)
        step = size * MM_PER_PT / 2
        target = total / len(lines)
        while target < full:
            tried = fill(target)
            if len(tried) == len(lines):
                lines = tried
                break
            target += step

    height = size * line_height * MM_PER_PT
    pdf.c_margin, margin = 0, pdf.c_margin
    for number, line in enumerate(lines):
        while line and line[-1][0] == " ":
            line = line[:-1]
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        y = pdf.get_y()
        start = pdf.l_margin + hang_mm + (indent_mm if number == 0 else 0)
        natural = sum(width(c, b) for c, b in line)
        available = pdf.l_margin + pdf.epw - start
        if align == "C":
            start = pdf.l_margin + (pdf.epw - natural) / 2
        spacing = 0.0
        if align == "J" and number < len(lines) - 1 and len(line) > 1:
            spacing = max(0.0, (available - natural) / (len(line) - 1))
            if spacing > size * MM_PER_PT * 0.6:   # a line cut short by a long word stays ragged
                spacing = 0.0
        if bullet and number == 0:
            pdf.set_font(family, "", size)
            pdf.set_xy(pdf.l_margin + hang_mm - width(bullet, False) * 1.6, y)
            pdf.cell(width(bullet, False), height, bullet)
        x = start
        run: list[str] = []
        run_bold = False
        for index, (char, bold) in enumerate(line + [("", not run_bold)]):
            if run and (bold != run_bold or index == len(line)):
                text = "".join(run)
                run_width = sum(width(c, run_bold) for c in text) + spacing * len(text)
                pdf.set_font(family, "B" if run_bold else "", size)
                pdf.set_char_spacing(spacing * pdf.k)
                pdf.set_xy(x, y)
                pdf.cell(run_width, height, text)
                x += run_width
                run = []
            if index < len(line):
                run.append(char)
                run_bold = bold
        pdf.set_char_spacing(0)
        pdf.set_xy(pdf.l_margin, y + height)
    pdf.c_margin = margin
    pdf.set_font("serif", "", size)


def _spans(pdf: FPDF, block: Block, size: float, *, indent: bool, align: str = "J") -> None:
    _typeset(pdf, block.spans, size, indent_mm=2 * size * MM_PER_PT if indent else 0.0, align=align)
    pdf.ln(size * MM_PER_PT * 0.45)


def _table(pdf: FPDF, block: Block) -> None:
    pdf.set_font("sans", "", TABLE_PT)
    pdf.ln(1)
    headings = FontFace(family="sans", emphasis="BOLD", fill_color=HEADER_FILL, color=TEXT)
    rows = ([block.header] if block.header else []) + list(block.rows)
    with pdf.table(col_widths=column_weights(block, room=pdf.epw / (TABLE_PT * MM_PER_PT)), text_align=block.align,
                   wrapmode=WrapMode.CHAR,
                   first_row_as_headings=bool(block.header), headings_style=headings, line_height=TABLE_PT * 0.55,
                   cell_fill_color=ROW_FILL, cell_fill_mode=TableCellFillMode.EVEN_ROWS, padding=(1.2, 1.5),
                   repeat_headings=1, borders_layout="HORIZONTAL_LINES", width=pdf.epw) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(3)


def write(parts: list[Block], *, title: str = "") -> bytes:
    """The PDF file's bytes."""
    pdf = _setup(title)
    for block in parts:
        kind = block.kind
        if kind == "title":
            _keep_with_next(pdf, 40)
            _typeset(pdf, block.spans, 20, align="C", all_bold=True, line_height=1.55)
            pdf.ln(2)
        elif kind == "heading":
            _keep_with_next(pdf, 30)
            pdf.ln(1.5)
            pdf.set_font("sans", "B", 14)
            pdf.set_text_color(*BLUE)
            pdf.multi_cell(0, 9, block.text, wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(*TEXT)
            pdf.ln(1)
        elif kind == "subheading":
            _keep_with_next(pdf, 24)
            pdf.set_font("sans", "B", BODY_PT)
            pdf.multi_cell(0, 8, block.text, wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.5)
        elif kind == "center":
            pdf.set_font("serif", "", BODY_PT)
            pdf.multi_cell(0, 7.5, block.text, align="C", wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif kind == "right":
            pdf.set_font("serif", "", BODY_PT)
            pdf.multi_cell(0, 7.5, block.text, align="R", wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
        elif kind == "left":
            pdf.ln(1)
            _spans(pdf, block, BODY_PT, indent=False, align="L")
        elif kind == "bullet":
            _typeset(pdf, block.spans, BODY_PT, hang_mm=2 * BODY_PT * MM_PER_PT, bullet="•")
        elif kind == "paragraph":
            _spans(pdf, block, BODY_PT, indent=True)
        elif kind == "table":
            _table(pdf, block)
        elif kind == "pagebreak":
            pdf.add_page()
    return bytes(pdf.output())
