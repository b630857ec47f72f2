-- regions: every named region (county / district) in any month, by name.
SELECT DISTINCT region
FROM tasks
WHERE region IS NOT NULL
ORDER BY region;
