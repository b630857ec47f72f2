"""Problems found in an uploaded file: collected, never thrown one at a time.

Each problem has a code from CATALOGUE, a place (file, sheet, row, column) and
parameters for its message template, which exists in Chinese and English (the
catalogue's "problem.<code>" keys, present/strings_problems.py).
Row numbers are 1-based as the clerk sees them in Excel; columns are letters.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from present import catalogue
from present.catalogue import STRINGS

# code -> (Chinese template, English template), from the catalogue's "problem.<code>"
# keys (present/strings_problems.py). Templates may use the problem's params and {value}.
PROBLEM_PREFIX = "problem."
CATALOGUE: dict[str, tuple[str, str]] = {key.removeprefix(PROBLEM_PREFIX): words for key, words in STRINGS.items()
                                         if key.startswith(PROBLEM_PREFIX)}


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    code: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # Excel letter
    column_name: str | None = None  # the header as written in the sheet
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def place(self, lang: str = "zh") -> str:
        parts = []
        if self.file:
            parts.append(catalogue.text("place.file", lang, file=self.file))
        if self.sheet:
            parts.append(catalogue.text("place.sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(catalogue.text("place.row", lang, row=self.row))
        if self.column:
            label = catalogue.text("place.column", lang, column=self.column)
            if self.column_name:
                label += catalogue.text("place.column_name", lang, name=self.column_name)
            parts.append(label)
        return catalogue.text("place.sep", lang).join(parts)

    def text(self, lang: str = "zh") -> str:
        """The message without its place."""
        zh, en = CATALOGUE[self.code]
        template = zh if lang == "zh" else en
        params = {"sheet": self.sheet or "", "column_name": self.column_name or "", **self.params}
        try:
            return template.format(**params)
        except (KeyError, IndexError):
            return template

    def message(self, lang: str = "zh") -> str:
        place = self.place(lang)
        return f"{place}{catalogue.text('place.end', lang)}{self.text(lang)}" if place else self.text(lang)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "column_name": self.column_name,
            "message_zh": self.message("zh"),
            "message_en": self.message("en"),
        }


class FileRefused(Exception):
    """The file cannot be loaded at all. Carries every problem found."""

    def __init__(self, problems: list[Problem], layout=None):
        self.problems = list(problems)
        # The header the loader found, when it found one: what the mapping step shows.
        self.layout = layout
        super().__init__("; ".join(p.message("en") for p in self.problems))


def refuse(code: str, **kwargs) -> FileRefused:
    """Shorthand: `raise refuse("encrypted", file=name)`."""
    place = {k: kwargs.pop(k) for k in ("file", "sheet", "row", "column", "column_name") if k in kwargs}
    return FileRefused([Problem(code, params=kwargs, **place)])


# How rows' statuses were decided (pipeline.Prepared.status_sources), said with
# the result in the browser and on the command line: the catalogue's
# "status_source.*" keys; a source "rule:<name>" is "status_source.rule.<name>".
SOURCE_PREFIX = "status_source."
# the rules in the order they are listed (the order of their keys)
RULES = tuple(f"rule:{key.removeprefix(SOURCE_PREFIX + 'rule.')}" for key in STRINGS
              if key.startswith(SOURCE_PREFIX + "rule."))


def describe_sources(sources: dict[str, int], lang: str = "zh") -> str | None:
    """"进展判断：按状态词 12 行，按文字规则 4 行（其中…）" from Prepared.status_sources."""
    def key(source: str) -> str:
        return f"{SOURCE_PREFIX}{source.replace(':', '.', 1)}"

    def say(source: str, **values) -> str:
        zh, en = STRINGS[key(source)]
        return (zh if lang == "zh" else en).format(**values)

    sep, inner = ("，", "、") if lang == "zh" else (", ", ", ")
    parts = [say(name, n=sources[name]) for name in ("word", "flag", "percent") if sources.get(name)]
    rules = sorted((k for k in sources if k.startswith("rule:") and sources[k]),
                   key=lambda k: RULES.index(k) if k in RULES else len(RULES))
    if rules:
        detail = inner.join(say(k, n=sources[k]) if k in RULES else f"{k[5:]} {sources[k]}" for k in rules)
        parts.append(say("rule", n=sum(sources[k] for k in rules), detail=detail))
    return say("line", parts=sep.join(parts)) if parts else None
