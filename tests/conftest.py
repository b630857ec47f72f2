"""Shared fixtures: a small sample database and an environment pointing at it."""
from __future__ import annotations

import pytest

from tests.dbfixtures import sample_config, sample_db


@pytest.fixture
def sample_env(tmp_path, monkeypatch):
    """TAIZHANG_DB and TAIZHANG_CONFIG set to a fresh sample database and its map settings."""
    db = sample_db(tmp_path / "sample.duckdb")
    monkeypatch.setenv("TAIZHANG_DB", str(db))
    monkeypatch.setenv("TAIZHANG_CONFIG", str(sample_config(tmp_path)))
    return db
