"""What a clerk told the loader once: which column is which, what a word means.

A `Mapping` is plain data. It is keyed by the *header shape* of a sheet (the
normalised header texts, left to right), so that next month's sheet of the same
form is understood without asking again. It carries:

- `columns`: header text (as `clean.normalise_header` gives it) -> a canonical
  column name of `loaders.aliases.ALIASES` (or one of `EXTRA_FIELDS`), or
  `IGNORE` to leave the column out;
- `words`: a status word (as `clean.status_key` gives it) -> one of
  `clean.STATUSES`.

The locator applies `columns` before the alias table; the normaliser looks a
status word up in `words` before the built-in vocabulary. Where mappings are
kept and found is `loaders.mappings_store`; this module does no I/O.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from loaders.clean import STATUSES, normalise_header, status_key

IGNORE = "ignore"

# The columns a clerk may assign, in the order the mapping step offers them.
ASSIGNABLE: tuple[str, ...] = (
    "title", "unit", "region", "township", "category", "status", "completed_flag", "progress",
    "progress_pct", "deadline", "planned_investment", "actual_investment", "beneficiaries",
    "satisfaction", "person", "seq", IGNORE,
)


class MappingError(ValueError):
    """A mapping file or entry that cannot be used; the message says what to fix."""


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    name: str | None = None  # how the clerk or admin refers to it (CLI --mapping NAME)

    def __post_init__(self) -> None:
        self.columns = {normalise_header(k): v for k, v in self.columns.items() if normalise_header(k)}
        self.words = {key: v for k, v in self.words.items() if (key := status_key(k))}
        for header, target in self.columns.items():
            if target not in ASSIGNABLE:
                raise MappingError(f"Column '{header}' is mapped to '{target}', which is not one of: "
                                   f"{', '.join(ASSIGNABLE)}.")
        for word, status in self.words.items():
            if status not in STATUSES:
                raise MappingError(f"Word '{word}' is mapped to '{status}'; use one of: {', '.join(STATUSES)}.")

    def __bool__(self) -> bool:
        return bool(self.columns or self.words)

    def merged(self, other: Mapping | None) -> Mapping:
        """This mapping with `other`'s entries on top (other wins)."""
        if other is None:
            return self
        return Mapping({**self.columns, **other.columns}, {**self.words, **other.words}, other.name or self.name)

    def to_json(self) -> str:
        return json.dumps({"columns": self.columns, "words": self.words}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, name: str | None = None) -> Mapping:
        try:
            data = json.loads(text) if text else {}
        except json.JSONDecodeError as error:
            raise MappingError(f"The mapping is not valid JSON ({error.msg}, line {error.lineno}).") from None
        if not isinstance(data, dict):
            raise MappingError('A mapping is a JSON object: {"columns": {...}, "words": {...}}.')
        columns, words = data.get("columns") or {}, data.get("words") or {}
        if not isinstance(columns, dict) or not isinstance(words, dict):
            raise MappingError('"columns" and "words" must each be an object of text to text.')
        return cls({str(k): str(v) for k, v in columns.items()}, {str(k): str(v) for k, v in words.items()}, name)


def header_shape(header_texts) -> str:
    """The key of a sheet's form: its header texts, normalised, left to right,
    blanks kept as empty places so that a moved column makes a new shape."""
    return "|".join(normalise_header(t) for t in header_texts).rstrip("|")
