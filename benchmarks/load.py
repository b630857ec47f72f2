"""Page times under load: N simulated viewers while ledgers are being loaded.

    .venv/bin/python benchmarks/load.py [--viewers 20 50] [--duration 60] [--modes file lake]

For each store mode it builds the demo store through the real loader
(`python -m loaders demo --months 2`), starts one `streamlit run dashboard.py`
on loopback and measures, in order:

- baseline: 1 viewer, no uploads;
- for each N in --viewers: N viewers without uploads (unless --skip-no-uploads),
  then N viewers while a background loop loads ledgers.

A viewer is a Playwright browser context (all of them in one Chromium) that
opens /rankings and / (overview) in turn. Page time runs from navigation start
to the moment the page settled: the KPI tiles (overview) or the league table
(rankings) are drawn, Streamlit's running indicator is gone and nothing is
stale, and it stays so for 300 ms (the time is taken at the start of that quiet
spell, in the browser's own clock). Errors: an exception shown, the "data is
being updated" or "cannot read" message (lock or store errors), no settled
page within --timeout, or a failed navigation.

The upload loop runs `python -m loaders ingest` of one demo ledger (a county's
CSV for the newest month) again and again, cycling its bytes through three
encodings the loader reads alike (GB18030, UTF-8, UTF-8 with BOM), so each load
really writes: it replaces that unit-month.

Modes: `file` is the DuckDB file (the default store); `lake` is DuckLake on a
PostgreSQL started here (tests/pgserver.py) with the Parquet files in a temp
folder. Every scenario is bounded by --duration and by --max-views (views under
way at the end may finish, within --timeout). Figures are reported as p50/p95
(a timed-out view counts as slower than any other) and as ratios to the
baseline of the same mode, so a run on another machine compares.

The browsers share the machine with the server, so the report also says where
the CPU went in each scenario (server, browsers, uploads, catalog, other jobs
on the machine) and the server's CPU seconds per page view: when the browsers
take the machine, page times measure them, and that figure still measures
the server.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("TAIZHANG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
PAGES = [("/rankings", '[data-testid="stDataFrame"]'), ("/", '[data-testid="stMetric"]')]
QUIET_MS = 300
# Texts of msg.busy and msg.unreadable (present/catalogue.py), in the default language.
STORE_TROUBLE = ["数据正在更新", "无法读取数据库"]

# Polled in the page: null until settled, then what the page shows.
SETTLED = """([ready, trouble, quietMs]) => {
  const exception = document.querySelector('[data-testid="stException"]');
  const alerts = [...document.querySelectorAll('[data-testid="stAlert"]')].map(a => a.innerText).join(' ');
  const storeError = trouble.some(t => alerts.includes(t));
  const drawn = document.querySelector(ready) || exception || storeError;
  const running = document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]');
  if (!drawn || running) { window.__tzQuiet = null; return null; }
  if (window.__tzQuiet == null) window.__tzQuiet = performance.now();
  if (performance.now() - window.__tzQuiet < quietMs) return null;
  return {ms: window.__tzQuiet, exception: !!exception, storeError, alerts: alerts.slice(0, 300)};
}"""


def run_loader(*args: str, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"loaders {' '.join(args[:1])} failed: {result.stderr[-2000:]}")
    return result


@contextlib.contextmanager
def dashboard(env: dict, log: Path):
    """`streamlit run dashboard.py` on a free loopback port; yields the base URL and the server's pid."""
    from tests.served import serve_process

    with serve_process(env, log) as (base, process):
        yield base, process.pid


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children."""
    import psutil

    with contextlib.suppress(psutil.Error):
        proc = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20
    return 0.0


CPU_PARTS = ("server", "browsers", "uploads", "catalog", "others")


class CpuMeter:
    """CPU seconds spent during a scenario, by whom, sampled every second.

    server: the streamlit process; browsers: Chromium and the Playwright driver;
    uploads: the ingest processes; catalog: the PostgreSQL of lake mode;
    others: everything else on the machine (other users' jobs skew the figures,
    and this says by how much). A process that ends loses at most its last second.
    """

    def __init__(self, server_pid: int, catalog_pid: int | None):
        import psutil

        self.psutil = psutil
        self.server_pid = server_pid
        self.catalog_pid = catalog_pid
        self.started = time.time()
        self.machine_start = self._machine_busy()
        self.first: dict[tuple[int, float], float] = {}
        self.last: dict[tuple[int, float], tuple[str, float]] = {}

    def _machine_busy(self) -> float:
        times = self.psutil.cpu_times()
        return sum(times) - times.idle - getattr(times, "iowait", 0.0)

    def _tree(self, pid: int | None) -> list:
        if pid is None:
            return []
        with contextlib.suppress(self.psutil.Error):
            root = self.psutil.Process(pid)
            return [root, *root.children(recursive=True)]
        return []

    def sample(self) -> None:
        server = self._tree(self.server_pid)
        server_pids = {p.pid for p in server}
        mine = [p for p in self._tree(os.getpid())[1:] if p.pid not in server_pids]
        for group, processes in (("server", server), ("catalog", self._tree(self.catalog_pid)), ("mine", mine)):
            for proc in processes:
                with contextlib.suppress(self.psutil.Error):
                    key = (proc.pid, proc.create_time())
                    times = proc.cpu_times()
                    used = times.user + times.system
                    part = group
                    if group == "mine":
                        part = "uploads" if "loaders" in " ".join(proc.cmdline()) else "browsers"
                    # a process that was already running counts from the scenario's start
                    self.first.setdefault(key, used if key[1] < self.started else 0.0)
                    self.last[key] = (part, used)

    def totals(self) -> dict[str, float]:
        spent = dict.fromkeys(CPU_PARTS, 0.0)
        for key, (part, used) in self.last.items():
            spent[part] += max(0.0, used - self.first[key])
        busy = self._machine_busy() - self.machine_start
        spent["others"] = max(0.0, busy - sum(spent.values()))
        spent["capacity"] = (time.time() - self.started) * (os.cpu_count() or 1)
        return spent


@dataclass
class Scenario:
    name: str
    viewers: int
    uploads: bool
    timeout_ms: float
    times_ms: list[float] = field(default_factory=list)
    exceptions: int = 0
    store_errors: int = 0
    timeouts: int = 0
    nav_errors: int = 0
    uploads_ok: int = 0
    uploads_failed: int = 0
    upload_errors: list[str] = field(default_factory=list)
    upload_s: list[float] = field(default_factory=list)
    server_rss_mib: float = 0.0
    wall_s: float = 0.0
    cpu_s: dict[str, float] = field(default_factory=dict)
    samples: dict[str, int] = field(default_factory=dict)  # what the errors said, and how often

    def note(self, kind: str, text: str) -> None:
        key = f"{kind}: {' '.join(text.split())[:160]}"
        self.samples[key] = self.samples.get(key, 0) + 1

    @property
    def views(self) -> int:
        return len(self.times_ms) + self.errors

    @property
    def errors(self) -> int:
        return self.exceptions + self.store_errors + self.timeouts + self.nav_errors

    def pct(self, q: float) -> float | None:
        """Nearest-rank percentile of page times; a view that timed out counts as infinitely slow."""
        values = sorted(self.times_ms) + [math.inf] * self.timeouts
        if not values:
            return None
        return values[max(0, math.ceil(q / 100 * len(values)) - 1)]


class Budget:
    """At most `limit` page views per scenario."""

    def __init__(self, limit: int):
        self.left = limit

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


async def view(page, url: str, ready: str, timeout_ms: float, result: Scenario) -> None:
    try:
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
    except Exception as error:
        result.nav_errors += 1
        result.note("navigation", str(error).splitlines()[0])
        return
    try:
        handle = await page.wait_for_function(SETTLED, arg=[ready, STORE_TROUBLE, QUIET_MS],
                                              polling=100, timeout=timeout_ms)
        shown = await handle.json_value()
    except Exception as error:
        result.timeouts += 1
        result.note("timeout", str(error).splitlines()[0])
        return
    if shown["exception"]:
        result.exceptions += 1
        result.note("exception", await page.locator('[data-testid="stException"]').first.inner_text())
    elif shown["storeError"]:
        result.store_errors += 1
        result.note("store", shown["alerts"])
    else:
        result.times_ms.append(shown["ms"])


async def viewer(browser, base: str, index: int, stop_at: float, budget: Budget, timeout_ms: float,
                 result: Scenario) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = await context.new_page()
        step = index  # viewers start on different pages
        while time.monotonic() < stop_at and budget.take():
            path, ready = PAGES[step % len(PAGES)]
            await view(page, base + path, ready, timeout_ms, result)
            step += 1
    finally:
        await context.close()


async def upload_loop(files: Iterator[Path], db: str, env: dict, stop: asyncio.Event, result: Scenario,
                      pause: float) -> None:
    while not stop.is_set():
        start = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "loaders", "ingest", str(next(files)), "--db", db, "--json",
            cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await process.communicate()
        statuses = [json.loads(line)["status"] for line in out.decode().splitlines() if line.startswith("{")]
        if process.returncode == 0 and statuses == ["loaded"]:
            result.uploads_ok += 1
            result.upload_s.append(time.monotonic() - start)
        else:
            result.uploads_failed += 1
            result.upload_errors.append((err.decode().strip().splitlines() or [str(statuses)])[-1][:200])
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)


async def sample(meter: CpuMeter, pid: int, stop: asyncio.Event, result: Scenario) -> None:
    while not stop.is_set():
        result.server_rss_mib = max(result.server_rss_mib, rss_mib(pid))
        meter.sample()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)
    meter.sample()


async def run_scenario(browser, base: str, pid: int, catalog_pid: int | None, scenario: Scenario, args,
                       uploads: Iterator[Path], db: str, env: dict) -> Scenario:
    stop = asyncio.Event()
    meter = CpuMeter(pid, catalog_pid)
    background = [asyncio.create_task(sample(meter, pid, stop, scenario))]
    if scenario.uploads:
        background.append(asyncio.create_task(upload_loop(uploads, db, env, stop, scenario, args.upload_pause)))
    start = time.monotonic()
    stop_at = start + args.duration
    budget = Budget(args.max_views)
    await asyncio.gather(*(viewer(browser, base, i, stop_at, budget, scenario.timeout_ms, scenario)
                           for i in range(scenario.viewers)))
    scenario.wall_s = time.monotonic() - start
    stop.set()
    await asyncio.gather(*background)
    scenario.cpu_s = meter.totals()
    return scenario


def upload_variants(demo_dir: Path, out: Path) -> list[Path]:
    """One county CSV of the newest month, in three encodings: each load replaces the last."""
    newest = sorted(p for p in demo_dir.iterdir() if p.is_dir())[-1]
    source = sorted(newest.glob("*.csv"))[0]
    raw = source.read_bytes()
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("gb18030")
    files = []
    # UTF-8 first: the GB18030 bytes are the demo's own, already loaded.
    for name, data in (("utf8", text.encode("utf-8")), ("bom", text.encode("utf-8-sig")),
                       ("gb18030", text.encode("gb18030"))):
        path = out / name / source.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files.append(path)
    return files


@contextlib.contextmanager
def store(mode: str, work: Path, months: int):
    """The demo store for a mode, built by the real loader; yields (target, env, catalog server pid)."""
    env = {**os.environ, "TAIZHANG_LANG": "en"}
    env.pop("TAIZHANG_CONFIG", None)
    catalog_pid = None
    with contextlib.ExitStack() as stack:
        if mode == "lake":
            from tests import pgserver

            if not pgserver.available():
                raise SystemExit("lake mode needs the PostgreSQL server binaries (initdb, pg_ctl, createdb)")
            server = pgserver.PostgresServer().start()
            stack.callback(server.stop)
            target = f"ducklake:postgres:{server.create_database('taizhang')}"
            env["TAIZHANG_DATA_PATH"] = str(work / "lake")
            catalog_pid = int((server.data / "postmaster.pid").read_text().split()[0])
        else:
            target = str(work / "taizhang.duckdb")
        env["TAIZHANG_DB"] = target
        run_loader("demo", "--db", target, "--months", str(months), "--out", str(work / "demo"), env=env)
        yield target, env, catalog_pid


async def run_mode(mode: str, args, work: Path) -> list[Scenario]:
    from playwright.async_api import async_playwright

    timeout_ms = args.timeout * 1000
    results = []
    with store(mode, work, args.months) as (target, env, catalog_pid):
        uploads = itertools.cycle(upload_variants(work / "demo", work / "uploads"))
        with dashboard(env, work / "streamlit.log") as (base, pid):
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    # Warm up: the first run of each page imports and compiles; not measured.
                    warm = Scenario("warm-up", 1, False, timeout_ms)
                    context = await browser.new_context()
                    page = await context.new_page()
                    for path, ready in PAGES:
                        await view(page, base + path, ready, timeout_ms, warm)
                    await context.close()
                    plan = [Scenario("baseline", 1, False, timeout_ms)]
                    for n in args.viewers:
                        if not args.skip_no_uploads:
                            plan.append(Scenario(f"{n} viewers", n, False, timeout_ms))
                        plan.append(Scenario(f"{n} viewers + uploads", n, True, timeout_ms))
                    for scenario in plan:
                        print(f"[{mode}] {scenario.name} ...", file=sys.stderr, flush=True)
                        results.append(await run_scenario(browser, base, pid, catalog_pid, scenario, args,
                                                          uploads, target, env))
                        print(f"[{mode}] {scenario.name}: {describe(scenario)}", file=sys.stderr, flush=True)
                finally:
                    await browser.close()
    return results


def describe(s: Scenario) -> str:
    return (f"{s.views} views, p50 {fmt_ms(s.pct(50), s)}, p95 {fmt_ms(s.pct(95), s)}, {s.errors} errors, "
            f"{s.uploads_ok} uploads ({s.uploads_failed} failed)")


def fmt_ms(ms: float | None, s: Scenario) -> str:
    if ms is None:
        return "-"
    if math.isinf(ms):
        return f"> {s.timeout_ms / 1000:.0f} s"
    return f"{ms:,.0f} ms"


def ratio(value: float | None, base: float | None, s: Scenario) -> str:
    if value is None or not base or math.isinf(base):
        return "-"
    if math.isinf(value):
        return f"> {s.timeout_ms / base:.0f}x"
    return f"{value / base:.1f}x"


def report(results: dict[str, list[Scenario]], args) -> str:
    lines = [
        f"Page time under load, {dt.date.today().isoformat()}, {os.cpu_count()} cores, "
        f"{_memory_gib():.0f} GiB, {platform.python_implementation()} {platform.python_version()}; "
        f"{args.duration:.0f} s per scenario, at most {args.max_views} views, timeout {args.timeout:.0f} s",
        "",
        "| mode | scenario | views | p50 | p95 | p50 vs baseline | p95 vs baseline "
        "| errors (exception / store / timeout / navigation) | uploads ok (failed) | upload p50 | server RSS |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for mode, scenarios in results.items():
        base = scenarios[0]
        for s in scenarios:
            upload_p50 = f"{statistics.median(s.upload_s):.1f} s" if s.upload_s else "-"
            lines.append(
                f"| {mode} | {s.name} | {s.views} | {fmt_ms(s.pct(50), s)} | {fmt_ms(s.pct(95), s)} "
                f"| {ratio(s.pct(50), base.pct(50), s)} | {ratio(s.pct(95), base.pct(95), s)} "
                f"| {s.errors} ({s.exceptions} / {s.store_errors} / {s.timeouts} / {s.nav_errors}) "
                f"| {s.uploads_ok} ({s.uploads_failed}) | {upload_p50} | {s.server_rss_mib:,.0f} MiB |")
    if "file" in results and "lake" in results:
        f, k = results["file"][0], results["lake"][0]
        lines += ["", f"lake baseline vs file baseline: p50 {ratio(k.pct(50), f.pct(50), k)}, "
                      f"p95 {ratio(k.pct(95), f.pct(95), k)}"]
    lines += ["", "CPU seconds spent per scenario (share of the machine's capacity over its wall time):", "",
              "| mode | scenario | wall | " + " | ".join(CPU_PARTS) + " | server CPU per settled view |",
              "|---|---|---:|" + "---:|" * (len(CPU_PARTS) + 1)]
    for mode, scenarios in results.items():
        for s in scenarios:
            cap = s.cpu_s.get("capacity") or 1.0
            parts = " | ".join(f"{s.cpu_s.get(p, 0):.0f} ({s.cpu_s.get(p, 0) / cap:.0%})" for p in CPU_PARTS)
            per_view = f"{s.cpu_s.get('server', 0) / len(s.times_ms):.2f} s" if s.times_ms else "-"
            lines.append(f"| {mode} | {s.name} | {s.wall_s:.0f} s | {parts} | {per_view} |")
    said = [f"  [{mode}, {s.name}] {n} x {text}" for mode, scenarios in results.items() for s in scenarios
            for text, n in sorted(s.samples.items(), key=lambda item: -item[1])]
    if said:
        lines += ["", "what the errors said:", *said]
    failures = {e for scenarios in results.values() for s in scenarios for e in s.upload_errors}
    if failures:
        lines += ["", "upload failures:", *sorted(f"  {e}" for e in failures)]
    return "\n".join(lines)


def _finite(ms: float | None) -> float | str | None:
    return "timeout" if ms is not None and math.isinf(ms) else ms


def _memory_gib() -> float:
    with contextlib.suppress(Exception):
        import psutil

        return psutil.virtual_memory().total / 2**30
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, nargs="+", default=[20, 50], help="viewer counts (default 20 50)")
    parser.add_argument("--modes", nargs="+", choices=["file", "lake"], default=["file", "lake"])
    parser.add_argument("--duration", type=float, default=60, help="seconds per scenario (default 60)")
    parser.add_argument("--max-views", type=int, default=1500, help="page views per scenario at most (default 1500)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds for one page to settle (default 60)")
    parser.add_argument("--upload-pause", type=float, default=1.0, help="seconds between uploads (default 1)")
    parser.add_argument("--months", type=int, default=2, help="demo months in the store (default 2)")
    parser.add_argument("--skip-no-uploads", action="store_true",
                        help="measure N viewers only with uploads (by default also without, to tell CPU from locks)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no Chromium at {CHROMIUM}; set TAIZHANG_CHROMIUM")

    results: dict[str, list[Scenario]] = {}
    for mode in args.modes:
        work = Path(tempfile.mkdtemp(prefix=f"taizhang-load-{mode}-"))
        try:
            results[mode] = asyncio.run(run_mode(mode, args, work))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(report(results, args))
    if args.json:
        args.json.write_text(json.dumps(
            {mode: [{**{k: v for k, v in vars(s).items() if k != "times_ms"},
                     "p50_ms": _finite(s.pct(50)), "p95_ms": _finite(s.pct(95)), "views": s.views}
                    for s in scenarios]
             for mode, scenarios in results.items()}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
