"""keys.yaml: the public keys a site has signed with, read with positions.

The site keeps only public keys there, oldest first, as key-1, key-2...; the signing
key itself lives outside the site (see keyring.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadgesiteError, Diagnostic, Diagnostics
from ..sign.multibase import ed25519_public_bytes
from .yaml import PosDict, PosList, YamlError, load

KEYS_FILE = "keys.yaml"
KEY_ID = re.compile(r"^key-([1-9][0-9]{0,5})$")


@dataclass(frozen=True)
class PublicKey:
    id: str  # "key-1": the fragment of its verification method, <did>#key-1
    multibase: str  # publicKeyMultibase, "z6Mk…"
    added: str | None = None  # YYYY-MM-DD, informational


def read_history(root: Path) -> list[PublicKey]:
    """The public keys listed in keys.yaml (empty without the file); BadgesiteError if broken."""
    problems = Diagnostics()
    history = parse_history(Path(root), problems)
    if problems:
        raise BadgesiteError(problems.sorted())
    return history


def parse_history(root: Path, problems: Diagnostics) -> list[PublicKey]:
    path = root / KEYS_FILE
    if not path.is_file():
        return []
    try:
        data = load(path.read_text("utf-8"), KEYS_FILE)
    except (YamlError, UnicodeDecodeError, OSError) as exc:
        problems.extend([getattr(exc, "diagnostic", None) or Diagnostic(KEYS_FILE, 0, 0, f"cannot read: {exc}")])
        return []
    if not isinstance(data, PosDict) or not isinstance(data.get("keys"), PosList):
        problems.error(KEYS_FILE, 1, 1, "keys.yaml must have a 'keys:' list (see 'badgesite keys show')")
        return []
    for key in data:
        if key != "keys":
            problems.error(KEYS_FILE, *data.kpos(key), f"unknown key '{key}' (only 'keys' belongs here)")
    history: list[PublicKey] = []
    for index, item in enumerate(data["keys"]):
        line, col = data["keys"].ipos(index)
        if not isinstance(item, PosDict):
            problems.error(KEYS_FILE, line, col, "each key is a mapping: id, publicKeyMultibase, added")
            continue
        for name in item:
            if name not in ("id", "publicKeyMultibase", "added"):
                problems.error(KEYS_FILE, *item.kpos(name), f"unknown key '{name}'")
        key_id, multibase_text, added = item.get("id"), item.get("publicKeyMultibase"), item.get("added")
        if not isinstance(key_id, str) or not KEY_ID.match(key_id):
            problems.error(KEYS_FILE, *item.vpos("id"), f"key id {key_id!r} must look like key-1, key-2…")
            continue
        if any(k.id == key_id for k in history):
            problems.error(KEYS_FILE, *item.vpos("id"), f"key id '{key_id}' is listed twice")
            continue
        try:
            ed25519_public_bytes(multibase_text if isinstance(multibase_text, str) else "")
        except ValueError:
            problems.error(KEYS_FILE, *item.vpos("publicKeyMultibase"),
                           f"'{key_id}': publicKeyMultibase must be an Ed25519 public key 'z6Mk…'")
            continue
        if any(k.multibase == multibase_text for k in history):
            problems.error(KEYS_FILE, *item.vpos("publicKeyMultibase"), f"'{key_id}': the same key is listed twice")
            continue
        history.append(PublicKey(key_id, multibase_text, str(added) if added is not None else None))
    return history
