"""The database schema. `tasks` and `uploads` are the public surface (docs/contract.md)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

SCHEMA_VERSION = 6

# Rows currently in force: at most one upload holds a (unit, report_month).
# Rows replaced by a later upload move to superseded_rows so that a rollback can
# restore them exactly.
TASK_COLUMNS = """
    report_month DATE NOT NULL,
    region VARCHAR,
    unit VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    category VARCHAR,
    status VARCHAR NOT NULL,
    deadline DATE,
    planned_investment DOUBLE,
    actual_investment DOUBLE,
    beneficiaries BIGINT,
    responsible_person VARCHAR,
    upload_id VARCHAR NOT NULL,
    source_sheet VARCHAR,
    source_row INTEGER,
    progress_note VARCHAR,
    progress_pct DOUBLE,
    -- how the status was decided when a rule on free text decided it
    -- (loaders.clean.PROGRESS_RULES); NULL when a status word, 是否完成 or a percentage did
    status_rule VARCHAR,
    -- 群众满意度 as the ledger gives it (单位自评): satisfied / basically_satisfied
    -- / dissatisfied, and the score (0-1) where the sheet gives a score
    satisfaction VARCHAR,
    satisfaction_score DOUBLE
"""

# One schema for both stores: a DuckDB file and a DuckLake catalog. DuckLake has
# no PRIMARY KEY/UNIQUE constraints and no defaults for lists, so uniqueness is
# kept by the writers (one transaction per change, retried on conflict).
DDL = [
    """CREATE TABLE IF NOT EXISTS schema_info (
        key VARCHAR NOT NULL, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS uploads (
        upload_id VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        loaded_at TIMESTAMP NOT NULL,
        report_month DATE NOT NULL,
        units VARCHAR[] NOT NULL,
        rows_loaded INTEGER NOT NULL,
        rows_rejected INTEGER NOT NULL,
        loaded_by VARCHAR,
        sheet VARCHAR,
        stored_path VARCHAR,
        state VARCHAR NOT NULL DEFAULT 'active',
        -- when the unit submitted: the load time, or for a backfilled month
        -- the date given with --submitted-at
        submitted_at TIMESTAMP
    )""",
    f"CREATE TABLE IF NOT EXISTS task_rows ({TASK_COLUMNS})",
    f"CREATE TABLE IF NOT EXISTS superseded_rows ({TASK_COLUMNS}, superseded_by VARCHAR NOT NULL)",
    """CREATE TABLE IF NOT EXISTS rejected_rows (
        upload_id VARCHAR NOT NULL,
        source_sheet VARCHAR,
        source_row INTEGER,
        source_column VARCHAR,
        code VARCHAR NOT NULL,
        message_zh VARCHAR NOT NULL,
        message_en VARCHAR NOT NULL
    )""",
    # Accounts: viewer, uploader (bound to units), admin. Passwords as argon2 hashes.
    """CREATE TABLE IF NOT EXISTS users (
        username VARCHAR NOT NULL,
        password_hash VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        units VARCHAR[] NOT NULL,
        display_name VARCHAR,
        created_at TIMESTAMP NOT NULL,
        disabled BOOLEAN NOT NULL DEFAULT false
    )""",
    """CREATE TABLE IF NOT EXISTS login_failures (
        username VARCHAR NOT NULL,
        failed_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS audit_log (
        logged_at TIMESTAMP NOT NULL,
        actor VARCHAR,
        action VARCHAR NOT NULL,
        target VARCHAR,
        detail VARCHAR
    )""",
    # The units expected to report each month (from a units sheet, or learned).
    """CREATE TABLE IF NOT EXISTS units (
        unit VARCHAR NOT NULL,
        region VARCHAR,
        active BOOLEAN NOT NULL DEFAULT true,
        source VARCHAR,
        -- expected to report from this month on (NULL: every month)
        since DATE
    )""",
    # What clerks told the loader once (loaders/mapping.py): per unit and header
    # shape, or for every unit (unit and header_shape NULL: status words only).
    """CREATE TABLE IF NOT EXISTS column_mappings (
        mapping_id VARCHAR NOT NULL,
        name VARCHAR,
        unit VARCHAR,
        header_shape VARCHAR,
        mapping VARCHAR NOT NULL,
        created_by VARCHAR,
        updated_at TIMESTAMP NOT NULL
    )""",
    # Residents rate finished tasks from a unit's notice-board QR code (/feedback).
    # Kept apart from the ledger's own 群众满意度 column (tasks.satisfaction):
    # 群众评价 here, 单位自评 there. task_key is hash(region, unit, title), as in
    # task_completions. One rating per browser (client_id) per task: a later one
    # replaces it. An admin may hide one; hidden ratings count nowhere.
    """CREATE TABLE IF NOT EXISTS resident_ratings (
        rating_id VARCHAR NOT NULL,
        task_key UBIGINT NOT NULL,
        region VARCHAR,
        unit VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        report_month DATE NOT NULL,
        rating VARCHAR NOT NULL,
        comment VARCHAR,
        client_id VARCHAR NOT NULL,
        client_ip VARCHAR,
        rated_at TIMESTAMP NOT NULL,
        hidden BOOLEAN NOT NULL DEFAULT false,
        hidden_by VARCHAR,
        hidden_at TIMESTAMP,
        -- the comment alone hidden by an admin (the rating still counts); NULL is false
        comment_hidden BOOLEAN
    )""",
    # Version 4: stores made with the table before comment_hidden get it.
    "ALTER TABLE resident_ratings ADD COLUMN IF NOT EXISTS comment_hidden BOOLEAN",
    # Every accepted rating on /feedback (a change too), counted for the
    # per-browser and per-address rate limit so that it holds across processes
    # (taizhang/ratings.py); rows older than a few minutes are pruned.
    """CREATE TABLE IF NOT EXISTS rating_attempts (
        client_id VARCHAR NOT NULL,
        client_ip VARCHAR,
        attempted_at TIMESTAMP NOT NULL
    )""",
    # The link printed on a unit's notice: an unguessable token that names the
    # unit, so the URL lets nobody rate another unit's tasks.
    """CREATE TABLE IF NOT EXISTS feedback_links (
        token VARCHAR NOT NULL,
        unit VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR,
        revoked BOOLEAN NOT NULL DEFAULT false
    )""",
    """CREATE OR REPLACE VIEW tasks AS
        SELECT report_month, region, unit, title, category, status, deadline,
               planned_investment, actual_investment, beneficiaries,
               upload_id, source_sheet, source_row, progress_note, progress_pct, status_rule,
               satisfaction, satisfaction_score
        FROM task_rows""",
]


FILL_KNOWN_REGIONS = """
    UPDATE task_rows SET region = known.region
    FROM (
        SELECT unit, coalesce(
            (SELECT any_value(u.region) FROM units u
             WHERE u.unit = t.unit AND u.source = 'sheet' AND u.region IS NOT NULL),
            mode(t.region)) AS region
        FROM task_rows t GROUP BY unit
    ) AS known
    WHERE task_rows.unit = known.unit AND task_rows.region IS NULL AND known.region IS NOT NULL
"""

# The derived tables (metrics/derived.py) are the metrics layer's: it registers
# their DDL, which of them are made again when a store is upgraded, the columns a
# current store has, and what fills them (register_derived). This layer never
# imports metrics; it runs what is registered.
CURRENT_QUERY = """
    SELECT (SELECT value FROM schema_info WHERE key = 'schema_version'),
           (SELECT count(*) FROM duckdb_columns()
            WHERE table_name || '.' || column_name IN (SELECT unnest($required)))"""


@dataclass(frozen=True)
class Derived:
    tables: dict[str, str]                  # name -> CREATE TABLE IF NOT EXISTS ...
    remade: tuple[str, ...]                 # dropped and made again when a store is upgraded
    required: tuple[str, ...]               # "table.column" every current store has
    refresh: Callable[[Any], None]          # fills them all from task_rows: refresh(con)


_derived: list[Derived] = []


def register_derived(derived: Derived) -> None:
    """Have ensure_schema make these tables and fill them whenever it makes them anew."""
    if all(d.tables != derived.tables for d in _derived):
        _derived.append(derived)

ADDED_TASK_COLUMNS = (("progress_note", "VARCHAR"), ("progress_pct", "DOUBLE"), ("status_rule", "VARCHAR"),
                      ("satisfaction", "VARCHAR"), ("satisfaction_score", "DOUBLE"))


class SchemaError(Exception):
    """The store cannot be brought to the current schema in this process; says what to run."""


def ensure_schema(con) -> None:
    """Create what is missing. Cheap when the schema is current (one query, no DDL):
    on DuckLake every DDL statement would be a commit that can conflict with
    another process's load."""
    required = [column for derived in _derived for column in derived.required]
    try:
        current = con.execute(CURRENT_QUERY, {"required": required}).fetchone()
    except Exception:  # no schema_info yet (the error type differs between DuckDB and DuckLake)
        current = None
    if current is not None and current[0] == str(SCHEMA_VERSION) and current[1] == len(required):
        return
    if not _derived and current is not None and current[0] is not None:
        # a program error, not a clerk's: every program that writes imports `metrics`.
        # Checked before any change, so that an upgraded store's summaries are never
        # left empty (a new store has no rows to sum: its tables are made empty).
        raise SchemaError("The database's summary tables must be rebuilt, but nothing that can fill them is "
                          "loaded: import metrics before opening the store for writing. The database is unchanged.")
    # Summaries from before version 5 have another grain or columns: made again. Only
    # in a store that has a version: a new one has none to drop, and another process
    # may be creating the same new store right now (DuckLake), its tables just made.
    if current is not None and current[0] is not None:
        for table in (name for derived in _derived for name in derived.remade):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in DDL:
        if "CREATE OR REPLACE VIEW tasks" in statement:
            # Columns added since version 2 first: the view names them. Writers
            # insert BY NAME, so their place after superseded_by does not matter.
            for table in ("task_rows", "superseded_rows"):
                for column, kind in ADDED_TASK_COLUMNS:
                    con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
        con.execute(statement)
    for statement in (ddl for derived in _derived for ddl in derived.tables.values()):
        con.execute(statement)
    # Rows stored without a region before a unit's region was settled per unit
    # (schema 3) get the unit's known one: the units list, else its most
    # frequent region in other rows; so a unit is never split in two.
    con.execute(FILL_KNOWN_REGIONS)
    # A database from before the derived tables (version 1), or whose summaries were
    # just dropped, gets them filled now. Never marked current with them empty.
    for derived in _derived:
        derived.refresh(con)
    con.execute("DELETE FROM schema_info WHERE key = 'schema_version'")
    con.execute("INSERT INTO schema_info VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
