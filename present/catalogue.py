"""Every word the UI, the reports and the command lines show, in Chinese and
English, keyed by code: one catalogue (issue 16). No Streamlit here; ui/i18n.py
adds the current language of a page view.

Each key is defined once: a module's strings are merged below, and a key
redefined with other words is an error at import. tests/test_catalogue.py checks
that every key is used somewhere, is defined in one place only, has both
languages and the same {placeholders} in each.

Two lower layers keep words of their own, as they cannot import this one:
taizhang/accounts.py (the English of AccountError for the command line; the
pages say "account.<code>") and metrics/submissions.py (the reminder text).
"""
from __future__ import annotations

LANGS = ("zh", "en")
LANG_NAMES = {"zh": "中文", "en": "English"}

STRINGS: dict[str, tuple[str, str]] = {
    # App and navigation
    "app.title": ("台账看板", "Taizhang ledger dashboard"),
    "nav.overview": ("总体概况", "Overview"),
    "nav.regions": ("县区对比", "Regions"),
    "nav.rankings": ("排名", "Rankings"),
    "nav.investment": ("投资情况", "Investment"),
    "nav.units": ("单位查询", "Units"),
    "nav.upload": ("上传台账", "Upload"),
    "nav.submissions": ("报送情况", "Submissions"),
    "nav.briefing": ("通报", "Bulletin"),
    # Sidebar
    "sidebar.still_reporting": (
        "{month}仍在报送：目前 {units} 个单位已报送（{previous_month} {previous} 个），本月各项数据和与上月的比较尚不完整，请谨慎引用。",
        "{month} is still coming in: units reported so far: {units} ({previous_month}: {previous}). Its figures, "
        "and their change against last month, are not complete yet: quote them with care."),
    "sidebar.month": ("报告月份", "Report month"),
    "sidebar.region": ("县区", "Region"),
    "sidebar.category": ("类别", "Category"),
    "sidebar.language": ("语言 / Language", "语言 / Language"),
    "sidebar.all_regions": ("全部县区", "All regions"),
    "sidebar.all_categories": ("全部类别", "All categories"),
    "sidebar.data_note": ("数据截至 {month}，共 {months} 个月", "Data up to {month}, {months} months"),
    # Measures
    "col.beneficiaries": ("服务群众（人次）", "People served"),
    "m.composite": ("综合得分", "Composite score"),
    # the composite for leaders (present/composite.py fills in each rate's share of 100%)
    "help.composite": (
        "综合得分（百分制）是以下比率的加权平均，比重为：{shares}（合计 100%）。单位（县区）缺少的比率不计入，其余比率的比重按比例放大到合计 100%；投资完成率超过 100% 的按 100% 计。",
        "The composite score (out of 100) is a weighted mean of these rates, with these shares: {shares} (100% in all). "
        "A rate a unit (or region) lacks is left out and the shares of the others are scaled up to make 100%; "
        "investment completion above 100% counts as 100%."),
    # Common messages
    "msg.no_database": (
        "还没有任何台账（{target}）。请在左侧菜单“上传台账”中登录并上传本单位的台账；管理员也可以在服务器上导入（见 README）。",
        "There are no ledgers yet ({target}). Sign in under 'Upload' in the menu on the left and upload a unit's ledger; "
        "an administrator can also load files on the server (see README)."),
    "msg.empty_database": (
        "还没有任何台账。请在左侧菜单“上传台账”中登录并上传本单位的台账；管理员也可以在服务器上导入（见 README）。",
        "There are no ledgers yet. Sign in under 'Upload' in the menu on the left and upload a unit's ledger; "
        "an administrator can also load files on the server (see README)."),
    "msg.busy": ("数据正在更新，请稍后刷新页面。", "Data is being updated; refresh the page in a moment."),
    "msg.unreadable": ("无法读取数据库 {target}：{error}", "The database {target} cannot be read: {error}"),
    "msg.config_error": ("配置文件有误，已使用默认设置：{error}", "The settings file has an error; defaults are used: {error}"),
    "msg.no_rows": ("{month}{scope}没有台账数据。请换一个月份或放宽筛选条件。",
                    "No ledger rows for {month}{scope}. Pick another month or widen the filters."),
    "msg.month_not_found": ("没有 {wanted} 的数据，已显示最近的 {month}。", "There is no data for {wanted}; showing the latest month, {month}."),
    "scope.sep": ("，", ", "),
    # Overview
    "overview.title": ("总体概况", "Overview"),
    "overview.by_region": ("各县区完成率", "Completion rate by region"),
    "overview.by_unit": ("{region}各单位完成率", "Completion rate of units in {region}"),
    "overview.trend": ("近 {months} 个月走势", "Last {months} months"),
    "overview.definitions": ("指标说明", "How the measures are defined"),
    "overview.average": ("整体", "Overall"),
    # Regions
    "regions.title": ("县区对比", "Regions compared"),
    "regions.measure": ("对比指标", "Measure"),
    "regions.bars": ("{measure}（{month}）", "{measure} ({month})"),
    "regions.absent": ("未显示：{names}（本月没有台账）。", "Not shown: {names} (no ledger this month)."),
    "regions.click_hint": ("点击柱条或在下方选择县区，查看其下各单位。", "Click a bar or pick a region below to see its units."),
    "regions.map": ("{measure}分布图", "Map of {measure}"),
    "regions.map_error": ("地图文件无法使用（{error}），已跳过地图。", "The map file cannot be used ({error}); the map is skipped."),
    "regions.heat": ("各月{measure}（县区 × 月份）", "{measure} by month and region"),
    "regions.heat_scale": ("{measure}（{unit}）", "{measure} ({unit})"),
    "regions.heat_unit.percent": ("%", "%"),
    "regions.heat_unit.yi_yuan": ("亿元", "100 million yuan"),
    "regions.heat_unit.wan_yuan": ("万元", "10,000 yuan"),
    "regions.heat_unit.bn_yuan": ("十亿元", "¥ bn"),
    "regions.heat_unit.m_yuan": ("百万元", "¥ million"),
    "regions.heat_unit.wan": ("万", "10,000s"),
    "regions.heat_unit.thousand": ("千", "thousands"),
    "regions.pick": ("查看县区", "Show units of"),
    "regions.units_of": ("{region}各单位{measure}", "{measure} of units in {region}"),
    "regions.top_n": ("只显示前 {n} 个单位，完整名单见下表。", "Showing the first {n} units; the table lists all."),
    # Rankings
    "rankings.title": ("排名", "Rankings"),
    "rankings.level": ("排名对象", "Rank"),
    "rankings.level.unit": ("单位", "Units"),
    "rankings.level.region": ("县区", "Regions"),
    # one of them, as a sentence names it: "open that unit"
    "rankings.one.unit": ("单位", "unit"),
    "rankings.one.region": ("县区", "region"),
    "rankings.measure": ("排名指标", "Ranked by"),
    "rankings.rules": ("{month}，按{measure}排名，并列名次相同（如 1、2、2、4）。任务不足 {min} 项的{entity}不参与排名。",
                       "{month}, ranked by {measure}; ties share a rank (1, 2, 2, 4). {entity_cap} with fewer than {min} tasks are not ranked."),
    "rankings.red": ("红榜（前 {n} 名）", "Red list (top {n})"),
    "rankings.black": ("黑榜（后 {n} 名）", "Black list (bottom {n})"),
    "rankings.table": ("完整排名", "Full league table"),
    "rankings.tied": ("因名次并列，共 {count} 个入榜。", "{count} listed, because of ties."),
    "rankings.black_empty": ("参与排名的{entity}都已在红榜中，本期不设黑榜。", "Every ranked entry is on the red list; no black list this month."),
    "rankings.unranked": ("未参与排名（{count}）", "Not ranked ({count})"),
    "rankings.download": ("下载 Excel 排名表", "Download Excel league table"),
    "rankings.none": ("没有可以排名的{entity}。", "Nothing to rank."),
    "rankings.reason.too_few_tasks": ("任务不足 {min} 项", "fewer than {min} tasks"),
    "rankings.reason.no_value": ("无可计算的数值", "no value to rank"),
    "rankings.reason.unknown_region": ("县区未知", "region unknown"),
    "rankings.reason.partial": ("数据不完整：{rows} 行未导入", "Incomplete: {rows} rows not loaded"),
    "rankings.reason.not_reported": ("本月未报送", "Not reported this month"),
    "rankings.rules.apart": ("本月未报送的单位不参与排名，另列于排名表下方。",
                             "Units that did not report this month are not ranked; they are listed below the table."),
    "rankings.rules.last": ("本月未报送的单位排在所有参与排名的单位之后，名次并列。",
                            "Units that did not report this month are ranked after every ranked unit, tied."),
    "rankings.rules.partial": ("有行未导入（数据不完整）的单位本月不参与排名。",
                               "Units with rows not loaded (incomplete month) are not ranked this month."),
    "rankings.not_reported": ("本月未报送（{count}）", "Not reported this month ({count})"),
    "rankings.not_reported_note": ("以下单位应报送本月台账而未报送，不参与排名。",
                                   "These units were expected to report this month and did not; they are not ranked."),
    "rankings.not_reported_last_note": ("{count} 个单位本月未报送，排在末位（第 {rank} 名，并列）。",
                                        "{count} units did not report this month and are ranked last (tied at {rank})."),
    "rankings.partial_regions": ("{count} 个单位本月数据不完整（有行未导入），所在县区的数字只含已导入的行。",
                                 "{count} units have an incomplete month (rows not loaded); their regions' figures hold only the rows loaded."),
    "col.latest_month": ("最近报送", "Latest reported"),
    "col.note": ("备注", "Note"),
    "latest.never": ("从未报送", "never"),
    "flags.partial": ("注：{count} 个单位本月数据不完整（有行未导入），相关数字只含已导入的行，这些单位不参与排名。",
                      "Note: {count} units have an incomplete month (rows not loaded); the figures hold only the rows loaded and these units are not ranked."),
    "flags.not_reported": ("注：{count} 个应报单位本月未报送台账，未计入以上数字。",
                           "Note: {count} expected units did not report this month; they are not in the figures above."),
    "rankings.sheet": ("排名", "Ranking"),
    "rankings.sheet_unranked": ("未排名", "Not ranked"),
    "rankings.sheet_notes": ("说明", "Notes"),
    "col.rank": ("名次", "Rank"),
    "col.change": ("较上月", "Change"),
    "col.previous_rank": ("上月名次", "Last month"),
    "col.unit": ("单位", "Unit"),
    "col.region": ("县区", "Region"),
    "col.category": ("类别", "Category"),
    "col.title": ("项目名称", "Task"),
    "col.status": ("进展情况", "Progress"),
    "col.deadline": ("完成时限", "Deadline"),
    "col.month": ("月份", "Month"),
    "col.reason": ("原因", "Reason"),
    "col.source": ("来源", "Source"),
    "col.planned_wan": ("计划投资（万元）", "Planned (万元)"),
    "col.actual_wan": ("完成投资（万元）", "Actual (万元)"),
    "status.completed": ("已完成", "Completed"),
    "status.in_progress": ("推进中", "In progress"),
    "status.not_started": ("未启动", "Not started"),
    "unknown_region": ("（县区未填）", "(region unknown)"),
    "uncategorised": ("（未分类）", "(no category)"),
    # Investment
    "investment.title": ("投资情况", "Investment"),
    "investment.by_region": ("各县区计划与完成投资", "Planned vs actual, by region"),
    "investment.by_category": ("各类别计划与完成投资", "Planned vs actual, by category"),
    "investment.treemap": ("投资构成与完成率", "Where the plan goes, and how far it is done"),
    "investment.treemap_note": ("面积为计划投资，颜色为投资完成率（红低蓝高）。", "Area: planned investment. Colour: investment completion (red low, blue high)."),
    "investment.none": ("{month}没有填报投资的任务。", "No task reports investment in {month}."),
    "investment.by_unit": ("各单位计划与完成投资", "Planned vs actual, by unit"),
    "investment.unit_hint": ("按计划投资从大到小排列；选中一行，查看该单位。",
                             "Largest plan first; choose a row to open that unit."),
    # Units
    "units.title": ("单位查询", "Units"),
    "units.find": ("查找单位", "Find a unit"),
    "units.placeholder": ("输入单位名称搜索", "Type a unit name"),
    "units.not_reported": ("{unit}在{month}没有报送台账（最近一次：{latest}）。", "{unit} sent no ledger for {month} (latest: {latest})."),
    "units.overdue": ("逾期任务（{count}）", "Overdue tasks ({count})"),
    "units.no_overdue": ("本月没有逾期任务。", "No overdue tasks this month."),
    "units.tasks": ("全部任务（{count}）", "All tasks ({count})"),
    "units.history": ("历月进展", "History"),
    "units.all": ("{month}各单位（{count}）", "All units, {month} ({count})"),
    "units.all_hint": ("点击表头排序，选中一行查看该单位。", "Sort by a column header; choose a row to open the unit."),
    "units.rank_help": ("按{measure}排名（与排名页同一规则）；较上月为名次变化。", "Rank by {measure} (the rankings page's rules); change is against last month's rank."),
    "units.back": ("全部单位", "All units"),
    "units.task_hint": ("选中一项任务，查看其来源。", "Choose a task to see where it came from."),
    "units.source": ("来源：{file}，工作表“{sheet}”第 {row} 行。", "Source: {file}, sheet \"{sheet}\", row {row}."),
    "units.source_gone": ("原始文件已不在服务器上。", "The original file is no longer kept on the server."),
    "units.download_original": ("下载原始文件", "Download the original file"),
    "units.original_locked": ("原始文件仅管理员和本单位的填报员登录后可下载。", "The original file can be downloaded by an administrator or this unit's uploader, signed in."),
    "drill.hint": ("点击柱条查看明细。", "Click a bar to open it."),
    "rankings.click_hint": ("选中一行，查看该{entity}。", "Choose a row to open that {entity}."),
    # Page titles
    "upload.title": ("上传台账", "Upload ledgers"),
    "submissions.title": ("报送情况", "Submissions"),
}


