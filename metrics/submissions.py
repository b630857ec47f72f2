"""Who reported a month on time, late, or not at all. No Streamlit here."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import pyarrow as pa

from metrics.queries import run

STATUSES = ("on_time", "late", "missing")


def deadline(month: dt.date, day: int) -> dt.datetime:
    """The end of the deadline day in the report month (the 31st means the month's last day)."""
    last = calendar.monthrange(month.year, month.month)[1]
    return dt.datetime(month.year, month.month, min(day, last), 23, 59, 59)


@dataclass(frozen=True)
class Submissions:
    month: dt.date
    deadline: dt.datetime
    table: pa.Table  # unit, region, first_submitted, uploads, status

    def count(self, status: str) -> int:
        return sum(1 for s in self.table.column("status").to_pylist() if s == status)

    def units(self, status: str) -> list[str]:
        rows = self.table.to_pylist()
        return [r["unit"] for r in rows if r["status"] == status]

    def reminder(self, lang: str = "zh") -> str:
        """A text to paste into the office chat: the units still missing, by region.

        Its words are here, not in present/catalogue.py: metrics sits below present
        and cannot import it (tests/test_layers.py)."""
        missing = [r for r in self.table.to_pylist() if r["status"] == "missing"]
        month = f"{self.month.year}年{self.month.month}月" if lang == "zh" else self.month.strftime("%Y-%m")
        due = f"{self.deadline.month}月{self.deadline.day}日" if lang == "zh" else self.deadline.strftime("%d %b")
        if not missing:
            return f"{month}台账已全部报送。" if lang == "zh" else f"All units have submitted their {month} ledger."
        by_region: dict[str, list[str]] = {}
        for r in missing:
            by_region.setdefault(r["region"] or ("其他" if lang == "zh" else "other"), []).append(r["unit"])
        if lang == "zh":
            lines = [f"【提醒】以下 {len(missing)} 个单位尚未报送{month}台账（截止 {due}），请尽快报送："]
            lines += [f"{region}：{'、'.join(units)}" for region, units in by_region.items()]
        else:
            lines = [f"Reminder: {len(missing)} units have not submitted their {month} ledger (due {due}):"]
            lines += [f"{region}: {', '.join(units)}" for region, units in by_region.items()]
        return "\n".join(lines)


def submissions(con, month: dt.date, deadline_day: int = 25) -> Submissions:
    due = deadline(month, deadline_day)
    return Submissions(month, due, run(con, "submissions", month=month, deadline=due))
