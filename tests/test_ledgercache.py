"""The remembered ledgers give exactly what the reference loader gives, and are never trusted blindly."""
from __future__ import annotations

import dataclasses
import hashlib
import random
import shutil
from pathlib import Path

import orjson
import pytest

from badgesite.incremental import ledgers as ledger_cache
from badgesite.assemble import load_site
from badgesite.build import build
from badgesite.errors import Diagnostics
from badgesite.model import Award
from badgesite.incremental.store import Store
from badgesite.incremental.ledgers import load_ledgers
from badgesite.incremental.records import PLACE, Entry, Record, from_record, to_record


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def example(example_copy: Path) -> Path:
    return example_copy


def cached_awards(site: Path, store: Store, previous: dict | None = None):
    from badgesite.assemble import load_badges

    config, badges, broken = load_badges(site, Diagnostics())
    ledgers = load_ledgers(site, config, badges, broken, store, previous or {})
    if ledgers is None:
        return None, None
    return [a for ledger in ledgers for a in ledger.awards()], ledgers


def reference_awards(site: Path):
    full, diagnostics = load_site(site)
    assert full is not None, diagnostics.sorted()
    return list(full.awards.values())


def shuffle_layout(text: str, rng: random.Random) -> str:
    """The same awards written differently: comments and blank lines between entries,
    CRLF line ends."""
    entries = text.split("\n- ")
    out = [entries[0]]
    for entry in entries[1:]:
        gap = rng.choice(["", "\n", "\n# a comment between entries\n", "\n\n   \n"])
        out.append(gap + "- " + entry)
    result = "\n".join(out)
    if rng.random() < 0.3:
        result = result.replace("\n", "\r\n")
    return result


@pytest.mark.parametrize("seed", range(6))
def test_entry_by_entry_loading_equals_the_reference(example: Path, tmp_path: Path, seed: int):
    rng = random.Random(seed)
    for ledger in (example / "content/awards").glob("*.yaml"):
        ledger.write_bytes(shuffle_layout(ledger.read_text("utf-8"), rng).encode("utf-8"))
    store = Store(tmp_path / "cache")
    awards, ledgers = cached_awards(example, store)
    assert awards is not None
    assert awards == reference_awards(example)  # every field, position and source line
    # read back from the cache, without parsing: the same again
    again, _ = cached_awards(example, store)
    assert again == awards


def count_parsing(monkeypatch) -> list[str]:
    """The entries the cache parses from now on (it reuses the others)."""
    parsed: list[str] = []
    real_load = ledger_cache.load
    monkeypatch.setattr(ledger_cache, "load", lambda chunk, *a: parsed.append(chunk) or real_load(chunk, *a))
    return parsed


def test_a_changed_file_parses_only_its_changed_entries(example: Path, tmp_path: Path, monkeypatch):
    store = Store(tmp_path / "cache")
    _, ledgers = cached_awards(example, store)
    previous = {ledger.path: ledger.key for ledger in ledgers}
    ledger = example / "content/awards/2026.yaml"
    text = ledger.read_text("utf-8")
    # an entry inserted at the top moves every line below it; a name edited in the middle
    first = text.index("\n- ") + 1
    new_entry = ("- id: inserted-0001\n  badge: git-basics\n  recipient:\n"
                 "    identity: \"sha256$" + "ab" * 32 + "\"\n    salt: \"" + "cd" * 16 + "\"\n"
                 "  issued: 2026-11-20\n  awarded_by: marianne@stadslab.example\n")
    text = text[:first] + new_entry + text[first:]
    text = text.replace("name: ", "name: Dr. ", 1)
    ledger.write_text(text, "utf-8")
    parsed = count_parsing(monkeypatch)
    awards, _ = cached_awards(example, store, previous)
    assert awards == reference_awards(example)
    assert len(parsed) == 2, parsed  # the new entry and the edited one, nothing else


