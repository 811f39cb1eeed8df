"""Time the reference YAML loader (reference.load) against fastyaml.parse on a
generated award ledger. (reference.load itself takes the fast path when it can.)

    python bench/yaml_speed.py [--awards 10000] [--repeat 5] [--ledger FILE]

Generates the bench site's ledger (bench/generate.py; above 10,000 awards its
files are joined into one text) unless --ledger names one, checks that both
loaders return the same values, then prints the best wall-clock time of each
(yamlpos gets half the runs: it is slow) and the ratio.
"""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from badgesite.source.yaml import fast as fastyaml  # noqa: E402
from badgesite.source.yaml import reference  # noqa: E402


def best_time(load, text: str, repeat: int) -> float:
    """The best wall-clock time of `repeat` loads, each from a collected heap."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = load(text, "ledger.yaml")
        best = min(best, time.perf_counter() - start)
        del result
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--awards", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ledger", type=Path, help="time this ledger file instead of a generated one")
    args = parser.parse_args()
    if args.ledger:
        text = args.ledger.read_text(encoding="utf-8")
    else:
        from generate import generate
        with tempfile.TemporaryDirectory() as folder:
            site = generate(Path(folder), args.awards)
            parts = sorted((site / "content/awards").glob("part-*.yaml"))
            text = "".join(part.read_text(encoding="utf-8") for part in parts)
    lines = text.count("\n")
    if fastyaml.parse(text, "ledger.yaml") != reference.load(text, "ledger.yaml"):
        sys.exit("fastyaml and yamlpos disagree on this ledger")
    slow = best_time(reference.load, text, max(1, args.repeat // 2))
    fast = best_time(fastyaml.parse, text, args.repeat)
    print(f"ledger: {lines:,} lines, {len(text) / 2**20:.1f} MB")
    print(f"reference.load: {slow:.3f} s")
    print(f"fastyaml.parse:    {fast:.3f} s")
    print(f"ratio:             {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
