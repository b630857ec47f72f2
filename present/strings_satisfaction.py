"""UI strings of 群众满意率 (issue 13), Chinese and English: the measure from two
sources kept apart, 单位自评 (the ledger's own 群众满意度 column) and 群众评价
(residents' ratings from the notice-board QR code), always with its counts.

Merged into present.catalogue.STRINGS at the end of that module.
"""
STRINGS: dict[str, tuple[str, str]] = {
    # measures (metrics.MEASURES); every label names its source
    # the figure with its counts, or why there is none
    "sat.counts": ("已评价 {rated} 项，不满意 {dissatisfied} 项", "{rated} rated, {dissatisfied} dissatisfied"),
    "sat.resident_counts": ("群众评价 {rated} 条，不满意 {dissatisfied} 条", "{rated} ratings, {dissatisfied} dissatisfied"),
    "sat.none": ("本月台账没有填写群众满意度的任务，不计算满意率。",
                 "No task in this month's ledgers carries a satisfaction entry, so there is no rate."),
    "sat.none_resident": ("本月还没有群众评价，不计算满意率。", "No resident has rated a task this month, so there is no rate."),
    "sat.blank_note": ("“—”表示没有已评价的任务（或群众评价），不是 0%。",
                       "“—” means nothing was rated (no rating from residents), not 0%."),
    "sat.hover": ("{name}（已评价 {rated}，不满意 {dissatisfied}）", "{name} ({rated} rated, {dissatisfied} dissatisfied)"),
    "sat.source.ledger": ("单位自评", "Unit's own"),
    "sat.source.residents": ("群众评价", "Residents"),
    # rankings
    "rankings.reason.too_few_rated": ("已评价不足 {rated} 项", "fewer than {rated} rated"),
    "rankings.reason.none_rated": ("没有已评价的任务", "nothing rated"),
    "rankings.rules.rated": ("已评价任务（群众评价为评价条数）不足 {rated} 项的单位不按满意率排名，列于表下。",
                             "Units with fewer than {rated} rated tasks (ratings, for residents) are not ranked by satisfaction; they are listed below."),
    "rankings.composite_satisfaction": (
        "满意率只在已评价满 {rated} 项时计入综合得分；没有或不足的，综合得分由其余各项按权重比例计算。",
        "A satisfaction rate counts in the composite only with at least {rated} rated; without it the composite is made of the other parts, their weights rescaled."),
    # units
    "units.satisfaction": ("群众满意度", "People's satisfaction"),
    "units.dissatisfied": ("不满意的任务（{count}）", "Tasks rated dissatisfied ({count})"),
    "units.no_dissatisfied": ("本月没有评价为不满意的任务。", "No task was rated dissatisfied this month."),
    "units.comments_note": ("群众留言按原文显示。", "Residents' comments are shown exactly as written."),
    "col.source_kind": ("来源", "Source"),
    "col.comment": ("群众留言", "Comment"),
    "col.rated_at": ("评价时间", "Rated at"),
    "rating.satisfied": ("满意", "Satisfied"),
    "rating.basically_satisfied": ("基本满意", "Basically satisfied"),
    "rating.dissatisfied": ("不满意", "Dissatisfied"),
    # briefing
    "slide.satisfaction": ("群众满意度", "People's satisfaction"),
    "slide.dissatisfied_units": ("有不满意评价的单位", "Units with dissatisfied ratings"),
    "slide.no_dissatisfied": ("本月没有不满意的评价。", "No task was rated dissatisfied this month."),
    "slide.nothing_rated": ("本月尚无满意度评价：台账未填报群众满意度，群众也未评价。",
                            "Nothing was rated this month: no ledger gives 群众满意度 and no resident rated a task."),
}