def test_entries_added_at_the_end_are_the_only_ones_parsed(example: Path, tmp_path: Path, monkeypatch):
    """The common case (badgesite award, a CSV import): the file grows at its end. The
    last old entry may grow too (a revocation added to it)."""
    store = Store(tmp_path / "cache")
    previous = {ledger.path: ledger.key for ledger in cached_awards(example, store)[1]}
    ledger = example / "content/awards/2026.yaml"
    text = ledger.read_text("utf-8").rstrip("\n") + "\n  revoked:\n    date: 2026-11-22\n    reason: Test\n"
    for n in range(3):
        text += ("- id: appended-000%d\n  badge: git-basics\n  recipient:\n"
                 "    identity: \"sha256$%s\"\n    salt: \"%s\"\n"
                 "  issued: 2026-11-21\n  awarded_by: marianne@stadslab.example\n" % (n, "ab" * 32, "cd" * 16))
    ledger.write_text(text, "utf-8")
    parsed = count_parsing(monkeypatch)
    awards, ledgers = cached_awards(example, store, previous)
    assert awards == reference_awards(example)
    assert len(parsed) == 4, parsed  # the revoked last entry and the three new ones
    # and once more on top of that version
    previous = {l.path: l.key for l in ledgers}
    ledger.write_text(text + text[text.rindex("\n- ") + 1:].replace("appended-0002", "appended-0003"), "utf-8")
    parsed.clear()
    assert cached_awards(example, store, previous)[0] == reference_awards(example)
    assert len(parsed) == 1


@pytest.mark.parametrize("text", [
    "awards:\n  - id: x\n",  # not a plain list
    "- &a {id: x}\n- *a\n",  # anchors are the reference loader's to refuse
    "--- \n- id: x\n",  # a document marker
])
def test_unusual_files_take_the_reference_path(example: Path, tmp_path: Path, text: str):
    (example / "content/awards/odd.yaml").write_text(text, "utf-8")
    awards, _ = cached_awards(example, Store(tmp_path / "cache"))
    assert awards is None


def test_a_problem_in_an_entry_takes_the_reference_path(example: Path, tmp_path: Path):
    ledger = example / "content/awards/2026.yaml"
    ledger.write_text(ledger.read_text("utf-8").replace("badge: git-basics", "badge: git-basic", 1), "utf-8")
    awards, _ = cached_awards(example, Store(tmp_path / "cache"))
    assert awards is None


def test_a_duplicate_id_across_files_takes_the_reference_path(example: Path, tmp_path: Path):
    store = Store(tmp_path / "cache")
    assert cached_awards(example, store)[0] is not None
    first = (example / "content/awards/2025.yaml").read_text("utf-8")
    entry = "- " + first.split("\n- ", 1)[1].split("\n- ", 1)[0] + "\n"
    (example / "content/awards/2026.yaml").write_text(
        (example / "content/awards/2026.yaml").read_text("utf-8") + entry, "utf-8")
    assert cached_awards(example, store)[0] is None


def test_a_damaged_cache_is_ignored(example: Path, tmp_path: Path):
    store = Store(tmp_path / "cache")
    expected, _ = cached_awards(example, store)
    for path in (tmp_path / "cache").iterdir():  # change one name inside every cached file
        data = path.read_bytes()
        path.write_bytes(data.replace(b"Student", b"Stud3nt").replace(b'"2026-', b'"2027-', 1))
    again, _ = cached_awards(example, store)
    assert again == expected


def test_records_keep_every_field(example: Path):
    """A Record has Award's fields but where the award is, and an award comes back whole
    from its record, also after the record went through the cache's JSON."""
    assert Record._fields == tuple(f.name for f in dataclasses.fields(Award) if f.name not in PLACE)
    awards = reference_awards(example)
    assert any(a.revoked for a in awards) and any(a.evidence for a in awards) and any(a.expires for a in awards)
    for award in awards:
        entry = Entry(None, award.source.line, award.source.line, award.source.col, to_record(award))
        stored = Entry.load(orjson.loads(orjson.dumps(entry.dump())))
        assert stored.record == entry.record and isinstance(stored.record, Record)
        assert stored.record.id == award.id and stored.record.badge == award.badge
        for r in (entry.record, stored.record):
            assert from_record(r, award.source.path, award.ledger, award.position,
                               award.source.line, award.source.col) == award



