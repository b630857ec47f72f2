"""loaders.aliases: header words -> canonical columns."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from loaders.aliases import ALIASES, REQUIRED, REQUIRED_ONE_OF, header_score, match_header, match_header_band
from loaders.clean import normalise_header

CANONICAL = {
    "seq", "region", "township", "unit", "title", "category", "content", "person", "leader",
    "status", "completed_flag", "progress_pct", "planned_investment", "actual_investment", "deadline",
    "beneficiaries", "satisfaction", "remarks",
}


def test_aliases_shape():
    assert set(ALIASES) == CANONICAL
    assert REQUIRED == ("title",)
    assert REQUIRED_ONE_OF == (("status", "completed_flag", "progress_pct"),)
    for group in REQUIRED_ONE_OF:
        assert set(group) <= CANONICAL
    seen = {}
    for canonical, words in ALIASES.items():
        assert isinstance(words, tuple) and words
        for word in words:
            key = normalise_header(word)
            assert seen.setdefault(key, canonical) == canonical, word


@pytest.mark.parametrize("canonical, word", [
    (c, w) for c, words in sorted(ALIASES.items()) for w in words
])
def test_every_alias_matches_itself(canonical, word):
    assert match_header(word) == canonical
    assert match_header(f" *{word}：") == canonical
    assert match_header(word[:1] + "\n" + word[1:]) == canonical


REQUIRED_WORDS = {
    "seq": "序号 编号",
    "region": "县区 县（市、区） 县市区 区县 县(市)区 所属县区 地区",
    "township": "乡镇 乡镇（街道） 乡镇街道 街道 镇街",
    "unit": "单位 责任单位 牵头单位 单位名称 部门 责任部门 实施单位 承办单位 主责单位",
    "title": "项目名称 事项名称 实事名称 微实事名称 实事项目 项目 事项 任务名称 具体事项 实事内容",
    "category": "类别 类型 项目类别 实事类别 分类",
    "content": "具体内容 主要内容 工作内容 建设内容 实施内容 工作措施",
    "person": "责任人 认领人 联系人 具体责任人",
    "leader": "责任领导 分管领导 牵头领导 包抓领导 认领领导",
    "status": "进展情况 完成情况 办理状态 项目进度 进度 推进情况 办理情况 工作进展 进展",
    "completed_flag": "是否完成 是否办结",
    "planned_investment": "计划投资 总投资 计划投入 计划总投资 预算投资 计划投资额",
    "actual_investment": "完成投资 已完成投资 累计完成投资 实际投资 已投入 实际投入 累计投资 完成投资额",
    "deadline": "完成时限 计划完成时间 办结时间 完成时间 办结时限 时间节点 计划办结时间 完成期限",
    "beneficiaries": "服务群众（人次） 服务群众 受益群众 受益人数 惠及群众 受益群众（人次） 服务人次",
    "remarks": "备注 说明",
}


@pytest.mark.parametrize("canonical, word", [
    (c, w) for c, words in sorted(REQUIRED_WORDS.items()) for w in words.split()
])
def test_brief_aliases_present(canonical, word):
    assert word in ALIASES[canonical]
    assert match_header(word) == canonical


@pytest.mark.parametrize("text, expected", [
    # units in parentheses or after a slash
    ("计划投资（万元）", "planned_investment"),
    ("计划投资(亿元)", "planned_investment"),
    ("计划投资/万元", "planned_investment"),
    ("完成投资\n（万元）", "actual_investment"),
    ("累计完成投资（亿元）", "actual_investment"),
    ("总投资(元)", "planned_investment"),
    ("服务群众\n（人次）", "beneficiaries"),
    ("服务群众(人)", "beneficiaries"),
    ("受益人数（人）", "beneficiaries"),
    ("进度(%)", "status"),
    ("计划投资(单位：万元)", "planned_investment"),
    # look-alikes that must not be confused
    ("完成情况", "status"),
    ("计划完成时间", "deadline"),
    ("完成时间", "deadline"),
    ("完成投资", "actual_investment"),
    ("是否完成", "completed_flag"),
    ("项目进度", "status"),
    ("项目类别", "category"),
    # prefixes
    ("备注说明", "remarks"),
    ("完成情况说明", "status"),
    ("完成投资情况", "actual_investment"),
    ("进展情况及存在问题", "status"),
    ("责任单位及责任人", "unit"),
    ("项目名称及建设内容", "title"),
    ("部门名称", "unit"),
    # head noun at the end
    ("项目负责人", "person"),
    ("项目建设单位", "unit"),
    ("项目编号", "seq"),
    ("牵头责任单位", "unit"),
    ("县级包抓领导", "leader"),
    ("重点工作进展", "status"),
    # markers, spaces, full width
    ("*项目名称", "title"),
    ("＊项目名称：", "title"),
    ("项 目 名 称", "title"),
    ("进展情况:", "status"),
    # not headers
    ("", None),
    (None, None),
    ("实际完成时间", None),
    ("联系电话", None),
    ("存在问题", None),
    ("项目地点", None),
    ("填报单位：市民政局", None),
    ("老旧小区改造项目", None),
    ("城关街道", None),
    ("已完成", None),
    ("2021年我为群众办实事项目台账", None),
    ("合计", None),
    ("12", None),
])
def test_match_header(text, expected):
    assert match_header(text) == expected


@pytest.mark.parametrize("top, bottom, expected", [
    ("投资情况（万元）", "计划投资", "planned_investment"),
    ("投资情况（万元）", "完成投资", "actual_investment"),
    ("投资情况（万元）", "计划", "planned_investment"),
    ("投资情况（万元）", "完成", "actual_investment"),
    ("投资（亿元）", "计划", "planned_investment"),
    ("完成投资", "万元", "actual_investment"),
    ("完成投资", None, "actual_investment"),
    ("项目名称", "项目名称", "title"),
    ("责任单位及责任人", "责任人", "person"),
    ("责任单位及责任人", "责任单位", "unit"),
    ("进展情况", "是否完成", "completed_flag"),
    (None, "进展情况", "status"),
    (None, None, None),
    ("投资情况（万元）", None, None),
    ("", "", None),
])
def test_match_header_band(top, bottom, expected):
    assert match_header_band(top, bottom) == expected


def test_header_score():
    header = ["序号", "县区", "责任单位", "项目名称", "类别", "进展情况", "是否完成",
              "计划投资（万元）", "完成投资（万元）", "完成时限", "服务群众（人次）", "备注"]
    assert header_score(header) == 12
    assert header_score(header + ["项目名称", None, 3.0]) == 12
    assert header_score(["市直工委2021年我为群众办实事项目台账（2021年4月）"]) == 0
    assert header_score(["填报单位：市民政局", None, None, "填报时间：2021-04-30"]) == 0
    data = [1, "城关镇", "市民政局", "老旧小区改造项目", "解民忧暖民心", "已完成", "是",
            350.0, "350", "2021-06-30 00:00:00", "1200", None]
    assert header_score(data) == 0
    assert header_score([]) == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20), st.floats(), st.integers()), max_size=15))
def test_header_score_property(cells):
    score = header_score(cells)
    assert 0 <= score <= len(CANONICAL)
    for cell in cells:
        if isinstance(cell, str):
            assert match_header(cell) in CANONICAL | {None}
