-- Submission status of each expected unit for one report month ($month).
-- Expected: units marked active whose `since` is NULL (from a units sheet:
-- every month) or not after the month (learned from their first upload).
-- A unit's submission is its earliest upload for the month that was not
-- rolled back (a later correction does not make an on-time unit late).
--   on_time  submitted by $deadline (the deadline day's end)
--   late     submitted after it
--   missing  nothing submitted
WITH submitted AS (
    SELECT u.unit, min(up.submitted_at) AS first_submitted, count(*) AS uploads
    FROM uploads AS up, unnest(up.units) AS u(unit)
    WHERE up.report_month = $month AND up.state <> 'rolled_back'
    GROUP BY u.unit
)
SELECT un.unit,
       un.region,
       s.first_submitted,
       coalesce(s.uploads, 0) AS uploads,
       CASE WHEN s.first_submitted IS NULL THEN 'missing'
            WHEN s.first_submitted <= $deadline THEN 'on_time'
            ELSE 'late' END AS status
FROM units AS un
LEFT JOIN submitted AS s USING (unit)
WHERE un.active AND (un.since IS NULL OR un.since <= $month)
ORDER BY CASE status WHEN 'missing' THEN 0 WHEN 'late' THEN 1 ELSE 2 END, un.region NULLS LAST, un.unit
