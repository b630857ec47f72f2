"""The only module that writes: one transaction per file.

A new sheet for a (unit, report_month) that is already loaded replaces it; the
replaced rows move to superseded_rows so that a rollback can bring them back.
Loading the same bytes again (same sha256, still active) changes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from metrics import derived
from taizhang import database
from taizhang.accounts import audit
from taizhang.config import uploads_dir


@dataclass
class WriteResult:
    status: str  # "loaded" | "unchanged"
    upload_id: str | None
    rows_loaded: int
    replaced_rows: int
    replaced_uploads: list[str]
    upload_ids: list[str] = field(default_factory=list)  # one per report month of the file


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep_original(data: bytes, file_name: str, db: str) -> Path:
    """Store the original bytes by hash (never by the uploaded name, which may be hostile)."""
    digest = sha256(data)
    suffix = Path(file_name).suffix.lower()
    if not suffix.isascii() or not suffix[1:].isalnum() or len(suffix) > 6:
        suffix = ".bin"
    folder = uploads_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{suffix}"
    if not path.exists():
        tmp = path.with_name(f".{digest}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except BaseException as error:
            tmp.unlink(missing_ok=True)  # a full disk must not keep half a copy
            if isinstance(error, OSError) and not error.filename:
                error.filename = str(folder)  # a failed write() names no file: say where
            raise
    return path


def already_loaded(con, digest: str) -> str | None:
    row = con.execute(
        "SELECT upload_id FROM uploads WHERE sha256 = ? AND state = 'active' LIMIT 1", [digest]
    ).fetchone()
    return row[0] if row else None


# Moved to taizhang/database.py (the ratings write through it too); the old names stay.
from taizhang.database import (  # noqa: E402, F401  (tests and mappings_store use them)
    CONFLICT_RETRIES,
    is_conflict as _is_conflict,
    retry_on_conflict as _retry_on_conflict,
    rollback_quietly as _rollback_quietly,
)


def write(db: str, **kwargs) -> WriteResult:
    """One file's rows, in one transaction; retried whole if a concurrent commit conflicts."""
    return _retry_on_conflict(lambda: _write_once(db, **kwargs))


def _write_once(
    db: str,
    *,
    table: pa.Table,
    rejected: list[dict],
    file_name: str,
    digest: str,
    stored_path: str,
    loaded_by: str | None,
    submitted_at: dt.datetime | None = None,
    mapping: str | None = None,
) -> WriteResult:
    """A file's rows by (report month, unit): each unit-month it holds replaces the
    one in force. A file reporting several months (a sheet per month) gets one
    `uploads` row per month, so that each month's submission and rollback stand
    on their own, written in the same transaction."""
    months = _months_and_units(table)
    with database.writing(db) as con:
        existing = already_loaded(con, digest)
        if existing:
            return WriteResult("unchanged", existing, 0, 0, [])
        # Microseconds kept: loads a second apart must still sort as they happened
        # (the upload history lists the newest first).
        now = dt.datetime.now()
        upload_ids = {month: uuid.uuid4().hex[:16] for month in months}
        con.execute("BEGIN TRANSACTION")
        try:
            ids = pc.take(pa.array([upload_ids[m] for m in months], type=pa.string()),
                          pc.index_in(table.column("report_month"), pa.array(list(months), type=pa.date32())))
            incoming = table.append_column("upload_id", ids)
            con.register("incoming", incoming)
            replaced_uploads: list[str] = []
            moved_total = 0
            for month, (units, sheets) in months.items():
                upload_id = upload_ids[month]
                con.register("incoming_units", pa.table({"unit": pa.array(units, type=pa.string())}))
                replaced_uploads += [r[0] for r in con.execute(
                    """SELECT DISTINCT upload_id FROM task_rows
                       WHERE report_month = ? AND unit IN (SELECT unit FROM incoming_units)""",
                    [month],
                ).fetchall()]
                moved = database.scalar(
                    con,
                    """INSERT INTO superseded_rows BY NAME
                       SELECT *, ? AS superseded_by FROM task_rows
                       WHERE report_month = ? AND unit IN (SELECT unit FROM incoming_units)""",
                    [upload_id, month],
                )
                moved_total += int(moved)
                con.execute(
                    "DELETE FROM task_rows WHERE report_month = ? AND unit IN (SELECT unit FROM incoming_units)",
                    [month],
                )
                con.unregister("incoming_units")
                month_rows = table.num_rows if len(months) == 1 else int(
                    pc.sum(pc.equal(table.column("report_month"), pa.scalar(month, pa.date32()))).as_py())
                month_rejected = [r for r in rejected if len(months) == 1 or r.get("sheet") in sheets]
                con.execute(
                    """INSERT INTO uploads (upload_id, file_name, sha256, loaded_at, report_month, units,
                                            rows_loaded, rows_rejected, loaded_by, sheet, stored_path, state,
                                            submitted_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)""",
                    [upload_id, file_name, digest, now, month, units, month_rows, len(month_rejected),
                     loaded_by, "、".join(sheets), stored_path, submitted_at or now],
                )
                con.execute(
                    """UPDATE uploads SET state = 'superseded'
                       WHERE state = 'active' AND upload_id <> ?
                         AND upload_id IN (SELECT upload_id FROM superseded_rows WHERE superseded_by = ?)
                         AND upload_id NOT IN (SELECT DISTINCT upload_id FROM task_rows)""",
                    [upload_id, upload_id],
                )
                detail = {"file": file_name, "rows": month_rows, "units": units,
                          "month": month.strftime("%Y-%m"), "replaced": int(moved)}
                if mapping:
                    detail["mapping"] = mapping
                audit(con, loaded_by, "upload", upload_id, **detail)
                if month_rejected:
                    con.executemany(
                        """INSERT INTO rejected_rows VALUES (?, ?, ?, ?, ?, ?, ?)""",
                        [[upload_id, r["sheet"], r["row"], r["column"], r["code"], r["message_zh"],
                          r["message_en"]] for r in month_rejected],
                    )
            con.execute("INSERT INTO task_rows BY NAME SELECT * FROM incoming")
            all_units = sorted({u for units, _ in months.values() for u in units})
            derived.refresh(con, all_units, since=min(months))
            first = min(months)
            # Units that report once are expected every month after (the submissions page).
            con.execute(
                """UPDATE units SET since = least(units.since, ?)
                   WHERE source = 'learned' AND unit IN (SELECT DISTINCT unit FROM incoming)""",
                [first],
            )
            con.execute(
                """INSERT INTO units (unit, region, active, source, since)
                   SELECT unit, any_value(region), true, 'learned', ? FROM incoming
                   WHERE unit NOT IN (SELECT unit FROM units) GROUP BY unit""",
                [first],
            )
            con.execute("COMMIT")
        except BaseException:
            _rollback_quietly(con)
            raise
        finally:
            con.unregister("incoming")
        first_id = upload_ids[min(months)]
        return WriteResult("loaded", first_id, table.num_rows, moved_total, replaced_uploads,
                           [upload_ids[m] for m in sorted(months)])


