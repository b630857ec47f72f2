"""loaders.clean: every cell form a clerk writes, plus property tests."""
from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import given, settings, strategies as st

from loaders import clean
from loaders.clean import (
    CELL_ERROR_CODES,
    PROGRESS_RULE_CODES,
    PROGRESS_RULES,
    STATUSES,
    CellError,
    classify_progress,
    find_report_month,
    money_unit,
    money_unit_line,
    normalise_header,
    normalise_text,
    parse_amount,
    parse_completed_flag,
    parse_count,
    parse_date,
    parse_percent,
    parse_satisfaction,
    parse_status,
    percent_column_is_fraction,
    status_key,
)
from loaders.problems import CATALOGUE

D = dt.date
APRIL = D(2021, 4, 1)


def error_code(func, *args):
    with pytest.raises(CellError) as info:
        func(*args)
    assert info.value.code in CATALOGUE
    return info.value.code


# --------------------------------------------------------------------------
# CellError

def test_cell_error_carries_code_and_value():
    with pytest.raises(CellError) as info:
        parse_status("  看情况 ")
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.code, err.value) == ("bad_status", "看情况")
    again = pickle.loads(pickle.dumps(err))
    assert (again.code, again.value) == ("bad_status", "看情况")


def test_cell_error_rejects_unknown_code():
    with pytest.raises(ValueError):
        CellError("no_such_code", "x")


# --------------------------------------------------------------------------
# normalise_text / normalise_header

@pytest.mark.parametrize("value, expected", [
    (None, None),
    ("", None),
    ("   ", None),
    ("\u3000\n", None),
    ("  已完成 ", "已完成"),
    ("市\u3000民政局", "市 民政局"),
    ("老旧小区\n\n改造  项目", "老旧小区 改造 项目"),
    ("ＡＢＣ１２３", "ABC123"),
    ("（２０２１年）", "(2021年)"),
    ("a\u200bb", "ab"),
    (3.0, "3"),
    (100.5, "100.5"),
    (44377.0, "44377"),
    (7, "7"),
    (float("nan"), None),
    (D(2021, 6, 30), "2021-06-30"),
    (dt.datetime(2021, 6, 30), "2021-06-30 00:00:00"),
])
def test_normalise_text(value, expected):
    assert normalise_text(value) == expected


@pytest.mark.parametrize("text, expected", [
    ("项目名称", "项目名称"),
    ("*项目名称", "项目名称"),
    ("＊项目名称：", "项目名称"),
    ("项目\n名称:", "项目名称"),
    (" 计划投资\n（万元） ", "计划投资(万元)"),
    ("服务群众\u3000（人次）", "服务群众(人次)"),
    ("**进展情况", "进展情况"),
    (None, ""),
    ("", ""),
])
def test_normalise_header(text, expected):
    assert normalise_header(text) == expected


# --------------------------------------------------------------------------
# parse_status

@pytest.mark.parametrize("text", [
    "已完成", "已办结", "完成", "办结", "已完成（长期坚持）", "已完成(长期坚持)", "✔已完成",
    "√已完成", "✓ 已完成", "☑已完成", "★已完成", "已竣工", "已解决", " 已完成\n", "已完工",
    "100%", "完成100%", "100.0%", "已完成，长期坚持", "已完成；持续推进", "已完成（已验收）",
    "（已完成）", "✔️已完成", "１００％", "Completed",
])
def test_status_completed(text):
    assert parse_status(text) == "completed"


@pytest.mark.parametrize("text", [
    "正在推进", "推进中", "按序时推进", "序时推进", "进行中", "已启动", "已启动，正在实施",
    "正在实施", "实施中", "在建", "已开工", "持续推进", "长期坚持", "常态化", "80%",
    "完成80%", "已完成80%", "进度50%", "完成８０％", "未完成，正在推进",
    "已开工；正在施工", "推进中（完成60%）", "已启动、推进中", "In progress",
])
def test_status_in_progress(text):
    assert parse_status(text) == "in_progress"


@pytest.mark.parametrize("text", [
    "未启动", "未开工", "尚未开始", "待启动", "未开始", "尚未启动", "0%", "完成0%",
    "未完成，尚未启动", "●未启动", "未启动（资金未到位）",
])
def test_status_not_started(text):
    assert parse_status(text) == "not_started"


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000", "-", "—", "/"])
def test_status_blank(value):
    assert parse_status(value) is None


