"""Presentation without Streamlit, shared by the pages (ui/) and the reports
(reports/): the bilingual catalogue of every word (catalogue.py and its
strings_*.py), number formats, chart builders, the league-table workbook and
how a missing figure is said (missing.py)."""
