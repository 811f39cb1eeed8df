"""The awards of each ledger file, validated once per content and remembered.

A build needs every award's facts, but a site of 100,000 awards should not pay
for parsing and validating all of them when one was added. Each ledger file is
remembered in `.badgesite-cache/ledgers/` (store.py) under a key made of its bytes
and of everything its validation depends on (fingerprints.ledger_key):

  <key>.summary.json   what site-wide files need: ids and badges, revocations, dates,
                       the facts of its status lists
  <key>.awards.json    where its awards are: the blocks below, and its last entry
  <sha>.block.json     4096 entries in a row (records.Entry: the award as a compact
                       record, and where its text is); named by content, shared by versions

A file that only grew at its end (`badgesite award`, a CSV import) keeps the blocks
of its earlier version but the last, so adding an award costs the same in a file of
a hundred awards as in one of a hundred thousand.

A changed file is split into its entries (each top-level `- ` item); an entry
whose text is the same as in the file's previous version keeps its record, so
only new or edited entries are parsed and validated (many of them, as in a clean
build, which reads nothing from the cache, by worker processes). Anything unusual (a
problem in any entry, a duplicate id, a file that is not a plain list of
entries) gives None, and the build takes the reference path: the whole-site
`load_site`, which reports every problem with its position. Every cache file
carries the SHA-256 of its content; a damaged or foreign one is ignored, never
trusted, and the cache folder is safe to delete.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import workers
from ..assemble import AWARD_ID, validate_award
from ..documents.ob3 import StatusList
from ..errors import Diagnostics
from ..model import Award, Badge, Config, Site, Where
from ..source.fields import Fields
from ..source.files import SourceError, read_text, relpath
from ..source.ledger import LEDGER_NAME, LedgerEntry, ledger_files
from ..source.yaml import PosDict, PosList, YamlError, load
from .fingerprints import ledger_key, validation_digest
from .records import Entry, summarise, to_record
from .store import Store

BLOCK = 4096  # entries per block of records: appending rewrites only the last block
ENTRY_SPLIT = re.compile(r"^(?=-(?:[ \t]|\r?$))", re.MULTILINE)  # before each '- ' at the start of a line
HEADER = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*(?:[ \t]*(?:#[^\n]*)?)?")  # blank lines and comments


# -- one ledger file -------------------------------------------------------------------

@dataclass
class LedgerFile:
    path: str  # relative to the site folder
    stem: str  # the ledger's name: status lists are named by it
    key: str  # content + validation context: the name of its cache files
    summary: dict
    _store: "Store" = field(repr=False, default=None)
    _items: list[Entry] | None = field(repr=False, default=None)
    _reload: object = field(repr=False, default=None)  # validates the file again when its records are lost
    # (key of an earlier version, n): this version only grew at the end of that one, whose
    # first n entries it keeps as they were, at the same places
    grown_from: tuple[str, int] | None = field(repr=False, default=None)
    _tail: tuple[int, list[Entry]] | None = field(repr=False, default=None)  # (n, the entries from the n-th on)

    def items(self) -> list[Entry]:
        """Every entry, in file order."""
        if self._items is None:
            index = self._store.read(self.key, "awards")
            items = all_items(self._store, index) if index is not None else None
            if items is None:  # damaged or deleted since the summary was read
                again = self._reload() if self._reload else None
                if again is None or again.summary != self.summary:
                    raise LookupError(f"{self.path} changed during the build")
                items = again.items()
            self._items = items
        return self._items

    def item(self, position: int) -> Entry:
        """One entry: of a file that grew, the new ones without reading the others."""
        if self._items is None and self._tail is not None and position >= self._tail[0]:
            return self._tail[1][position - self._tail[0]]
        return self.items()[position]

    def count(self) -> int:
        return len(self.summary["ids"])

    def kept_from(self, key: str | None) -> int:
        """How many of its first entries this version kept, in place, from version `key`."""
        return self.grown_from[1] if self.grown_from and self.grown_from[0] == key else 0

    def awards(self) -> list[Award]:
        return [entry.award(self.path, self.stem, position) for position, entry in enumerate(self.items())]

    def status_lists(self) -> list:
        """What documents.ob3.status_lists(self.awards()) says, from the summary (the same,
        without making a hundred thousand Awards: tests/test_ledgercache.py)."""
        date = dt.date.fromisoformat
        return [StatusList(self.stem, number, date(first), date(changed), tuple(revoked), Where(self.path, line, col))
                for number, (first, changed, revoked, line, col) in enumerate(self.summary["lists"])]


def _chunks(text: str, line: int = 1, offset: int = 0) -> list[tuple[int, int, str]] | None:
    """(first line, character offset, text) of every top-level entry of a ledger file
    (or of its part that starts at `line` and `offset`), or None when it is not a
    plain block list that can be split that way."""
    if "\r" in text and "\r" in text.replace("\r\n", ""):
        return None  # old Mac line ends: lines that the splitting below would not see
    pieces = ENTRY_SPLIT.split(text)
    if not HEADER.fullmatch(pieces[0]):
        return None  # something before the first entry: not for the fast path
    chunks = []
    line, offset = line + pieces[0].count("\n"), offset + len(pieces[0])
    for piece in pieces[1:]:
        chunks.append((line, offset, piece))
        line, offset = line + piece.count("\n"), offset + len(piece)
    return chunks


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_ledgers(root: Path, config: Config, badges: dict[str, Badge], broken: set[str],
                 store: Store, previous: dict[str, str]) -> list[LedgerFile] | None:
    """Every ledger file, from the cache where its content is known; None when any
    file needs the reference path (a problem to report, or an unusual shape).

    `previous` maps ledger paths to their keys in the last build: a changed file
    keeps the records of the entries whose text did not change.
    """
    vdigest = validation_digest(config, badges, broken)
    result: list[LedgerFile] = []
    seen: set[str] = set()
    total = 0
    for file in ledger_files(root):
        rel = relpath(root, file)
        if not LEDGER_NAME.match(file.stem):
            return None
        try:
            text = read_text(root, file)
        except SourceError:
            return None
        key = ledger_key(vdigest, rel, text)
        summary = store.read(key, "summary")
        if summary is not None:
            ledger = LedgerFile(rel, file.stem, key, summary, store)
            ledger._reload = lambda rel=rel, stem=file.stem, key=key, text=text: _validate_file(
                rel, stem, key, text, config, badges, broken, vdigest, Store(None), None)
        else:
            ledger = _validate_file(rel, file.stem, key, text, config, badges, broken, vdigest,
                                    store, previous.get(rel))
            if ledger is None:
                return None
        total += len(ledger.summary["ids"])
        seen.update(ledger.summary["ids"])
        if len(seen) != total:
            return None  # a duplicate id: the reference path says where both are
        result.append(ledger)
    return result


def _validate_file(rel, stem, key, text, config, badges, broken, vdigest, store, previous_key):
    """One changed ledger file: new and edited entries validated, the others remembered."""
    old = store.read(previous_key, "awards") if previous_key else None
    if old is not None and (old.get("vdigest") != vdigest or old.get("block") != BLOCK):
        old = None  # validated otherwise, or cut in blocks of another size
    last = Entry.load(old["last"]) if old is not None and old["last"] is not None else None
    kept, known, chunks = 0, {}, None
    if last is not None and last.sha is not None and len(text) >= old["length"] \
            and _sha(text[:old["length"]]) == old["sha"]:
        # the common case: entries added at the end. The old text is unchanged up to its
        # last entry, which may have grown (a revocation added to it): split only from there.
        kept = old["count"] - 1
        chunks = _chunks(text[old["last_offset"]:], last.first, old["last_offset"])
        known = {last.sha: last}
    if chunks is None:
        kept = 0
        chunks = _chunks(text)
        if chunks is None:
            return None
        if old is not None:
            known = {entry.sha: entry for entry in all_items(store, old) or () if entry.sha}
    tail: list[Entry | None] = []  # the entries from position `kept` on
    new: list[tuple[int, int, str, str]] = []  # (position, first line, text, sha) of entries to validate
    for position, (start, offset, chunk) in enumerate(chunks, kept):
        digest = _sha(chunk)
        reused = known.get(digest)
        if reused is not None:
            tail.append(Entry(digest, start, start + reused.line - reused.first, reused.col, reused.record))
        else:
            tail.append(None)
            new.append((position, start, chunk, digest))
    checked = _validate_entries(rel, stem, new, config, badges, broken)
    if checked is None:
        return None
    for (position, _, _, _), item in zip(new, checked):
        tail[position - kept] = item
    last_offset = chunks[-1][1] if chunks else len(text)
    items = summary = None
    if kept and tail and (tail[0].first, tail[0].line, tail[0].col, tail[0].record) == \
            (last.first, last.line, last.col, last.record):
        # the old last entry as it was (its text may have gained a blank line, as
        # `badgesite award` writes one before the entry it appends): entries were added
        before = store.read(previous_key, "summary")
        if before is not None and len(before["ids"]) == kept + 1:
            kept, tail = kept + 1, tail[1:]
            summary = summarise(tail, before)
    if summary is None:
        if kept:
            items = all_items(store, old)
            if items is None:  # the cache lost the earlier version: validate the whole file
                return _validate_file(rel, stem, key, text, config, badges, broken, vdigest, store, None)
            items = items[:kept] + tail
        else:
            items = tail
        summary = summarise(items)
    if _write_items(store, key, vdigest, text, last_offset, tail, kept, old):
        store.write(key, "summary", summary)
    ledger = LedgerFile(rel, stem, key, summary, store, grown_from=(previous_key, kept) if kept else None)
    if items is not None:
        ledger._items = items
    else:
        ledger._tail = (kept, tail)
    return ledger


def all_items(store: Store, index: dict) -> list[Entry] | None:
    """Every entry of a remembered version, from its blocks (None if one is lost)."""
    items: list = []
    for block in index["blocks"]:
        data = store.read(block, "block")
        if data is None:
            return None
        items += data["items"]
    return [Entry.load(item) for item in items] if len(items) == index["count"] else None


def last_entry(index: dict) -> Entry:
    """The last entry of a remembered version (kept beside its blocks)."""
    return Entry.load(index["last"])


def _write_items(store: Store, key: str, vdigest: str, text: str, last_offset: int, tail: list[Entry], kept: int = 0,
                 old: dict | None = None) -> bool:
    """Remember a version's entries: `tail` from position `kept` on, those before it being
    the first ones of the version `old`, whose blocks are shared. False if it cannot."""
    blocks, head = [], []
    if kept:
        blocks = list(old["blocks"][:kept // BLOCK])
        if kept % BLOCK:
            data = store.read(old["blocks"][kept // BLOCK], "block")
            if data is None:
                return False
            head = data["items"][:kept % BLOCK]
    rest = head + [entry.dump() for entry in tail]
    blocks += [store.write_block(rest[i:i + BLOCK]) for i in range(0, len(rest), BLOCK)]
    last = tail[-1].dump() if tail else old["last"] if kept else None
    store.write(key, "awards", {"vdigest": vdigest, "block": BLOCK, "count": kept + len(tail), "blocks": blocks,
                                "length": len(text), "sha": _sha(text), "last_offset": last_offset, "last": last})
    return True


PARALLEL_FROM = 4000  # entries to validate at least before worker processes share the work


def _validate_entries(rel, stem, new, config, badges, broken) -> list[Entry] | None:
    """The items of these entries, or None when any of them needs the reference path.
    Many entries (a large file the first time, or a clean build) are spread over worker
    processes, each taking its share of the list: the same items, in the same order."""
    processes = workers.jobs() if len(new) >= PARALLEL_FROM else 1
    if processes == 1:
        return _validate_part(rel, stem, new, config, badges, broken)
    size = -(-len(new) // (processes * 4))
    shares = [(i, min(i + size, len(new))) for i in range(0, len(new), size)]
    parts = list(workers.fork_map(_validate_share, (rel, stem, new, config, badges, broken), shares, processes))
    if any(part is None for part in parts):
        return None
    return [item for part in parts for item in part]


def _validate_share(shared: tuple, bounds: tuple[int, int]) -> list[Entry] | None:
    rel, stem, new, config, badges, broken = shared
    return _validate_part(rel, stem, new[bounds[0]:bounds[1]], config, badges, broken)


def _validate_part(rel, stem, new, config, badges, broken) -> list[Entry] | None:
    items = []
    for position, start, chunk, digest in new:
        try:
            data = load(chunk, rel, start - 1)
        except YamlError:
            return None
        if not isinstance(data, PosList) or len(data) != 1 or not isinstance(data[0], PosDict):
            return None
        line, col = data.ipos(0)
        diagnostics = Diagnostics()
        f = Fields(data[0], rel, diagnostics)
        award_id = f.text("id", required=True, max_len=1000)
        if award_id is None or not AWARD_ID.match(award_id):
            return None
        f.context = f"award '{award_id}': "
        award = validate_award(f, award_id, LedgerEntry(rel, stem, position, data[0], line, col), config, badges, broken)
        if award is None or diagnostics:
            return None
        items.append(Entry(digest, start, line, col, to_record(award)))
    return items


def from_site(site: Site, store: Store, broken: set[str]) -> list[LedgerFile]:
    """The ledger files of a site loaded the reference way (load_site), remembered for next time."""
    vdigest = validation_digest(site.config, site.badges, broken)
    root = Path(site.root)
    by_path: dict[str, list[Award]] = {}
    for award in site.awards.values():
        by_path.setdefault(award.source.path, []).append(award)
    result = []
    for file in ledger_files(root):
        rel = relpath(root, file)
        if rel not in by_path and not file.is_file():
            continue
        awards = sorted(by_path.get(rel, []), key=lambda a: a.position)
        text = read_text(root, file)
        key = ledger_key(vdigest, rel, text)
        chunks = _chunks(text)
        if chunks is None or len(chunks) != len(awards):
            chunks = [(0, 0, None)] * len(awards)  # entries that cannot be told apart are not remembered one by one
        items = [Entry(_sha(chunk) if chunk is not None else None, start, a.source.line, a.source.col, to_record(a))
                 for a, (start, _, chunk) in zip(awards, chunks)]
        summary = summarise(items)
        last_offset = chunks[-1][1] if chunks and chunks[-1][2] is not None else len(text)
        _write_items(store, key, vdigest, text, last_offset, items)
        store.write(key, "summary", summary)
        ledger = LedgerFile(rel, file.stem, key, summary, store)
        ledger._items = items
        result.append(ledger)
    return result


