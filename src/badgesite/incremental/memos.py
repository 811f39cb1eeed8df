"""What a build remembers for the next one besides the ledgers: the HTML of Markdown
texts, the PNG badge images decoded in full without a problem, and the compiled
templates. All only save time: the output is the same without them (a clean build
reads none but the compiled templates, which Jinja keys by their source)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2

from ..output.markup import MarkdownMemo
from ..output.theme import COMPILED_NAME
from ..source import images
from ..source.images import ImageInfo
from ..source.files import CACHE_DIR
from .store import Store

MARKDOWN_KEPT = 5000  # texts remembered at most (badge bodies first: they are used again and again)


def recall_markdown(store: Store) -> MarkdownMemo:
    stored = (store.read("markdown", "html") or {}).get("html")
    stored = {k: v for k, v in stored.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(stored, dict) else {}
    return MarkdownMemo(stored)


def remember_markdown(store: Store, memo: MarkdownMemo) -> None:
    recalled = memo.recalled
    if memo.used <= recalled:
        return
    keys = list(memo.used) + [k for k in recalled if k not in memo.used]
    store.write("markdown", "html", {"html": {k: memo.html[k] for k in keys[:MARKDOWN_KEPT]}})


class KnownImages:
    """images.inspect, remembering the SHA-256 of the PNG images it decoded in full without
    a problem: a PNG known so is not decoded again (its headers are always checked), and
    the answer is the same (tests/test_incremental.py)."""

    def __init__(self, known: set[str] = frozenset()):
        self.recalled = frozenset(known)
        self.known = set(known)

    def __call__(self, data: bytes, name: str) -> ImageInfo:
        info = images.inspect_headers(data, name)
        if info.type == "png":
            digest = hashlib.sha256(data).hexdigest()
            if digest not in self.known:
                images.inspect(data, name)
                self.known.add(digest)
        return info


def recall_images(store: Store) -> KnownImages:
    """An inspector that knows the PNG images the builds before decoded in full."""
    remembered = (store.read("images", "decoded") or {}).get("png")
    return KnownImages({d for d in remembered if isinstance(d, str)} if isinstance(remembered, list) else set())


def remember_images(store: Store, inspector: KnownImages) -> None:
    if inspector.known != inspector.recalled:
        store.write("images", "decoded", {"png": sorted(inspector.known)})


def template_cache(root: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates, kept in .badgesite-cache/templates/ (safe to delete; Jinja
    keys them by their source); None when the site folder cannot be written."""
    folder = root / CACHE_DIR / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only site folder builds without the cache
    return jinja2.FileSystemBytecodeCache(str(folder), pattern=COMPILED_NAME)
