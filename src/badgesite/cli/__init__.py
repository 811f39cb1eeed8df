"""The command line: parse, call the library, report. Exit 0 ok, 1 content errors, 2 usage.

One module per command group (build.py: build and check; authoring.py: new, award,
revoke; serve.py; stats.py; keys.py; verify.py; deploy.py), each with `register(command)` and its `cmd_*`
functions; report.py holds what they share (the site lookup, the Reporter). Heavy
imports (the build pipeline, the server, the verifier) happen inside the commands.
"""
from __future__ import annotations

import argparse
import logging
import sys
import traceback

from .. import __version__
from ..errors import BadgesiteError, UsageError
from . import authoring, build, deploy, export, keys, notify, serve, stats, verify
from .report import Reporter, counted

log = logging.getLogger("badgesite")
REPORT_URL = "https://github.com/badgesite/badgesite/issues"
UNCHANGED = {"keys": "no key was created or changed"}  # what a failed command left as it was (default: output/)
GROUPS = (build, authoring, notify, serve, stats, keys, verify, deploy, export)  # in the order `badgesite --help` lists them


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="badgesite",
        description="Build a badge catalogue and verifiable Open Badges from a folder of Markdown and YAML.",
        epilog="Example: badgesite build   (in a site folder)   ·   badgesite COMMAND --help for more")
    parser.add_argument("--version", action="version", version=f"badgesite {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name, func, help_, example):
        p = sub.add_parser(name, help=help_, description=help_, epilog=f"Example: {example}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("-s", "--site", default=".", help="the site folder (default: the current folder)")
        p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
        p.add_argument("-v", "--verbose", action="store_true", help="print more about what happens")
        p.set_defaults(func=func)
        return p

    for group in GROUPS:
        group.register(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage error or help
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s")
    reporter = Reporter(quiet=args.quiet)
    try:
        return args.func(args, reporter)
    except BadgesiteError as exc:
        reporter.diagnostics(exc.diagnostics)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        print(f"{args.command} failed: {counted(errors, len(exc.diagnostics) - errors)}; "
              f"{UNCHANGED.get(args.command, 'output/ was not changed')}", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"badgesite {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:  # an internal error: say how to report it, keep the details for the report
        print("badgesite: internal error. This is a bug in badgesite, not in your content.\n"
              f"Please report it at {REPORT_URL} with the text below.", file=sys.stderr)
        traceback.print_exc()
        return 3