def text(key: str, lang_: str, **values) -> str:
    zh, en = STRINGS[key]
    template = en if lang_ == "en" else zh
    return template.format(**values) if values else template


def _merge(more: dict[str, tuple[str, str]], source: str) -> None:
    """Add a module's strings. A key already defined with other words is an error at
    import (tests import this module), never a silent overwrite; the same words twice are harmless."""
    clashes = sorted(k for k, v in more.items() if k in STRINGS and STRINGS[k] != v)
    if clashes:
        raise ValueError(f"{source} redefines UI strings: {', '.join(clashes)}")
    STRINGS.update(more)


from present.strings_upload import STRINGS as _UPLOAD  # noqa: E402  sign-in, upload, submissions and admin

_merge(_UPLOAD, "present/strings_upload.py")
from present.strings_accounts import STRINGS as _ACCOUNTS  # noqa: E402  AccountError codes (taizhang.accounts)

_merge(_ACCOUNTS, "present/strings_accounts.py")
from present.strings_briefing import STRINGS as _BRIEFING  # noqa: E402

_merge(_BRIEFING, "present/strings_briefing.py")
from present.strings_feedback import STRINGS as _FEEDBACK  # noqa: E402  /feedback, the notice PDF, ratings on /admin

_merge(_FEEDBACK, "present/strings_feedback.py")
from present.strings_satisfaction import STRINGS as _SATISFACTION  # noqa: E402  群众满意率 (overview, units, rankings)

_merge(_SATISFACTION, "present/strings_satisfaction.py")
from present.strings_missing import STRINGS as _MISSING  # noqa: E402  "—" and why (missing is not zero)

_merge(_MISSING, "present/strings_missing.py")
from present.strings_problems import STRINGS as _PROBLEMS  # noqa: E402  problems in a file (loaders.problems)

_merge(_PROBLEMS, "present/strings_problems.py")
from present.strings_cli import STRINGS as _CLI  # noqa: E402  python -m loaders

_merge(_CLI, "present/strings_cli.py")
from present.strings_reports import STRINGS as _REPORTS  # noqa: E402  python -m reports, the bulletin's own words

_merge(_REPORTS, "present/strings_reports.py")
# Each measure's label and help live with the measure (metrics/definitions.py).
from metrics.definitions import MEASURES as _MEASURES  # noqa: E402

_merge({f"m.{m.key}": m.label for m in _MEASURES.values()}
       | {f"help.{m.key}": m.help for m in _MEASURES.values() if m.help}, "metrics/definitions.py")
