"""Words of the reports: `python -m reports` (reports/__main__.py, "report_cli.<key>")
and the bulletin's own words where they differ from the pages' (reports/document.py,
"bulletin.*"), Chinese and English. The bulletin is Chinese; the rest of its wording
is the editable template templates/bulletin.zh.md.j2.

Merged into present.catalogue.STRINGS at the end of that module.
"""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # python -m reports bulletin
    "report_cli.written": ("已生成 {file}（{month}{scope}，{kind}）", "wrote {file} ({month}{scope}, {kind})"),
    "report_cli.no_database": ("找不到数据库：{db}；请先导入台账。", "no database at {db}; load a ledger first."),
    "report_cli.no_month": ("{month} 没有任何台账数据（已有月份：{months}）。",
                            "no ledger data for {month} (months with data: {months})."),
    "report_cli.no_region": ("{month} 没有县区“{region}”的数据（已有：{regions}）。",
                             "no data for region '{region}' in {month} (regions: {regions})."),
    "report_cli.bad_measure": ("排名指标“{measure}”不存在；可用：{choices}。", "unknown measure '{measure}'; one of {choices}."),
    "report_cli.config": ("配置文件有误：{error}", "the configuration is wrong: {error}"),
    "report_cli.no_chart": ("{month} 的“{chart}”图没有可画的内容（例如没有逾期事项）。",
                            "the {chart} chart has nothing to draw for {month}."),
    "report_cli.failed": ("无法生成通报：{error}", "could not make the bulletin: {error}"),
    "report_cli.busy": ("数据库正被其他程序占用，请稍后再试：{error}", "the database is busy; try again later: {error}"),
    # Why a unit is listed apart, where the bulletin's words are not the pages'
    # ("rankings.reason.<code>"): the 通报 says 县区未填, the pages 县区未知.
    "bulletin.reason.unknown_region": ("县区未填", "region not filled in"),
}
