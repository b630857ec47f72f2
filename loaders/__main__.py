"""Command line over the loader pipeline (docs/contract.md: ingest, demo, info; also users,
units and mappings).

Exit 0: every file loaded (or already loaded). Exit 1: at least one file was
refused; the others still load. Exit 2: wrong usage.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from pathlib import Path

from loaders import accounts_cli
from loaders.problems import describe_sources
from present.catalogue import STRINGS
from taizhang.config import cli_lang, db_target

PROBLEMS_SHOWN = 20


def _lang(explicit: str | None) -> str:
    return cli_lang(explicit)


def _m(key: str, lang: str, **kw) -> str:
    """A message of the catalogue ("cli.*" keys: present/strings_cli.py)."""
    zh, en = STRINGS[key]
    return (zh if lang == "zh" else en).format(**kw)


def _month(text: str) -> dt.date:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise argparse.ArgumentTypeError("expected YYYY-MM, e.g. 2021-04")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _submitted_at(text: str):
    if text == "sheet":
        return text
    try:
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(12))
    except ValueError:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD or 'sheet'") from None


class ProgressBar:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, label: str, enabled: bool):
        self.label = label
        self.enabled = enabled
        self.last = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if fraction < 1.0 and now - self.last < 0.1:
            return
        self.last = now
        width = 24
        filled = int(width * fraction)
        sys.stderr.write(f"\r{self.label[:40]:40} [{'#' * filled}{'.' * (width - filled)}] {stage:<7}")
        sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 80 + "\r")
            sys.stderr.flush()


def _print_report(report, lang: str) -> None:
    status = _m(f"cli.status.{report.status}", lang)
    parts = []
    sheets = report.sheets or ([report.sheet] if report.sheet else [])
    if sheets:
        parts.append(_m("cli.sheet", lang, s="、".join(sheets) if lang == "zh" else "', '".join(sheets)))
    months = report.months or ([report.report_month] if report.report_month else [])
    if months:
        parts.append("、".join(m.strftime("%Y-%m") for m in months))
    if report.units:
        parts.append(_m("cli.units", lang, n=len(report.units)))
    if report.status == "loaded":
        parts.append(_m("cli.rows", lang, n=report.rows_loaded))
        if report.replaced_rows:
            parts.append(_m("cli.replaced", lang, n=report.replaced_rows))
        if report.rows_rejected:
            parts.append(_m("cli.kept_going", lang, n=report.rows_rejected))
    sep = "，" if lang == "zh" else ", "
    line = f"{report.file}: {status}" + (f" ({sep.join(parts)})" if parts else "")
    stream = sys.stderr if report.status == "rejected" else sys.stdout
    print(line, file=stream)
    sources = describe_sources(report.status_sources, lang) \
        if report.status != "rejected" and report.status_sources and set(report.status_sources) != {"word"} else None
    if sources:  # None when no source decided a row (e.g. only zero counts)
        print("  " + sources)
    if report.mapping and report.status != "rejected":
        print("  " + _m("cli.mapping_applied", lang))
    impact = report.impact
    if impact is not None and report.status in ("checked", "loaded"):
        if impact.identical_upload and report.status == "checked":
            print("  " + _m("cli.identical", lang, when=f"{impact.identical_loaded_at:%Y-%m-%d %H:%M}"))
        for r in ([] if impact.identical_upload else impact.replacements):
            key = "cli.replaces_fewer" if r.shrinks else "cli.replaces"
            line = _m(key, lang, unit=r.unit, month=r.month.strftime("%Y-%m"), now=r.rows_now, new=r.rows_new)
            print(("  ! " if r.shrinks else "  ") + line)
    for warning in report.warnings:
        print("  ! " + warning.message(lang))
    if report.status in ("rejected",) or (report.status == "loaded" and report.problems):
        for problem in report.problems[:PROBLEMS_SHOWN]:
            print("  - " + problem.message(lang), file=sys.stderr)
        if len(report.problems) > PROBLEMS_SHOWN:
            print("  " + _m("cli.more", lang, n=len(report.problems) - PROBLEMS_SHOWN), file=sys.stderr)


def _mapping_arg(value: str | None, db: str, lang: str):
    """--mapping: a file when a file of that name exists, else a saved mapping's
    name. Returns (mapping, None), or (None, exit code) after saying what is wrong."""
    from loaders import mappings_store
    from loaders.mapping import MappingError

    if not value:
        return None, None
    if Path(value).exists():
        try:
            return mappings_store.load_file(value), None
        except mappings_store.MappingFileError as error:
            print(_m("cli.bad_mapping_file", lang, f=error.path, detail=error.detail), file=sys.stderr)
            return None, 2
        except MappingError as error:
            print(str(error), file=sys.stderr)
            return None, 2
    found = mappings_store.by_name(db, value)
    if found is None:
        print(_m("cli.no_mapping", lang, m=value), file=sys.stderr)
        return None, 2
    return found, None


def cmd_ingest(args) -> int:
    from loaders import mappings_store
    from loaders.pipeline import ingest
    from loaders.problems import Problem

    lang = _lang(args.lang)
    db = db_target(args.db)
    mapping, failed = _mapping_arg(args.mapping, db, lang)
    if failed:
        return failed
    # What clerks mapped before applies by itself; --mapping goes on top of it.
    saved = mappings_store.saved(db, units=[args.unit] if args.unit else None)
    reports = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            from loaders.pipeline import FileReport

            report = FileReport(file=path.name, status="rejected", problems=[
                Problem("read_error", file=path.name, params={"detail": _m("cli.no_file", lang, f=name)}),
            ])
        else:
            bar = ProgressBar(path.name, enabled=sys.stderr.isatty() and not args.json)
            report = ingest(
                path.read_bytes(),
                path.name,
                db,
                month=args.month,
                unit=args.unit,
                region=args.region,
                sheet=args.sheet,
                keep_going=args.keep_going,
                dry_run=args.dry_run,
                loaded_by=args.loaded_by or os.environ.get("USER"),
                submitted_at=args.submitted_at,
                progress=bar,
                mapping=mapping,
                saved=saved,
            )
            bar.done()
        reports.append(report)
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            _print_report(report, lang)
    bad = sum(r.status == "rejected" for r in reports)
    if not args.json and len(reports) > 1:
        print(_m("cli.summary", lang, files=len(reports), ok=len(reports) - bad, bad=bad))
    return 1 if bad else 0


def cmd_info(args) -> int:
    from taizhang import database

    db = db_target(args.db)
    rows = []
    if database.exists(db):
        with database.reading(db) as con:
            has_view = database.scalar(con, "SELECT count(*) FROM duckdb_views() WHERE view_name = 'tasks'")
            if has_view:
                rows = con.execute(
                    """SELECT strftime(report_month, '%Y-%m') AS month,
                              count(DISTINCT unit) AS units,
                              count(*) AS tasks,
                              count(*) FILTER (WHERE status = 'completed') AS completed
                       FROM tasks GROUP BY report_month ORDER BY report_month DESC"""
                ).fetchall()
    result = [{"month": m, "units": u, "tasks": t, "completed": c} for m, u, t, c in rows]
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        lang = _lang(args.lang)
        print(_m("cli.info_header", lang))
        for r in result:
            print(f"{r['month']}  {r['units']:>6}  {r['tasks']:>6}  {r['completed']:>6}")
    return 0


def cmd_demo(args) -> int:
    from loaders.demo import write_demo_files
    from loaders.pipeline import ingest

    lang = _lang(args.lang)
    db = db_target(args.db)
    out_dir = Path(args.out) if args.out else Path(db).resolve().parent / "demo"
    print(_m("cli.demo_writing", lang), file=sys.stderr)
    files = write_demo_files(out_dir, months=args.months)
    bad = 0
    rows = 0
    bar = ProgressBar("demo", enabled=sys.stderr.isatty())
    for i, demo_file in enumerate(files):
        # The demo backfills 2021: each month counts as submitted on the 填报时间 its sheet shows.
        report = ingest(demo_file.path.read_bytes(), demo_file.path.name, db, loaded_by="demo", submitted_at="sheet")
        bar("load", (i + 1) / len(files))
        rows += report.rows_loaded
        if report.status == "rejected":
            bad += 1
            bar.done()
            _print_report(report, lang)
    bar.done()
    print(_m("cli.demo_done", lang, db=db, files=len(files), rows=rows))
    return 1 if bad else 0


def cmd_units(args) -> int:
    from loaders.problems import FileRefused
    from loaders.units_sheet import load_units, read_units

    lang = _lang(args.lang)
    db = db_target(args.db)
    path = Path(args.file)
    if not path.is_file():
        print(_m("cli.no_file", lang, f=args.file), file=sys.stderr)
        return 1
    try:
        sheet = read_units(path.read_bytes(), path.name)
        counts = load_units(db, sheet.units, replace=args.replace, actor=os.environ.get("USER") or "cli",
                            file_name=path.name)
    except FileRefused as refused:
        for problem in refused.problems:
            print(problem.message(lang), file=sys.stderr)
        return 1
    print(_m("cli.units_loaded", lang, file=path.name, sheet=sheet.sheet, n=len(sheet.units), **counts))
    return 0


def _short(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_mappings(args) -> int:
    from loaders import mappings_store
    from loaders.mapping import MappingError

    lang = _lang(args.lang)
    db = db_target(args.db)
    actor = os.environ.get("USER") or "cli"
    if args.action == "list":
        rows = mappings_store.list_all(db)
        if args.json:
            for row in rows:
                row["updated_at"] = row["updated_at"].isoformat(timespec="seconds") if row["updated_at"] else None
            print(json.dumps(rows, ensure_ascii=False))
            return 0
        if not rows:
            print(_m("cli.mappings_none", lang))
            return 0
        print(_m("cli.mappings_header", lang))
        for row in rows:
            unit = row["unit"] or (_m("cli.mappings_everyone", lang) if row["header_shape"] is None else "*")
            when = row["updated_at"].strftime("%Y-%m-%d %H:%M") if row["updated_at"] else ""
            print(f"{row['mapping_id']:17} {_short(unit, 12):13} {_short(row['header_shape'], 32):33} "
                  f"{len(row['columns']):>3} {len(row['words']):>3}  {_short(row['created_by'], 10):10}  {when}")
            for word, status in row["words"].items() if row["header_shape"] is None else ():
                print(f"    {word} = {status}")
        return 0
    if args.action == "delete":
        if len(args.items) != 1:
            print(_m("cli.mapping_delete_needs_id", lang), file=sys.stderr)
            return 2
        try:
            mappings_store.delete(db, args.items[0], actor)
        except mappings_store.NoSuchMapping as error:
            print(str(error), file=sys.stderr)
            return 1
        print(_m("cli.mapping_deleted", lang, id=args.items[0]))
        return 0
    # words
    if not args.items:
        print(_m("cli.words_needed", lang), file=sys.stderr)
        return 2
    words = {}
    for pair in args.items:
        word, sep, status = pair.rpartition("=") if "=" in pair else ("", "", "")
        if not sep or not word.strip() or not status.strip():
            print(_m("cli.bad_word_pair", lang, pair=pair), file=sys.stderr)
            return 2
        try:
            words[word.strip()] = mappings_store.status_from(status)
        except MappingError as error:
            print(str(error), file=sys.stderr)
            return 2
    try:
        mappings_store.save_common_words(db, words, actor)
    except MappingError as error:
        print(str(error), file=sys.stderr)
        return 2
    sep = "、" if lang == "zh" else ", "
    print(_m("cli.words_saved", lang, n=len(words), words=sep.join(f"{w}={s}" for w, s in words.items())))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loaders", description="Taizhang ledger loader")
    parser.add_argument("--lang", choices=["zh", "en"],
                        help="language of messages (default: from the locale, else Chinese)")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="load ledger files (.xlsx .xlsm .xls .csv)")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument("--db", help="database (default $TAIZHANG_DB or data/taizhang.duckdb)")
    ingest.add_argument("--month", type=_month, help="report month YYYY-MM when the sheet does not say")
    ingest.add_argument("--unit", help="reporting unit when the sheet has no unit column")
    ingest.add_argument("--region", help="region (县区) when the sheet has no region column")
    ingest.add_argument("--sheet", help="the sheet to read, when the workbook has several ledgers")
    ingest.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    ingest.add_argument("--keep-going", action="store_true", help="load the good rows, record the rest")
    ingest.add_argument("--json", action="store_true", help="one JSON object per file on stdout")
    ingest.add_argument("--loaded-by", help="who is loading (recorded in uploads)")
    ingest.add_argument(
        "--submitted-at",
        type=_submitted_at,
        help="when the unit submitted, for backfilling past months: YYYY-MM-DD, or 'sheet' for the sheet's 填报时间",
    )
    ingest.add_argument(
        "--mapping",
        metavar="NAME|FILE",
        help='which column is which and what status words mean: a JSON file {"columns": {"表头": "field"}, '
             '"words": {"词": "completed"}} or the name of a saved mapping. Saved mappings apply anyway.',
    )
    ingest.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS)
    ingest.set_defaults(func=cmd_ingest)

    demo = sub.add_parser("demo", help="write sample ledgers and load them")
    demo.add_argument("--db")
    demo.add_argument("--out", help="folder for the sample files (default: beside the database, demo/)")
    demo.add_argument("--months", type=int, default=12, help="how many months of 2021 to write (default 12)")
    demo.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS)
    demo.set_defaults(func=cmd_demo)

    accounts_cli.register(sub)  # users add|passwd|role|disable|list

    units = sub.add_parser("units", help="load the list of units expected to report (columns 单位, 县区)")
    units.add_argument("file", metavar="FILE")
    units.add_argument("--db")
    units.add_argument("--replace", action="store_true",
                       help="the sheet is the whole list: other units are no longer expected")
    units.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS)
    units.set_defaults(func=cmd_units)

    mappings = sub.add_parser(
        "mappings",
        help="saved column and word mappings: list [--json], delete ID, words WORD=STATUS ... (for everyone)",
    )
    mappings.add_argument("action", choices=["list", "delete", "words"])
    mappings.add_argument("items", nargs="*", metavar="ID|WORD=STATUS",
                          help="delete: the mapping id; words: WORD=STATUS, STATUS one of completed, in_progress, "
                               "not_started (or 已完成, 推进中, 未启动)")
    mappings.add_argument("--db")
    mappings.add_argument("--json", action="store_true")
    mappings.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS)
    mappings.set_defaults(func=cmd_mappings)

    info = sub.add_parser("info", help="months, units and tasks in the database")
    info.add_argument("--db")
    info.add_argument("--json", action="store_true")
    info.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS)
    info.set_defaults(func=cmd_info)
    return parser


def _storage_failure(error: Exception, lang: str, args) -> str | None:
    """A clear message for a database or upload folder that cannot be written
    (permissions, read-only file system, full disk) instead of the raw OS or
    DuckDB text. None for anything else."""
    import errno

    text = str(error)
    code = getattr(error, "errno", None)
    if (code in (errno.EACCES, errno.EPERM, errno.EROFS)
            or "Permission denied" in text or "Read-only file system" in text):
        key = "cli.storage_denied"
    elif code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or any(
        word in text for word in ("No space left on device", "Disk quota exceeded", "File too large")
    ):
        key = "cli.storage_full"
    else:
        return None
    quoted = re.search(r'"([^"]+)"', text)
    path = (getattr(error, "filename", None) or (quoted.group(1) if quoted else None)
            or db_target(getattr(args, "db", None)))
    if Path(str(path)).name.startswith(".") and str(path).endswith(".tmp"):
        path = Path(str(path)).parent  # store.keep_original's temporary file: name its folder
    return _m(key, lang, path=path)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    usage_error = getattr(args, "usage_error", None)  # a command's own usage rule (users: a user name)
    problem = usage_error(args) if usage_error else None
    if problem:
        parser.error(problem)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: a message, never a traceback
        from taizhang.database import LOCK_WAIT_SECONDS, StoreBusy, StoreError

        lang = _lang(getattr(args, "lang", None))
        storage = _storage_failure(error, lang, args) if args.command in ("ingest", "demo") else None
        if storage:
            print(storage, file=sys.stderr)
        elif isinstance(error, StoreBusy) and lang == "zh":  # in English, StoreBusy's own words
            print(_m("cli.store_busy", lang, db=db_target(getattr(args, "db", None)), seconds=f"{LOCK_WAIT_SECONDS:g}"),
                  file=sys.stderr)
        elif isinstance(error, StoreError):
            print(str(error), file=sys.stderr)
        else:
            print(_m("cli.error", lang) + f"{type(error).__name__}: {error}", file=sys.stderr)
        if os.environ.get("TAIZHANG_DEBUG"):
            raise
        return 1


if __name__ == "__main__":
    sys.exit(main())
