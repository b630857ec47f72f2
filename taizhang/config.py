"""Where things live. One place for paths and environment settings."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "taizhang.duckdb"
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "taizhang.toml"


def config_path() -> Path:
    """The settings file: $TAIZHANG_CONFIG, else config/taizhang.toml."""
    override = os.environ.get("TAIZHANG_CONFIG")
    return Path(override) if override else DEFAULT_CONFIG


def db_target(explicit: str | os.PathLike | None = None) -> str:
    """The store to use: the --db argument, else $TAIZHANG_DB, else data/taizhang.duckdb."""
    if explicit:
        return str(explicit)
    return os.environ.get("TAIZHANG_DB") or str(DEFAULT_DB)


def uploads_dir(db: str) -> Path:
    """Originals are kept beside the database, under uploads/, named by their hash."""
    override = os.environ.get("TAIZHANG_UPLOADS")
    if override:
        return Path(override)
    if db.startswith("ducklake:"):
        data_path = os.environ.get("TAIZHANG_DATA_PATH")
        return Path(data_path) / "uploads" if data_path else PROJECT_ROOT / "data" / "uploads"
    return Path(db).resolve().parent / "uploads"


def cli_lang(explicit: str | None = None) -> str:
    """The command line's language: --lang, else $TAIZHANG_LANG, else the locale; Chinese first."""
    value = explicit or os.environ.get("TAIZHANG_LANG")
    if value:
        return "en" if value.lower().startswith("en") else "zh"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        locale = os.environ.get(var, "")
        if locale and locale not in ("C", "POSIX") and not locale.startswith("C."):
            return "zh" if locale.lower().startswith("zh") else "en"
    return "zh"
