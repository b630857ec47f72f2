"""Tiny databases with exactly known rows, built through taizhang.database.writing.

`task(...)` makes one row of task_rows; `build(path, rows)` writes them (and one
uploads row per unit-month). `sample_db(path)` is the small but realistic
database the page and browser tests share; SAMPLE_JUNE_ORDER is its June
league table by completion rate.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from metrics import derived
from taizhang.database import writing

TASK_FIELDS = ("report_month", "region", "unit", "title", "category", "status", "deadline",
               "planned_investment", "actual_investment", "beneficiaries", "responsible_person",
               "upload_id", "source_sheet", "source_row", "satisfaction")


def month(text: str | dt.date) -> dt.date:
    """'2021-06' -> date(2021, 6, 1)."""
    if isinstance(text, dt.date):
        return text.replace(day=1)
    year, mon = text.split("-")[:2]
    return dt.date(int(year), int(mon), 1)


def day(text: str | dt.date | None) -> dt.date | None:
    if text is None or isinstance(text, dt.date):
        return text
    return dt.date.fromisoformat(text)


def task(report_month: str, unit: str, title: str, status: str = "in_progress", *,
         region: str | None = "东湖县", category: str | None = "解民忧暖民心",
         deadline: str | None = None, planned: float | None = None, actual: float | None = None,
         beneficiaries: int | None = None, source_row: int | None = None,
         satisfaction: str | None = None) -> dict[str, Any]:
    m = month(report_month)
    return {
        "report_month": m, "region": region, "unit": unit, "title": title, "category": category,
        "status": status, "deadline": day(deadline), "planned_investment": planned,
        "actual_investment": actual, "beneficiaries": beneficiaries, "responsible_person": None,
        "upload_id": _upload_id(m, region, unit), "source_sheet": "Sheet1", "source_row": source_row,
        # 群众满意度 as the ledger gives it (单位自评): satisfied / basically_satisfied / dissatisfied
        "satisfaction": satisfaction,
    }


def _upload_id(m: dt.date, region: str | None, unit: str) -> str:
    digest = hashlib.sha256(f"{m}|{region}|{unit}".encode()).hexdigest()
    return digest[:16]


def build(path: str | Path, rows: list[dict[str, Any]] = ()) -> Path:
    """A database file holding exactly `rows` (possibly none: an empty, valid database)."""
    path = Path(path)
    rows = list(rows)
    for number, row in enumerate(rows, start=4):
        if row["source_row"] is None:
            row["source_row"] = number
    with writing(str(path)) as con:
        con.execute("BEGIN")
        if rows:
            placeholders = ", ".join("?" for _ in TASK_FIELDS)
            con.executemany(f"INSERT INTO task_rows ({', '.join(TASK_FIELDS)}) VALUES ({placeholders})",
                            [[row[f] for f in TASK_FIELDS] for row in rows])
            uploads: dict[str, dict] = {}
            for row in rows:
                entry = uploads.setdefault(row["upload_id"], {
                    "month": row["report_month"], "unit": row["unit"], "rows": 0})
                entry["rows"] += 1
            con.executemany(
                "INSERT INTO uploads (upload_id, file_name, sha256, loaded_at, report_month, units, "
                "rows_loaded, rows_rejected, loaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'tests')",
                [[upload_id, f"{e['unit']}-{e['month']:%Y-%m}.xlsx", upload_id * 4,
                  dt.datetime(2021, 7, 1, 9, 0), e["month"], [e["unit"]], e["rows"]]
                 for upload_id, e in uploads.items()])
            derived.refresh(con)  # what the loader's writer keeps in step
        con.execute("COMMIT")
    return path


# The shared sample: three regions, nine units, April to June 2021.
# unit: (region, tasks, completed per month Apr/May/Jun, started per month)
SAMPLE_UNITS: dict[str, tuple[str, int, tuple[int, int, int], tuple[int, int, int]]] = {
    "城关区住建局": ("城关区", 8, (3, 5, 7), (6, 8, 8)),
    "城关区民政局": ("城关区", 6, (2, 4, 6), (4, 6, 6)),
    "城关街道": ("城关区", 3, (1, 2, 3), (2, 3, 3)),           # below min_tasks: listed apart
    "东湖县教育局": ("东湖县", 10, (4, 7, 8), (8, 10, 10)),
    "东湖镇": ("东湖县", 5, (1, 3, 4), (3, 5, 5)),              # ties 东湖县教育局 at 80%
    "=2+3合作社": ("东湖县", 5, (1, 2, 2), (2, 5, 5)),          # a name Excel would take for a formula
    "西山县卫健委": ("西山县", 8, (1, 2, 4), (2, 5, 7)),
    "西山乡": ("西山县", 6, (0, 1, 2), (1, 2, 4)),
    "<script>alert(1)</script>": ("西山县", 5, (2, 4, 3), (3, 5, 5)),  # must show as text
}
SAMPLE_CATEGORIES = ("解民忧暖民心", "政策惠民", "项目建设服务")
SAMPLE_MONTHS = ("2021-04", "2021-05", "2021-06")
# June, completion rate, min_tasks 5: (rank, unit, rate)
SAMPLE_JUNE_ORDER = [
    (1, "城关区民政局", 1.0),
    (2, "城关区住建局", 0.875),
    (3, "东湖县教育局", 0.8),
    (3, "东湖镇", 0.8),
    (5, "<script>alert(1)</script>", 0.6),
    (6, "西山县卫健委", 0.5),
    (7, "=2+3合作社", 0.4),
    (8, "西山乡", 1 / 3),
]


def sample_rows() -> list[dict[str, Any]]:
    rows = []
    for unit, (region, count, completed, started) in SAMPLE_UNITS.items():
        for index, report_month in enumerate(SAMPLE_MONTHS):
            for i in range(count):
                status = ("completed" if i < completed[index]
                          else "in_progress" if i < started[index] else "not_started")
                deadline = ("2021-05-31", "2021-06-30", None)[i % 3]
                planned = 100.0 * (i + 1) if i % 2 == 0 else None
                if unit == "城关区住建局" and i == 0:
                    planned = 12_000.0  # a large project: totals pass 1亿元
                actual = None
                if planned is not None:
                    actual = planned * {"completed": 1.0, "in_progress": 0.5, "not_started": 0.0}[status]
                rows.append(task(
                    report_month, unit, f"{unit}任务{i + 1}", status, region=region,
                    category=SAMPLE_CATEGORIES[i % 3], deadline=deadline, planned=planned, actual=actual,
                    beneficiaries=50 * (i + 1) if status != "not_started" else 0, source_row=4 + i))
    return rows


def sample_db(path: str | Path) -> Path:
    return build(path, sample_rows())


def sample_geojson() -> dict:
    """Three rectangles named like the sample regions (a stand-in for the office's map)."""
    def box(x0: float, y0: float, x1: float, y1: float) -> list:
        return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]

    shapes = {"城关区": box(114.0, 30.0, 114.4, 30.3), "东湖县": box(114.4, 30.0, 115.0, 30.6),
              "西山县": box(113.4, 30.0, 114.0, 30.6)}
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": coords}}
        for name, coords in shapes.items()]}


def sample_config(folder: str | Path, **ranking: Any) -> Path:
    """A settings file with the sample map configured (and optional [ranking] values)."""
    import json

    folder = Path(folder)
    (folder / "regions.geojson").write_text(json.dumps(sample_geojson(), ensure_ascii=False), encoding="utf-8")
    lines = ["[ranking]"] + [f"{key} = {value}" for key, value in ranking.items()]
    lines += ["[map]", 'geojson = "regions.geojson"', 'feature_name = "name"']
    path = folder / "taizhang.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
