-- units: every (region, unit) that ever reported, with its latest report
-- month; for the unit finder.
SELECT region, unit, max(report_month) AS latest_month
FROM tasks
GROUP BY region, unit
ORDER BY region NULLS LAST, unit;
