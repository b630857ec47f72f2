"""The bulletin's words: a Jinja template (templates/bulletin.zh.md.j2) filled
with the Bulletin's figures, then read into blocks the PDF and Word writers lay
out. The wording lives in the template, which an office edits without touching
code; this module only supplies formatted figures and the tiny markup below.

Markup of the rendered text, one block per line (consecutive text lines are one
paragraph):

    # 标题                  the title, centred
    ## 一、标题              a heading;  ### （一）标题  a sub-heading
    ~ 文字                   a centred line (the issue number, the scope)
    <- 文字                  a line flush left, not indented (the salutation)
    -> 文字                  a line flush right (issuer and date)
    - 文字                   a bullet
    | a | b |                a table; a |---|---:| row under the first makes it
                             the header and sets alignment (:-- left, --: right)
    ---                      a page break
    **粗体**                 bold, inside any text
    other lines              body text, the first line indented two characters

Every {{ value }} the template prints is escaped (\\ before markup characters,
newlines become spaces), so a unit named "| # **x**" prints as written and can
neither add a table cell nor a heading.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd
from jinja2.sandbox import SandboxedEnvironment

from metrics import MEASURES
from present import format as fmt, missing
from present.catalogue import STRINGS, text
from reports.bulletin import Bulletin
from taizhang.config import PROJECT_ROOT

TEMPLATE_DIR = PROJECT_ROOT / "templates"
DEFAULT_TEMPLATE = TEMPLATE_DIR / "bulletin.zh.md.j2"
UNKNOWN_REGION = text("unknown_region", "zh")
# The bulletin's names of the measures: the pages' Chinese ("m.<key>").
MEASURE_NAMES = {key: text(f"m.{key}", "zh") for key in (*MEASURES, "composite")}
# Why a unit is listed apart, in the bulletin's words: the pages' ("rankings.reason.<code>"),
# except unknown_region, 县区未填 in the bulletin where the pages say 县区未知.
REASONS = {"too_few_tasks": "rankings.reason.too_few_tasks", "no_value": "rankings.reason.no_value",
           "unknown_region": "bulletin.reason.unknown_region", "partial": "rankings.reason.partial",
           "not_reported": "rankings.reason.not_reported", "too_few_rated": "rankings.reason.too_few_rated",
           "none_rated": "rankings.reason.none_rated"}
# the statuses an overdue item can have, as the pages name them ("status.<status>")
OVERDUE_STATUSES = ("not_started", "in_progress")
# the measures the bulletin's tables show besides the ranked one (their "—" are explained under them)
TABLE_MEASURES = ("completion_rate", "on_time_rate", "overdue")
_MARKUP = re.compile(r"([\\`*_#~\-<>|\[\]!])")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


class TemplateProblem(Exception):
    """The bulletin template cannot be read or filled; the message names the file, the line and the fix."""


def template_path() -> Path:
    """$TAIZHANG_BULLETIN_TEMPLATE, else templates/bulletin.zh.md.j2."""
    override = os.environ.get("TAIZHANG_BULLETIN_TEMPLATE")
    return Path(override) if override else DEFAULT_TEMPLATE


# --- figures as the bulletin writes them ------------------------------------------

def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


def _int(value) -> int | None:
    return None if _missing(value) else int(value)


def date_zh(value: dt.date | None) -> str:
    if value is None or _missing(value):
        return "长期"
    return f"{value.year}年{value.month}月{value.day}日"


def change_words(key: str, delta) -> str:
    """A change against last month in words: 提高1.2个百分点, 减少3项, 持平; "" when unknown."""
    if _missing(delta):
        return ""
    kind = "score" if key == "composite" else MEASURES[key].kind
    if kind in ("rate", "score"):
        points = round(delta * 100, 1)
        if points == 0:
            return "持平"
        unit = "个百分点" if kind == "rate" else "分"
        return f"{'提高' if points > 0 else '下降'}{abs(points):.1f}{unit}"
    if kind == "money":
        if round(delta, 1) == 0:
            return "持平"
        return f"{'增加' if delta > 0 else '减少'}{fmt.money(abs(delta))}"
    if int(delta) == 0:
        return "持平"
    amount = fmt.people(abs(delta)) if kind == "people" else f"{fmt.count(abs(delta))}项"
    return f"{'增加' if delta > 0 else '减少'}{amount}"


def _kpi(key: str, kpi) -> dict:
    better = MEASURES[key].higher_is_better
    delta = kpi.delta
    return {
        "name": MEASURE_NAMES[key], "value": kpi.value, "text": fmt.measure(key, kpi.value),
        # missing is not zero: why there is no figure (台账未填报完成投资 ...), or "" when there is one
        "missing": missing.reason(kpi.missing, "zh") if kpi.missing and kpi.missing != "no_tasks" else "",
        # a figure made of only the ledgers that give its input: 只计填报了该项的台账：120/300 项任务。
        "coverage": text("missing.coverage", "zh", covered=f"{kpi.coverage[0]:,}", tasks=f"{kpi.coverage[1]:,}")
        if kpi.coverage else "",
        "previous": kpi.previous, "previous_text": fmt.measure(key, kpi.previous), "delta": delta,
        "arrow": fmt.delta(key, delta) or "", "change": change_words(key, delta),
        "improved": None if better is None or _missing(delta) or delta == 0 else (delta > 0) == better,
    }


def _name(value) -> str:
    return value if isinstance(value, str) else UNKNOWN_REGION


def _ranked_row(row: dict, measure: str) -> dict:
    return {
        "rank": _int(row.get("rank")), "previous_rank": _int(row.get("previous_rank")),
        "change": row.get("change") or "", "unit": _name(row.get("unit")), "region": _name(row.get("region")),
        "score": fmt.measure(measure, row.get("value")), "value": row.get("value"),
        "tasks": _int(row.get("tasks")), "completed": _int(row.get("completed")),
        "overdue": fmt.count(row.get("overdue")),
        "completion_rate": fmt.rate(row.get("completion_rate")), "start_rate": fmt.rate(row.get("start_rate")),
        "on_time_rate": fmt.rate(row.get("on_time_rate")),
        "investment_completion": fmt.rate(row.get("investment_completion")),
        # ranked last by the [ranking] not_reported = "last" rule
        "not_reported": bool(row.get("not_reported")),
    }


def reason(row: dict, min_tasks: int, min_rated: int = 5) -> str:
    """Why a unit is listed apart, in the bulletin's words (REASONS); an input its ledger
    lacks in the words every page uses (present/strings_missing.py)."""
    rows = _int(row.get("rows_not_loaded")) or 0
    code = row["reason"]
    if code not in REASONS and f"missing.{code}" in STRINGS:
        return missing.reason(code, "zh")
    words = text(REASONS[code], "zh") if code in REASONS else code
    return words.format(min=min_tasks, rows=rows, rated=min_rated)


def latest_zh(value) -> str:
    """A not-reported unit's latest month with rows: 2021年5月, or 从未报送."""
    return fmt.month(value) if isinstance(value, dt.date) else text("latest.never", "zh")


