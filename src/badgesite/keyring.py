"""The Open Badges 3.0 signing key: kept outside the site, never in the output.

Where the private key comes from, in this order:
1. the environment variable BADGESITE_SIGNING_KEY: a path to a PEM file, or the PEM
   itself (what a CI secret holds);
2. the default location in the user's config folder:
   ($XDG_CONFIG_HOME or ~/.config)/badgesite/keys/<host_path>.pem, named after the
   site's did:web (so one person can keep the keys of several sites).

The site keeps only PUBLIC keys, in `keys.yaml` (committed): every key it has signed
with, oldest first, as key-1, key-2… All of them stay in the published DID document, so
a credential signed before a `keys rotate` keeps verifying. The current private key
must be listed there (a build refuses to publish a DID document without it).
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from pathlib import Path

from .config import load_config
from .errors import BadgesiteError, Diagnostic, Diagnostics
from .source.files import replace_file
from .source.keyfile import KEY_ID, KEYS_FILE, PublicKey, read_history
from .urls import Urls

if TYPE_CHECKING:  # pragma: no cover
    from .sign import ed25519

ENV = "BADGESITE_SIGNING_KEY"


def _crypto():
    """sign.ed25519, imported only where a private key is handled."""
    from .sign import ed25519  # lazy: cryptography takes 30 ms to import; a build without a key never needs it

    return ed25519


@dataclass(frozen=True)
class KeyRing:
    """What a build signs with: the current private key and every public key to publish."""

    private: ed25519.Ed25519PrivateKey
    id: str  # the current key's id, e.g. "key-2"
    keys: tuple[PublicKey, ...]  # oldest first; includes the current key
    source: str = ""  # where the private key was found, for messages

    def __repr__(self) -> str:  # never print key material
        return f"KeyRing(id={self.id!r}, keys={[k.id for k in self.keys]}, source={self.source!r})"


# -- where keys live --------------------------------------------------------------------

def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "badgesite"


def key_file_name(did: str) -> str:
    """did:web:example.github.io:badges -> example.github.io_badges.pem"""
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", did.removeprefix("did:web:").replace("%3A", "-")).strip("_.")
    return (name or "site") + ".pem"


def default_key_path(did: str) -> Path:
    return config_dir() / "keys" / key_file_name(did)


def site_did(root: Path) -> str | None:
    """The did:web of the site in `root`, or None when its badgesite.yaml cannot be read."""
    config = load_config(Path(root), Diagnostics())
    return Urls(config.base_url, config.language).did if config else None


def _repository_root(root: Path) -> Path | None:
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder
    return None


def refuse_inside_site(path: Path, root: Path) -> None:
    """A private key never goes inside the site folder or its git repository."""
    path, root = Path(path).expanduser().resolve(), Path(root).resolve()
    for folder, what in ((root, "the site folder"), (_repository_root(root), "the git repository")):
        if folder is not None and path.is_relative_to(folder):
            raise BadgesiteError([Diagnostic(
                str(path), 0, 0, f"refusing to keep a private key inside {what} ({folder}): it would be "
                "published or committed", hint="choose a path outside it, or leave out --out to use "
                f"{config_dir() / 'keys'}")])


def write_history(root: Path, history: list[PublicKey], did: str) -> Path:
    lines = [
        f"# The public signing keys of this site's issuer, {did}, oldest first.",
        "# Written by `badgesite keys init` / `badgesite keys rotate`: commit this file.",
        "# Public keys only: each stays in the published DID document so that credentials",
        "# signed with an older key keep verifying. Never put a private key in this folder.",
        "keys:",
    ]
    for key in history:
        lines += [f"  - id: {key.id}", f"    publicKeyMultibase: {key.multibase}"]
        if key.added:
            lines.append(f"    added: {key.added}")
    path = Path(root) / KEYS_FILE
    replace_file(path, "\n".join(lines) + "\n")
    return path


def key_ring(root: Path, private: ed25519.Ed25519PrivateKey, source: str = "") -> KeyRing:
    """The private key with the site's public key history around it."""
    ed25519 = _crypto()
    current = ed25519.public_multibase(private)
    history = read_history(root)
    if not history:
        return KeyRing(private, "key-1", (PublicKey("key-1", current),), source)
    for key in history:
        if key.multibase == current:
            return KeyRing(private, key.id, tuple(history), source)
    raise BadgesiteError([Diagnostic(
        KEYS_FILE, 1, 0, f"the signing key{f' from {source}' if source else ''} ({current}) is not listed in "
        f"{KEYS_FILE}, so the published DID document would not contain it",
        hint="commit the keys.yaml written by 'badgesite keys rotate', or sign with a listed key")])


