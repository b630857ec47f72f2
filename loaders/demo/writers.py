"""The writers: grids (cells, merges, row styles) to a file, the way each kind
of office software saves it: openpyxl and xlsxwriter .xlsx, xlwt legacy
.xls, and the HTML table a web system saves under an .xls name.

Every .xlsx is byte-deterministic: zip timestamps and document dates fixed.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .cells import _g

if TYPE_CHECKING:
    from .sheets import _Grid


_FIXED_ZIP_TIME = (2021, 1, 1, 0, 0, 0)


def _normalize_zip(path: Path, when: dt.datetime) -> None:
    """Make an openpyxl file byte-deterministic: fixed zip times and document dates."""
    with zipfile.ZipFile(path) as zin:
        items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\3",
                              data)
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)
    path.write_bytes(buf.getvalue())


def _write_openpyxl(path: Path, grids: list[_Grid], when: dt.datetime) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "江州市"
    wb.properties.created = when
    title_font, bold = Font(bold=True, size=16), Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for g in grids:
        ws = wb.create_sheet(g.name)
        for (r, c), v in g.cells.items():
            cell = ws.cell(row=r + 1, column=c + 1, value=v)
            if isinstance(v, date):
                cell.number_format = g.date_format
            kind = g.styles.get(r)
            if kind == "title":
                cell.font, cell.alignment = title_font, center
            elif kind == "header":
                cell.font, cell.alignment = bold, center
            elif kind == "total":
                cell.font = bold
        for r1, c1, r2, c2 in g.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        for c, w in enumerate(g.widths):
            ws.column_dimensions[get_column_letter(c + 1)].width = w
    wb.save(path)
    _normalize_zip(path, when)


def _write_xlsxwriter(path: Path, grids: list[_Grid], when: dt.datetime) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"author": "江州市", "created": when})
    fmts = {
        "title": wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "header": wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                                 "text_wrap": True}),
        "total": wb.add_format({"bold": True, "border": 1}),
        None: wb.add_format({"border": 1, "valign": "vcenter"}),
    }
    for g in grids:
        ws = wb.add_worksheet(g.name)
        date_fmt = wb.add_format({"num_format": g.date_format, "border": 1})
        covered: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in g.merges:
            v = g.cells.get((r1, c1), "")
            fmt = fmts.get(g.styles.get(r1)) or fmts[None]
            if isinstance(v, date):
                v, fmt = dt.datetime.combine(v, dt.time()), date_fmt
            ws.merge_range(r1, c1, r2, c2, v, fmt)
            covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        for (r, c), v in sorted(g.cells.items()):
            if (r, c) in covered:
                continue
            fmt = fmts.get(g.styles.get(r)) or fmts[None]
            if isinstance(v, date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
            elif isinstance(v, str):
                ws.write_string(r, c, v, fmt)
            else:
                ws.write_number(r, c, v, fmt)
        for c, w in enumerate(g.widths):
            ws.set_column(c, c, w)
    wb.close()


def _write_xlwt(path: Path, grids: list[_Grid]) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    styles = {
        "title": xlwt.easyxf("font: bold on, height 320; align: horiz center, vert center"),
        "header": xlwt.easyxf("font: bold on; align: horiz center, vert center, wrap on; borders: left thin, "
                              "right thin, top thin, bottom thin"),
        "total": xlwt.easyxf("font: bold on; borders: left thin, right thin, top thin, bottom thin"),
        None: xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin; align: vert center"),
    }
    for g in grids:
        ws = wb.add_sheet(g.name)
        date_style = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin",
                                 num_format_str=g.date_format)
        covered: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in g.merges:
            v = g.cells.get((r1, c1), "")
            ws.write_merge(r1, r2, c1, c2, v, date_style if isinstance(v, date) else styles[g.styles.get(r1)])
            covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        for (r, c), v in sorted(g.cells.items()):
            if (r, c) not in covered:
                ws.write(r, c, v, date_style if isinstance(v, date) else styles[g.styles.get(r)])
        for c, w in enumerate(g.widths):
            ws.col(c).width = 256 * w
    wb.save(str(path))


def _write_html(path: Path, g: _Grid) -> None:
    """The HTML table a web system saves under an .xls name."""
    starts = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in g.merges}
    covered = {(r, c) for r1, c1, r2, c2 in g.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
               if (r, c) != (r1, c1)}
    out = ['<html xmlns:o="urn:schemas-microsoft-com:office:office" '
           'xmlns:x="urn:schemas-microsoft-com:office:excel">',
           '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
           f"<title>{html.escape(g.name)}</title></head>", "<body>",
           '<table border="1" cellspacing="0" cellpadding="2">']
    for r in range(g.nrows):
        tag = "th" if g.styles.get(r) == "header" else "td"
        cells = []
        for c in range(g.ncols):
            if (r, c) in covered:
                continue
            v = g.cells.get((r, c), "")
            if isinstance(v, date):
                v = v.isoformat()
            elif isinstance(v, float):
                v = _g(v)
            attrs = ""
            if (r, c) in starts:
                rs, cs = starts[(r, c)]
                attrs += f' rowspan="{rs}"' if rs > 1 else ""
                attrs += f' colspan="{cs}"' if cs > 1 else ""
            cells.append(f"<{tag}{attrs}>{html.escape(str(v))}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</table>", "</body>", "</html>", ""]
    path.write_text("\n".join(out), encoding="utf-8", newline="\r\n")
