"""`badgesite serve`: build, serve output/ on localhost, rebuild on change, reload the browser.

- Pages are served under the path of `base_url` (https://x.github.io/badges/ is
  previewed at http://127.0.0.1:8000/badges/), so links behave as they will online.
- watchdog watches badgesite.yaml, content/ and themes/; a burst of changes (an editor
  saving several files, `badgesite award --csv`) becomes one rebuild.
- Live reload needs no browser extension: HTML responses (never the files in
  output/) get one <script> that polls /__badgesite/state and reloads the page when
  a newer build exists, or shows the build error over the page while the last good
  site stays served.
"""
from __future__ import annotations

import errno
import html
import json
import logging
import mimetypes
import os
import posixpath
import signal
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote, urlsplit

from .build import build
from .errors import BadgesiteError, Diagnostic
from .objectstore import CONTENT_TYPES, suffix

log = logging.getLogger(__name__)

LIVE = "/__badgesite/"
DEBOUNCE = 0.2  # seconds of quiet before a rebuild
WATCHED = ("badgesite.yaml", "content", "themes")

LIVE_JS = r"""// badgesite serve: reload this page after a rebuild; show build errors over it.
(function () {
  var me = document.currentScript, build = Number(me && me.dataset.build), box = null, delay = 400;
  function show(text) {
    if (!box) {
      box = document.createElement("div");
      box.id = "badgesite-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,20,.94);color:#fff;font:15px/1.5 ui-monospace,monospace";
      var title = document.createElement("h2");
      title.textContent = "badgesite: the last change does not build";
      title.style.cssText = "color:#ff8a80;font:bold 20px sans-serif;margin:0 0 1rem";
      var note = document.createElement("p");
      note.textContent = "Fix it and save: this page reloads by itself. (Below it: the last good build.)";
      note.style.cssText = "font:15px sans-serif;margin:0 0 1rem";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      box.append(title, note, pre);
      document.body.appendChild(box);
    }
    box.lastChild.textContent = text;
  }
  function hide() { if (box) { box.remove(); box = null; } }
  function poll() {
    fetch("/__badgesite/state", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (s.build !== build && !s.error) { location.reload(); return; }
      if (s.error) { show(s.error); } else { hide(); }
      delay = 400;
      setTimeout(poll, delay);
    }).catch(function () { delay = Math.min(delay * 2, 5000); setTimeout(poll, delay); });
  }
  setTimeout(poll, delay);
})();
"""

