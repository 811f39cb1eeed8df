"""Fetching for verification: the network (http/https only, a timeout, a size limit),
or a built output folder answering its site's base_url, and nothing else.

A fetch is a function `fetch(url) -> bytes` that raises FetchError when it cannot.
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

MAX_DOCUMENT = 4 * 1024 * 1024

MAX_INPUT = 32 * 1024 * 1024  # a baked image given as FILE or URL

TIMEOUT = 15.0


class FetchError(Exception):
    pass


Fetch = Callable[[str], bytes]


def is_url(target: str) -> bool:
    """Whether `target` is fetched (an http or https URL) rather than read as a file."""
    return re.match(r"^https?://", target, re.I) is not None


def http_fetch(url: str, *, timeout: float = TIMEOUT, limit: int = MAX_DOCUMENT) -> bytes:
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"only http(s) URLs are fetched, not {url!r}")
    request = urllib.request.Request(url, headers={
        "Accept": "application/ld+json, application/json;q=0.9, */*;q=0.5",
        "User-Agent": "badgesite-verify"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url} answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FetchError(f"cannot fetch {url}: {getattr(exc, 'reason', exc)}") from None
    if len(data) > limit:
        raise FetchError(f"{url} is larger than {limit // 2**20} MB")
    return data


class OfflineSite:
    """Answers URLs under `base_url` from a built output folder; refuses every other URL."""

    def __init__(self, base_url: str, directory: Path, fallback: Fetch | None = None):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.directory = Path(directory).resolve()
        self.fallback = fallback

    def __call__(self, url: str) -> bytes:
        clean = url.split("#", 1)[0].split("?", 1)[0]
        if not clean.startswith(self.base_url):
            if self.fallback:
                return self.fallback(url)
            raise FetchError(f"{url} is not part of the offline site {self.base_url}")
        rel = unquote(clean[len(self.base_url):])
        path = (self.directory / rel).resolve()
        if not path.is_relative_to(self.directory):
            raise FetchError(f"{url} leaves the offline site folder")
        if path.is_dir() or not rel:
            path = path / "index.html"
        if not path.is_file():
            raise FetchError(f"{url} is not in the site (no {path})")
        if path.stat().st_size > MAX_INPUT:
            raise FetchError(f"{url} is larger than {MAX_INPUT // 2**20} MB")
        return path.read_bytes()


def offline_site(spec: str, fallback: Fetch | None = None) -> OfflineSite:
    """'DIR' (the base URL is read from DIR/issuer.json) or 'BASE_URL=DIR'."""
    if is_url(spec) and "=" in spec:
        base, directory = spec.split("=", 1)
        return OfflineSite(base, Path(directory), fallback)
    directory = Path(spec)
    for name, suffix in (("issuer.json", "issuer.json"), ("did.json", None), (".well-known/did.json", None)):
        try:
            doc = json.loads((directory / name).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        ident = doc.get("id") if isinstance(doc, dict) else None
        if suffix and isinstance(ident, str) and ident.endswith(suffix):
            return OfflineSite(ident[: -len(suffix)], directory, fallback)
        if not suffix and isinstance(ident, str) and ident.startswith("did:web:"):
            return OfflineSite(did_web_url(ident)[: -len("did.json")].removesuffix(".well-known/"), directory, fallback)
    raise ValueError(f"{spec} does not look like a built badgesite output folder (no issuer.json or did.json); "
                     "give BASE_URL=DIR")


def did_web_url(did: str) -> str:
    """did:web:host[:path…] -> https://host/path…/did.json (or /.well-known/did.json)."""
    parts = did.removeprefix("did:web:").split("#", 1)[0].split(":")
    host, segments = unquote(parts[0]), [unquote(s) for s in parts[1:]]
    if not host or "/" in host:
        raise FetchError(f"invalid did:web {did!r}")
    return f"https://{host}/" + ("/".join(segments) + "/did.json" if segments else ".well-known/did.json")
