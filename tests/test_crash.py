"""A load that dies, or cannot write, leaves the database as it was or fully replaced.

- SIGKILL at ten moments of a real load (a child process ingesting a 50k-row
  ledger that replaces an already loaded unit-month): before it reads, while it
  reads, at the start of the write, while DuckDB writes its WAL, while it
  checkpoints, after it has committed. Afterwards the database opens read-only
  and for writing, and the unit-month is exactly as before or exactly the new
  sheet; the other month is untouched; loading the sheet again finishes the job.
- A read-only database (chmod 0444 on the file, 0555 on its folder), a database
  held by another writer longer than TAIZHANG_LOCK_WAIT, and a full disk (a
  real tmpfs in a private mount namespace that vanishes with the process) each
  give a clear message and exit code 1 from `python -m loaders ingest`, no
  traceback, and lose nothing.

Nothing is mocked: the children are real processes, killed for real.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from loaders import store
from loaders.pipeline import ingest
from taizhang import database

ROOT = Path(__file__).resolve().parent.parent
APRIL = dt.date(2021, 4, 1)
MARCH = dt.date(2021, 3, 1)
UNITS = ["市教育局", "市民政局", "市卫生健康委", "市交通局"]
BIG_ROWS = 50_000
HEADER = ["序号", "责任单位", "项目名称", "类别", "进展情况", "计划投资（万元）", "完成投资（万元）", "完成时限",
          "服务群众（人次）"]


def ledger(rows: int, month: str, statuses: list[str], prefix: str) -> bytes:
    """A plain ledger for the four units, written with xlsxwriter (as fast as it gets)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": False})
    ws = book.add_worksheet("台账")
    ws.write_row(0, 0, [f"江州市市直单位台账（{month}）"])
    ws.write_row(1, 0, HEADER)
    for i in range(rows):
        ws.write_row(i + 2, 0, [i + 1, UNITS[i % 4], f"{prefix}{i}", "解民忧暖民心", statuses[i % len(statuses)],
                                i % 1000, (i * 7) % 500, "2021-06-30", i % 3000])
    book.close()
    return buf.getvalue()


def fingerprint(con, month: dt.date) -> tuple[int, int]:
    """(rows, order-free hash of every column but upload_id) of one report month."""
    return con.execute(
        """SELECT count(*), coalesce(bit_xor(hash(region, unit, title, category, status, deadline,
                  planned_investment, actual_investment, beneficiaries, source_sheet, source_row)), 0)
           FROM tasks WHERE report_month = ?""",
        [month],
    ).fetchone()


