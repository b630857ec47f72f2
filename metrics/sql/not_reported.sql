-- not_reported: the units expected to report $month that have no task rows in
-- it, with their latest month with rows (NULL: never reported).
-- Expected is the rule of submissions.sql: units marked active whose `since`
-- is NULL (from a units sheet: every month) or not after the month (learned
-- from their first upload). A unit's region is the units list's, else the
-- region of its latest rows; $region (NULL: every region) filters on it.
-- Nothing is listed for a month without any rows at all: there is no league
-- table to list them with.
-- From unit_summary (a row per unit-month with rows, in month order): the
-- month's units first, then the earlier months of only the units missing.
WITH missing AS (
    SELECT unit, region
    FROM units
    WHERE active AND (since IS NULL OR since <= $month)
      AND unit NOT IN (SELECT unit FROM unit_summary WHERE report_month = $month)
      AND EXISTS (SELECT 1 FROM unit_summary WHERE report_month = $month)
),
latest AS (
    SELECT unit, arg_max(region, report_month) AS region, max(report_month) AS latest_month
    FROM unit_summary
    WHERE report_month < $month AND unit IN (SELECT unit FROM missing)
    GROUP BY unit
)
SELECT coalesce(un.region, l.region) AS region, un.unit, l.latest_month
FROM missing AS un
LEFT JOIN latest AS l USING (unit)
WHERE ($region IS NULL OR coalesce(un.region, l.region) = $region)
ORDER BY l.latest_month DESC NULLS LAST, region NULLS LAST, un.unit;
