"""benchmarks/ingest.py runs end to end on a small ledger and reports the fixed costs on their own."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ingest_benchmark_prints_ratios_and_fixed_costs():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "ingest.py"), "--rows", "300", "--big", "0",
                          "--repeat", "1"], capture_output=True, text=True, check=True, timeout=300).stdout
    assert "ratio baseline/ours" in out and "x the floor" in out
    assert "interpreter start" in out and "imports" in out
    assert "schema check" in out and "archive copy" in out and "checkpoint" in out
    assert "python -m loaders ingest --json" in out
