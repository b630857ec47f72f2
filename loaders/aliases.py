"""Header words -> canonical ledger columns, kept as data.

Matching works on clean.normalise_header() text (NFKC, no whitespace, no "*"
marker, no trailing colon), so "计划投资\n（万元）" and "计划投资(万元)" are
the same header.
"""
from __future__ import annotations

import re

from loaders.clean import normalise_header

__all__ = [
    "ALIASES", "REQUIRED", "REQUIRED_ONE_OF", "NOT_HEADERS",
    "match_header", "match_header_band", "header_score",
]

ALIASES: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "region": ("县区", "县（市、区）", "县市区", "区县", "县(市)区", "县（市区）",
               "所属县区", "地区", "县（区）", "县区名称"),
    "township": ("乡镇", "乡镇（街道）", "乡镇街道", "街道", "镇街", "镇（街道）",
                 "乡镇（街道）名称"),
    "unit": ("单位", "责任单位", "牵头单位", "单位名称", "部门", "责任部门", "实施单位",
             "承办单位", "主责单位", "牵头部门", "责任主体"),
    "title": ("项目名称", "事项名称", "实事名称", "微实事名称", "实事项目", "项目", "事项",
              "任务名称", "具体事项", "实事内容", "实事项目名称", "任务"),
    "category": ("类别", "类型", "项目类别", "实事类别", "分类", "项目类型", "所属类别"),
    "content": ("具体内容", "主要内容", "工作内容", "建设内容", "实施内容", "工作措施",
                "建设规模及内容", "主要建设内容"),
    "person": ("责任人", "认领人", "联系人", "具体责任人", "负责人"),
    "leader": ("责任领导", "分管领导", "牵头领导", "包抓领导", "认领领导", "包联领导"),
    "status": ("进展情况", "完成情况", "办理状态", "项目进度", "进度", "推进情况", "办理情况",
               "工作进展", "进展", "目前进展", "进展状态", "形象进度", "项目进展", "进展情况说明",
               "状态", "项目状态", "完成状态", "办理进度", "工作推进情况"),
    "completed_flag": ("是否完成", "是否办结", "是否已完成", "是否销号", "是否完成（是/否）"),
    # A percentage (0%-100%) instead of a status word.
    "progress_pct": ("完成进度", "完成比例", "完成百分比", "进度百分比", "完成进度（%）", "工程进度（%）",
                     "项目完成进度", "总体进度", "完成率"),
    "planned_investment": ("计划投资", "总投资", "计划投入", "计划总投资", "预算投资",
                           "计划投资额", "项目总投资", "投资总额"),
    "actual_investment": ("完成投资", "已完成投资", "累计完成投资", "实际投资", "已投入",
                          "实际投入", "累计投资", "完成投资额", "已完成投资额", "累计完成投资额"),
    "deadline": ("完成时限", "计划完成时间", "办结时间", "完成时间", "办结时限", "时间节点",
                 "计划办结时间", "完成期限", "办结期限", "计划完成时限"),
    "beneficiaries": ("服务群众（人次）", "服务群众", "受益群众", "受益人数", "惠及群众",
                      "受益群众（人次）", "服务人次", "惠及人数", "服务群众人次"),
    "satisfaction": ("群众满意度", "群众评价", "满意度", "群众满意率", "群众满意度评价", "满意度评价",
                     "群众满意情况", "满意度测评", "群众测评", "评价结果"),
    "remarks": ("备注", "说明"),
}

# Columns a ledger must have; and groups of which at least one is needed.
REQUIRED: tuple[str, ...] = ("title",)
REQUIRED_ONE_OF: tuple[tuple[str, ...], ...] = (("status", "completed_flag", "progress_pct"),)

# A summary sheet (汇总): one row per unit with counts, no task titles. Its
# figures are compared with the tasks loaded from the other sheets.
SUMMARY_ALIASES: dict[str, tuple[str, ...]] = {
    "unit": ALIASES["unit"] + ALIASES["township"] + ("填报单位",),
    "tasks": ("项目数", "任务数", "实事数", "事项数", "项目个数", "任务个数", "总数", "项目总数", "任务总数",
              "实事项目数", "事项总数", "数量", "合计"),
    "completed": ("已完成", "完成数", "已完成数", "已办结", "办结数", "已办结数", "完成个数", "已完成项目数",
                  "已销号", "销号数"),
    "in_progress": ("推进中", "正在推进", "在建", "推进中数", "正在推进数", "在建数"),
    "not_started": ("未启动", "未开工", "未启动数", "未开工数"),
}

