-- ranking: the league table of units ($level = 'unit') or regions
-- ($level = 'region') for $month by $measure, with each entity's rank in
-- $previous_month under the same rules.
--
-- value      the ranked measure: completion_rate, start_rate, on_time_rate,
--            investment_completion, satisfaction_rate (单位自评, the ledger's
--            群众满意度), resident_satisfaction_rate (群众评价) or composite
-- satisfaction parts  a satisfaction rate counts (ranked by, or in the
--            composite) only with at least $min_rated rated tasks (ratings);
--            with fewer it is NULL here, so the entity is listed apart for it
--            and its composite is made of the parts it has
-- composite  weighted mean of the rates an entity has (weights $w_*, from
--            config/taizhang.toml); a rate that is NULL for the entity (e.g. no
--            planned investment) drops out and the other weights are rescaled;
--            investment completion counts at most 100% so overspending cannot
--            outweigh unfinished tasks
-- score      value rounded to what the page shows (0.1 percentage point, or
--            0.1 point of a 100-point composite). Ranks are computed on the
--            score, so two entities showing the same figure share a rank.
-- rows_not_loaded  for units: rows the unit's upload left out this month
--            (tz_partial); NULL when its month is complete
-- is_ranked  tasks >= $min_tasks, the value exists, the unit's month is not
--            partial and (for regions) the region is known. Others are listed
--            apart, never ranked: a unit whose unfinished rows were left out
--            could otherwise rank on the rows that remain.
-- rank       standard competition ranking: ties share a rank and the next
--            rank skips (1, 2, 2, 4), best first
-- rank_from_bottom  the same counted from the worst (for the black list)
-- previous_rank     rank in $previous_month; NULL when not ranked then
-- previous_ranked_count  how many were ranked in $previous_month (0: no
--                   comparison, so no rank change is shown)
-- change     the move since $previous_month: ▲n up, ▼n down, = unchanged,
--            新 new to the table; '' when not ranked now or nothing was ranked
--            then. Never "—": every table says "—" means a figure that cannot
--            be computed. (Made here, not per row in Python: 40 ms at 30,000 units.)
WITH sampled AS (
    SELECT *,
           CASE WHEN rated >= $min_rated THEN satisfaction_rate END AS satisfaction_counted,
           CASE WHEN resident_rated >= $min_rated THEN resident_satisfaction_rate END AS resident_counted
    FROM tz_measures($previous_month, $month, $region, $category, NULL, $level, true)
    WHERE NOT is_total
),
measured AS (
    SELECT *,
           (coalesce($w_completion_rate * completion_rate, 0)
            + coalesce($w_start_rate * start_rate, 0)
            + coalesce($w_on_time_rate * on_time_rate, 0)
            + coalesce($w_investment_completion * CASE WHEN investment_completion > 1 THEN 1 ELSE investment_completion END, 0)
            + coalesce($w_satisfaction_rate * satisfaction_counted, 0)
            + coalesce($w_resident_satisfaction_rate * resident_counted, 0))
           / nullif(CASE WHEN completion_rate IS NULL THEN 0 ELSE $w_completion_rate END
                    + CASE WHEN start_rate IS NULL THEN 0 ELSE $w_start_rate END
                    + CASE WHEN on_time_rate IS NULL THEN 0 ELSE $w_on_time_rate END
                    + CASE WHEN investment_completion IS NULL THEN 0 ELSE $w_investment_completion END
                    + CASE WHEN satisfaction_counted IS NULL THEN 0 ELSE $w_satisfaction_rate END
                    + CASE WHEN resident_counted IS NULL THEN 0 ELSE $w_resident_satisfaction_rate END, 0)
           AS composite
    FROM sampled
),
valued AS (
    SELECT *,
           CASE $measure
               WHEN 'completion_rate' THEN completion_rate
               WHEN 'start_rate' THEN start_rate
               WHEN 'on_time_rate' THEN on_time_rate
               WHEN 'investment_completion' THEN investment_completion
               WHEN 'satisfaction_rate' THEN satisfaction_counted
               WHEN 'resident_satisfaction_rate' THEN resident_counted
               WHEN 'composite' THEN composite
           END AS value
    FROM measured
),
partial AS (
    SELECT * FROM tz_partial($previous_month, $month) WHERE $level = 'unit'
),
flagged AS (
    SELECT v.*,
           p.rows_not_loaded,
           round(v.value, 3) AS score,
           v.tasks >= $min_tasks AND v.value IS NOT NULL AND p.rows_not_loaded IS NULL
               AND (v.region IS NOT NULL OR $level = 'unit') AS is_ranked
    FROM valued AS v
    LEFT JOIN partial AS p
      ON p.report_month = v.report_month
     AND p.region IS NOT DISTINCT FROM v.region
     AND p.unit = v.unit
),
-- Ranks by counting, not by a window over every entity: per month, how many
-- ranked entities have each score (a few hundred distinct scores at most,
-- scores being rounded), then the entities with a better (worse) score summed
-- over that small table. Standard competition ranking, the same as rank()
-- OVER (ORDER BY score DESC / ASC), which over 60,000 units took most of this
-- query's time.
scores AS (
    SELECT report_month, score, count(*) AS entities
    FROM flagged
    WHERE is_ranked
    GROUP BY report_month, score
),
ranks AS (
    SELECT report_month, score,
           1 + coalesce(sum(entities) OVER (PARTITION BY report_month ORDER BY score DESC
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS rank,
           1 + coalesce(sum(entities) OVER (PARTITION BY report_month ORDER BY score ASC
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS rank_from_bottom
    FROM scores
),
previous AS (
    SELECT f.region, f.unit, r.rank
    FROM flagged AS f
    JOIN ranks AS r ON r.report_month = f.report_month AND r.score = f.score
    WHERE f.report_month = $previous_month AND f.is_ranked
),
previous_count AS (
    SELECT count(*)::BIGINT AS ranked FROM previous
)
SELECT cur.region, cur.unit, cur.value, cur.score, cur.is_ranked,
       CASE WHEN cur.is_ranked THEN r.rank::BIGINT END AS rank,
       CASE WHEN cur.is_ranked THEN r.rank_from_bottom::BIGINT END AS rank_from_bottom,
       prev.rank::BIGINT AS previous_rank,
       pc.ranked AS previous_ranked_count,
       CASE WHEN NOT cur.is_ranked OR pc.ranked = 0 THEN ''
            WHEN prev.rank IS NULL THEN '新'
            WHEN prev.rank > r.rank THEN '▲' || (prev.rank - r.rank)::BIGINT
            WHEN prev.rank < r.rank THEN '▼' || (r.rank - prev.rank)::BIGINT
            ELSE '='
       END AS change,
       cur.rows_not_loaded, cur.tasks, cur.completed, cur.started, cur.overdue,
       cur.completion_rate, cur.start_rate, cur.on_time_rate,
       cur.investment_completion, cur.composite,
       cur.planned_investment, cur.actual_investment, cur.beneficiaries,
       cur.rated, cur.satisfied, cur.basically_satisfied, cur.dissatisfied, cur.satisfaction_rate,
       cur.resident_rated, cur.resident_satisfied, cur.resident_basically_satisfied,
       cur.resident_dissatisfied, cur.resident_satisfaction_rate,
       cur.on_time, cur.deadline_tasks, cur.planned_tasks, cur.actual_tasks, cur.beneficiaries_tasks,
       -- the composite's parts this entity lacks (their weights went to the others)
       (CASE WHEN cur.composite IS NOT NULL THEN
            (CASE WHEN $w_on_time_rate > 0 AND cur.on_time_rate IS NULL THEN 1 ELSE 0 END)
          + (CASE WHEN $w_investment_completion > 0 AND cur.investment_completion IS NULL THEN 1 ELSE 0 END)
          + (CASE WHEN $w_satisfaction_rate > 0 AND cur.satisfaction_counted IS NULL THEN 1 ELSE 0 END)
          + (CASE WHEN $w_resident_satisfaction_rate > 0 AND cur.resident_counted IS NULL THEN 1 ELSE 0 END)
        END)::BIGINT AS composite_parts_missing
FROM flagged AS cur
CROSS JOIN previous_count AS pc
LEFT JOIN ranks AS r
  ON r.report_month = cur.report_month AND r.score = cur.score
LEFT JOIN previous AS prev
  ON prev.region IS NOT DISTINCT FROM cur.region
 AND prev.unit IS NOT DISTINCT FROM cur.unit
WHERE cur.report_month = $month
ORDER BY cur.is_ranked DESC, rank, cur.value DESC, cur.tasks DESC,
         cur.region NULLS LAST, cur.unit NULLS LAST;