# -- finding the key for a build ----------------------------------------------------------

def _load_pem(data: bytes, source: str) -> ed25519.Ed25519PrivateKey:
    ed25519 = _crypto()
    try:
        return ed25519.load_private_key(data)
    except ed25519.SigningKeyError as exc:
        raise BadgesiteError([Diagnostic(source, 0, 0, f"unusable signing key: {exc}")]) from None


def find_signing_key(root: Path, allow_unsigned: bool = False) -> tuple[ed25519.Ed25519PrivateKey | None, str | None]:
    """(key, note): the private key a build signs with, or None and why OB 3.0 is skipped.

    A key that is set but unusable (unreadable, inside the site, not in keys.yaml) is
    a BadgesiteError: publishing without credentials must never happen by accident.
    `find_signing_ring` gives the key with its id and the public key history.
    """
    ring, note = find_signing_ring(root, allow_unsigned)
    return (ring.private if ring else None), note


def find_signing_ring(root: Path, allow_unsigned: bool = False) -> tuple[KeyRing | None, str | None]:
    """As find_signing_key, with the key's id, history and where it was found.

    When keys.yaml lists a key and no private key is found, the site has published
    credentials that a build without it would delete: a BadgesiteError naming the key
    and where it was looked for, unless `allow_unsigned` (a local preview)."""
    root = Path(root).resolve()
    value = os.environ.get(ENV)
    if value is not None and value.strip():
        if "-----BEGIN" in value:
            private, source = _load_pem(value.encode("utf-8"), ENV), f"${ENV}"
        else:
            path = Path(value.strip()).expanduser()
            if not path.is_file():
                raise BadgesiteError([Diagnostic(ENV, 0, 0, f"{ENV} names {path}, which is not a file",
                                                 hint="set it to the key file's path or to the PEM text itself")])
            refuse_inside_site(path, root)
            private, source = _load_pem(path.read_bytes(), str(path)), str(path)
        return key_ring(root, private, source), f"signing Open Badges 3.0 credentials with the key from {source}"
    did = site_did(root)
    path = default_key_path(did) if did else None
    if path is not None and path.is_file():
        note = f"signing Open Badges 3.0 credentials with {path}"
        if os.name == "posix" and path.stat().st_mode & 0o077:
            note += f" (warning: other users can read it; run chmod 600 {path})"
        return key_ring(root, _load_pem(path.read_bytes(), str(path)), str(path)), note
    history = read_history(root)
    if history and did and not allow_unsigned:  # (without a readable config, the build reports that first)
        raise BadgesiteError([missing_key(root, history[-1], value, path)])
    why = f"{ENV} is empty (is the repository secret set?)" if value is not None else \
        f"no signing key ({ENV} is not set" + (f", and there is no key file at {path})" if path else ")")
    return None, f"Open Badges 3.0 credentials skipped: {why} (see 'badgesite keys init')"


def missing_key(root: Path, current: PublicKey, value: str | None, path: Path | None) -> Diagnostic:
    """keys.yaml lists `current` and its private key is nowhere: what was looked at, and what to do."""
    env = f"{ENV} is empty" if value is not None else f"{ENV} is not set"
    where = f"{env}, and there is no key file at {path}" if path else env
    return Diagnostic(
        KEYS_FILE, _line_of(Path(root) / KEYS_FILE, current.id), 1,
        f"no private key for the signing key {current.id} listed here ({where}); building without it "
        f"would delete every published Open Badges 3.0 credential",
        hint=f"set {ENV} to the key file's path or its PEM text, in CI as a repository secret; "
             f"'badgesite keys show' tells which key the site uses")


