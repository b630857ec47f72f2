"""Residents rate a unit's finished tasks (群众评价) from the QR code on its notice board.

No Streamlit here: app_pages/feedback.py is the public page, reports/notice.py
the printed notice, app_pages/admin.py hides and unhides. SECURITY.md says what
the public page allows and what it does not.

- A unit's link carries an unguessable token (feedback_links). The token names
  one unit; nothing in it lets anyone rate another unit's tasks.
- Only the completed tasks of the unit's latest report month can be rated; each
  is identified by task_key = hash(region, unit, title), as DuckDB computes it
  (the same key as task_completions).
- One rating per browser (client_id) per task: a later one replaces it.
- A rate limit per browser and per address, counted in the store
  (rating_attempts), so it holds across dashboard processes and machines.
- Comments are plain text: control and format characters removed, whitespace
  folded, at most COMMENT_MAX characters. They are stored as given and must be
  shown as text only (st.text, escaped Markdown) and exported as text.
- Every write is one transaction, run again when a concurrent DuckLake commit
  conflicts (taizhang.database.retry_on_conflict).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import tomllib
import unicodedata
import uuid
from dataclasses import dataclass

from taizhang import database
from taizhang.accounts import User, audit
from taizhang.config import config_path

RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")
COMMENT_MAX = 200
PER_CLIENT_PER_MINUTE = 20
# Several residents may share one address (a village office's Wi-Fi, a mobile
# carrier's NAT), so the per-address limit is looser than the per-browser one.
PER_ADDRESS_PER_MINUTE = 60
WINDOW = dt.timedelta(minutes=1)
KEEP_ATTEMPTS = dt.timedelta(minutes=10)
DEFAULT_BASE_URL = "http://localhost:8501"

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_CLIENT = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class RatingError(Exception):
    """A rating that cannot be taken; message(lang) says why, in Chinese or English."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


class BadToken(RatingError):
    def __init__(self):
        super().__init__("这个评价链接无效或已停用。请扫描单位公示栏上最新的二维码。",
                         "This feedback link is not valid or has been withdrawn. Scan the QR code on the unit's "
                         "current notice.")


class NotRatable(RatingError):
    def __init__(self):
        super().__init__("这项任务不在本单位最近一个月已完成的任务中，不能评价。请刷新页面。",
                         "This task is not among the unit's completed tasks of its latest month and cannot be "
                         "rated. Refresh the page.")


class OwnUnit(RatingError):
    def __init__(self):
        super().__init__("您已用本单位的工作人员账号登录，不能评价本单位的任务。",
                         "You are signed in as staff of this unit and cannot rate its tasks.")


class BadRating(RatingError):
    def __init__(self):
        super().__init__("评价无效，请刷新页面后重试。", "The rating is not valid; refresh the page and try again.")


class RateLimited(RatingError):
    """Too many ratings from one browser or one address within a minute."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(f"评价过于频繁，请等待 {seconds} 秒后再试。",
                         f"Too many ratings in a short time; please wait {seconds} s and try again.")


@dataclass(frozen=True)
class Task:
    task_key: int
    region: str | None
    unit: str
    title: str


@dataclass(frozen=True)
class Feedback:
    """What /feedback shows for a token: the unit, its latest month, its completed tasks then."""
    unit: str
    month: dt.date | None
    tasks: tuple[Task, ...]


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


# --- settings ------------------------------------------------------------------------

def base_url() -> str:
    """Where residents reach the dashboard: $TAIZHANG_BASE_URL, else [site] base_url in the
    settings file, else http://localhost:8501. No trailing slash."""
    value = os.environ.get("TAIZHANG_BASE_URL")
    if not value:
        try:
            site = tomllib.loads(config_path().read_text(encoding="utf-8")).get("site", {})
            value = site.get("base_url") if isinstance(site, dict) else None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            value = None
    value = value if isinstance(value, str) and value.strip() else DEFAULT_BASE_URL
    return value.strip().rstrip("/")


def feedback_url(token: str, base: str | None = None) -> str:
    return f"{base or base_url()}/feedback?t={token}"


# --- text ----------------------------------------------------------------------------

def clean_comment(text) -> str | None:
    """A comment as stored: plain text, one line, no control or format characters
    (bidi overrides, zero-width marks), whitespace folded, at most COMMENT_MAX characters.
    Nothing in it is interpreted; None when nothing is left."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", str(text))
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\t\n\r\v\f" or category in ("Zl", "Zp"):
            kept.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            kept.append(ch)
    folded = " ".join("".join(kept).split())
    return folded[:COMMENT_MAX] or None


def valid_client_id(client_id) -> bool:
    return isinstance(client_id, str) and bool(_CLIENT.match(client_id))


def new_client_id() -> str:
    return uuid.uuid4().hex


# --- links ---------------------------------------------------------------------------

def link_for(db: str, unit: str, actor: str | None) -> str:
    """The unit's feedback token: its unrevoked one, or a new one (audited)."""
    unit = (unit or "").strip()
    if not unit:
        raise ValueError("a unit name is needed")

    def once() -> str:
        with database.writing(db) as con:
            con.execute("BEGIN")
            try:
                row = con.execute("SELECT token FROM feedback_links WHERE unit = ? AND NOT revoked "
                                  "ORDER BY created_at, token LIMIT 1", [unit]).fetchone()
                if row:
                    con.execute("ROLLBACK")
                    return row[0]
                token = secrets.token_urlsafe(16)
                con.execute("INSERT INTO feedback_links VALUES (?, ?, ?, ?, false)", [token, unit, _now(), actor])
                audit(con, actor, "feedback_link", unit)
                con.execute("COMMIT")
                return token
            except BaseException:
                database.rollback_quietly(con)
                raise
    return database.retry_on_conflict(once)


