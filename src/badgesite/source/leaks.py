"""The private-key scan: no file in the site folder may hold a private key.

A key inside the site would be committed or published; `check` and every build
refuse it, with the file and line where the key block starts.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from ..errors import Diagnostics
from .files import skipped_dir
from .keyfile import parse_history

# A PEM private key block (PKCS#8, OpenSSH, RSA, EC, encrypted…) with a real base64 body,
# also written on one line with \n escapes (as in JSON or YAML). A text that only
# mentions the armour (the PEM header line quoted in documentation or code) is not a key.
_B64 = rb"(?:[A-Za-z0-9+/=]|\\[nr]|\s)"
_GAP = rb"(?:\s|\\[nr]){0,4}"
PRIVATE_PEM = (
    rb"-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY-----" + _GAP
    + rb"(?:[A-Za-z-]{1,20}: ?[^\r\n\\]{0,200}(?:\\n|\r?\n)" + _GAP + rb")*"  # Proc-Type, DEK-Info
    + _B64 + rb"{40,}?-----END \1PRIVATE KEY-----")


@lru_cache(maxsize=1)
def _private_pem() -> re.Pattern:
    """PRIVATE_PEM compiled, the first time a file holds the armour: `build` on an unchanged
    site never scans, and compiling it takes longer than its answer."""
    return re.compile(PRIVATE_PEM)


CHUNK = 1 << 20
OVERLAP = 64 * 1024  # longer than any private key block
MAX_SCAN_BYTES = 64 * 1024 * 1024


def private_keys_in(root: Path) -> Diagnostics:
    """An error for every file in the site folder that holds a private key.

    Looks at every file (any name, any type) for a PEM '-----BEGIN … PRIVATE KEY-----'
    block with a key in it, skipping the build output, .git, node_modules and virtual
    environments. Symbolic links are not followed.
    """
    root = Path(root).resolve()
    found = Diagnostics()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not skipped_dir(d) and not os.path.islink(os.path.join(folder, d)))
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            line = _marker_line(path)
            if line:
                found.error(path.relative_to(root).as_posix(), line, 0,
                            "a private key is inside the site folder: it would be committed or published",
                            hint="move it out (badgesite keeps keys in ~/.config/badgesite/keys/); if it was "
                                 "ever committed or pushed, make a new one with 'badgesite keys rotate'")
    return found


def _marker_line(path: Path) -> int:
    """1-based line of the first private key block in the file, 0 if none. Lines are
    counted only when a block is found: most files are searched with one memchr-fast
    test per megabyte."""
    try:
        with open(path, "rb") as handle:
            tail, before = b"", 0  # `before`: bytes of the file ahead of `data`
            while before < MAX_SCAN_BYTES:
                chunk = handle.read(CHUNK)
                if not chunk:
                    return 0
                data = tail + chunk if tail else chunk
                found = _private_pem().search(data) if b"PRIVATE KEY-----" in data else None
                if found:
                    handle.seek(0)
                    return handle.read(before + found.start()).count(b"\n") + 1
                keep = min(OVERLAP, len(data))
                tail, before = data[len(data) - keep:], before + len(data) - keep
    except OSError:
        return 0
    return 0


def site_key_problems(root: Path) -> Diagnostics:
    """For `check`: private keys inside the site, and a broken keys.yaml."""
    problems = private_keys_in(root)
    parse_history(Path(root).resolve(), problems)
    return problems
