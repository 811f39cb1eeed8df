"""`badgesite check`: everything validated, the design rules, and with a base ref the
review of what the change adds and revokes. Nothing is written."""
from __future__ import annotations

from pathlib import Path

from .assemble import load_site
from .designrules import check_design
from .errors import Diagnostic
from .model import Site
from .review import review


def check(root: Path, base: str | None = None) -> tuple[Site | None, list[Diagnostic], str | None]:
    """(the site or None, every problem sorted, the review's summary or None)."""
    site, diagnostics = load_site(root)
    if site is not None:
        diagnostics.extend(check_design(site).items)
    problems = diagnostics.sorted()
    summary = None
    if site is not None and base:
        summary, found = review(root, site, base)
        problems += found
    return site, problems, summary