def read_state(db: str) -> dict:
    """Open read-only (as any DuckDB client would) and describe what is there."""
    con = duckdb.connect(db, read_only=True)
    try:
        return {
            "april": fingerprint(con, APRIL),
            "march": fingerprint(con, MARCH),
            "active": sorted(r[0] for r in con.execute("SELECT sha256 FROM uploads WHERE state = 'active'").fetchall()),
        }
    finally:
        con.close()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def child_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_")}
    env.update(PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1", RUST_BACKTRACE="0", **extra)
    return env


@dataclass
class World:
    folder: Path
    base_db: Path  # April (v1, small) and March loaded
    big: Path  # the 50k-row April sheet that replaces v1
    big_sha: str
    v1_sha: str
    before: dict
    after: dict

    def fresh_db(self, folder: Path) -> str:
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "t.duckdb"
        shutil.copyfile(self.base_db, db)
        return str(db)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    folder = tmp_path_factory.mktemp("crash")
    base = folder / "base" / "t.duckdb"
    base.parent.mkdir()
    v1 = ledger(2_000, "2021年4月", ["推进中", "未启动"], "旧项目")
    march = ledger(500, "2021年3月", ["已完成"], "三月项目")
    assert ingest(march, "march.xlsx", str(base)).status == "loaded"
    assert ingest(v1, "april_v1.xlsx", str(base)).status == "loaded"
    big_bytes = ledger(BIG_ROWS, "2021年4月", ["已完成", "推进中", "未启动"], "项目")
    big = folder / "台账（2021年4月）.xlsx"
    big.write_bytes(big_bytes)
    before = read_state(str(base))
    # What a finished load gives, done once in this process on a copy.
    done = folder / "done" / "t.duckdb"
    done.parent.mkdir()
    shutil.copyfile(base, done)
    report = ingest(big_bytes, big.name, str(done))
    assert (report.status, report.rows_loaded, report.replaced_rows) == ("loaded", BIG_ROWS, 2_000)
    after = read_state(str(done))
    assert before["april"] != after["april"] and before["march"] == after["march"]
    return World(folder, base, big, sha(big_bytes), sha(v1), before, after)


def check_recovered(world: World, db: str) -> str:
    """The database opens read-only and for writing, holds the unit-month as
    before or as after, and a second load finishes the job. Returns which."""
    state = read_state(db)
    assert state["march"] == world.before["march"], "the other month changed"
    if state["april"] == world.before["april"]:
        outcome = "before"
        assert state["active"] == world.before["active"], "uploads disagree with task rows"
    else:
        assert state["april"] == world.after["april"], "a partial unit-month"
        outcome = "after"
        assert state["active"] == world.after["active"], "uploads disagree with task rows"
    # The originals kept so far are whole: each is named by its own hash.
    uploads = Path(db).parent / "uploads"
    for kept in uploads.glob("*.xlsx") if uploads.exists() else []:
        assert sha(kept.read_bytes()) == kept.stem, f"{kept.name} is not the file it is named after"
    with database.writing(db, wait=5) as con:  # a write open, schema check included
        con.execute("SELECT count(*) FROM task_rows").fetchone()
    again = ingest(world.big.read_bytes(), world.big.name, db)
    assert again.status == ("loaded" if outcome == "before" else "unchanged"), again.problems
    assert read_state(db) == world.after
    return outcome


# --------------------------------------------------------------------------
# SIGKILL
# --------------------------------------------------------------------------

CHILD = r"""
import sys
from pathlib import Path
from loaders.pipeline import ingest

path, db = sys.argv[1], sys.argv[2]

def progress(stage, fraction):
    print(stage, fraction, flush=True)

print("start", flush=True)
report = ingest(Path(path).read_bytes(), Path(path).name, db, progress=progress)
print("done", report.status, flush=True)
"""


@dataclass(frozen=True)
class Kill:
    """When to send SIGKILL: on a trigger, then after `delay` seconds."""

    trigger: str  # "spawn", "line:<prefix>", "wal:<bytes>" (WAL at least that big), "checkpoint"
    delay: float = 0.0

    def __str__(self) -> str:
        return f"{self.trigger}+{self.delay}s"


KILLS = [
    Kill("spawn", 0.05),                 # still importing
    Kill("line:start"),                  # before reading the file
    Kill("line:start", 0.2),             # reading (fastexcel)
    Kill("line:check", 0.05),            # normalising
    Kill("line:write 0.8"),              # the write begins: original being kept
    Kill("line:write 0.8", 0.08),
    Kill("wal:1"),                       # DuckDB has started its WAL
    Kill("wal:2000000"),                 # half-way through the WAL
    Kill("checkpoint"),                  # WAL complete, main file growing
    Kill("line:write 1.0"),              # committed and closed
]


def _triggered(kill: Kill, lines: list[str], db: str, base_size: int) -> bool:
    kind, _, arg = kill.trigger.partition(":")
    if kind == "spawn":
        return True
    if kind == "line":
        return any(line.startswith(arg) for line in lines)
    try:
        wal = os.path.getsize(db + ".wal")
    except OSError:
        return False
    if kind == "wal":
        return wal >= int(arg)
    try:
        return os.path.getsize(db) > base_size  # checkpoint: WAL there and the file growing
    except OSError:
        return False


def run_and_kill(world: World, db: str, kill: Kill) -> dict:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(world.big), db],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=child_env(),
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.strip()) for line in proc.stdout], daemon=True).start()
    seen: list[str] = []
    base_size = os.path.getsize(db)
    deadline = time.monotonic() + 120
    killed = wal_at_kill = False
    while proc.poll() is None and time.monotonic() < deadline:
        while not lines.empty():
            seen.append(lines.get())
        if _triggered(kill, seen, db, base_size):
            if kill.delay:
                time.sleep(kill.delay)
            wal_at_kill = os.path.exists(db + ".wal")
            proc.send_signal(signal.SIGKILL)
            killed = proc.poll() is None or proc.returncode == -signal.SIGKILL
            break
        time.sleep(0.0005)
    proc.wait(timeout=60)
    stderr = proc.stderr.read()
    while not lines.empty():
        seen.append(lines.get())
    assert "Traceback" not in stderr, stderr
    return {"killed": killed and proc.returncode == -signal.SIGKILL, "wal_at_kill": wal_at_kill, "lines": seen}


