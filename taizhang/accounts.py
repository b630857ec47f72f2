"""Local accounts, roles, login throttling and the audit log. No Streamlit import.

Roles:
  viewer   - may view pages (when viewing needs a login at all)
  uploader - may upload, but only rows of the units bound to the account
  admin    - everything, including accounts, rollback and the audit log
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from taizhang import database
from taizhang.names import canonical_unit

ROLES = ("viewer", "uploader", "admin")
FAILURE_WINDOW = dt.timedelta(minutes=15)
FAILURES_BEFORE_LOCK = 5
SESSION_MINUTES = int(os.environ.get("TAIZHANG_SESSION_MINUTES", "30"))
_USERNAME = re.compile(r"^[\w.@-]{2,64}$")
_hasher = PasswordHasher()


class AccountError(Exception):
    """A problem with an account request; the message says what to do."""


class LoginThrottled(AccountError):
    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(f"Too many wrong passwords; try again in {seconds} s.")


@dataclass(frozen=True)
class User:
    username: str
    role: str
    units: tuple[str, ...]
    display_name: str | None = None

    def can_upload(self) -> bool:
        return self.role in ("uploader", "admin")

    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_report_for(self, unit: str) -> bool:
        return self.role == "admin" or unit in self.units

    def foreign_units(self, units) -> list[str]:
        """Units in `units` this account may not load."""
        if self.role == "admin":
            return []
        allowed = set(self.units) | {canonical_unit(u) for u in self.units}
        return sorted({u for u in units if u not in allowed})


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def audit(con, actor: str | None, action: str, target: str | None = None, **detail) -> None:
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?)",
        [_now(), actor, action, target, json.dumps(detail, ensure_ascii=False) if detail else None],
    )


def _check(username: str, role: str | None = None, password: str | None = None) -> None:
    if not _USERNAME.match(username or ""):
        raise AccountError("A user name is 2-64 letters, digits or . _ @ -")
    if role is not None and role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}")
    if password is not None and len(password) < 8:
        raise AccountError("A password needs at least 8 characters")


def add_user(db: str, username: str, password: str, role: str, units=(), display_name=None, actor=None) -> User:
    _check(username, role, password)
    with database.writing(db) as con:
        if con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise AccountError(f"User {username} exists already; use 'users passwd' or 'users role' to change it")
        con.execute(
            "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, false)",
            [username, _hasher.hash(password), role, list(units), display_name, _now()],
        )
        audit(con, actor, "user_add", username, role=role, units=list(units))
    return User(username, role, tuple(units), display_name)


def set_role(db: str, username: str, role: str, units=None, actor=None) -> None:
    _check(username, role)
    with database.writing(db) as con:
        if not con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise AccountError(f"No user {username}; add it with 'users add'")
        if units is None:
            con.execute("UPDATE users SET role = ? WHERE username = ?", [role, username])
        else:
            con.execute("UPDATE users SET role = ?, units = ? WHERE username = ?", [role, list(units), username])
        audit(con, actor, "role_change", username, role=role, units=None if units is None else list(units))


def set_password(db: str, username: str, password: str, actor=None) -> None:
    _check(username, password=password)
    with database.writing(db) as con:
        if not con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise AccountError(f"No user {username}; add it with 'users add'")
        con.execute("UPDATE users SET password_hash = ? WHERE username = ?", [_hasher.hash(password), username])
        con.execute("DELETE FROM login_failures WHERE username = ?", [username])
        audit(con, actor, "password_change", username)


def remove_user(db: str, username: str, actor=None) -> None:
    with database.writing(db) as con:
        con.execute("UPDATE users SET disabled = true WHERE username = ?", [username])
        audit(con, actor, "user_disable", username)


def list_users(db: str) -> list[dict]:
    if not database.exists(db):
        return []
    with database.reading(db) as con:
        if not database.has_table(con, "users"):
            return []
        rows = con.execute(
            "SELECT username, role, units, display_name, disabled FROM users ORDER BY username"
        ).fetchall()
    return [dict(zip(("username", "role", "units", "display_name", "disabled"), r)) for r in rows]


def throttle_seconds(failures: int) -> int:
    """Wait before the next try: none for the first few mistakes, then doubling."""
    if failures < FAILURES_BEFORE_LOCK:
        return 0
    return min(30 * 2 ** (failures - FAILURES_BEFORE_LOCK), 15 * 60)


def authenticate(db: str, username: str, password: str, *, now: dt.datetime | None = None) -> User | None:
    """The user on a right password; None on a wrong one. Raises LoginThrottled when locked.

    Every failure is recorded (and audited); after FAILURES_BEFORE_LOCK failures
    within FAILURE_WINDOW further tries are refused for a growing time, even with
    the right password, and each wrong try costs a short delay.
    """
    now = now or _now()
    with database.writing(db) as con:
        recent = con.execute(
            "SELECT count(*), max(failed_at) FROM login_failures WHERE username = ? AND failed_at > ?",
            [username, now - FAILURE_WINDOW],
        ).fetchone()
        failures, last = recent
        wait = throttle_seconds(failures)
        if wait and last is not None and now < last + dt.timedelta(seconds=wait):
            remaining = int((last + dt.timedelta(seconds=wait) - now).total_seconds()) + 1
            audit(con, username, "login_throttled", username)
            raise LoginThrottled(remaining)
        row = con.execute(
            "SELECT password_hash, role, units, display_name FROM users WHERE username = ? AND NOT disabled",
            [username],
        ).fetchone()
        ok = False
        if row is not None:
            try:
                ok = _hasher.verify(row[0], password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
        else:
            _hasher.hash(password)  # same cost whether or not the user exists
        if not ok:
            con.execute("INSERT INTO login_failures VALUES (?, ?)", [username, now])
            audit(con, username, "login_failed", username)
        else:
            con.execute("DELETE FROM login_failures WHERE username = ?", [username])
            audit(con, username, "login", username)
    if not ok:
        time.sleep(min(0.2 * (failures + 1), 2.0))
        return None
    return User(username, row[1], tuple(row[2] or ()), row[3])


def audit_entries(db: str, limit: int = 500) -> list[dict]:
    if not database.exists(db):
        return []
    with database.reading(db) as con:
        if not database.has_table(con, "audit_log"):
            return []
        rows = con.execute(
            "SELECT logged_at, actor, action, target, detail FROM audit_log ORDER BY logged_at DESC LIMIT ?", [limit]
        ).fetchall()
    return [dict(zip(("logged_at", "actor", "action", "target", "detail"), r)) for r in rows]


def session_expired(signed_in_at: float, last_seen: float, now: float | None = None) -> bool:
    """Sessions end after SESSION_MINUTES without activity, and after 12 hours in any case."""
    now = now if now is not None else time.time()
    return now - last_seen > SESSION_MINUTES * 60 or now - signed_in_at > 12 * 3600
