"""A build killed at any moment (kill -9) leaves the old site or the new one, whole."""
from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_build(site: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "badgesite.cli", "build", "-q", "--site", str(site)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)


def test_kill_at_random_moments_leaves_a_whole_site(example_copy: Path):
    site = example_copy
    assert run_build(site).wait() == 0
    old = tree(site / "output")
    ledger = site / "content/awards/2026.yaml"
    original = ledger.read_text()
    changed = original.replace('reason: "', 'reason: "Corrected. ', 1)
    assert changed != original
    ledger.write_text(changed)
    start = time.monotonic()
    assert run_build(site).wait() == 0
    duration = time.monotonic() - start
    new = tree(site / "output")
    assert new != old
    # back to the old content, then kill rebuilds of it at random moments
    rng = random.Random(7)
    seen = set()
    for attempt in range(8):
        current = tree(site / "output")
        assert current in (old, new), f"attempt {attempt}: output is neither the old nor the new site"
        seen.add("new" if current == new else "old")
        target = new if current == old else old
        ledger.write_text(original if target is old else changed)
        process = run_build(site)
        time.sleep(rng.uniform(0.05, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = tree(site / "output")
        assert after in (old, new), f"attempt {attempt}: killed build left a broken output/"
    # the next build cleans up whatever the killed ones left beside output/
    assert run_build(site).wait() == 0
    assert not [p for p in site.iterdir() if p.name.startswith((".output.staging", ".output.old"))]


def test_a_clean_build_links_its_spare_folder_after_it_in_turn(example_copy: Path):
    """A clean build writes each file once and hands the turn to a process that links the
    spare folder; a build that starts meanwhile waits for it, then starts from the spare."""
    from badgesite.folders import take_turn, wait_for_spare

    site = example_copy
    assert run_build(site).wait() == 0
    wait_for_spare(site / "output")
    live = tree(site / "output")
    assert tree(site / ".output.spare") == live
    spare_files = {p.stat().st_ino for p in (site / ".output.spare").rglob("*") if p.is_file()}
    assert spare_files == {p.stat().st_ino for p in (site / "output").rglob("*") if p.is_file()}  # linked, not copied

    turn = take_turn(site / "output")  # as if the spare were still being made
    ledger = site / "content/awards/2026.yaml"
    ledger.write_text(ledger.read_text().replace('reason: "', 'reason: "Corrected. ', 1))
    waiting = run_build(site)
    time.sleep(3)
    assert waiting.poll() is None  # it waits for its turn
    assert tree(site / "output") == live
    os.close(turn)
    assert waiting.wait(timeout=120) == 0
    assert tree(site / "output") != live
    assert tree(site / ".output.spare") == live  # the previous site became the spare


def test_a_spare_maker_killed_half_way_costs_nothing_but_time(example_copy: Path):
    """The spare folder being linked when its process dies is removed; the next build
    starts from a copy of the live site and makes the same site as a clean one."""
    from badgesite.folders import wait_for_spare

    site = example_copy
    assert subprocess.run([sys.executable, "-m", "badgesite.cli", "build", "-q", "--clean", "--site", str(site)],
                          cwd=REPO).returncode == 0
    wait_for_spare(site / "output")
    # what a spare maker killed with kill -9 leaves: its half-linked folder, and no spare
    # folder where the state record expects one
    (site / ".output.spare").rename(site / ".output.twin-999999")
    assert json.loads((site / ".output.state.json").read_text())["spare"] is not None
    ledger = site / "content/awards/2026.yaml"
    ledger.write_text(ledger.read_text().replace('reason: "', 'reason: "Corrected. ', 1))
    assert run_build(site).wait() == 0
    assert not (site / ".output.twin-999999").exists()
    incremental = tree(site / "output")
    assert subprocess.run([sys.executable, "-m", "badgesite.cli", "build", "-q", "--clean", "--site", str(site)],
                          cwd=REPO).returncode == 0
    assert tree(site / "output") == incremental
    wait_for_spare(site / "output")
    assert not [p for p in site.iterdir() if p.name.startswith((".output.twin", ".output.staging"))]
    assert os.path.isdir(site / ".output.spare")


def test_a_replaced_site_is_deleted_after_the_build_by_a_process_of_its_own(example_copy: Path):
    """A clean build over a built site moves the old folders into a trash folder that a
    detached process deletes once the new site is in place; nothing of it stays."""
    from badgesite.folders import wait_for_spare

    site = example_copy
    assert run_build(site).wait() == 0
    wait_for_spare(site / "output")
    old_inodes = {p.stat().st_ino for p in (site / "output").rglob("*") if p.is_file()}
    clean = subprocess.run([sys.executable, "-m", "badgesite.cli", "build", "-q", "--clean", "--site", str(site)],
                           cwd=REPO)
    assert clean.returncode == 0
    assert {p.stat().st_ino for p in (site / "output").rglob("*") if p.is_file()}.isdisjoint(old_inodes)
    deadline = time.monotonic() + 60
    while [p for p in site.iterdir() if p.name.startswith(".output.trash")] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in site.iterdir() if p.name.startswith(".output.trash")]
    wait_for_spare(site / "output")
    assert tree(site / ".output.spare") == tree(site / "output")