@pytest.mark.parametrize("kill", KILLS, ids=str)
def test_sigkill_leaves_the_unit_month_before_or_after(world, tmp_path, kill):
    db = world.fresh_db(tmp_path / "db")
    run = run_and_kill(world, db, kill)
    outcome = check_recovered(world, db)
    print(f"{kill}: killed={run['killed']} wal_at_kill={run['wal_at_kill']} last={run['lines'][-1:]} -> {outcome}")
    # The child prints (and flushes) each stage before doing it, and every line
    # it printed is read after its death, so these hold whatever the timing:
    if not any(line.startswith("write") for line in run["lines"]):
        assert outcome == "before"  # nothing touches the database before the write stage
    if "write 1.0" in run["lines"]:
        assert outcome == "after"  # progress says 1.0 only once the transaction is committed


# --------------------------------------------------------------------------
# Read-only, locked, full
# --------------------------------------------------------------------------


def cli(args: list[str], env: dict | None = None, prefix: list[str] | None = None, timeout: float = 120):
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "loaders", "--lang", "en", *args],
        capture_output=True, text=True, cwd=ROOT, env=env or child_env(), timeout=timeout,
    )


def without_root_powers() -> list[str]:
    """Root ignores file modes; drop the capabilities that let it, for the child only."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv: chmod would not stop the writer")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


@pytest.mark.parametrize("uploads_writable", [True, False], ids=["uploads-writable", "all-read-only"])
def test_read_only_database_gives_a_clear_message_and_keeps_everything(world, tmp_path, uploads_writable):
    db = world.fresh_db(tmp_path / "ro")
    folder = Path(db).parent
    (folder / "uploads").mkdir()
    small = folder / "v3（2021年4月）.xlsx"
    small.write_bytes(ledger(10, "2021年4月", ["已完成"], "小"))
    os.chmod(db, 0o444)
    if not uploads_writable:
        os.chmod(folder / "uploads", 0o555)
    os.chmod(folder, 0o555)
    try:
        result = cli(["ingest", str(small), "--db", db], prefix=without_root_powers())
    finally:
        os.chmod(folder, 0o755)
        os.chmod(folder / "uploads", 0o755)
        os.chmod(db, 0o644)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr, result.stderr
    assert "permission denied" in result.stderr and "database is as it was" in result.stderr, result.stderr
    where = str(folder / "uploads") if not uploads_writable else db
    assert where in result.stderr, result.stderr
    assert read_state(db) == world.before
    assert not list(folder.glob("*.wal")) and not list((folder / "uploads").glob(".*.tmp"))


def test_database_locked_by_another_writer_gives_a_clear_message(world, tmp_path):
    db = world.fresh_db(tmp_path / "locked")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()", db],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=child_env(),
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        result = cli(["ingest", str(world.big), "--db", db], env=child_env(TAIZHANG_LOCK_WAIT="0.5"))
        waited = time.monotonic() - started
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert f"The database {db} stayed locked by another process" in result.stderr, result.stderr
    assert waited < 60  # gave up after the short wait, not the default minute
    assert read_state(db) == world.before
    with subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()", db],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=child_env(),
    ) as holder:
        assert holder.stdout.readline().strip() == "held"
        zh = subprocess.run([sys.executable, "-m", "loaders", "--lang", "zh", "ingest", str(world.big), "--db", db],
                            capture_output=True, text=True, cwd=ROOT, env=child_env(TAIZHANG_LOCK_WAIT="0.5"),
                            timeout=120)
        holder.stdin.close()
    assert zh.returncode == 1 and f"数据库 {db} 被另一个程序占用超过 0.5 秒" in zh.stderr, zh.stderr
    assert cli(["ingest", str(world.big), "--db", db]).returncode == 0  # once released, it loads
    assert read_state(db) == world.after


def _can_mount_tmpfs() -> bool:
    unshare = shutil.which("unshare")
    if not unshare or os.geteuid() != 0:
        return False
    probe = subprocess.run([unshare, "--mount", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt && umount /mnt"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(),
                    reason="needs a private mount namespace (unshare, root) for a real full disk")
@pytest.mark.parametrize("room", ["no-room-for-the-original", "no-room-for-the-rows"])
def test_full_disk_gives_a_clear_message_and_keeps_everything(world, tmp_path, room):
    """A real ENOSPC: the database lives on a small tmpfs mounted in a private
    mount namespace, which disappears with the process (nothing to unmount)."""
    mount = tmp_path / "mnt"
    out = tmp_path / "out"
    mount.mkdir()
    out.mkdir()
    base = world.base_db.stat().st_size
    # Room for the database and, in the second case, the kept original, but not for the new rows.
    size = base + 64 * 1024 if room == "no-room-for-the-original" else base + world.big.stat().st_size + 512 * 1024
    script = (
        f'mount -t tmpfs -o size={size} tmpfs "{mount}" && cp "{world.base_db}" "{mount}/t.duckdb" && '
        f'"{sys.executable}" -m loaders --lang en ingest "{world.big}" --db "{mount}/t.duckdb" '
        f'> "{out}/stdout" 2> "{out}/stderr"; echo $? > "{out}/rc"; df -k "{mount}" > "{out}/df"; '
        f'cp -a "{mount}/." "{out}/state/"'
    )
    subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                   check=True, cwd=ROOT, env=child_env(), timeout=300)
    stderr = (out / "stderr").read_text()
    assert (out / "rc").read_text().strip() == "1", stderr
    assert "Traceback" not in stderr, stderr
    assert "the disk is full" in stderr and "database is as it was" in stderr, stderr
    state = out / "state"
    assert (not list((state / "uploads").glob(".*.tmp"))
            if (state / "uploads").exists() else True), "a partial copy was left"
    db = str(state / "t.duckdb")
    assert read_state(db) == world.before
    # With room again, the same load goes through.
    assert check_recovered(world, db) == "before"


def _file_size_limit(limit: int):
    """For a child: writes beyond `limit` bytes fail with EFBIG (a real OS
    failure that needs no root), instead of SIGXFSZ killing the process."""

    def apply():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("where", ["original", "wal"])
def test_write_failing_mid_load_gives_a_clear_message_and_keeps_everything(world, tmp_path, where):
    """RLIMIT_FSIZE makes the kept original (1 MB limit) or DuckDB's WAL at
    COMMIT (a limit above the original and the database, below the WAL) fail
    for real. The failed COMMIT used to be hidden by ROLLBACK's 'no
    transaction is active' and retried 20 times as a commit conflict; a half
    written original used to stay behind as a .tmp file."""
    db = world.fresh_db(tmp_path / "limited")
    limit = 1 << 20 if where == "original" else max(world.big.stat().st_size, Path(db).stat().st_size) + (256 << 10)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "loaders", "--lang", "en", "ingest", str(world.big), "--db", db],
        capture_output=True, text=True, cwd=ROOT, env=child_env(), timeout=300, preexec_fn=_file_size_limit(limit),
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "rollback" not in result.stderr, result.stderr
    assert "file size limit" in result.stderr and "database is as it was" in result.stderr, result.stderr
    assert ("uploads" if where == "original" else ".wal") in result.stderr, result.stderr
    assert not list((Path(db).parent / "uploads").glob(".*.tmp")), "half an original was left behind"
    assert read_state(db) == world.before
    assert check_recovered(world, db) == "before"
    print(f"{where}: failed in {elapsed:.1f} s")


def test_io_failures_at_commit_are_not_retried_as_conflicts():
    full = duckdb.TransactionException(
        'TransactionContext Error: Failed to commit: Could not write file "/d/t.duckdb.wal": No space left on device')
    attempts = []

    def attempt():
        attempts.append(1)
        raise full

    with pytest.raises(duckdb.TransactionException):
        store._retry_on_conflict(attempt)
    assert len(attempts) == 1
    assert store._is_conflict(duckdb.TransactionException(
        "TransactionContext Error: Failed to commit: Failed to commit DuckLake transaction: Transaction conflict - "
        'attempting to insert into table with index "2" - but another transaction has deleted from it'))