def revoke_links(db: str, unit: str, actor: str | None) -> int:
    """Withdraw every link of a unit (a notice taken down or leaked); the next notice gets a new one."""
    def once() -> int:
        with database.writing(db) as con:
            con.execute("BEGIN")
            try:
                count: int = database.scalar(con, "SELECT count(*) FROM feedback_links WHERE unit = ? AND NOT revoked",
                                             [unit])
                con.execute("UPDATE feedback_links SET revoked = true WHERE unit = ? AND NOT revoked", [unit])
                audit(con, actor, "feedback_link_revoke", unit, links=count)
                con.execute("COMMIT")
                return count
            except BaseException:
                database.rollback_quietly(con)
                raise
    return database.retry_on_conflict(once)


def unit_for_token(con, token) -> str | None:
    """The unit an unrevoked token names, or None (also for anything not shaped like a token)."""
    if not isinstance(token, str) or not _TOKEN.match(token) or not database.has_table(con, "feedback_links"):
        return None
    row = con.execute("SELECT unit FROM feedback_links WHERE token = ? AND NOT revoked LIMIT 1", [token]).fetchone()
    return row[0] if row else None


# --- tasks ---------------------------------------------------------------------------

def latest_completed(con, unit: str) -> tuple[dt.date | None, tuple[Task, ...]]:
    """The unit's latest report month and its completed tasks then, in the ledger's order."""
    month = con.execute("SELECT max(report_month) FROM tasks WHERE unit = ?", [unit]).fetchone()[0]
    if month is None:
        return None, ()
    rows = con.execute(
        """SELECT hash(region, unit, title) AS task_key, region, unit, title
           FROM tasks WHERE unit = ? AND report_month = ? AND status = 'completed'
           GROUP BY region, unit, title
           ORDER BY min(coalesce(source_row, 0)), title""", [unit, month]).fetchall()
    return month, tuple(Task(int(k), r, u, t) for k, r, u, t in rows)


def feedback(con, token) -> Feedback | None:
    """What the page shows for a token; None for a bad or revoked one."""
    unit = unit_for_token(con, token)
    if unit is None:
        return None
    month, tasks = latest_completed(con, unit)
    return Feedback(unit, month, tasks)


def ratings_of(con, unit: str, client_id: str) -> dict[int, tuple[str, str | None]]:
    """This browser's ratings of the unit's tasks: {task_key: (rating, comment)}."""
    if not valid_client_id(client_id) or not database.has_table(con, "resident_ratings"):
        return {}
    rows = con.execute("SELECT task_key, rating, comment FROM resident_ratings WHERE unit = ? AND client_id = ?",
                       [unit, client_id]).fetchall()
    return {int(k): (r, c) for k, r, c in rows}


def staff_of(user: User | None, unit: str) -> bool:
    """A signed-in account that reports for this unit (its uploader, or an admin)."""
    return user is not None and user.may_report_for(unit)


# --- rating --------------------------------------------------------------------------

def _wait_seconds(con, column: str, value: str, limit: int, now: dt.datetime) -> int:
    """0 when under the limit; else the seconds until the oldest counted attempt leaves the window."""
    count, oldest = con.execute(
        f"SELECT count(*), min(attempted_at) FROM (SELECT attempted_at FROM rating_attempts "
        f"WHERE {column} = ? AND attempted_at > ? ORDER BY attempted_at DESC LIMIT ?)",
        [value, now - WINDOW, limit]).fetchone()
    if count < limit:
        return 0
    return max(1, int((oldest + WINDOW - now).total_seconds()) + 1)