@pytest.mark.parametrize("text", [
    "未完成", "未办结", "未启动，已完成", "已完成，推进中", "已完成（未启动）", "基本完成",
    "好", "看情况", "√", "150%", "已完成，群众满意", "(未完成)", "已完成(",
])
def test_status_bad(text):
    assert error_code(parse_status, text) == "bad_status"


@pytest.mark.parametrize("value", [1.0, 0.8, 1, 0])
def test_status_numbers_are_not_guessed(value):
    assert error_code(parse_status, value) == "bad_status"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="已未完成启动推进中，,；;、（）()%0123456789√✔长期坚持 ")))
def test_status_property(text):
    try:
        result = parse_status(text)
    except CellError as err:
        assert err.code == "bad_status"
    else:
        assert result in (None, "not_started", "in_progress", "completed")


# --------------------------------------------------------------------------
# status_key / extra_words / vocabulary

@pytest.mark.parametrize("value, expected", [
    ("已完成", "已完成"), (" ✔ 已完成\n", "已完成"), ("★已 完成", "已完成"), ("In Progress", "inprogress"),
    ("ＤＯＮＥ", "done"), ("已完成（长期坚持）", "已完成(长期坚持)"), ("✔️已挂牌", "已挂牌"),
    (None, None), ("", None), ("  ", None), ("-", None), ("/", None), ("—", None), ("√", None),
])
def test_status_key(value, expected):
    assert status_key(value) == expected


def test_status_words_are_keys_and_tables_do_not_overlap():
    words = list(clean.STATUS_WORDS) + list(clean.ONGOING_WORDS) + list(clean.NOT_COMPLETED_WORDS)
    assert len(words) == len(set(words))
    assert all(status_key(w) == w for w in words)
    assert set(clean.STATUS_WORDS.values()) == set(STATUSES)


@pytest.mark.parametrize("text, expected", [
    *[(w, "completed") for w in (
        "已销号", "销号", "已办结", "办结", "已验收", "验收通过", "已通过验收", "已竣工", "已完工",
        "已交付", "已交付使用", "已销账", "已办理", "已兑现", "已实现")],
    *[(w, "not_started") for w in (
        "待办理", "待办", "未办理", "待启动", "待开工", "待实施", "暂未开展", "未开展", "尚未办理")],
    *[(w, "in_progress") for w in (
        "持续推进", "长期坚持", "正在办理", "办理中", "已受理", "正在落实", "落实中", "推进中",
        "已立项", "前期工作", "前期准备", "招标中", "正在招标")],
    ("已销号（长期坚持）", "completed"), ("已立项，正在招标", "in_progress"),
    ("未完成，待办理", "not_started"),
])
def test_status_campaign_vocabulary(text, expected):
    assert parse_status(text) == expected


@pytest.mark.parametrize("text, extra, expected", [
    ("已挂牌", {"已挂牌": "completed"}, "completed"),
    ("✔ 已挂牌", {"已挂牌": "completed"}, "completed"),
    ("已挂牌，长期坚持", {"已挂牌": "completed"}, "completed"),
    ("已挂牌（持续推进）", {"已挂牌": "completed"}, "completed"),
    ("谋划中", {"谋划中": "not_started"}, "not_started"),
    ("谋划中，未完成", {"谋划中": "not_started"}, "not_started"),
    ("In Review", {status_key("In Review"): "in_progress"}, "in_progress"),
    # consulted first: a mapped word overrides the built-in vocabulary
    ("完成", {"完成": "in_progress"}, "in_progress"),
    ("已完成", {}, "completed"),
    ("已完成", None, "completed"),
    ("-", {"-": "completed"}, None),
])
def test_status_extra_words(text, extra, expected):
    assert parse_status(text, extra) == expected


@pytest.mark.parametrize("text, extra", [
    ("已挂牌", {}), ("已挂牌", {"挂牌": "completed"}), ("已挂牌，未启动", {"已挂牌": "completed"}),
    ("已完成（谋划中）", {"谋划中": "not_started"}),
])
def test_status_extra_words_bad(text, extra):
    assert error_code(parse_status, text, extra) == "bad_status"


def test_status_extra_words_must_be_statuses():
    with pytest.raises(ValueError):
        parse_status("已挂牌", {"已挂牌": "done"})


# --------------------------------------------------------------------------
# classify_progress

