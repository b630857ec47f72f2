-- unit_investment: each unit's planned and completed investment in $month
-- (万元) and its investment completion, for the per-unit table of
-- /investment: largest plan first, units without 计划投资 last, then by
-- region and unit. Only the columns that table shows and its "—" footnote
-- needs (tasks and the tasks of ledgers that give each input): at 30,000 units
-- the full measures row of every unit cost twice as much to read and cache.
SELECT region, unit, tasks, planned_investment, actual_investment, investment_completion,
       planned_tasks, actual_tasks
FROM tz_measures($month, $month, $region, $category, NULL, 'unit', false)
WHERE NOT is_total
ORDER BY planned_investment DESC NULLS LAST, region NULLS LAST, unit;
