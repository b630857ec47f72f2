"""Words of the loader's command line (`python -m loaders`, loaders/__main__.py),
Chinese and English: "cli.<key>", and "cli.status.<status>" for a file's outcome
(loaders.pipeline.FileReport.status).

Merged into present.catalogue.STRINGS at the end of that module. The words of a
problem found in a file are in present/strings_problems.py; those of
`python -m reports` in present/strings_reports.py.
"""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # A file's outcome
    "cli.status.loaded": ("已导入", "loaded"),
    "cli.status.unchanged": ("内容未变，已跳过", "unchanged, already loaded"),
    "cli.status.rejected": ("未导入", "refused"),
    "cli.status.checked": ("检查通过（未写入）", "checked, nothing written"),
    # ... and what it held
    "cli.rows": ("{n} 行", "{n} rows"),
    # `python -m loaders users ...` says what it changed, and in which database
    "cli.account.add": ("已添加账户 {user}（{role}），数据库：{db}", "added account {user} ({role}) to {db}"),
    "cli.account.passwd": ("已更改 {user} 的密码，数据库：{db}", "changed the password of {user} in {db}"),
    "cli.account.role": ("已更改 {user} 的角色为 {role}，数据库：{db}", "set the role of {user} to {role} in {db}"),
    "cli.account.disable": ("已停用账户 {user}，数据库：{db}", "disabled account {user} in {db}"),
    "cli.sheet": ("工作表“{s}”", "sheet '{s}'"),
    "cli.units": ("{n} 个单位", "{n} units"),
    "cli.replaced": ("替换原有 {n} 行", "replaced {n} earlier rows"),
    "cli.more": ("……另有 {n} 个问题（用 --json 查看全部）", "... and {n} more problems (see all with --json)"),
    "cli.mapping_applied": ("已按保存的列与词对应读取", "read with a saved column and word mapping"),
    "cli.identical": ("这个文件在 {when} 已导入过，内容相同，导入不会有任何改动",
                      "this file was loaded on {when}; loading it again changes nothing"),
    "cli.replaces": ("将替换 {unit} {month} 现有的 {now} 行（本文件 {new} 行）",
                     "replaces {unit} {month}: {now} rows now, {new} in this file"),
    "cli.replaces_fewer": ("注意：将替换 {unit} {month} 现有的 {now} 行，而本文件只有 {new} 行；请确认不是只报了一部分",
                           "note: replaces {unit} {month}: {now} rows now, only {new} in this file; make sure the sheet is complete"),
    "cli.kept_going": ("已跳过 {n} 行有问题的数据", "skipped {n} rows with problems"),
    "cli.summary": ("共 {files} 个文件：导入 {ok} 个，未导入 {bad} 个", "{files} files: {ok} loaded, {bad} refused"),
    "cli.no_file": ("找不到文件“{f}”", "file '{f}' not found"),
    # demo, units, info
    "cli.demo_writing": ("正在生成示例台账……", "writing demo ledgers..."),
    "cli.demo_done": ("示例数据库已建好：{db}（{files} 个文件，{rows} 行）", "demo database ready: {db} ({files} files, {rows} rows)"),
    "cli.units_loaded": ("{file}：工作表“{sheet}”中 {n} 个单位，新增 {added} 个，更新 {updated} 个，停用 {deactivated} 个",
                         "{file}: {n} units on sheet '{sheet}', {added} added, {updated} updated, {deactivated} no longer expected"),
    "cli.info_header": ("月份  单位数  任务数  已完成", "month    units  tasks  completed"),
    # mappings
    "cli.no_mapping": ("“{m}”既不是文件，也不是已保存的对应名称。用 `python -m loaders mappings list` 查看已保存的对应。",
                       "'{m}' is neither a file nor the name of a saved mapping. See the saved ones with "
                       "`python -m loaders mappings list`."),
    "cli.bad_mapping_file": ("映射文件“{f}”不能使用：{detail}", "The mapping file '{f}' cannot be used: {detail}"),
    "cli.mappings_none": ("还没有保存任何列与词的对应。", "No column or word mappings are saved yet."),
    "cli.mappings_header": ("编号              单位          表头样式                          列  词  保存人      时间",
                            "id                unit          header shape                      cols words by     when"),
    "cli.mappings_everyone": ("（全部单位）", "(everyone)"),
    "cli.mapping_deleted": ("已删除对应 {id}。", "Mapping {id} deleted."),
    "cli.mapping_delete_needs_id": ("请给出要删除的对应编号（见 mappings list）。",
                                    "Give the id of the mapping to delete (see mappings list)."),
    "cli.words_needed": ("请给出 词=进展情况，例如 拖延=推进中。", "Give WORD=STATUS pairs, e.g. 拖延=推进中 or stalled=in_progress."),
    "cli.bad_word_pair": ("“{pair}”不是 词=进展情况 的格式。", "'{pair}' is not of the form WORD=STATUS."),
    "cli.words_saved": ("已为所有单位保存 {n} 个词：{words}", "{n} words saved for everyone: {words}"),
    # The last line of defence: a store that cannot be written, a busy store, anything else
    "cli.storage_denied": (
        "无法写入“{path}”：没有写入权限。正在导入的文件未写入，数据库保持原样；请检查该文件及其所在文件夹的权限。",
        "Cannot write '{path}': permission denied. The file being loaded was not written and the database "
        "is as it was; check the permissions of the file and its folder."),
    "cli.storage_full": (
        "无法写入“{path}”：磁盘空间不足（或超出文件大小限制）。正在导入的文件未写入，数据库保持原样；请清理磁盘空间后重新导入。",
        "Cannot write '{path}': the disk is full (or a file size limit was reached). The file being loaded "
        "was not written and the database is as it was; free some disk space and load it again."),
    # Chinese only on the command line: in English it prints taizhang.database.StoreBusy's own
    # message (the store layer cannot import this catalogue), which says the same.
    "cli.store_busy": ("数据库 {db} 被另一个程序占用超过 {seconds} 秒，本次未写入，数据库保持原样；请等对方完成后再试。",
                       "The database {db} stayed locked by another program for more than {seconds} s; nothing was "
                       "written and the database is as it was; try again when the other program has finished."),
    "cli.error": ("出错了：", "error: "),
}