def rate(db: str, token: str, task_key: int, rating: str, comment, client_id: str, client_ip: str | None,
         *, user: User | None = None, now: dt.datetime | None = None) -> str:
    """Store a resident's rating of one task; replaces this browser's earlier rating of it.

    Raises BadToken, OwnUnit, NotRatable, BadRating or RateLimited (each with a
    Chinese and an English message). Returns the new rating_id."""
    if rating not in RATINGS or not valid_client_id(client_id):
        raise BadRating()
    try:
        task_key = int(task_key)
    except (TypeError, ValueError):
        raise NotRatable() from None
    comment = clean_comment(comment)
    client_ip = (str(client_ip)[:64] or None) if client_ip else None

    def once() -> str:
        moment = now or dt.datetime.now()
        with database.writing(db) as con:
            con.execute("BEGIN")
            try:
                unit = unit_for_token(con, token)
                if unit is None:
                    raise BadToken()
                if staff_of(user, unit):
                    raise OwnUnit()
                month, tasks = latest_completed(con, unit)
                task = next((x for x in tasks if x.task_key == task_key), None)
                if task is None:
                    raise NotRatable()
                wait = _wait_seconds(con, "client_id", client_id, PER_CLIENT_PER_MINUTE, moment)
                if not wait and client_ip:
                    wait = _wait_seconds(con, "client_ip", client_ip, PER_ADDRESS_PER_MINUTE, moment)
                if wait:
                    raise RateLimited(wait)
                rating_id = uuid.uuid4().hex
                con.execute("DELETE FROM resident_ratings WHERE client_id = ? AND task_key = ?",
                            [client_id, task_key])
                con.execute(
                    "INSERT INTO resident_ratings (rating_id, task_key, region, unit, title, report_month, rating, "
                    "comment, client_id, client_ip, rated_at, hidden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)",
                    [rating_id, task_key, task.region, task.unit, task.title, month, rating, comment,
                     client_id, client_ip, moment])
                con.execute("INSERT INTO rating_attempts VALUES (?, ?, ?)", [client_id, client_ip, moment])
                if secrets.randbelow(20) == 0:  # now and then, not on every write (each DELETE may conflict)
                    con.execute("DELETE FROM rating_attempts WHERE attempted_at < ?", [moment - KEEP_ATTEMPTS])
                con.execute("COMMIT")
                return rating_id
            except BaseException:
                database.rollback_quietly(con)
                raise
    return database.retry_on_conflict(once)


# --- moderation ----------------------------------------------------------------------

class NoSuchRating(RatingError):
    def __init__(self):
        super().__init__("找不到这条评价（可能已被替换）。", "No such rating (it may have been replaced).")


def hide(db: str, rating_id: str, actor: str, *, what: str = "rating", hidden: bool = True) -> None:
    """Hide (or show again) a rating, or only its comment; audited in the same transaction.
    A hidden rating counts nowhere; a hidden comment is shown nowhere, the rating still counts."""
    if what not in ("rating", "comment"):
        raise ValueError("what is 'rating' or 'comment'")

    def once() -> None:
        with database.writing(db) as con:
            con.execute("BEGIN")
            try:
                row = con.execute("SELECT unit, title, rating, comment FROM resident_ratings WHERE rating_id = ?",
                                  [rating_id]).fetchone()
                if row is None:
                    raise NoSuchRating()
                if what == "rating":
                    con.execute("UPDATE resident_ratings SET hidden = ?, hidden_by = ?, hidden_at = ? "
                                "WHERE rating_id = ?", [hidden, actor, _now(), rating_id])
                else:
                    con.execute("UPDATE resident_ratings SET comment_hidden = ?, hidden_by = ?, hidden_at = ? "
                                "WHERE rating_id = ?", [hidden, actor, _now(), rating_id])
                action = f"{what}_{'hide' if hidden else 'unhide'}"
                audit(con, actor, action, rating_id, unit=row[0], title=row[1], rating=row[2],
                      comment=(row[3] or "")[:COMMENT_MAX])
                con.execute("COMMIT")
            except BaseException:
                database.rollback_quietly(con)
                raise
    database.retry_on_conflict(once)


def unhide(db: str, rating_id: str, actor: str, *, what: str = "rating") -> None:
    hide(db, rating_id, actor, what=what, hidden=False)


RECENT_COLUMNS = ("rating_id", "rated_at", "region", "unit", "title", "report_month", "rating", "comment",
                  "hidden", "comment_hidden", "client_id")


def recent(db: str, limit: int = 500, unit: str | None = None) -> list[dict]:
    """The latest ratings, newest first, hidden ones included (for admins)."""
    if not database.exists(db):
        return []
    with database.reading(db) as con:
        if not database.has_table(con, "resident_ratings"):
            return []
        where, params = ("WHERE unit = ?", [unit]) if unit else ("", [])
        rows = con.execute(
            f"SELECT rating_id, rated_at, region, unit, title, report_month, rating, comment, hidden, "
            f"coalesce(comment_hidden, false), client_id FROM resident_ratings {where} "
            f"ORDER BY rated_at DESC, rating_id LIMIT ?", [*params, limit]).fetchall()
    return [dict(zip(RECENT_COLUMNS, row)) for row in rows]


def units_with_completed(con) -> list[str]:
    """Units whose latest month has completed tasks (the notices worth printing)."""
    rows = con.execute(
        """WITH latest AS (SELECT unit, max(report_month) AS month FROM tasks GROUP BY unit)
           SELECT DISTINCT t.unit FROM tasks t JOIN latest l ON t.unit = l.unit AND t.report_month = l.month
           WHERE t.status = 'completed' ORDER BY t.unit""").fetchall()
    return [r[0] for r in rows]
