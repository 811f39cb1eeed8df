"""What every command shares: finding the site, and telling people what happened.

The library never prints; commands report through a Reporter: diagnostics as
`file:line: message` (and as GitHub annotations under GitHub Actions), progress and
results unless --quiet.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from ..errors import Diagnostic, Diagnostics, UsageError
from ..model import Site


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


def site_folder(args) -> Path:
    """The site folder of --site, which must exist."""
    root = Path(args.site).resolve()
    if not root.is_dir():
        raise UsageError(f"no such folder: {args.site}")
    return root


def counted(errors: int, warnings: int) -> str:
    """'1 error, 2 warnings'."""
    def plural(n, word):
        return f"{n} {word}{'' if n == 1 else 's'}"
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def show(reporter: Reporter, command: str, diagnostics: list[Diagnostic]) -> None:
    """Diagnostics about the command line itself read 'badgesite award: error: ...'."""
    located = []
    for d in diagnostics:
        if d.path == command and not d.line:
            print(f"badgesite {command}: {d.severity}: {d.message}" + (f" ({d.hint})" if d.hint else ""),
                  file=sys.stderr)
        else:
            located.append(d)
    reporter.diagnostics(located)


def load(root: Path) -> tuple[Site | None, Diagnostics]:
    """The whole site, validated (assemble.load_site)."""
    from ..assemble import load_site  # lazy: `build` on an unchanged site answers without loading the validator

    return load_site(root)


def load_or_say(root: Path, reporter: Reporter, command: str) -> Site | None:
    """The site, or None after saying that it must be fixed first."""
    site, diagnostics = load(root)
    if site is None:
        reporter.diagnostics(diagnostics.sorted())
        print(f"badgesite {command}: the site has errors; fix them first (see 'badgesite check'). "
              "Nothing was written.", file=sys.stderr)
    return site


def date_argument(text: str) -> dt.date:
    """An argparse type: a date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


class Progress:
    """A one-line progress bar on a terminal; silent in CI, in pipes and with -q."""

    def __init__(self, label: str, total: int, reporter, stream=None):
        self.stream = stream or sys.stderr
        self.label, self.total = label, max(total, 1)
        self.enabled = (sys.stdout.isatty() and self.stream.isatty() and not reporter.quiet
                        and not os.environ.get("CI") and total >= 200)
        self.shown = -1

    def __call__(self, done: int) -> None:
        if not self.enabled:
            return
        percent = done * 100 // self.total
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            self.stream.write(f"\r{self.label} [{bar:<25}] {percent:3d}% {done}/{self.total}")
            if done >= self.total:
                self.stream.write("\n")
            self.stream.flush()
