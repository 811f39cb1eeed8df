"""What changed since the live build, and so what this build makes: the one seam.

`reusable()` says whether this build can change the live site file by file (the same
base fingerprint, the records of every changed ledger file still known), or must make
everything into an empty folder. `changes()` then writes the site-wide files whose bytes
differ, deletes what is gone, and returns the work left: the awards and share cards to
make (the build's workers make them). Index, feed and status lists are always made again
(pages only when their fingerprint changed) and written only when their bytes differ.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..errors import BadgesiteError
from ..model import Badge
from ..output.artifacts import award_paths, site_files, status_files
from ..output.context import Context
from ..output.theme import Deferred
from ..write import Staging
from .fingerprints import page_fingerprint
from .blocks import read_entries
from .ledgers import LedgerFile
from .records import Entry
from .state import live_build
from .store import Store


@dataclass
class Changes:
    record: dict  # what the next build needs to know of this one
    cards: list[Badge] = field(default_factory=list)  # share cards to draw
    awards: list[tuple[int, int]] = field(default_factory=list)  # (ledger file, position) of awards to make
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (ledger file, award id) of the live build gone


def reusable(state: dict, base: str, ledgers: list[LedgerFile], store: Store) -> dict | None:
    """The live build's record when this build can change the live site file by file:
    the same base, and the records of every ledger file that changed are still known.
    Otherwise (a badge, the config, a template or the key changed; the cache is gone)
    every award is made again, into an empty folder."""
    last = live_build(state)
    if not last or last.get("base") != base:
        return None
    now = {ledger.path: ledger for ledger in ledgers}
    for path, key in last["ledgers"].items():
        ledger = now.get(path)
        if ledger is not None and ledger.key == key:
            continue
        index = store.read(key, "awards")
        if index is None:
            return None
        head, tail = ledger.kept_around(key) if ledger is not None else (0, 0)
        if read_entries(store, index, head, index["count"] - tail) is None:
            return None  # the build compares its entries between those kept (old_awards), and a block is lost
    return last


def changes(ctx: Context, ledgers: list[LedgerFile], staging: Staging, base: str, last: dict | None, store: Store,
            signing_key) -> Changes:
    """Write into the staging folder the site-wide files that differ from the live site
    (everything, when `last` is None) and delete what is gone; return the rest to make."""
    urls, badges = ctx.urls, ctx.site.badges
    credentials = signing_key is not None
    baked = not ctx.site.config.bake_in_browser  # else the award pages bake in the browser
    image_types = {b.id: b.image_type for b in badges.values()}
    record = {"base": base, "credentials": credentials, "image_types": image_types, "awards": ctx.tally.total,
              "badges": len(badges), "ledgers": {l.path: l.key for l in ledgers}, "site": {}, "status": {},
              "pages": {}}  # pages: page -> fingerprint of what it is made from
    before = last or {"ledgers": {}, "site": {}, "status": {}, "pages": {}, "cards": []}
    work = Changes(record)
    gone: set[str] = set()  # paths of the live site that this build does not make
    dropped: list[tuple[str, str]] = []  # (ledger file, award id) no longer in that file

    for rel, data in site_files(ctx, signing_key):
        if rel in record["site"]:
            raise BadgesiteError(f"two outputs claim the same file: {rel}")
        if isinstance(data, Deferred):
            made_from = record["pages"][rel] = page_fingerprint(base, data)
            if before["pages"].get(rel) == made_from and rel in before["site"]:
                record["site"][rel] = before["site"][rel]
                continue
            data = data.make()
        record["site"][rel] = digest = hashlib.sha256(data).hexdigest()
        if before["site"].get(rel) != digest:
            staging.write(rel, data)
    gone |= set(before["site"]) - set(record["site"])

    # share cards: slow to draw, so made only when what they show may have changed
    record["cards"] = [urls.badge_card(b) for b in badges]
    work.cards = [badge for badge in badges.values() if urls.badge_card(badge.id) not in before["cards"]]
    gone |= set(before["cards"]) - set(record["cards"])

    def paths_of(award_id: str, entry: Entry) -> list[str]:
        return award_paths(urls, award_id, image_types.get(entry.badge, "png"), credentials, baked)

    # per ledger file: its awards' files and its status lists, where anything changed
    for number, ledger in enumerate(ledgers):
        if before["ledgers"].get(ledger.path) == ledger.key:
            record["status"][ledger.path] = before["status"].get(ledger.path, {})
            continue
        count = ledger.count()
        # a file changed between blocks it kept keeps the live build's entries there as they were
        head, tail = ledger.kept_around(before["ledgers"].get(ledger.path))
        old = old_awards(before, ledger.path, store, head, tail)
        for position in range(head, count - tail):
            entry = ledger.item(position)
            was = old.pop(entry.award_id, None)
            if was is None or was[0] != position or was[1].record != entry.record:
                work.awards.append((number, position))
        for award_id, (_, entry) in old.items():  # awards no longer in the file
            gone.update(paths_of(award_id, entry))
            dropped.append((ledger.path, award_id))
        status = record["status"][ledger.path] = {}
        if credentials and count:
            previous = before["status"].get(ledger.path, {})
            for rel, data in status_files(ctx, signing_key, ledger.status_lists()):
                status[rel] = digest = hashlib.sha256(data).hexdigest()
                if previous.get(rel) != digest:
                    staging.write(rel, data)
    for path, status in before["status"].items():
        gone |= set(status) - set(record["status"].get(path, {}))
    for path in before["ledgers"]:
        if path not in record["ledgers"]:  # a ledger file that is gone: so are its awards
            for award_id, (_, entry) in old_awards(before, path, store).items():
                gone.update(paths_of(award_id, entry))
                dropped.append((path, award_id))

    files = len(record["site"]) + len(record["cards"]) + sum(len(s) for s in record["status"].values())
    for badge_id, count in ctx.tally.counts.items():
        files += count * len(award_paths(urls, "x", image_types[badge_id], credentials, baked))
    record["files"] = files
    staging.delete(sorted(gone))  # first: an award that moved to another ledger file is made again
    made = {ledgers[number].item(position).award_id for number, position in work.awards}
    work.dropped = [(path, award_id) for path, award_id in dropped if award_id not in made]
    return work


def old_awards(before: dict, path: str, store: Store, head: int = 0, tail: int = 0) -> dict[str, tuple[int, Entry]]:
    """award id -> (position, entry) of a ledger file in the live build, but its first
    `head` and last `tail` entries ({} when it had none)."""
    key = before["ledgers"].get(path)
    data = store.read(key, "awards") if key else None
    if key and data is None:
        raise LookupError(f"the build cache of {path} disappeared during the build")
    if not data:
        return {}
    items = read_entries(store, data, head, data["count"] - tail)
    if items is None:
        raise LookupError(f"the build cache of {path} disappeared during the build")
    return {entry.award_id: (position, entry) for position, entry in enumerate(items, head)}
