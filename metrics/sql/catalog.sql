-- catalog: what the store holds, for the sidebar, in one scan: every report
-- month with task rows (newest first), every named region and every named
-- category (by name). One query, not three: on a page view's fresh
-- connection each query reads its columns from disk again. From
-- region_summary (metrics/derived.py), a row per (month, region, category)
-- with tasks: the same answer as the task rows, from a few thousand rows.
SELECT list(DISTINCT report_month ORDER BY report_month DESC) AS months,
       list(DISTINCT region ORDER BY region) FILTER (WHERE region IS NOT NULL) AS regions,
       list(DISTINCT category ORDER BY category) FILTER (WHERE category IS NOT NULL) AS categories
FROM region_summary;
