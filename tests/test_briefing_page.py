"""/briefing through Streamlit's AppTest: slides, presenter mode, auto-advance, downloads."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import briefing

ROOT = Path(__file__).resolve().parent.parent
HEADERS = {"zh": ["总体进展", "县区对比", "红榜", "黑榜", "进位与退位", "投资情况", "逾期事项", "群众满意度"],
           "en": ["Headline figures", "Regions compared", "Red list", "Black list", "Biggest movers", "Investment",
                  "Overdue items", "People's satisfaction"]}


def open_briefing(lang: str = "zh", **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/briefing.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, key: str):
    found = [b for b in at.button if b.key == key]
    assert found, [b.key for b in at.button]
    return found[0]


def header(at: AppTest) -> str:
    """The slide's title as shown (the red list's is coloured: ":red[红榜]")."""
    value = at.header[0].value
    return value[5:-1] if value.startswith(":red[") else value


def captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_slide_and_the_pdf_button(sample_env, lang):
    at = open_briefing(lang)
    assert at.title[0].value == ("通报" if lang == "zh" else "Bulletin")
    labels = [b.label for b in at.get("download_button")]
    assert any("PDF" in label for label in labels), labels
    assert any("Word" in label for label in labels) and any("Excel" in label for label in labels)
    assert any("PNG" in label for label in labels)
    assert ".j2" not in captions(at) and "templates/" not in captions(at)  # no server paths for presenters
    seen = [header(at)]
    for _ in range(len(briefing.SLIDES)):
        button(at, "briefing_next").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        seen.append(header(at))
    assert seen == HEADERS[lang] + HEADERS[lang][:1]
    button(at, "briefing_prev").click().run()
    assert header(at) == HEADERS[lang][-1]


def test_slides_show_the_red_and_black_lists(sample_env):
    at = open_briefing(measure="completion_rate")
    for _ in range(2):
        button(at, "briefing_next").click().run()
    red = at.table[0].value
    assert list(red["单位"])[:4] == ["城关区民政局", "城关区住建局", "东湖县教育局", "东湖镇"]
    button(at, "briefing_next").click().run()
    black = at.table[0].value
    assert list(black["单位"])[:2] == ["西山乡", "=2+3合作社"]


def test_presenter_mode_hides_the_page_chrome(sample_env):
    at = open_briefing(present="1")
    assert not at.title                      # no page title, no downloads: only the slide
    assert not at.get("download_button")
    assert header(at) == "总体进展"
    exit_ = button(at, "briefing_exit")
    assert button(at, "briefing_next").proto.shortcut.lower() in ("right", "arrowright")
    assert button(at, "briefing_prev").proto.shortcut.lower() in ("left", "arrowleft")
    exit_.click().run()
    assert at.title[0].value == "通报"
    assert any("PDF" in b.label for b in at.get("download_button"))


def test_filters_from_other_pages_carry_over(sample_env):
    at = open_briefing(month="2021-05", region="西山县")
    assert "2021年5月" in captions(at) and "西山县" in captions(at)
    button(at, "briefing_next").click().run()
    assert header(at) == "西山县各单位对比"


def test_auto_advance_steps_when_the_interval_has_passed(sample_env):
    at = open_briefing()
    at.session_state[briefing.KEY_AUTO] = True
    at.session_state[briefing.KEY_STEPPED] = -1e9   # long ago
    at.run()
    assert header(at) == "县区对比"
    at.run()                                         # again at once: too soon to step
    assert header(at) == "县区对比"


def test_loop_over_regions_moves_the_region_filter(sample_env):
    at = open_briefing()
    at.session_state[briefing.KEY_AUTO] = True
    at.session_state[briefing.KEY_LOOP] = True
    at.session_state[briefing.KEY_SLIDE] = len(briefing.SLIDES) - 1
    at.session_state[briefing.KEY_STEPPED] = -1e9
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["region"] == "东湖县"   # regions in the sidebar's order
    assert header(at) == "总体进展"
    assert "东湖县" in captions(at)


def test_next_view():
    regions = ["东湖县", "西山县"]
    assert briefing.next_view(0, None, regions, loop=True, count=3) == (1, None)
    assert briefing.next_view(2, None, regions, loop=False, count=3) == (0, None)
    assert briefing.next_view(2, None, regions, loop=True, count=3) == (0, "东湖县")
    assert briefing.next_view(2, "东湖县", regions, loop=True, count=3) == (0, "西山县")
    assert briefing.next_view(2, "西山县", regions, loop=True, count=3) == (0, None)
    assert briefing.next_view(2, "其他", regions, loop=True, count=3) == (0, "东湖县")


def test_file_names_carry_no_path_characters():
    import datetime as dt

    assert briefing.file_stem(dt.date(2021, 6, 1), None) == "通报-2021-06"
    assert briefing.file_stem(dt.date(2021, 6, 1), "a/b:c") == "通报-2021-06-a_b_c"


def test_empty_database_says_so(tmp_path, monkeypatch):
    from tests.dbfixtures import build

    monkeypatch.setenv("TAIZHANG_DB", str(build(tmp_path / "empty.duckdb")))
    at = open_briefing()
    assert at.title[0].value == "通报"
    assert at.info


def test_table_rows_over_slides():
    chunks = briefing._chunks
    assert chunks(0, 7, 8) == [(0, 0)]
    assert chunks(7, 7, 8) == [(0, 7)]
    assert chunks(14, 7, 7) == [(0, 7), (7, 14)]
    assert chunks(16, 7, 8) == [(0, 7), (7, 15), (15, 16)]
    assert chunks(100, 7, 8) == [(0, 7), (7, 15), (15, 23), (23, 31)][:briefing.MAX_PARTS]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_long_table_continues_on_the_next_slide(tmp_path, monkeypatch, lang):
    from tests.dbfixtures import build
    from tests.test_slides_fit import REGIONS, city_rows

    monkeypatch.setenv("TAIZHANG_DB", str(build(tmp_path / "city.duckdb", city_rows())))
    at = open_briefing(lang)
    regions, cont = ("县区对比", "（续）") if lang == "zh" else ("Regions compared", " (cont.)")
    region_col = "县区" if lang == "zh" else "Region"
    seen, shown = [header(at)], []
    for _ in range(40):
        button(at, "briefing_next").click().run()
        assert not at.exception, [e.value for e in at.exception]
        title = header(at)
        if title.startswith(regions):
            shown += list(at.table[0].value[region_col])
        if title == seen[0]:
            break
        seen.append(title)
    parts = -(-len(REGIONS) // briefing.SIDE_ROWS)
    assert seen[1:1 + parts] == [regions] + [regions + cont] * (parts - 1)
    assert sorted(shown) == sorted(REGIONS)                 # every region once, none cut off
    overdue = "逾期事项" if lang == "zh" else "Overdue items"
    assert seen[seen.index(overdue) + 1] == overdue + cont
    assert f"1 / {len(seen)}" in captions(at)                # the counter counts the continuations
    assert len(seen) > len(briefing.SLIDES)


# --- a region that sent nothing, tied lists, a first month (tests/test_bulletin.py's data) ---

def plain(value: str) -> str:
    """A title or caption as read: markdown escapes dropped ("\\(" -> "(")."""
    return re.sub(r"\\(.)", r"\1", value)


def captions_of(at: AppTest) -> list[str]:
    return [plain(str(c.value)) for c in at.caption]


@pytest.fixture
def silent_env(tmp_path, monkeypatch):
    from tests.test_bulletin import silent_region_db

    monkeypatch.setenv("TAIZHANG_DB", str(silent_region_db(tmp_path / "silent.duckdb")))


WORDS = {
    "zh": {"silent": "本月未报送的县区：云溪县。", "no_change": "上月无排名，不显示名次变化。",
           "regions": "县区对比", "red": "红榜（前5名，并列共9个）", "black": "黑榜（后5名，并列共7个）",
           "cont": "（续）", "region": "县区", "change": "较上月"},
    "en": {"silent": "Regions that sent nothing this month: 云溪县.",
           "no_change": "No ranking last month, so no rank change is shown.",
           "regions": "Regions compared", "red": "Red list (top 5, 9 with ties)",
           "black": "Black list (bottom 5, 7 with ties)", "cont": " (cont.)", "region": "Region",
           "change": "Change"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_slide_2_names_the_region_that_sent_nothing(silent_env, lang):
    words = WORDS[lang]
    at = open_briefing(lang, measure="completion_rate")
    button(at, "briefing_next").click().run()
    assert header(at) == words["regions"]
    assert list(at.table[0].value[words["region"]]) == ["东湖县", "西山县"]   # no row of 0 for 云溪县
    assert sum(c.count(words["silent"]) for c in captions_of(at)) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tied_lists_say_so_in_their_title_on_every_part(silent_env, lang):
    words = WORDS[lang]
    at = open_briefing(lang, measure="completion_rate")
    titles = []
    for _ in range(4):
        button(at, "briefing_next").click().run()
        assert not at.exception, [e.value for e in at.exception]
        titles.append(plain(header(at)))
    # nine units tie on the red list: over two slides (briefing.TABLE_ROWS), both titled with the tie
    assert titles[1:] == [words["red"], words["red"] + words["cont"], words["black"]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_a_previous_month_the_change_column_is_blank_and_says_why(silent_env, lang):
    words = WORDS[lang]
    at = open_briefing(lang, measure="completion_rate")
    for _ in range(4):   # the regions slide, the red list and its continuation, the black list
        button(at, "briefing_next").click().run()
        table = at.table[0].value
        assert set(table[words["change"]]) == {""}, (header(at), list(table[words["change"]]))
        assert sum(c.count(words["no_change"]) for c in captions_of(at)) == 1, (header(at), captions_of(at))


def test_with_a_previous_month_the_change_column_shows_the_moves(sample_env):
    at = open_briefing(measure="completion_rate")
    for _ in range(2):
        button(at, "briefing_next").click().run()
        changes = list(at.table[0].value["较上月"])
        assert all(changes) and "—" not in changes, changes
        assert not any("上月无排名" in c for c in captions_of(at))
    assert header(at) == "红榜"   # five units, no tie: the plain title


@pytest.mark.parametrize("lang, said", [("zh", "本月尚无满意度评价"), ("en", "Nothing was rated this month")])
def test_the_satisfaction_slide_does_not_call_no_ratings_good_news(sample_env, lang, said):
    """The sample's ledgers give no 群众满意度 and no resident rated: "no task was rated
    dissatisfied" would read as praise for what nobody was asked."""
    at = open_briefing(lang)
    button(at, "briefing_prev").click().run()   # the last slide: 群众满意度
    assert header(at) == HEADERS[lang][-1]
    shown = [str(i.value) for i in at.info]
    assert any(said in s for s in shown), shown
    assert not any("本月没有不满意" in s or "rated dissatisfied" in s for s in shown)
