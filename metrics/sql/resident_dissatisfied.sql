-- resident_dissatisfied: the 群众评价 (resident ratings) of one unit ($unit in
-- $region; $region NULL matches only a unit whose region is unknown) for
-- $month rated dissatisfied, not hidden, of tasks the ledgers report
-- completed (as tz_resident counts them; in $category when given), with the residents' comments; newest first. Comments
-- are the residents' own words: callers show them as plain text only. Every
-- column of the rating: metrics.resident_dissatisfied drops a comment an admin
-- hid (comment_hidden, a column stores from before it lack).
SELECT r.*
FROM resident_ratings AS r
WHERE NOT r.hidden
  AND r.rating = 'dissatisfied'
  AND r.report_month = $month
  AND r.unit = $unit
  AND r.region IS NOT DISTINCT FROM $region
  AND r.task_key IN (SELECT task_key FROM task_completions)
  AND ($category IS NULL OR EXISTS (
      SELECT 1 FROM tasks AS t
      WHERE t.report_month = r.report_month AND t.unit = r.unit
        AND t.region IS NOT DISTINCT FROM r.region AND t.title = r.title AND t.category = $category))
ORDER BY r.rated_at DESC, r.title;
