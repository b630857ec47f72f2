-- units: every (region, unit) that ever reported, with the months it reported
-- and its latest report month; for the unit finder.
SELECT region, unit,
       count(DISTINCT report_month) AS months_reported,
       max(report_month) AS latest_month
FROM tasks
GROUP BY region, unit
ORDER BY region NULLS LAST, unit;
