"""An incremental build after any kind of change gives the same bytes as a clean build."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from badgesite.build import build
from badgesite.folders import wait_for_spare
from conftest import REPO


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


NEW_AWARD = """
- id: ls-2026-incr0001
  badge: git-basics
  recipient:
    identity: "sha256$0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
    salt: "0123456789abcdef0123456789abcdef"
  name: Incremental Test
  issued: 2026-11-21
  awarded_by: marianne@stadslab.example
"""


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


CHANGES = {
    "award added": lambda s: _append(s / "content/awards/2026.yaml", NEW_AWARD),
    "award revoked": lambda s: _append(s / "content/awards/2026.yaml", NEW_AWARD + "  revoked:\n    date: 2026-11-22\n    reason: Test\n"),
    "badge text": lambda s: _replace(s / "content/badges/git-basics.md", "name: ", "name: Renamed "),
    "badge image": lambda s: shutil.copy(s / "content/badges/python-data.png", s / "content/badges/git-basics.png"),
    "template": lambda s: (s / "themes/default/templates").mkdir(parents=True) or
        (s / "themes/default/templates/award.html").write_text(
            (REPO / "themes/default/templates/award.html").read_text("utf-8").replace("</article>", "<p>local</p></article>", 1), "utf-8"),
    "config": lambda s: _replace(s / "badgesite.yaml", "name: ", "name: The "),
    "ledger file removed": lambda s: (s / "content/awards/2026.yaml").write_text("", "utf-8"),
    "award revoked in the middle": lambda s: _replace(
        s / "content/awards/2026.yaml", "  awarded_by: marianne@stadslab.example\n",
        "  awarded_by: marianne@stadslab.example\n  revoked:\n    date: 2026-11-22\n    reason: Test\n"),
    "award revoked mid-file": lambda s: _replace(
        s / "content/awards/2026.yaml", "  awarded_by: joost@stadslab.example\n\n- id: ls-2026-subc23xr\n",
        "  awarded_by: joost@stadslab.example\n  revoked:\n    date: 2026-11-22\n    reason: Test\n\n"
        "- id: ls-2026-subc23xr\n"),
    "award edited mid-file": lambda s: _replace(
        s / "content/awards/2026.yaml", "  name: Thijs de Graaf\n", "  name: Thijs de Graaf-Jansen\n"),
    "last award revoked, one added": lambda s: _append(
        s / "content/awards/2026.yaml", "  revoked:\n    date: 2026-11-22\n    reason: Test\n" + NEW_AWARD),
}

LEDGER_CHANGES = {"award added", "award revoked", "ledger file removed", "award revoked in the middle",
                  "last award revoked, one added", "award revoked mid-file", "award edited mid-file"}


@pytest.fixture(scope="module")
def built_example(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("incremental-base")
    shutil.copy(REPO / "badgesite.yaml", base / "badgesite.yaml")
    shutil.copytree(REPO / "content", base / "content")
    build(base, base / "output")
    build(base, base / "output")  # now there is a spare folder to reuse as well
    wait_for_spare(base / "output")  # linked in the background: copying the site must not race it
    return base


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_equals_clean(built_example: Path, tmp_path: Path, change: str):
    site = tmp_path / "site"
    shutil.copytree(built_example, site, symlinks=True)
    CHANGES[change](site)
    check_incremental_equals_clean(site, tmp_path, change)


@pytest.mark.parametrize("change", sorted(LEDGER_CHANGES))
def test_incremental_equals_clean_with_many_cache_blocks(tmp_path: Path, monkeypatch, change: str):
    """The same with the ledger cache cut in blocks of 3 entries, so that appends and edits
    continue, share and replace blocks in the middle of a file."""
    from badgesite.incremental import ledgers

    monkeypatch.setattr(ledgers, "BLOCK", 3)
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(REPO / "badgesite.yaml", site / "badgesite.yaml")
    shutil.copytree(REPO / "content", site / "content")
    build(site, site / "output")
    CHANGES[change](site)
    check_incremental_equals_clean(site, tmp_path, change)


@pytest.mark.parametrize("change", ["award revoked mid-file", "award edited mid-file", "award added"])
def test_incremental_equals_clean_between_kept_blocks(tmp_path: Path, monkeypatch, change: str):
    """The same with blocks of 4 entries and status lists of 8, so that the blocks before and
    after the change are kept (some of them a few lines further) and the file's summary is
    put together from its blocks' parts, over several status lists."""
    from badgesite.documents import bitstring
    from badgesite.incremental import ledgers

    monkeypatch.setattr(ledgers, "BLOCK", 4)
    monkeypatch.setattr(bitstring, "MIN_SIZE", 8)
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(REPO / "badgesite.yaml", site / "badgesite.yaml")
    shutil.copytree(REPO / "content", site / "content")
    build(site, site / "output")
    CHANGES[change](site)
    check_incremental_equals_clean(site, tmp_path, change)