@pytest.mark.parametrize("text, expected", [
    # a status word parse_status reads: no rule
    ("已完成", ("completed", None)), ("推进中", ("in_progress", None)), ("未启动", ("not_started", None)),
    ("已销号", ("completed", None)), ("100％", ("completed", None)), ("未完成，正在推进", ("in_progress", None)),
    # negation_not_started
    ("尚未完成，未开工建设", ("not_started", "negation_not_started")),
    ("未完成，资金未到位，尚未启动", ("not_started", "negation_not_started")),
    ("没有完成，目前暂未开展", ("not_started", "negation_not_started")),
    ("事项未办结，待启动", ("not_started", "negation_not_started")),
    ("工程未竣工，待开工", ("not_started", "negation_not_started")),
    ("项目未能按期完成，尚未开始施工", ("not_started", "negation_not_started")),
    # negation
    ("尚未完成招标", ("in_progress", "negation")),
    ("未完成", ("in_progress", "negation")),
    ("尚未办结", ("in_progress", "negation")),
    ("主体未完工", ("in_progress", "negation")),
    ("工程未竣工", ("in_progress", "negation")),
    ("已完工未验收", ("in_progress", "negation")),
    ("整改未销号", ("in_progress", "negation")),
    ("房屋未交付", ("in_progress", "negation")),
    ("未能按期完成", ("in_progress", "negation")),
    ("未全部完成，完成60%", ("in_progress", "negation")),
    # percent
    ("已开工，完成主体工程60%", ("in_progress", "percent")),
    ("完成主体工程60％", ("in_progress", "percent")),
    ("主体工程进度达60 %", ("in_progress", "percent")),
    ("主体工程完成100%，已投入使用", ("completed", "percent")),
    ("完成年度任务的120%", ("completed", "percent")),
    ("资金到位0%，前期手续办理中", ("not_started", "percent")),
    ("一期100%，二期40%", ("in_progress", "percent")),
    # pending_acceptance
    ("已完工，待验收", ("in_progress", "pending_acceptance")),
    ("主体完工，正在验收", ("in_progress", "pending_acceptance")),
    ("项目验收中", ("in_progress", "pending_acceptance")),
    ("已申请验收", ("in_progress", "pending_acceptance")),
    ("整改到位，待销号", ("in_progress", "pending_acceptance")),
    ("材料已报送，待办结", ("in_progress", "pending_acceptance")),
    # remainder: part done, the rest not (a new-user trial's "4 of 6 built" read as completed)
    ("已建成4个，其余2个正在选址", ("in_progress", "remainder")),
    ("完成3项，剩余2项年底前完成", ("in_progress", "remainder")),
    ("已完工2处，还有1处未开工", ("in_progress", "remainder")),
    # not_started_words
    ("资金已下达，待启动", ("not_started", "not_started_words")),
    ("方案已制定，尚未开工", ("not_started", "not_started_words")),
    ("目前暂未开展", ("not_started", "not_started_words")),
    ("受疫情影响未启动", ("not_started", "not_started_words")),
    ("项目尚未开始", ("not_started", "not_started_words")),
    ("正在对接，待落实", ("not_started", "not_started_words")),
    ("前期手续待办", ("not_started", "not_started_words")),
    ("还未招标", ("not_started", "not_started_words")),
    ("资金待实施", ("not_started", "not_started_words")),
    # completed_words
    ("已完成并通过验收", ("completed", "completed_words")),
    ("2021年5月竣工", ("completed", "completed_words")),
    ("已建成并投入使用", ("completed", "completed_words")),
    ("全部完工", ("completed", "completed_words")),
    ("已交付群众使用", ("completed", "completed_words")),
    ("已按计划完成", ("completed", "completed_words")),
    ("已完成年度计划任务", ("completed", "completed_words")),
    ("问题已整改，已销号", ("completed", "completed_words")),
    ("该事项已办结，群众满意", ("completed", "completed_words")),
    # other_text
    ("正在协调资金", ("in_progress", "other_text")),
    ("预计2021年底完成", ("in_progress", "other_text")),
    ("计划6月底前完工", ("in_progress", "other_text")),
    ("力争年内建成", ("in_progress", "other_text")),
    ("基本完成", ("in_progress", "other_text")),
    ("主体部分完成", ("in_progress", "other_text")),
    ("待资金到位后完成", ("in_progress", "other_text")),
    ("累计完成投资1200万元", ("in_progress", "other_text")),
    ("看情况", ("in_progress", "other_text")),
    ("√", ("in_progress", "other_text")),
    ("0.6", ("in_progress", "other_text")),
])
def test_classify_progress(text, expected):
    assert classify_progress(text) == expected


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000", "-", "—", "/", float("nan")])
def test_classify_progress_blank(value):
    assert classify_progress(value) is None


