"""Who is signed in: a local account (taizhang.accounts) or an OIDC identity (st.login).

The signed-in account lives in st.session_state[SESSION] with the times it
signed in and was last seen; accounts.session_expired ends it. Each run the
account is read again from the database (cached on its data_version), so a
role change or a disabled account takes effect on the next click.

An OIDC identity (st.user, configured in .streamlit/secrets.toml) maps to the
local account whose user name is its e-mail address; without one it may view
but not upload. Streamlit keeps OIDC identities in a cookie; local sign-ins
last as long as the browser tab's session (a reload signs out).
"""
from __future__ import annotations

import logging
import time
import tomllib
from collections.abc import Callable, Mapping

import duckdb
import streamlit as st

from metrics.settings import config_path
from present.catalogue import STRINGS
from present.format import md
from taizhang import accounts, database
from taizhang.accounts import AccountError, LoginThrottled, User
from taizhang.config import db_target
from ui import data
from ui.i18n import lang, t

log = logging.getLogger(__name__)

SESSION = "tz_auth"            # {"user": User, "signed_in_at", "last_seen", "via"}
_EXPIRED = "tz_auth_expired"   # set when a session ended by itself, to say so once
OPEN_PAGES = ("upload", "admin")  # pages that show their own sign-in form
PUBLIC_PAGES = ("feedback",)      # open to anyone, even when viewing needs a sign-in (the token decides)


def session_role() -> str | None:
    """The role of the signed-in account from the session alone (no database, cannot fail)."""
    state = st.session_state.get(SESSION)
    return state["user"].role if isinstance(state, dict) and isinstance(state.get("user"), User) else None


def account_message(error: AccountError) -> str:
    """What an AccountError says, in the user's language: the catalogue's words for its
    code (present/strings_accounts.py), its params escaped as markdown; its own text otherwise."""
    key = f"account.{error.code}"
    if key not in STRINGS:
        return md(str(error))
    return t(key, **{name: md(value) if isinstance(value, str) else value for name, value in error.params.items()})


def _lookup(username: str) -> dict | None | bool:
    """The account row; None when there is none; False when the store cannot be read now."""
    try:
        return data.account(username)
    except (database.StoreError, duckdb.Error):
        return False


def _user_from(row: dict) -> User:
    return User(row["username"], row["role"], tuple(row["units"] or ()), row["display_name"])


def oidc_providers() -> list[str | None]:
    """Providers configured under [auth] in secrets.toml; [None] for the unnamed one."""
    try:
        if not st.secrets.load_if_toml_exists():
            return []
        section = st.secrets.get("auth")
    except Exception:  # no or unreadable secrets: no OIDC
        return []
    if not isinstance(section, Mapping):
        return []
    named = [key for key, value in section.items() if isinstance(value, Mapping)]
    return named or ([None] if "client_id" in section else [])


def _oidc_identity() -> str | None:
    try:
        if not getattr(st.user, "is_logged_in", False):
            return None
        return st.user.get("email") or st.user.get("sub")
    except Exception:
        return None


def _start(user: User, via: str) -> None:
    now = time.time()
    st.session_state[SESSION] = {"user": user, "signed_in_at": now, "last_seen": now, "via": via}


def current_user() -> User | None:
    """The signed-in account, or None. Ends expired sessions and refreshes role and units."""
    state = st.session_state.get(SESSION)
    if not isinstance(state, dict):
        identity = _oidc_identity()
        if identity is None or st.session_state.get(_EXPIRED):
            return None
        row = _lookup(identity)
        if row is not None and row is not False and row["disabled"]:
            return None
        user = _user_from(row) if row else User(identity, "viewer", (), None)
        _start(user, "oidc")
        try:
            accounts.record(db_target(), identity, "login", identity, via="oidc")
        except (database.StoreError, duckdb.Error) as error:
            # signed in all the same; the log says why it is not audited
            log.warning("OIDC sign-in of %s not audited: %s", identity, error)
        return user
    now = time.time()
    if accounts.session_expired(state["signed_in_at"], state["last_seen"], now):
        sign_out(expired=True)
        return None
    row = _lookup(state["user"].username)
    if (row is None and state["via"] == "local") or (row and row["disabled"]):
        sign_out()
        return None
    if row:
        state["user"] = _user_from(row)
    state["last_seen"] = now
    return state["user"]


