"""The world of one seed: every unit, its diligence and its tasks for the year.

Built once per `write_demo_files` call from one random.Random(seed), in a fixed
order (regions and townships, city departments and their tasks, then county
projects and 微实事), so the same seed gives the same world.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from .city import _AFFINITY, _BIG, _CAT_NAMES, _OFFICES, CATEGORIES, DEPARTMENTS, REGIONS, _Shape
from .simulate import _deadline, _trajectory
from .words import (
    _ACTIVITIES,
    _CITY_POSITIONS,
    _CITY_PROJECTS,
    _CITY_TEMPLATES,
    _COUNTY_PROJECTS,
    _CROWDS,
    _FACILITIES,
    _GIVEN,
    _HABITS,
    _HEROES,
    _ISSUES,
    _LEGACIES,
    _MICRO_LEADERS,
    _MICRO_LOCALS,
    _MICRO_TEMPLATES,
    _PLACE1,
    _PLACE2,
    _POLICIES,
    _PROJECT_HABITS,
    _SERVICES,
    _SURNAMES,
)


@dataclass
class _Task:
    unit: str
    title: str
    category: str | None
    content: str
    person: str
    deadline: date | None   # None: open-ended (长期)
    date_form: str
    planned: float | None   # 万元
    ratio: float            # actual / planned once completed
    bene: int               # people served when completed
    added: int              # month index the task first appears
    start: int | None       # month index it starts (None: never within the year)
    done: int | None        # month index it is completed
    shape: float            # progress curve exponent
    pick: int               # picks the wording among a habit's choices
    town: str = ""          # 乡镇 for county / 微实事 tasks


@dataclass
class _Unit:
    name: str
    diligence: float
    habit: int
    date_form: str
    tasks: list[_Task] = field(default_factory=list)
    communities: tuple[str, ...] = ()
    villages: tuple[str, ...] = ()


@dataclass
class _Region:
    name: str
    kind: str
    shape: _Shape
    diligence: float
    office: str
    towns: list[_Unit]


@dataclass
class _World:
    first_month: date
    departments: list[_Unit]
    regions: list[_Region]



class _Namer:
    """Invents names; township names are unique in the whole city."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        pairs = [a + b for a in _PLACE1 for b in _PLACE2 if a != b]
        rng.shuffle(pairs)
        self._places = pairs
        self._used: set[str] = set()

    def place(self) -> str:
        while True:
            p = self._places.pop()
            if p not in self._used:
                self._used.add(p)
                return p

    def local(self) -> str:
        """A 2-character place name for villages and communities (may repeat)."""
        return self.rng.choice(_PLACE1) + self.rng.choice(_PLACE2)

    def person(self) -> str:
        return self.rng.choice(_SURNAMES) + self.rng.choice(_GIVEN)


def _diligence(rng: random.Random, n: int, spread: float, star: float, k: int) -> list[float]:
    """Per-unit diligence: a little noise, k consistent stars and k laggards."""
    vals = [max(-0.12, min(0.12, rng.gauss(0, spread))) for _ in range(n)]
    idx = list(range(n))
    rng.shuffle(idx)
    for i in idx[:k]:
        vals[i] = star + rng.uniform(0, 0.05)
    for i in idx[k:2 * k]:
        vals[i] = -star - rng.uniform(0, 0.05)
    return vals



def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def _fill(rng: random.Random, template: str, ctx: dict[str, Callable[[], str]]) -> str:
    out = template
    for key, make in ctx.items():
        token = "{" + key + "}"
        while token in out:
            out = out.replace(token, make(), 1)
    return out


def _unique(rng: random.Random, used: set[str], make: Callable[[], str]) -> str:
    for _ in range(40):
        t = make()
        if t not in used:
            used.add(t)
            return t
    base = make()
    for suffix in ("（二期）", "（三期）", "（四期）", "（五期）"):
        if base + suffix not in used:
            used.add(base + suffix)
            return base + suffix
    n = 6
    while f"{base}（第{n}批）" in used:
        n += 1
    used.add(f"{base}（第{n}批）")
    return f"{base}（第{n}批）"


