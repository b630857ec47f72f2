"""Saved column and word mappings: kept per unit and header shape in a real DuckDB file, audited,
and reachable from `python -m loaders`."""
from __future__ import annotations

import json

import duckdb
import pytest

from loaders import mappings_store as ms
from loaders.mapping import Mapping, MappingError, header_shape
from taizhang import database
from tests.test_cli import run

SHAPE = header_shape(["序号", "工作任务", "牵头单位", "推进情况"])
OTHER_SHAPE = header_shape(["项目名称", "责任单位", "进展情况"])


def query(db, sql, params=None):
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def audited(db, action):
    return [(actor, target, json.loads(detail)) for actor, target, detail in query(
        db, "SELECT actor, target, detail FROM audit_log WHERE action = ? ORDER BY logged_at", [action])]


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "m.duckdb")


def test_a_mapping_is_found_by_its_shape(db):
    mapping = Mapping({"工作任务": "title", "推进情况": "status"}, {"差不多了": "completed"})
    mapping_id = ms.save(db, unit="市教育局", shape=SHAPE, mapping=mapping, actor="clerk")
    found = ms.saved(db)
    assert found.for_shape(SHAPE).columns == {"工作任务": "title", "推进情况": "status"}
    assert found.for_shape(SHAPE).words == mapping.words
    assert found.for_shape(OTHER_SHAPE) is None
    assert not found.common
    [(actor, target, detail)] = audited(db, "mapping_saved")
    assert (actor, target, detail["unit"], detail["shape"]) == ("clerk", mapping_id, "市教育局", SHAPE)
    assert json.loads(detail["mapping"]) == json.loads(mapping.to_json())


def test_the_units_own_mapping_is_preferred_else_any_units(db):
    ms.save(db, unit="市教育局", shape=SHAPE, mapping=Mapping({"工作任务": "title"}), actor="a")
    ms.save(db, unit="市民政局", shape=SHAPE, mapping=Mapping({"工作任务": "category"}), actor="b")
    assert ms.saved(db, units=["市教育局"]).for_shape(SHAPE).columns == {"工作任务": "title"}
    assert ms.saved(db, units=["市民政局"]).for_shape(SHAPE).columns == {"工作任务": "category"}
    # A unit that saved nothing for this shape gets the newest one any unit saved.
    assert ms.saved(db, units=["青山县"]).for_shape(SHAPE).columns == {"工作任务": "category"}
    assert ms.saved(db).for_shape(SHAPE).columns == {"工作任务": "category"}


def test_saving_again_for_the_same_unit_and_shape_replaces(db):
    first = ms.save(db, unit="市教育局", shape=SHAPE, mapping=Mapping({"工作任务": "title"}), actor="a", name="教育")
    second = ms.save(db, unit="市教育局", shape=SHAPE, mapping=Mapping({"工作任务": "category"}), actor="b")
    assert first == second
    assert query(db, "SELECT mapping_id, name, unit, created_by FROM column_mappings") == [
        (first, "教育", "市教育局", "b")]
    assert ms.saved(db).for_shape(SHAPE).columns == {"工作任务": "category"}
    assert ms.by_name(db, "教育").columns == {"工作任务": "category"}
    assert ms.by_name(db, "没有") is None
    assert len(audited(db, "mapping_saved")) == 2


def test_a_name_belongs_to_one_mapping(db):
    ms.save(db, unit="市教育局", shape=SHAPE, mapping=Mapping({"工作任务": "title"}), actor="a", name="甲")
    with pytest.raises(MappingError, match="甲"):
        ms.save(db, unit="市民政局", shape=SHAPE, mapping=Mapping({"工作任务": "title"}), actor="a", name="甲")


def test_a_units_mapping_needs_a_shape_and_the_common_row_holds_words_only(db):
    with pytest.raises(MappingError):
        ms.save(db, unit="市教育局", shape=None, mapping=Mapping({"工作任务": "title"}), actor="a")
    with pytest.raises(MappingError):
        ms.save(db, unit=None, shape=None, mapping=Mapping({"工作任务": "title"}), actor="a")


def test_common_words_are_merged_for_everyone(db):
    assert not ms.common_words(db)  # no database yet
    ms.save_common_words(db, {"差不多了": "completed", "拖着": "推进中"}, actor="boss")
    ms.save_common_words(db, {"拖着": "未启动", "刚开头": "in_progress"}, actor="boss")
    common = ms.common_words(db)
    assert common.columns == {}
    assert common.words == {"差不多了": "completed", "拖着": "not_started", "刚开头": "in_progress"}
    assert query(db, "SELECT count(*) FROM column_mappings WHERE unit IS NULL AND header_shape IS NULL") == [(1,)]
    with database.reading(db) as con:
        assert ms.common_words(con).words == common.words
    found = ms.saved(db)
    assert found.common.words == common.words and found.for_shape(SHAPE) is None
    details = [d for _, _, d in audited(db, "mapping_saved")]
    assert details[-1]["added"] == {"拖着": "not_started", "刚开头": "in_progress"}
    assert details[-1]["unit"] is None and details[-1]["shape"] is None
    ms.remove_common_words(db, ["拖着"], actor="boss")
    assert ms.common_words(db).words == {"差不多了": "completed", "刚开头": "in_progress"}


