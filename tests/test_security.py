"""App connections cannot reach server files, and cannot be talked out of it."""
from __future__ import annotations

import duckdb
import pytest

from loaders.pipeline import ingest
from taizhang import database
from tests import workbooks as wb


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "sec.duckdb")
    ingest(wb.county_xlsx(), "county.xlsx", path)
    return path


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "COPY (SELECT 1) TO '/tmp/taizhang-leak.csv'",
        "ATTACH '/tmp/other.duckdb' AS other",
        "INSTALL httpfs",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
    ],
)
@pytest.mark.parametrize("mode", ["reading", "writing"])
def test_app_connections_refuse_file_access_and_config_changes(db, sql, mode):
    with getattr(database, mode)(db) as con:
        with pytest.raises(duckdb.Error):
            con.execute(sql)
        assert con.execute("SELECT count(*) FROM tasks").fetchone()[0] == 3  # still works for its own data
