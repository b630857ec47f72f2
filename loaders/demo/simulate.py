"""How tasks progress over the year, and what a unit reports in a month.

A unit's diligence shifts each task along two curves (share started, share
completed by month); `_report` turns a task into its row for one month:
status, money spent so far, people served, overdue or not.
"""
from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .world import _Task


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _comp_curve(i: int) -> float:
    """Share of tasks of an average unit completed by month index i (~10% → ~85%)."""
    return 0.10 + 0.75 * min(i, 11) / 11


def _start_curve(i: int) -> float:
    """Share started by month index i; always above _comp_curve."""
    return 0.30 + 0.65 * min(i, 11) / 11


def _trajectory(rng: random.Random, diligence: float) -> tuple[int | None, int | None, float, float]:
    """(start, done, shape, ratio) for a task of a unit with this diligence."""
    u = min(0.9999, max(0.0, rng.random() - diligence))
    done = next((i for i in range(12) if _comp_curve(i) > u), None)
    w = rng.uniform(0.45, 0.95)
    start = next((i for i in range(12) if _start_curve(i) > u * w), None)
    shape = rng.uniform(0.7, 1.4)
    ratio = 1.0 if rng.random() < 0.7 else round(rng.uniform(0.9, 1.05), 3)
    return start, done, shape, ratio


def _deadline(rng: random.Random, first: date, done: int | None, p_long: float) -> date | None:
    if rng.random() < p_long:
        return None
    if done is not None:
        d = done + rng.choice((-1, 0, 0, 1, 1, 1, 2, 3))
    else:
        d = rng.randint(2, 11)
    month = _add_months(first, max(0, min(11, d)))
    if rng.random() < 0.85:
        return _month_end(month)
    return month.replace(day=rng.choice((10, 15, 20)))



@dataclass
class _Row:
    """A task as reported in one month."""
    task: _Task
    status: str
    actual: float | None
    bene: int | None
    overdue: bool


def _report(task: _Task, idx: int, month: date) -> _Row:
    if task.done is not None and idx >= task.done:
        status, frac = "completed", 1.0
    elif task.start is not None and idx >= task.start:
        status = "in_progress"
        end = task.done if task.done is not None else 13
        frac = min(0.95, ((idx - task.start + 1) / (end - task.start + 1)) ** task.shape)
    else:
        status, frac = "not_started", 0.0
    actual = None
    if task.planned is not None and status != "not_started":
        actual = round(task.planned * (task.ratio if status == "completed" else frac), 2)
    bene = None
    if status != "not_started":
        grow = 1.0
        if status == "completed" and task.deadline is None and task.done is not None:  # a completed task has its month
            grow = 1.0 + 0.08 * (idx - task.done)   # long-term tasks keep serving people
        bene = int(task.bene * frac * grow)
    overdue = status != "completed" and task.deadline is not None and task.deadline < month
    return _Row(task, status, actual, bene, overdue)