def test_classify_progress_extra_words():
    assert classify_progress("谋划中") == ("in_progress", "other_text")
    assert classify_progress("谋划中", {"谋划中": "not_started"}) == ("not_started", None)
    assert classify_progress("谋划中，未完成", {"谋划中": "not_started"}) == ("not_started", None)


def test_progress_rules_table():
    assert PROGRESS_RULE_CODES == (
        "negation_not_started", "negation", "percent", "pending_acceptance", "remainder",
        "not_started_words", "completed_words", "other_text",
    )
    for rule in PROGRESS_RULES:
        assert callable(rule.status) or rule.status in STATUSES
        assert rule.code in clean.__doc__


@settings(max_examples=500, deadline=None)
@given(st.one_of(
    st.text(min_size=1),
    st.text(alphabet="已未尚待暂没有完成办结销号验收竣工启动开工推进中计划预计基本，,；;、。（）()%％0123456789√✔ ",
            min_size=1),
))
def test_classify_progress_property(text):
    result = classify_progress(text)
    if normalise_text(text) is None or normalise_text(text) in clean.PLACEHOLDERS:
        assert result is None
    else:
        status, rule = result
        assert status in STATUSES
        assert rule is None or rule in PROGRESS_RULE_CODES


# --------------------------------------------------------------------------
# parse_percent / percent_column_is_fraction

@pytest.mark.parametrize("value, fractions, expected", [
    ("60%", False, 0.6), ("60%", True, 0.6), ("60 %", False, 0.6), ("100％", True, 1.0),
    ("0%", False, 0.0), ("33.3%", False, 0.333), ("１００％", False, 1.0), ("完成60%", True, 0.6),
    ("约60%", False, 0.6),
    (0.6, True, 0.6), ("0.6", True, 0.6), (1.0, True, 1.0), (1, True, 1.0), (0, True, 0.0),
    ("0", True, 0.0), ("1", True, 1.0), (0.333, True, 0.333),
    (60.0, False, 0.6), (60, False, 0.6), ("60", False, 0.6), ("100", False, 1.0), ("0", False, 0.0),
    (33.3, False, 0.333), ("0.5", False, 0.005), ("-0", False, 0.0),
    (None, True, None), ("", False, None), ("  ", True, None), ("-", False, None), ("/", True, None),
    ("—", False, None), ("无", True, None), (float("nan"), False, None),
])
def test_percent(value, fractions, expected):
    result = parse_percent(value, fractions=fractions)
    assert result == expected and (result is None or type(result) is float)
    if result == 0:
        assert str(result) == "0.0"


@pytest.mark.parametrize("value, fractions", [
    ("150%", False), ("100.5%", True), ("-5%", False), ("-0.1", True), (-5, False),
    ("60", True), (60.0, True), (1.5, True), ("101", False), (101.0, False),
    ("abc", False), ("六成", True), ("60%-70%", False), ("inf", True), (float("inf"), False),
    ("nan", True), ("1e5", False), (True, True), (D(2021, 6, 30), False), ("9" * 400, False),
])
def test_percent_errors(value, fractions):
    assert error_code(lambda v: parse_percent(v, fractions=fractions), value) == "bad_percent"


@pytest.mark.parametrize("values, expected", [
    ([0.6, "0.5", 1.0, 0, None, "", "-"], True),
    (["0.6", "60%", "100％", "未填", None], True),   # % texts and words are ignored
    ([], True),
    ([None, "-"], True),
    ([0.6, 60.0], False),
    (["60", "80"], False),
    (["0.5", "1.01"], False),
    ([100, "50%"], False),
    ((v for v in ["0.2", "0.4"]), True),
])
def test_percent_column_is_fraction(values, expected):
    assert percent_column_is_fraction(values) is expected


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 100))
def test_percent_property(n):
    assert parse_percent(f"{n}%", fractions=True) == n / 100
    assert parse_percent(str(n), fractions=False) == n / 100
    assert parse_percent(float(n), fractions=False) == n / 100
    assert parse_percent(str(n / 100), fractions=True) == n / 100
    column = [n / 100, "0.5"]
    assert percent_column_is_fraction(column)
    assert [parse_percent(v, fractions=True) for v in column] == [n / 100, 0.5]