def sign_out(expired: bool = False) -> None:
    state = st.session_state.pop(SESSION, None)
    if expired:
        st.session_state[_EXPIRED] = True
    if isinstance(state, dict) and state.get("via") == "oidc":
        st.session_state[_EXPIRED] = True  # do not sign the cookie's identity straight back in
        st.logout()


def _attempt(username: str, password: str) -> None:
    username = (username or "").strip()
    if not username or not password:
        st.error(t("auth.fill_in"))
        return
    if not data.present():
        st.error(t("auth.no_accounts"))
        return
    try:
        user = accounts.authenticate(db_target(), username, password)
    except LoginThrottled as throttled:
        st.error(account_message(throttled), icon=":material/timer:")
        return
    except database.StoreBusy:
        st.warning(t("msg.busy"), icon=":material/hourglass_top:")
        return
    if user is None:
        st.error(t("auth.wrong"))
        return
    st.session_state.pop(_EXPIRED, None)
    _start(user, "local")
    st.rerun()


def _chinese_form_hint() -> None:
    """Streamlit's "Press Enter to submit form" under a form's text input is English
    only (streamlit issue 1353): in Chinese it reads 按回车键登录. A constant style sheet."""
    if lang() != "zh":
        return
    st.markdown("""<style>
[data-testid="stForm"] [data-testid="InputInstructions"] {font-size: 0;}
[data-testid="stForm"] [data-testid="InputInstructions"]::after {content: "按回车键登录"; font-size: 0.75rem;}
</style>""", unsafe_allow_html=True)


def sign_in_form(where: str) -> None:
    """The sign-in form (two text inputs and a button), and an OIDC button when configured."""
    if st.session_state.pop(_EXPIRED, False):
        st.info(t("auth.expired"), icon=":material/schedule:")
    _chinese_form_hint()
    with st.form(f"{where}_sign_in", clear_on_submit=True, width=420):
        st.subheader(t("auth.sign_in"), anchor=False)
        username = st.text_input(t("auth.username"), key=f"{where}_username", autocomplete="username")
        password = st.text_input(t("auth.password"), type="password", key=f"{where}_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("auth.sign_in"), type="primary")
    if submitted:
        _attempt(username, password)
    for provider in oidc_providers():
        label = t("auth.oidc") if provider is None else t("auth.oidc_named", provider=provider)
        st.button(label, key=f"{where}_oidc_{provider}", icon=":material/badge:",
                  on_click=st.login, args=(provider,) if provider else ())
    st.caption(t("auth.no_account_help"))


def require(where: str, allowed: Callable[[User], bool], refused_key: str) -> User | None:
    """The signed-in user when `allowed`; otherwise the sign-in form or a refusal, and None."""
    user = current_user()
    if user is None:
        sign_in_form(where)
        return None
    if not allowed(user):
        st.warning(t(refused_key, role=t(f"role.{user.role}")), icon=":material/lock:")
        return None
    return user


def view_locked() -> bool:
    """Whether viewing pages needs a sign-in ([access] view_requires_login).

    When the settings file has an error elsewhere the defaults are used for the
    rest, but this one is decided from the file's [access] table alone, and a
    file that cannot be read at all locks: access fails closed."""
    settings, error = data.settings()
    if not error:
        return settings.view_requires_login
    try:
        access = tomllib.loads(config_path().read_text(encoding="utf-8")).get("access", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True
    return not (isinstance(access, Mapping) and access.get("view_requires_login", False) is False)


def may_view(url_path: str, locked: bool) -> bool:
    """Whether this page may run: always for upload and admin (they ask themselves), else
    when viewing is open (`locked` False) or someone is signed in."""
    return url_path in OPEN_PAGES or url_path in PUBLIC_PAGES or not locked or current_user() is not None


def sign_in_page() -> None:
    """What a locked page shows instead of itself."""
    st.title(t("app.title"))
    st.info(t("auth.view_needs_login"), icon=":material/lock:")
    sign_in_form("view")


def sidebar_account() -> None:
    """Who is signed in, and a sign-out button, at the bottom of the sidebar."""
    user = current_user()
    if user is None:
        return
    box = st.sidebar.container(border=True)
    name = user.display_name or user.username
    box.caption(t("auth.signed_in_as", name=md(name), role=t(f"role.{user.role}")))
    if user.units and user.role == "uploader":
        box.caption(t("auth.units", units=md(("、" if lang() == "zh" else ", ").join(user.units))))
    box.button(t("auth.sign_out"), key="tz_sign_out", icon=":material/logout:", on_click=sign_out)
