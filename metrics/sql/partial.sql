-- partial: the units whose $month is partial (tz_partial: their upload left
-- rows out), in $region (NULL: every region), most rows left out first.
SELECT region, unit, rows_not_loaded
FROM tz_partial($month, $month)
WHERE $region IS NULL OR region = $region
ORDER BY rows_not_loaded DESC, region NULLS LAST, unit;
