-- unit_tasks: every task of one unit ($unit in $region; $region NULL matches
-- only a unit whose region is unknown) in $month, with its flags; overdue
-- first, then by deadline.
SELECT title, category, status, deadline, is_overdue, is_on_time,
       planned_investment, actual_investment, beneficiaries,
       source_sheet, source_row, upload_id, satisfaction
FROM tz_task_facts($month, $month, $region, $category, $unit, true)
WHERE region IS NOT DISTINCT FROM $region
ORDER BY is_overdue DESC, deadline NULLS LAST, source_sheet, source_row;