def status_zh(status: str | None) -> str | None:
    """An overdue item's status in words: 未启动, 推进中; anything else as it is."""
    return text(f"status.{status}", "zh") if status in OVERDUE_STATUSES else status


def satisfaction(b: Bulletin) -> dict:
    """群众满意度 for the template: both sources apart, with their counts and change,
    and the units with 不满意 tasks (ledger) or ratings (residents), most first."""
    def source(rate: str, rated: str, dissatisfied: str) -> dict:
        k = b.kpis
        return {"rated": _int(k[rated].value) or 0, "dissatisfied": _int(k[dissatisfied].value) or 0,
                "rate": fmt.rate(k[rate].value), "value": k[rate].value,
                "change": change_words(rate, k[rate].delta)}

    rows = pd.concat([b.units.reported, b.units.unranked], ignore_index=True)
    units = []
    if len(rows) and "dissatisfied" in rows:
        rows = rows.assign(ledger=rows["dissatisfied"].fillna(0).astype("int64"),
                           residents=rows["resident_dissatisfied"].fillna(0).astype("int64"))
        rows = rows[(rows["ledger"] > 0) | (rows["residents"] > 0)]
        rows = rows.assign(total=rows["ledger"] + rows["residents"]).sort_values(
            ["total", "ledger", "region", "unit"], ascending=[False, False, True, True], na_position="last")
        units = [{"unit": _name(r["unit"]), "region": _name(r["region"]), "ledger": int(r["ledger"]),
                  "residents": int(r["residents"])} for r in _rows(rows)]
    return {"ledger": source("satisfaction_rate", "rated", "dissatisfied"),
            "residents": source("resident_satisfaction_rate", "resident_rated", "resident_dissatisfied"),
            "units": units, "min_rated": b.units.min_rated}


