"""Screenshots of every page in Chinese and English, on a 1920x1080 screen and a
390x844 phone, into screenshots/ (git-ignored). Look at them before a release.

    .venv/bin/python benchmarks/screenshots.py [--db PATH] [--out screenshots]

Without --db it builds the small sample database of the tests (with a map).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.dbfixtures import sample_config, sample_db  # noqa: E402
from tests.served import launch, serve  # noqa: E402
from tests.test_browser import CONTRACT_PATHS, settle  # noqa: E402

VIEWPORTS = {"desktop": (1920, 1080), "phone": (390, 844)}
# Views beyond the bare URLs: a chosen unit, a filtered overview, another league
EXTRA_VIEWS = ["/units?unit=东湖县教育局", "/?region=西山县", "/rankings?level=region&measure=composite"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database to show (default: the test sample)")
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--pages", nargs="*", default=CONTRACT_PATHS + EXTRA_VIEWS)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        env = {}
        if args.db:
            db = Path(args.db)
        else:
            db = sample_db(Path(folder) / "sample.duckdb")
            env["TAIZHANG_CONFIG"] = str(sample_config(folder))
        with serve(db, env=env) as base, sync_playwright() as playwright:
            browser = launch(playwright)
            for name, (width, height) in VIEWPORTS.items():
                context = browser.new_context(viewport={"width": width, "height": height},
                                              device_scale_factor=1, is_mobile=name == "phone",
                                              has_touch=name == "phone")
                page = context.new_page()
                for path in args.pages:
                    for lang in ("zh", "en"):
                        started = time.perf_counter()
                        joiner = "&" if "?" in path else "?"
                        page.goto(f"{base}{path}{joiner}lang={lang}", wait_until="domcontentloaded")
                        settle(page)
                        page.wait_for_timeout(400)
                        slug = (path.strip("/").replace("?", "-").replace("&", "-").replace("=", "-")
                                or "overview")
                        slug = slug if not slug.startswith("-") else "overview" + slug
                        target = out / f"{slug}-{lang}-{name}.png"
                        # Streamlit scrolls inside its main block, so grow the window to the content
                        tall = page.evaluate(
                            "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                            "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight), 0)")
                        page.set_viewport_size({"width": width, "height": max(height, int(tall) + 40)})
                        page.wait_for_timeout(500)
                        page.screenshot(path=str(target), full_page=True)
                        page.set_viewport_size({"width": width, "height": height})
                        errors = page.locator('[data-testid="stException"]').count()
                        print(f"{target.name:40s} {time.perf_counter() - started:5.1f} s"
                              f"{'  EXCEPTION' if errors else ''}")
                context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
