"""The mapping step on /upload: a clerk says which column is which and what an
unknown status word means, the file is checked again, and what was said is
remembered for the unit's next file of the same form. Also: how progress was
decided, summary-sheet warnings and several ledger sheets in one file."""
from __future__ import annotations

import json

import pytest

from loaders.mapping import IGNORE, Mapping
from loaders.problems import Problem, describe_sources
from taizhang import accounts
from taizhang.database import reading
from tests import workbooks as wb
from tests.test_upload_page import button, drop, frame, signed_in, tasks, texts
from ui import upload as up

HEADER = ["责任单位", "民生项目", "进展情况", "完成时限"]  # 民生项目 is no alias of 项目名称


def ledger(month: int, rows: list[list], header=HEADER) -> bytes:
    return wb.xlsx({"台账": [[f"民生实事台账（2021年{month}月）"], list(header), *rows]})


def selectbox(at, label_part: str):
    found = [s for s in at.selectbox if label_part in s.label]
    assert found, [s.label for s in at.selectbox]
    return found[0]


def expanders(at) -> list[str]:
    return [e.label for e in at.expander]


def mapping_rows(db: str) -> list[tuple]:
    with reading(db) as con:
        return con.execute("SELECT unit, header_shape, mapping, created_by FROM column_mappings").fetchall()


def test_an_unknown_column_and_word_are_mapped_then_remembered_for_next_month(env):
    april = ledger(4, [["市教育局", "修操场", "已挂牌", "2021-06-30"], ["市教育局", "建食堂", "推进中", None]])
    at = drop(signed_in("solo"), ("民生实事（2021年4月）.xlsx", april))
    shown = texts(at)
    assert "表头中没有找到“项目名称”列" in shown
    assert expanders(at) == ["让系统认识这张表（列和用词对应）"]
    assert not [b for b in at.button if b.label.startswith("确认导入")]
    # Preset to what the loader found; the unknown header is left out until the clerk says.
    assert selectbox(at, "A 列：责任单位").value == "unit"
    assert selectbox(at, "C 列：进展情况").value == "status"
    assert selectbox(at, "D 列：完成时限").value == "deadline"
    title = selectbox(at, "B 列：民生项目")
    assert title.value == IGNORE
    assert title.format_func("title") == "项目名称" and title.format_func(IGNORE) == "忽略（不导入）"
    title.set_value("title")
    button(at, "应用并重新检查").click().run()
    assert not at.exception, [e.value for e in at.exception]

    # Checked again: the rows are found; the word 已挂牌 is asked about next.
    shown = texts(at)
    assert "进展情况中有 1 个用词系统不认识（“已挂牌”）" in shown
    assert expanders(at) == ["让系统认识这张表（列和用词对应）"]
    assert selectbox(at, "B 列：民生项目").value == "title"
    word = selectbox(at, "“已挂牌”")
    assert word.value is None  # never guessed: the clerk chooses
    assert word.options == ["已完成", "推进中", "未启动"]
    word.set_value("completed")
    button(at, "应用并重新检查").click().run()
    assert not at.exception, [e.value for e in at.exception]

    shown = texts(at)
    assert "发现" not in shown  # no problem left
    assert "进展判断：按状态词 2 行" in shown
    assert "已按上次保存的对应关系读取" not in shown  # the clerk's own mapping, not a saved one
    assert expanders(at) == ["列和用词对应"]  # still there, closed, to correct a column
    preview = frame(at, "行", "项目名称")
    assert preview["项目名称"].tolist() == ["修操场", "建食堂"]
    assert preview["进展情况"].tolist() == ["已完成", "推进中"]
    assert tasks(env) == []

    button(at, "确认导入（2 行）").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert "已导入 2 行（2021年4月，市教育局）" in shown
    assert "已记住这张表的列和用词对应" in shown
    assert tasks(env) == [("市教育局", "修操场", "completed"), ("市教育局", "建食堂", "in_progress")]
    [(unit, shape, text, by)] = mapping_rows(env)
    assert (unit, shape, by) == ("市教育局", "责任单位|民生项目|进展情况|完成时限", "solo")
    assert json.loads(text) == {"columns": {"民生项目": "title"}, "words": {"已挂牌": "completed"}}
    entries = {e["action"]: e for e in accounts.audit_entries(env)}
    detail = entries["upload"]["detail"]
    detail = json.loads(detail) if isinstance(detail, str) else detail
    assert json.loads(detail["mapping"]) == json.loads(text)  # the upload says how its rows were read
    assert entries["mapping_saved"]["actor"] == "solo"

    # May, a new session: the same form loads with no step.
    may = ledger(5, [["市教育局", "修操场", "已挂牌", None], ["市教育局", "换课桌", "已挂牌", None],
                     ["市教育局", "建食堂", "推进中", None]])
    at = drop(signed_in("solo"), ("民生实事（2021年5月）.xlsx", may))
    shown = texts(at)
    assert "已按上次保存的对应关系读取（可在下方修改）" in shown
    assert "表头中没有找到" not in shown and "发现" not in shown
    assert expanders(at) == ["列和用词对应"]
    assert frame(at, "行", "项目名称")["进展情况"].tolist() == ["已完成", "已完成", "推进中"]
    button(at, "确认导入（3 行）").click().run()
    shown = texts(at)
    assert "已导入 3 行（2021年5月，市教育局）" in shown
    assert "已按上次保存的对应关系读取" in shown
    with reading(env) as con:
        may_rows = con.execute("SELECT title, status FROM tasks WHERE report_month = DATE '2021-05-01' "
                               "ORDER BY title").fetchall()
    assert may_rows == [("修操场", "completed"), ("建食堂", "in_progress"), ("换课桌", "completed")]
    assert len(mapping_rows(env)) == 1  # nothing new to remember


