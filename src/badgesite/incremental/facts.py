"""The facts `badgesite stats` counts, read the fastest way there is: from the ledger
cache that builds keep, validating only what changed (ledgers.py); cold or after a
problem, the reference path (assemble.load_site) reads everything and says what is wrong."""
from __future__ import annotations

from pathlib import Path

from ..assemble import load_badges, load_site
from ..documents.stats import Fact, Programme
from ..errors import Diagnostics
from .ledgers import load_ledgers
from .memos import recall_images
from ..source.files import CACHE_DIR
from .store import Store


def read_facts(root: Path) -> tuple[Programme | None, Diagnostics | None]:
    """(Programme, None), or (None, Diagnostics) when the site has errors."""
    root = Path(root).resolve()
    diagnostics = Diagnostics()
    store = Store(root / CACHE_DIR / "ledgers")
    # the PNG images that builds decoded in full before (their header is always checked)
    loaded = load_badges(root, diagnostics, recall_images(store))
    if loaded is not None and not diagnostics:
        config, badges, broken = loaded
        ledgers = load_ledgers(root, config, badges, broken, store, {})
        if ledgers is not None:
            facts = [entry.fact() for ledger in ledgers for entry in ledger.items()]
            return Programme(config, badges, facts), None
    site, diagnostics = load_site(root)
    if site is None:
        return None, diagnostics
    return Programme(site.config, site.badges, [Fact.of(a) for a in site.awards.values()]), None
