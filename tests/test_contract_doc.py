"""docs/contract.md is the public surface kept in the project: it must hold every
line of the coordinating office's contract (../shared/CONTRACT.md, beside the
project where the office keeps it), in order, and may only add to it."""
from __future__ import annotations

import pytest

from tests.served import ROOT

SHARED = ROOT.parent / "shared" / "CONTRACT.md"
OURS = ROOT / "docs" / "contract.md"


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


@pytest.mark.skipif(not SHARED.exists(), reason="the office's contract is not beside this checkout")
def test_docs_contract_holds_every_line_of_the_shared_contract_in_order():
    shared = _lines(SHARED.read_text(encoding="utf-8"))
    ours = _lines(OURS.read_text(encoding="utf-8"))
    position, missing = 0, []
    for line in shared[3:]:   # after the title and the intro, which says where it comes from
        found = next((i for i in range(position, len(ours)) if ours[i].startswith(line.rstrip(".")[:60])), None)
        if found is None:
            missing.append(line)
        else:
            position = found + 1
    assert not missing, missing


def test_every_citation_of_the_contract_points_inside_the_project():
    cited = [f"{path.relative_to(ROOT)}" for pattern in ("*.py", "*.md", "Makefile")
             for path in ROOT.rglob(pattern)
             if ".venv" not in path.parts and path != OURS and "tests" not in path.parts
             and "CONTRACT.md" in path.read_text(encoding="utf-8", errors="replace")]
    assert not cited, cited