def test_bad_percent_in_catalogue():
    assert "bad_percent" in CELL_ERROR_CODES
    zh, en = CATALOGUE["bad_percent"]
    assert "{value}" in zh and "{value}" in en


# --------------------------------------------------------------------------
# money_unit_line

@pytest.mark.parametrize("text, expected", [
    ("金额单位：万元", "万元"), ("单位：元", "元"), ("（单位：亿元）", "亿元"), ("金额单位: 万元/元", "万元"),
    ("单位:万元", "万元"), ("单位：万元、人", "万元"), ("资金单位：万", "万元"), ("单位(万元)", "万元"),
    ("单位 ： 亿元", "亿元"), ("投资单位：元。", "元"),
    ("填报单位：市教育局            单位：万元", "万元"),
    ("填报单位：市教育局", None), ("填报单位：万州区民政局", None), ("责任单位：元氏县财政局", None),
    ("牵头单位：万宁市", None), ("单位：人", None), ("单位名称", None), ("2021年我为群众办实事项目台账", None),
    ("单位：万人次", None), ("", None), (None, None),
])
def test_money_unit_line(text, expected):
    assert money_unit_line(text) == expected


# --------------------------------------------------------------------------
# parse_completed_flag

@pytest.mark.parametrize("value, expected", [
    ("是", True), ("否", False), ("已完成", True), ("未完成", False), ("√", True),
    ("×", False), ("✔", True), ("✘", False), ("Y", True), ("N", False), ("yes", True),
    ("No", False), ("1", True), ("0", False), (1.0, True), (0.0, False), (1, True),
    (True, True), (False, False), (" 是 ", True), ("ＹＥＳ", True),
    (None, None), ("", None), ("-", None), ("/", None),
])
def test_completed_flag(value, expected):
    assert parse_completed_flag(value) is expected


@pytest.mark.parametrize("value", ["也许", "2", "是否", "?", 2.0, "已完成80%"])
def test_completed_flag_bad(value):
    assert error_code(parse_completed_flag, value) == "bad_flag"


# --------------------------------------------------------------------------
# money_unit / parse_amount

@pytest.mark.parametrize("header, expected", [
    ("计划投资（万元）", "万元"), ("投资情况(亿元)", "亿元"), ("金额/元", "元"),
    ("计划投资(元)", "元"), ("总投资（万）", "万元"), ("总投资/亿", "亿元"),
    ("完成投资\n（万元）", "万元"), ("计划投资", None), ("单元名称", None), ("", None), (None, None),
])
def test_money_unit(header, expected):
    assert money_unit(header) == expected


@pytest.mark.parametrize("value, expected", [
    ("100.5", 100.5), ("350", 350.0), ("1,234.5", 1234.5), ("1，234.5", 1234.5),
    ("350万元", 350.0), ("350万", 350.0), ("1.2亿元", 12000.0), ("1.2亿", 12000.0),
    ("1.1亿", 11000.0), ("80000元", 8.0), ("约350万元", 350.0), ("350万元左右", 350.0),
    ("３５０万元", 350.0), (" 350 万元 ", 350.0), ("0", 0.0), ("0.00", 0.0), ("-0", 0.0),
    (100.5, 100.5), (3.0, 3.0), (7, 7.0), ("12,741.8", 12741.8), ("16.19亿元", 161900.0),
    ("1e-07", 1e-07), ("1,234,567", 1234567.0), ("0.3", 0.3),
    (None, None), ("", None), ("-", None), ("—", None), ("/", None), ("无", None),
    ("——", None), (float("nan"), None),
])
def test_amount(value, expected):
    result = parse_amount(value)
    assert result == expected and type(result) is type(expected)
    if result == 0:
        assert str(result) == "0.0"


@pytest.mark.parametrize("value, unit, expected", [
    ("80000", "元", 8.0), (80000, "元", 8.0), ("12345", "元", 1.2345),
    ("1.2", "亿元", 12000.0), (1.1, "亿元", 11000.0), ("350", "万元", 350.0),
    ("350", None, 350.0), ("350万元", "元", 350.0), ("1.2亿", "元", 12000.0),
    ("0.1", "亿元", 1000.0),
])
def test_amount_default_unit(value, unit, expected):
    assert parse_amount(value, unit) == expected