def check_incremental_equals_clean(site: Path, tmp_path: Path, change: str) -> None:
    incremental = build(site, site / "output")
    if change in LEDGER_CHANGES:
        assert incremental.kept > 0 and incremental.written < incremental.files // 4  # it really reused earlier work
    else:  # a badge, the config, the theme: every award page shows them, so all is made again
        assert incremental.written == incremental.files
    clean = build(site, tmp_path / "clean", clean=True)
    assert clean.kept == 0
    assert tree(site / "output") == tree(tmp_path / "clean")


def test_nothing_changed_rewrites_no_award_file(built_example: Path, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(built_example, site, symlinks=True)
    before = tree(site / "output")
    result = build(site, site / "output")
    assert tree(site / "output") == before
    award_files = [f for f in before if f.startswith("awards/")]
    assert result.kept >= len(award_files)


def test_first_incremental_build_links_but_never_changes_the_live_site(tmp_path: Path):
    site = tmp_path / "site"
    shutil.copy(REPO / "badgesite.yaml", site.mkdir() or site / "badgesite.yaml")
    shutil.copytree(REPO / "content", site / "content")
    build(site, site / "output")  # first build: no spare folder yet
    before = tree(site / "output")
    CHANGES["award revoked"](site)
    result = build(site, site / "output")  # starts from hard links to output/
    assert result.kept > 0
    assert tree(site / ".output.spare") == before  # the previous site, untouched by the new build
    clean = build(site, tmp_path / "clean", clean=True)
    assert tree(site / "output") == tree(tmp_path / "clean") and clean.kept == 0


def test_unchanged_build_after_a_clean_one_takes_the_live_files(built_example: Path, tmp_path: Path):
    """The spare folder is two builds old; what it lacks is linked from the live site."""
    site = tmp_path / "site"
    shutil.copytree(built_example, site, symlinks=True)
    CHANGES["config"](site)  # every award page changes
    build(site, site / "output", clean=True)
    before = tree(site / "output")
    result = build(site, site / "output")
    assert result.written <= 20 and result.kept >= len(before) - 20
    assert tree(site / "output") == before
    wait_for_spare(site / "output")  # a clean build's spare folder is linked after it, in the background
    assert tree(site / ".output.spare") == before  # the live files were linked, never rewritten


def test_worker_processes_make_the_same_site(tmp_path: Path):
    """Above 200 things to make, awards and share cards are spread over worker processes:
    the same bytes as one process, and an award added afterwards equals a clean build."""
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    from generate import add_award, generate

    from badgesite import outputindex
    from badgesite.incremental.state import live_generation
    from badgesite.sitesize import SiteSize, measure_folder

    site = generate(tmp_path / "site", 240, badges=12)
    (site / ".badgesite-cache/deploy").mkdir(parents=True)  # a site that deploys: the build digests what it writes
    pooled = build(site, tmp_path / "pool", clean=True, jobs=2)
    serial = build(site, tmp_path / "serial", clean=True, jobs=1)
    pool = tree(tmp_path / "pool")
    assert pool == tree(tmp_path / "serial")
    # the size that the workers counted as they wrote is the folder's, kind by kind
    for result, folder in ((pooled, "pool"), (serial, "serial")):
        assert SiteSize.from_record(result.size).kinds == measure_folder(str(tmp_path / folder), 240).kinds
        # and the digests the workers noted are the files' (deploy reads none of them again)
        noted = outputindex.current(site / ".badgesite-cache", tmp_path / folder, live_generation(tmp_path / folder))
        assert noted == {rel: outputindex.digest_entry(str(tmp_path / folder / rel)) for rel in tree(tmp_path / folder)}
    assert len([p for p in pool if p.endswith(".card.png")]) == 12
    add_award(site, 1)
    added = build(site, tmp_path / "pool", jobs=2)
    assert 0 < added.written < 20
    build(site, tmp_path / "clean", clean=True, jobs=2)
    assert tree(tmp_path / "pool") == tree(tmp_path / "clean")


def test_known_images_answer_as_inspect_and_skip_only_known_pngs(tmp_path: Path):
    """The build's image inspector (incremental/memos.py) gives images.inspect's answers;
    only a PNG that it decoded in full before (by SHA-256) is not decoded again."""
    from badgesite.incremental.memos import KnownImages, recall_images, remember_images
    from badgesite.incremental.store import Store
    from badgesite.source import images

    good = (REPO / "content" / "badges" / "git-basics.png").read_bytes()
    broken = good[:33] + b"\0" * 64  # an intact header over pixels that do not decode
    store = Store(tmp_path / "cache")
    first = recall_images(store)
    assert first(good, "git-basics.png") == images.inspect(good, "git-basics.png")
    with pytest.raises(images.ImageError, match="corrupt PNG"):
        first(broken, "broken.png")
    assert first.known == {hashlib.sha256(good).hexdigest()}  # not the broken one
    remember_images(store, first)
    again = recall_images(Store(tmp_path / "cache"))
    assert again.known == first.known
    assert again(good, "git-basics.png") == images.inspect(good, "git-basics.png")
    trusted = KnownImages({hashlib.sha256(broken).hexdigest()})  # what a cache says is not checked again...
    assert trusted(broken, "broken.png") == images.inspect_headers(broken, "broken.png")
    with pytest.raises(images.ImageError, match="damaged IHDR"):  # ...but its headers always are
        trusted(broken[:20] + b"x" + broken[21:], "broken.png")


def test_the_build_keeps_compiled_templates_and_output_remembers_nothing(built_example: Path, tmp_path: Path):
    """Compiled templates are kept by the build (incremental/memos.template_cache), named
    after the module of the `cache` tag, so that a cache from an older package never
    loads (it once failed with KeyError 'badgesite.render.FragmentCache'); rendering by
    itself (output/) writes nothing."""
    from badgesite.output.context import make_context
    from badgesite.output.theme import FragmentCache
    from badgesite.assemble import load_site

    kept = sorted(p.name for p in (built_example / ".badgesite-cache" / "templates").iterdir())
    assert kept and all(name.endswith(f".cache1.{FragmentCache.__module__}.cache") for name in kept)
    site = tmp_path / "site"
    shutil.copytree(built_example, site, symlinks=True, ignore=shutil.ignore_patterns("output", ".output.*"))
    for name in kept:  # what an older package compiled, under its own names, is not read
        (site / ".badgesite-cache" / "templates" / name.replace(FragmentCache.__module__, "badgesite.render")) \
            .write_bytes(b"not code")
    build(site, site / "output")
    assert tree(site / "output") == tree(built_example / "output")
    shutil.rmtree(site / ".badgesite-cache")
    model, _ = load_site(site)
    make_context(model).renderer.env.get_template("award.html")  # compiled, and kept nowhere
    assert not (site / ".badgesite-cache").exists()
