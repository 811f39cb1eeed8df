"""An award as the ledger cache keeps it, and what a ledger file's awards add up to.

This is the one module that knows the compact form of a remembered award (a JSON list,
a third the size of an object and read five times faster); everything else reads an
`Entry` by name and gets Awards from `award()`. Adding a field to Award means adding it
to `to_record` and `from_record` and raising CACHE_VERSION (incremental/fingerprints.py).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..documents import bitstring
from ..documents.stats import Fact
from ..model import Award, Evidence, Recipient, Revocation, Tally, Where

# where each fact is in a record (to_record writes them in this order)
_ID, _BADGE, _ISSUED, _AWARDED_BY, _EXPIRES, _REVOKED = 0, 1, 4, 5, 10, 11


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


@dataclass(slots=True)
class Entry:
    """One entry of a ledger file as remembered: the digest of its text (None when the
    file's entries could not be told apart), its first line, where its mapping starts,
    and its award as a record."""

    sha: str | None
    first: int
    line: int
    col: int
    record: list

    @property
    def award_id(self) -> str:
        return self.record[_ID]

    @property
    def badge(self) -> str:
        return self.record[_BADGE]

    def award(self, path: str, ledger: str, position: int) -> Award:
        return from_record(self.record, path, ledger, position, self.line, self.col)

    def fact(self) -> Fact:
        """What statistics count of the award (documents/stats.py): ten times cheaper than
        making the Award (tests/test_stats.py holds the two to the same Fact)."""
        r, date = self.record, dt.date.fromisoformat
        revoked = r[_REVOKED]
        return Fact(r[_ID], r[_BADGE], date(r[_ISSUED]), r[_AWARDED_BY], date(r[_EXPIRES]) if r[_EXPIRES] else None,
                    date(revoked[0]) if revoked else None, revoked[1] if revoked else None)

    def dump(self) -> list:
        return [self.sha, self.first, self.line, self.col, self.record]

    @classmethod
    def load(cls, item: list) -> "Entry":
        return cls(*item)


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
        badge, issued, revocation = r[_BADGE], r[_ISSUED], r[_REVOKED]
        ids.append(r[_ID])
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
            revoked.append([r[_ID], date, reason])
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
        badge, issued, revocation = r[_BADGE], r[_ISSUED], r[_REVOKED]
        ids.append(r[_ID])
        counts[badge] = counts.get(badge, 0) + 1
        if issued > latest.get(badge, ""):
            latest[badge] = issued
        first = issued if first is None or issued < first else first
        changed = issued if changed is None or issued > changed else changed
        if revocation:
            revoked.append([r[_ID], revocation[0], revocation[1], index])
            changed = max(changed, revocation[0])
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
