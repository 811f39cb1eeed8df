"""The awards of each ledger file, validated once per content and remembered.

A build needs every award's facts, but a site of 100,000 awards should not pay
for parsing and validating all of them when one was added. Each ledger file is
remembered in `.badgesite-cache/ledgers/` (store.py) under a key made of its bytes
and of everything its validation depends on (fingerprints.ledger_key):

  <key>.awards.json    where its awards are: the blocks below, where in the text each
                       was cut from, and what each adds to the summary that site-wide
                       files need (ids and badges, revocations, dates, the facts of its
                       status lists: records.part, records.merge; blocks.py)
  <sha>.block.json     4096 entries in a row (records.Entry: the award as a compact
                       record, and where its text is); named by content, shared by versions

A changed file keeps the blocks of its earlier version whose text is the same at the
same place from its start or from its end: an award added at the end (`badgesite
award`, a CSV import), revoked or edited in the middle (`badgesite revoke`) splits and
reads again only the block it is in, so it costs the same in a file of a hundred
awards as in one of a hundred thousand.

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
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import workers
from ..assemble import AWARD_ID, validate_award
from ..documents import bitstring
from ..documents.ob3 import StatusList
from ..errors import Diagnostics
from ..model import Award, Badge, Config, Site, Where
from ..source.fields import Fields
from ..source.files import SourceError, read_text, relpath
from ..source.ledger import LEDGER_NAME, LedgerEntry, ledger_files
from ..source.yaml import PosDict, PosList, YamlError, load
from .blocks import all_of, kept_blocks, moved_blocks, new_blocks, old_blocks, read_entries, text_sha
from .fingerprints import ledger_key, validation_digest
from .records import Entry, merge, summarise, to_record
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
    # (key of an earlier version, head, tail): this version keeps the first `head` and the
    # last `tail` entries of that one as they were, at the same positions (an award added,
    # revoked or edited between them)
    same_as: tuple[str, int, int] | None = field(repr=False, default=None)
    _fresh: tuple[int, list[Entry]] | None = field(repr=False, default=None)  # (head, the entries after it)

    def items(self) -> list[Entry]:
        """Every entry, in file order."""
        if self._items is None:
            index = self._store.read(self.key, "awards")
            items = read_entries(self._store, index) if index is not None else None
            if items is None:  # damaged or deleted since the summary was read
                again = self._reload() if self._reload else None
                if again is None or again.summary != self.summary:
                    raise LookupError(f"{self.path} changed during the build")
                items = again.items()
            self._items = items
        return self._items

    def item(self, position: int) -> Entry:
        """One entry: of a file changed between kept blocks, the new ones without reading the others."""
        if self._items is None and self._fresh is not None:
            head, fresh = self._fresh
            if head <= position < head + len(fresh):
                return fresh[position - head]
        return self.items()[position]

    def count(self) -> int:
        return len(self.summary["ids"])

    def kept_around(self, key: str | None) -> tuple[int, int]:
        """(head, tail): how many of its first and last entries this version kept, in
        place, from version `key`."""
        return self.same_as[1:] if self.same_as and self.same_as[0] == key else (0, 0)

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
        index = store.read(key, "awards")
        summary = summary_of(store, index) if index is not None else None
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


def summary_of(store: Store, index: dict) -> dict | None:
    """What the site-wide files need of a remembered version (records.summarise): put
    together from its blocks' parts, or, where its blocks straddle status lists (a block
    size that does not divide theirs), from its entries (None if a block is lost)."""
    if bitstring.MIN_SIZE % index["block"] == 0:
        return merge(index["parts"], [span[3] for span in index["spans"]], index["block"])
    items = read_entries(store, index)
    return summarise(items) if items is not None else None


def _validate_file(rel, stem, key, text, config, badges, broken, vdigest, store, previous_key):
    """One changed ledger file: new and edited entries validated, the others remembered.
    Where the earlier version's blocks are found unchanged at the start and at the end of
    the text (an award added, revoked or edited), only the blocks between are split again."""
    old = store.read(previous_key, "awards") if previous_key else None
    if old is not None and (old.get("vdigest") != vdigest or old.get("block") != BLOCK or not old["blocks"]):
        old = None  # validated otherwise, cut in blocks of another size, or empty
    front, back, chunks, known, middle = 0, 0, None, None, None
    if old is not None:
        front, back, start, stop = kept_blocks(old, text)
        chunks = _chunks(text[start:stop], old["spans"][front][1], start)
        head, old_stop = front * BLOCK, back * BLOCK if back < len(old["blocks"]) else old["count"]
        if chunks is not None and len(chunks) != old_stop - head and back < len(old["blocks"]):
            back, stop, old_stop = len(old["blocks"]), len(text), old["count"]  # entries added or removed: the
            chunks = _chunks(text[start:], old["spans"][front][1], start)  # later ones moved
        known = read_entries(store, old, head, old_stop)
        if chunks is not None and known is not None:
            middle = (start, stop)
    if middle is None:
        front, back, chunks = 0, 0, _chunks(text)
        if chunks is None:
            return None
        known = read_entries(store, old) if old is not None else None
    head = front * BLOCK
    known = {entry.sha: entry for entry in known or () if entry.sha}
    fresh: list[Entry | None] = []  # the entries from position `head` on, up to the kept blocks at the end
    new: list[tuple[int, int, str, str]] = []  # (position, first line, text, sha) of entries to validate
    for position, (first, _, chunk) in enumerate(chunks, head):
        digest = text_sha(chunk)
        reused = known.get(digest)
        if reused is not None:
            fresh.append(Entry(digest, first, first + reused.line - reused.first, reused.col, reused.record))
        else:
            fresh.append(None)
            new.append((position, first, chunk, digest))
    checked = _validate_entries(rel, stem, new, config, badges, broken)
    if checked is None:
        return None
    for (position, _, _, _), item in zip(new, checked):
        fresh[position - head] = item
    start, stop = middle or (0, len(text))
    blocks = new_blocks(store, BLOCK, text, fresh, [offset for _, offset, _ in chunks], start,
                         old["spans"][front][1] if middle else 1, stop)
    if middle:
        kept_end = moved_blocks(old, back, len(text) - old["length"],
                                 old["spans"][front][1] + text[start:stop].count("\n")
                                 - (old["spans"][back][1] if back < len(old["blocks"]) else 0))
        blocks = old_blocks(old, 0, front) + blocks + kept_end
        tail = old["count"] - (back * BLOCK if back < len(old["blocks"]) else old["count"])
    else:
        tail = 0
    index = {"vdigest": vdigest, "block": BLOCK, "count": head + len(fresh) + tail,
             "blocks": [name for name, _, _ in blocks], "spans": [span for _, span, _ in blocks],
             "parts": [piece for _, _, piece in blocks], "length": len(text)}
    items = None
    if bitstring.MIN_SIZE % BLOCK == 0:
        summary = summary_of(store, index)
    else:  # blocks that straddle status lists: summarised entry by entry
        items = fresh if not middle else all_of(store, index, head, fresh)
        if items is None:  # the cache lost the earlier version: validate the whole file
            return _validate_file(rel, stem, key, text, config, badges, broken, vdigest, store, None)
        summary = summarise(items)
    store.write(key, "awards", index)
    ledger = LedgerFile(rel, stem, key, summary, store, same_as=(previous_key, head, tail) if middle else None)
    if items is not None or not middle:
        ledger._items = items if items is not None else fresh
    else:
        ledger._fresh = (head, fresh)
    return ledger


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
        items = [Entry(text_sha(chunk) if chunk is not None else None, start, a.source.line, a.source.col, to_record(a))
                 for a, (start, _, chunk) in zip(awards, chunks)]
        summary = summarise(items)
        blocks = new_blocks(store, BLOCK, text, items, [offset if chunk is not None else None
                                                  for _, offset, chunk in chunks], 0, 1, len(text))
        store.write(key, "awards", {"vdigest": vdigest, "block": BLOCK, "count": len(items),
                                    "blocks": [name for name, _, _ in blocks], "spans": [span for _, span, _ in blocks],
                                    "parts": [piece for _, _, piece in blocks], "length": len(text)})
        ledger = LedgerFile(rel, file.stem, key, summary, store)
        ledger._items = items
        result.append(ledger)
    return result


