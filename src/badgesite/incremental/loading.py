"""Load a site for a build: the badges in full, the awards per ledger file from the cache.

Always the whole model is loaded and validated; only the parsing and validating of
ledger entries whose text did not change is skipped (ledgers.py). Whenever anything
is unusual, the reference path (assemble.load_site) loads everything and reports
every problem with its position.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from ..assemble import load_badges, load_site
from ..errors import BadgesiteError, Diagnostics
from ..model import Award, Site
from .ledgers import LedgerFile, from_site, load_ledgers
from .memos import KnownImages, recall_images, remember_images
from .state import live_build
from .store import Store


class LedgerAwards(Mapping):
    """The awards of a build's site, by id in ledger order, as `Site.awards` is everywhere:
    each Award made from its ledger file's entry when asked, so that a build never holds
    a hundred thousand of them at once (the build itself makes each where it is used)."""

    def __init__(self, ledgers: list[LedgerFile]):
        self._ledgers = ledgers
        self._where: dict[str, tuple[int, int]] | None = None

    def __getitem__(self, award_id: str) -> Award:
        if self._where is None:
            self._where = {award_id: (number, position) for number, ledger in enumerate(self._ledgers)
                           for position, award_id in enumerate(ledger.summary["ids"])}
        number, position = self._where[award_id]
        ledger = self._ledgers[number]
        return ledger.item(position).award(ledger.path, ledger.stem, position)

    def __iter__(self) -> Iterator[str]:
        for ledger in self._ledgers:
            yield from ledger.summary["ids"]

    def __len__(self) -> int:
        return sum(ledger.count() for ledger in self._ledgers)

    def __repr__(self) -> str:
        return f"<{len(self)} awards in {len(self._ledgers)} ledger files>"


def load(root: Path, store: Store, state: dict, trust_cache: bool) -> tuple[Site, list[LedgerFile], Diagnostics]:
    """The site (its awards made from the ledger files when asked), and its ledger files: entry by entry, from the cache
    where an entry is known (never in a clean build, which only fills the cache); the
    reference way whenever there is any problem, which reports it with its position.
    `state`: the output's state record (state.read_state)."""
    diagnostics = Diagnostics()
    inspector = recall_images(store) if trust_cache else KnownImages()  # PNG images decoded in full before
    loaded = load_badges(root, diagnostics, inspector)
    remember_images(store, inspector)
    ledgers = None
    if loaded is not None and not diagnostics:
        config, badges, broken = loaded
        last = live_build(state) if trust_cache else {}
        previous = last.get("ledgers") if isinstance(last.get("ledgers"), dict) else {}
        ledgers = load_ledgers(root, config, badges, broken, store if trust_cache else store.untrusted(), previous)
    if ledgers is None:
        full, diagnostics = load_site(root)
        if full is None:
            raise BadgesiteError(diagnostics.sorted())
        config, badges = full.config, full.badges
        ledgers = from_site(full, store, set())
    return Site(str(root), config, badges, LedgerAwards(ledgers)), ledgers, diagnostics
