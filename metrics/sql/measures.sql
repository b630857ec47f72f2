-- measures: every measure of _macros.sql for the report months
-- [$month_from, $month_to], grouped by $level ('total', 'region', 'unit',
-- 'category', 'region_category'), plus one is_total row per month.
-- $region, $category, $unit: NULL means all. $on_time false skips the on-time
-- check (on_time and on_time_rate NULL), for pages that do not show it.
SELECT *
FROM tz_measures($month_from, $month_to, $region, $category, $unit, $level, $on_time)
ORDER BY report_month, is_total DESC, region NULLS LAST, unit NULLS LAST, category NULLS LAST;
