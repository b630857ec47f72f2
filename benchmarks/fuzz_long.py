"""The long fuzz run, on demand: tests/test_fuzz.py's generators with many more examples.

    python benchmarks/fuzz_long.py                      # 2000 random + 2000 damaged files
    python benchmarks/fuzz_long.py --examples 500 --only damaged --seed 7

Every case goes through the same checks as the short test (ingest never
raises, a refused file leaves the database untouched, loaded rows match the
report, problems render in both languages, time and memory bounds). A failing
case does not stop the run: it is counted, and its bytes are saved under
--out with the error, so it can be replayed with

    python -c "from loaders.pipeline import ingest; ..."  # or drop it in a test

At the end the run prints the outcomes, the problem codes seen, the slowest
cases and the failures. Exit 1 when any case failed.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from tests import test_fuzz as fz  # noqa: E402

BATCH = 400


class Run:
    def __init__(self, out: Path):
        self.out = out
        self.outcomes: collections.Counter = collections.Counter()
        self.codes: collections.Counter = collections.Counter()
        self.failures: collections.Counter = collections.Counter()
        self.slowest: list[tuple[float, str, int]] = []
        self.cases = 0
        self.bounds = fz.Bounds()
        self.rss_start_mb = self.bounds.process.memory_info().rss / 2**20

    def case(self, label: str, data: bytes, name: str, db: str, **kwargs) -> None:
        self.cases += 1
        started = time.monotonic()
        try:
            with self.bounds.case(name):
                report = fz.ingest_and_check(data, name, db, **kwargs)
        except BaseException as error:  # noqa: BLE001 - a fuzz run records everything
            if isinstance(error, KeyboardInterrupt):
                raise
            self._failed(label, data, name, kwargs, error)
            return
        finally:
            elapsed = time.monotonic() - started
            if len(self.slowest) < 5 or elapsed > self.slowest[-1][0]:
                self.slowest.append((elapsed, f"{label}: {name}", data, kwargs))
                self.slowest = sorted(self.slowest, key=lambda s: -s[0])[:5]
        self.outcomes[f"{label}/{report.status}"] += 1
        self.codes.update(p.code for p in report.problems)

    def _failed(self, label, data, name, kwargs, error) -> None:
        where = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        key = (f"{type(error).__name__} at {where.filename.rsplit('/', 1)[-1]}:{where.lineno}" if where
               else type(error).__name__)
        self.failures[key] += 1
        self.outcomes[f"{label}/FAILED"] += 1
        if self.failures[key] <= 3:  # a few reproducers per distinct failure
            self.out.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256(data).hexdigest()[:12]
            suffix = Path(name).suffix
            (self.out / f"{digest}{suffix}").write_bytes(data)
            (self.out / f"{digest}.txt").write_text(
                f"file name: {name}\noptions: {kwargs}\n\n" + "".join(traceback.format_exception(error)),
                encoding="utf-8",
            )
            print(f"FAILED {key}: {str(error).splitlines()[0][:200] if str(error) else ''} -> {self.out / digest}",
                  file=sys.stderr)

    def report(self, seconds: float) -> None:
        print(f"\n{self.cases} cases in {seconds:.0f} s")
        print("outcomes:")
        for key, n in sorted(self.outcomes.items()):
            print(f"  {key:28} {n:6}")
        print("problem codes:")
        for code, n in self.codes.most_common():
            print(f"  {code:28} {n:6}")
        rss = self.bounds.process.memory_info().rss / 2**20
        print(f"largest RSS rise in one case: {self.bounds.largest_mb:.0f} MB; "
              f"process RSS {self.rss_start_mb:.0f} MB at start, {rss:.0f} MB at end")
        print("slowest (kept in the output folder to replay):")
        self.out.mkdir(parents=True, exist_ok=True)
        for rank, (elapsed, what, data, kwargs) in enumerate(self.slowest, start=1):
            kept = self.out / f"slowest-{rank}{Path(what).suffix}"
            kept.write_bytes(data)
            print(f"  {elapsed:6.2f} s  {len(data):>9} bytes  {what}  {kwargs or ''} -> {kept}")
        if self.failures:
            print("FAILURES:")
            for key, n in self.failures.most_common():
                print(f"  {n:5} x {key}")
            print(f"reproducers in {self.out}")
        else:
            print("no failures")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per generator (default 2000)")
    parser.add_argument("--only", choices=["random", "damaged"], help="run one generator only")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a new one each run)")
    parser.add_argument("--out", default=None, help="folder for failing cases (default: a temporary folder)")
    args = parser.parse_args(argv)

    out = Path(args.out or tempfile.mkdtemp(prefix="taizhang-fuzz-failures-"))
    run_seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    print(f"seed {run_seed}; {args.examples} examples per generator")
    run = Run(out)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="taizhang-fuzz-long-") as folder:
        # Batches of BATCH examples, each with its own seed: hypothesis keeps
        # what it has generated for the length of one run (~0.5 MB a case here),
        # so one run of thousands would grow the process by gigabytes.
        for batch, start in enumerate(range(0, args.examples, BATCH)):
            config = settings(
                max_examples=min(BATCH, args.examples - start),
                deadline=None,
                database=None,
                derandomize=False,
                suppress_health_check=list(HealthCheck),
                phases=(Phase.generate,),  # every case is recorded here; nothing to shrink
            )
            if args.only in (None, "random"):
                @seed(run_seed + batch)
                @config
                @given(case=fz.files())
                def random_files(case):
                    data, name, book = case
                    run.case("random", data, name, os.path.join(folder, "random.duckdb"), **fz.ingest_options(book))

                random_files()
            if args.only in (None, "damaged"):
                @seed(run_seed + batch)
                @config
                @given(case=fz.damaged_files())
                def damaged(case):
                    data, name = case
                    run.case("damaged", data, name, os.path.join(folder, "damaged.duckdb"))

                damaged()
            print(f"{run.cases} cases, {sum(run.failures.values())} failed", file=sys.stderr, flush=True)
    run.report(time.monotonic() - started)
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