NO_BUILD = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>badgesite serve</title></head>
<body><main><h1>No site yet</h1><p>The site has not been built successfully yet.
Fix the problem shown and save: this page reloads by itself.</p><pre>{error}</pre></main></body></html>"""


class State:
    """What the browser polls: the number of the last good build, and the current error."""

    def __init__(self, notice: str | None = None) -> None:
        self.lock = threading.Lock()
        self.build = 0
        self.error: str | None = None
        self.notice = notice  # shown at the top of every page served (a preview without credentials)

    def succeeded(self) -> None:
        with self.lock:
            self.build += 1
            self.error = None

    def failed(self, text: str) -> None:
        with self.lock:
            self.error = text

    def json(self) -> bytes:
        with self.lock:
            return json.dumps({"build": self.build, "error": self.error}).encode()


NOTICE = ('<div id="badgesite-notice" role="status" style="padding:.6rem 1rem;background:#fff3cd;color:#3b2a00;'
          'border-bottom:2px solid #8a6d00;font:15px/1.4 sans-serif"><strong>badgesite serve:</strong> {text}</div>')


def inject(page: bytes, build: int, notice: str | None = None) -> bytes:
    """The page with the live-reload script before its last </body>, and the preview's
    notice (when there is one) at the start of its <body>."""
    tag = f'<script src="{LIVE}live.js" data-build="{build}"></script>'.encode()
    at = page.lower().rfind(b"</body>")
    page = page + tag if at < 0 else page[:at] + tag + page[at:]
    if notice:
        banner = NOTICE.format(text=html.escape(notice)).encode()
        body = page.lower().find(b"<body")
        at = page.find(b">", body) + 1 if body >= 0 else 0
        page = page[:at] + banner + page[at:]
    return page


class Handler(BaseHTTPRequestHandler):
    server_version = "badgesite-serve"
    output: Path
    prefix: str
    state: State

    def log_message(self, fmt, *args) -> None:  # requests are noise; -v shows them
        log.debug("%s %s", self.address_string(), fmt % args)

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path == LIVE + "state":
            return self._send(200, self.state.json(), "application/json", head)
        if path == LIVE + "live.js":
            return self._send(200, LIVE_JS.encode(), "text/javascript", head)
        if not path.startswith(self.prefix):
            if path in ("/", "", self.prefix.rstrip("/")):
                return self._redirect(self.prefix)
            return self._not_found(head, f"This site is served under {self.prefix}")
        rel = posixpath.normpath(path[len(self.prefix):] or ".")
        if rel.startswith("..") or rel.startswith("/") or "\x00" in rel:
            return self._not_found(head)
        target = self.output / rel if rel != "." else self.output
        if target.is_dir():
            if not path.endswith("/"):
                return self._redirect(quote(path) + "/" + (f"?{parts.query}" if parts.query else ""))
            target = target / "index.html"
        if not self.output.is_dir():
            return self._no_build(head)
        try:
            data = target.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return self._not_found(head)
        # as deploy serves it; what deploy does not know, as Python guesses
        kind = (CONTENT_TYPES.get(suffix(target.name)) or mimetypes.guess_type(target.name)[0]
                or "application/octet-stream")
        self._send(200, data, kind, head)

    def _send(self, status: int, data: bytes, kind: str, head: bool = False) -> None:
        if kind.split(";")[0] == "text/html":
            data = inject(data, self.state.build, self.state.notice)
        if "charset=" not in kind and (kind.startswith("text/") or kind.endswith(("json", "xml", "javascript"))):
            kind += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Access-Control-Allow-Origin", "*")  # as GitHub Pages does
        self.end_headers()
        if not head:
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self, head: bool, note: str | None = None) -> None:
        page = self.output / "404.html"
        if not self.output.is_dir():
            return self._no_build(head)
        data = page.read_bytes() if page.is_file() else b"<!doctype html><title>Not found</title><h1>Not found</h1>"
        if note:
            data = data.replace(b"</body>", f"<p>{html.escape(note)}</p></body>".encode(), 1)
        self._send(404, data, "text/html", head)

    def _no_build(self, head: bool) -> None:
        error = json.loads(self.state.json())["error"] or "building..."
        self._send(503, NO_BUILD.format(error=html.escape(error)).encode(), "text/html", head)


class Rebuilder(threading.Thread):
    """Runs `build` after each burst of changes has been quiet for DEBOUNCE seconds."""

    def __init__(self, build: Callable[[], None]):
        super().__init__(name="badgesite-rebuild", daemon=True)
        self.build = build
        self.wake = threading.Event()
        self.last_change = 0.0
        self.stopping = False
        self.builds = 0

    def changed(self) -> None:
        self.last_change = time.monotonic()
        self.wake.set()

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()

    def run(self) -> None:
        while not self.stopping:
            self.wake.wait()
            while not self.stopping and time.monotonic() - self.last_change < DEBOUNCE:
                time.sleep(DEBOUNCE / 4)
            if self.stopping:
                return
            self.wake.clear()  # changes from now on trigger another build
            self.builds += 1
            self.build()


def _ignored(name: str) -> bool:
    """Editor scratch files and our own temporary files."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913"


