"""What a build remembers for the next one besides the ledgers: the HTML of Markdown
texts, and the PNG badge images decoded in full without a problem. Both only save
time: the output is the same without them (a clean build reads neither)."""
from __future__ import annotations

from ..output.markup import MarkdownMemo
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


def recall_decoded(store: Store) -> set[str]:
    """SHA-256 of the PNG badge images decoded in full before (see source/images.inspect)."""
    remembered = (store.read("images", "decoded") or {}).get("png")
    return {d for d in remembered if isinstance(d, str)} if isinstance(remembered, list) else set()


def remember_decoded(store: Store, before: set[str], now: set[str]) -> None:
    if now != before:
        store.write("images", "decoded", {"png": sorted(now)})
