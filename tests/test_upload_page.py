"""Sign-in, upload, history, submissions and admin through AppTest; the rules behind them."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from loaders.pipeline import ingest, prepare
from loaders.template import build_template
from metrics.settings import ConfigError, load
from taizhang import accounts
from taizhang.accounts import User
from taizhang.database import reading
from tests import workbooks as wb
from tests.conftest import PASSWORD
from ui import upload as up

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_page(path: str = "app_pages/upload.py", lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    if path:
        at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(at: AppTest, username: str, password: str = PASSWORD, where: str = "upload") -> AppTest:
    at.text_input(key=f"{where}_username").input(username)
    at.text_input(key=f"{where}_password").input(password)
    next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def signed_in(username: str, path: str = "app_pages/upload.py", lang: str = "zh") -> AppTest:
    at = open_page(path, lang)
    return sign_in(at, username, where="admin" if path.endswith("admin.py") else "upload")


def texts(at: AppTest) -> str:
    """Every text shown, with the markdown escapes of user text (ui.format.md) taken out."""
    parts = []
    for kind in ("title", "subheader", "caption", "info", "warning", "markdown", "error", "success", "code"):
        parts += [str(element.value) for element in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "").replace("\u2060", "")


def drop(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="upload_files").set_value([(name, data, XLSX) for name, data in files]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label_start: str):
    found = [b for b in at.button if b.label.startswith(label_start)]
    assert found, [b.label for b in at.button]
    return found[0]


def frame(at: AppTest, *columns: str):
    for element in at.dataframe:
        if all(c in element.value.columns for c in columns):
            return element.value
    raise AssertionError([list(d.value.columns) for d in at.dataframe])


def tasks(db: str) -> list[tuple]:
    with reading(db) as con:
        return con.execute("SELECT unit, title, status FROM tasks ORDER BY unit, title").fetchall()


def actions(db: str) -> list[tuple]:
    return [(e["action"], e["actor"], e["target"]) for e in accounts.audit_entries(db)]


def ledger(month: int | None, rows: list[list], header=("责任单位", "项目名称", "进展情况"), title=None) -> bytes:
    head = [[title or (f"台账（2021年{month}月）" if month else "台账")], list(header)]
    return wb.xlsx({"台账": head + rows})


# --- sign-in -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", ["app_pages/upload.py", "app_pages/admin.py"])
def test_signed_out_shows_a_sign_in_form_and_no_uploader(env, path, lang):
    at = open_page(path, lang)
    assert len(at.text_input) == 2
    assert not at.get("file_uploader")
    assert ("登录" if lang == "zh" else "Sign in") in [b.label for b in at.button]


def test_right_password_opens_the_uploader(env):
    at = signed_in("clerk")
    assert at.get("file_uploader")
    assert "clerk（填报员），可报送：市教育局、市卫生健康委、市医保局" in texts(at)
    assert "退出登录" in [b.label for b in at.sidebar.button]
    assert ("login", "clerk", "clerk") in actions(env)


def test_wrong_password_is_refused_and_audited(env):
    at = sign_in(open_page(), "clerk", "not the password")
    assert "用户名或密码不正确" in texts(at)
    assert not at.get("file_uploader")
    assert ("login_failed", "clerk", "clerk") in actions(env)


def test_repeated_wrong_passwords_are_throttled(env):
    at = open_page(lang="en")
    for _ in range(accounts.FAILURES_BEFORE_LOCK):
        sign_in(at, "clerk", "wrong guess")
        assert "Wrong user name or password" in texts(at)
    sign_in(at, "clerk", PASSWORD)  # even the right password waits now
    assert "Too many wrong passwords; try again in" in texts(at)
    assert not at.get("file_uploader")
    assert ("login_throttled", "clerk", "clerk") in actions(env)


def test_a_viewer_cannot_reach_upload_or_admin(env):
    at = signed_in("reader")
    assert not at.get("file_uploader")
    assert "您的账号是查看者，不能上传台账" in texts(at)
    at.switch_page("app_pages/admin.py").run()
    assert "只有管理员可以进入此页" in texts(at)
    assert not at.get("text_input")


def test_an_uploader_cannot_reach_admin(env):
    at = signed_in("clerk")
    at.switch_page("app_pages/admin.py").run()
    assert "只有管理员可以进入此页（您的账号是填报员）" in texts(at)


def test_sessions_expire(env):
    at = signed_in("clerk")
    state = at.session_state["tz_auth"]
    state["last_seen"] -= accounts.SESSION_MINUTES * 60 + 1
    at.run()
    assert not at.get("file_uploader")
    assert "登录已过期" in texts(at)


def test_sign_out(env):
    at = signed_in("clerk")
    at.sidebar.button(key="tz_sign_out").click().run()
    assert not at.get("file_uploader") and len(at.text_input) == 2


def test_a_role_change_takes_effect_on_the_next_click(env):
    at = signed_in("clerk")
    accounts.set_role(env, "clerk", "viewer", actor="boss")
    at.run()
    assert not at.get("file_uploader")
    accounts.remove_user(env, "clerk", actor="boss")
    at.run()
    assert len(at.text_input) == 2  # a disabled account is signed out


# --- upload ----------------------------------------------------------------------------

def test_preview_then_commit_then_history_then_rollback(env):
    at = drop(signed_in("clerk"), ("江州市台账（2021年4月）.xlsx", wb.city_ledger_xlsx()))
    shown = texts(at)
    assert "工作表：“台账”，表头在第 4 行" in shown
    assert "报送月份：2021年4月" in shown
    assert "单位（3 个）：市教育局（1）、市卫生健康委（1）、市医保局（1）" in shown
    assert "跳过：表尾说明 1 行，合计行 1 行，分类标题行 2 行" in shown
    preview = frame(at, "行", "项目名称")
    assert preview["行"].tolist() == [6, 7, 9]
    assert preview["进展情况"].tolist() == ["推进中", "已完成", "未启动"]
    assert tasks(env) == []  # nothing written before the commit

    button(at, "确认导入（3 行）").click().run()
    assert "已导入 3 行（2021年4月，" in texts(at)
    assert len(tasks(env)) == 3

    at.session_state["upload_tab"] = "上传记录"
    at.run()
    history = frame(at, "上传人", "文件名", "SHA-256")
    assert history["上传人"].tolist() == ["clerk"] and history["行数"].tolist() == [3]
    assert history["状态"].tolist() == ["在用"]
    assert len(history["SHA-256"][0]) == 12
    assert "3 行，在用；SHA-256：`" in texts(at)
    assert "下载原件" in [b.label for b in at.get("download_button")]
    rollback = button(at, "撤销这次上传")
    assert rollback.disabled
    at.checkbox[0].check().run()
    button(at, "撤销这次上传").click().run()
    assert not at.exception
    assert "删除 3 行，恢复此前的 0 行" in texts(at)
    assert tasks(env) == []
    assert frame(at, "状态")["状态"].tolist() == ["已撤销"]
    assert ("rollback", "clerk") in [a[:2] for a in actions(env)]


def test_a_rollback_restores_the_unit_month_as_it_was(env):
    first = ledger(4, [["市教育局", "旧任务", "推进中"]])
    ingest(first, "v1.xlsx", env, loaded_by="clerk")
    at = drop(signed_in("clerk"), ("v2.xlsx", ledger(4, [["市教育局", "新任务", "已完成"]])))
    button(at, "确认导入").click().run()
    assert "替换了此前的 1 行" in texts(at)
    assert tasks(env) == [("市教育局", "新任务", "completed")]
    at.session_state["upload_tab"] = "上传记录"
    at.run()
    at.checkbox[0].check().run()
    button(at, "撤销这次上传").click().run()
    assert tasks(env) == [("市教育局", "旧任务", "in_progress")]
    assert frame(at, "文件名", "状态")["状态"].tolist() == ["已撤销", "在用"]


def test_a_file_with_foreign_units_is_refused_with_their_names(env):
    at = drop(signed_in("solo"), ("江州市台账（2021年4月）.xlsx", wb.city_ledger_xlsx()))
    shown = texts(at)
    assert "表中有不属于您账号的单位：市医保局、市卫生健康委。您只能报送：市教育局。" in shown
    shown = texts(at)
    assert ("- **第 7 行，B 列（责任单位）**：单位“市卫生健康委”不在您的账号可报送的单位之内（市教育局）。\n"
            "- **第 9 行，B 列（责任单位）**：单位“市医保局”不在您的账号可报送的单位之内（市教育局）。") in shown
    assert not [b for b in at.button if b.label.startswith("确认导入")]
    assert "下载标注问题的原表" in [b.label for b in at.get("download_button")]
    assert tasks(env) == []
    assert ("upload_refused", "solo", "江州市台账（2021年4月）.xlsx") in actions(env)


@pytest.mark.parametrize("filer", [None, "市直机关工委"])
def test_a_single_unit_uploader_files_a_sheet_without_unit_column_for_its_unit(env, filer):
    rows = [["台账（2021年5月）"]] + ([[f"填报单位：{filer}"]] if filer else []) + [
        ["项目名称", "进展情况"], ["校园安全", "已完成"], ["课后服务", "推进中"]]
    at = drop(signed_in("solo"), ("教育局.xlsx", wb.xlsx({"Sheet1": rows})))
    assert "单位（1 个）：市教育局（2）" in texts(at)
    button(at, "确认导入（2 行）").click().run()
    assert tasks(env) == [("市教育局", "校园安全", "completed"), ("市教育局", "课后服务", "in_progress")]


def test_problems_are_listed_with_their_place_and_nothing_is_written(env):
    data = ledger(4, [["市教育局", "甲", "推进中"], ["市教育局", "乙", "差不多了"], ["市教育局", "", "已完成"]])
    at = drop(signed_in("clerk", lang="en"), ("bad.xlsx", data))
    shown = texts(at)
    assert "Problems found: 2. This file cannot be loaded as it is" in shown
    assert ("- **row 4, column C (进展情况)**: Progress '差不多了' is not recognised; use 已完成, 推进中 or 未启动.\n"
            "- **row 5, column B (项目名称)**: The task name is blank.") in shown  # in the order of the sheet
    assert "Download the sheet with the problems marked" in [b.label for b in at.get("download_button")]
    assert not [b for b in at.button if b.label.startswith("Load it")]
    assert tasks(env) == []


def test_the_month_can_be_corrected(env):
    at = drop(signed_in("clerk"), ("ledger.xlsx", ledger(None, [["市教育局", "甲", "推进中"]])))
    assert "无法确定报送月份" in texts(at)
    month = next(s for s in at.selectbox if s.label == "报送月份")
    month.set_value("2021-06").run()
    assert "报送月份：2021年6月" in texts(at)
    button(at, "确认导入").click().run()
    with reading(env) as con:
        assert con.execute("SELECT DISTINCT report_month FROM tasks").fetchall() == [(dt.date(2021, 6, 1),)]


def test_a_chosen_month_that_differs_from_the_file_is_flagged(env):
    at = drop(signed_in("clerk"), ("a.xlsx", ledger(4, [["市教育局", "甲", "推进中"]])))
    next(s for s in at.selectbox if s.label == "报送月份").set_value("2021-05").run()
    assert "所选月份（2021年5月）与文件中的月份（2021年4月）不一致" in texts(at)


def test_the_sheet_can_be_chosen_when_the_workbook_has_two_ledgers(env):
    april = [["台账（2021年4月）"], ["责任单位", "项目名称", "进展情况"], ["市教育局", "四月", "推进中"]]
    may = [["台账（2021年5月）"], ["责任单位", "项目名称", "进展情况"], ["市教育局", "五月", "已完成"],
           ["市教育局", "五月二", "已完成"]]
    at = drop(signed_in("clerk"), ("two.xlsx", wb.xlsx({"四月": april, "五月": may})))
    sheet = next(s for s in at.selectbox if s.label == "工作表")
    assert len(sheet.options) == 3  # automatic, the chosen sheet, the other candidate
    other = sheet.options[2]
    sheet.set_value(other).run()
    assert f"工作表：“{other}”" in texts(at)
    assert "任务：{} 行".format(2 if other == "五月" else 1) in texts(at)


def test_several_files_at_once_and_load_all(env):
    a = ledger(4, [["市教育局", "甲", "推进中"]])
    b = ledger(4, [["市医保局", "乙", "已完成"]])
    at = drop(signed_in("clerk"), ("a.xlsx", a), ("b.xlsx", b))
    button(at, "全部导入（2 个文件）").click().run()
    assert texts(at).count("已导入 1 行") == 2
    assert len(tasks(env)) == 2


def test_the_same_file_twice_changes_nothing(env):
    data = ledger(4, [["市教育局", "甲", "推进中"]])
    ingest(data, "a.xlsx", env, loaded_by="clerk")
    at = drop(signed_in("clerk"), ("a.xlsx", data))
    assert "内容完全相同，无需再次导入" in texts(at)  # said before confirming (issue 12)
    assert not [b for b in at.button if b.label.startswith("确认导入")]  # nothing to confirm


def test_a_refused_file_says_why_and_is_kept(env):
    data = wb.xlsx({"Sheet1": [["会议纪要"], ["今天开会"]]})
    at = drop(signed_in("clerk", lang="en"), ("notes.xlsx", data))
    assert "The file cannot be read as a ledger" in texts(at)
    assert "- No ledger found: no sheet has headers such as 项目名称 and 进展情况" in texts(at)
    kept = Path(os.environ["TAIZHANG_UPLOADS"]) / f"{hashlib.sha256(data).hexdigest()}.xlsx"
    assert kept.read_bytes() == data  # nothing is lost, even a refused file


def test_many_problems_go_in_a_table(env):
    data = ledger(4, [["市教育局", f"任务{i}", "不知道"] for i in range(40)])
    at = drop(signed_in("clerk"), ("many.xlsx", data))
    assert "发现 40 个问题" in texts(at)
    problems = frame(at, "工作表", "行", "列", "问题")
    assert problems["行"].tolist() == list(range(3, 43))
    assert set(problems["列"]) == {"C（进展情况）"}


def test_user_text_is_never_html(env):
    accounts.set_role(env, "clerk", "uploader", units=["<script>alert(1)</script>"], actor="boss")
    data = ledger(4, [["<script>alert(1)</script>", "<b>x</b>", "推进中"]])
    at = drop(signed_in("clerk"), ("<img src=x onerror=alert(1)>.xlsx", data))
    for element in at.markdown:
        value = str(element.value)
        if value.startswith("<style>"):
            assert "script" not in value and "onerror" not in value
            continue
        assert not re.search(r"(?<!\\)<(script|img)", value), value  # only escaped, shown as text


def test_the_uploader_is_in_chinese_in_chinese_only(env):
    styles = [m.value for m in signed_in("clerk").markdown if str(m.value).startswith("<style>")]
    assert any("将文件拖到此处" in s and "浏览文件" in s and "单个文件不超过 50MB" in s for s in styles)
    assert not [m for m in signed_in("clerk", lang="en").markdown if str(m.value).startswith("<style>")]


def test_template_tab_offers_the_template(env):
    at = signed_in("solo")
    at.session_state["upload_tab"] = "模板下载"
    at.run()
    assert "下载台账模板（.xlsx）" in [b.label for b in at.get("download_button")]


def test_a_file_made_from_the_template_loads_with_no_problem():
    book = openpyxl.load_workbook(io.BytesIO(build_template(unit="市教育局", month=dt.date(2021, 4, 1))))
    sheet = book["台账"]
    sheet.append([1, "市教育局", "校园周边交通整治", "解民忧暖民心", "李四", dt.date(2021, 6, 30), 120, 80, 1200,
                  "推进中"])
    sheet.append([2, "市教育局", "课后服务", "政策惠民", "王五", "长期", None, None, 300, "已完成"])
    buffer = io.BytesIO()
    book.save(buffer)
    prepared = prepare(buffer.getvalue(), "template.xlsx")
    assert prepared.problems == [] and prepared.table.num_rows == 2
    assert prepared.report_month == dt.date(2021, 4, 1) and prepared.units == ["市教育局"]


def test_an_uploader_sees_only_its_units_history(env):
    ingest(ledger(4, [["市民政局", "别人的", "推进中"]]), "other.xlsx", env, loaded_by="boss")
    ingest(ledger(4, [["市教育局", "自己的", "推进中"]]), "mine.xlsx", env, loaded_by="solo")
    at = signed_in("solo")
    at.session_state["upload_tab"] = "上传记录"
    at.run()
    assert frame(at, "文件名")["文件名"].tolist() == ["mine.xlsx"]
    at = signed_in("boss")
    at.session_state["upload_tab"] = "上传记录"
    at.run()
    assert sorted(frame(at, "文件名")["文件名"].tolist()) == ["mine.xlsx", "other.xlsx"]


# --- rules -------------------------------------------------------------------------------

CLERK = User("clerk", "uploader", ("市教育局", "市医保局"))
ADMIN = User("boss", "admin", ())
VIEWER = User("v", "viewer", ())


@pytest.mark.parametrize("user, units, allowed", [
    (CLERK, ["市教育局"], True),
    (CLERK, ["市教育局", "市医保局"], True),
    (CLERK, ["市教育局", "市民政局"], False),
    (ADMIN, ["市民政局"], True),
    (VIEWER, [], False),
    (VIEWER, ["市教育局"], False),
])
def test_who_may_roll_back(user, units, allowed):
    assert accounts.may_roll_back(user, units) is allowed


@pytest.mark.parametrize("user, units, seen", [
    (CLERK, ["市教育局", "市民政局"], True), (CLERK, ["市民政局"], False), (ADMIN, ["市民政局"], True)])
def test_who_sees_an_upload(user, units, seen):
    assert accounts.may_see_upload(user, units) is seen


@pytest.mark.parametrize("user, unit", [
    (User("solo", "uploader", ("市教育局",)), "市教育局"), (CLERK, None), (ADMIN, None), (VIEWER, None)])
def test_default_unit_is_an_uploaders_only_unit(user, unit):
    assert accounts.default_unit(user) == unit


def test_foreign_unit_problems_name_each_unit_at_its_first_row():
    prepared = prepare(wb.city_ledger_xlsx(), "city.xlsx")
    problems = up.foreign_unit_problems(prepared, User("solo", "uploader", ("市教育局",)))
    assert [(p.code, p.params["value"], p.row, p.column) for p in problems] == [
        ("foreign_unit", "市医保局", 9, "B"), ("foreign_unit", "市卫生健康委", 7, "B")]
    assert problems[0].message("en") == (
        "file 'city.xlsx', sheet '台账', row 9, column B (责任单位): "
        "Unit '市医保局' is not one your account may report for (市教育局).")
    assert up.foreign_unit_problems(prepared, ADMIN) == []


def test_month_options_run_from_next_month_back():
    options = up.month_options(dt.date(2021, 6, 15), (dt.date(2010, 1, 1),), years=1)
    assert options[:3] == ["2021-07", "2021-06", "2021-05"]
    assert options[-2:] == ["2020-01", "2010-01"]


def test_safe_file_part():
    assert up.safe_file_part('a/b:c*"<x>|') == "a_b_c___x__"
    assert up.safe_file_part("...") == "unit"


# --- settings ----------------------------------------------------------------------------

def test_settings_defaults_and_values(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("", encoding="utf-8")
    assert (load(path).deadline_day, load(path).view_requires_login) == (25, False)
    path.write_text("[submissions]\ndeadline_day = 31\n[access]\nview_requires_login = true\n", encoding="utf-8")
    assert (load(path).deadline_day, load(path).view_requires_login) == (31, True)


@pytest.mark.parametrize("text", ["[submissions]\ndeadline_day = 0", "[submissions]\ndeadline_day = 32",
                                  "[submissions]\ndeadline_day = \"25\"", "[access]\nview_requires_login = \"yes\""])
def test_wrong_settings_say_what_to_fix(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load(path)


def test_the_shipped_config_documents_the_keys():
    settings = load(ROOT / "config" / "taizhang.toml")
    assert settings.deadline_day == 25 and settings.view_requires_login is False


# --- viewing needs a login when configured ----------------------------------------------

def test_viewing_is_open_by_default(env):
    at = open_page("")
    assert not at.get("text_input")


@pytest.mark.parametrize("config", ["[access]\nview_requires_login = true\n",
                                    "[access]\nview_requires_login = true\n[ranking]\nmin_tasks = 0\n",
                                    "this is [not toml"])
def test_viewing_can_need_a_login_and_fails_closed(env, tmp_path, monkeypatch, config):
    path = tmp_path / "locked.toml"
    path.write_text(config, encoding="utf-8")
    monkeypatch.setenv("TAIZHANG_CONFIG", str(path))
    ingest(ledger(4, [["市教育局", "甲", "推进中"]]), "a.xlsx", env)
    at = open_page("")
    assert "本看板仅限登录后查看" in texts(at)
    assert not at.sidebar.selectbox  # no months or regions before signing in
    sign_in(at, "reader", where="view")
    assert at.title[0].value == "总体概况"


def test_a_wrong_setting_elsewhere_keeps_viewing_open(env, tmp_path, monkeypatch):
    path = tmp_path / "other.toml"
    path.write_text("[ranking]\nmin_tasks = 0\n", encoding="utf-8")
    monkeypatch.setenv("TAIZHANG_CONFIG", str(path))
    assert "本看板仅限登录后查看" not in texts(open_page(""))


# --- submissions -------------------------------------------------------------------------

@pytest.fixture
def reported(env):
    def at(day: int, month: int = 4) -> dt.datetime:
        return dt.datetime(2021, month, day, 12)
    march = ledger(3, [[u, "事", "推进中"] for u in ("市教育局", "市民政局", "市卫健委")])
    ingest(march, "march.xlsx", env, submitted_at=at(20, 3))
    ingest(ledger(4, [["市教育局", "事", "推进中"]]), "a.xlsx", env, submitted_at=at(25))
    ingest(ledger(4, [["市民政局", "事", "推进中"]]), "b.xlsx", env, submitted_at=at(28))
    return env


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_submissions_on_time_late_and_missing(reported, lang):
    at = open_page("app_pages/submissions.py", lang)
    next(s for s in at.selectbox if s.key == "submissions_month").set_value("2021-04").run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    if lang == "zh":
        assert values == {"应报单位": "3", "按时报送": "1", "迟报": "1", "未报": "1"}
        assert "2021年4月台账，截止 4月25日（每月 25 日）" in texts(at)
        assert at.code[0].value == ("【提醒】以下 1 个单位尚未报送2021年4月台账（截止 4月25日），"
                                    "请尽快报送：\n其他：市卫健委")
        table = frame(at, "单位", "报送状态")
        assert dict(zip(table["单位"], table["报送状态"])) == {"市卫健委": "未报", "市民政局": "迟报",
                                                              "市教育局": "按时报送"}
    else:
        assert values == {"Expected": "3", "On time": "1", "Late": "1", "Not reported": "1"}
        assert at.code[0].value.startswith("Reminder: 1 units have not submitted their 2021-04 ledger (due 25 Apr)")


def test_submissions_deadline_day_comes_from_the_settings(reported, tmp_path, monkeypatch):
    path = tmp_path / "late.toml"
    path.write_text("[submissions]\ndeadline_day = 28\n", encoding="utf-8")
    monkeypatch.setenv("TAIZHANG_CONFIG", str(path))
    at = open_page("app_pages/submissions.py")
    next(s for s in at.selectbox if s.key == "submissions_month").set_value("2021-04").run()
    assert {m.label: m.value for m in at.metric}["按时报送"] == "2"


def test_submissions_this_month_is_offered_even_before_anyone_reports(reported):
    at = open_page("app_pages/submissions.py")
    month = next(s for s in at.selectbox if s.key == "submissions_month")
    today = dt.date.today()
    assert month.options[0] == f"{today.year}年{today.month}月"
    month.set_value(f"{today.year:04d}-{today.month:02d}").run()
    assert {m.label: m.value for m in at.metric}["未报"] == "3"


def test_submissions_without_units(env):
    at = open_page("app_pages/submissions.py")
    assert "还没有应报单位名单" in texts(at)


# --- admin -------------------------------------------------------------------------------

def test_admin_adds_an_uploader_and_it_is_audited(env):
    at = signed_in("boss", "app_pages/admin.py")
    assert "clerk" in frame(at, "用户名", "角色")["用户名"].tolist()
    at.text_input(key="admin_new_name").input("county")
    at.selectbox(key="admin_new_role").set_value("uploader")
    at.multiselect(key="admin_new_units").set_value(["青山县"])
    at.text_input(key="admin_new_password").input("long enough")
    at.button(key="admin_add").click().run()
    assert "已创建账号 county（填报员）" in texts(at)
    assert accounts.authenticate(env, "county", "long enough") == User("county", "uploader", ("青山县",), None)
    assert ("user_add", "boss", "county") in actions(env)


def test_admin_add_says_what_is_wrong(env):
    at = signed_in("boss", "app_pages/admin.py", lang="en")
    at.text_input(key="admin_new_name").input("clerk")
    at.text_input(key="admin_new_password").input("long enough")
    at.button(key="admin_add").click().run()
    assert "Account clerk exists already." in texts(at)
    at.text_input(key="admin_new_name").input("new_one")
    at.text_input(key="admin_new_password").input("short")
    at.button(key="admin_add").click().run()
    assert "A password needs at least 8 characters." in texts(at)


def test_admin_changes_a_role_and_resets_a_password(env):
    at = signed_in("boss", "app_pages/admin.py")
    at.selectbox(key="admin_edit_user").set_value("reader").run()
    at.selectbox(key="admin_edit_role").set_value("uploader")
    at.multiselect(key="admin_edit_units").set_value(["市教育局"])
    at.text_input(key="admin_edit_password").input("brand new pw")
    at.button(key="admin_save").click().run()
    assert "已保存 reader 的修改" in texts(at)
    assert accounts.authenticate(env, "reader", "brand new pw") == User("reader", "uploader", ("市教育局",), None)
    assert {("role_change", "boss", "reader"), ("password_change", "boss", "reader")} <= set(actions(env))


def test_admin_cannot_lock_itself_out(env):
    at = signed_in("boss", "app_pages/admin.py")
    at.selectbox(key="admin_edit_user").set_value("boss").run()
    at.checkbox(key="admin_edit_disable").check()
    at.button(key="admin_save").click().run()
    assert "不能停用自己的账号" in texts(at)
    assert accounts.authenticate(env, "boss", PASSWORD) is not None


def test_admin_sees_the_audit_log(env):
    sign_in(open_page(), "clerk", "wrong guess")
    at = signed_in("boss", "app_pages/admin.py")
    at.session_state["admin_tab"] = "操作日志"
    at.run()
    log = frame(at, "操作人", "操作", "对象")
    assert ("clerk", "密码错误", "clerk") in list(zip(log["操作人"], log["操作"], log["对象"]))
    assert ("setup", "新建账号", "clerk") in list(zip(log["操作人"], log["操作"], log["对象"]))


def test_admin_loads_a_units_sheet(env):
    at = signed_in("boss", "app_pages/admin.py")
    at.session_state["admin_tab"] = "应报单位"
    at.run()
    sheet = wb.xlsx({"名单": [["单位", "县区"], ["市教育局", "市直"], ["青山县城关镇", "青山县"]]})
    at.file_uploader(key="admin_units_file").set_value(("名单.xlsx", sheet, XLSX)).run()
    assert "共 2 个单位" in texts(at)
    button(at, "导入名单（2 个单位）").click().run()
    assert "名单已导入：新增 2 个" in texts(at)
    units = frame(at, "单位", "来源")
    assert units["单位"].tolist() == ["市教育局", "青山县城关镇"] and set(units["来源"]) == {"单位名单"}
    assert ("units_sheet", "boss", "名单.xlsx") in actions(env)


def test_the_rows_without_problems_can_be_loaded_alone_and_the_rest_are_recorded(env):
    data = ledger(4, [["市教育局", "甲", "推进中"], ["市教育局", "乙", "差不多了"], ["市教育局", "丙", "已完成"]])
    at = drop(signed_in("clerk"), ("部分.xlsx", data))
    assert "发现 1 个问题，本文件不能原样导入" in texts(at)
    load_good = button(at, "导入没有问题的 2 行")
    assert load_good.disabled  # only after the clerk says so
    at.checkbox(key="upload_keep_going_0").check().run()
    button(at, "导入没有问题的 2 行").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "已导入 2 行" in texts(at) and "1 行有问题，未导入" in texts(at)
    assert tasks(env) == [("市教育局", "丙", "completed"), ("市教育局", "甲", "in_progress")]
    with reading(env) as con:
        assert con.execute("SELECT source_row, code FROM rejected_rows").fetchall() == [(4, "bad_status")]


def test_loading_the_good_rows_is_not_offered_for_foreign_units(env):
    rows = [["市教育局", "甲", "推进中"], ["市教育局", "乙", "差不多了"], ["市医保局", "丙", "已完成"]]
    at = drop(signed_in("solo"), ("混合.xlsx", ledger(4, rows)))
    assert "表中有不属于您账号的单位" in texts(at)
    assert not [b for b in at.button if b.label.startswith("导入没有问题的")]
    assert tasks(env) == []