def test_the_step_speaks_english(env):
    at = drop(signed_in("solo", lang="en"), ("a.xlsx", ledger(4, [["市教育局", "修操场", "已挂牌", None]])))
    assert "The header has no 项目名称 column" in texts(at)
    assert expanders(at) == ["Teach Taizhang this sheet (columns and words)"]
    title = selectbox(at, "Column B: 民生项目")
    assert title.format_func("title") == "Task name"
    title.set_value("title")
    button(at, "Apply and check again").click().run()
    assert "1 progress words are not known ('已挂牌')" in texts(at)
    word = selectbox(at, "'已挂牌'")
    assert word.format_func("completed") == "Completed"
    word.set_value("not_started")
    button(at, "Apply and check again").click().run()
    assert frame(at, "Row", "Task")["Progress"].tolist() == ["Not started"]
    assert "How progress was read: 1 rows by status word" in texts(at)


def test_a_column_read_fine_can_be_corrected(env):
    """The loader took 项目 for the task name; it is the category, and the name is beside it."""
    data = ledger(4, [["市教育局", "教育", "修操场", "推进中"], ["市教育局", "后勤", "建食堂", "已完成"]],
                  header=["责任单位", "项目", "民生项目名称", "进展情况"])
    at = drop(signed_in("solo"), ("a.xlsx", data))
    assert frame(at, "行", "项目名称")["项目名称"].tolist() == ["教育", "后勤"]
    assert expanders(at) == ["列和用词对应"]
    assert selectbox(at, "B 列：项目").value == "title"
    selectbox(at, "B 列：项目").set_value("category")
    selectbox(at, "C 列：民生项目名称").set_value("title")
    button(at, "应用并重新检查").click().run()
    preview = frame(at, "行", "项目名称")
    assert preview["项目名称"].tolist() == ["修操场", "建食堂"] and preview["类别"].tolist() == ["教育", "后勤"]
    button(at, "确认导入（2 行）").click().run()
    assert sorted(tasks(env)) == sorted([("市教育局", "建食堂", "completed"), ("市教育局", "修操场", "in_progress")])
    [(_, _, text, _)] = mapping_rows(env)
    assert json.loads(text)["columns"] == {"项目": "category", "民生项目名称": "title"}


def test_ignoring_a_column_keeps_every_row():
    """A mapping made on the one-row reading holds when the row is tried as the top of
    a two-row header too; otherwise header + first task would outscore the header alone."""
    from loaders.pipeline import prepare
    data = ledger(4, [["市教育局", "修操场", "推进中", "尽快"], ["市教育局", "建食堂", "推进中", None]],
                  header=["责任单位", "项目名称", "进展情况", "完成时限"])
    prepared = prepare(data, "a.xlsx", mapping=Mapping({"完成时限": IGNORE}))
    assert prepared.table.column("title").to_pylist() == ["修操场", "建食堂"]


def test_one_field_chosen_for_two_columns_is_refused(env):
    data = ledger(4, [["市教育局", "修操场", "推进中", "备注"]],
                  header=["责任单位", "民生项目", "进展情况", "说明文字"])
    at = drop(signed_in("solo"), ("a.xlsx", data))
    selectbox(at, "B 列：民生项目").set_value("title")
    selectbox(at, "D 列：说明文字").set_value("title")
    button(at, "应用并重新检查").click().run()
    assert "“项目名称”选给了不止一列（B、D）" in texts(at)
    assert "表头中没有找到“项目名称”列" in texts(at)  # nothing applied


