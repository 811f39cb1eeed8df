"""Whether the last build is still current: one digest of everything a build reads.

Kept apart from the pipeline (and light to import) so that `badgesite build` on
an unchanged site answers at once. The digest covers every file in the site
folder except the output, caches and version control (the same files the
private-key scan reads), the installed theme, the signing key's public half and
the package version. Paths count relative to their folder, so a copied site is
still the same site. File dates never count.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import Diagnostic, Diagnostics
from .source.files import skipped_dir


@dataclass
class BuildResult:
    output: Path
    files: int
    awards: int
    badges: int
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    written: int = 0  # files made in this build
    kept: int = 0  # files reused unchanged from an earlier build
    size: dict | None = None  # files and bytes by kind, as sitesize.SiteSize.record() keeps them


def input_digest(root: Path, output: Path, signing_key) -> str:
    digest = hashlib.sha256(f"{__version__}\0".encode())
    if signing_key is not None:
        from .sign import keys as ed25519

        digest.update(b"key\0" + ed25519.public_raw(getattr(signing_key, "private", signing_key)))
    for folder in (root, Path(__file__).parent / "themes"):
        for current, dirs, files in os.walk(folder):
            here = Path(current)
            dirs[:] = sorted(d for d in dirs if not skipped_dir(d) and here / d != output
                             and not os.path.islink(here / d))
            for name in sorted(files):
                path = here / name
                if here == output.parent and name.startswith(f".{output.name}."):
                    continue  # the build's own records beside output/
                digest.update(os.fsencode(path.relative_to(folder)) + b"\0")
                if path.is_symlink():
                    digest.update(b"link\0" + os.fsencode(os.readlink(path)))
                    continue
                try:
                    digest.update(hashlib.sha256(path.read_bytes()).digest())
                except OSError:
                    digest.update(b"unreadable")
    return digest.hexdigest()


def current_build(root: Path, output: Path, signing_key) -> tuple[str, BuildResult | None]:
    """(input digest, the result of the last build when nothing changed since, else None)."""
    from .write import read_state

    inputs = input_digest(root, output, signing_key)
    last = (read_state(output).get("live") or {}).get("build")
    if not isinstance(last, dict) or last.get("inputs") != inputs:
        return inputs, None
    diagnostics = Diagnostics([Diagnostic(*d) for d in last.get("warnings", [])])
    return inputs, BuildResult(output, last["files"], last["awards"], last["badges"], diagnostics=diagnostics,
                               written=0, kept=last["files"], size=last.get("size"))
