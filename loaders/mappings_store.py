"""Where the mappings a clerk or an admin made are kept: the table column_mappings.

The only code that reads or writes that table. A row is keyed by (unit,
header_shape): a unit's mapping of one form of sheet. The row whose unit and
header_shape are both NULL is the common one: status words an admin mapped for
everyone (it holds words only). Every change is one transaction that writes its
audit entry too, retried whole when a concurrent DuckLake commit wins
(loaders/store.py).

Readers: `saved(db, units)` reads the whole (small) table once and answers
`for_shape(shape)` for every sheet of a load; `common_words`, `by_name` and
`list_all` serve the CLI and the admin page. `load_file` reads a mapping file
given on the command line.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from loaders.clean import COMPLETED, IN_PROGRESS, NOT_STARTED, STATUSES
from loaders.mapping import Mapping, MappingError
from loaders.store import _retry_on_conflict, _rollback_quietly
from taizhang import database
from taizhang.accounts import audit

__all__ = [
    "Saved", "NoSuchMapping", "MappingFileError", "STATUS_NAMES",
    "save", "save_common_words", "remove_common_words", "common_words", "saved", "list_all", "delete",
    "by_name", "load_file", "status_from",
]

TABLE = "column_mappings"

# The Chinese names of the statuses, as a clerk writes them (CLI `mappings words 拖延=推进中`).
STATUS_NAMES: dict[str, str] = {"已完成": COMPLETED, "推进中": IN_PROGRESS, "未启动": NOT_STARTED}


class NoSuchMapping(MappingError):
    """The mapping asked for (by id) is not saved."""


class MappingFileError(MappingError):
    """A mapping file that cannot be read or used; the message names the file."""

    def __init__(self, path: str, detail: str):
        self.path = path
        self.detail = detail
        super().__init__(f"映射文件“{path}”不能使用 / The mapping file '{path}' cannot be used: {detail}")


def status_from(text: str) -> str:
    """One of clean.STATUSES from its code (completed) or its Chinese name (已完成)."""
    value = (text or "").strip()
    if value in STATUSES:
        return value
    if value in STATUS_NAMES:
        return STATUS_NAMES[value]
    if value.lower() in STATUSES:
        return value.lower()
    names = "、".join(STATUS_NAMES)
    raise MappingError(f"“{value}”不是进展情况，请用 {names} / '{value}' is not a status; use one of "
                       f"{', '.join(STATUSES)} (or {names}).")


# --- reading ------------------------------------------------------------------------

def _parse(raw: str | None, name: str | None) -> Mapping | None:
    """A stored mapping, or None when it no longer validates (e.g. a field was renamed):
    a bad row must not stop a load; the admin page still lists it to be deleted."""
    try:
        return Mapping.from_json(raw or "", name)
    except MappingError:
        return None


def _rows(con) -> list[dict]:
    if not database.has_table(con, TABLE):
        return []
    rows = con.execute(
        f"""SELECT mapping_id, name, unit, header_shape, mapping, created_by, updated_at FROM {TABLE}
            ORDER BY updated_at DESC, mapping_id"""
    ).fetchall()
    return [dict(zip(("mapping_id", "name", "unit", "header_shape", "mapping", "created_by", "updated_at"), r))
            for r in rows]


def _read_rows(db: str) -> list[dict]:
    """Every row, newest first; none when there is no database or no table yet
    (an old database opened read-only)."""
    try:
        with database.reading(db) as con:
            return _rows(con)
    except database.NoDatabase:
        return []


def _common_from(rows: list[dict]) -> Mapping:
    for row in rows:  # newest first
        if row["unit"] is None and row["header_shape"] is None:
            found = _parse(row["mapping"], row["name"])
            if found is not None:
                return Mapping({}, found.words, found.name)
    return Mapping()


def common_words(con_or_db) -> Mapping:
    """The words mapped for everyone, as a Mapping with words only (empty when none).
    Takes an open connection or a database target."""
    rows = _read_rows(str(con_or_db)) if isinstance(con_or_db, (str, Path)) else _rows(con_or_db)
    return _common_from(rows)


class Saved:
    """Every saved mapping, read once, for the sheets of one load.

    `for_shape(shape)` prefers a mapping saved by one of `units` (the units the
    load is for, e.g. an uploader's), else any unit's for that exact shape; the
    newest wins among equals. `common` holds the words mapped for everyone.
    """

    def __init__(self, rows: list[dict] | None = None, units: list[str] | None = None):
        self.units = tuple(units or ())
        self.common: Mapping = _common_from(rows or [])
        self._by_shape: dict[str, list[tuple[str | None, Mapping]]] = {}
        for row in rows or []:  # newest first, so each list is too
            if row["header_shape"] is None:
                continue
            mapping = _parse(row["mapping"], row["name"])
            if mapping is not None:
                self._by_shape.setdefault(row["header_shape"], []).append((row["unit"], mapping))

    def for_shape(self, shape: str) -> Mapping | None:
        found = self._by_shape.get(shape)
        if not found:
            return None
        for unit, mapping in found:
            if unit is not None and unit in self.units:
                return mapping
        return found[0][1]

    @property
    def shapes(self) -> list[str]:
        return list(self._by_shape)

    def __bool__(self) -> bool:
        return bool(self._by_shape) or bool(self.common)

    def __repr__(self) -> str:
        return f"Saved(shapes={len(self._by_shape)}, common_words={len(self.common.words)}, units={self.units})"


def saved(db: str, units: list[str] | None = None) -> Saved:
    """Everything saved, read in one short read-only connection."""
    return Saved(_read_rows(db), units)


def by_name(db: str, name: str) -> Mapping | None:
    """The mapping saved under this name (names are unique), or None."""
    for row in _read_rows(db):  # newest first
        if row["name"] == name:
            return _parse(row["mapping"], row["name"])
    return None


def list_all(db: str) -> list[dict]:
    """One dict per saved mapping, the common words first, then by unit and shape:
    mapping_id, name, unit, header_shape, columns, words, created_by, updated_at,
    valid (False when the stored JSON no longer validates)."""
    result = []
    for row in _read_rows(db):
        mapping = _parse(row["mapping"], row["name"])
        try:
            raw = json.loads(row["mapping"] or "{}")
        except ValueError:
            raw = {}
        raw = raw if isinstance(raw, dict) else {}
        result.append({
            "mapping_id": row["mapping_id"],
            "name": row["name"],
            "unit": row["unit"],
            "header_shape": row["header_shape"],
            "columns": mapping.columns if mapping else dict(raw.get("columns") or {}),
            "words": mapping.words if mapping else dict(raw.get("words") or {}),
            "created_by": row["created_by"],
            "updated_at": row["updated_at"],
            "valid": mapping is not None,
        })
    return sorted(result, key=lambda r: (r["header_shape"] is not None, r["unit"] is not None,
                                         r["unit"] or "", r["header_shape"] or ""))


# --- writing ------------------------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now()


def _in_transaction(db: str, work):
    """work(con) inside one transaction on a writing connection, retried on a lake conflict."""
    def once():
        with database.writing(db) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                result = work(con)
                con.execute("COMMIT")
            except BaseException:
                _rollback_quietly(con)
                raise
            return result

    return _retry_on_conflict(once)


def _replace_row(con, *, unit, shape, mapping: Mapping, actor, name, action_detail: dict | None = None) -> str:
    existing = con.execute(
        f"""SELECT mapping_id, name FROM {TABLE}
            WHERE unit IS NOT DISTINCT FROM ? AND header_shape IS NOT DISTINCT FROM ?
            ORDER BY updated_at DESC""",
        [unit, shape],
    ).fetchall()
    name = name or mapping.name or (existing[0][1] if existing else None)
    if name:
        taken = con.execute(
            f"""SELECT unit, header_shape FROM {TABLE}
                WHERE name = ? AND NOT (unit IS NOT DISTINCT FROM ? AND header_shape IS NOT DISTINCT FROM ?)
                LIMIT 1""",
            [name, unit, shape],
        ).fetchone()
        if taken:
            raise MappingError(f"名称“{name}”已用于另一个对应（单位 {taken[0] or '全部'}）/ The name '{name}' is "
                               f"already used by another mapping (unit {taken[0] or 'all'}); choose another name.")
    mapping_id = existing[0][0] if existing else uuid.uuid4().hex[:16]
    con.execute(f"DELETE FROM {TABLE} WHERE unit IS NOT DISTINCT FROM ? AND header_shape IS NOT DISTINCT FROM ?",
                [unit, shape])
    text = mapping.to_json()
    con.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",
                [mapping_id, name, unit, shape, text, actor, _now()])
    audit(con, actor, "mapping_saved", mapping_id, unit=unit, shape=shape, mapping=text, **(action_detail or {}))
    return mapping_id


def save(db: str, *, unit: str | None, shape: str | None, mapping: Mapping, actor: str | None,
         name: str | None = None) -> str:
    """Save a unit's mapping of one header shape, replacing the one saved before
    for the same (unit, shape); returns its mapping_id (kept when replacing).

    unit=None with a shape: for that shape whatever the unit. unit=None and
    shape=None: the common row, which holds words only (see save_common_words)."""
    if not isinstance(mapping, Mapping):
        raise MappingError("mapping must be a loaders.mapping.Mapping")
    if shape is None:
        if unit is not None:
            raise MappingError("单位的对应须注明表头样式 / A unit's mapping needs the header shape it is for.")
        if mapping.columns:
            raise MappingError("为所有单位保存的对应只能包含进展情况用词 / The mapping for everyone holds status words "
                               "only; columns are mapped per header shape.")
    return _in_transaction(db, lambda con: _replace_row(con, unit=unit, shape=shape, mapping=mapping, actor=actor,
                                                        name=name))


def _words(words: dict) -> dict[str, str]:
    cleaned = {}
    for word, status in (words or {}).items():
        single = Mapping({}, {str(word): status_from(str(status))})
        if not single.words:
            raise MappingError(f"“{word}”不是可用的词 / '{word}' is not a usable word (it is empty once cleaned).")
        cleaned.update(single.words)
    return cleaned


def save_common_words(db: str, words: dict, actor: str | None) -> str:
    """Add words for everyone (word -> status code or Chinese name) to the common
    row, replacing a word's earlier meaning; returns the common row's mapping_id."""
    added = _words(words)
    if not added:
        raise MappingError("没有要保存的词 / No words to save.")

    def work(con):
        current = _common_from(_rows(con))
        merged = Mapping({}, {**current.words, **added}, current.name)
        return _replace_row(con, unit=None, shape=None, mapping=merged, actor=actor, name=None,
                            action_detail={"added": added})

    return _in_transaction(db, work)


def remove_common_words(db: str, words, actor: str | None) -> str | None:
    """Take words out of the common row; returns its mapping_id (None when there is none)."""
    keys = set(Mapping({}, {str(w): COMPLETED for w in words}).words)

    def work(con):
        current = _common_from(_rows(con))
        if not current.words or not keys & set(current.words):
            return None
        kept = {w: s for w, s in current.words.items() if w not in keys}
        return _replace_row(con, unit=None, shape=None, mapping=Mapping({}, kept, current.name), actor=actor,
                            name=None, action_detail={"removed": sorted(keys & set(current.words))})

    return _in_transaction(db, work)


def delete(db: str, mapping_id: str, actor: str | None) -> None:
    """Delete a saved mapping; raises NoSuchMapping when there is none with this id."""
    def work(con):
        row = con.execute(f"SELECT unit, header_shape, mapping FROM {TABLE} WHERE mapping_id = ?",
                          [mapping_id]).fetchone()
        if row is None:
            raise NoSuchMapping(f"没有编号为 {mapping_id} 的对应 / There is no saved mapping {mapping_id}.")
        con.execute(f"DELETE FROM {TABLE} WHERE mapping_id = ?", [mapping_id])
        audit(con, actor, "mapping_deleted", mapping_id, unit=row[0], shape=row[1], mapping=row[2])

    _in_transaction(db, work)


# --- files --------------------------------------------------------------------------

FILE_KEYS = ("columns", "words", "name")


def load_file(path) -> Mapping:
    """A mapping file for the CLI: {"columns": {"header": "field"}, "words": {"word": "completed"}}.
    Statuses may also be written 已完成/推进中/未启动. Raises MappingFileError naming the file."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise MappingFileError(shown, "not UTF-8 text (save it as UTF-8 JSON)") from None
    except OSError as error:
        raise MappingFileError(shown, error.strerror or str(error)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MappingFileError(shown, f"not valid JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict):
        raise MappingFileError(shown, 'a mapping is a JSON object: {"columns": {...}, "words": {...}}')
    unknown = sorted(set(data) - set(FILE_KEYS))
    if unknown:
        raise MappingFileError(shown, f"unknown keys {', '.join(unknown)}; a mapping has \"columns\" and \"words\"")
    words = data.get("words") or {}
    if isinstance(words, dict):
        # Accept the Chinese status names; anything else is left for Mapping to refuse.
        data["words"] = {k: STATUS_NAMES.get(str(v).strip(), v) for k, v in words.items()}
    name = data.pop("name", None)
    try:
        mapping = Mapping.from_json(json.dumps({"columns": data.get("columns"), "words": data.get("words")},
                                               ensure_ascii=False), str(name) if name else Path(path).stem)
    except MappingError as error:
        raise MappingFileError(shown, str(error)) from None
    if not mapping:
        raise MappingFileError(shown, "it maps no column and no word")
    return mapping
