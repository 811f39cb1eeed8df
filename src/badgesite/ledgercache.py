"""The awards of each ledger file, validated once per content and remembered.

A build needs every award's facts, but a site of 100,000 awards should not pay
for parsing and validating all of them when one was added. Each ledger file is
remembered in `.badgesite-cache/ledgers/` under a key made of its bytes and of
everything its validation depends on (the config and the badges):

  <key>.summary.json   what site-wide files need: ids and badges, revocations, dates
  <key>.awards.json    every award as a compact record, with the text of its entry

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

CACHE_VERSION = 3
ENTRY_SPLIT = re.compile(r"^(?=-(?:[ \t]|\r?$))", re.MULTILINE)  # before each '- ' at the start of a line
HEADER = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*(?:[ \t]*(?:#[^\n]*)?)?")  # blank lines and comments


# -- records: an award as compact JSON -------------------------------------------------

def to_record(a: Award) -> list:
    return [a.id, a.badge, a.recipient.identity, a.recipient.salt, a.issued.isoformat(), a.awarded_by, a.name,
            list(a.criteria_met), [[e.url, e.name, e.narrative, e.description] for e in a.evidence], a.narrative,
            a.expires.isoformat() if a.expires else None,
            [a.revoked.date.isoformat(), a.revoked.reason] if a.revoked else None]


def from_record(r: list, path: str, ledger: str, position: int, line: int, col: int) -> Award:
    date = dt.date.fromisoformat
    return Award(id=r[0], badge=r[1], recipient=Recipient(r[2], r[3]), issued=date(r[4]), awarded_by=r[5],
                 name=r[6], criteria_met=tuple(r[7]), evidence=tuple(Evidence(*e) for e in r[8]), narrative=r[9],
                 expires=date(r[10]) if r[10] else None,
                 revoked=Revocation(date(r[11][0]), r[11][1]) if r[11] else None,
                 ledger=ledger, position=position, source=Where(path, line, col))


def summarise(records: list[list]) -> dict:
    """What the site-wide files need of one ledger file's awards."""
    counts: dict[str, int] = {}
    latest: dict[str, str] = {}
    for r in records:
        badge, issued = r[1], r[4]
        counts[badge] = counts.get(badge, 0) + 1
        if issued > latest.get(badge, ""):
            latest[badge] = issued
    revoked = [[r[0], r[11][0], r[11][1]] for r in records if r[11]]
    dates = [*latest.values(), *(date for _, date, _ in revoked)]
    return {"ids": [r[0] for r in records], "counts": counts, "latest": latest, "newest": max(dates, default=None),
            "revoked": revoked}


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

    def items(self) -> list:
        """Every entry as [entry sha, first line, line, col, record], in file order."""
        if self._items is None:
            data = self._store.read(self.key, "awards")
            if data is None:  # damaged or deleted since the summary was read
                again = self._reload() if self._reload else None
                if again is None or again.summary != self.summary:
                    raise LookupError(f"{self.path} changed during the build")
                data = {"items": again.items()}
            self._items = data["items"]
        return self._items

    def records(self) -> list[list]:
        return [item[4] for item in self.items()]

    def awards(self) -> list[Award]:
        return [from_record(r, self.path, self.stem, position, line, col)
                for position, (_, _, line, col, r) in enumerate(self.items())]

    def status_lists(self) -> list:
        """What ob3.status_lists(self.awards()) says, read from the records (the same,
        without making a hundred thousand Awards: tests/test_ledgercache.py)."""
        from .ob3 import StatusList
        from .sign.statuslist import MIN_SIZE

        date, items, lists = dt.date.fromisoformat, self.items(), []
        for number, start in enumerate(range(0, len(items), MIN_SIZE)):
            part = items[start:start + MIN_SIZE]
            records = [item[4] for item in part]
            issued = [r[4] for r in records]
            revoked = [index for index, r in enumerate(records) if r[11]]
            changed = max(max(issued), *(records[index][11][0] for index in revoked)) if revoked else max(issued)
            lists.append(StatusList(self.stem, number, date(min(issued)), date(changed), tuple(revoked),
                                    Where(self.path, part[0][2], part[0][3])))
        return lists


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

    def _load(self, key: str, kind: str) -> dict | None:
        if self.folder is None or not self.trusted:
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
        if self.folder is None:
            return
        body = orjson.dumps({"version": CACHE_VERSION, **data})
        path = self._path(key, kind)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def keep_only(self, keys: set[str]) -> None:
        """Delete the cache files of ledger versions that no build refers to any more."""
        if self.folder is None or not self.folder.is_dir():
            return
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
    if old is not None and old.get("vdigest") != vdigest:
        old = None
    items: list = []
    known: dict[str, list] = {}
    chunks = grown_from = None
    if old is not None and old["items"] and old["items"][-1][0] is not None and len(text) >= old["length"] \
            and _sha(text[:old["length"]]) == old["sha"]:
        # the common case: entries added at the end. The old text is unchanged up to its
        # last entry, which may have grown (a revocation added to it): split only from there.
        *items, last = old["items"]
        chunks = _chunks(text[old["last_offset"]:], last[1], old["last_offset"])
        known = {last[0]: last}
        grown_from = (previous_key, len(items))
    if chunks is None:
        items = []
        chunks = _chunks(text)
        if chunks is None:
            return None
        if old is not None:
            known = {item[0]: item for item in old["items"] if item[0]}
    new: list[tuple[int, int, str, str]] = []  # (position, first line, text, sha) of entries to validate
    for position, (start, offset, chunk) in enumerate(chunks, len(items)):
        digest = _sha(chunk)
        reused = known.get(digest)
        if reused is not None:
            items.append([digest, start, start + reused[2] - reused[1], reused[3], reused[4]])
        else:
            items.append(None)
            new.append((position, start, chunk, digest))
    checked = _validate_entries(rel, stem, new, config, badges, broken)
    if checked is None:
        return None
    for (position, _, _, _), item in zip(new, checked):
        items[position] = item
    summary = summarise([item[4] for item in items])
    last_offset = chunks[-1][1] if chunks else old["last_offset"] if old is not None and old["items"] else len(text)
    store.write(key, "awards", {"vdigest": vdigest, "items": items, "length": len(text), "sha": _sha(text),
                                "last_offset": last_offset})
    store.write(key, "summary", summary)
    ledger = LedgerFile(rel, stem, key, summary, store, grown_from=grown_from)
    ledger._items = items
    return ledger


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
        summary = summarise([item[4] for item in items])
        last_offset = chunks[-1][1] if chunks and chunks[-1][2] is not None else len(text)
        store.write(key, "awards", {"vdigest": vdigest, "items": items, "length": len(text), "sha": _sha(text),
                                    "last_offset": last_offset})
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
