"""The build cache folder, `.badgesite-cache/`: safe to delete, never trusted blindly.

Every file is `sha256 hex \\n json`, checked when read, and carries CACHE_VERSION; a
damaged, foreign or older one is ignored. A cache that cannot be written only costs
time. What is kept (incremental/ledgers.py):

  <key>.summary.json   what site-wide files need of one ledger file version
  <key>.awards.json    where its entries are: its blocks, and its last entry
  <sha>.block.json     BLOCK entries in a row, named by their content, shared by versions
  images.decoded.json  the PNG badge images decoded in full before
  markdown.html.json   the HTML of Markdown texts converted before
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import orjson

from .fingerprints import CACHE_VERSION



class Store:
    """The cache folder; every file is `sha256 hex \\n json`, checked when read."""

    def __init__(self, folder: Path | None, trusted: bool = True):
        self.folder = folder
        self.trusted = trusted  # False: write what this build learns, read nothing (a clean build)
        self._read: dict[tuple[str, str], dict | None] = {}  # one build reads a file once

    def untrusted(self) -> "Store":
        """The same folder, written but never read (a clean build)."""
        return Store(self.folder, trusted=False)

    def _path(self, key: str, kind: str) -> Path:
        return self.folder / f"{key}.{kind}.json"

    def read(self, key: str, kind: str) -> dict | None:
        if (key, kind) not in self._read:
            self._read[key, kind] = self._load(key, kind)
        return self._read[key, kind]

    def _load(self, key: str, kind: str, trusted: bool = False) -> dict | None:
        if self.folder is None or not (self.trusted or trusted):
            return None
        try:
            raw = self._path(key, kind).read_bytes()
            check, _, body = raw.partition(b"\n")
            if hashlib.sha256(body).hexdigest().encode() != check:
                return None
            data = orjson.loads(body)
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.pop("version", None) != CACHE_VERSION:
            return None
        return data

    def write(self, key: str, kind: str, data: dict) -> None:
        body = orjson.dumps({"version": CACHE_VERSION, **data})
        self._put(key, kind, body, hashlib.sha256(body).hexdigest())

    def write_block(self, items: list) -> str:
        """Remember a block of entries under the digest of its file's content (which is also
        its check line); returns the digest."""
        body = orjson.dumps({"version": CACHE_VERSION, "items": items})
        key = hashlib.sha256(body).hexdigest()
        if not (self.trusted and self.folder is not None and self._path(key, "block").is_file()):
            self._put(key, "block", body, key)
        return key

    def _put(self, key: str, kind: str, body: bytes, digest: str) -> None:
        if self.folder is None:
            return
        path = self._path(key, kind)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(digest.encode() + b"\n" + body)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def keep_only(self, keys: set[str]) -> None:
        """Delete the cache files of ledger versions that no build refers to any more
        (and the blocks that none of those refers to)."""
        if self.folder is None or not self.folder.is_dir():
            return
        keys = set(keys)
        for key in list(keys):
            index = self._load(key, "awards", trusted=True)  # written by this build or the last
            if index is not None and isinstance(index.get("blocks"), list):
                keys.update(block for block in index["blocks"] if isinstance(block, str))
        for path in self.folder.iterdir():
            if path.name.split(".", 1)[0] not in keys:
                path.unlink(missing_ok=True)