@pytest.mark.parametrize("value, code", [
    ("-5", "negative_amount"), (-5.0, "negative_amount"), ("-350万元", "negative_amount"),
    ("−5", "negative_amount"), (-1, "negative_amount"),
    ("nan", "bad_amount"), ("inf", "bad_amount"), (float("inf"), "bad_amount"),
    ("100-200", "bad_amount"), ("100~200", "bad_amount"), ("待定", "bad_amount"),
    ("三百万", "bad_amount"), ("1,2345", "bad_amount"), ("350万元（省级）", "bad_amount"),
    (True, "bad_amount"), (D(2021, 1, 1), "bad_amount"), ("1e999999999亿", "bad_amount"),
    ("1.5%", "bad_amount"),
])
def test_amount_errors(value, code):
    assert error_code(parse_amount, value) == code


finite = st.floats(min_value=0, allow_nan=False, allow_infinity=False)


def close(a, b):
    return abs(a - b) <= 1e-6 * abs(b)


@settings(max_examples=200, deadline=None)
@given(finite)
def test_amount_property_str(x):
    assert close(parse_amount(str(x)), x)
    assert close(parse_amount(x), x)


@settings(max_examples=200, deadline=None)
@given(finite)
def test_amount_property_thousands(x):
    assert close(parse_amount(f"{x:,}"), x)


@settings(max_examples=200, deadline=None)
@given(finite)
def test_amount_property_wan(x):
    assert close(parse_amount(f"{x}万元"), x)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_amount_property_yi_exact(d):
    text = str(d)
    assert parse_amount(text + "亿") == float(d * 10000)
    assert parse_amount(text + "亿元") == float(d * 10000)
    assert parse_amount(text, "亿元") == float(d * 10000)


# --------------------------------------------------------------------------
# parse_count

@pytest.mark.parametrize("value, expected", [
    ("1200", 1200), ("1,200", 1200), ("1200人", 1200), ("1200人次", 1200),
    ("1.2万人次", 12000), ("1.2万", 12000), ("１２００人次", 1200), ("约1200人", 1200),
    ("1200余人", 1200), (1200.0, 1200), (1200, 1200), ("1200.0", 1200), ("0", 0),
    ("13,000", 13000), ("1.25万", 12500),
    (None, None), ("", None), ("-", None), ("/", None), (float("nan"), None),
])
def test_count(value, expected):
    result = parse_count(value)
    assert result == expected and (result is None or type(result) is int)


@pytest.mark.parametrize("value", [
    "12.5", 12.5, "-3", -3, "很多", "1.23456万", "100-200", float("inf"), True,
    "1e20", "12人左右多",
])
def test_count_errors(value):
    assert error_code(parse_count, value) == "bad_count"


# --------------------------------------------------------------------------
# parse_date

