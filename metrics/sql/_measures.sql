-- tz_measures: the measures of _macros.sql per group, summed from the
-- summaries of metrics/derived.py. A separate file because DuckDB binds a
-- macro's tables when it is created: on a database from before a summary
-- existed, metrics.queries.prepare creates a temporary view of it (from
-- tz_task_facts) in between.

CREATE OR REPLACE TEMP MACRO tz_measures(month_from, month_to, region_filter, category_filter, unit_filter, level, with_on_time) AS TABLE
-- Sums of the derived summaries: the additive parts of the measures
-- (metrics/derived.py PARTS, the flags of tz_task_facts applied row by row when
-- the writer stored them). Same results as aggregating tz_task_facts here, from
-- far fewer rows. The parts are never listed here: every column of a summary
-- but its keys is a part, summed by COLUMNS(*), so a new part needs no change
-- in this file, only its measure's formula in the last SELECT. The coarsest
-- summary that has the groups and filters asked for is read; the macro's
-- arguments are constants when a query runs, so DuckDB drops the branches not
-- taken before reading anything:
--   region_summary (month x region x category)  no unit asked for
--   unit_summary   (month x region x unit)      level 'unit' without a category
--                  filter: its rows are the groups already, read as they are
--   task_summary   (month x region x unit x category)  the rest (units with
--                  categories, or a unit's total)
WITH parts AS (
    SELECT *, NULL::VARCHAR AS unit
    FROM region_summary
    WHERE unit_filter IS NULL AND level <> 'unit'
    UNION ALL BY NAME
    SELECT * EXCLUDE (upload_id)
    FROM task_summary
    WHERE NOT (unit_filter IS NULL AND level <> 'unit')
      AND NOT (level = 'unit' AND category_filter IS NULL)
),
keyed AS (
    SELECT report_month,
           CASE WHEN level IN ('region', 'unit', 'region_category') THEN region END AS group_region,
           CASE WHEN level = 'unit' THEN unit END AS group_unit,
           CASE WHEN level IN ('category', 'region_category') THEN category END AS group_category,
           COLUMNS(* EXCLUDE (report_month, region, unit, category))
    FROM parts
    WHERE report_month BETWEEN month_from AND month_to
      AND (region_filter IS NULL OR region = region_filter)
      AND (category_filter IS NULL OR category = category_filter)
      AND (unit_filter IS NULL OR unit = unit_filter)
),
grouped AS (
    SELECT report_month, group_region AS region, group_unit AS unit, group_category AS category,
           sum(COLUMNS(* EXCLUDE (report_month, group_region, group_unit, group_category)))
    FROM keyed
    GROUP BY ALL
    UNION ALL BY NAME
    -- unit_summary is at the grain of level 'unit': one row per (month, region, unit)
    SELECT NULL::VARCHAR AS category, * EXCLUDE (upload_ids)
    FROM unit_summary
    WHERE level = 'unit' AND category_filter IS NULL
      AND report_month BETWEEN month_from AND month_to
      AND (region_filter IS NULL OR region = region_filter)
      AND (unit_filter IS NULL OR unit = unit_filter)
),
-- 群众评价 (resident ratings) of the same groups; a group with ratings always
-- has tasks (tz_resident counts ratings of tasks in the ledger)
with_residents AS (
    SELECT g.*,
           coalesce(r.resident_rated, 0) AS resident_rated,
           coalesce(r.resident_satisfied, 0) AS resident_satisfied,
           coalesce(r.resident_basically_satisfied, 0) AS resident_basically_satisfied,
           coalesce(r.resident_dissatisfied, 0) AS resident_dissatisfied
    FROM grouped AS g
    LEFT JOIN tz_resident(month_from, month_to, region_filter, category_filter, unit_filter, level) AS r
      ON r.report_month = g.report_month
     AND r.region IS NOT DISTINCT FROM g.region
     AND r.unit IS NOT DISTINCT FROM g.unit
     AND r.category IS NOT DISTINCT FROM g.category
),
-- Every level also returns one is_total row per month (the whole filtered
-- scope), summed from the groups; at level 'total' only those rows.
combined AS (
    SELECT *, false AS is_total FROM with_residents WHERE level <> 'total'
    UNION ALL BY NAME
    SELECT report_month, true AS is_total, sum(COLUMNS(* EXCLUDE (report_month, region, unit, category)))
    FROM with_residents
    GROUP BY report_month
)
-- The measures from the sums: each measure's formula, once.
SELECT report_month, region, unit, category, is_total,
       tasks::BIGINT AS tasks, completed::BIGINT AS completed, started::BIGINT AS started,
       -- missing is not zero: a figure whose input no ledger of the group gives is NULL
       CASE WHEN deadline_tasks > 0 THEN overdue END::BIGINT AS overdue,
       CASE WHEN with_on_time AND deadline_tasks > 0 THEN on_time END::BIGINT AS on_time,
       completed / tasks AS completion_rate,
       started / tasks AS start_rate,
       CASE WHEN with_on_time THEN on_time / nullif(on_time_base, 0) END AS on_time_rate,
       CASE WHEN planned_tasks > 0 THEN planned_investment END AS planned_investment,
       CASE WHEN actual_tasks > 0 THEN actual_investment END AS actual_investment,
       actual_on_planned / planned_base AS investment_completion,
       CASE WHEN beneficiaries_tasks > 0 THEN beneficiaries END::BIGINT AS beneficiaries,
       rated::BIGINT AS rated, satisfied::BIGINT AS satisfied,
       basically_satisfied::BIGINT AS basically_satisfied, dissatisfied::BIGINT AS dissatisfied,
       (satisfied + basically_satisfied) / nullif(rated, 0) AS satisfaction_rate,
       resident_rated::BIGINT AS resident_rated, resident_satisfied::BIGINT AS resident_satisfied,
       resident_basically_satisfied::BIGINT AS resident_basically_satisfied,
       resident_dissatisfied::BIGINT AS resident_dissatisfied,
       (resident_satisfied + resident_basically_satisfied) / nullif(resident_rated, 0) AS resident_satisfaction_rate,
       deadline_tasks::BIGINT AS deadline_tasks, planned_tasks::BIGINT AS planned_tasks,
       actual_tasks::BIGINT AS actual_tasks, beneficiaries_tasks::BIGINT AS beneficiaries_tasks
FROM combined;


-- tz_partial: the partial unit-months between month_from and month_to. A
-- unit-month is partial when the upload that holds its rows now (state
-- 'active') left rows out (rows_rejected > 0: --keep-going, or the upload
-- page's tick). Derived, never stored: a later complete upload for the same
-- unit-month takes the rows over, so the flag goes by itself, and a rollback
-- brings it back with the rows. An upload's rejected rows are not attributed
-- to units, so every unit it still holds rows of counts the upload's total.
-- The uploads holding each unit-month are kept in unit_summary (upload_ids),
-- so this reads no task rows.
CREATE OR REPLACE TEMP MACRO tz_partial(month_from, month_to) AS TABLE
SELECT t.report_month, t.region, t.unit, max(up.rows_rejected)::BIGINT AS rows_not_loaded
FROM (SELECT report_month, region, unit, unnest(upload_ids) AS upload_id
      FROM unit_summary
      WHERE report_month BETWEEN month_from AND month_to) AS t
JOIN uploads AS up ON up.upload_id = t.upload_id
WHERE up.state = 'active' AND up.rows_rejected > 0
GROUP BY ALL;
