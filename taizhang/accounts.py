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


# What str(AccountError) says, in English, for the command line. The dashboard shows
# its own words for each code instead (present/strings_accounts.py, "account.<code>").
MESSAGES = {
    "bad_username": "A user name is 2-64 letters, digits or . _ @ -",
    "bad_role": "Role must be one of {roles}",
    "short_password": "A password needs at least 8 characters",
    "exists": "User {username} exists already; use 'users passwd' or 'users role' to change it",
    "no_user": "No user {username}; add it with 'users add'",
    "uploader_needs_unit": "An uploader needs at least one unit",
    "not_yourself": "You cannot disable your own account or take away your own admin role",
    "throttled": "Too many wrong passwords; try again in {seconds} s.",
}


class AccountError(Exception):
    """A problem with an account request. `code` says which (a key of MESSAGES),
    `params` the values its message names; str() is the English message."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        template = MESSAGES.get(code)
        super().__init__(template.format(**params) if template else code)


class LoginThrottled(AccountError):
    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__("throttled", seconds=seconds)


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


# --- who may do what -------------------------------------------------------------

def default_unit(user: User) -> str | None:
    """The unit a sheet without a unit column is filed for: an uploader's only unit."""
    return user.units[0] if user.role == "uploader" and len(user.units) == 1 else None


def may_roll_back(user: User, upload_units) -> bool:
    """Admins may roll back any upload; an uploader only one holding nothing but its own units."""
    units = [] if upload_units is None else list(upload_units)
    return user.can_upload() and not user.foreign_units(units)


def may_see_upload(user: User, upload_units) -> bool:
    """Admins see every upload; an uploader those holding at least one of its units."""
    return user.is_admin() or bool(set([] if upload_units is None else upload_units) & set(user.units))


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def audit(con, actor: str | None, action: str, target: str | None = None, **detail) -> None:
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?)",
        [_now(), actor, action, target, json.dumps(detail, ensure_ascii=False) if detail else None],
    )


def record(db: str, actor: str | None, action: str, target: str | None = None, **detail) -> None:
    """One audit entry in its own short transaction (for what writes nothing else)."""
    with database.writing(db) as con:
        audit(con, actor, action, target, **detail)


# --- the rules of an account request ---------------------------------------------

def _check_username(username: str) -> None:
    if not _USERNAME.match(username or ""):
        raise AccountError("bad_username")


def _check_role(role: str | None) -> None:
    if role is not None and role not in ROLES:
        raise AccountError("bad_role", roles=", ".join(ROLES))


def _check_password(password: str | None) -> None:
    if password is not None and len(password) < 8:
        raise AccountError("short_password")


def _check(username: str, role: str | None = None, password: str | None = None) -> None:
    _check_username(username)
    _check_role(role)
    _check_password(password)


def _check_units(role: str, units) -> None:
    if role == "uploader" and not units:
        raise AccountError("uploader_needs_unit")


def check_new(username: str, password: str, role: str, units, existing) -> None:
    """An administrator's request for a new account, asked before add_user (which checks
    the name, role and password again, and that the name is free, in its transaction).
    Raises AccountError for the first thing wrong. Stricter than the command line:
    an uploader needs a unit."""
    _check_username(username)
    if username in existing:
        raise AccountError("exists", username=username)
    _check_role(role)
    _check_password(password)
    _check_units(role, units)


def check_change(actor: str, username: str, role: str, units, password: str | None = None,
                 disable: bool = False) -> None:
    """An administrator's change to an account, asked before set_role, set_password and
    remove_user. Raises AccountError for the first thing wrong: an administrator may not
    disable itself or give up its own admin role, and an uploader needs a unit."""
    if username == actor and (disable or role != "admin"):
        raise AccountError("not_yourself")
    _check_units(role, units)
    _check_role(role)
    _check_password(password)


def add_user(db: str, username: str, password: str, role: str, units=(), display_name=None, actor=None) -> User:
    _check(username, role, password)
    with database.writing(db) as con:
        if con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise AccountError("exists", username=username)
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
            raise AccountError("no_user", username=username)
        if units is None:
            con.execute("UPDATE users SET role = ? WHERE username = ?", [role, username])
        else:
            con.execute("UPDATE users SET role = ?, units = ? WHERE username = ?", [role, list(units), username])
        audit(con, actor, "role_change", username, role=role, units=None if units is None else list(units))


def set_password(db: str, username: str, password: str, actor=None) -> None:
    _check(username, password=password)
    with database.writing(db) as con:
        if not con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise AccountError("no_user", username=username)
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
        failures, last = database.one_row(
            con, "SELECT count(*), max(failed_at) FROM login_failures WHERE username = ? AND failed_at > ?",
            [username, now - FAILURE_WINDOW],
        )
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
    if not ok or row is None:  # ok is only ever True with a row
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