@pytest.mark.parametrize("size", [8, 131_072])
def test_status_lists_read_from_records_equal_those_of_the_awards(example: Path, tmp_path: Path, monkeypatch,
                                                                 size: int):
    from badgesite.documents import ob3
    from badgesite.documents import bitstring

    monkeypatch.setattr(bitstring, "MIN_SIZE", size)  # 8: every ledger file has several lists
    ledger = example / "content/awards/2026.yaml"
    ledger.write_text(ledger.read_text("utf-8").rstrip("\n") + "\n  revoked:\n    date: 2027-01-05\n    reason: Test\n",
                      "utf-8")  # the newest date of its list is a revocation
    _, ledgers = cached_awards(example, Store(tmp_path / "cache"))
    lists = [status for ledger in ledgers for status in ledger.status_lists()]
    assert lists == ob3.status_lists(a for ledger in ledgers for a in ledger.awards())
    assert (len(lists) > len(ledgers)) == (size == 8)
    assert any(status.revoked for status in lists)
    assert any(status.changed.isoformat() == "2027-01-05" for status in lists)


def append_awards(ledger: Path, names: list[str], gap: str = "") -> None:
    with ledger.open("a", encoding="utf-8") as out:
        for name in names:
            out.write(f"{gap}- id: {name}\n  badge: git-basics\n  recipient:\n    identity: \"sha256${'ab' * 32}\"\n"
                      f"    salt: \"{'cd' * 16}\"\n  issued: 2026-11-21\n  awarded_by: marianne@stadslab.example\n")


