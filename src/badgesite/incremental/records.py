"""An award as the ledger cache keeps it, and what a ledger file's awards add up to.

An award is kept as a `Record`: Award's fields, by the same names and in the same
order, but where it is (ledger file, position, source: given when it is made again),
each as JSON holds it: a date as ISO text (which sorts as the date), a tuple as a
list, a Recipient, Evidence or Revocation as the list of its fields. It is stored as
that list (a third the size of an object, read five times faster) and read by name.
`to_record` and `from_record` follow Award's fields and types, so a new field of
Award needs only its line in Record (tests/test_ledgercache.py holds the two to the
same fields) and a higher CACHE_VERSION (incremental/fingerprints.py).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from dataclasses import dataclass
from operator import attrgetter
from types import UnionType
from typing import Any, Callable, NamedTuple, Union

from ..documents import bitstring
from ..documents.stats import Fact
from ..model import Award, Tally, Where

PLACE = ("ledger", "position", "source")  # where an award is: not in its record


class Record(NamedTuple):
    """An award as the cache keeps it (see above): Award's fields but PLACE, as JSON holds them."""

    id: str
    badge: str
    recipient: list  # [identity, salt]
    issued: str
    awarded_by: str
    name: str | None
    criteria_met: list
    evidence: list  # [[url, name, narrative, description], ...]
    narrative: str | None
    expires: str | None
    revoked: list | None  # [date, reason]
    grade: str | None


def _codec(kind: Any, write: bool) -> Callable[[Any], Any] | None:
    """The function that makes a value of type `kind` as JSON holds it (`write`), or the
    value from that (not `write`); None when the two are the same (text, numbers)."""
    choices = typing.get_args(kind) if typing.get_origin(kind) in (Union, UnionType) else ()
    if type(None) in choices:  # X | None
        convert = _codec(next(k for k in choices if k is not type(None)), write)
        return None if convert is None else (lambda value: None if value is None else convert(value))
    if kind is dt.date:
        return dt.date.isoformat if write else dt.date.fromisoformat
    if typing.get_origin(kind) is tuple:  # tuple[X, ...]
        item = _codec(typing.get_args(kind)[0], write)
        if item is None:
            return list if write else tuple
        return (lambda items: list(map(item, items))) if write else (lambda items: tuple(map(item, items)))
    if dataclasses.is_dataclass(kind):  # Recipient, Evidence, Revocation: the list of their fields
        hints = typing.get_type_hints(kind)
        parts, get = [_codec(t, write) for t in hints.values()], attrgetter(*hints)
        if write:
            if not any(parts):
                return lambda value: list(get(value))
            return lambda value: [v if part is None else part(v) for part, v in zip(parts, get(value))]
        if not any(parts):
            return lambda values: kind(*values)
        return lambda values: kind(*[v if part is None else part(v) for part, v in zip(parts, values)])
    return None


_FIELDS = {name: kind for name, kind in typing.get_type_hints(Award).items() if name not in PLACE}
_WRITE = [_codec(kind, write=True) for kind in _FIELDS.values()]
_READ = [_codec(kind, write=False) for kind in _FIELDS.values()]
_values = attrgetter(*_FIELDS)
_record = Record._make


def to_record(a: Award) -> Record:
    return _record([v if write is None else write(v) for write, v in zip(_WRITE, _values(a))])


def from_record(r: Record, path: str, ledger: str, position: int, line: int, col: int) -> Award:
    """The Award again (Record has Award's fields in Award's order, then comes PLACE)."""
    return Award(*[v if read is None else read(v) for read, v in zip(_READ, r)], ledger, position,
                 Where(path, line, col))


@dataclass(slots=True)
class Entry:
    """One entry of a ledger file as remembered: the digest of its text (None when the
    file's entries could not be told apart), its first line, where its mapping starts,
    and its award as a record."""

    sha: str | None
    first: int
    line: int
    col: int
    record: Record

    @property
    def award_id(self) -> str:
        return self.record.id

    @property
    def badge(self) -> str:
        return self.record.badge

    def award(self, path: str, ledger: str, position: int) -> Award:
        return from_record(self.record, path, ledger, position, self.line, self.col)

    def fact(self) -> Fact:
        """What statistics count of the award (documents/stats.py): ten times cheaper than
        making the Award (tests/test_stats.py holds the two to the same Fact)."""
        r, date = self.record, dt.date.fromisoformat
        revoked, reason = r.revoked or (None, None)
        return Fact(r.id, r.badge, date(r.issued), r.awarded_by, date(r.expires) if r.expires else None,
                    date(revoked) if revoked else None, reason)

    def dump(self) -> list:
        return [self.sha, self.first, self.line, self.col, list(self.record)]

    def __reduce__(self):  # sent between processes as it is stored: three times faster than by name
        return _load_entry, (self.dump(),)

    @classmethod
    def load(cls, item: list) -> "Entry":
        sha, first, line, col, record = item
        return cls(sha, first, line, col, _record(record))