def test_common_words_refuse_a_bad_status(db):
    with pytest.raises(MappingError, match="大概"):
        ms.save_common_words(db, {"差不多了": "大概"}, actor="boss")
    assert ms.status_from("已完成") == "completed" and ms.status_from("in_progress") == "in_progress"


def test_delete_is_audited_and_unknown_ids_are_refused(db):
    mapping_id = ms.save(db, unit="市教育局", shape=SHAPE, mapping=Mapping({"工作任务": "title"}), actor="a")
    [row] = ms.list_all(db)
    assert (row["mapping_id"], row["unit"], row["header_shape"], row["columns"], row["created_by"]) == (
        mapping_id, "市教育局", SHAPE, {"工作任务": "title"}, "a")
    ms.delete(db, mapping_id, actor="boss")
    assert ms.list_all(db) == [] and ms.saved(db).for_shape(SHAPE) is None
    [(actor, target, detail)] = audited(db, "mapping_deleted")
    assert (actor, target, detail["unit"], detail["shape"]) == ("boss", mapping_id, "市教育局", SHAPE)
    with pytest.raises(ms.NoSuchMapping):
        ms.delete(db, mapping_id, actor="boss")


def test_list_puts_the_common_words_first(db):
    ms.save(db, unit="市教育局", shape=SHAPE, mapping=Mapping({"工作任务": "title"}), actor="a")
    ms.save_common_words(db, {"差不多了": "completed"}, actor="boss")
    rows = ms.list_all(db)
    assert [(r["unit"], r["header_shape"]) for r in rows] == [(None, None), ("市教育局", SHAPE)]
    assert rows[0]["words"] == {"差不多了": "completed"}


def test_a_stored_mapping_that_no_longer_validates_is_skipped_not_fatal(db):
    ms.save(db, unit="市教育局", shape=SHAPE, mapping=Mapping({"工作任务": "title"}), actor="a")
    con = duckdb.connect(db)
    con.execute("""UPDATE column_mappings SET mapping = '{"columns": {"工作任务": "renamed_field"}}'""")
    con.close()
    assert ms.saved(db).for_shape(SHAPE) is None
    [row] = ms.list_all(db)
    assert row["valid"] is False and row["columns"] == {"工作任务": "renamed_field"}


def test_an_old_database_without_the_table_reads_as_empty(db):
    con = duckdb.connect(db)
    con.execute("CREATE TABLE audit_log (logged_at TIMESTAMP)")
    con.close()
    found = ms.saved(db, units=["市教育局"])
    assert not found and found.for_shape(SHAPE) is None and not found.common
    assert ms.list_all(db) == [] and ms.by_name(db, "x") is None


# --- mapping files --------------------------------------------------------------------

def test_load_file_reads_columns_and_words(tmp_path):
    path = tmp_path / "教育局.json"
    path.write_text(json.dumps({"columns": {"工作任务": "title", "备注": "ignore"},
                                "words": {"差不多了": "已完成", "拖着": "in_progress"}}, ensure_ascii=False),
                    encoding="utf-8")
    mapping = ms.load_file(path)
    assert mapping.columns == {"工作任务": "title", "备注": "ignore"}
    assert mapping.words == {"差不多了": "completed", "拖着": "in_progress"}
    assert mapping.name == "教育局"


@pytest.mark.parametrize("content, detail", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"column": {"a": "title"}}', "unknown keys column"),
    ('{"columns": {"a": "nonsense"}}', "nonsense"),
    ('{"words": {"a": "maybe"}}', "maybe"),
    ('{"columns": ["a"]}', "columns"),
    ("{}", "no column and no word"),
])
def test_load_file_errors_name_the_file(tmp_path, content, detail):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ms.MappingFileError) as raised:
        ms.load_file(path)
    assert "bad.json" in str(raised.value) and detail in str(raised.value)


