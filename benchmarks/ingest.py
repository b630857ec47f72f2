"""Ingest speed against a baseline measured in the same run.

    python benchmarks/ingest.py [--rows 100000] [--big 500000] [--repeat 3]

Builds a ledger of N task rows in the shape offices send (title row, filer
line, two-row header with a merged band, category group rows, a total row),
then times, each in a fresh process so peak RSS is the load's own:
  - ours: `loaders.pipeline.ingest` into a new DuckDB file (read, locate,
    parse, validate, write, keep the original);
  - baseline: a bare `pandas.read_excel(engine="openpyxl")` of the same file;
  - the floor under any loader on this stack: a bare fastexcel read of the
    sheet to Arrow, plus a bare DuckDB insert and commit of the loaded rows.
Prints the median times, the ratio baseline/ours, the best ratio the floor
allows, and peak RSS. The machine is shared and noisy, so only ratios within
one run mean anything.

"ours" is timed from bytes in hand to commit, as the baseline is. What a file
costs beyond that, and what the command line pays once per run, is printed on
its own line (`fixed`): interpreter start and the imports of
`python -m loaders ingest` (outside "ours"), and the schema check, the copy
of the original into the archive and the checkpoint on close (inside it). The
command line itself is timed end to end as `python -m loaders ingest --json`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = ["解民忧暖民心", "关爱老区关心英烈后代", "党员志愿活动", "政策惠民", "项目建设服务",
              "历史遗留问题及信访积案化解"]
STATUSES = ["已完成", "正在推进", "按序时推进", "未启动", "✔已完成", "已启动，正在实施"]
DEADLINES = ["2021年6月底前", "2021.9.30", "长期坚持", "2021/12/31"]


def build_ledger(path: Path, rows: int) -> None:
    import xlsxwriter

    # Shared strings, as Excel and WPS write them (constant_memory would inline every string).
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range(0, 0, 0, 12, "江州市“我为群众办实事”项目台账（2021年4月）")
    sheet.write(1, 0, "填报单位（盖章）：市直机关工委    填报人：张三    填报时间：2021年4月25日")
    top = ["序号", "县区", "责任单位", "项目名称", "类别", "具体内容", "责任人", "完成时限", "投资情况（万元）", None,
           "服务群众（人次）", "进展情况", "备注"]
    for col, text in enumerate(top):
        if text == "投资情况（万元）":
            sheet.merge_range(2, col, 2, col + 1, text)
        elif text is not None:
            sheet.merge_range(2, col, 3, col, text)
    sheet.write(3, 8, "计划投资")
    sheet.write(3, 9, "完成投资")
    row = 4
    per_group = rows // len(CATEGORIES) + 1
    written = 0
    for g, category in enumerate(CATEGORIES):
        sheet.write(row, 0, f"{'一二三四五六'[g]}、{category}")
        row += 1
        for _ in range(per_group):
            if written == rows:
                break
            n = written
            sheet.write_number(row, 0, n + 1)
            sheet.write_string(row, 1, f"县区{n % 14}")
            sheet.write_string(row, 2, f"单位{n % 3000}")
            sheet.write_string(row, 3, f"实事项目{n}：改善群众身边的具体问题")
            sheet.write_string(row, 4, category)
            sheet.write_string(row, 5, "完善设施，优化服务，解决群众急难愁盼问题" + str(n % 97))
            sheet.write_string(row, 6, f"责任人{n % 500}")
            if n % 5 == 0:
                sheet.write_datetime(row, 7, dt.datetime(2021, 6, 30), date_format)
            else:
                sheet.write_string(row, 7, DEADLINES[n % len(DEADLINES)])
            sheet.write_number(row, 8, round(10 + (n % 1000) * 1.5, 1))
            sheet.write_number(row, 9, round((n % 1000) * 0.75, 2))
            sheet.write_number(row, 10, n % 5000)
            sheet.write_string(row, 11, STATUSES[n % len(STATUSES)])
            row += 1
            written += 1
    sheet.write_string(row, 0, "合计")
    sheet.write_string(row + 1, 0, "注：进展情况填写已完成、正在推进或未启动。")
    book.close()


# Peak RSS of the child's own address space. Not getrusage's ru_maxrss: Linux
# carries the parent's high-water mark across fork and exec into it, so a child
# of this script (which has just built a big workbook) reported the parent's
# ~890 MB as its own.
PEAK_MB = """
def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
"""

CHILD = {
    "ours": """
