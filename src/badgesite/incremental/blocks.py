"""The ledger cache's blocks: a version of a ledger file as blocks of entries in a row.

A version's index (`<key>.awards.json`) names its blocks (`<sha>.block.json`, named by
content and shared between versions) and keeps beside each block:
  - its span: where in the file's text the block was cut from (offset, first line, the
    SHA-256 of that text up to the next block, and lines to add to its entries' when the
    block was kept a few lines further down);
  - its part: what records.summarise says of its entries (records.part), so that a file
    is summarised from its blocks' parts without reading them (records.merge).
A new version of the file keeps the blocks whose text it finds again at the same place
from its start or from its end (kept_blocks): an award added, revoked or edited costs
the block it is in, however long the file.
"""
from __future__ import annotations

import hashlib

from .records import Entry, part
from .store import Store


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def kept_blocks(old: dict, text: str) -> tuple[int, int, int, int]:
    """(front, back, start, stop): the earlier version's blocks before `front` have the same
    text at the same place in `text`, and those from `back` on the same text at the same
    distance from its end; text[start:stop] is what lies between (at least one block)."""
    spans, length = old["spans"], old["length"]
    ends = [span[0] for span in spans[1:]] + [length]
    front = 0
    while front < len(spans) - 1 and text_sha(text[spans[front][0]:ends[front]]) == spans[front][2]:
        front += 1
    delta, back = len(text) - length, len(spans)
    while back > front + 1:
        start = spans[back - 1][0] + delta
        if start <= spans[front][0] or text[start - 1] != "\n" \
                or text_sha(text[start:ends[back - 1] + delta]) != spans[back - 1][2]:
            break
        back -= 1
    return front, back, spans[front][0], spans[back][0] + delta if back < len(spans) else len(text)


def new_blocks(store: Store, size: int, text: str, entries: list[Entry], offsets: list[int | None], start: int,
               line: int, stop: int) -> list[tuple[str, list, dict]]:
    """(name, span, part) of the blocks of these entries, `size` in a row, written to the
    cache. A block's span is the text it was cut from: [offset, line, sha of the text up
    to the next block (or `stop`), lines to add to its entries']; the first starts at `start`."""
    if not entries:
        return []
    starts = [(start, line)] + [(offsets[i], entries[i].first) for i in range(size, len(entries), size)]
    ends = [offset for offset, _ in starts[1:]] + [stop]
    blocks = []
    for number, ((offset, first), end) in enumerate(zip(starts, ends)):
        entries_here = entries[number * size:(number + 1) * size]
        sha = text_sha(text[offset:end]) if offset is not None and end is not None else None
        blocks.append((store.write_block([entry.dump() for entry in entries_here]), [offset or 0, first, sha, 0],
                       part(entries_here)))
    return blocks


def old_blocks(old: dict, begin: int, end: int) -> list[tuple[str, list, dict]]:
    return [(old["blocks"][i], old["spans"][i], old["parts"][i]) for i in range(begin, end)]


def moved_blocks(old: dict, back: int, delta: int, lines: int) -> list[tuple[str, list, dict]]:
    """The earlier version's blocks from `back` on, `delta` characters and `lines` lines further."""
    return [(name, [offset + delta, line + lines, sha, shift + lines], piece)
            for name, (offset, line, sha, shift), piece in old_blocks(old, back, len(old["blocks"]))]


def all_of(store: Store, index: dict, head: int, fresh: list[Entry]) -> list[Entry] | None:
    """Every entry of a version whose entries from `head` on start with `fresh`."""
    before = read_entries(store, index, 0, head)
    after = read_entries(store, index, head + len(fresh))
    return None if before is None or after is None else before + fresh + after


def read_entries(store: Store, index: dict, start: int = 0, stop: int | None = None) -> list[Entry] | None:
    """The entries of a remembered version from position `start` up to `stop` (all by
    default), read from the blocks that hold them (None if one is lost)."""
    size, count = index["block"], index["count"]
    stop = count if stop is None else min(stop, count)
    if start >= stop:
        return []
    entries: list[Entry] = []
    for number in range(start // size, -(-stop // size)):
        data = store.read(index["blocks"][number], "block")
        expected = min(size, count - number * size)
        if data is None or len(data["items"]) != expected:
            return None
        shift = index["spans"][number][3]
        for item in data["items"]:
            entry = Entry.load(item)
            if shift:
                entry.first, entry.line = entry.first + shift, entry.line + shift
            entries.append(entry)
    skip = start - start // size * size
    return entries[skip:skip + stop - start]