def regions_note(b: Bulletin) -> str:
    """The note under the 县区对比 table: what its "—" mean, and the regions that sent nothing
    this month, by name (they have no row: never a 0, never left out unsaid)."""
    if b.regions is None:
        return ""
    notes = [missing.table_note(b.regions.table, (b.measure, *TABLE_MEASURES), "region", "zh") or ""]
    if b.regions_not_reported:
        notes.append(text("slide.regions_not_reported", "zh", names="、".join(b.regions_not_reported)))
    return "".join(n for n in notes if n)


def _rows(frame: pd.DataFrame) -> list[dict]:
    return frame.to_dict("records") if len(frame) else []


def context(b: Bulletin, today: dt.date | None = None) -> dict:
    """Everything the template may print, already formatted the Chinese way."""
    today = today or dt.date.today()
    measure = b.measure
    ranked = [_ranked_row(r, measure) for r in _rows(b.units.table)]
    moves = []
    for frame in (b.movers_up, b.movers_down):
        moves.append([{**_ranked_row(r, measure), "moved": abs(int(r["moved"]))} for r in _rows(frame)])
    by_unit = [{"region": _name(r["region"]), "unit": _name(r["unit"]), "count": int(r["overdue"]),
                "tasks": int(r["tasks"])} for r in _rows(b.overdue_by_unit)]
    items = [{"region": _name(r["region"]), "unit": _name(r["unit"]), "title": r["title"] or "",
              "category": r["category"] or "", "deadline": date_zh(r["deadline"]), "days": int(r["days_overdue"]),
              "status": status_zh(r["status"])}
             for r in _rows(b.overdue)]
    investment = [{"name": _name(r["unit"] if b.region else r["region"]),
                   "planned": fmt.money(r["planned_investment"]), "actual": fmt.money(r["actual_investment"]),
                   "rate": fmt.rate(r["investment_completion"]), "planned_value": r["planned_investment"]}
                  for r in _rows(b.investment)]
    scope = "".join(p for p in (b.region, f"{b.category}类" if b.category else None) if p)
    return {
        "period": fmt.month(b.month), "previous_period": fmt.month(b.previous_month),
        "year": b.month.year, "month": b.month.month,
        "month_end": date_zh((pd.Timestamp(b.month) + pd.offsets.MonthEnd(0)).date()),
        "today": date_zh(today),
        "region": b.region or "", "category": b.category or "", "scope": scope,
        "measure": measure, "measure_name": MEASURE_NAMES[measure],
        "min_tasks": b.min_tasks, "list_size": b.list_size,
        "has_previous": b.units.has_previous,
        "units_reported": b.units_reported, "units_ranked": len(b.units.reported),
        "regions_reported": (len(b.regions.table) + len(b.regions.unranked)) if b.regions else 0,
        "k": {key: _kpi(key, kpi) for key, kpi in b.kpis.items()},
        "ranking": ranked,
        "red": [_ranked_row(r, measure) for r in _rows(b.units.red)],
        "black": [_ranked_row(r, measure) for r in _rows(b.units.black)],
        "unranked": [{"unit": _name(r["unit"]), "region": _name(r["region"]), "tasks": int(r["tasks"]),
                      "reason": reason(r, b.min_tasks, b.units.min_rated)}
                     for r in _rows(b.units.unranked)],
        # units whose upload left rows out: listed apart, never ranked
        "partial": [{"unit": _name(r["unit"]), "region": _name(r["region"]), "rows": int(r["rows_not_loaded"])}
                    for r in _rows(b.units.partial)],
        # units expected this month that sent nothing, with their latest month
        "not_reported": [{"unit": _name(r["unit"]), "region": _name(r["region"]),
                          "latest": latest_zh(r["latest_month"])} for r in _rows(b.units.not_reported)],
        "not_reported_last": b.units.not_reported_last,
        "regions": [{**_ranked_row(r, measure), "name": _name(r["region"])}
                    for r in _rows(b.regions.table)] if b.regions else [],
        "movers_up": moves[0], "movers_down": moves[1],
        "overdue": {"count": len(items), "rows": items, "by_unit": by_unit},
        "investment": investment,
        # 群众满意度: "ledger" (单位自评) and "residents" (群众评价), each with rated,
        # dissatisfied, rate ("—" when nothing rated), change; "units" with 不满意
        "satisfaction": satisfaction(b),
        # missing is not zero: what the "—" in the unit and region tables mean ("" when none),
        # and how the composite's weights went to the parts a unit has
        "units_missing_note": missing.table_note(b.units.reported, (measure, *TABLE_MEASURES), "unit", "zh") or "",
        # the same for the red and black lists, under their own tables
        "red_missing_note": missing.table_note(b.units.red, (measure, "completion_rate", "overdue"), "unit", "zh")
        or "",
        "black_missing_note": missing.table_note(b.units.black, (measure, "completion_rate", "overdue"), "unit", "zh")
        or "",
        "regions_missing_note": regions_note(b),
        # regions with units expected this month and no rows in it (also said in regions_missing_note)
        "regions_not_reported": list(b.regions_not_reported) if b.regions else [],
        "composite_note": (missing.composite_note(b.units.reported, "unit", "zh") or "")
        if measure == "composite" else "",
    }


