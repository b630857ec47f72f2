-- The measures of Taizhang, defined once. Every named query in this folder
-- reads them through two table macros: tz_task_facts below (the flags of each
-- task row) and tz_measures in _measures.sql (the measures per group, summed
-- from task_summary, which the writers fill from tz_task_facts; see
-- metrics/derived.py). Both are created as TEMP macros on each (read-only)
-- connection before a query runs.
--
-- Parameters of both macros
--   month_from, month_to  DATE   first days of the first and last report month
--   region_filter         VARCHAR  NULL = every region
--   category_filter       VARCHAR  NULL = every category
--   unit_filter           VARCHAR  NULL = every unit
--   with_on_time          BOOLEAN  false: on_time and on_time_rate are NULL
--                                  (tz_task_facts then skips its join, most of
--                                  its cost)
--
-- A task is identified across monthly snapshots by (region, unit, title).
--
-- Flags of one task row in report month M (month end E = last_day(M)):
--   is_completed  status = 'completed'
--   is_started    status IN ('in_progress', 'completed')
--   is_overdue    deadline < E AND status <> 'completed'
--                 (past its deadline at the end of the report month; a task
--                 due on the last day of M is not yet overdue in M)
--   is_on_time    completed, and deadline IS NULL, or the task was first seen
--                 completed in a month whose first day is <= deadline.
--                 Ledgers are monthly snapshots, so the completion date is only
--                 known to the month; a task completed in the month of its
--                 deadline gets the benefit of the doubt. Equivalently: a
--                 completed row is late only when its deadline is before its
--                 report month and no completed snapshot of the same task
--                 exists in a month starting on or before that deadline.
--
-- Missing is not zero. A unit-month (one unit's ledger for one month)
-- reports an input when any of its rows has it: deadlines, planned
-- investment, actual investment (完成投资), people served. A measure is made
-- only of the unit-months that report its inputs; one that no unit-month of a
-- group reports is NULL ("—" with the reason on every page and report), never
-- 0 or 100%. Within a reporting ledger a blank cell counts as 0 (or, for a
-- deadline, as a task without one). The counts of tasks in reporting
-- unit-months go beside the measures so that pages can say why and how much:
--   deadline_tasks, planned_tasks, actual_tasks, beneficiaries_tasks
--
-- Measures of a group of rows (tz_measures):
--   tasks, completed, started     counts of the flags
--   overdue, on_time              counts of the flags; NULL without deadlines
--   completion_rate        completed / tasks
--   start_rate             started / tasks                       (开工率)
--   on_time_rate           on_time / (completed + overdue)       (按期完成率)
--                          over unit-months with deadlines; NULL when none
--                          has deadlines, or nothing is completed or due
--   planned_investment     sum of planned_investment, 万元; NULL when no
--                          ledger of the group gives it
--   actual_investment      sum of actual_investment, 万元; NULL likewise
--   investment_completion  sum(actual) / sum(planned), both over tasks with
--                          planned_investment > 0 in unit-months that give
--                          完成投资; NULL when there are none
--   beneficiaries          sum of people served; NULL when no ledger gives it
--   rated, satisfied, basically_satisfied, dissatisfied
--                          单位自评: tasks whose ledger 群众满意度 column
--                          (tasks.satisfaction) is filled, and per level
--   satisfaction_rate      (satisfied + basically_satisfied) / rated (群众满意率);
--                          NULL when nothing is rated: missing is not 0%
--   resident_rated, resident_satisfied, resident_basically_satisfied,
--   resident_dissatisfied, resident_satisfaction_rate
--                          群众评价: the same from resident_ratings (residents
--                          rating finished tasks from the notice-board QR
--                          code), counting ratings that are not hidden, of the
--                          report month they were given for, of tasks the
--                          ledgers report completed (tz_resident below)
--
-- Grouping levels of tz_measures (always also by report_month; every level
-- also returns one is_total row per month for the whole filtered scope):
--   'total'            one row per month
--   'region'           per region
--   'unit'             per (region, unit): the same unit name in two regions
--                      is two units (township names repeat across counties)
--   'category'         per category
--   'region_category'  per (region, category)

CREATE OR REPLACE TEMP MACRO tz_task_facts(month_from, month_to, region_filter, category_filter, unit_filter, with_on_time) AS TABLE
WITH scope AS NOT MATERIALIZED (
    SELECT report_month, region, unit, title, category, status, deadline,
           planned_investment, actual_investment, beneficiaries,
           upload_id, source_sheet, source_row, satisfaction,
           status = 'completed' AS is_completed,
           status IN ('in_progress', 'completed') AS is_started,
           coalesce(status <> 'completed' AND deadline < last_day(report_month), false) AS is_overdue,
           -- completed although the deadline lay before the report month:
           -- whether it was on time depends on when it was first completed
           coalesce(status = 'completed' AND deadline < report_month, false) AS is_late_candidate
    FROM tasks
    WHERE report_month BETWEEN month_from AND month_to
      AND (region_filter IS NULL OR region = region_filter)
      AND (category_filter IS NULL OR category = category_filter)
      AND (unit_filter IS NULL OR unit = unit_filter)
),
first_completed AS (
    -- the first report month in which each task was seen completed, kept by
    -- the writer in task_completions (metrics/derived.py). Tasks are keyed by
    -- a 64-bit hash of (region, unit, title) (a collision needs ~4e9 tasks to
    -- be likely). Months after month_to cannot change the verdict: a late
    -- candidate's deadline lies before its report month, so a completion by
    -- the deadline is one before month_to. Category is not filtered: a task's
    -- category may change.
    SELECT task_key, first_completed
    FROM task_completions
    WHERE with_on_time
      AND (region_filter IS NULL OR region = region_filter)
      AND (unit_filter IS NULL OR unit = unit_filter)
)
-- One scan of task_rows: only late candidates get a key (hashing three strings
-- is the join's cost), every other row joins on NULL, which matches nothing.
SELECT s.* EXCLUDE (is_late_candidate),
       CASE WHEN NOT with_on_time THEN NULL
            WHEN s.is_late_candidate THEN coalesce(f.first_completed <= s.deadline, false)
            ELSE s.is_completed AND (s.deadline IS NULL OR s.deadline >= s.report_month)
       END AS is_on_time
FROM scope AS s
LEFT JOIN first_completed AS f
  ON f.task_key = CASE WHEN s.is_late_candidate THEN hash(s.region, s.unit, s.title) END;

-- tz_resident: resident ratings (群众评价) counted per group of `level`, as
-- tz_measures groups task_summary. A rating counts when it is not hidden, its
-- report_month (the month whose completed tasks the resident was shown) is in
-- range and its task is one the ledgers report completed (task_completions:
-- residents rate finished tasks; a small table, no scan of task_rows). One
-- rating per client per task is kept by the writer (taizhang/ratings.py).
-- Its category is its task's in that month's ledger, read only when a
-- category is asked for (the filter, or the category levels); a rating whose
-- task has left that month's ledger then has none.
CREATE OR REPLACE TEMP MACRO tz_resident(month_from, month_to, region_filter, category_filter, unit_filter, level) AS TABLE
WITH ratings AS (
    SELECT report_month, region, unit, title, rating
    FROM resident_ratings
    WHERE NOT hidden
      AND report_month BETWEEN month_from AND month_to
      AND (region_filter IS NULL OR region = region_filter)
      AND (unit_filter IS NULL OR unit = unit_filter)
      AND task_key IN (SELECT task_key FROM task_completions)
),
ledger AS (
    SELECT report_month, region, unit, title, any_value(category) AS category
    FROM tasks
    WHERE (category_filter IS NOT NULL OR level IN ('category', 'region_category'))
      AND report_month BETWEEN month_from AND month_to
      AND unit IN (SELECT unit FROM ratings)
    GROUP BY ALL
)
SELECT r.report_month,
       CASE WHEN level IN ('region', 'unit', 'region_category') THEN r.region END AS region,
       CASE WHEN level = 'unit' THEN r.unit END AS unit,
       CASE WHEN level IN ('category', 'region_category') THEN l.category END AS category,
       count(*)::BIGINT AS resident_rated,
       count(*) FILTER (WHERE r.rating = 'satisfied')::BIGINT AS resident_satisfied,
       count(*) FILTER (WHERE r.rating = 'basically_satisfied')::BIGINT AS resident_basically_satisfied,
       count(*) FILTER (WHERE r.rating = 'dissatisfied')::BIGINT AS resident_dissatisfied
FROM ratings AS r
LEFT JOIN ledger AS l
  ON l.report_month = r.report_month AND l.region IS NOT DISTINCT FROM r.region
 AND l.unit = r.unit AND l.title = r.title
WHERE category_filter IS NULL OR l.category = category_filter
GROUP BY ALL;