def _line_of(path: Path, key_id: str) -> int:
    """The line of keys.yaml that names `key_id` (1 when none does)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, text in enumerate(lines, 1) if re.search(rf"\bid:\s*['\"]?{key_id}\b", text)), 1)


# -- keys init / rotate ---------------------------------------------------------------------

@dataclass(frozen=True)
class NewKey:
    path: Path
    key_id: str
    multibase: str
    did: str | None
    history_file: Path | None  # keys.yaml, when it was written
    retired: Path | None = None  # where the previous default key file was moved


def _write_private(path: Path, private: ed25519.Ed25519PrivateKey) -> None:
    ed25519 = _crypto()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(ed25519.private_pem(private))
    os.chmod(path, 0o600)


def _today() -> str:
    return dt.date.today().isoformat()


def init_key(root: Path, out: Path | None = None) -> NewKey:
    """Create the site's first Ed25519 key outside the site; record its public key."""
    ed25519 = _crypto()
    root = Path(root).resolve()
    did = site_did(root) if (root / "badgesite.yaml").is_file() else None
    if out is None and did is None:
        raise BadgesiteError(f"no readable badgesite.yaml in {root}: give --site DIR, or --out PATH for the key")
    history = read_history(root) if did else []
    if history:
        current = history[-1]
        try:
            ring, _ = find_signing_ring(root, allow_unsigned=True)
        except BadgesiteError:
            ring = None
        where = f"its private key is in {ring.source}" if ring else \
            f"its private key is not on this computer: 'badgesite keys show' tells where it was looked for"
        raise BadgesiteError([Diagnostic(
            KEYS_FILE, _line_of(root / KEYS_FILE, current.id), 1,
            f"this site already has its signing key {current.id} ({where}); it was kept unchanged",
            hint="to replace it deliberately, 'badgesite keys rotate' makes a new key and keeps the old public key "
                 "published, so credentials already signed keep verifying")])
    path = Path(out).expanduser().resolve() if out else default_key_path(did)
    refuse_inside_site(path, root)
    if path.exists():
        raise BadgesiteError([Diagnostic(str(path), 0, 0, "a key file already exists there; it was kept unchanged",
                                         hint="'badgesite keys show' tells which key the site uses; "
                                              "'badgesite keys rotate' replaces it deliberately")])
    private = ed25519.generate()
    _write_private(path, private)
    multibase = ed25519.public_multibase(private)
    written = write_history(root, [PublicKey("key-1", multibase, _today())], did) if did else None
    return NewKey(path, "key-1", multibase, did, written)


def rotate_key(root: Path, out: Path | None = None) -> NewKey:
    """A new current key; the old public keys stay listed (and published) in keys.yaml."""
    ed25519 = _crypto()
    root = Path(root).resolve()
    did = site_did(root)
    if did is None:
        raise BadgesiteError(f"no readable badgesite.yaml in {root}: rotate needs the site (--site DIR)")
    history = read_history(root)
    if not history:
        ring, _ = find_signing_ring(root)
        if ring is None:
            raise BadgesiteError("nothing to rotate: no keys.yaml and no signing key ('badgesite keys init' makes one)")
        history = list(ring.keys)
    number = max(int(KEY_ID.match(k.id).group(1)) for k in history) + 1
    default = default_key_path(did)
    path = Path(out).expanduser().resolve() if out else default
    refuse_inside_site(path, root)
    retired = None
    if path.exists():
        if out is not None:
            raise BadgesiteError([Diagnostic(str(path), 0, 0, "a file already exists there; it was left untouched")])
        old = ed25519.public_multibase(_load_pem(path.read_bytes(), str(path)))
        old_id = next((k.id for k in history if k.multibase == old), "unlisted")
        retired = path.with_name(f"{path.stem}.{old_id}.retired.pem")
        if retired.exists():
            raise BadgesiteError([Diagnostic(str(retired), 0, 0, "a retired key file already exists there")])
        os.replace(path, retired)
    private = ed25519.generate()
    _write_private(path, private)
    multibase = ed25519.public_multibase(private)
    key_id = f"key-{number}"
    written = write_history(root, [*history, PublicKey(key_id, multibase, _today())], did)
    return NewKey(path, key_id, multibase, did, written, retired)


