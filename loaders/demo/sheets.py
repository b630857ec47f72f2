"""What each office's file holds: the sheets as grids with merges (title,
填报单位 line, one- or two-row headers, group rows, 小计/合计, 注 footers),
the CSV export, and the file names.

Writing them is loaders.demo.writers' job; nothing here touches a file.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from .cells import _amount, _cn_date, _date_cell, _status_word
from .city import _CAT_NAMES, CITY
from .words import _CN_NUM, _DELAYS, _HABITS, _PROJECT_HABITS

if TYPE_CHECKING:
    from .simulate import _Row
    from .world import _Region, _Unit


@dataclass
class _Grid:
    name: str
    ncols: int
    widths: tuple[int, ...] = ()
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 (0-based, inclusive)
    styles: dict[int, str] = field(default_factory=dict)                  # row -> title | header | total
    date_format: str = "yyyy-mm-dd"
    nrows: int = 0

    def put(self, r: int, c: int, v: object) -> None:
        if v is not None and v != "":
            self.cells[(r, c)] = v
        self.nrows = max(self.nrows, r + 1)

    def row(self, r: int, values: Sequence[object]) -> None:
        for c, v in enumerate(values):
            self.put(r, c, v)

    def merge(self, r1: int, c1: int, r2: int, c2: int, v: object = None) -> None:
        if v is not None:
            self.put(r1, c1, v)
        self.nrows = max(self.nrows, r2 + 1)
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))


def _city_grids(rows: list[_Row], month: date, filler: str, filled: date,
                habits: dict[str, int]) -> tuple[_Grid, _Grid]:
    y, m = month.year, month.month
    notes = _Grid("填报说明", 1, widths=(90,))
    lines = [
        f"{CITY}市直单位“我为群众办实事”实践活动项目台账填报说明",
        "",
        "一、本表由各市直单位党组（党委）填报，市直机关工委汇总，每月25日前报送当月进展，逾期视为未报。",
        "二、项目名称应与年初确定的任务清单一致，新增项目请在备注中注明“新增”。",
        "三、进展情况统一填写“已完成”“正在推进”“未启动”，长期任务完成阶段性目标的填写“已完成（长期坚持）”。",
        "四、完成时限填写具体日期，长期任务填写“长期坚持”。",
        "五、投资情况以万元为单位，保留两位小数；服务群众按人次累计填报。",
        "六、请勿增删列、合并单元格，不要在表格中插入图片。",
        "",
        "联系人：市直机关工委办公室，联系电话：0000-1234567",
    ]
    for i, line in enumerate(lines):
        notes.put(i, 0, line)
    notes.styles[0] = "title"

    g = _Grid("项目台账", 11, widths=(6, 18, 34, 44, 14, 14, 10, 10, 12, 14, 18), date_format="yyyy/m/d")
    last = 10
    g.merge(0, 0, 0, last, f"{CITY}市直单位“我为群众办实事”实践活动项目台账（{y}年{m}月）")
    g.styles[0] = "title"
    g.merge(1, 0, 1, last, f"填报单位（盖章）：市直机关工委    填报人：{filler}    填报时间：{_cn_date(filled)}")
    for c, label in enumerate(("序号", "责任单位", "项目名称", "具体内容", "责任人", "完成时限")):
        g.merge(2, c, 3, c, label)
    g.merge(2, 6, 2, 7, "投资情况（万元）")
    g.put(3, 6, "计划投资")
    g.put(3, 7, "完成投资")
    g.merge(2, 8, 3, 8, "服务群众（人次）")
    g.merge(2, 9, 3, 9, "进展情况")
    g.merge(2, 10, 3, 10, "备注")
    g.styles[2] = g.styles[3] = "header"
    r = 4
    tot_p = tot_a = 0.0
    tot_b = 0
    by_status = {"completed": 0, "in_progress": 0, "not_started": 0}
    for ci, cat in enumerate(_CAT_NAMES):
        cat_rows = [x for x in rows if x.task.category == cat]
        if not cat_rows:
            continue
        g.merge(r, 0, r, last, f"{_CN_NUM[ci]}、{cat}（{len(cat_rows)}条）")
        r += 1
        for n, x in enumerate(cat_rows, 1):
            t = x.task
            remark = None
            if x.overdue and x.status == "in_progress":
                remark = f"受{_DELAYS[t.pick % len(_DELAYS)]}影响滞后，正在加快推进"
            elif t.added:
                remark = "新增"
            elif t.pick % 17 == 0:
                remark = "已纳入省级民生实事"
            g.row(r, [n, t.unit, t.title, t.content, t.person, _date_cell(t.deadline, t.date_form, t.pick),
                      _amount(t.planned, "wan"), _amount(x.actual, "wan"), x.bene,
                      _status_word(x, _HABITS, habits[t.unit] + (t.pick % 7 == 0)), remark])
            tot_p += t.planned or 0
            tot_a += x.actual or 0
            tot_b += x.bene or 0
            by_status[x.status] += 1
            r += 1
    g.merge(r, 0, r, 5, "合计")
    g.put(r, 6, round(tot_p, 2))
    g.put(r, 7, round(tot_a, 2))
    g.put(r, 8, tot_b)
    g.merge(r, 9, r, last, f"已完成{by_status['completed']}项，正在推进{by_status['in_progress']}项，"
                           f"未启动{by_status['not_started']}项")
    g.styles[r] = "total"
    g.merge(r + 1, 0, r + 1, last, "注：1. 进展情况填写已完成、正在推进或未启动；2. 完成时限填写具体日期，"
                                   "长期任务填写“长期坚持”；3. 投资情况以万元为单位；4. 服务群众人次为累计数。")
    return notes, g


def _county_grid(region: _Region, rows_by_town: list[tuple[_Unit, list[_Row]]], month: date, filler: str,
                 filled: date, sheet: str) -> _Grid:
    sh = region.shape
    y, m = month.year, month.month
    unit_word = {"wan": "（万元）", "yi": "（亿元）", "text": ""}[sh.amount]
    g = _Grid(sheet, 10, widths=(6, 14, 34, 16, 40, 14, 14, 16, 12, 14),
              date_format="yyyy-mm-dd" if sh.habit % 2 else 'yyyy"年"m"月"d"日"')
    last = 9
    g.merge(0, 0, 0, last, f"{region.name}我为群众办实事重点项目台账（{y}年{m}月）")
    g.styles[0] = "title"
    g.merge(1, 0, 1, last, f"填报单位：{region.office}          填报人：{filler}          填报时间：{_cn_date(filled)}")
    labels = ["序号", "乡镇（街道）", "项目名称", "类别", "建设内容", f"计划投资{unit_word}", f"已完成投资{unit_word}",
              "计划完成时间", "项目进度", "责任人"]
    if sh.header2:
        for c, label in enumerate(labels):
            if c in (5, 6):
                continue
            g.merge(2, c, 3, c, label)
        g.merge(2, 5, 2, 6, f"投资情况{unit_word}")
        g.put(3, 5, "计划投资")
        g.put(3, 6, "已完成投资")
        g.styles[2] = g.styles[3] = "header"
        r = 4
    else:
        g.row(2, labels)
        g.styles[2] = "header"
        r = 3
    n = 0
    tot_p = tot_a = 0.0
    for town, rows in rows_by_town:
        first_row = r
        sub_p = sub_a = 0.0
        for x in rows:
            t = x.task
            n += 1
            g.row(r, [n, town.name if (r == first_row or not sh.merge_town) else None, t.title, t.category,
                      t.content, _amount(t.planned, sh.amount, t.pick), _amount(x.actual, sh.amount, t.pick),
                      _date_cell(t.deadline, t.date_form, t.pick),
                      _status_word(x, _PROJECT_HABITS, sh.habit + (town.habit if t.pick % 5 == 0 else 0)),
                      t.person])
            sub_p += t.planned or 0
            sub_a += x.actual or 0
            r += 1
        if sh.merge_town and r - first_row > 1:
            g.merge(first_row, 1, r - 1, 1)
        if sh.subtotal:
            g.merge(r, 0, r, 4, "小计")
            g.put(r, 5, _amount(sub_p, sh.amount))
            g.put(r, 6, _amount(sub_a, sh.amount))
            g.styles[r] = "total"
            r += 1
        tot_p += sub_p
        tot_a += sub_a
    g.merge(r, 0, r, 4, "合计")
    g.put(r, 5, _amount(tot_p, sh.amount))
    g.put(r, 6, _amount(tot_a, sh.amount))
    g.styles[r] = "total"
    words = _PROJECT_HABITS[sh.habit]
    g.merge(r + 1, 0, r + 1, last, f"注：项目进度填写“{words['completed'][0]}”“{words['in_progress'][0]}”"
                                   f"或“{words['not_started'][0]}”；投资额为累计数。")
    return g


def _micro_grid(region: _Region, rows_by_town: list[tuple[_Unit, list[_Row]]], month: date, filler: str,
                filled: date) -> _Grid:
    y, m = month.year, month.month
    g = _Grid("微实事台账", 8, widths=(6, 14, 36, 30, 14, 10, 14, 14), date_format="yyyy/m/d")
    last = 7
    g.merge(0, 0, 0, last, f"{region.name}“微实事”认领办理台账（{y}年{m}月）")
    g.styles[0] = "title"
    g.merge(1, 0, 1, last, f"填报单位：{region.name}委组织部      填报人：{filler}      填报时间：{_cn_date(filled)}")
    g.row(2, ["序号", "乡镇（街道）", "微实事名称", "认领人", "计划投资（万元）", "是否完成", "服务群众（人次）",
              "完成时限"])
    g.styles[2] = "header"
    r, n, tot_b, done = 3, 0, 0, 0
    for town, rows in rows_by_town:
        first_row = r
        for x in rows:
            t = x.task
            n += 1
            flag = "是" if x.status == "completed" else "否"
            done += flag == "是"
            g.row(r, [n, town.name if r == first_row else None, t.title, t.person, _amount(t.planned, "wan"),
                      flag, x.bene or 0, _date_cell(t.deadline, "excel", t.pick)])
            tot_b += x.bene or 0
            r += 1
        if r - first_row > 1:
            g.merge(first_row, 1, r - 1, 1)
    g.merge(r, 0, r, 3, f"合计（共{n}件，已完成{done}件）")
    g.put(r, 6, tot_b)
    g.styles[r] = "total"
    return g


def _csv_bytes(region: _Region, rows_by_town: list[tuple[_Unit, list[_Row]]]) -> bytes:
    """A county system's export: header row only, GB18030, amounts like "1,234.5"."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["县区", "乡镇", "项目名称", "类别", "进展情况", "计划投资", "完成投资", "完成时限", "服务群众（人次）"])

    def amt(v: float | None) -> str:
        if v is None:
            return ""
        s = f"{v:,.2f}".rstrip("0").rstrip(".")
        return s

    for town, rows in rows_by_town:
        for x in rows:
            t = x.task
            w.writerow([region.name, town.name, t.title, t.category,
                        _status_word(x, _PROJECT_HABITS, region.shape.habit), amt(t.planned), amt(x.actual),
                        _date_cell(t.deadline, "iso", t.pick, long_word="长期"),
                        "" if x.bene is None else str(x.bene)])
    return buf.getvalue().encode("gb18030")


def _file_name(region: _Region, month: date) -> str:
    y, m = month.year, month.month
    kind = region.shape.name
    if kind == "dash":
        return f"{y}-{m:02d}_{region.name}.xls"
    if kind == "csv":
        return f"{region.name}_{y}-{m:02d}.csv"
    if kind == "html":
        return f"{region.name}重点项目台账_{y}-{m:02d}.xls"
    if kind == "plain":
        return f"{y}年{m}月{region.name}办实事项目台账.xlsx"
    if region.shape.fmt == "micro":
        return f"{region.name}微实事台账（{y}年{m}月）.xlsx"
    return f"{region.name}我为群众办实事重点项目台账（{y}年{m}月）.xlsx"
