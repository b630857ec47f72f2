-- months: every report month that has task rows, newest first.
SELECT DISTINCT report_month
FROM tasks
ORDER BY report_month DESC;