@pytest.mark.parametrize("value, expected", [
    ("2021-06-30 00:00:00", D(2021, 6, 30)),
    ("2021-06-30 12:30:00", D(2021, 6, 30)),
    ("2021-06-30", D(2021, 6, 30)),
    ("2021/9/30", D(2021, 9, 30)),
    ("2021.6.30", D(2021, 6, 30)),
    ("2021-9-30", D(2021, 9, 30)),
    ("20210630", D(2021, 6, 30)),
    ("2021年6月30日", D(2021, 6, 30)),
    ("2021年6月30日前", D(2021, 6, 30)),
    ("2021年6月30号", D(2021, 6, 30)),
    ("2021年6月30日前完成", D(2021, 6, 30)),
    ("２０２１年６月３０日", D(2021, 6, 30)),
    ("2021 年 6 月 30 日", D(2021, 6, 30)),
    ("2021-06-30前", D(2021, 6, 30)),
    # month-only forms: end of the month
    ("2021年6月", D(2021, 6, 30)),
    ("2021年6月底", D(2021, 6, 30)),
    ("2021年6月底前", D(2021, 6, 30)),
    ("2021年6月末", D(2021, 6, 30)),
    ("2021.06", D(2021, 6, 30)),
    ("2021-06", D(2021, 6, 30)),
    ("2021/6", D(2021, 6, 30)),
    ("2021年6月中旬", D(2021, 6, 30)),
    ("2021年6月上旬", D(2021, 6, 30)),
    ("2021年6月下旬", D(2021, 6, 30)),
    ("2021年2月", D(2021, 2, 28)),
    ("2024年2月底", D(2024, 2, 29)),
    ("2021.10", D(2021, 10, 31)),
    ("2021.12", D(2021, 12, 31)),
    ("2021.6", D(2021, 6, 30)),
    ("2021.1前", D(2021, 1, 31)),  # typed text, not a number cell
    ("2021年十月", D(2021, 10, 31)),
    # year-level forms
    ("2021年底", D(2021, 12, 31)),
    ("2021年年底前", D(2021, 12, 31)),
    ("2021年年底", D(2021, 12, 31)),
    ("2021年末", D(2021, 12, 31)),
    ("2021年12月底", D(2021, 12, 31)),
    ("2021年", D(2021, 12, 31)),
    ("2021年内", D(2021, 12, 31)),
    ("2021年上半年", D(2021, 6, 30)),
    ("2021年下半年", D(2021, 12, 31)),
    ("2022年上半年", D(2022, 6, 30)),
    ("2021年第三季度", D(2021, 9, 30)),
    ("2021年三季度末", D(2021, 9, 30)),
    ("2021年第一季度", D(2021, 3, 31)),
    ("21年6月底", D(2021, 6, 30)),
    # no year: the report month's year
    ("6月30日", D(2021, 6, 30)),
    ("6月30日前", D(2021, 6, 30)),
    ("6月底前", D(2021, 6, 30)),
    ("6月", D(2021, 6, 30)),
    ("年底前", D(2021, 12, 31)),
    ("年底", D(2021, 12, 31)),
    ("上半年", D(2021, 6, 30)),
    ("下半年", D(2021, 12, 31)),
    ("三季度", D(2021, 9, 30)),
    ("三季度末", D(2021, 9, 30)),
    ("第四季度", D(2021, 12, 31)),
    ("计划2021年9月底前完成", D(2021, 9, 30)),
    # Excel serials
    ("44377", D(2021, 6, 30)),
    ("44377.0", D(2021, 6, 30)),
    (44377.0, D(2021, 6, 30)),
    (44377, D(2021, 6, 30)),
    ("36526", D(2000, 1, 1)),
    ("73050", D(2099, 12, 31)),
    # objects
    (D(2021, 6, 30), D(2021, 6, 30)),
    (dt.datetime(2021, 6, 30, 15, 0), D(2021, 6, 30)),
])
def test_date(value, expected):
    result = parse_date(value, APRIL)
    assert result == expected and type(result) is dt.date


@pytest.mark.parametrize("value", [
    None, "", "  ", "长期", "长期坚持", "常态化", "持续推进", "长期推进", " 长期 ", "-", "/", "—",
    float("nan"),
])
def test_date_open_ended(value):
    assert parse_date(value, APRIL) is None


def test_date_year_from_report_month():
    assert parse_date("6月底前", D(2022, 11, 1)) == D(2022, 6, 30)
    assert parse_date("年底前", D(2023, 1, 1)) == D(2023, 12, 31)


@pytest.mark.parametrize("value, code", [
    ("2021.1", "ambiguous_date"),
    (2021.1, "ambiguous_date"),
    (2021.10, "ambiguous_date"),
    ("630", "date_as_number"),
    (630.0, "date_as_number"),
    ("6.5", "date_as_number"),
    ("123456", "date_as_number"),
    ("2021", "date_as_number"),
    ("36525", "date_as_number"),
    ("73051", "date_as_number"),
    ("44377.5", "date_as_number"),
    ("2021.13", "date_as_number"),
    ("9" * 5000, "date_as_number"),
    ("2021-02-30", "bad_date"),
    ("2021年2月30日", "bad_date"),
    ("20210230", "bad_date"),
    ("2021-13-01", "bad_date"),
    ("2021-13", "bad_date"),
    ("2021年13月", "bad_date"),
    ("1999-12-31", "bad_date"),
    ("2100-01-01", "bad_date"),
    ("尽快", "bad_date"),
    ("待定", "bad_date"),
    ("2021年6月-12月", "bad_date"),
    ("第五季度", "bad_date"),
    ("完成", "bad_date"),
    (True, "bad_date"),
])
def test_date_errors(value, code):
    assert error_code(parse_date, value, APRIL) == code


def test_date_without_report_month_needs_a_year():
    assert parse_date("2021年6月", None) == D(2021, 6, 30)
    assert error_code(parse_date, "6月底前", None) == "bad_date"


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))