def test_several_sheets_load_with_their_months_sources_and_summary_warning(env):
    april = [["台账（2021年4月）"], ["责任单位", "项目名称", "进展情况"], ["市教育局", "四月甲", "推进中"],
             ["市教育局", "四月乙", "正在协调资金和场地问题"]]
    may = [["台账（2021年5月）"], ["责任单位", "项目名称", "进展情况"], ["市教育局", "五月甲", "已完成"],
           ["市教育局", "五月乙", "已完成并通过验收"]]
    summary = [["单位", "项目数", "已完成"], ["市教育局", 4, 3]]
    at = drop(signed_in("solo"), ("two.xlsx", wb.xlsx({"汇总": summary, "四月": april, "五月": may})))
    shown = texts(at)
    assert "工作表（2 张）：“四月”（表头在第 2 行）、“五月”（表头在第 2 行）" in shown
    assert "报送月份（2 个）：2021年4月、2021年5月" in shown
    assert "任务：4 行" in shown
    assert ("进展判断：按状态词 2 行，按文字规则 2 行（其中“已完成…”类 1 行、其他文字视为推进中 1 行）") in shown
    warning = "工作表“汇总”，第 2 行：汇总表"
    shown_warnings = "\n".join(str(w.value) for w in at.warning).replace("\\", "")
    assert warning in shown_warnings and "“市教育局”已完成数 3，而导入的台账中是 2" in shown_warnings
    assert "two" not in shown_warnings  # the card names the file already
    sheet = next(s for s in at.selectbox if s.label == "工作表")
    assert sheet.format_func(sheet.options[0]) == "全部台账（2 张）"
    button(at, "确认导入（4 行）").click().run()
    shown = texts(at)
    assert "已导入 4 行（2021年4月、2021年5月，市教育局）" in shown
    assert "进展判断：按状态词 2 行，按文字规则 2 行" in shown
    assert warning in shown  # beside the result too
    with reading(env) as con:
        months = con.execute("SELECT report_month, count(*) FROM tasks GROUP BY 1 ORDER BY 1").fetchall()
    assert [n for _, n in months] == [2, 2]


# --- the rules behind the step ---------------------------------------------------------

CELLS = [up.HeaderCell(0, "A", "责任单位", "unit"), up.HeaderCell(1, "B", "民生项目", IGNORE),
         up.HeaderCell(2, "C", "项目", "title"), up.HeaderCell(3, "D", "进展情况", "status")]


def test_a_mapping_holds_only_what_the_clerk_changed():
    unchanged = {c.col: c.found for c in CELLS}
    assert not up.mapping_from(CELLS, unchanged, {})
    mapping = up.mapping_from(CELLS, {**unchanged, 1: "title"}, {"已挂牌": "completed", "拖延": None})
    # B takes the title, so C (which the loader took for it) is left out.
    assert mapping.columns == {"民生项目": "title", "项目": IGNORE}
    assert mapping.words == {"已挂牌": "completed"}
    again = up.mapping_from(CELLS, unchanged, {"拖延": "in_progress"}, previous=mapping)
    assert again.columns == mapping.columns and again.words == {"已挂牌": "completed", "拖延": "in_progress"}


def test_duplicates_are_only_the_clerks_own():
    unchanged = {c.col: c.found for c in CELLS}
    assert up.duplicate_fields(CELLS, {**unchanged, 1: "title"}) == {}
    assert up.duplicate_fields(CELLS, {**unchanged, 1: "category", 0: "category"}) == {"category": ["A", "B"]}


def test_unknown_words_once_each():
    problems = [Problem("bad_status", row=r, params={"value": v})
                for r, v in ((3, "已挂牌"), (4, " 已挂牌 "), (5, "拖延"))]
    problems.append(Problem("bad_date", row=6, params={"value": "下半年"}))
    assert up.unknown_words(problems) == ["已挂牌", "拖延"]


def test_progress_fields_offered():
    assert "progress" in up.MAPPING_FIELDS and up.MAPPING_FIELDS[-1] == IGNORE
    from present.catalogue import text
    for field in up.MAPPING_FIELDS:  # every choice has words in both languages, never a code
        assert text(f"up.field.{field}", "zh") != f"up.field.{field}"
        assert text(f"up.field.{field}", "en") != f"up.field.{field}"
    assert up.field_options("title") == list(up.MAPPING_FIELDS)
    assert up.field_options("remarks")[-2:] == ["remarks", IGNORE]


@pytest.mark.parametrize("lang, expected", [
    ("zh", "进展判断：按状态词 12 行，按是否完成 3 行，按完成进度 5 行，按文字规则 4 行"
           "（其中“尚未完成…”类视为推进中 1 行、“已完成…”类 2 行、其他文字视为推进中 1 行）"),
    ("en", "How progress was read: 12 rows by status word, 3 by 是否完成 (completed yes/no), 5 by completion %, "
           "4 by rules on the written text (1 like 尚未完成… (not done yet): in progress, "
           "2 like 已完成… (done): completed, 1 other text: in progress)"),
])
def test_status_sources_read_in_both_languages(lang, expected):
    sources = {"word": 12, "flag": 3, "percent": 5, "rule:other_text": 1, "rule:completed_words": 2,
               "rule:negation": 1}
    assert describe_sources(sources, lang) == expected
    assert describe_sources({}, lang) is None


def test_saved_mapping_applied_is_told_apart_from_the_clerks():
    class Fake:
        mapping = Mapping({"民生项目": "title"})
    assert up.saved_mapping_applied(Fake(), None)
    assert not up.saved_mapping_applied(Fake(), Mapping({"民生项目": "title"}))
    Fake.mapping = None
    assert not up.saved_mapping_applied(Fake(), None)
