"""Why a figure is missing ("—"), Chinese and English: a measure whose input no
ledger of the scope gives is shown as "—" with one of these reasons, never as 0
(metrics.missing_reason gives the code, metrics.coverage the share of tasks a
figure stands for). Pages, Excel, the 通报 (PDF, Word) and the slides all say
it with these words.

Merged into present.catalogue.STRINGS at the end of that module.
"""
STRINGS: dict[str, tuple[str, str]] = {
    "missing.no_tasks": ("本月无台账", "no ledger this month"),
    "missing.no_deadlines": ("台账未填报完成时限", "the ledgers give no deadlines"),
    "missing.none_due": ("本月没有已完成或到期的任务", "nothing completed or due this month"),
    "missing.no_planned": ("台账未填报计划投资", "the ledgers give no planned investment"),
    "missing.no_actual": ("台账未填报完成投资", "the ledgers give no actual investment"),
    "missing.no_planned_base": ("没有填报计划投资的任务", "no task with planned investment"),
    "missing.no_beneficiaries": ("台账未填报服务群众人次", "the ledgers give no people served"),
    "missing.no_rated": ("没有已评价的任务", "nothing rated"),
    "missing.no_resident_rated": ("暂无群众评价", "no resident ratings"),
    "missing.no_parts": ("没有可计算的分项", "none of its parts can be computed"),
    # a tile's tooltip and the note under a row of tiles
    "missing.tile": ("“—”：{reason}，无法计算，不是 0。", "“—”: {reason}; it cannot be computed, and is not 0."),
    "missing.coverage": ("只计填报了该项的台账：{covered}/{tasks} 项任务。",
                         "From the ledgers that give it only: {covered} of {tasks} tasks."),
    "missing.row_note": ("“—”表示无法计算，不是 0：{notes}。", "“—” means it cannot be computed, not 0: {notes}."),
    "missing.row_item": ("{measure}（{reason}）", "{measure} ({reason})"),
    "missing.coverage_item": ("{measure}只计 {covered}/{tasks} 项任务", "{measure} from {covered} of {tasks} tasks"),
    "missing.partial_note": ("部分台账未填报，以下只计填报了的台账：{notes}。",
                             "Some ledgers do not give these; only those that do count: {notes}."),
    # under a table or chart: how many rows show "—" and why
    "missing.table_note": ("“—”表示无法计算，不是 0：{notes}。", "“—” means it cannot be computed, not 0: {notes}."),
    "missing.table_item": ("{measure}有 {count} 个{entity}{reason}", "{measure}: {count} {entity} ({reason})"),
    "missing.entity.unit": ("单位", "units"),
    "missing.entity.region": ("县区", "regions"),
    "missing.entity.month": ("月份", "months"),
    "missing.entity.category": ("类别", "categories"),
    # English says one of them in the singular
    "missing.entity.unit.one": ("单位", "unit"),
    "missing.entity.region.one": ("县区", "region"),
    "missing.entity.month.one": ("月份", "month"),
    "missing.entity.category.one": ("类别", "category"),
    "missing.chart_note": ("图中未显示：{names}（{reason}）。", "Not shown: {names} ({reason})."),
    "missing.chart_note_measure": ("图中未显示{measure}：{names}（{reason}）。", "{measure} not shown: {names} ({reason})."),
    "missing.composite": ("综合得分只计各{entity}已有的指标：{count} 个{entity}缺少部分指标，其权重按比例分给其余指标。",
                          "The composite uses only the rates each has: {count} {entity} lack some, whose weights go to the others in proportion."),
    "missing.composite.one": ("综合得分只计各{entity}已有的指标：{count} 个{entity}缺少部分指标，其权重按比例分给其余指标。",
                              "The composite uses only the rates each has: {count} {entity} lacks some, whose weights go to the others in proportion."),
    "missing.sep": ("；", "; "),
}
