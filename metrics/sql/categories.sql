-- categories: every named task category in any month, by name.
SELECT DISTINCT category
FROM tasks
WHERE category IS NOT NULL
ORDER BY category;
