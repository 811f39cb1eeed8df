"""A build killed at any moment (kill -9) leaves the old site or the new one, whole."""
from __future__ import annotations

import hashlib
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
