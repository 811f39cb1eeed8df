"""Golden output trees: record the sites' inputs once, build them with any checkout, compare.

    python tests/golden/record.py inputs DIR              # example + `new` sites, pinned key (run once)
    python tests/golden/record.py build DIR OUT [--python PY]
    python tests/golden/record.py compare OUT_A OUT_B     # every byte; exit 1 on a difference

`badgesite new` draws random award ids and salts and `keys init` a random key, so the
inputs are made once and kept (with the key, as PEM files beside them); `build` then
builds each case with the interpreter given (another checkout's venv builds the old
code) and `compare` proves two builds identical, file by file. A refactoring is proven
by `build` with the old and the new code on the same inputs, then `compare`.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CASES = ("example", "example-keyed", "new-plain", "new-keyed")


def _run(python: str, *args: str, env: dict | None = None) -> None:
    subprocess.run([python, "-m", "badgesite.cli", *args], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, **(env or {})})


def inputs(folder: Path, python: str) -> None:
    folder.mkdir(parents=True, exist_ok=False)
    for case in ("example", "example-keyed"):
        (folder / case).mkdir()
        shutil.copy(REPO / "badgesite.yaml", folder / case / "badgesite.yaml")
        shutil.copytree(REPO / "content", folder / case / "content")
    for case in ("new-plain", "new-keyed"):
        _run(python, "new", str(folder / case), "--base-url", f"https://example.org/{case}/")
    for case in ("example-keyed", "new-keyed"):
        _run(python, "keys", "init", "--site", str(folder / case), "--out", str(folder / f"{case}.pem"))


def build(folder: Path, out: Path, python: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp) / case
            shutil.copytree(folder / case, site)
            key = folder / f"{case}.pem"
            env = {"BADGESITE_SIGNING_KEY": str(key)} if key.exists() else {}
            if not key.exists():
                os.environ.pop("BADGESITE_SIGNING_KEY", None)
            _run(python, "build", "-q", "--site", str(site), env=env)
            shutil.rmtree(out / case, ignore_errors=True)
            shutil.copytree(site / "output", out / case, symlinks=True)
            _wait_for_spare(site)  # before the folder is deleted: a clean build links it in the background


def _wait_for_spare(site: Path) -> None:
    """Wait until the process that links a clean build's spare folder is done (it holds
    .output.lock, as badgesite.folders.take_turn does; older checkouts have no lock)."""
    import fcntl

    lock = site / ".output.lock"
    if lock.exists():
        fd = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        finally:
            os.close(fd)


def files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def compare(a: Path, b: Path) -> int:
    total = differ = 0
    for case in CASES:
        left, right = files(a / case), files(b / case)
        for name in sorted(left.keys() ^ right.keys()):
            print(f"{case}/{name}: only in {'the first' if name in left else 'the second'}")
            differ += 1
        for name in sorted(left.keys() & right.keys()):
            total += 1
            if left[name].read_bytes() != right[name].read_bytes():
                print(f"{case}/{name}: bytes differ")
                differ += 1
    print(f"{total} files compared in {len(CASES)} sites, {differ} differences")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("inputs")
    p.add_argument("folder", type=Path)
    p.add_argument("--python", default=sys.executable)
    p = sub.add_parser("build")
    p.add_argument("folder", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--python", default=sys.executable)
    p = sub.add_parser("compare")
    p.add_argument("a", type=Path)
    p.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.what == "inputs":
        inputs(args.folder, args.python)
    elif args.what == "build":
        build(args.folder, args.out, args.python)
    else:
        return compare(args.a, args.b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