def watch(root: Path, on_change: Callable[[str], None]):
    """Start a watchdog observer on badgesite.yaml, content/ and themes/; returns it."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    observer = Observer()
    scheduled: set[str] = set()

    class Events(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.event_type not in ("created", "modified", "deleted", "moved"):
                return
            for raw in (event.src_path, getattr(event, "dest_path", "") or ""):
                if not raw:
                    continue
                path = Path(raw if isinstance(raw, str) else raw.decode())
                try:
                    rel = path.relative_to(root)
                except ValueError:
                    continue
                if not rel.parts or rel.parts[0] not in WATCHED or _ignored(path.name):
                    continue
                if event.is_directory and event.event_type == "modified":
                    continue
                if len(rel.parts) == 1 and rel.parts[0] != "badgesite.yaml" and path.is_dir():
                    schedule(path)  # content/ or themes/ appeared
                on_change(rel.as_posix())
                return

    handler = Events()

    def schedule(folder: Path) -> None:
        if str(folder) not in scheduled:
            scheduled.add(str(folder))
            observer.schedule(handler, str(folder), recursive=True)

    observer.schedule(handler, str(root), recursive=False)
    for name in WATCHED[1:]:
        if (root / name).is_dir():
            schedule(root / name)
    observer.daemon = True
    observer.start()
    return observer


class Preview:
    """The running preview: a server, a watcher and a rebuilder around one `build()`.

    `build()` builds the site into `output` or raises BadgesiteError; `on_result`
    hears about every build: (seconds, None) or (seconds, diagnostics or a traceback).
    `notice`: a text shown at the top of every page served.
    """

    def __init__(self, root: Path, output: Path, base_path: str, build: Callable[[], object],
                 on_result: Callable[[float, list[Diagnostic] | str | None], None], bind: str = "127.0.0.1",
                 port: int = 8000, notice: str | None = None):
        self.root, self.output, self.base_path = root, output, base_path
        self._build, self.on_result = build, on_result
        self.state = State(notice)
        self.server = make_server(output, base_path, self.state, bind, port)  # OSError when the port is taken
        self.rebuilder = Rebuilder(self.rebuild)
        self.observer = None
        self.changes: list[str] = []

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{self.base_path}"

    def rebuild(self) -> bool:
        start = time.monotonic()
        try:
            self._build()
        except BadgesiteError as exc:
            self.state.failed("\n".join(d.format() for d in exc.diagnostics))
            self.on_result(time.monotonic() - start, exc.diagnostics)
            return False
        except Exception:  # a bug: keep serving the last good site and show the traceback
            text = traceback.format_exc()
            self.state.failed(text)
            self.on_result(time.monotonic() - start, text)
            return False
        self.state.succeeded()
        self.on_result(time.monotonic() - start, None)
        return True

    def changed(self, rel: str) -> None:
        log.info("changed: %s", rel)
        self.rebuilder.changed()

    def start(self) -> bool:
        """Build once, then start watching and rebuilding; True when the first build worked."""
        ok = self.rebuild()
        self.observer = watch(self.root, self.changed)
        self.rebuilder.start()
        return ok

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.25)

    def run(self, announce: Callable[[str], None]) -> None:
        """Build, announce the URL, serve until Ctrl-C or SIGTERM, then stop cleanly."""
        main = threading.current_thread() is threading.main_thread()
        pid = os.getpid()

        def stop(signum, _frame) -> None:
            if os.getpid() != pid:  # a forked build worker being ended: end as it would have
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)
                return
            raise KeyboardInterrupt

        previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)} if main else {}
        if main:
            signal.signal(signal.SIGTERM, stop)  # `kill` stops it as cleanly as Ctrl-C
        try:
            self.start()
            announce(self.url)
            self.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            for number in previous:  # a second Ctrl-C must not interrupt the clean-up
                signal.signal(number, signal.SIG_IGN)
            try:
                self.close()
            finally:
                for number, handler in previous.items():
                    signal.signal(number, handler)

    def close(self) -> None:
        self.rebuilder.stop()
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=2)
        self.server.server_close()


def site_preview(root: Path, output: Path, base_path: str, signing_key, on_result: Callable, bind: str, port: int,
                 unsigned: str | None = None) -> Preview:
    """The preview of the site in `root`, built into `output` with this key; `unsigned`:
    why it is built without one (shown on every page)."""
    return Preview(root, output, base_path, lambda: build(root, output, signing_key=signing_key,
                                                          unsigned=unsigned is not None),
                   on_result, bind, port, notice=unsigned)


def make_server(output: Path, base_path: str, state: State, bind: str, port: int) -> ThreadingHTTPServer:
    handler = type("SiteHandler", (Handler,), {"output": output, "prefix": base_path, "state": state})
    server = ThreadingHTTPServer((bind, port), handler)
    server.daemon_threads = True
    return server


def port_in_use(exc: OSError) -> bool:
    return exc.errno in (errno.EADDRINUSE, errno.EACCES)