@settings(max_examples=300, deadline=None)
@given(dates)
def test_date_property(d):
    for text in (
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}.{d.month}.{d.day}",
        f"{d.isoformat()} 00:00:00",
        str((d - D(1899, 12, 30)).days),
    ):
        assert parse_date(text, APRIL) == d, text
    serial = (d - D(1899, 12, 30)).days
    assert parse_date(float(serial), APRIL) == d
    assert parse_date(serial, APRIL) == d


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_date_never_raises_other_errors(text):
    try:
        result = parse_date(text, APRIL)
    except CellError as err:
        assert err.code in ("bad_date", "ambiguous_date", "date_as_number")
    else:
        assert result is None or type(result) is dt.date


# --------------------------------------------------------------------------
# find_report_month

@pytest.mark.parametrize("text, expected", [
    ("2021年我为群众办实事项目台账（2021年4月）", D(2021, 4, 1)),
    ("（２０２１年４月）", D(2021, 4, 1)),
    ("2021年04月", D(2021, 4, 1)),
    ("2021-04", D(2021, 4, 1)),
    ("台账_2021_04.xlsx", D(2021, 4, 1)),
    ("2021.04", D(2021, 4, 1)),
    ("市民政局202104.xlsx", D(2021, 4, 1)),
    ("截至2021年4月底", D(2021, 4, 1)),
    ("2021年1-4月", D(2021, 4, 1)),
    ("2021年1月至4月", D(2021, 4, 1)),
    ("2021年1—4月", D(2021, 4, 1)),
    ("2021年1月-2021年4月", D(2021, 4, 1)),
    ("2021年1～12月", D(2021, 12, 1)),
    ("台账2021-04-30.xlsx", D(2021, 4, 1)),
    ("2021年4月30日", D(2021, 4, 1)),
    ("2021年十一月", D(2021, 11, 1)),
    ("2021年 4 月", D(2021, 4, 1)),
    ("2021-12", D(2021, 12, 1)),
    ("共1106条", None),
    ("台账1106条.xlsx", None),
    ("20210430", None),
    ("1202104", None),
    ("2021", None),
    ("2021年", None),
    ("2021-13", None),
    ("202113", None),
    ("1999年4月", None),
    ("2021-2022", None),
    ("", None),
    (None, None),
])
def test_find_report_month(text, expected):
    assert find_report_month(text) == expected


@given(st.integers(2000, 2099), st.integers(1, 12))
def test_find_report_month_roundtrip(year, month):
    assert find_report_month(f"{year}年{month}月") == D(year, month, 1)
    assert find_report_month(f"{year}-{month:02d}") == D(year, month, 1)
    assert find_report_month(f"台账（{year}年{month}月）.xlsx") == D(year, month, 1)


# --------------------------------------------------------------------------
# parse_satisfaction (群众满意度)



@pytest.mark.parametrize("value, expected", [
    ("满意", ("satisfied", None)), ("基本满意", ("basically_satisfied", None)), ("不满意", ("dissatisfied", None)),
    ("非常满意", ("satisfied", None)), ("比较满意", ("satisfied", None)), ("一般", ("basically_satisfied", None)),
    ("不太满意", ("dissatisfied", None)), (" 满 意 ", ("satisfied", None)),
    ("95", ("satisfied", 0.95)), ("90分", ("satisfied", 0.9)), ("89.5", ("basically_satisfied", 0.895)),
    ("60%", ("basically_satisfied", 0.6)), ("59", ("dissatisfied", 0.59)), (0.95, ("satisfied", 0.95)),
    (100.0, ("satisfied", 1.0)), ("0", ("dissatisfied", 0.0)),
    (None, None), ("", None), ("-", None), ("未评价", None), ("待评价", None),
])
def test_parse_satisfaction(value, expected):
    assert parse_satisfaction(value) == expected


@pytest.mark.parametrize("value", ["还行", "101", "120%", "-5", True, "满意吧"])
def test_parse_satisfaction_refuses_what_it_cannot_read(value):
    assert error_code(parse_satisfaction, value) == "bad_satisfaction"


@given(st.text(max_size=12))
def test_parse_satisfaction_never_raises_anything_but_a_cell_error(text):
    try:
        result = parse_satisfaction(text)
    except CellError as error:
        assert error.code == "bad_satisfaction"
    else:
        assert result is None or result[0] in ("satisfied", "basically_satisfied", "dissatisfied")
