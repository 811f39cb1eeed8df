"""`badgesite check`: everything validated, the design rules, and with a base ref the
review of what the change adds and revokes. Nothing is written."""
from __future__ import annotations

from pathlib import Path

from .assemble import load_site
from .designrules import check_design
from .errors import Diagnostic
from .incremental.state import live_build, read_state
from .model import Site
from .review import review
from .sitesize import SiteSize, judge, projection


def check(root: Path, base: str | None = None) -> tuple[Site | None, list[Diagnostic], str | None, SiteSize | None]:
    """(the site or None, every problem sorted, the review's summary or None, the size a
    build would publish, projected from the last build; None before the first)."""
    site, diagnostics = load_site(root)
    if site is None:
        return None, diagnostics.sorted(), None, None
    diagnostics.extend(check_design(site).items)
    problems = diagnostics.sorted()
    summary = None
    if base:
        summary, found = review(root, site, base)
        problems += found
    size = projection(live_build(read_state(root / "output")), site)
    verdict = size and judge(size, site.config.bake_in_browser)
    problems += [verdict] if verdict else []
    return site, problems, summary, size
