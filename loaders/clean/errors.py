"""CellError: a cell whose text cannot be read, with its CATALOGUE code."""
from __future__ import annotations

CELL_ERROR_CODES = frozenset({
    "bad_status", "bad_flag", "bad_amount", "negative_amount", "bad_count",
    "bad_date", "ambiguous_date", "date_as_number", "bad_percent", "bad_satisfaction",
})


class CellError(ValueError):
    """A cell whose text cannot be read. `code` is a CATALOGUE code, `value`
    the cell text as the clerk wrote it (stripped)."""

    def __init__(self, code: str, value: str):
        if code not in CELL_ERROR_CODES:
            raise ValueError(f"unknown cell error code {code!r}")
        self.code = code
        self.value = value
        super().__init__(f"{code}: {value!r}")

    def __reduce__(self):  # picklable (multiprocessing)
        return (CellError, (self.code, self.value))