def _months_and_units(table: pa.Table) -> dict[dt.date, tuple[list[str], list[str]]]:
    """report month -> (its units, its sheets), months in order."""
    month_column = table.column("report_month")
    months = sorted(pc.unique(month_column).to_pylist())
    result: dict[dt.date, tuple[list[str], list[str]]] = {}
    for month in months:
        part = table if len(months) == 1 else table.filter(pc.equal(month_column, pa.scalar(month, pa.date32())))
        units = sorted(set(pc.unique(part.column("unit")).to_pylist()))
        sheets = pc.unique(part.column("source_sheet")).to_pylist()  # in the order they first appear
        result[month] = (units, sheets)
    return result


class RollbackRefused(Exception):
    """The upload cannot be rolled back; the message says why."""


def rollback(db: str, upload_id: str, actor: str | None = None) -> dict:
    """Undo an upload: its rows leave, and the rows it replaced come back as they were."""
    return _retry_on_conflict(lambda: _rollback_once(db, upload_id, actor))


def _rollback_once(db: str, upload_id: str, actor: str | None) -> dict:
    with database.writing(db) as con:
        row = con.execute("SELECT state, file_name FROM uploads WHERE upload_id = ?", [upload_id]).fetchone()
        if row is None:
            raise RollbackRefused(f"No upload {upload_id}.")
        if row[0] != "active":
            raise RollbackRefused(f"Upload {upload_id} ({row[1]}) is {row[0]}; "
                                  "only an upload in force can be rolled back.")
        con.execute("BEGIN TRANSACTION")
        try:
            # the units and the earliest month whose rows go (its own) or come back (those it replaced)
            changed = con.execute(
                """SELECT unit, report_month FROM task_rows WHERE upload_id = $id
                   UNION SELECT unit, report_month FROM superseded_rows WHERE superseded_by = $id""",
                {"id": upload_id}).fetchall()
            touched = sorted({unit for unit, _ in changed})
            month = min((m for _, m in changed), default=None)
            removed = database.scalar(con, "DELETE FROM task_rows WHERE upload_id = ?", [upload_id])
            restored_uploads = [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT upload_id FROM superseded_rows WHERE superseded_by = ?", [upload_id]
                ).fetchall()
            ]
            restored = database.scalar(
                con,
                """INSERT INTO task_rows BY NAME
                   SELECT * EXCLUDE (superseded_by) FROM superseded_rows WHERE superseded_by = ?""",
                [upload_id],
            )
            con.execute("DELETE FROM superseded_rows WHERE superseded_by = ? OR upload_id = ?", [upload_id, upload_id])
            derived.refresh(con, touched, since=month)
            con.execute("UPDATE uploads SET state = 'rolled_back' WHERE upload_id = ?", [upload_id])
            if restored_uploads:
                con.execute(
                    "UPDATE uploads SET state = 'active' WHERE upload_id IN (SELECT unnest(?))", [restored_uploads]
                )
            audit(con, actor, "rollback", upload_id, file=row[1], removed=int(removed), restored=int(restored))
            con.execute("COMMIT")
        except BaseException:
            _rollback_quietly(con)
            raise
    return {"removed": int(removed), "restored": int(restored), "restored_uploads": restored_uploads}
