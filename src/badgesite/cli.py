"""The command line: parse, call the library, report. Exit 0 ok, 1 content errors, 2 usage.

Each subcommand is a small function; heavy imports happen inside it.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path

from . import __version__
from .errors import BadgesiteError, Diagnostic, UsageError

log = logging.getLogger("badgesite")
REPORT_URL = "https://github.com/badgesite/badgesite/issues"
UNCHANGED = {"keys": "no key was created or changed"}  # what a failed command left as it was (default: output/)


class Reporter:
    """Prints diagnostics for people, and as annotations under GitHub Actions."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.github = os.environ.get("GITHUB_ACTIONS") == "true"

    def diagnostics(self, items: list[Diagnostic]) -> None:
        for d in items:
            print(d.format(), file=sys.stderr)
            if self.github:
                print(d.annotation())

    def info(self, text: str) -> None:
        if not self.quiet:
            print(text)


def _site(args) -> Path:
    root = Path(args.site).resolve()
    if not root.is_dir():
        raise UsageError(f"no such folder: {args.site}")
    return root


def _summarise(errors: int, warnings: int) -> str:
    def plural(n, word):
        return f"{n} {word}{'' if n == 1 else 's'}"
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def cmd_check(args, reporter: Reporter) -> int:
    from .assemble import load_site

    root = _site(args)
    site, diagnostics = load_site(root)
    if site is not None:
        from .designrules import check_design

        diagnostics.extend(check_design(site).items)
    problems = diagnostics.sorted()
    if site is not None and args.base:
        from .review import review

        summary, review_diags = review(root, site, args.base)
        problems += review_diags
        reporter.info(summary)
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if step_summary:
            with open(step_summary, "a", encoding="utf-8") as handle:
                handle.write(summary + "\n")
    size = None
    if site is not None:
        from .sitesize import judge, projection

        size = projection(root / "output", site)
        verdict = size and judge(size, site.config.bake_in_browser)
        problems += [verdict] if verdict else []
    reporter.diagnostics(problems)
    errors = sum(d.severity == "error" for d in problems)
    warnings = len(problems) - errors
    if errors or (args.strict and warnings):
        print(f"check failed: {_summarise(errors, warnings)}", file=sys.stderr)
        return 1
    reporter.info(f"ok: {len(site.badges)} badges, {len(site.awards)} awards ({_summarise(0, warnings)})")
    reporter.info(size.summary() if size else "projected size: not known before the first build")
    return 0


def cmd_build(args, reporter: Reporter) -> int:
    from .keys import find_signing_key
    from .uptodate import current_build

    root = _site(args).resolve()
    key, key_note = find_signing_key(root)
    output = Path(args.output).resolve() if args.output else root / "output"
    inputs, result = current_build(root, output, key)  # answered without loading the pipeline
    if result is None or args.clean:
        from .build import build

        result = build(root, output, signing_key=key, clean=args.clean, inputs=inputs, strict=args.strict)
    reporter.diagnostics(result.diagnostics.sorted())
    if args.strict and result.diagnostics.warnings:
        print(f"build failed: {_summarise(0, len(result.diagnostics.warnings))} (--strict)", file=sys.stderr)
        return 1
    if key_note:
        reporter.info(key_note)
    reporter.info(f"built {result.badges} badges and {result.awards} awards into {result.output} ({result.files} files)")
    _report_size(reporter, result.size, args.verbose)
    return 0


def _report_size(reporter: Reporter, record: dict | None, verbose: bool) -> None:
    """The line that ends a build (or check): files, bytes, bytes per award."""
    from .sitesize import SiteSize

    size = SiteSize.from_record(record)
    if size is not None:
        if verbose:
            for line in size.by_kind():
                reporter.info(line)
        reporter.info(size.summary())


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

    p = command("build", cmd_build, "compile the site into output/", "badgesite build --clean")
    p.add_argument("-o", "--output", help="output folder (default: SITE/output)")
    p.add_argument("--clean", action="store_true", help="ignore the build cache and rebuild everything")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")

    p = command("check", cmd_check, "validate everything without writing anything",
                "badgesite check --base origin/main")
    p.add_argument("--base", metavar="REF", help="also review what changed since this git ref (e.g. origin/main)")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")

    for register in _extra_commands():
        register(command)
    return parser


def _extra_commands():
    """Subcommands defined beside the CLI: authoring (commands.py), trust (trust.py),
    deploy (deploycmd.py) and exports to other formats (exports.py)."""
    import importlib

    registered = []
    for name in ("commands", "trust", "deploycmd", "exports"):
        try:
            module = importlib.import_module(f".{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{name}":
                raise
            continue
        registered += module.REGISTER
    return registered


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
        print(f"{args.command} failed: {_summarise(errors, len(exc.diagnostics) - errors)}; "
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