import sys, time, json
sys.path.insert(0, {root!r})
from loaders.pipeline import ingest
data = open({path!r}, 'rb').read()
t = time.perf_counter()
report = ingest(data, {name!r}, {db!r})
seconds = time.perf_counter() - t
assert report.status == 'loaded', [p.message('en') for p in report.problems[:5]]
print(json.dumps({{"seconds": seconds, "rows": report.rows_loaded,
                  "rss_mb": peak_mb()}}))
""",
    # The floor under ours: the bare reader, and the bare write of the loaded rows.
    "fastexcel": """
import time, json
import fastexcel
data = open({path!r}, 'rb').read()
t = time.perf_counter()
batch = fastexcel.read_excel(data).load_sheet(0, header_row=None, dtypes="string", eager=True)
seconds = time.perf_counter() - t
print(json.dumps({{"seconds": seconds, "rows": batch.num_rows,
                  "rss_mb": peak_mb()}}))
""",
    "write": """
import sys, time, json
sys.path.insert(0, {root!r})
import pyarrow as pa
from loaders.pipeline import prepare
from taizhang.database import writing
table = prepare(open({path!r}, 'rb').read(), {name!r}).good_table
table = table.append_column("upload_id", pa.array(["0" * 16] * table.num_rows, type=pa.string()))
with writing({db!r}):
    pass  # the schema, outside the timing
t = time.perf_counter()
with writing({db!r}) as con:
    con.register("incoming", table)
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO task_rows BY NAME SELECT * FROM incoming")
    con.execute("COMMIT")
seconds = time.perf_counter() - t
print(json.dumps({{"seconds": seconds, "rows": table.num_rows,
                  "rss_mb": peak_mb()}}))
""",
    # The per-file fixed costs, each on its own (CHILD_FIXED has them in order).
    "fixed": """
import sys, time, json
t = time.perf_counter()
sys.path.insert(0, {root!r})
import loaders.__main__  # noqa: F401  the command line's own imports, then what cmd_ingest imports
from loaders import mappings_store  # noqa: F401
from loaders.pipeline import ingest, prepare  # noqa: F401
from loaders import store
from taizhang.database import writing
import pyarrow as pa
imports = time.perf_counter() - t
data = open({path!r}, 'rb').read()
t = time.perf_counter()
with writing({db!r}):
    pass
schema_new = time.perf_counter() - t
t = time.perf_counter()
with writing({db!r}):
    pass
schema = time.perf_counter() - t
t = time.perf_counter()
store.keep_original(data, {name!r}, {db!r})
archive = time.perf_counter() - t
table = prepare(data, {name!r}).good_table
table = table.append_column("upload_id", pa.array(["0" * 16] * table.num_rows, type=pa.string()))
units = sorted(u for u in table.column("unit").unique().to_pylist() if u is not None)
with writing({db!r}) as con:
    con.register("incoming", table)
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO task_rows BY NAME SELECT * FROM incoming")
    t = time.perf_counter()
    try:
        from metrics import derived
        derived.refresh(con, units)  # the derived tables a load keeps (store.write does this)
        refresh = time.perf_counter() - t
    except Exception:
        refresh = None
    # Past 16 MB of WAL DuckDB checkpoints at commit, else on close: both, timed together.
    t = time.perf_counter()
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    checkpoint = time.perf_counter() - t
print(json.dumps({{"imports": imports, "schema_new": schema_new, "schema": schema, "archive": archive,
                  "checkpoint": checkpoint, "refresh": refresh, "rss_mb": peak_mb()}}))
""",
    "baseline": """
import time, json
import pandas as pd
t = time.perf_counter()
frame = pd.read_excel({path!r}, engine="openpyxl", header=None)
seconds = time.perf_counter() - t
print(json.dumps({{"seconds": seconds, "rows": len(frame),
                  "rss_mb": peak_mb()}}))
