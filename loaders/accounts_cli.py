"""`python -m loaders users add|passwd|role|disable|list`: accounts on the command line.

Registered by loaders/__main__.py. Every change goes through taizhang.accounts
(which writes the audit log, the actor being $USER); an AccountError prints its
English message and exits 1, a missing user name is wrong usage (exit 2).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from taizhang.config import cli_lang, db_target

ACTIONS = ["add", "passwd", "role", "disable", "list"]
ROLES = ["viewer", "uploader", "admin"]  # taizhang.accounts.ROLES, not imported: argon2 and DuckDB load only when used


def _password(args) -> str:
    """From --password-stdin (scripts) or an interactive prompt; never from argv."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Password / 密码: ")
    if getpass.getpass("Again / 再次输入: ") != first:
        raise SystemExit("passwords differ / 两次输入不一致")
    return first


def cmd_users(args) -> int:
    import metrics.derived  # noqa: F401  an older store is upgraded by whatever writes to it first
    from present.catalogue import text
    from taizhang import accounts

    db = db_target(args.db)
    actor = os.environ.get("USER") or "cli"
    try:
        if args.action == "add":
            accounts.add_user(db, args.username, _password(args), args.role, units=args.unit or [],
                              display_name=args.name, actor=actor)
        elif args.action == "passwd":
            accounts.set_password(db, args.username, _password(args), actor=actor)
        elif args.action == "role":
            accounts.set_role(db, args.username, args.role, units=args.unit, actor=actor)
        elif args.action == "disable":
            accounts.remove_user(db, args.username, actor=actor)
        elif args.action == "list":
            users = accounts.list_users(db)
            if args.json:
                print(json.dumps(users, ensure_ascii=False))
            for u in users if not args.json else []:
                flag = " (disabled)" if u["disabled"] else ""
                print(f"{u['username']:20} {u['role']:9} {'、'.join(u['units'] or [])}{flag}")
    except accounts.AccountError as error:
        print(str(error), file=sys.stderr)
        return 1
    if args.action != "list":
        print(text(f"cli.account.{args.action}", cli_lang(None), user=args.username, role=args.role, db=db))
    return 0


def usage_error(args) -> str | None:
    """What is wrong with the command line before anything runs (the caller's parser says it)."""
    if args.action != "list" and not args.username:
        return "users " + args.action + " needs a user name"
    return None


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `users` command to the loader's subcommands."""
    users = sub.add_parser("users", help="manage accounts: add, passwd, role, disable, list")
    users.add_argument("action", choices=ACTIONS)
    users.add_argument("username", nargs="?")
    users.add_argument("--role", choices=ROLES, default="viewer")
    users.add_argument("--unit", action="append", help="a unit the uploader may report for (repeatable)")
    users.add_argument("--name", help="display name")
    users.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    users.add_argument("--db")
    users.add_argument("--json", action="store_true")
    users.set_defaults(func=cmd_users, usage_error=usage_error)
    return users
