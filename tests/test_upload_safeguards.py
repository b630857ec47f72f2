"""/upload says what a file will change before it changes (issue 12), in AppTest."""
from __future__ import annotations

import io

import openpyxl

from loaders.pipeline import ingest
from tests.test_upload_page import button, drop, frame, ledger, signed_in, texts


def rows(unit: str, n: int, status: str = "推进中") -> list[list]:
    return [[unit, f"{unit}任务{i}", status] for i in range(n)]


def test_a_much_smaller_sheet_is_flagged_before_confirming(env):
    ingest(ledger(4, rows("市教育局", 77)), "full.xlsx", env, loaded_by="clerk")
    at = drop(signed_in("clerk"), ("part.xlsx", ledger(4, rows("市教育局", 5))))
    shown = texts(at)
    assert "注意：将替换 市教育局 2021年4月 现有的 77 行，而本文件只有 5 行" in shown
    assert "72 项任务将从本月消失" in shown
    assert [w for w in at.warning if "77" in str(w.value)]  # warning style, not a plain note
    button(at, "确认导入")  # the clerk may still confirm, having been told


def test_a_like_for_like_replacement_is_a_plain_note(env):
    ingest(ledger(4, rows("市教育局", 10)), "full.xlsx", env, loaded_by="clerk")
    at = drop(signed_in("clerk"), ("again.xlsx", ledger(4, rows("市教育局", 9, "已完成"))))
    assert "将替换 市教育局 2021年4月 现有的 10 行，本文件为 9 行" in texts(at)
    assert not [w for w in at.warning if "10 行" in str(w.value)]


def test_a_file_without_a_month_points_to_the_choice_above_not_to_a_flag(env):
    at = drop(signed_in("clerk"), ("ledger.xlsx", ledger(None, rows("市教育局", 1))))
    shown = texts(at)
    assert "请在上方“报送月份”中选择月份" in shown
    assert "--month" not in shown
    english = drop(signed_in("clerk", lang="en"), ("ledger.xlsx", ledger(None, rows("市教育局", 1))))
    assert "pick the month under 'Report month' above" in texts(english)
    assert "--month" not in texts(english)


def test_the_columns_holding_problems_come_first_in_the_preview(env):
    data = ledger(4, [["市教育局", "甲", "推进中"], ["市教育局", "乙", "看情况"]])
    at = drop(signed_in("clerk"), ("bad.xlsx", data))
    preview = frame(at, "行", "项目名称")
    assert list(preview.columns)[:2] == ["行", "进展情况"]


def test_the_keep_going_tick_says_the_unit_will_not_be_ranked(env):
    data = ledger(4, [["市教育局", "甲", "推进中"], ["市教育局", "乙", "看情况"]])
    at = drop(signed_in("clerk"), ("bad.xlsx", data))
    tick = [c for c in at.checkbox if c.label.startswith("先导入没有问题的")]
    assert tick and "不计入统计" in tick[0].label and "不参加排名" in tick[0].label


def test_history_shows_display_names_and_the_state_after_a_rollback(env):
    ingest(ledger(4, rows("市教育局", 2)), "a.xlsx", env, loaded_by="boss")
    at = signed_in("boss")
    at.session_state["upload_tab"] = "上传记录"
    at.run()
    history = frame(at, "状态", "上传人")
    assert list(history.columns)[:2] == ["上传时间", "状态"]  # the state before the long unit list
    assert history["上传人"].tolist() == ["办公室"]  # the display name given at `users add --name`
    picker = next(s for s in at.selectbox if s.key == "upload_history_pick")
    assert picker.options[0].endswith("在用")
    next(c for c in at.checkbox if c.key == "upload_confirm_rollback").check().run()
    button(at, "撤销这次上传").click().run()
    picker = next(s for s in at.selectbox if s.key == "upload_history_pick")
    assert picker.options[0].endswith("已撤销")  # the picker agrees with the detail
    assert frame(at, "状态")["状态"].tolist() == ["已撤销"]


def test_a_long_unit_list_is_shortened_in_the_history():
    from ui.upload import units_text

    names = [f"单位{i}" for i in range(54)]
    assert units_text(names, "zh") == "单位0、单位1、单位2 等 54 个"
    assert units_text(names, "en") == "单位0, 单位1, 单位2 and 51 more"
    assert units_text(names[:4], "zh") == "单位0、单位1、单位2、单位3"


def test_the_template_carries_the_units_known_region(env):
    ingest(ledger(4, [["市教育局", "甲", "推进中"]], title="江州市市直单位台账（2021年4月）"), "a.xlsx", env)
    at = signed_in("solo")
    at.session_state["upload_tab"] = "模板下载"
    at.run()
    assert "下载台账模板（.xlsx）" in [b.label for b in at.get("download_button")]
    from loaders.template import build_template
    from ui.upload import known_region

    assert known_region("市教育局") == "市直"
    book = openpyxl.load_workbook(io.BytesIO(build_template("市教育局", region=known_region("市教育局"))))
    assert "所属县区：市直" in book["台账"]["A2"].value
