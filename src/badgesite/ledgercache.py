"""The awards of each ledger file, validated once per content and remembered.

A build needs every award's facts, but a site of 100,000 awards should not pay
for parsing and validating all of them when one was added. Each ledger file is
remembered in `.badgesite-cache/ledgers/` under a key made of its bytes and of
everything its validation depends on (the config and the badges):

  <key>.summary.json   what site-wide files need: ids and badges, revocations, dates,
                       the facts of its status lists
  <key>.awards.json    where its awards are: the blocks below, and its last entry
  <sha>.block.json     4096 awards in a row as compact records, with the text of
                       their entries; named by their content, shared by versions

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
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from . import workers
from .assemble import AWARD_ID, _award
from .errors import Diagnostics
from .model import Award, Badge, Config, Evidence, Recipient, Revocation, Site, Where
from .source.fields import Fields
from .source.files import SourceError, read_text, relpath
from .source.ledger import LEDGER_NAME, LedgerEntry, ledger_files
from .source.yamlpos import PosDict, PosList, YamlError, load

CACHE_VERSION = 5
BLOCK = 4096  # entries per block of records: appending rewrites only the last block
ENTRY_SPLIT = re.compile(r"^(?=-(?:[ \t]|\r?$))", re.MULTILINE)  # before each '- ' at the start of a line
HEADER = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*(?:[ \t]*(?:#[^\n]*)?)?")  # blank lines and comments


# -- records: an award as compact JSON -------------------------------------------------

def to_record(a: Award) -> list:
    return [a.id, a.badge, a.recipient.identity, a.recipient.salt, a.issued.isoformat(), a.awarded_by, a.name,
            list(a.criteria_met), [[e.url, e.name, e.narrative, e.description] for e in a.evidence], a.narrative,
            a.expires.isoformat() if a.expires else None,
            [a.revoked.date.isoformat(), a.revoked.reason] if a.revoked else None, a.grade]


def from_record(r: list, path: str, ledger: str, position: int, line: int, col: int) -> Award:
    date = dt.date.fromisoformat
    return Award(id=r[0], badge=r[1], recipient=Recipient(r[2], r[3]), issued=date(r[4]), awarded_by=r[5],
                 name=r[6], criteria_met=tuple(r[7]), evidence=tuple(Evidence(*e) for e in r[8]), narrative=r[9],
                 expires=date(r[10]) if r[10] else None,
                 revoked=Revocation(date(r[11][0]), r[11][1]) if r[11] else None, grade=r[12],
                 ledger=ledger, position=position, source=Where(path, line, col))


def summarise(items: list[list], before: dict | None = None) -> dict:
    """What the site-wide files and the status lists need of one ledger file's awards:
    of these entries ([sha, first line, line, col, record]) after those that `before`
    summarised (not changed: a copy is made)."""
    from .sign.statuslist import MIN_SIZE

    if before is None:
        ids, counts, latest, revoked, lists = [], {}, {}, [], []
    else:
        ids, counts, latest, revoked = list(before["ids"]), dict(before["counts"]), dict(before["latest"]), \
            list(before["revoked"])
        lists = [[first, changed, list(marked), line, col] for first, changed, marked, line, col in before["lists"]]
    position = len(ids)
    for _, _, line, col, r in items:
        badge, issued = r[1], r[4]
        ids.append(r[0])
        counts[badge] = counts.get(badge, 0) + 1
        if issued > latest.get(badge, ""):
            latest[badge] = issued
        number, index = divmod(position, MIN_SIZE)
        if number == len(lists):
            lists.append([issued, issued, [], line, col])  # first issue, last change, revoked, where
        status = lists[number]
        if issued < status[0]:
            status[0] = issued
        if issued > status[1]:
            status[1] = issued
        if r[11]:
            revoked.append([r[0], r[11][0], r[11][1]])
            status[2].append(index)
            if r[11][0] > status[1]:
                status[1] = r[11][0]
        position += 1
    dates = [*latest.values(), *(date for _, date, _ in revoked)]
    return {"ids": ids, "counts": counts, "latest": latest, "newest": max(dates, default=None), "revoked": revoked,
            "lists": lists}


# -- one ledger file -------------------------------------------------------------------

@dataclass
class LedgerFile:
    path: str  # relative to the site folder
    stem: str  # the ledger's name: status lists are named by it
    key: str  # content + validation context: the name of its cache files
    summary: dict
    _store: "Store" = field(repr=False, default=None)
    _items: list | None = field(repr=False, default=None)  # [entry sha, first line, line, col, record]
    _reload: object = field(repr=False, default=None)  # validates the file again when its records are lost
    # (key of an earlier version, n): this version only grew at the end of that one, whose
    # first n entries it keeps as they were, at the same places
    grown_from: tuple[str, int] | None = field(repr=False, default=None)
    _tail: tuple[int, list] | None = field(repr=False, default=None)  # (n, the entries from the n-th on)

    def items(self) -> list:
        """Every entry as [entry sha, first line, line, col, record], in file order."""
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

    def item(self, position: int) -> list:
        """One entry: of a file that grew, the new ones without reading the others."""
        if self._items is None and self._tail is not None and position >= self._tail[0]:
            return self._tail[1][position - self._tail[0]]
        return self.items()[position]

    def count(self) -> int:
        return len(self.summary["ids"])

    def kept_from(self, key: str | None) -> int:
        """How many of its first entries this version kept, in place, from version `key`."""
        return self.grown_from[1] if self.grown_from and self.grown_from[0] == key else 0

    def records(self) -> list[list]:
        return [item[4] for item in self.items()]

    def awards(self) -> list[Award]:
        return [from_record(r, self.path, self.stem, position, line, col)
                for position, (_, _, line, col, r) in enumerate(self.items())]

    def status_lists(self) -> list:
        """What ob3.status_lists(self.awards()) says, from the summary (the same, without
        making a hundred thousand Awards: tests/test_ledgercache.py)."""
        from .ob3 import StatusList

        date = dt.date.fromisoformat
        return [StatusList(self.stem, number, date(first), date(changed), tuple(revoked), Where(self.path, line, col))
                for number, (first, changed, revoked, line, col) in enumerate(self.summary["lists"])]


class Store:
    """The cache folder; every file is `sha256 hex \\n json`, checked when read."""

    def __init__(self, folder: Path | None, trusted: bool = True):
        self.folder = folder
        self.trusted = trusted  # False: write what this build learns, read nothing (a clean build)
        self._read: dict[tuple[str, str], dict | None] = {}  # one build reads a file once

    def _path(self, key: str, kind: str) -> Path:
        return self.folder / f"{key}.{kind}.json"

    def read(self, key: str, kind: str) -> dict | None:
        if (key, kind) not in self._read:
            self._read[key, kind] = self._load(key, kind)
        return self._read[key, kind]

    def _load(self, key: str, kind: str, trusted: bool = False) -> dict | None:
        if self.folder is None or not (self.trusted or trusted):
            return None
        try:
            raw = self._path(key, kind).read_bytes()
            check, _, body = raw.partition(b"\n")
            if hashlib.sha256(body).hexdigest().encode() != check:
                return None
            data = orjson.loads(body)
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.pop("version", None) != CACHE_VERSION:
            return None
        return data

    def write(self, key: str, kind: str, data: dict) -> None:
        body = orjson.dumps({"version": CACHE_VERSION, **data})
        self._put(key, kind, body, hashlib.sha256(body).hexdigest())

    def write_block(self, items: list) -> str:
        """Remember a block of entries under the digest of its file's content (which is also
        its check line); returns the digest."""
        body = orjson.dumps({"version": CACHE_VERSION, "items": items})
        key = hashlib.sha256(body).hexdigest()
        if not (self.trusted and self.folder is not None and self._path(key, "block").is_file()):
            self._put(key, "block", body, key)
        return key

    def _put(self, key: str, kind: str, body: bytes, digest: str) -> None:
        if self.folder is None:
            return
        path = self._path(key, kind)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(digest.encode() + b"\n" + body)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def keep_only(self, keys: set[str]) -> None:
        """Delete the cache files of ledger versions that no build refers to any more
        (and the blocks that none of those refers to)."""
        if self.folder is None or not self.folder.is_dir():
            return
        keys = set(keys)
        for key in list(keys):
            index = self._load(key, "awards", trusted=True)  # written by this build or the last
            if index is not None and isinstance(index.get("blocks"), list):
                keys.update(block for block in index["blocks"] if isinstance(block, str))
        for path in self.folder.iterdir():
            if path.name.split(".", 1)[0] not in keys:
                path.unlink(missing_ok=True)


def validation_digest(config: Config, badges: dict[str, Badge], broken: set[str]) -> str:
    """Everything an award's validation depends on besides its own entry."""
    return hashlib.sha256(repr((CACHE_VERSION, config, badges, sorted(broken))).encode()).hexdigest()


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
        key = hashlib.sha256(f"{vdigest}\0{rel}\0".encode() + text.encode("utf-8")).hexdigest()
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
    last = old["last"] if old is not None else None
    kept, known, chunks = 0, {}, None
    if last is not None and last[0] is not None and len(text) >= old["length"] \
            and _sha(text[:old["length"]]) == old["sha"]:
        # the common case: entries added at the end. The old text is unchanged up to its
        # last entry, which may have grown (a revocation added to it): split only from there.
        kept = old["count"] - 1
        chunks = _chunks(text[old["last_offset"]:], last[1], old["last_offset"])
        known = {last[0]: last}
    if chunks is None:
        kept = 0
        chunks = _chunks(text)
        if chunks is None:
            return None
        if old is not None:
            known = {item[0]: item for item in all_items(store, old) or () if item[0]}
    tail: list = []  # the entries from position `kept` on
    new: list[tuple[int, int, str, str]] = []  # (position, first line, text, sha) of entries to validate
    for position, (start, offset, chunk) in enumerate(chunks, kept):
        digest = _sha(chunk)
        reused = known.get(digest)
        if reused is not None:
            tail.append([digest, start, start + reused[2] - reused[1], reused[3], reused[4]])
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
    if kept and tail and tail[0][1:] == last[1:]:
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