_load_entry = Entry.load


def summarise(entries: list[Entry], before: dict | None = None) -> dict:
    """What the site-wide files and the status lists need of one ledger file's awards:
    of these entries after those that `before` summarised (not changed: a copy is made)."""
    if before is None:
        ids, counts, latest, revoked, lists = [], {}, {}, [], []
    else:
        ids, counts, latest, revoked = list(before["ids"]), dict(before["counts"]), dict(before["latest"]), \
            list(before["revoked"])
        lists = [[first, changed, list(marked), line, col] for first, changed, marked, line, col in before["lists"]]
    position = len(ids)
    for entry in entries:
        r = entry.record
        badge, issued, revocation = r.badge, r.issued, r.revoked
        ids.append(r.id)
        counts[badge] = counts.get(badge, 0) + 1
        if issued > latest.get(badge, ""):
            latest[badge] = issued
        number, index = divmod(position, bitstring.MIN_SIZE)
        if number == len(lists):
            lists.append([issued, issued, [], entry.line, entry.col])  # first issue, last change, revoked, where
        status = lists[number]
        if issued < status[0]:
            status[0] = issued
        if issued > status[1]:
            status[1] = issued
        if revocation:
            date, reason = revocation
            revoked.append([r.id, date, reason])
            status[2].append(index)
            if date > status[1]:
                status[1] = date
        position += 1
    dates = [*latest.values(), *(date for _, date, _ in revoked)]
    return {"ids": ids, "counts": counts, "latest": latest, "newest": max(dates, default=None), "revoked": revoked,
            "lists": lists}


def part(entries: list[Entry]) -> dict:
    """What summarise says of a block of entries, wherever the block is (merge() places it):
    kept in the ledger cache's index beside the block, so that a file whose blocks are
    mostly known is summarised without reading them."""
    ids, counts, latest, revoked = [], {}, {}, []
    first = changed = None
    for index, entry in enumerate(entries):
        r = entry.record
        badge, issued, revocation = r.badge, r.issued, r.revoked
        ids.append(r.id)
        counts[badge] = counts.get(badge, 0) + 1
        if issued > latest.get(badge, ""):
            latest[badge] = issued
        first = issued if first is None or issued < first else first
        changed = issued if changed is None or issued > changed else changed
        if revocation:
            date, reason = revocation
            revoked.append([r.id, date, reason, index])
            changed = max(changed, date)
    return {"ids": ids, "counts": counts, "latest": latest, "revoked": revoked, "first": first, "changed": changed,
            "line": entries[0].line if entries else 0, "col": entries[0].col if entries else 0}


def merge(parts: list[dict], shifts: list[int], block: int) -> dict:
    """summarise() of a whole file from the parts of its blocks of `block` entries in a
    row (`shifts`: lines to add to each part's; `block` divides a status list's size, so
    every block lies in one list: tests/test_ledgercache.py holds it equal to summarise)."""
    ids, counts, latest, revoked, lists = [], {}, {}, [], []
    for number, (piece, shift) in enumerate(zip(parts, shifts)):
        if not piece["ids"]:
            continue
        listed, index = divmod(number * block, bitstring.MIN_SIZE)
        if listed == len(lists):
            lists.append([piece["first"], piece["changed"], [], piece["line"] + shift, piece["col"]])
        status = lists[listed]
        status[0], status[1] = min(status[0], piece["first"]), max(status[1], piece["changed"])
        ids += piece["ids"]
        for badge, count in piece["counts"].items():
            counts[badge] = counts.get(badge, 0) + count
        for badge, issued in piece["latest"].items():
            if issued > latest.get(badge, ""):
                latest[badge] = issued
        for award_id, date, reason, at in piece["revoked"]:
            revoked.append([award_id, date, reason])
            status[2].append(index + at)
    dates = [*latest.values(), *(date for _, date, _ in revoked)]
    return {"ids": ids, "counts": counts, "latest": latest, "newest": max(dates, default=None), "revoked": revoked,
            "lists": lists}


def tally(summaries: list[dict]) -> Tally:
    """What the site-wide pages say about all awards, from the ledger files' summaries."""
    result = Tally()
    for summary in summaries:
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
