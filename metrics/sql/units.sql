-- units: every (region, unit) that ever reported, with its latest report
-- month; for the unit finder. unit_catalog (metrics/derived.py) holds exactly
-- this, one row per unit: no month of the summaries is read.
SELECT region, unit, latest_month
FROM unit_catalog
ORDER BY region NULLS LAST, unit;
