-- units: every (region, unit) that ever reported, with its latest report
-- month; for the unit finder. From task_summary, which has a row for every
-- (month, region, unit, category) with tasks: the same answer from fewer rows.
SELECT region, unit, max(report_month) AS latest_month
FROM task_summary
GROUP BY region, unit
ORDER BY region NULLS LAST, unit;