""",
}


def measure(kind: str, path: Path, workdir: Path, run: int) -> dict:
    db = workdir / f"{kind}-{run}.duckdb"
    code = PEAK_MB + CHILD[kind].format(root=str(ROOT), path=str(path), name=path.name, db=str(db))
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"{kind} failed:\n{out.stderr[-2000:]}")
    process = time.perf_counter() - t
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "process_s": process}


def wall(argv: list[str], workdir: Path) -> float:
    """Seconds a whole process takes, from exec to exit."""
    t = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=False, cwd=workdir)
    return time.perf_counter() - t


def fixed_costs(path: Path, workdir: Path, repeat: int) -> dict:
    """The per-file and per-run costs around "ours", each the median of `repeat` runs."""
    runs = [measure("fixed", path, workdir, 200 + i) for i in range(repeat)]
    costs = {key: statistics.median(r[key] for r in runs)
             for key in ("imports", "schema_new", "schema", "archive", "checkpoint")}
    refresh = [r["refresh"] for r in runs if r["refresh"] is not None]
    costs["refresh"] = statistics.median(refresh) if refresh else None
    costs["start"] = statistics.median(wall([sys.executable, "-c", "pass"], workdir) for _ in range(repeat))
    cli = []
    for i in range(repeat):
        db = workdir / f"cli-{i}.duckdb"
        cli.append(wall([sys.executable, "-m", "loaders", "ingest", str(path), "--db", str(db), "--json"],
                        ROOT))
    costs["cli"] = statistics.median(cli)
    return costs


def bench(rows: int, repeat: int, with_baseline: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        path = workdir / f"ledger_{rows}.xlsx"
        build_ledger(path, rows)
        results = {"rows": rows, "file_mb": round(path.stat().st_size / 1e6, 1)}
        ours = [measure("ours", path, workdir, i) for i in range(repeat)]
        results["ours_s"] = statistics.median(r["seconds"] for r in ours)
        results["ours_rss_mb"] = max(r["rss_mb"] for r in ours)
        if with_baseline:
            base = [measure("baseline", path, workdir, i) for i in range(max(1, repeat // 2))]
            results["baseline_s"] = statistics.median(r["seconds"] for r in base)
            results["baseline_rss_mb"] = max(r["rss_mb"] for r in base)
            results["baseline_process_s"] = statistics.median(r["process_s"] for r in base)
            results["ratio"] = results["baseline_s"] / results["ours_s"]
            results["fastexcel_s"] = statistics.median(
                measure("fastexcel", path, workdir, i)["seconds"] for i in range(repeat))
            results["write_s"] = statistics.median(
                measure("write", path, workdir, 100 + i)["seconds"] for i in range(repeat))
            results["fixed"] = fixed_costs(path, workdir, repeat)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=500_000, help="also time a big sheet (0 to skip)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    main_run = bench(args.rows, args.repeat, with_baseline=True)
    print(f"ledger: {main_run['rows']:,} rows, {main_run['file_mb']} MB")
    print(f"  ours (ingest into DuckDB)      {main_run['ours_s']:7.2f} s   peak RSS {main_run['ours_rss_mb']:6.0f} MB")
    print(f"  pandas.read_excel(openpyxl)    {main_run['baseline_s']:7.2f} s   "
          f"peak RSS {main_run['baseline_rss_mb']:6.0f} MB")
    target = 8 if main_run["rows"] <= 50_000 else 10
    print(f"  ratio baseline/ours            {main_run['ratio']:7.1f}x   (target >= {target}x)")
    floor = main_run["fastexcel_s"] + main_run["write_s"]
    print(f"  floor: bare fastexcel read     {main_run['fastexcel_s']:7.2f} s")
    print(f"         + bare DuckDB write     {main_run['write_s']:7.2f} s")
    print(f"  best ratio any loader could reach here (baseline/floor) {main_run['baseline_s'] / floor:5.1f}x;"
          f" ours is {main_run['ours_s'] / floor:.2f}x the floor (target <= 2x)")
    f = main_run["fixed"]
    print(f"  fixed, per run (outside ours): interpreter start {f['start']:.2f} s + imports {f['imports']:.2f} s")
    print(f"  fixed, per file (inside ours): schema check {f['schema']:.2f} s (creating it: {f['schema_new']:.2f} s)"
          f" + archive copy {f['archive']:.2f} s + commit and checkpoint {f['checkpoint']:.2f} s")
    if f["refresh"] is not None:
        print(f"  per file, not in the floor: derived tables refreshed at write {f['refresh']:.2f} s")
    print(f"  end to end, whole processes: python -m loaders ingest --json {f['cli']:.2f} s,"
          f" python -c 'pandas.read_excel(...)' {main_run['baseline_process_s']:.2f} s"
          f" ({main_run['baseline_process_s'] / f['cli']:.1f}x)")
    if args.big:
        big = bench(args.big, 1, with_baseline=False)
        print(f"big ledger: {big['rows']:,} rows, {big['file_mb']} MB")
        print(f"  ours                           {big['ours_s']:7.2f} s   peak RSS {big['ours_rss_mb']:6.0f} MB   "
              "(target < 8 s, < 900 MB)")


if __name__ == "__main__":
    main()
