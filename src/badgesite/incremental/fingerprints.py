"""Every fingerprint of the incremental build: what "unchanged" means, in one place.

- `input_digest`: everything a build reads (the site folder, the installed themes, the
  signing key's public half, the package version). Equal to the last build's: nothing
  to do at all. File dates never count; paths count relative to their folder.
- `validation_digest` and `ledger_key`: what a ledger file's validation depends on
  (config, badges) with its own text: equal, and its validated entries are reused.
- `base_fingerprint`: everything besides an award itself that its files depend on
  (config, theme, badges and their images, the key id, the version). Changed: every
  award is made again.
- `page_fingerprint`: a site-wide page's template, path, language and values with the
  base: unchanged, and the page is not rendered again.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..model import Badge, Config
from ..source.files import packaged_themes, skipped_dir

CACHE_VERSION = 7  # of every cache file (store.py): raise it when what one holds changes (records.py)

if TYPE_CHECKING:  # pragma: no cover - light to import: `build` on an unchanged site needs only input_digest
    from ..output.context import Context
    from ..output.theme import Deferred


def digest(*parts) -> str:
    """SHA-256 of the parts' reprs (frozen dataclasses, tuples, strings, numbers)."""
    sha = hashlib.sha256()
    for part in parts:
        sha.update(repr(part).encode("utf-8"))
        sha.update(b"\x00")
    return sha.hexdigest()


def _public_key_bytes(signing_key) -> bytes:
    private = getattr(signing_key, "private", signing_key)  # a KeyRing, or the key itself
    return private.public_key().public_bytes_raw()


def input_digest(root: Path, output: Path, signing_key) -> str:
    """The digest of every input of a build: the same, and the last build is current."""
    sha = hashlib.sha256(f"{__version__}\0".encode())
    if signing_key is not None:
        sha.update(b"key\0" + _public_key_bytes(signing_key))
    for folder in (root, packaged_themes()):
        for current, dirs, files in os.walk(folder):
            here = Path(current)
            dirs[:] = sorted(d for d in dirs if not skipped_dir(d) and here / d != output
                             and not os.path.islink(here / d))
            for name in sorted(files):
                path = here / name
                if here == output.parent and name.startswith(f".{output.name}."):
                    continue  # the build's own records beside output/
                sha.update(os.fsencode(path.relative_to(folder)) + b"\0")
                if path.is_symlink():
                    sha.update(b"link\0" + os.fsencode(os.readlink(path)))
                    continue
                try:
                    sha.update(hashlib.sha256(path.read_bytes()).digest())
                except OSError:
                    sha.update(b"unreadable")
    return sha.hexdigest()


def validation_digest(config: Config, badges: dict[str, Badge], broken: set[str]) -> str:
    """Everything an award's validation depends on besides its own entry."""
    return hashlib.sha256(repr((CACHE_VERSION, config, badges, sorted(broken))).encode()).hexdigest()


def ledger_key(vdigest: str, rel: str, text: str) -> str:
    """A ledger file version: its text, where it is, and what its validation depends on."""
    sha = hashlib.sha256(f"{vdigest}\0{rel}\0".encode())
    sha.update(text.encode("utf-8"))  # not joined to the above: a 20 MB file is not copied twice
    return sha.hexdigest()


def theme_digest(dirs: list[Path]) -> str:
    sha = hashlib.sha256()
    for folder in dirs:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                sha.update(file.relative_to(folder).as_posix().encode() + b"\x00" + file.read_bytes())
    return sha.hexdigest()


def base_fingerprint(ctx: Context, key_id: str | None) -> str:
    """Everything besides the award itself that an award's files depend on."""
    # An award page names other badges too (what its badge requires and leads to), so
    # any badge change remakes every award: badge edits are rare, awards are many.
    badges = [(b, hashlib.sha256(ctx.sources[b.id]).hexdigest()) for b in ctx.site.badges.values()]
    return digest(__version__, ctx.site.config, theme_digest(ctx.renderer.dirs), key_id, ctx.has_credentials, badges)


def page_fingerprint(base: str, page: Deferred) -> str:
    """A page's template, path, language and every value given to it (by repr: frozen
    dataclasses, dicts, lists and strings), with the base: all it is made from."""
    values = sorted(page.context.items(), key=lambda item: item[0])
    made_from = hashlib.sha256(repr((page.template, page.path, page.language, values)).encode("utf-8")).hexdigest()
    return digest(base, made_from)
