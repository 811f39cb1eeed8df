"""What a build remembers for the next one besides the ledgers: the HTML of Markdown
texts, and the PNG badge images decoded in full without a problem. Both only save
time: the output is the same without them (a clean build reads neither)."""
from __future__ import annotations

import hashlib

from ..output.markup import MarkdownMemo
from ..source import images
from ..source.images import ImageInfo
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