# --- the template ---------------------------------------------------------------

# Control characters print as nothing: no font has glyphs for them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def escape(value) -> str:
    """What {{ value }} prints: markup characters escaped, newlines as spaces, control
    characters dropped, None as nothing."""
    if value is None:
        return ""
    text = _CONTROL.sub("", re.sub(r"\s*[\r\n]+\s*", " ", str(value)))
    return _MARKUP.sub(r"\\\1", text)


def _environment(folder: Path) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)), undefined=jinja2.StrictUndefined,
        trim_blocks=True, keep_trailing_newline=True, finalize=escape, autoescape=False)


def render(b: Bulletin, *, template: str | os.PathLike | None = None, today: dt.date | None = None) -> str:
    """The bulletin's text in the markup above."""
    path = Path(template) if template else template_path()
    if not path.is_file():
        raise TemplateProblem(f"The bulletin template {path} does not exist; restore templates/bulletin.zh.md.j2 "
                              f"from the repository or point TAIZHANG_BULLETIN_TEMPLATE at your copy.")
    try:
        return _environment(path.parent).get_template(path.name).render(context(b, today))
    except jinja2.TemplateSyntaxError as error:
        raise TemplateProblem(f"{path}, line {error.lineno}: {error.message}. Fix the template there.") from error
    except jinja2.TemplateError as error:
        raise TemplateProblem(f"{path}: {error}. Check the names the template uses "
                              f"(reports/document.py context() lists them).") from error
    except UnicodeDecodeError as error:
        raise TemplateProblem(f"{path} is not UTF-8 text ({error}); save it as UTF-8.") from error


# --- blocks ---------------------------------------------------------------------

Span = tuple[str, bool]  # (text, bold)


@dataclass(frozen=True)
class Block:
    kind: str   # title, heading, subheading, center, left, right, paragraph, bullet, table, pagebreak
    spans: tuple[Span, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    align: tuple[str, ...] = field(default=())   # per column: L, C, R

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.spans)