@pytest.mark.parametrize("gap", ["", "\n"])  # `badgesite award` writes a blank line before the entry
def test_a_file_that_grew_keeps_its_blocks_but_the_last(example: Path, tmp_path: Path, monkeypatch, gap: str):
    """Appending to a long file writes its last block and the new ones, and reads none of
    the others: the cost of `badgesite award` does not grow with the file."""
    monkeypatch.setattr(ledger_cache, "BLOCK", 4)
    store = Store(tmp_path / "cache")
    _, ledgers = cached_awards(example, store)
    previous = {l.path: l.key for l in ledgers}
    ledger = example / "content/awards/2026.yaml"
    old = next(l for l in ledgers if l.path.endswith("2026.yaml"))
    old_index = store.read(old.key, "awards")
    assert old.count() > 8 and len(old_index["blocks"]) == -(-old.count() // 4)
    append_awards(ledger, ["appended-0001", "appended-0002"], gap)
    read: list[str] = []
    real_read = Store.read
    monkeypatch.setattr(Store, "read", lambda self, key, kind: read.append(kind) or real_read(self, key, kind))
    store = Store(tmp_path / "cache")  # a new build: nothing read yet
    from badgesite.assemble import load_badges

    config, badges, broken = load_badges(example, Diagnostics())
    ledgers = load_ledgers(example, config, badges, broken, store, previous)
    grown = next(l for l in ledgers if l.path.endswith("2026.yaml"))
    assert grown.same_as == (old.key, (len(old_index["blocks"]) - 1) * 4, 0)  # its last block, split again
    index = store.read(grown.key, "awards")
    assert index["blocks"][:old.count() // 4] == old_index["blocks"][:old.count() // 4]  # shared, not rewritten
    assert read.count("block") <= 1  # at most the last block, to continue it
    assert [grown.item(p).award_id for p in (old.count(), old.count() + 1)] == ["appended-0001", "appended-0002"]
    # what the build sees is what the reference loader says, also read back from the blocks
    awards = [a for ledger in ledgers for a in ledger.awards()]
    assert awards == reference_awards(example)
    again, _ = cached_awards(example, Store(tmp_path / "cache"))
    assert again == awards
    assert [s for l in ledgers for s in l.status_lists()] == ledgercache_status(awards)



def _entry_end(text: str, award_id: str) -> int:
    start = text.index(f"- id: {award_id}\n")
    return text.index("\n- ", start) + 1


MID_FILE = {  # changes in the middle of a file (ls-2026-k26xjsqy is its 9th award of 22)
    "revoked": lambda t: t[:_entry_end(t, "ls-2026-k26xjsqy")] + "  revoked:\n    date: 2027-01-05\n    reason: Test\n"
    + t[_entry_end(t, "ls-2026-k26xjsqy"):],
    "edited": lambda t: t.replace("  name: Thijs de Graaf\n", "  name: Thijs de Graaf-Jansen\n", 1),
    "comment": lambda t: t.replace("- id: ls-2026-k26xjsqy\n", "# moved here\n\n- id: ls-2026-k26xjsqy\n"),
    "deleted": lambda t: t[:t.index("- id: ls-2026-k26xjsqy\n")] + t[_entry_end(t, "ls-2026-k26xjsqy"):],
    "first edited": lambda t: t.replace("  name: ", "  name: The ", 1),
    "last edited": lambda t: t[:t.rindex("  issued: ")] + t[t.rindex("  issued: "):].replace("2026", "2025", 1),
}


@pytest.mark.parametrize("change", sorted(MID_FILE))
def test_a_change_between_kept_blocks_reads_only_the_blocks_around_it(example: Path, tmp_path: Path, monkeypatch,
                                                                      change: str):
    """An award revoked or edited in the middle of a long file: the blocks before and after it
    are kept (those after a few lines further when lines were added), only the block it is
    in is read and split again, and what the build sees equals the reference loader's."""
    from badgesite.assemble import load_badges
    from badgesite.documents import bitstring, ob3
    from badgesite.incremental.records import summarise

    monkeypatch.setattr(ledger_cache, "BLOCK", 4)
    monkeypatch.setattr(bitstring, "MIN_SIZE", 8)  # several status lists, each made of two blocks
    store = Store(tmp_path / "cache")
    _, ledgers = cached_awards(example, store)
    previous = {l.path: l.key for l in ledgers}
    old = next(l for l in ledgers if l.path.endswith("2026.yaml"))
    ledger = example / "content/awards/2026.yaml"
    ledger.write_text(MID_FILE[change](ledger.read_text("utf-8")), "utf-8")
    read: list[str] = []
    real_read = Store.read
    monkeypatch.setattr(Store, "read", lambda self, key, kind: read.append(kind) or real_read(self, key, kind))
    parsed = count_parsing(monkeypatch)
    store = Store(tmp_path / "cache")  # a new build: nothing read yet
    config, badges, broken = load_badges(example, Diagnostics())
    ledgers = load_ledgers(example, config, badges, broken, store, previous)
    changed = next(l for l in ledgers if l.path.endswith("2026.yaml"))
    head, tail = changed.kept_around(old.key)
    if change in ("revoked", "edited", "comment", "first edited"):
        assert head + tail >= old.count() - 4 and read.count("block") == 1  # one block read, the others kept
        assert len(parsed) <= 1
    assert changed.kept_around("another") == (0, 0)
    awards = [a for l in ledgers for a in l.awards()]
    assert awards == reference_awards(example)  # every field, position and source line
    assert [changed.item(p) for p in range(changed.count())] == changed.items()
    assert changed.summary == summarise(changed.items())
    assert [s for l in ledgers for s in l.status_lists()] == ob3.status_lists(awards)
    again, _ = cached_awards(example, Store(tmp_path / "cache"))
    assert again == awards


def test_blocks_of_another_size_are_not_continued(example: Path, tmp_path: Path, monkeypatch):
    build(example)  # blocks of 4096
    monkeypatch.setattr(ledger_cache, "BLOCK", 3)
    append_awards(example / "content/awards/2026.yaml", ["appended-0001"])
    build(example)
    build(example, tmp_path / "clean", clean=True)
    assert tree(example / "output") == tree(tmp_path / "clean")
    folder = example / ".badgesite-cache/ledgers"
    indexes = [Store(folder).read(p.name.split(".")[0], "awards") for p in folder.glob("*.awards.json")]
    assert any(i["block"] == 3 and len(i["blocks"]) == -(-i["count"] // 3) for i in indexes)  # cut anew

def ledgercache_status(awards):
    from badgesite.documents import ob3

    return ob3.status_lists(awards)


def test_a_lost_block_is_validated_again(example: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ledger_cache, "BLOCK", 4)
    build(example)
    blocks = sorted((example / ".badgesite-cache/ledgers").glob("*.block.json"))
    assert len(blocks) > 3
    for path in blocks[::2]:
        path.write_bytes(path.read_bytes()[:-40] + b"garbage")
    append_awards(example / "content/awards/2026.yaml", ["appended-0001"])
    build(example)
    build(example, tmp_path / "clean", clean=True)
    assert tree(example / "output") == tree(tmp_path / "clean")
    # and an edit in the middle of a file, whose blocks are lost, too
    for path in sorted((example / ".badgesite-cache/ledgers").glob("*.block.json")):
        path.unlink()
    ledger = example / "content/awards/2026.yaml"
    text = ledger.read_text("utf-8")
    first = text.index("\n- id: ") + 1
    ledger.write_text(text[:first] + text[first:].replace("\n  name: ", "\n  name: Renamed ", 1), "utf-8")
    build(example)
    build(example, tmp_path / "clean", clean=True)
    assert tree(example / "output") == tree(tmp_path / "clean")

# -- the build on top of it --------------------------------------------------------------------

def test_an_unchanged_site_is_not_built_again(example: Path):
    build(example)
    second = build(example)
    assert second.written == 0 and second.kept == second.files > 0
    (example / "README.md").write_text("notes that are not part of the site\n", "utf-8")
    third = build(example)  # an input changed, the output did not
    assert third.written == 0 and third.files == second.files


def test_warnings_are_reported_again_when_nothing_changed(example: Path):
    translation = example / "content/badges/python-basics.nl.md"  # a fact in a translation is ignored, with a warning
    translation.write_text(translation.read_text("utf-8").replace("kind: microcredential", "kind: badge", 1), "utf-8")
    first = build(example)
    assert first.diagnostics.warnings
    second = build(example)
    assert second.written == 0
    assert [d.format() for d in second.diagnostics.sorted()] == [d.format() for d in first.diagnostics.sorted()]


def test_a_deleted_or_damaged_cache_still_gives_the_clean_build(example: Path, tmp_path: Path):
    build(example)
    build(example)
    shutil.rmtree(example / ".badgesite-cache")
    ledger = example / "content/awards/2025.yaml"
    text = ledger.read_text("utf-8")
    last = text.rindex("\n- ")
    ledger.write_text(text[:last + 1], "utf-8")  # an award deleted: its files must go
    build(example)
    build(example, tmp_path / "clean", clean=True)
    assert tree(example / "output") == tree(tmp_path / "clean")
    for path in (example / ".badgesite-cache/ledgers").iterdir():
        path.write_bytes(path.read_bytes()[:-40] + b"garbage")
    ledger.write_text(text, "utf-8")
    build(example)
    build(example, tmp_path / "clean", clean=True)
    assert tree(example / "output") == tree(tmp_path / "clean")


def test_a_killed_swap_is_not_trusted(example: Path, tmp_path: Path):
    """A state record left pending (killed between its write and the swap) makes the
    next build start over instead of believing it."""
    import json

    build(example)
    state_path = example / ".output.state.json"
    state = json.loads(state_path.read_text())
    state["pending"] = True
    state_path.write_text(json.dumps(state))
    result = build(example)
    assert result.written == result.files
    build(example, tmp_path / "clean", clean=True)
    assert tree(example / "output") == tree(tmp_path / "clean")


def test_remembered_markdown_is_sanitised_like_new(example: Path):
    """The Markdown memo in the cache only saves converting; what it holds is cleaned
    again on every use, so a tampered cache cannot put a script on a page."""
    import json

    build(example)
    memo = example / ".badgesite-cache/ledgers/markdown.html.json"
    body = json.loads(memo.read_bytes().partition(b"\n")[2])
    for key in body["html"]:
        body["html"][key] = '<p>tampered</p><script>alert(1)</script><img src=x onerror="alert(2)">'
    data = json.dumps(body).encode()
    memo.write_bytes(hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
    badge = example / "content/badges/git-basics.md"  # a badge changes: every page is made again
    badge.write_text(badge.read_text("utf-8").replace("name: ", "name: Renamed ", 1), "utf-8")
    build(example)
    pages = [p.read_text("utf-8") for p in (example / "output").rglob("*.html")]
    assert any("tampered" in page for page in pages)  # the memo was used...
    assert not any("alert(" in page for page in pages)  # ...and cleaned


@pytest.fixture
def in_workers(monkeypatch) -> list:
    """Entries validated by forked worker processes, from the fifth on; the returned list
    holds the parts the build's own process validated itself (none, when workers did)."""
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(ledger_cache, "PARALLEL_FROM", 5)
    here: list = []
    real = ledger_cache._validate_part
    monkeypatch.setattr(ledger_cache, "_validate_part", lambda *args: here.append(args) or real(*args))
    return here


@pytest.mark.parametrize("seed", range(2))
def test_entries_validated_by_workers_equal_the_reference(example: Path, tmp_path: Path, in_workers: list, seed: int):
    rng = random.Random(seed)
    for ledger in (example / "content/awards").glob("*.yaml"):
        ledger.write_bytes(shuffle_layout(ledger.read_text("utf-8"), rng).encode("utf-8"))
    awards, _ = cached_awards(example, Store(tmp_path / "cache"))
    assert in_workers == []  # every entry was validated in a worker process
    assert awards is not None and len(awards) > 40
    assert awards == reference_awards(example)  # every field, position and source line, in order


def test_a_problem_found_by_a_worker_takes_the_reference_path(example: Path, tmp_path: Path, in_workers: list):
    ledger = example / "content/awards/2026.yaml"
    text = ledger.read_text("utf-8")
    last = text.rindex("badge: ")
    ledger.write_text(text[:last] + "badge: no-such-badge" + text[text.index("\n", last):], "utf-8")
    awards, _ = cached_awards(example, Store(tmp_path / "cache"))
    assert in_workers == [] and awards is None


@pytest.mark.parametrize("trust_cache", [False, True])
def test_a_builds_site_has_every_award_as_the_reference_loader_has(example: Path, tmp_path: Path, trust_cache: bool):
    """Site.awards means one thing: in a build it makes each Award from the ledger cache
    when asked, and holds what load_site holds, in the same order."""
    from badgesite.incremental.loading import load

    store = Store(tmp_path / "cache")
    load(example, store, {}, trust_cache=False)  # fills the cache
    site, _, diagnostics = load(example, store, {}, trust_cache=trust_cache)
    full, _ = load_site(example)
    assert not diagnostics.errors
    assert list(site.awards) == list(full.awards) and len(site.awards) == len(full.awards) > 40
    assert list(site.awards.values()) == list(full.awards.values())
    assert "no-such-award" not in site.awards and site.awards.get("no-such-award") is None
    last = next(reversed(full.awards))
    assert site.awards[last] == full.awards[last]
