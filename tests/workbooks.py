"""Fixture ledgers built in code, in the shapes offices really send.

Each builder returns bytes, so a test reads top to bottom: the sheet it makes,
the command it runs, the rows it expects.
"""
from __future__ import annotations

import datetime as dt
import io

import openpyxl

CITY_TITLE = "江州市市直单位“我为群众办实事”项目台账（2021年4月）"


def xlsx(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None, hidden: tuple = ()) -> bytes:
    """A workbook from rows; merges as Excel ranges per sheet."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
        if name in hidden:
            ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def city_ledger_rows() -> list[list]:
    """Title, filer line, two-row header with a merged band, group rows, a total and a footer."""
    return [
        [CITY_TITLE, None, None, None, None, None, None, None, None],
        ["填报单位（盖章）：市直机关工委    填报人：张三    填报时间：2021年4月25日"],
        ["序号", "责任单位", "项目名称", "责任人", "完成时限", "投资情况（万元）", None, "服务群众\n（人次）",
         "进展情况"],
        [None, None, None, None, None, "计划投资", "完成投资", None, None],
        ["一、解民忧暖民心（2条）"],
        [1, "市教育局", "校园周边交通整治", "李四", dt.datetime(2021, 6, 30), 120, 80.5, 1200, "正在推进"],
        [2, "市卫生健康委", "社区医院夜间门诊", "王五", "2021年6月底前", "350万元", "1.2亿元", "1,500", "✔已完成"],
        ["二、政策惠民（1条）"],
        [3, "市医保局", "医保业务就近办", "赵六", "长期坚持", None, None, 3000, "未启动"],
        ["合计", None, None, None, None, 470, 12080.5, 5700, None],
        ["注：进展情况填写已完成、正在推进或未启动。"],
    ]


CITY_MERGES = ["A1:I1", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:G3", "H3:H4", "I3:I4", "A5:I5", "A8:I8"]


def city_ledger_xlsx(with_instructions: bool = True) -> bytes:
    sheets = {}
    if with_instructions:
        sheets["填报说明"] = [["填报说明"], ["1. 每月25日前报送。"], ["2. 进展情况填写已完成、正在推进或未启动。"]]
    sheets["台账"] = city_ledger_rows()
    return xlsx(sheets, merges={"台账": CITY_MERGES})


def county_rows() -> list[list]:
    """A county ledger whose 乡镇 cells are merged over their tasks, 亿元 amounts."""
    return [
        ["青山县我为群众办实事重点项目台账（2021年5月）"],
        ["填报单位：青山县委办公室"],
        ["序号", "乡镇（街道）", "项目名称", "类别", "计划投资（亿元）", "已完成投资（亿元）", "计划完成时间",
         "项目进度"],
        [1, "城关镇", "老旧小区改造", "项目建设服务", 1.2, 0.5, "2021.9.30", "按序时推进"],
        [2, None, "农贸市场提升", "解民忧暖民心", 0.3, 0.3, "2021/6/30", "已完成"],
        [3, "河口乡", "村道硬化", "项目建设服务", 0.05, 0, "2021年12月", "未开工"],
    ]


def county_xlsx() -> bytes:
    return xlsx({"Sheet1": county_rows()}, merges={"Sheet1": ["A1:H1", "B4:B5"]})


def county_xls() -> bytes:
    """The same county ledger as legacy .xls (BIFF8), merged 乡镇 cells and all."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    rows = county_rows()
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if (r, c) in ((0, 0), (3, 1)):
                continue  # written below as merged ranges
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    sheet.write_merge(0, 0, 0, 7, rows[0][0])
    sheet.write_merge(3, 4, 1, 1, "城关镇")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def county_csv(encoding: str = "gb18030") -> bytes:
    """A web system's export: header row only, no title; the month is in the file name."""
    lines = [
        "县区,乡镇,项目名称,类别,进展情况,计划投资,完成投资,完成时限,服务群众（人次）",
        '白水县,石桥镇,便民服务中心改造,政策惠民,推进中,"1,234.5",600,2021-08-31,2000',
        "白水县,石桥镇,敬老院消防改造,解民忧暖民心,已办结,80,80,2021-05-31,150",
        "白水县,龙泉乡,自来水管网延伸,项目建设服务,未启动,500,,2021年10月底前,",
    ]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def county_html() -> bytes:
    """An HTML table saved under an .xls name, with rowspan for the township."""
    html = """<html><head><meta charset="utf-8"><title>红石区微实事台账</title></head><body>
<table border="1">
<tr><td colspan="6">红石区“微实事”认领台账（2021年6月）</td></tr>
<tr><th>序号</th><th>乡镇（街道）</th><th>微实事名称</th><th>认领人</th><th>是否完成</th><th>服务群众（人次）</th></tr>
<tr><td>1</td><td rowspan="2">东街街道</td><td>楼道灯维修</td><td>陈一</td><td>是</td><td>80</td></tr>
<tr><td>2</td><td>小区垃圾清运</td><td>陈二</td><td>否</td><td>120</td></tr>
<tr><td>3</td><td>西街街道</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>陈三</td><td>是</td><td>1.2万</td></tr>
</table></body></html>"""
    return html.encode("utf-8")
