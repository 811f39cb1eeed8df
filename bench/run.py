"""Benchmark badgesite beside Hugo and the write floor, in one run.

    python bench/run.py [--sizes 1000,10000,100000] [--runs 3] [--warmup 1] [--work /tmp/badgesite-bench]
                        [--no-hugo] [--per-file 10000]

For each size it generates a synthetic site (bench/generate.py), then measures as
separate processes (wall time, CPU time, peak RSS):
  clean      badgesite build --clean from nothing (no output, no cache; no signing key: OB 2.0 only)
  clean+ob3  the same with a signing key: also signed OB 3.0 credentials
  unchanged  badgesite build, nothing changed
  one-added  badgesite build after appending one award to the ledger
  revoked    badgesite build after revoking one award in the middle of its ledger file
  edited     badgesite build after changing one field of an award in the middle of its file
  hugo       hugo on the equivalent site (bench/hugo_site.py), clean
  floor      writing the files of our last build (the OB 2.0-only clean one, then changed)
             again from bytes in memory: what the disk costs, whoever renders them
and prints a table with the ratios the performance issue asks for. Before every
measurement (untimed) the files of the last one are flushed to disk and the folders it
made are moved aside (deleted at the end, see Aside), so that no run pays for the one
before. Requires
`hugo` on PATH for the Hugo column (Debian: apt-get install hugo).

Where the disk is slow (a VM whose file creation costs 100 us or more), the file system
dominates every column: `--work /dev/shm/badgesite-bench` measures in RAM. The folders
of the runs stay in --work until the end (about 56 GB for 100k awards with three rounds
and a warm-up; the benchmark says so before it starts when there is not the room), and
Hugo alone holds 6 GB of memory at 100k: in RAM, take `--runs 1 --warmup 0` there.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import add_award, edit_award, generate, revoke_award  # noqa: E402

from badgesite.folders import wait_for_spare  # noqa: E402


def settle(site: Path | None = None) -> None:
    """Before every measurement (not timed): wait until the low-priority processes that
    a build leaves behind are done (the one that links a clean build's spare folder, the
    one that deletes a replaced output folder), and flush written files to disk, so that
    no run pays for the one before it."""
    if site is not None:
        wait_for_spare(site / "output")
    deadline = time.monotonic() + 600
    while site is not None and any(site.glob(".output.trash*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.sync()


class Aside:
    """Where the folders of earlier runs go until the benchmark ends. They are moved, not
    deleted: on a file system that avoids reusing inodes freed in the last minutes (ext4
    without a journal, as on this VM), a run right after a deletion of 500,000 files
    spends most of its time searching for free inodes, and so would pay for the run
    before it."""

    def __init__(self, work: Path):
        self.work = work
        self.folder = work / f"aside-{os.getpid()}"
        self.count = 0

    def put(self, path: Path) -> None:
        if path.exists() or path.is_symlink():
            self.folder.mkdir(parents=True, exist_ok=True)
            os.rename(path, self.folder / f"{self.count}-{path.name}")
            self.count += 1

    def empty(self) -> None:
        """At the end, when nothing is measured any more (with what killed runs left)."""
        for folder in self.work.glob("aside-*"):
            shutil.rmtree(folder, ignore_errors=True)


def from_nothing(site: Path, aside: Aside) -> None:
    """The state of a fresh clone: no output folder, no cache (like Hugo's public/, moved
    away before each of its runs)."""
    wait_for_spare(site / "output")
    for path in [site / "output", site / ".badgesite-cache", *site.glob(".output.*")]:
        aside.put(path)


def measure(command: list[str], cwd: Path | None = None, site: Path | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS MB) of one child process."""
    settle(site)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def median(samples: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    return tuple(statistics.median(s[i] for s in samples) for i in range(3))


FLOOR = """
import os, sys, time
from pathlib import Path
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
files = [(p.relative_to(src), p.read_bytes()) for p in src.rglob('*') if p.is_file()]
wall, cpu = time.perf_counter(), time.process_time()  # only the writing is timed
made = set()
for rel, data in files:
    target = dst / rel
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True); made.add(target.parent)
    target.write_bytes(data)
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def measure_floor(src: Path, dst: Path) -> tuple[float, float, float]:
    """(wall, CPU, peak RSS MB) of writing the files of `src` again from memory: reading
    them first is not timed (the RSS includes holding them all)."""
    process = subprocess.Popen([sys.executable, "-c", FLOOR, str(src), str(dst)], stdout=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the floor measurement failed")
    wall, cpu = (float(x) for x in process.stdout.read().split())
    return wall, cpu, usage.ru_maxrss / 1024


def clean(site: Path, build: list[str], aside: Aside) -> tuple[float, float, float]:
    """A clean build from nothing (moving the last build away is not timed)."""
    from_nothing(site, aside)
    return measure(build + ["--clean"], site=site)


def test_key(work: Path, site: Path, badgesite: list[str]) -> Path:
    """A throwaway signing key for the benchmark site, kept outside it (keys init)."""
    path = work / f"{site.name}-signing-key.pem"
    path.unlink(missing_ok=True)
    subprocess.run(badgesite + ["keys", "init", "-q", "--site", str(site), "--out", str(path)],
                   check=True, stdout=subprocess.DEVNULL)
    return path


def bench_size(size: int, runs: int, work: Path, hugo: bool, badgesite: list[str], ob3: bool,
               per_file: int = 10_000, quick_runs: int | None = None, aside: Aside | None = None,
               warmup: int = 1) -> tuple[dict[str, tuple], list[tuple[float, float]]]:
    """`runs` rounds of the clean builds and Hugo, taking turns (see clean_rounds);
    `quick_runs` (default: `runs`) of every build after one change. The medians, and the
    signed build's and Hugo's times round by round."""
    quick_runs = quick_runs or runs
    site = work / f"site-{size}"
    aside = aside or Aside(work)
    aside.put(site)
    generate(site, size, per_file=per_file)
    build = badgesite + ["build", "-q", "--site", str(site)]
    hugo_site = None
    if hugo and shutil.which("hugo"):
        hugo_site = work / f"hugo-{size}"
        aside.put(hugo_site)  # (hugo_site.py would delete it)
        subprocess.run([sys.executable, str(HERE / "hugo_site.py"), str(site), str(hugo_site)], check=True)
    results, rounds = clean_rounds(site, build, hugo_site, runs, work, badgesite, ob3, aside, warmup)
    results["unchanged"] = median([measure(build, site=site) for _ in range(quick_runs)])
    samples = []
    for n in range(quick_runs):
        add_award(site, n)
        samples.append(measure(build, site=site))
    results["one-added"] = median(samples)
    for case, change in (("revoked", revoke_award), ("edited", edit_award)):
        samples = []
        for n in range(quick_runs):
            change(site, size // 2 + 7 * n + (case == "edited"))  # a different award each run
            samples.append(measure(build, site=site))
        results[case] = median(samples)
    # the floor: the same files from bytes already in memory (reading them is not timed: see FLOOR)
    floor_out = work / f"floor-{size}"
    samples = []
    for _ in range(runs):
        aside.put(floor_out)
        settle()
        samples.append(measure_floor(site / "output", floor_out))
    aside.put(floor_out)
    results["floor"] = median(samples)
    return results, rounds


def clean_rounds(site: Path, build: list[str], hugo_site: Path | None, runs: int, work: Path,
                 badgesite: list[str], ob3: bool, aside: Aside,
                 warmup: int = 1) -> tuple[dict[str, tuple], list[tuple[float, float]]]:
    """The clean builds (signed when `ob3`, then OB 2.0 only) and Hugo, one of each per
    round, in turns: the order is reversed every other round, so that a drift of the
    machine (another tenant, the disk's cache) falls on all of them alike, and none is
    always the one after Hugo (which leaves 6 GB of freed memory behind). `warmup` rounds
    first are not timed: on this VM the first run after the site was made (and after the
    last benchmark's deletion) was the slow one (the signed build, first in two runs
    without a warm-up, took 1.21x and 1.33x Hugo's time, and 0.80-0.89x in the four
    rounds after). The median of each, and the signed build's and Hugo's times round by
    round."""
    env_key = os.environ.pop("BADGESITE_SIGNING_KEY", None)
    keys = site / "keys.yaml"
    key = test_key(work, site, badgesite) if ob3 else None
    signed_keys = keys.read_text() if ob3 else None

    def signed() -> tuple:
        keys.write_text(signed_keys)
        os.environ["BADGESITE_SIGNING_KEY"] = str(key)
        try:
            return clean(site, build, aside)
        finally:
            os.environ.pop("BADGESITE_SIGNING_KEY")

    def unsigned() -> tuple:
        # a site without a key: one whose keys.yaml lists a key refuses to build without
        # it (it would delete the credentials)
        keys.unlink(missing_ok=True)
        return clean(site, build, aside)

    def hugo() -> tuple:
        aside.put(hugo_site / "public")
        return measure(["hugo", "--quiet", "--source", str(hugo_site)], site=site)

    cases = {"clean+ob3": signed} if ob3 else {}
    cases["clean"] = unsigned
    if hugo_site is not None:
        cases["hugo"] = hugo
    samples: dict[str, list] = {name: [] for name in cases}
    last = None
    for round_ in range(-warmup, runs):  # the warm-up rounds (negative) are not kept
        for name in (list(cases) if round_ % 2 == 0 else list(cases)[::-1]):
            result = cases[name]()
            print(f"  {'warm-up' if round_ < 0 else f'round {round_ + 1}'}: {name} {result[0]:.1f} s",
                  file=sys.stderr, flush=True)
            if round_ >= 0:
                samples[name].append(result)
            last = name if name != "hugo" else last
    if hugo_site is not None:
        aside.put(hugo_site / "public")
    if last != "clean":
        unsigned()  # (not timed) the quick builds that follow change a site without a key, from its clean build
    if env_key:
        os.environ["BADGESITE_SIGNING_KEY"] = env_key
    rounds = [(ours[0], hugo[0]) for ours, hugo in zip(samples.get("clean+ob3", []), samples.get("hugo", []))]
    return {name: median(values) for name, values in samples.items()}, rounds


def disk_needed(size: int, runs: int, warmup: int) -> int:
    """Bytes that the folders of one size's runs take until the end (Aside): per award, a
    signed build 47 kB, an OB 2.0-only one 29 kB, Hugo's 27 kB, each round; the floor
    29 kB a run; the sites themselves 60 kB."""
    return size * ((runs + warmup) * 103_000 + runs * 29_000 + 60_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs per measurement (median); the clean builds and Hugo take turns, a round each")
    parser.add_argument("--warmup", type=int, default=1, help="rounds of clean builds and Hugo before the timed ones")
    parser.add_argument("--work", type=Path, default=Path("/tmp/badgesite-bench"))
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--no-ob3", action="store_true", help="skip the clean build with OB 3.0 signing")
    parser.add_argument("--per-file", type=int, default=10_000, help="awards per ledger file (0: all in one)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    need = sum(disk_needed(size, args.runs, args.warmup) for size in sizes)
    free = shutil.disk_usage(args.work).free
    if free < need:
        raise SystemExit(f"bench/run.py: the runs are kept in {args.work} until the end and need about "
                         f"{need / 1e9:.0f} GB there; {free / 1e9:.0f} GB are free (fewer --runs or --sizes, or "
                         "another --work)")
    badgesite = [sys.executable, "-m", "badgesite.cli"]
    aside = Aside(args.work)
    rows = []
    for size in sizes:
        print(f"benchmarking {size} awards ({args.warmup} + {args.runs} rounds of clean builds, {args.runs} of each "
              "change)…",
              file=sys.stderr, flush=True)
        rows.append((size, *bench_size(size, args.runs, args.work, not args.no_hugo, badgesite, not args.no_ob3,
                                      args.per_file, aside=aside, warmup=args.warmup)))
    print(f"\n{'awards':>8} {'case':<10} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}")
    for size, results, _ in rows:
        for case, (wall, cpu, rss) in results.items():
            print(f"{size:>8} {case:<10} {wall:>8.2f} {cpu:>8.2f} {rss:>8.0f}")
    print(f"\n{'awards':>8} {'clean/hugo':>11} {'+ob3/hugo':>10} {'floor/hugo':>11} {'clean/floor':>12} "
          f"{'one-added s':>12} {'revoked s':>10} {'edited s':>9} {'unchanged s':>12}")
    for size, r, _ in rows:
        hugo = f"{r['clean'][0] / r['hugo'][0]:.2f}" if "hugo" in r else "-"
        signed = f"{r['clean+ob3'][0] / r['hugo'][0]:.2f}" if "hugo" in r and "clean+ob3" in r else "-"
        floor = f"{r['floor'][0] / r['hugo'][0]:.2f}" if "hugo" in r else "-"
        print(f"{size:>8} {hugo:>11} {signed:>10} {floor:>11} {r['clean'][0] / r['floor'][0]:>12.2f} "
              f"{r['one-added'][0]:>12.2f} {r['revoked'][0]:>10.2f} {r['edited'][0]:>9.2f} {r['unchanged'][0]:>12.2f}")
    for size, _, rounds in rows:
        if rounds:
            print(f"{size:>8} signed/hugo round by round: "
                  + ", ".join(f"{ours / hugo:.2f} ({ours:.1f} s / {hugo:.1f} s)" for ours, hugo in rounds))
    print(f"\ndeleting the folders of the runs ({args.work}/aside-*)…", file=sys.stderr, flush=True)
    aside.empty()


if __name__ == "__main__":
    main()
