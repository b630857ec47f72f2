"""What each measure is, defined once: its key, kind (how it is formatted), which
way is better, the input a ledger may lack, and its label and help in Chinese and
English; and the additive parts the measures are summed from.

Pages, Excel, the 通报 and the slides read the words from here through the
catalogue (present/catalogue.py merges them as m.<key> and help.<key>); the
summary tables and their sums are made from PARTS (metrics/derived.py); each
measure's formula over its summed parts is in sql/_measures.sql. README
"Adding a measure" says what a new one touches. No Streamlit, no SQL run here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "rate", "money", "people"]


@dataclass(frozen=True)
class Measure:
    key: str
    kind: Kind
    higher_is_better: bool | None  # None: neither (a volume, not a performance)
    # The input a ledger may lack (INPUTS): without it the measure is missing
    # ("—" and why), never 0. None: every ledger has what it needs.
    needs: str | None = None
    label: tuple[str, str] = ("", "")        # (Chinese, English)
    help: tuple[str, str] | None = None      # (Chinese, English); None: explained with another measure


# Inputs a ledger may lack -> the column of tz_measures counting the tasks in
# ledgers that give it (sql/_macros.sql: a unit-month gives an input when any
# of its rows has it).
INPUTS = {"deadlines": "deadline_tasks", "planned": "planned_tasks", "actual": "actual_tasks",
          "beneficiaries": "beneficiaries_tasks", "rated": "rated", "resident_rated": "resident_rated"}

MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("tasks", "count", None, None,
            label=("任务数", "Tasks"),
            help=("本月台账中的任务条数。",
                  "Task rows in the month's ledgers.")),
    Measure("completed", "count", True, None,
            label=("已完成", "Completed"),
            help=("进展情况为“已完成”的任务。",
                  "Tasks whose progress is completed.")),
    Measure("completion_rate", "rate", True, None,
            label=("完成率", "Completion rate"),
            help=("已完成 ÷ 全部任务。",
                  "Completed ÷ all tasks.")),
    Measure("start_rate", "rate", True, None,
            label=("开工率", "Start rate"),
            help=("已开工（推进中或已完成）÷ 全部任务。",
                  "Started (in progress or completed) ÷ all tasks.")),
    Measure("on_time_rate", "rate", True, "deadlines",
            label=("按期完成率", "On-time rate"),
            help=("按期完成 ÷（已完成 + 逾期）。台账按月报送，完成日期只知道到月：任务首次报为已完成的月份的第一天不晚于完成时限即算按期；没有时限（长期）的已完成任务算按期。只计填报了完成时限的台账；都未填报时显示“—”。",
                  "Completed on time ÷ (completed + overdue). Ledgers are monthly, so completion is known to the month: a task is on time if the first month it was reported completed starts on or before its deadline; completed tasks without a deadline count as on time. Only ledgers that give deadlines count; with none it shows \"—\".")),
    Measure("overdue", "count", False, "deadlines",
            label=("逾期", "Overdue"),
            help=("完成时限早于报告月最后一天且尚未完成的任务。",
                  "Tasks not completed whose deadline is before the last day of the report month.")),
    Measure("planned_investment", "money", None, "planned",
            label=("计划投资", "Planned investment"),
            help=("计划投资合计（万元，1亿元 = 10,000万元）。",
                  "Sum of planned investment (1 m = 100万元).")),
    Measure("actual_investment", "money", True, "actual",
            label=("完成投资", "Actual investment"),
            help=("完成投资合计。",
                  "Sum of actual investment.")),
    Measure("investment_completion", "rate", True, "actual",
            label=("投资完成率", "Investment completion"),
            help=("完成投资 ÷ 计划投资，只计有计划投资的任务，且只计填报了完成投资的台账；都未填报时显示“—”，不是 0%。",
                  "Actual ÷ planned investment, over tasks with planned investment in ledgers that give actual investment; with none it shows \"—\", not 0%.")),
    Measure("beneficiaries", "people", True, "beneficiaries",
            label=("服务群众", "People served"),
            help=("服务群众人次合计。",
                  "Sum of person-visits served.")),
    # 群众满意率 from two sources kept apart: the ledger's own 群众满意度 column
    # (单位自评) and residents' ratings from the notice-board QR code (群众评价).
    # The rate is (满意 + 基本满意) / rated, NULL when nothing is rated; the
    # counts go beside it wherever it is shown.
    Measure("satisfaction_rate", "rate", True, "rated",
            label=("群众满意率（单位自评）", "Satisfaction rate (unit's own)"),
            help=("单位自评：台账“群众满意度”一栏。（满意 + 基本满意）÷ 已评价任务；五级评价中非常满意、满意计为满意，比较满意、一般计为基本满意，不太满意、不满意计为不满意；分数按台账的折算。未填写的任务不计入；没有已评价任务时不计算（显示“—”，不是 0%）。",
                  "Unit's own: the ledger's 群众满意度 column. (Satisfied + basically satisfied) ÷ rated tasks; blank tasks are left out, and with no rated task there is no rate (shown as “—”, not 0%).")),
    Measure("rated", "count", None, None,
            label=("已评价任务（单位自评）", "Rated tasks (unit's own)"),
            help=("单位自评：台账“群众满意度”一栏已填写的任务数。",
                  "Unit's own: tasks whose ledger satisfaction column is filled in.")),
    Measure("dissatisfied", "count", False, None,
            label=("不满意（单位自评）", "Dissatisfied (unit's own)"),
            help=("单位自评：台账中群众满意度为“不满意”的任务数。",
                  "Unit's own: tasks the ledger marks dissatisfied.")),
    Measure("resident_satisfaction_rate", "rate", True, "resident_rated",
            label=("群众满意率（群众评价）", "Satisfaction rate (residents)"),
            help=("群众评价：群众扫描公示栏二维码对本月已完成任务的评价。（满意 + 基本满意）÷ 评价条数；每位群众对每项任务只计一条，被管理员隐藏的不计。没有评价时不计算（显示“—”，不是 0%）。",
                  "Residents: ratings residents give this month's completed tasks from the notice-board QR code. (Satisfied + basically satisfied) ÷ ratings; one per resident per task, hidden ones left out. With no rating there is no rate (shown as “—”, not 0%).")),
    Measure("resident_rated", "count", None, None,
            label=("群众评价条数", "Resident ratings"),
            help=("群众评价：本月收到的群众评价条数（不含被隐藏的）。",
                  "Residents: ratings received for the month (hidden ones left out).")),
    Measure("resident_dissatisfied", "count", False, None,
            label=("不满意（群众评价）", "Dissatisfied (residents)"),
            help=("群众评价：评价为“不满意”的条数。",
                  "Residents: ratings of dissatisfied.")),
)}
KPI_ORDER = tuple(MEASURES)
# Measures a league table can be ordered by; composite is the weighted score.
RANKABLE = ("completion_rate", "on_time_rate", "investment_completion", "composite", "start_rate",
            "satisfaction_rate", "resident_satisfaction_rate")
# The satisfaction rates with their counts: rate -> (rated, satisfied, basically_satisfied, dissatisfied).
SATISFACTION = {
    "satisfaction_rate": ("rated", "satisfied", "basically_satisfied", "dissatisfied"),
    "resident_satisfaction_rate": ("resident_rated", "resident_satisfied", "resident_basically_satisfied",
                                   "resident_dissatisfied"),
}


# The additive parts of every measure, defined once: (column, aggregate over the
# rows of tz_task_facts with the unit-month flags below, type). Every summary
# grain holds them, tz_measures (sql/_measures.sql) sums them and makes the
# measures from the sums. A new measure adds its parts here and its formula there.
#
# Missing is not zero: a unit-month (one ledger) gives an input (deadlines,
# planned or actual investment, people served) when any of its rows has it; a
# measure is made only of the unit-months that give its inputs, and the *_tasks
# parts count the tasks in them, so a group none of whose ledgers gives, say,
# 完成投资 shows no investment completion at all rather than 0%
# (sql/_macros.sql). Within a ledger that gives it, a blank cell is 0.
PARTS: tuple[tuple[str, str, str], ...] = (
    ("tasks", "count(*)", "BIGINT"),
    ("completed", "count_if(is_completed)", "BIGINT"),
    ("started", "count_if(is_started)", "BIGINT"),
    ("overdue", "count_if(is_overdue)", "BIGINT"),
    ("on_time", "count_if(is_on_time AND has_deadlines)", "BIGINT"),
    ("on_time_base", "count_if((is_completed OR is_overdue) AND has_deadlines)", "BIGINT"),
    ("planned_investment", "coalesce(sum(planned_investment), 0)", "DOUBLE"),
    ("actual_investment", "coalesce(sum(actual_investment), 0)", "DOUBLE"),
    # NULL: no task with planned investment in a ledger that gives 完成投资
    ("planned_base", "sum(CASE WHEN planned_investment > 0 AND has_actual THEN planned_investment END)", "DOUBLE"),
    ("actual_on_planned",
     "coalesce(sum(CASE WHEN planned_investment > 0 AND has_actual THEN actual_investment END), 0)", "DOUBLE"),
    ("beneficiaries", "coalesce(sum(beneficiaries), 0)", "BIGINT"),
    # the ledger's 群众满意度 (单位自评): tasks rated, and per level
    ("rated", "count(satisfaction)", "BIGINT"),
    ("satisfied", "count(*) FILTER (WHERE satisfaction = 'satisfied')", "BIGINT"),
    ("basically_satisfied", "count(*) FILTER (WHERE satisfaction = 'basically_satisfied')", "BIGINT"),
    ("dissatisfied", "count(*) FILTER (WHERE satisfaction = 'dissatisfied')", "BIGINT"),
    # tasks in unit-months whose ledger gives the input
    ("deadline_tasks", "count_if(has_deadlines)", "BIGINT"),
    ("planned_tasks", "count_if(has_planned)", "BIGINT"),
    ("actual_tasks", "count_if(has_actual)", "BIGINT"),
    ("beneficiaries_tasks", "count_if(has_beneficiaries)", "BIGINT"),
)
NULLABLE_PARTS = ("planned_base",)
