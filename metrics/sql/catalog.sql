-- catalog: what the store holds, for the sidebar: every report month with
-- task rows (newest first), every named region and every named category (by
-- name), and how many units reported in each of those months. Kept by the
-- writer in store_catalog, one row (metrics/derived.py), because the sidebar
-- asks on every page view's fresh connection, where aggregating even
-- region_summary's few thousand rows cost 7 ms.
SELECT months, regions, categories, month_units
FROM store_catalog;