def _build_world(seed: int, first: date) -> _World:
    rng = random.Random(seed)
    namer = _Namer(rng)

    # Regions and their townships first: city tasks mention them.
    regions: list[_Region] = []
    region_dil = _diligence(rng, len(REGIONS), 0.05, 0.08, 2)
    for (name, kind, (tlo, thi), _, _, shape), rdil in zip(REGIONS, region_dil):
        n_towns = rng.randint(tlo, thi)
        town_dil = _diligence(rng, n_towns, 0.07, 0.18, 1)
        towns = []
        for i in range(n_towns):
            if kind == "county":
                suffix = "街道" if i < rng.choice((1, 2, 2, 3)) else ("乡" if rng.random() < 0.25 else "镇")
            elif kind == "district":
                suffix = "镇" if rng.random() < 0.25 else "街道"
            else:
                suffix = "镇" if i >= n_towns - rng.choice((1, 2)) else "街道"
            towns.append(_Unit(
                name=namer.place() + suffix, diligence=rdil + town_dil[i],
                habit=rng.randrange(len(_PROJECT_HABITS)), date_form=shape.dates,
                communities=tuple(sorted({namer.local() + "社区" for _ in range(4)})),
                villages=tuple(sorted({namer.local() + "村" for _ in range(5)})),
            ))
        office = _OFFICES.get(name, f"{name}委办公室")
        regions.append(_Region(name, kind, shape, rdil, office, towns))

    all_towns = [(r.name, t) for r in regions for t in r.towns]

    def place_ctx(topics: tuple[str, ...]) -> dict[str, Callable[[], str]]:
        rname, town = rng.choice(all_towns)
        return {
            "county": lambda: rname, "town": lambda: town.name,
            "comm": lambda: town.name + rng.choice(town.communities),
            "vil": lambda: town.name + rng.choice(town.villages),
            "topic": lambda: rng.choice(topics), "issue": lambda: rng.choice(_ISSUES),
            "facility": lambda: rng.choice(_FACILITIES), "crowd": lambda: rng.choice(_CROWDS),
            "service": lambda: rng.choice(_SERVICES), "policy": lambda: rng.choice(_POLICIES),
            "project": lambda: rng.choice(_CITY_PROJECTS), "legacy": lambda: rng.choice(_LEGACIES),
            "activity": lambda: rng.choice(_ACTIVITIES), "hero": lambda: rng.choice(_HEROES),
        }

    # City departments and their 1,106 tasks.
    dept_dil = _diligence(rng, len(DEPARTMENTS), 0.06, 0.2, 4)
    date_forms = ("excel", "excel", "excel", "cn_end", "dot", "cn_full", "iso")
    departments = [
        _Unit(name=n, diligence=d, habit=rng.randrange(len(_HABITS)), date_form=rng.choice(date_forms))
        for (n, _), d in zip(DEPARTMENTS, dept_dil)
    ]
    topics = dict(DEPARTMENTS)
    base = {"解民忧暖民心": 3, "党员志愿活动": 4}
    counts = {(d.name, c): 0 for d in departments for c in _CAT_NAMES}
    for cat, total in CATEGORIES:
        per = base.get(cat, 0)
        for d in departments:
            counts[(d.name, cat)] += per
        rest = total - per * len(departments)
        weights = [(3.0 if d.name in _AFFINITY.get(cat, ()) else 1.0) * (2.0 if d.name in _BIG else 1.0)
                   for d in departments]
        if cat in _AFFINITY:
            weights = [w if d.name in _AFFINITY[cat] else w * 0.15 for w, d in zip(weights, departments)]
        for d in rng.choices(departments, weights=weights, k=rest):
            counts[(d.name, cat)] += 1

    def city_task(dept: _Unit, cat: str, used: set[str], added: int) -> _Task:
        title = _unique(rng, used, lambda: _fill(rng, rng.choice(_CITY_TEMPLATES[cat]), place_ctx(topics[dept.name])))
        start, done, shape, ratio = _trajectory(rng, dept.diligence)
        p_long = 0.12 if cat in ("党员志愿活动", "政策惠民") else 0.04
        deadline = _deadline(rng, first, done, p_long)
        p_inv, lo, hi = {"项目建设服务": (0.85, 20, 20000), "解民忧暖民心": (0.35, 2, 800),
                         "政策惠民": (0.3, 10, 3000), "关爱老区关心英烈后代": (0.4, 1, 200),
                         "党员志愿活动": (0.05, 0.5, 10), "历史遗留问题及信访积案化解": (0.1, 20, 2000)}[cat]
        planned = round(_log_uniform(rng, lo, hi), rng.choice((0, 1, 2))) if rng.random() < p_inv else None
        if planned is not None and planned < 0.1:
            planned = 0.5
        bene = int(round(_log_uniform(rng, 30, 60000), -1))
        when = "长期坚持，常态化推进" if deadline is None else f"计划{deadline.year}年{deadline.month}月底前完成"
        content = rng.choice((
            f"聚焦群众急难愁盼，{title}，{when}。",
            f"由{dept.name}牵头、属地配合推进“{title}”，预计服务群众{bene}人次。",
            f"{title}，建立工作台账，实行清单化管理、销号式推进，{when}。",
            f"{when}；{rng.choice(_SERVICES)}与{rng.choice(_ACTIVITIES)}同步开展。",
        ))
        person = namer.person()
        if rng.random() < 0.6:
            person += f"（{rng.choice(_CITY_POSITIONS)}）"
        return _Task(unit=dept.name, title=title, category=cat, content=content, person=person,
                     deadline=deadline, date_form=dept.date_form, planned=planned, ratio=ratio, bene=bene,
                     added=added, start=start, done=done, shape=shape, pick=rng.randrange(1000))

    for dept in departments:
        used: set[str] = set()
        for cat in _CAT_NAMES:
            for _ in range(counts[(dept.name, cat)]):
                dept.tasks.append(city_task(dept, cat, used, 0))
    # A few tasks added during the year.
    for _ in range(rng.randint(18, 26)):
        dept = rng.choice(departments)
        cat = rng.choices(_CAT_NAMES, weights=(6, 1, 3, 2, 1, 1))[0]
        used = {t.title for t in dept.tasks}
        dept.tasks.append(city_task(dept, cat, used, rng.randint(2, 7)))

    # County projects and 微实事.
    for region, (_, _, _, (plo, phi), (ilo, ihi), shape) in zip(regions, REGIONS):
        used = set()
        if shape.fmt == "micro":
            for town in region.towns:
                for _ in range(rng.randint(18, 30)):
                    town.tasks.append(_micro_task(rng, namer, town, used, 0, first))
            for _ in range(rng.randint(8, 14)):
                town = rng.choice(region.towns)
                town.tasks.append(_micro_task(rng, namer, town, used, rng.randint(1, 6), first))
            continue
        n = rng.randint(plo, phi)
        budget = rng.uniform(ilo, ihi) * 10000   # 万元
        weights = [rng.uniform(0.5, 2.0) for _ in region.towns]
        owners = list(region.towns) + rng.choices(region.towns, weights=weights, k=max(0, n - len(region.towns)))
        sizes = [_log_uniform(rng, 50, 30000) for _ in owners]
        scale = budget / sum(sizes)
        for k, (town, size) in enumerate(zip(owners, sizes)):
            added = 0 if k < n - rng.randint(3, 6) else rng.randint(1, 6)
            planned = size * scale
            planned = round(planned) if shape.amount in ("yi", "text") else round(planned, 1)
            town.tasks.append(_county_task(rng, namer, town, used, added, first, max(planned, 5.0)))
    return _World(first, departments, regions)


