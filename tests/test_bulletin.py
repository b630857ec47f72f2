"""The monthly bulletin (通报): figures against the database, the template, PDF, Word, Excel, PNG."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import duckdb
import pytest

import metrics
from metrics.overdue import overdue
from reports import bulletin, document, figures, fonts, images, pdf, word, workbook
from reports.document import TemplateProblem
from taizhang.database import reading
from tests.dbfixtures import build, sample_rows, task

ROOT = Path(__file__).resolve().parent.parent
JUNE = dt.date(2021, 6, 1)
TODAY = dt.date(2021, 7, 5)
TITLE = "关于2021年6月“我为群众办实事”工作进展情况的通报"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def formula_units() -> list[dict]:
    """Two units whose names a spreadsheet would run as formulas, and one named like markup."""
    rows = []
    for unit, completed in (("=1+1", 5), ("@SUM(A1)", 0), ("| **粗体** #标题", 2)):
        for report_month in ("2021-05", "2021-06"):
            for i in range(5):
                rows.append(task(report_month, unit, f"{unit}事项{i + 1}",
                                 "completed" if i < completed else "in_progress", region="南湖区",
                                 deadline="2021-04-30" if i == 4 else None))
    return rows


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("bulletin") / "bulletin.duckdb", sample_rows() + formula_units())


@pytest.fixture(scope="module")
def june(db) -> bulletin.Bulletin:
    with reading(str(db)) as con:
        return bulletin.assemble(con, JUNE)


@pytest.fixture(scope="module")
def text(june) -> str:
    return document.render(june, today=TODAY)


@pytest.fixture(scope="module")
def parts(text):
    return document.blocks(text)


@pytest.fixture(scope="module")
def pdf_file(parts, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "bulletin.pdf"
    path.write_bytes(pdf.write(parts, title=document.title(parts)))
    return path


# --- figures ----------------------------------------------------------------------

def test_bulletin_figures_equal_the_database(db, june, text):
    con = duckdb.connect(str(db), read_only=True)
    tasks, completed, started, overdue_count, planned, actual = con.execute("""
        SELECT count(*), count(*) FILTER (WHERE status = 'completed'),
               count(*) FILTER (WHERE status <> 'not_started'),
               count(*) FILTER (WHERE status <> 'completed' AND deadline < DATE '2021-06-30'),
               sum(planned_investment), sum(actual_investment)
        FROM tasks WHERE report_month = DATE '2021-06-01'""").fetchone()
    units = con.execute("SELECT count(DISTINCT (region, unit)) FROM tasks WHERE report_month = DATE '2021-06-01'"
                        ).fetchone()[0]
    con.close()  # app code opens the file with its own settings; do not hold it
    k = june.kpis
    assert k["tasks"].value == tasks
    assert k["completed"].value == completed
    assert k["overdue"].value == overdue_count == len(june.overdue)
    assert k["completion_rate"].value == pytest.approx(completed / tasks)
    assert k["start_rate"].value == pytest.approx(started / tasks)
    assert k["planned_investment"].value == pytest.approx(planned)
    assert k["actual_investment"].value == pytest.approx(actual)
    assert june.units_reported == units

    # the words say the same figures
    assert f"共有{units}个单位报送台账" in text
    assert f"在账任务{tasks:,}项，已完成{completed:,}项" in text
    assert f"完成率**{completed / tasks * 100:.1f}%**" in text
    assert f"超过完成时限仍未完成的任务{overdue_count}项" in text

    # and the league tables are metrics.ranking's, not recomputed
    with reading(str(db)) as con2:
        ranking = metrics.ranking(con2, JUNE, measure="composite")
        regions = metrics.ranking(con2, JUNE, level="region", measure="composite")
        items = overdue(con2, JUNE)
    assert list(june.units.table["unit"]) == list(ranking.table["unit"])
    assert list(june.units.red["unit"]) == list(ranking.red["unit"])
    assert list(june.units.black["unit"]) == list(ranking.black["unit"])
    assert list(june.regions.table["region"]) == list(regions.table["region"])
    assert list(items["title"]) == list(june.overdue["title"])


def test_overdue_items_are_the_overdue_measure(db):
    with reading(str(db)) as con:
        items = overdue(con, JUNE)
        by_unit = metrics.measures(con, JUNE, JUNE, "unit")
    counts = items.groupby(["region", "unit"]).size().to_dict()
    expected = {(r, u): n for r, u, n, total in
                zip(by_unit["region"], by_unit["unit"], by_unit["overdue"], by_unit["is_total"]) if n and not total}
    assert counts == expected
    assert list(items["days_overdue"]) == sorted(items["days_overdue"], reverse=True)
    assert (items["deadline"] < dt.date(2021, 6, 30)).all()
    assert (items["status"] != "completed").all()


def test_movers_are_the_largest_rank_changes(june):
    table = june.units.table.dropna(subset=["previous_rank"])
    moves = (table["previous_rank"] - table["rank"]).astype(int)
    assert list(june.movers_up["moved"]) == sorted(june.movers_up["moved"], reverse=True)
    assert june.movers_up["moved"].iloc[0] == moves.max()
    assert june.movers_down["moved"].iloc[0] == moves.min()
    assert (june.movers_up["moved"] > 0).all() and (june.movers_down["moved"] < 0).all()
    assert len(june.movers_up) <= june.list_size


def test_first_month_has_no_rank_changes(db):
    with reading(str(db)) as con:
        april = bulletin.assemble(con, dt.date(2021, 4, 1))
    text = document.render(april, today=TODAY)
    assert april.movers_up.empty and april.movers_down.empty
    assert "2021年3月没有排名数据，本期不作名次比较。" in text


def test_region_scope_lists_its_units_only(db):
    with reading(str(db)) as con:
        west = bulletin.assemble(con, JUNE, region="西山县")
    text = document.render(west, today=TODAY)
    assert west.regions is None
    assert set(west.units.table["region"]) == {"西山县"}
    assert "关于2021年6月西山县“我为群众办实事”工作进展情况的通报" in text
    assert "县区对比" not in text


# --- a region that sent nothing, tied lists, a first month ------------------------

SILENT = "云溪县"


def silent_region_db(path: Path) -> Path:
    """June 2021 only (no previous month): 东湖县's nine units tied at 80%, 西山县's seven
    tied at 20% (one more unit of 西山县 is expected and sent nothing), and 云溪县, whose
    two expected units sent nothing at all."""
    from loaders.units_sheet import load_units

    rows = []
    for region, units, completed in (("东湖县", 9, 4), ("西山县", 7, 1)):
        for u in range(units):
            for i in range(5):
                rows.append(task("2021-06", f"{region}第{u + 1}单位", f"事项{i + 1}",
                                 "completed" if i < completed else "in_progress", region=region,
                                 category="解民忧暖民心" if i else "政策惠民"))
    build(path, rows)
    load_units(str(path), [(f"{SILENT}民政局", SILENT), (f"{SILENT}教育局", SILENT), ("西山县未报单位", "西山县")])
    return path


@pytest.fixture(scope="module")
def silent_db(tmp_path_factory) -> Path:
    return silent_region_db(tmp_path_factory.mktemp("silent") / "silent.duckdb")


def test_a_region_that_sent_nothing_is_named_in_the_region_comparison(silent_db, tmp_path):
    with reading(str(silent_db)) as con:
        b = bulletin.assemble(con, JUNE, measure="completion_rate")
        # 西山县 reported in 政策惠民 too, 云溪县 in nothing: only 云溪县 sent nothing
        by_category = bulletin.assemble(con, JUNE, measure="completion_rate", category="解民忧暖民心")
        west = bulletin.assemble(con, JUNE, region="西山县", measure="completion_rate")
    # a region with one silent unit among units that reported did report
    assert b.regions_not_reported == by_category.regions_not_reported == (SILENT,)
    assert west.regions_not_reported == ()
    parts = document.blocks(document.render(b, today=TODAY))
    section = parts[[p.text for p in parts].index("二、县区对比"):[p.text for p in parts].index("三、单位排名")]
    said = " ".join(p.text for p in section if p.kind != "table")
    assert f"本月未报送的县区：{SILENT}。" in said
    table = next(p for p in section if p.kind == "table")
    assert [row[2] for row in table.rows] == ["东湖县", "西山县"]   # no row of 0 for it
    assert f"本月未报送的县区：{SILENT}" not in document.render(west, today=TODAY)

    import docx

    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.write(parts, title=document.title(parts)))).paragraphs]
    assert any(f"本月未报送的县区：{SILENT}。" in text for text in paragraphs)
    if shutil.which("pdftotext"):
        path = tmp_path / "silent.pdf"
        path.write_bytes(pdf.write(parts, title=document.title(parts)))
        flat = re.sub(r"\s+", "", pdftotext(path))
        regions = flat[flat.index("二、县区对比"):flat.index("三、单位排名")]
        assert f"本月未报送的县区：{SILENT}。" in regions


# --- the template -----------------------------------------------------------------

def test_rendered_text_has_every_part(text):
    assert text.startswith(f"# {TITLE}")
    for part in ("一、总体进展", "二、县区对比", "三、单位排名", "（一）红榜", "（二）黑榜", "（三）进位与退位",
                 "四、逾期事项", "五、下一步工作", "附件"):
        assert part in text
    assert "-> 2021年7月5日" in text


def test_values_cannot_add_markup(parts):
    tables = [b for b in parts if b.kind == "table"]
    cells = [cell for b in tables for row in b.rows for cell in row]
    assert "| **粗体** #标题" in cells            # one cell, shown as written
    assert all(len(row) == len(b.align) for b in tables for row in b.rows)
    assert [b.text for b in parts if b.kind == "title"][0] == TITLE
    assert not any(b.kind == "title" and "粗体" in b.text for b in parts)


def test_markup_of_the_template_is_read():
    parts = document.blocks("# 标题\n~ 居中\n<- 各单位：\n正文**加粗**，\n接续\n\n- 一项\n-> 落款\n"
                            "| 甲 | 乙 |\n|:---|---:|\n| 1 | 2 |\n---\n## 附件\n")
    assert [b.kind for b in parts] == ["title", "center", "left", "paragraph", "bullet", "right", "table",
                                       "pagebreak", "heading"]
    assert parts[3].spans == (("正文", False), ("加粗", True), ("，接续", False))
    assert parts[6].header == ("甲", "乙") and parts[6].align == ("L", "R") and parts[6].rows == (("1", "2"),)
    assert document.escape("a|b*c\n#d") == r"a\|b\*c \#d"
    assert document.plain(document.escape("=1+1 @SUM(A1) <b>")) == "=1+1 @SUM(A1) <b>"


def test_template_errors_name_the_file_and_line(june, tmp_path):
    broken = tmp_path / "broken.md.j2"
    broken.write_text("# 标题\n{% if %}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem, match=r"broken\.md\.j2, line 2"):
        document.render(june, template=broken)
    unknown = tmp_path / "unknown.md.j2"
    unknown.write_text("{{ no_such_figure }}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="no_such_figure"):
        document.render(june, template=unknown)
    with pytest.raises(TemplateProblem, match="does not exist"):
        document.render(june, template=tmp_path / "missing.md.j2")


def test_an_edited_template_changes_the_wording(june, tmp_path, monkeypatch):
    edited = tmp_path / "mine.md.j2"
    edited.write_text("# {{ period }}工作通报\n\n本月完成率{{ k.completion_rate.text }}。\n", encoding="utf-8")
    monkeypatch.setenv("TAIZHANG_BULLETIN_TEMPLATE", str(edited))
    parts = document.blocks(document.render(june))
    assert document.title(parts) == "2021年6月工作通报"
    assert parts[1].text.startswith("本月完成率")


@pytest.mark.parametrize("key, delta, words", [
    ("completion_rate", 0.0123, "提高1.2个百分点"), ("completion_rate", -0.004, "下降0.4个百分点"),
    ("completion_rate", 0.0001, "持平"), ("overdue", 3, "增加3项"), ("tasks", -2, "减少2项"),
    ("planned_investment", 25_000.0, "增加2.50亿元"), ("beneficiaries", -150, "减少150人次"),
    ("completion_rate", None, ""),
])
def test_change_words(key, delta, words):
    assert document.change_words(key, delta) == words


# --- PDF ---------------------------------------------------------------------------

def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@needs_poppler
def test_pdf_text_has_title_and_the_leading_and_trailing_units(pdf_file, june):
    flat = re.sub(r"\s+", "", pdftotext(pdf_file))
    assert TITLE in flat
    first, last = june.units.table["unit"].iloc[0], june.units.table["unit"].iloc[-1]
    assert first == "城关区民政局"
    assert first in flat and last in flat
    assert "红榜" in flat and "黑榜" in flat and "逾期事项" in flat
    assert "=1+1" in flat and "@SUM(A1)" in flat
    assert "<script>alert(1)</script>" in flat


@needs_poppler
def test_pdf_embeds_its_cjk_fonts(pdf_file):
    listing = subprocess.run(["pdffonts", str(pdf_file)], check=True, capture_output=True, text=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and any("NotoSerifCJKSC" in row for row in rows) and any("NotoSansCJKSC" in row for row in rows)
    for row in rows:
        emb, sub, uni = row.split()[-5:-2]
        assert (emb, uni) == ("yes", "yes"), row


def test_every_character_has_a_glyph(text):
    """No missing-glyph boxes: the fonts cover every character the bulletin prints."""
    from fontTools.ttLib import TTFont

    needed = {c for c in document.plain(text) if not c.isspace()} | set("— •")
    for role in ("serif", "sans", "serif_bold", "sans_bold"):
        face = fonts.face(role)
        cmap = TTFont(str(face.path), fontNumber=face.index, lazy=True).getBestCmap()
        missing = sorted(c for c in needed if ord(c) not in cmap and not c.isspace())
        assert not missing, (role, missing)


@needs_poppler
def test_pdf_page_renders(pdf_file, tmp_path):
    """pdftoppm draws the first page; a copy is kept in screenshots/ to look at."""
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", str(pdf_file), str(tmp_path / "page")],
                   check=True)
    page = next(tmp_path.glob("page*.png"))
    data = page.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000
    shots = ROOT / "screenshots"
    shots.mkdir(exist_ok=True)
    shutil.copy(page, shots / "bulletin-page-1.png")


def test_line_breaking_keeps_numbers_and_marks_together():
    tokens = ["".join(c for c, _ in token) for token in pdf._tokens([(c, False) for c in "完成率46.5%，（较上月）"])]
    assert tokens == ["完", "成", "率", "46.5%，", "（较", "上", "月）"]


def test_missing_font_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "SEARCH_DIRS", (tmp_path,))
    monkeypatch.delenv("TAIZHANG_CJK_FONT_DIR", raising=False)
    fonts.face.cache_clear()
    try:
        with pytest.raises(fonts.FontMissing, match="apt-get install fonts-noto-cjk"):
            fonts.face("serif")
    finally:
        fonts.face.cache_clear()


# --- Word and Excel ----------------------------------------------------------------

def test_docx_has_the_text_and_names_chinese_fonts(parts, june):
    import docx
    from docx.oxml.ns import qn

    document_ = docx.Document(io.BytesIO(word.write(parts, title=document.title(parts))))
    paragraphs = [p.text for p in document_.paragraphs]
    assert paragraphs[0] == TITLE
    cells = {cell.text for table in document_.tables for row in table.rows for cell in row.cells}
    assert june.units.table["unit"].iloc[0] in cells and june.units.table["unit"].iloc[-1] in cells
    assert "=1+1" in cells
    runs = [run for p in document_.paragraphs for run in p.runs if run.text.strip()]
    for run in runs:
        east_asian = run._element.rPr.rFonts.get(qn("w:eastAsia"))
        assert east_asian in ("宋体", "黑体", "楷体", "仿宋"), (run.text, east_asian)


def test_xlsx_keeps_formula_like_names_as_text(june, tmp_path):
    import openpyxl

    path = tmp_path / "tables.xlsx"
    path.write_bytes(workbook.write(june))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:5] == ["单位排名", "县区排名", "红榜", "黑榜", "逾期事项"]
    seen = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value in ("=1+1", "@SUM(A1)", "=2+3合作社"):
                    seen[cell.value] = cell
    assert set(seen) == {"=1+1", "@SUM(A1)", "=2+3合作社"}
    for cell in seen.values():
        assert cell.data_type == "s"
        assert cell.quotePrefix  # stays text even when a clerk retypes the cell
    header = [c.value for c in book["单位排名"][1]][:5]
    assert header == ["名次", "较上月", "单位", "县区", "综合得分"]
    assert [c.value for c in book["单位排名"]["C"][1:2]] == [june.units.table["unit"].iloc[0]]
    overdue_rows = book["逾期事项"].max_row - 1
    assert overdue_rows == len(june.overdue)


def test_formula_like():
    assert all(workbook.formula_like(s) for s in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx"))
    assert not any(workbook.formula_like(s) for s in ("城关区", "1+1", "a=b"))


# --- PNG ---------------------------------------------------------------------------

@pytest.mark.skipif(not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None,
                    reason="no Chromium")
def test_charts_as_png(june, tmp_path):
    named = {"regions": figures.comparison(june, "zh", title="各县区综合得分", unknown="（未填）"),
             "movers": figures.movers(june, "zh", title="进位与退位", up_word="▲", down_word="▼"),
             "overdue": figures.overdue(june, "zh", title="逾期较多的单位")}
    archive = zipfile.ZipFile(io.BytesIO(images.zip_pngs(named)))
    assert archive.namelist() == ["regions.png", "movers.png", "overdue.png"]
    for name in archive.namelist():
        data = archive.read(name)
        assert data.startswith(b"\x89PNG")
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (1920, 1080)
    shots = ROOT / "screenshots"
    shots.mkdir(exist_ok=True)
    (shots / "bulletin-chart-regions.png").write_bytes(archive.read("regions.png"))


def test_missing_chromium_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TAIZHANG_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(images.ChromiumMissing, match="TAIZHANG_CHROMIUM"):
        images.chromium()


def test_docx_survives_control_characters_from_an_old_database():
    import docx

    from reports.document import Block

    parts = [Block("title", spans=(("通报\x01", False),)),
             Block("table", header=("单位",), rows=(("坏\x07单位",),), align=("L",))]
    document_ = docx.Document(io.BytesIO(word.write(parts, title="通报\x01")))
    assert document_.paragraphs[0].text == "通报"
    assert document_.tables[0].rows[1].cells[0].text == "坏单位"


def test_template_values_drop_control_characters():
    from reports.document import escape

    assert escape("坏\x07单位\x01") == "坏单位"
    assert escape("甲\t乙") == "甲\t乙"  # whitespace is not a control to drop