def spans(raw: str) -> tuple[Span, ...]:
    """Inline text: **bold** and backslash escapes."""
    out: list[Span] = []
    bold, buffer, i = False, [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw) and _ESCAPED.match(raw, i):
            buffer.append(raw[i + 1])
            i += 2
        elif raw.startswith("**", i):
            if buffer:
                out.append(("".join(buffer), bold))
                buffer = []
            bold = not bold
            i += 2
        else:
            buffer.append(raw[i])
            i += 1
    if buffer:
        out.append(("".join(buffer), bold))
    return tuple(out)


def plain(raw: str) -> str:
    return "".join(text for text, _ in spans(raw))


def _cells(line: str) -> list[str]:
    parts = re.split(r"(?<!\\)\|", line.strip())
    if parts and parts[0].strip() == "":
        parts = parts[1:]
    if parts and parts[-1].strip() == "":
        parts = parts[:-1]
    return [p.strip() for p in parts]


_RULE = re.compile(r"^:?-{3,}:?$")


def _table(lines: list[str]) -> Block:
    rows = [_cells(line) for line in lines]
    header: list[str] = []
    align: list[str] = []
    if len(rows) >= 2 and rows[1] and all(_RULE.match(c) for c in rows[1]):
        header = [plain(c) for c in rows[0]]
        align = ["C" if c.startswith(":") and c.endswith(":") else "R" if c.endswith(":") else "L" for c in rows[1]]
        rows = rows[2:]
    width = max([len(header)] + [len(r) for r in rows])
    body = tuple(tuple(plain(c) for c in r) + ("",) * (width - len(r)) for r in rows)
    header_t = tuple(header) + ("",) * (width - len(header)) if header else ()
    align_t = tuple(align) + ("L",) * (width - len(align))
    return Block("table", header=header_t, rows=body, align=align_t)


def _join(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out and re.match(r"[A-Za-z0-9]", line[:1]) and re.search(r"[A-Za-z0-9.,;:]$", out):
            out += " "
        out += line
    return out


def blocks(text: str) -> list[Block]:
    """Read the rendered template into blocks."""
    out: list[Block] = []
    paragraph: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(Block("paragraph", spans(_join(paragraph))))
            paragraph.clear()
        if table:
            out.append(_table(table))
            table.clear()

    prefixes = (("### ", "subheading"), ("## ", "heading"), ("# ", "title"), ("~ ", "center"),
                ("<- ", "left"), ("-> ", "right"), ("- ", "bullet"))
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("|"):
            if paragraph:
                flush()
            table.append(line)
            continue
        if table:
            flush()
        if not line:
            flush()
            continue
        if line == "---":
            flush()
            out.append(Block("pagebreak"))
            continue
        for prefix, kind in prefixes:
            if line.startswith(prefix) or line == prefix.strip():
                flush()
                out.append(Block(kind, spans(line[len(prefix):].strip())))
                break
        else:
            paragraph.append(line)
    flush()
    return out


def display_width(text: str) -> float:
    """Rough width in ems: wide (CJK) characters 1, others about half."""
    import unicodedata
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def column_weights(block: Block, room: float = 48.0, padding: float = 1.2) -> list[float]:
    """Column widths of a table in ems for a page `room` ems wide: each column as wide as its
    longest cell when they all fit, else the widest columns are narrowed to one common cap
    (so a long task title wraps and short columns such as dates and regions stay whole)."""
    natural = []
    for index in range(len(block.align)):
        cells = [row[index] for row in block.rows if index < len(row)]
        if block.header:
            cells.append(block.header[index])
        natural.append(max((display_width(c) for c in cells), default=1.0) + padding)
    if sum(natural) <= room:
        return natural
    low, high = 0.0, max(natural)
    for _ in range(40):   # the cap at which the capped widths fill the room
        cap = (low + high) / 2
        if sum(min(w, cap) for w in natural) > room:
            high = cap
        else:
            low = cap
    return [min(w, low) for w in natural]


def title(parts: list[Block]) -> str:
    found = [b.text for b in parts if b.kind == "title"]
    return found[0] if found else ""
