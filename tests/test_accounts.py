"""Accounts, roles, throttling and the audit log on a real DuckDB file."""
from __future__ import annotations

import datetime as dt

import pytest

from taizhang import accounts
from taizhang.accounts import AccountError, LoginThrottled, User


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "a.duckdb")
    accounts.add_user(path, "clerk", "correct horse", "uploader", units=["市教育局"], actor="setup")
    return path


def test_right_password_signs_in_with_role_and_units(db):
    user = accounts.authenticate(db, "clerk", "correct horse")
    assert user == User("clerk", "uploader", ("市教育局",), None)


def test_wrong_password_and_unknown_user_are_refused_and_audited(db):
    assert accounts.authenticate(db, "clerk", "wrong password") is None
    assert accounts.authenticate(db, "nobody", "whatever1") is None
    actions = [(e["action"], e["target"]) for e in accounts.audit_entries(db)]
    assert ("login_failed", "clerk") in actions and ("login_failed", "nobody") in actions


def test_password_is_stored_as_salted_argon2_hash(db, tmp_path):
    accounts.add_user(db, "clerk2", "correct horse", "viewer")
    import duckdb

    con = duckdb.connect(db, read_only=True)
    hashes = [r[0] for r in con.execute("SELECT password_hash FROM users ORDER BY username").fetchall()]
    con.close()
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert hashes[0] != hashes[1]  # same password, different salt
    assert not any("correct horse" in h for h in hashes)


def test_repeated_wrong_passwords_lock_even_the_right_one(db):
    start = dt.datetime(2021, 4, 1, 9, 0, 0)
    for i in range(accounts.FAILURES_BEFORE_LOCK):
        assert accounts.authenticate(db, "clerk", "bad guess", now=start + dt.timedelta(seconds=i)) is None
    with pytest.raises(LoginThrottled) as throttled:
        accounts.authenticate(db, "clerk", "correct horse", now=start + dt.timedelta(seconds=10))
    assert throttled.value.seconds > 0
    later = start + dt.timedelta(seconds=10 + accounts.throttle_seconds(accounts.FAILURES_BEFORE_LOCK))
    assert accounts.authenticate(db, "clerk", "correct horse", now=later) is not None


@pytest.mark.parametrize("failures,wait", [(0, 0), (4, 0), (5, 30), (6, 60), (7, 120), (20, 900)])
def test_throttle_grows_and_is_capped(failures, wait):
    assert accounts.throttle_seconds(failures) == wait


def test_uploader_may_load_only_its_units():
    clerk = User("clerk", "uploader", ("市教育局",))
    assert clerk.foreign_units(["市教育局", "市民政局", "市卫健委"]) == ["市卫健委", "市民政局"]
    assert User("boss", "admin", ()).foreign_units(["市民政局"]) == []
    assert not User("v", "viewer", ()).can_upload()


def test_role_change_is_audited_and_takes_effect(db):
    accounts.set_role(db, "clerk", "admin", actor="root")
    assert accounts.authenticate(db, "clerk", "correct horse").role == "admin"
    assert ("role_change", "clerk", "root") in [(e["action"], e["target"], e["actor"])
                                                for e in accounts.audit_entries(db)]


@pytest.mark.parametrize(
    "name,role,password",
    [("x", "viewer", "longenough"), ("ok_name", "boss", "longenough"), ("ok_name", "viewer", "short")],
)
def test_bad_account_requests_say_what_to_fix(db, name, role, password):
    with pytest.raises(AccountError):
        accounts.add_user(db, name, password, role)


def test_disabled_user_cannot_sign_in(db):
    accounts.remove_user(db, "clerk", actor="root")
    assert accounts.authenticate(db, "clerk", "correct horse") is None


def test_sessions_expire_when_idle_and_after_twelve_hours():
    now = 1_000_000.0
    assert not accounts.session_expired(now - 60, now - 60, now)
    assert accounts.session_expired(now - 3600, now - accounts.SESSION_MINUTES * 60 - 1, now)
    assert accounts.session_expired(now - 13 * 3600, now - 1, now)