def test_load_file_errors_for_missing_and_binary_files(tmp_path):
    with pytest.raises(ms.MappingFileError, match="missing.json"):
        ms.load_file(tmp_path / "missing.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(ms.MappingFileError, match="UTF-8"):
        ms.load_file(tmp_path / "bin.json")


# --- CLI --------------------------------------------------------------------------------

def test_cli_words_then_list_then_delete(db):
    result = run("mappings", "words", "差不多了=已完成", "拖着=in_progress", "--db", db)
    assert result.returncode == 0, result.stderr
    assert "2 个词" in result.stdout
    listed = run("mappings", "list", "--json", "--db", db)
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert row["unit"] is None and row["header_shape"] is None
    assert row["words"] == {"差不多了": "completed", "拖着": "in_progress"}
    assert row["updated_at"] and row["created_by"]
    assert audited(db, "mapping_saved")
    text = run("mappings", "list", "--db", db)
    assert "差不多了 = completed" in text.stdout and "（全部单位）" in text.stdout
    gone = run("mappings", "delete", row["mapping_id"], "--db", db, lang="en")
    assert gone.returncode == 0 and "deleted" in gone.stdout
    assert json.loads(run("mappings", "list", "--json", "--db", db).stdout) == []
    again = run("mappings", "delete", row["mapping_id"], "--db", db)
    assert again.returncode == 1 and row["mapping_id"] in again.stderr


def test_cli_list_without_a_database(db):
    result = run("mappings", "list", "--json", "--db", db)
    assert result.returncode == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize("args", [["words"], ["words", "没有等号"], ["words", "拖着=maybe"], ["delete"]])
def test_cli_mappings_usage_errors_exit_2(db, args):
    result = run("mappings", *args, "--db", db)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.strip() and "Traceback" not in result.stderr


def test_cli_ingest_with_an_unknown_mapping_name_exits_2(db, tmp_path):
    ledger = tmp_path / "l.csv"
    ledger.write_text("项目名称,责任单位,进展情况\n修路,市交通局,已完成\n", encoding="utf-8")
    for lang, said in (("zh", "既不是文件，也不是已保存的对应名称"), ("en", "neither a file nor the name")):
        result = run("ingest", ledger, "--month", "2021-04", "--mapping", "no-such-mapping", "--db", db, lang=lang)
        assert result.returncode == 2, result.stderr
        assert said in result.stderr and "no-such-mapping" in result.stderr
    assert not (tmp_path / "m.duckdb").exists() or query(db, "SELECT count(*) FROM uploads") == [(0,)]


def test_cli_ingest_with_a_bad_mapping_file_exits_2(db, tmp_path):
    ledger = tmp_path / "l.csv"
    ledger.write_text("项目名称,责任单位,进展情况\n修路,市交通局,已完成\n", encoding="utf-8")
    bad = tmp_path / "map.json"
    bad.write_text('{"columns": {"项目名称": "nonsense"}}', encoding="utf-8")
    result = run("ingest", ledger, "--month", "2021-04", "--mapping", bad, "--db", db)
    assert result.returncode == 2 and "map.json" in result.stderr and "nonsense" in result.stderr


def test_cli_ingest_accepts_a_mapping_file_or_a_saved_name(db, tmp_path):
    ledger = tmp_path / "l.csv"
    ledger.write_text("项目名称,责任单位,进展情况\n修路,市交通局,已完成\n", encoding="utf-8")
    good = tmp_path / "map.json"
    good.write_text('{"words": {"差不多了": "已完成"}}', encoding="utf-8")
    result = run("ingest", ledger, "--month", "2021-04", "--mapping", good, "--db", db)
    assert result.returncode == 0, result.stderr
    ms.save(db, unit="市交通局", shape=OTHER_SHAPE, mapping=Mapping({}, {"差不多了": "completed"}), actor="a",
            name="交通")
    result = run("ingest", ledger, "--month", "2021-05", "--mapping", "交通", "--db", db)
    assert result.returncode == 0, result.stderr


def test_cli_ingest_applies_the_mapping_given_and_the_saved_words(db, tmp_path):
    ledger = tmp_path / "l.csv"
    ledger.write_text("项目名称,责任单位,进展情况\n修路,市交通局,差不多了\n", encoding="utf-8")
    refused = run("ingest", ledger, "--month", "2021-04", "--db", db, "--dry-run")
    assert refused.returncode == 1
    words = tmp_path / "words.json"
    words.write_text('{"words": {"差不多了": "已完成"}}', encoding="utf-8")
    result = run("ingest", ledger, "--month", "2021-04", "--mapping", words, "--db", db, "--dry-run")
    assert result.returncode == 0, result.stderr
    ms.save_common_words(db, {"差不多了": "completed"}, actor="boss")
    result = run("ingest", ledger, "--month", "2021-04", "--db", db)
    assert result.returncode == 0, result.stderr
    assert query(db, "SELECT status FROM tasks") == [("completed",)]
