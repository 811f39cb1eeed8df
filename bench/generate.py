"""Generate a synthetic badgesite site of any size (no real people's e-mails).

    python bench/generate.py OUT_DIR --awards 10000 [--badges 50] [--per-file 10000]

The ledger is split into files of --per-file awards (0: all in one file, as a site
that keeps one ledger file grows).

Per award the built site has a page, an OB 2.0 JSON and a baked PNG (about 20 KB,
as in the performance issue's equivalent site). Deterministic for a given size.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import random
from pathlib import Path

from PIL import Image, ImageDraw


def badge_png(index: int, rng: random.Random) -> bytes:
    """A 400x400 badge with noise so it weighs about 20 KB, like a real one."""
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    colour = (40 + index * 37 % 200, 80 + index * 53 % 160, 120 + index * 29 % 130, 255)
    draw.ellipse([10, 10, 390, 390], fill=colour)
    for _ in range(500):
        x, y = rng.randrange(60, 340), rng.randrange(60, 340)
        draw.rectangle([x, y, x + 6, y + 6], fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256), 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def generate(out: Path, awards: int, badges: int = 50, seed: int = 1, per_file: int = 10_000) -> Path:
    rng = random.Random(seed)
    (out / "content/badges").mkdir(parents=True, exist_ok=True)
    (out / "content/awards").mkdir(parents=True, exist_ok=True)
    (out / "badgesite.yaml").write_text(
        "base_url: https://bench.example.org/badges/\n"
        "issuer:\n  name: Benchmark University\n  url: https://bench.example.org\n  email: badges@bench.example.org\n"
        "  country: NL\n"
        "awarders: [admin@bench.example.org]\n"
        "size_limit: none\n", encoding="utf-8")  # published to object storage: 100k awards are 4-6 GB
    for b in range(badges):
        badge_id = f"module-{b:03d}"
        (out / f"content/badges/{badge_id}.png").write_bytes(badge_png(b, rng))
        requires = f"requires: [module-{b - 1:03d}]\n" if b % 5 else ""
        (out / f"content/badges/{badge_id}.md").write_text(
            f"---\nname: Module {b}\ndescription: Passed module {b} of the programme.\nimage: {badge_id}.png\n"
            f"image_alt: A coloured disc with a scatter of small squares, the badge of module {b}\n"
            f"criteria:\n  - Passes the written exam of module {b}.\n  - Delivers the module project.\n"
            f"tags: [module, year-{b % 4 + 1}]\nkind: microcredential\nlevel: year {b % 4 + 1}\n{requires}"
            f"study_load: {{ects: 5}}\neqf: 6\nlearning_outcomes: [Applies the theory of module {b}.]\n"
            f"assessment: Written exam and project\nparticipation: onsite\n"
            f"quality_assurance: Accredited programme\n---\n"
            f"Module {b} is assessed by an exam and a project.\n", encoding="utf-8")
    per_file = per_file or awards
    for start in range(0, awards, per_file):
        lines = []
        for n in range(start, min(awards, start + per_file)):
            salt = hashlib.sha256(f"salt{seed}-{n}".encode()).hexdigest()[:32]
            identity = "sha256$" + hashlib.sha256(f"student{n}@bench.example{salt}".encode()).hexdigest()
            day = 1 + n % 28
            lines.append(
                f"- id: bench-{n:07d}\n  badge: module-{n % badges:03d}\n"
                f"  recipient:\n    identity: \"{identity}\"\n    salt: \"{salt}\"\n"
                f"  name: Student {n}\n  issued: 2026-{1 + n % 12:02d}-{day:02d}\n  awarded_by: admin@bench.example.org\n")
        (out / f"content/awards/part-{start // per_file:03d}.yaml").write_text("".join(lines), encoding="utf-8")
    return out


def add_award(site: Path, n: int) -> None:
    """Append one award to the last ledger file (the 'one award added' case)."""
    last = sorted((site / "content/awards").glob("*.yaml"))[-1]
    salt = hashlib.sha256(f"extra-{n}".encode()).hexdigest()[:32]
    identity = "sha256$" + hashlib.sha256(f"extra{n}@bench.example{salt}".encode()).hexdigest()
    with open(last, "a", encoding="utf-8") as handle:
        handle.write(f"- id: extra-{n:07d}\n  badge: module-000\n  recipient:\n    identity: \"{identity}\"\n"
                     f"    salt: \"{salt}\"\n  issued: 2026-11-01\n  awarded_by: admin@bench.example.org\n")


def _middle_entry(site: Path, n: int) -> tuple[Path, str, int, int]:
    """(ledger file, its text, start and end of the entry of award `bench-n`)."""
    for path in sorted((site / "content/awards").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        start = text.find(f"- id: bench-{n:07d}\n")
        if start >= 0:
            end = text.find("\n- ", start)
            return path, text, start, len(text) if end < 0 else end + 1
    raise LookupError(f"no award bench-{n:07d}")


def revoke_award(site: Path, n: int) -> None:
    """Revoke award `bench-n` where it is, as `badgesite revoke` writes it (the 'one award
    revoked in the middle of the file' case)."""
    path, text, _, end = _middle_entry(site, n)
    revocation = "  revoked:\n    date: 2026-12-31\n    reason: Awarded in error\n"
    path.write_text(text[:end] + revocation + text[end:], encoding="utf-8")


def edit_award(site: Path, n: int) -> None:
    """Change the recipient's name of award `bench-n` where it is (the 'one award's field
    edited in the middle of the file' case)."""
    path, text, start, end = _middle_entry(site, n)
    entry = text[start:end].replace(f"  name: Student {n}\n", f"  name: Student {n} (edited)\n")
    path.write_text(text[:start] + entry + text[end:], encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--awards", type=int, default=1000)
    parser.add_argument("--badges", type=int, default=50)
    parser.add_argument("--per-file", type=int, default=10_000, help="awards per ledger file (0: one file)")
    args = parser.parse_args()
    generate(args.out, args.awards, args.badges, per_file=args.per_file)
