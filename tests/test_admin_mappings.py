"""The admin page's column and word mappings through AppTest: the table, deleting, words for everyone."""
from __future__ import annotations

import pytest

from loaders import mappings_store as ms
from loaders.mapping import Mapping, header_shape
from tests.test_upload_page import actions, frame, signed_in, texts

SHAPE = header_shape(["序号", "工作任务", "牵头单位", "推进情况"])


def mappings_page(lang: str = "zh"):
    at = signed_in("boss", "app_pages/admin.py", lang=lang)
    at.session_state["admin_tab"] = "列与词的对应" if lang == "zh" else "Column and word mappings"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_empty_list_says_so_and_offers_the_words_form(env):
    at = mappings_page()
    assert "还没有保存任何对应" in texts(at)
    assert "还没有为所有单位添加的用词" in texts(at)


def test_saved_mappings_are_listed_and_one_can_be_deleted(env):
    mapping_id = ms.save(env, unit="市教育局", shape=SHAPE,
                         mapping=Mapping({"工作任务": "title", "备注": "ignore"}, {"差不多了": "completed"}),
                         actor="clerk")
    ms.save_common_words(env, {"拖着": "推进中"}, actor="boss")
    at = mappings_page()
    table = frame(at, "单位", "表头样式", "列的对应", "词的对应", "保存人")
    assert table["单位"].tolist() == ["全部单位", "市教育局"]
    assert table["词的对应"].tolist() == ["拖着 → 推进中", "差不多了 → 已完成"]
    assert "工作任务 → 项目名称" in table["列的对应"][1] and "备注 → 不导入" in table["列的对应"][1]
    assert table["表头样式"][1].startswith("序号 | 工作任务")
    assert table["保存人"].tolist() == ["boss", "clerk"]

    at.selectbox(key="admin_map_pick").set_value(mapping_id)
    at.button(key="admin_map_delete").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "已删除该对应" in texts(at)
    assert [r["mapping_id"] for r in ms.list_all(env)] != [] and mapping_id not in {
        r["mapping_id"] for r in ms.list_all(env)}
    assert frame(at, "单位", "表头样式")["单位"].tolist() == ["全部单位"]
    assert ("mapping_deleted", "boss", mapping_id) in actions(env)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_word_for_everyone_is_added_and_audited(env, lang):
    at = mappings_page(lang)
    at.text_input(key="admin_word").input("差不多了")
    at.selectbox(key="admin_word_status").set_value("in_progress")
    at.button(key="admin_word_add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert ("已添加：“差不多了”算作推进中" if lang == "zh" else "Added: '差不多了' means In progress") in texts(at)
    assert ms.common_words(env).words == {"差不多了": "in_progress"}
    assert [a for a in actions(env) if a[0] == "mapping_saved"] and actions(env)[0][:2] == ("mapping_saved", "boss")
    assert at.text_input(key="admin_word").value == ""

    at.multiselect(key="admin_words_remove").set_value(["差不多了"])
    at.button(key="admin_words_remove_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert ms.common_words(env).words == {}


def test_an_empty_word_is_refused(env):
    at = mappings_page()
    at.button(key="admin_word_add").click().run()
    assert "请填写用词" in texts(at)
    assert ms.list_all(env) == []
