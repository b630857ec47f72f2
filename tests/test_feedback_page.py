"""/feedback, the notice download and the ratings on /admin through Streamlit's AppTest."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from taizhang import database, ratings
from tests.dbfixtures import build, task
from tests.test_upload_page import frame, signed_in, texts

ROOT = Path(__file__).resolve().parent.parent
UNIT = "市教育局"  # bound to the account "clerk"
HOSTILE = '<script>alert(1)</script> **bold** =HYPERLINK("http://x","y")'
TITLES = ["校园食堂改造", "[点我](http://evil.example) **加粗**", "课后服务", "操场翻新"]


@pytest.fixture
def unit_db(env):
    build(env, [task("2021-06", UNIT, title, "completed" if i < 3 else "in_progress", region="市直",
                     source_row=4 + i) for i, title in enumerate(TITLES)]
          + [task("2021-06", "市卫生健康委", "义诊", "completed", region="市直")])
    return env


def feedback_page(token, lang: str = "zh", at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.query_params["lang"] = lang
        at.run()
    if token is not None:
        at.query_params["t"] = token
    at.switch_page("app_pages/feedback.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rating_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.key and re.match(r"fb_(satisfied|basically_satisfied|dissatisfied)_\d", b.key)]


def test_the_page_lists_the_units_completed_tasks_in_chinese_and_english(unit_db):
    token = ratings.link_for(unit_db, UNIT, "boss")
    at = feedback_page(token)
    assert [t.value for t in at.title] == ["群众评价"]
    assert UNIT in [s.value for s in at.subheader]
    assert "2021年6月已完成的任务" in texts(at)
    assert [b.label for b in rating_buttons(at)] == ["满意", "基本满意", "不满意"] * 3
    # a title holding Markdown is escaped, not a link or bold
    assert any(m.value == "**2\\. \\[点我\\]\\(http⁠\\://evil\\.example\\) \\*\\*加粗\\*\\***" for m in at.markdown)
    assert "操场翻新" not in texts(at) and "义诊" not in texts(at)
    at = feedback_page(token, "en")
    assert [b.label for b in rating_buttons(at)][:3] == ["Satisfied", "Basically satisfied", "Dissatisfied"]
    assert "Tasks completed in Jun 2021" in texts(at) or "tasks completed in Jun 2021" in texts(at)


@pytest.mark.parametrize("token", [None, "nonsense", "A" * 22])
def test_a_bad_token_shows_only_a_message(unit_db, token):
    at = feedback_page(token)
    assert "这个评价链接无效或已停用" in texts(at)
    assert not rating_buttons(at) and not at.text_input
    assert UNIT not in texts(at)


def test_rating_shows_the_choice_as_text_and_can_be_changed(unit_db):
    token = ratings.link_for(unit_db, UNIT, "boss")
    at = feedback_page(token)
    at.text_input[0].input(HOSTILE)
    rating_buttons(at)[0].click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["已收到您对“校园食堂改造”的评价，谢谢！"]
    assert [t.value for t in at.text] == [HOSTILE]  # st.text: never Markdown or HTML
    assert "您的评价：**满意**" in [m.value for m in at.markdown]
    assert rating_buttons(at)[0].proto.type == "primary"
    rating_buttons(at)[2].click().run()  # changed to 不满意; the comment box still holds the comment
    with database.reading(unit_db) as con:
        assert con.execute("SELECT title, rating, comment FROM resident_ratings").fetchall() == [
            ("校园食堂改造", "dissatisfied", HOSTILE)]
    assert "您的评价：**不满意**" in [m.value for m in at.markdown]


def test_the_units_staff_signed_in_cannot_rate(unit_db):
    token = ratings.link_for(unit_db, UNIT, "boss")
    at = signed_in("clerk")
    at = feedback_page(token, at=at)
    assert "您已用本单位的工作人员账号登录，不能评价本单位的任务" in texts(at)
    assert rating_buttons(at) and all(b.disabled for b in rating_buttons(at))
    other = ratings.link_for(unit_db, "市卫生健康委", "boss")
    at = feedback_page(other, at=at)  # clerk reports for 市卫生健康委 too
    assert "不能评价本单位" in texts(at)
    at = signed_in("solo")  # 市教育局 only: at 市卫生健康委 a resident like any other
    at = feedback_page(other, at=at)
    assert "不能评价本单位" not in texts(at) and not any(b.disabled for b in rating_buttons(at))


def test_the_page_is_open_when_viewing_needs_a_sign_in(unit_db, monkeypatch, tmp_path):
    config = tmp_path / "locked.toml"
    config.write_text("[access]\nview_requires_login = true\n", encoding="utf-8")
    monkeypatch.setenv("TAIZHANG_CONFIG", str(config))
    token = ratings.link_for(unit_db, UNIT, "boss")
    at = feedback_page(token)
    assert len(rating_buttons(at)) == 9
    assert not any(t.key and t.key.endswith("_username") for t in at.text_input)


def test_notice_download_on_submissions_needs_a_signed_in_admin_or_the_units_uploader(unit_db):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/submissions.py").run()
    assert not at.exception
    assert "登录后（管理员或本单位填报员）可在此下载" in texts(at)
    assert not [b for b in at.get("download_button") if "公示单" in b.label]
    at = signed_in("solo")  # uploader of 市教育局 only
    at.switch_page("app_pages/submissions.py").run()
    assert not at.exception
    assert at.selectbox(key="submissions_notice_unit").options == [UNIT]
    assert any("下载公示单 PDF" in b.label for b in at.get("download_button"))


def test_admin_lists_ratings_as_text_and_hides_a_comment_with_an_audit_entry(unit_db):
    token = ratings.link_for(unit_db, UNIT, "boss")
    with database.reading(unit_db) as con:
        key = ratings.feedback(con, token).tasks[0].task_key
    rating_id = ratings.rate(unit_db, token, key, "dissatisfied", HOSTILE, "abcdef0123456789", None)
    at = signed_in("boss", "app_pages/admin.py")
    at.session_state["admin_tab"] = "群众评价"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = frame(at, "意见", "评价", "状态")
    assert table["意见"].tolist() == [HOSTILE] and table["评价"].tolist() == ["不满意"]
    assert table["状态"].tolist() == ["显示"]
    assert set(at.selectbox(key="admin_notice_unit").options) == {UNIT, "市卫生健康委"}  # any unit
    assert any("群众评价 Excel" in b.label for b in at.get("download_button"))
    at.selectbox(key="admin_rating_pick").set_value(rating_id).run()
    next(b for b in at.button if b.key == "admin_hide_comment").click().run()
    assert not at.exception
    assert frame(at, "意见", "状态")["状态"].tolist() == ["意见已隐藏"]
    next(b for b in at.button if b.key == "admin_hide_rating").click().run()
    assert frame(at, "意见", "状态")["状态"].tolist() == ["评价已隐藏"]
    with database.reading(unit_db) as con:
        assert con.execute("SELECT actor, action, target FROM audit_log WHERE action LIKE '%_hide' "
                           "ORDER BY action").fetchall() == [
            ("boss", "comment_hide", rating_id), ("boss", "rating_hide", rating_id)]
