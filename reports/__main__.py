"""`python -m reports bulletin`: the month's 通报 from the command line, e.g. from
cron on the 26th, exactly as the briefing page's buttons give it (the same
reports.exports code; only the timestamps inside the files differ).

    python -m reports bulletin --month YYYY-MM [--region R] [--category C] [--measure M]
                               --format pdf|docx|xlsx|png [--chart KEY] -o FILE [--db PATH] [--lang zh|en]

Exit 0: written. Exit 1: refused (no database, no data for the month or region,
fonts or Chromium missing), with the reason on stderr and no file written.
Exit 2: wrong usage.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

from present.catalogue import STRINGS
from taizhang.config import cli_lang, db_target


def _say(key: str, lang: str, **values) -> str:
    """A message of the catalogue ("report_cli.*" keys: present/strings_reports.py)."""
    zh, en = STRINGS[key]
    return (zh if lang == "zh" else en).format(**values)


def _month(text: str) -> dt.date:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise argparse.ArgumentTypeError("expected YYYY-MM, e.g. 2021-06")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def build_parser() -> argparse.ArgumentParser:
    from reports.exports import CHART_SLIDES, KINDS

    parser = argparse.ArgumentParser(prog="python -m reports", description="Taizhang bulletins (通报)")
    commands = parser.add_subparsers(dest="command", required=True)
    bulletin = commands.add_parser("bulletin", help="the month's 通报 as PDF, Word, Excel or chart PNGs")
    bulletin.add_argument("--month", type=_month, required=True, help="the report month, YYYY-MM")
    bulletin.add_argument("--region", help="one county/district (县区); default all")
    bulletin.add_argument("--category", help="one task category (类别); default all")
    bulletin.add_argument("--measure", help="the ranked measure (default 综合得分, composite)")
    bulletin.add_argument("--format", choices=KINDS, required=True, dest="kind")
    bulletin.add_argument("-o", "--output", required=True, type=Path,
                          help="the file to write; with --format png, a .zip gets every chart")
    bulletin.add_argument("--chart", choices=CHART_SLIDES, default="regions",
                          help="with --format png: the slide chart to draw (default regions)")
    bulletin.add_argument("--db", help="the store (default $TAIZHANG_DB, else data/taizhang.duckdb)")
    bulletin.add_argument("--lang", choices=["zh", "en"], help="messages and chart words (the 通报 is Chinese)")
    return parser


def bulletin(args: argparse.Namespace, lang: str) -> int:
    import metrics
    from metrics.settings import ConfigError, load
    from present.catalogue import text
    from present.format import month as month_text
    from reports import exports
    from reports.bulletin import DEFAULT_MEASURE, assemble
    from reports.document import TemplateProblem
    from reports.fonts import FontMissing
    from reports.images import ChromiumMissing
    from taizhang import database

    db = db_target(args.db)
    measure = args.measure or DEFAULT_MEASURE
    if measure not in metrics.RANKABLE:
        print(_say("report_cli.bad_measure", lang, measure=measure, choices=", ".join(metrics.RANKABLE)),
              file=sys.stderr)
        return 2
    if not database.is_lake(db) and not database.exists(db):
        print(_say("report_cli.no_database", lang, db=db), file=sys.stderr)
        return 1
    try:
        settings = load()
    except ConfigError as error:
        print(_say("report_cli.config", lang, error=error), file=sys.stderr)
        return 1
    try:
        with database.reading(db) as con:
            months, regions, _ = metrics.catalog(con)
            if args.month not in months:
                print(_say("report_cli.no_month", lang, month=args.month.strftime("%Y-%m"),
                           months="、".join(m.strftime("%Y-%m") for m in months) or "—"), file=sys.stderr)
                return 1
            if args.region and args.region not in regions:
                print(_say("report_cli.no_region", lang, month=args.month.strftime("%Y-%m"), region=args.region,
                           regions="、".join(regions) or "—"), file=sys.stderr)
                return 1
            b = assemble(con, args.month, region=args.region, category=args.category, measure=measure,
                         settings=settings)
        whole_zip = args.kind == "png" and args.output.suffix.lower() == ".zip"
        data = exports.make(args.kind, b, today=dt.date.today(), lang=lang,
                            say=lambda key, **values: text(key, lang, **values),
                            chart_key=None if whole_zip else args.chart)
    except database.StoreBusy as error:
        print(_say("report_cli.busy", lang, error=error), file=sys.stderr)
        return 1
    except exports.NoChart:
        print(_say("report_cli.no_chart", lang, chart=args.chart, month=args.month.strftime("%Y-%m")), file=sys.stderr)
        return 1
    except (TemplateProblem, FontMissing, ChromiumMissing) as error:
        print(_say("report_cli.failed", lang, error=error), file=sys.stderr)
        return 1
    target = args.output
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    os.replace(partial, target)  # a cron job's reader never sees half a file
    scope = f"，{args.region}" if args.region and lang == "zh" else (f", {args.region}" if args.region else "")
    print(_say("report_cli.written", lang, file=target, month=month_text(args.month, lang), scope=scope,
               kind=args.kind))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = cli_lang(args.lang)
    if args.command == "bulletin":
        return bulletin(args, lang)
    return 2


if __name__ == "__main__":
    sys.exit(main())
