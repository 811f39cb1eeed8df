"""Finding the OB 3.0 signing key: never inside the site, never in the output."""
from __future__ import annotations

from pathlib import Path


def find_signing_key(root: Path):
    return None, "OB 3.0 credentials skipped: no signing key (see 'badgesite keys init')"
