"""The measures straight from the task rows' flags: the oracle the summed
measures (tz_measures over the derived summaries) are tested against.

Missing is not zero: a unit-month reports an input when any of its rows has
it, and a measure is made of the reporting unit-months only (NULL when none),
as metrics/sql/_macros.sql defines. Filters apply after the unit-month flags,
since a ledger reports deadlines whatever category a row has.
"""

FROM_ROWS = """
WITH facts AS (
    SELECT *,
           bool_or(deadline IS NOT NULL) OVER um AS has_deadlines,
           bool_or(planned_investment IS NOT NULL) OVER um AS has_planned,
           bool_or(actual_investment IS NOT NULL) OVER um AS has_actual,
           bool_or(beneficiaries IS NOT NULL) OVER um AS has_beneficiaries
    FROM tz_task_facts($month_from, $month_to, NULL, NULL, NULL, true)
    WINDOW um AS (PARTITION BY report_month, region, unit)
)
SELECT report_month,
       CASE WHEN $level IN ('region', 'unit', 'region_category') THEN region END AS region,
       CASE WHEN $level = 'unit' THEN unit END AS unit,
       CASE WHEN $level IN ('category', 'region_category') THEN category END AS category,
       count(*) AS tasks, count_if(is_completed) AS completed, count_if(is_started) AS started,
       CASE WHEN bool_or(has_deadlines) THEN count_if(is_overdue) END AS overdue,
       CASE WHEN bool_or(has_deadlines) THEN count_if(is_on_time AND has_deadlines) END AS on_time,
       CASE WHEN bool_or(has_planned) THEN coalesce(sum(planned_investment), 0) END AS planned_investment,
       CASE WHEN bool_or(has_actual) THEN coalesce(sum(actual_investment), 0) END AS actual_investment,
       coalesce(sum(CASE WHEN planned_investment > 0 AND has_actual THEN actual_investment END), 0)
         / sum(CASE WHEN planned_investment > 0 AND has_actual THEN planned_investment END) AS investment_completion,
       CASE WHEN bool_or(has_beneficiaries) THEN coalesce(sum(beneficiaries), 0) END AS beneficiaries,
       count(satisfaction) AS rated,
       count(*) FILTER (WHERE satisfaction = 'satisfied') AS satisfied,
       count(*) FILTER (WHERE satisfaction = 'basically_satisfied') AS basically_satisfied,
       count(*) FILTER (WHERE satisfaction = 'dissatisfied') AS dissatisfied,
       count(*) FILTER (WHERE satisfaction IN ('satisfied', 'basically_satisfied'))
         / nullif(count(satisfaction), 0) AS satisfaction_rate,
       count_if(is_on_time AND has_deadlines)
         / nullif(count_if((is_completed OR is_overdue) AND has_deadlines), 0) AS on_time_rate
FROM facts
WHERE ($region IS NULL OR region = $region) AND ($category IS NULL OR category = $category)
  AND ($unit IS NULL OR unit = $unit)
GROUP BY ALL
"""

# The same columns from tz_measures, summed from the derived summaries.
SUMMED = """
SELECT report_month, region, unit, category, tasks, completed, started, overdue, on_time,
       planned_investment, actual_investment, investment_completion, beneficiaries,
       rated, satisfied, basically_satisfied, dissatisfied, satisfaction_rate, on_time_rate
FROM tz_measures($month_from, $month_to, $region, $category, $unit, $level, true)
WHERE NOT is_total OR $level = 'total'
"""
