"""Helpers for the page tests: a local static host like GitHub Pages, and headless Chromium.

`StaticSite` serves a built output folder on 127.0.0.1 under the path of the
site's base_url (https://x.github.io/badges/ -> http://127.0.0.1:PORT/badges/),
answers a missing file with the site's 404.html, and lets a test replace a file
after the build (a revocation published later). `launch()` starts Debian's
Chromium through Playwright; no browser is ever downloaded.
"""
from __future__ import annotations

import mimetypes
from contextlib import contextmanager
from typing import Callable, Iterator
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TESTS = Path(__file__).resolve().parents[1]
AXE = TESTS / "browser" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-default-apps", "--disable-extensions"]
TYPES = {".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".html": "text/html; charset=utf-8",
         ".css": "text/css", ".js": "text/javascript", ".xml": "application/xml"}


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def _local(url: str) -> bool:
    return url.startswith(("data:", "blob:")) or urlsplit(url).hostname == "127.0.0.1"


@contextmanager
def local_page(browser, elsewhere: Callable | None = None, **options) -> Iterator:
    """A fresh page (new_context `options`) whose requests stay on 127.0.0.1 (data: and
    blob: too); `elsewhere(route)` answers a request for another host and returns True,
    or False to let it be refused. Afterwards, no request may have left and the page
    may have raised no JavaScript error."""
    context = browser.new_context(**options)
    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        url = r.request.url
        if _local(url):
            r.continue_()
        elif not (elsewhere and elsewhere(r)):
            outside.append(url)
            r.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert outside == [], f"requests that left 127.0.0.1: {outside}"
    assert errors == [], f"JavaScript errors: {errors}"


class StaticSite:
    """A threaded static host for `root`, mounted at `prefix` ('/badges/')."""

    def __init__(self, root: Path, prefix: str = "/"):
        self.root = Path(root).resolve()
        self.prefix = prefix if prefix.endswith("/") else prefix + "/"
        self.overrides: dict[str, bytes] = {}  # path under the site -> bytes served instead
        self.extra: dict[str, bytes] = {}  # absolute path outside the site ("/elsewhere/x.json") -> bytes
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                site.requests.append(self.path)
                status, body, ctype = site.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Access-Control-Allow-Origin", "*")  # as GitHub Pages does
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{self.prefix}"

    def answer(self, raw_path: str) -> tuple[int, bytes, str]:
        path = unquote(urlsplit(raw_path).path)
        if path in self.extra:
            return 200, self.extra[path], self._type(path)
        if not path.startswith(self.prefix):
            return self._not_found()
        rel = path[len(self.prefix):]
        if rel in self.overrides:
            return 200, self.overrides[rel], self._type(rel)
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root):
            return self._not_found()
        if target.is_dir():
            if not path.endswith("/"):
                return 301, b"", "text/plain"  # GitHub Pages redirects; tests always use the slash
            target = target / "index.html"
            rel = (rel + "index.html")
            if rel in self.overrides:
                return 200, self.overrides[rel], self._type(rel)
        if not target.is_file():
            return self._not_found()
        return 200, target.read_bytes(), self._type(target.name)

    def _not_found(self) -> tuple[int, bytes, str]:
        page = self.root / "404.html"
        return 404, page.read_bytes() if page.is_file() else b"not found", "text/html; charset=utf-8"

    @staticmethod
    def _type(name: str) -> str:
        suffix = Path(name).suffix
        return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"

    def __enter__(self) -> "StaticSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text("utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]
