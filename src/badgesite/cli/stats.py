"""`badgesite stats`: evaluate the programme (awards, status, revocations, expiry per badge)."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from ..errors import UsageError
from .report import date_argument, site_folder


def cmd_stats(args, reporter) -> int:
    from .. import evaluation  # lazy: Jinja and pygal, for this command only

    root = site_folder(args)
    if args.json and args.html:
        raise UsageError("give --json or --html DIR, not both")
    programme, figures, diagnostics = evaluation.figures(root, args.today or dt.date.today())
    if programme is None:
        reporter.diagnostics(diagnostics.sorted())
        print("badgesite stats: the site has errors; fix them first (see 'badgesite check')", file=sys.stderr)
        return 1
    if args.json:
        sys.stdout.write(evaluation.to_json(figures))
    elif args.html:
        html = evaluation.report(root, programme.config, figures)
        try:
            target = evaluation.write_report(Path(args.html), html)
        except OSError as exc:
            raise UsageError(f"cannot write the report into {args.html}: {exc.strerror or exc}") from None
        reporter.info(f"wrote {target} ({figures['total']['awards']} awards, {len(figures['badges'])} badges)")
    else:
        sys.stdout.write(evaluation.text_table(figures))
    return 0


def register(command) -> None:
    p = command("stats", cmd_stats, "evaluate the programme: awards, status, revocations and expiry per badge",
                "badgesite stats --html stats-report/")
    p.add_argument("--json", action="store_true", help="print the figures as JSON, for scripts")
    p.add_argument("--html", metavar="DIR", help="write a report with charts to DIR/index.html (one self-contained file)")
    p.add_argument("--today", metavar="DATE", type=date_argument,
                   help="count active, expired and expiring awards as of this day, YYYY-MM-DD (default: today)")