# Headers that look like an alias but are something else: never matched.
NOT_HEADERS: frozenset[str] = frozenset(normalise_header(t) for t in (
    "实际完成时间", "实际办结时间", "存在问题", "存在的问题", "下步计划", "下一步计划",
    "联系电话", "联系方式", "项目编号说明",
))

# Suffixes that only qualify the header before them ("完成投资情况").
_GENERIC_TAILS = ("情况", "说明", "名称", "内容", "额", "数", "总额", "金额", "合计")
# A header joining two names ("进展情况及存在问题"): the first one counts.
_CONJUNCTIONS = ("及", "和", "与", "、", "/", "或", "并", "暨", "+", "&")

# Aliases that end many data cells ("老旧小区改造项目", "城关街道"): they name
# a column only as the whole header or its start, never as its end.
_NO_TAIL = frozenset({"项目", "事项", "任务", "街道", "乡镇", "地区", "说明", "进展", "实事项目"})
_MAX_TAIL_HEADER = 8  # longer cells ending in 项目/街道 are data, not headers
_UNIT_PART = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】"
                        r"|/(?:亿元|万元|元|人次|人|%)$|[:](?:亿元|万元|元|人次|人)$")

_EXACT: dict[str, str] = {}
for _canonical, _words in ALIASES.items():
    for _word in _words:
        _key = normalise_header(_word)
        if _EXACT.setdefault(_key, _canonical) != _canonical:
            raise ValueError(f"alias {_word!r} is listed for two columns")
_BY_LENGTH: tuple[tuple[str, str], ...] = tuple(
    sorted(_EXACT.items(), key=lambda kv: (-len(kv[0]), kv[0]))
)
del _canonical, _words, _word, _key


def _strip_units(text: str) -> str:
    while True:
        stripped = _UNIT_PART.sub("", text)
        if stripped == text:
            return text
        text = stripped


def _tail_match(text: str) -> str | None:
    """The canonical column named by the end of `text` (the head noun)."""
    for alias, canonical in _BY_LENGTH:
        if text.endswith(alias) and alias not in _NO_TAIL:
            return canonical
    return None


def _match(h: str) -> str | None:
    if not h or h in NOT_HEADERS:
        return None
    found = _EXACT.get(h)
    if found:
        return found
    if ":" in h:  # "填报单位:市民政局" is a label line, not a header
        return None
    for alias, canonical in _BY_LENGTH:  # the longest alias the header starts with
        if h.startswith(alias):
            rest = h[len(alias):]
            if rest in _GENERIC_TAILS or rest.startswith(_CONJUNCTIONS):
                return canonical  # "完成投资情况", "进展情况及存在问题"
            head = _tail_match(rest)
            if head:
                return head  # "项目负责人": the head noun at the end wins
            if len(alias) >= 3:
                return canonical  # "进展情况（截至4月底）"-like tails
            break  # "项目地点": a short alias says too little
    if len(h) <= _MAX_TAIL_HEADER:
        return _tail_match(h)  # "牵头责任单位", "县级包抓领导"
    return None


def match_header(text) -> str | None:
    """The canonical column named by one header cell, or None."""
    h = normalise_header(text)
    if not h or h in NOT_HEADERS:
        return None
    found = _EXACT.get(h)
    if found:
        return found
    bare = _strip_units(h)
    if bare != h:
        found = _EXACT.get(bare) or _match(bare)
        if found:
            return found
    return _match(h)


def match_header_band(top, bottom) -> str | None:
    """Two-row header: `bottom` is the lower cell ("计划投资"), `top` the band
    above it ("投资情况（万元）"). The bottom text wins; then the bottom word
    put before the band ("计划" + "投资情况" = "计划投资情况"); then the band."""
    found = match_header(bottom)
    if found:
        return found
    b = _strip_units(normalise_header(bottom))
    t = _strip_units(normalise_header(top))
    if b and t and b != t:
        found = match_header(b + t)
        if found:
            return found
    return match_header(top)


def header_score(cells) -> int:
    """How many distinct canonical columns a row of cells names."""
    found = set()
    for cell in cells:
        if cell is None:
            continue
        text = cell if isinstance(cell, str) else str(cell)
        if len(text) > 30:  # a title or a data cell, not a header
            continue
        name = match_header(text)
        if name:
            found.add(name)
    return len(found)
