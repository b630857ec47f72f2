"""Under CI=true a test that needs Chromium, PostgreSQL or poppler fails instead of
skipping (tests/conftest.py); other skips stay skips, and outside CI nothing changes."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = '''
import pytest

@pytest.mark.skipif(True, reason="no Chromium at /nowhere (apt-get install chromium)")
def test_needs_a_browser():
    pass

def test_needs_poppler():
    pytest.skip("poppler-utils not installed")

@pytest.mark.skipif(True, reason="the CSV county skipped February with this seed")
def test_skipped_for_another_reason():
    pass
'''


def run(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess:
    probe = ROOT / "tests" / f"test_probe_{os.getpid()}_{int(ci)}.py"
    probe.write_text(PROBE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    try:
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    finally:
        probe.unlink()


def test_under_ci_a_missing_system_part_fails_the_run(tmp_path):
    done = run(tmp_path, ci=True)
    assert done.returncode != 0
    assert "cannot be skipped: Skipped: no Chromium" in done.stdout
    assert "cannot be skipped: Skipped: poppler-utils not installed" in done.stdout
    assert "1 skipped" in done.stdout  # the seed's skip is still a skip


def test_outside_ci_they_are_skips(tmp_path):
    done = run(tmp_path, ci=False)
    assert done.returncode == 0, done.stdout
    assert "3 skipped" in done.stdout
