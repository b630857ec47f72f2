"""Measures of the ledgers, as named SQL over the `tasks` view. No Streamlit here.

    from taizhang.database import reading
    import metrics
    with reading(db) as con:
        kpis = metrics.kpis(con, month)            # each measure and its change
        table = metrics.ranking(con, month, measure="on_time_rate")

Definitions live in metrics/sql/_macros.sql (measures), _measures.sql, ranking.sql, and
metrics/derived.py (the tables the writers keep for them).
"""
from metrics import derived  # noqa: F401  registers the derived tables' refresh with the schema upgrade
from metrics.definitions import INPUTS, KPI_ORDER, MEASURES, RANKABLE, SATISFACTION, Measure
from metrics.measures import (
    LEVELS,
    Kpi,
    StoreCatalog,
    catalog,
    coverage,
    kpis,
    kpis_from,
    measures,
    missing_counts,
    missing_reason,
    months_back,
    previous_month,
    resident_dissatisfied,
    store_catalog,
    unit_history,
    unit_investment,
    unit_tasks,
    units,
)
from metrics.ranking import Ranking, not_reported, partial as ranking_partial, ranking
from metrics.settings import ConfigError, Settings

__all__ = [
    "INPUTS", "KPI_ORDER", "LEVELS", "MEASURES", "RANKABLE", "SATISFACTION",
    "ConfigError", "Kpi", "Measure", "Ranking", "Settings", "StoreCatalog",
    "catalog", "coverage", "kpis", "kpis_from", "measures", "missing_counts", "missing_reason",
    "months_back", "not_reported", "previous_month",
    "ranking", "ranking_partial", "resident_dissatisfied", "store_catalog",
    "unit_history", "unit_investment", "unit_tasks", "units",
]