def _county_task(rng: random.Random, namer: _Namer, town: _Unit, used: set[str], added: int,
                 first: date, planned: float) -> _Task:
    project, tmpl, cats = rng.choice(_COUNTY_PROJECTS)

    def make() -> str:
        place = town.name if rng.random() < 0.55 else town.name + rng.choice(town.villages)
        if "小区" in project or "停车" in project:
            place = town.name + rng.choice(town.communities)
        return place + project

    title = _unique(rng, used, make)
    # Sizes roughly follow the money.
    content = tmpl.format(n=max(200, int(round(planned * rng.uniform(2, 6), -1))),
                          m=max(10, int(round(planned * rng.uniform(0.05, 0.4), -1))),
                          k=round(max(0.3, min(60.0, planned / rng.uniform(80, 400))), 1),
                          w=max(2, min(30, round(planned / rng.uniform(100, 600)))))
    start, done, shape, ratio = _trajectory(rng, town.diligence)
    person = namer.person()
    if rng.random() < 0.5:
        person += "（" + rng.choice(("镇长", "副镇长", "党委委员", "主任", "副主任")) + "）"
    return _Task(unit=town.name, title=title, category=rng.choice(cats),
                 content=content, person=person, deadline=_deadline(rng, first, done, 0.03),
                 date_form=town.date_form, planned=planned, ratio=ratio,
                 bene=int(round(_log_uniform(rng, 200, 80000), -1)), added=added, start=start, done=done,
                 shape=shape, pick=rng.randrange(1000), town=town.name)


def _micro_task(rng: random.Random, namer: _Namer, town: _Unit, used: set[str], added: int,
                first: date) -> _Task:
    title = _unique(rng, used, lambda: _fill(rng, rng.choice(_MICRO_TEMPLATES), {
        "comm": lambda: rng.choice(town.communities), "vil": lambda: rng.choice(town.villages)}))
    # Small tasks move faster than projects.
    start, done, shape, ratio = _trajectory(rng, town.diligence + 0.05)
    if rng.random() < 0.2:
        who = namer.person() + "（" + rng.choice(_MICRO_LEADERS) + "）"
    else:
        who = namer.person() + "（" + rng.choice(_MICRO_LOCALS) + "）"
    return _Task(unit=town.name, title=title, category=None, content="", person=who,
                 deadline=_deadline(rng, first, done, 0.0), date_form="excel",
                 planned=round(_log_uniform(rng, 0.5, 50), 1), ratio=ratio,
                 bene=int(_log_uniform(rng, 20, 3000)), added=added, start=start, done=done, shape=shape,
                 pick=rng.randrange(1000), town=town.name)
