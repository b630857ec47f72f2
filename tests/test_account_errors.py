"""AccountError codes: English on the command line, the catalogue's words on /admin."""
from __future__ import annotations

import re

import duckdb
import pytest

from loaders import accounts_cli
from present.catalogue import STRINGS, text
from taizhang import accounts
from taizhang.accounts import AccountError, LoginThrottled
from tests.test_upload_page import signed_in, texts


def _fields(template: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", template))


@pytest.mark.parametrize("code", sorted(accounts.MESSAGES))
def test_every_code_has_words_in_both_languages_naming_the_same_values(code):
    zh, en = STRINGS[f"account.{code}"]
    assert _fields(zh) == _fields(en) <= _fields(accounts.MESSAGES[code])


def test_the_command_line_text_is_kept():
    assert str(AccountError("exists", username="clerk")) == (
        "User clerk exists already; use 'users passwd' or 'users role' to change it")
    assert (str(AccountError("bad_role", roles="viewer, uploader, admin"))
            == "Role must be one of viewer, uploader, admin")
    throttled = LoginThrottled(30)
    assert (throttled.code, throttled.params, throttled.seconds) == ("throttled", {"seconds": 30}, 30)
    assert str(throttled) == "Too many wrong passwords; try again in 30 s."


def test_the_writes_raise_codes(tmp_path):
    db = str(tmp_path / "a.duckdb")
    accounts.add_user(db, "clerk", "correct horse", "uploader", units=["市教育局"])
    for call, code in [(lambda: accounts.add_user(db, "x", "longenough", "viewer"), "bad_username"),
                       (lambda: accounts.add_user(db, "ok_name", "longenough", "boss"), "bad_role"),
                       (lambda: accounts.add_user(db, "ok_name", "short", "viewer"), "short_password"),
                       (lambda: accounts.add_user(db, "clerk", "longenough", "viewer"), "exists"),
                       (lambda: accounts.set_role(db, "nobody", "viewer"), "no_user"),
                       (lambda: accounts.set_password(db, "nobody", "longenough"), "no_user")]:
        with pytest.raises(AccountError) as raised:
            call()
        assert raised.value.code == code


@pytest.mark.parametrize("request_, code", [
    (("x", "longenough", "viewer", [], set()), "bad_username"),
    (("clerk", "short", "viewer", [], {"clerk"}), "exists"),  # the name first, as the page always said
    (("new_one", "short", "uploader", [], set()), "short_password"),
    (("new_one", "longenough", "uploader", [], set()), "uploader_needs_unit"),
    (("new_one", "longenough", "uploader", ["市教育局"], set()), None),
    (("new_one", "longenough", "viewer", [], set()), None),
])
def test_a_new_account_is_checked_in_order(request_, code):
    if code is None:
        accounts.check_new(*request_)
        return
    with pytest.raises(AccountError) as raised:
        accounts.check_new(*request_)
    assert raised.value.code == code


@pytest.mark.parametrize("change, code", [
    (dict(actor="boss", username="boss", role="viewer", units=[]), "not_yourself"),
    (dict(actor="boss", username="boss", role="admin", units=[], disable=True), "not_yourself"),
    (dict(actor="boss", username="boss", role="admin", units=[], password="brand new pw"), None),
    (dict(actor="boss", username="clerk", role="uploader", units=[]), "uploader_needs_unit"),
    (dict(actor="boss", username="clerk", role="uploader", units=["市教育局"], password="short"), "short_password"),
    (dict(actor="boss", username="clerk", role="viewer", units=[], disable=True), None),
])
def test_a_change_is_checked_in_order(change, code):
    if code is None:
        accounts.check_change(**change)
        return
    with pytest.raises(AccountError) as raised:
        accounts.check_change(**change)
    assert raised.value.code == code


def test_the_command_line_offers_the_accounts_roles():
    assert accounts_cli.ROLES == list(accounts.ROLES)


@pytest.mark.parametrize("lang, said", [("zh", "填报员至少要绑定一个单位。"),
                                        ("en", "An uploader needs at least one unit.")])
def test_the_admin_page_says_a_refused_request_in_the_users_language(env, lang, said):
    at = signed_in("boss", "app_pages/admin.py", lang=lang)
    at.text_input(key="admin_new_name").input("county")
    at.selectbox(key="admin_new_role").set_value("uploader")
    at.text_input(key="admin_new_password").input("long enough")
    at.button(key="admin_add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert said in texts(at)
    assert "county" not in {u["username"] for u in accounts.list_users(env)}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_error_from_the_write_itself_is_shown_in_the_catalogues_words(env, lang):
    """The page's own checks pass; the account goes before the write: set_password's
    AccountError("no_user") is shown in the user's language, not the command line's English."""
    at = signed_in("boss", "app_pages/admin.py", lang=lang)
    at.selectbox(key="admin_edit_user").set_value("reader").run()
    con = duckdb.connect(env)
    con.execute("DELETE FROM users WHERE username = 'reader'")
    con.close()
    at.text_input(key="admin_edit_password").input("brand new pw")
    at.button(key="admin_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert text("account.no_user", lang, username="reader") in texts(at)
    assert "add it with 'users add'" not in texts(at)