def all_items(store: Store, index: dict) -> list | None:
    """Every entry of a remembered version, from its blocks (None if one is lost)."""
    items: list = []
    for block in index["blocks"]:
        data = store.read(block, "block")
        if data is None:
            return None
        items += data["items"]
    return items if len(items) == index["count"] else None


def _write_items(store: Store, key: str, vdigest: str, text: str, last_offset: int, tail: list, kept: int = 0,
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
    rest = head + tail
    blocks += [store.write_block(rest[i:i + BLOCK]) for i in range(0, len(rest), BLOCK)]
    last = tail[-1] if tail else old["last"] if kept else None
    store.write(key, "awards", {"vdigest": vdigest, "block": BLOCK, "count": kept + len(tail), "blocks": blocks,
                                "length": len(text), "sha": _sha(text), "last_offset": last_offset, "last": last})
    return True


PARALLEL_FROM = 4000  # entries to validate at least before worker processes share the work


def _validate_entries(rel, stem, new, config, badges, broken) -> list[list] | None:
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


def _validate_share(shared: tuple, bounds: tuple[int, int]) -> list[list] | None:
    rel, stem, new, config, badges, broken = shared
    return _validate_part(rel, stem, new[bounds[0]:bounds[1]], config, badges, broken)


def _validate_part(rel, stem, new, config, badges, broken) -> list[list] | None:
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
        award = _award(f, award_id, LedgerEntry(rel, stem, position, data[0], line, col), config, badges, broken)
        if award is None or diagnostics:
            return None
        items.append([digest, start, line, col, to_record(award)])
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
        key = hashlib.sha256(f"{vdigest}\0{rel}\0".encode() + text.encode("utf-8")).hexdigest()
        chunks = _chunks(text)
        if chunks is None or len(chunks) != len(awards):
            chunks = [(0, 0, None)] * len(awards)  # entries that cannot be told apart are not remembered one by one
        items = [[_sha(chunk) if chunk is not None else None, start, a.source.line, a.source.col, to_record(a)]
                 for a, (start, _, chunk) in zip(awards, chunks)]
        summary = summarise(items)
        last_offset = chunks[-1][1] if chunks and chunks[-1][2] is not None else len(text)
        _write_items(store, key, vdigest, text, last_offset, items)
        store.write(key, "summary", summary)
        ledger = LedgerFile(rel, file.stem, key, summary, store)
        ledger._items = items
        result.append(ledger)
    return result


@dataclass
class Tally:
    """What the site-wide pages and lists say about all awards together."""

    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # badge id -> number of awards
    latest: dict[str, str] = field(default_factory=dict)  # badge id -> date of its newest award
    newest: str | None = None  # the newest award or revocation date: a feed's 'updated', never the clock
    revoked: list[tuple[str, str, str]] = field(default_factory=list)  # (award id, date, reason)


def tally(ledgers: list[LedgerFile]) -> Tally:
    result = Tally()
    for ledger in ledgers:
        summary = ledger.summary
        result.total += len(summary["ids"])
        for badge, count in summary["counts"].items():
            result.counts[badge] = result.counts.get(badge, 0) + count
        for badge, date in summary["latest"].items():
            if date > result.latest.get(badge, ""):
                result.latest[badge] = date
        if summary["newest"] and summary["newest"] > (result.newest or ""):
            result.newest = summary["newest"]
        result.revoked += [tuple(r) for r in summary["revoked"]]
    result.counts = dict(sorted(result.counts.items()))
    return result
