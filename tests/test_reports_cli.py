"""`python -m reports bulletin`: the 通报 from the command line (for cron), the same as
the briefing page's downloads. Exit codes and messages as the loader's."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from tests.dbfixtures import sample_config, sample_db
from tests.served import CHROMIUM, chromium, serve

ROOT = Path(__file__).resolve().parent.parent
MONTH = "2021-06"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports-cli")
    return sample_db(folder / "sample.duckdb"), sample_config(folder)


def run(store, *args: str, lang: str = "zh") -> subprocess.CompletedProcess:
    db, config = store
    env = {**os.environ, "TAIZHANG_DB": str(db), "TAIZHANG_CONFIG": str(config), "TAIZHANG_LANG": lang}
    return subprocess.run([sys.executable, "-m", "reports", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [(sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book]


def paragraphs(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]


@pytest.mark.parametrize("kind", ["pdf", "docx", "xlsx", "png"])
def test_each_format_is_written_with_exit_0(store, tmp_path, kind):
    target = tmp_path / f"通报.{kind}"
    done = run(store, "bulletin", "--month", MONTH, "--format", kind, "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert f"已生成 {target}" in done.stdout and done.stderr == ""
    magic = {"pdf": b"%PDF", "docx": b"PK", "xlsx": b"PK", "png": b"\x89PNG"}[kind]
    assert target.read_bytes().startswith(magic)


def test_the_png_zip_holds_every_chart(store, tmp_path):
    target = tmp_path / "charts.zip"
    assert run(store, "bulletin", "--month", MONTH, "--format", "png", "-o", str(target)).returncode == 0
    with zipfile.ZipFile(target) as archive:
        assert [n.split("-", 1)[1] for n in archive.namelist()] == ["regions.png", "movers.png", "investment.png",
                                                                      "overdue.png"]


def test_refusals_say_why_with_exit_1_and_write_nothing(store, tmp_path):
    target = tmp_path / "x.pdf"
    done = run(store, "bulletin", "--month", "2019-01", "--format", "pdf", "-o", str(target))
    assert done.returncode == 1 and "2019-01 没有任何台账数据" in done.stderr and "Traceback" not in done.stderr
    done = run(store, "bulletin", "--month", MONTH, "--region", "火星县", "--format", "pdf", "-o", str(target),
               lang="en")
    assert done.returncode == 1 and "no data for region '火星县'" in done.stderr
    assert not target.exists()


@pytest.mark.parametrize("args", [["--month", "2021-13"], ["--format", "gif"], ["--measure", "vibes"]])
def test_wrong_usage_is_exit_2(store, tmp_path, args):
    base = {"--month": MONTH, "--format": "pdf"}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    flat = [x for pair in base.items() for x in pair]
    assert run(store, "bulletin", *flat, "-o", str(tmp_path / "x")).returncode == 2


@pytest.mark.skipif(not CHROMIUM.exists() or not shutil.which("pdftotext"), reason="needs Chromium and poppler")
def test_the_command_line_gives_what_the_briefing_page_downloads(store, tmp_path):
    """The page's PDF, Word and Excel buttons against the command line: the same text
    and cells (the files differ only in the timestamps inside them)."""
    db, config = store
    with serve(db, env={"TAIZHANG_CONFIG": str(config)}) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{base}/briefing?month={MONTH}", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stDownloadButton"] button', timeout=60_000)
        downloaded = {}
        for kind, label in (("pdf", "PDF"), ("docx", "Word"), ("xlsx", "Excel")):
            with page.expect_download(timeout=120_000) as info:
                page.locator('[data-testid="stDownloadButton"] button', has_text=label).first.click()
            path = tmp_path / f"page.{kind}"
            info.value.save_as(path)
            downloaded[kind] = path.read_bytes()
        context.close()
    made = {}
    for kind in ("pdf", "docx", "xlsx"):
        target = tmp_path / f"cli.{kind}"
        done = run(store, "bulletin", "--month", MONTH, "--format", kind, "-o", str(target))
        assert done.returncode == 0, done.stderr
        made[kind] = target.read_bytes()
    assert pdf_text(made["pdf"], tmp_path) == pdf_text(downloaded["pdf"], tmp_path)
    assert paragraphs(made["docx"]) == paragraphs(downloaded["docx"])
    assert cells(made["xlsx"]) == cells(downloaded["xlsx"])
