-- overdue: every task past its deadline and not completed at the end of
-- $month (is_overdue of _macros.sql), across units; $region, $category: NULL
-- means all. days_overdue counts from the deadline to the month's last day.
-- Longest overdue first, then by region, unit and title.
SELECT region, unit, title, category, status, deadline,
       date_diff('day', deadline, last_day(report_month)) AS days_overdue,
       planned_investment, actual_investment,
       source_sheet, source_row, upload_id
FROM tz_task_facts($month, $month, $region, $category, NULL, false)
WHERE is_overdue
ORDER BY days_overdue DESC, region NULLS LAST, unit, title, source_row;
