"""Whether the last build is still current, answered before loading anything else.

Kept light to import, so that `badgesite build` on an unchanged site answers at once:
the digest of every input (fingerprints.input_digest) equals the last build's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, Diagnostics
from .fingerprints import input_digest
from .state import live_build, read_state


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


def current_build(root: Path, output: Path, signing_key) -> tuple[str, BuildResult | None]:
    """(input digest, the result of the last build when nothing changed since, else None)."""
    inputs = input_digest(root, output, signing_key)
    last = live_build(read_state(output))
    if not last or last.get("inputs") != inputs:
        return inputs, None
    diagnostics = Diagnostics([Diagnostic(*d) for d in last.get("warnings", [])])
    return inputs, BuildResult(output, last["files"], last["awards"], last["badges"], diagnostics=diagnostics,
                               written=0, kept=last["files"], size=last.get("size"))
