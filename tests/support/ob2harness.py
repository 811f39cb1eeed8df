"""Test helpers: serve a built site on 127.0.0.1 and run the official Open Badges
2.0 validator (PyPI `openbadges` 1.1.2, in its own venv .venv-ob2) against it.

    from ob2harness import serve_directory, validate, require_ob2_venv

    require_ob2_venv()                         # skips if .venv-ob2 is missing
    with serve_directory(site_dir) as local:   # "http://127.0.0.1:PORT/"
        [r] = validate([BASE + "awards/a1.json"], {BASE: local})
        assert r["valid"], r["messages"]
        assert all(f["status"] == 200 for f in r["fetches"])

Each result is a dict (see tests/tools/ob2/validate.py for the full shape):
input, kind, valid, errorCount, warningCount, messages, unbaked, report,
graph, fetches [{url, fetchedUrl, status, contentType, json, ...}], blocked,
harnessError, seconds.  The validator ignores HTTP status, `type` of objects
and revocation of hosted assertions: check those with `fetches` / `fetched()`.

Set up the venv with:  bash tests/tools/ob2/setup.sh
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Iterable, Iterator, Mapping

REPO_ROOT = Path(__file__).resolve().parents[2]
OB2_DIR = REPO_ROOT / "tests" / "tools" / "ob2"
VALIDATE_SCRIPT = OB2_DIR / "validate.py"
OB2_VENV = Path(os.environ.get("OB2_VENV", REPO_ROOT / ".venv-ob2"))
OB2_PYTHON = OB2_VENV / "bin" / "python"
SETUP_HINT = "run `bash tests/tools/ob2/setup.sh` to create .venv-ob2"


# --------------------------------------------------------------------------
# Static file server
# --------------------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".json": "application/json",
        ".jsonld": "application/ld+json",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".html": "text/html; charset=utf-8",
        ".xml": "application/xml",
        ".txt": "text/plain; charset=utf-8",
        ".js": "text/javascript",
        ".css": "text/css",
        ".webmanifest": "application/manifest+json",
    }

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def serve_directory(path: str | os.PathLike) -> Iterator[str]:
    """Serve `path` over HTTP on an ephemeral 127.0.0.1 port.

    Yields the base URL "http://127.0.0.1:PORT/".  Missing files get 404,
    .json is application/json, .svg image/svg+xml.  Like GitHub Pages, a
    directory URL without a trailing slash is redirected and index.html served.
    """
    root = Path(path).resolve()
    if not root.is_dir():
        raise NotADirectoryError(root)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="ob2-serve", daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:{}/".format(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------
# Validator
# --------------------------------------------------------------------------

def ob2_venv_problem() -> str | None:
    """None if .venv-ob2 is usable, else a sentence saying what is missing."""
    if not OB2_PYTHON.exists():
        return "the Open Badges 2.0 validator venv {} does not exist; {}".format(OB2_VENV, SETUP_HINT)
    stamp = OB2_VENV / ".ob2-requirements.sha256"
    if not stamp.exists():
        return "{} is not fully set up; {}".format(OB2_VENV, SETUP_HINT)
    want = hashlib.sha256((OB2_DIR / "requirements.txt").read_bytes()).hexdigest()
    if stamp.read_text(encoding="utf-8").split("\n", 1)[0].strip() != want:
        return "{} was built from another requirements.txt; {}".format(OB2_VENV, SETUP_HINT)
    return None


def require_ob2_venv() -> None:
    """pytest.skip() with a clear message if .venv-ob2 has not been set up."""
    problem = ob2_venv_problem()
    if problem:
        import pytest

        pytest.skip(problem)


class OB2HarnessError(RuntimeError):
    pass


def validate(inputs: Iterable[str | Mapping], mapping: Mapping[str, str],
             timeout: float = 600) -> list[dict]:
    """Run the official validator on each input; returns one dict per input.

    inputs: URLs of hosted assertions, paths of baked PNG/SVG images or of
    assertion .json files, or dicts {"input": ..., "recipient": {"email": ...}}
    (the recipient makes the validator check the salted identity hash).
    mapping: {public_base_url: local_base_url}, e.g.
    {"https://example.org/badges/": "http://127.0.0.1:PORT/"}.
    """
    jobs = []
    for item in inputs:
        if isinstance(item, Mapping):
            job = dict(item)
            job["input"] = os.fspath(job["input"])
        else:
            job = {"input": os.fspath(item)}
        jobs.append(job)
    if not jobs:
        return []
    problem = ob2_venv_problem()
    if problem:
        raise OB2HarnessError(problem)
    cmd = [str(OB2_PYTHON), str(VALIDATE_SCRIPT), "--jobs", "-"]
    for public, local in mapping.items():
        cmd += ["--map", "{}={}".format(public, local)]
    env = {k: v for k, v in os.environ.items()
           if not k.upper().endswith("_PROXY") and k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONWARNINGS"] = "ignore"
    proc = subprocess.run(cmd, input=json.dumps(jobs), capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=str(REPO_ROOT))
    if proc.returncode != 0:
        raise OB2HarnessError("validate.py exited {}:\n{}\n{}".format(
            proc.returncode, proc.stderr[-4000:], proc.stdout[-2000:]))
    try:
        results = json.loads(proc.stdout)
    except ValueError as exc:
        raise OB2HarnessError("validate.py printed no JSON ({}):\n{}\n{}".format(
            exc, proc.stdout[-2000:], proc.stderr[-4000:])) from exc
    if len(results) != len(jobs):
        raise OB2HarnessError("validate.py returned {} results for {} inputs".format(
            len(results), len(jobs)))
    return results


def fetched(result: Mapping, url: str) -> dict | None:
    """The first fetch-log entry of `result` whose public URL is `url`."""
    for entry in result.get("fetches", []):
        if entry.get("url") == url:
            return entry
    return None


def describe(result: Mapping) -> str:
    """A compact human-readable summary of a result, for assertion messages."""
    lines = ["{} -> valid={} errors={} warnings={}".format(
        result.get("input"), result.get("valid"), result.get("errorCount"),
        result.get("warningCount"))]
    for m in result.get("messages", []):
        lines.append("  [{}] {}: {}".format(m.get("messageLevel"), m.get("name"), m.get("result")))
    for f in result.get("fetches", []):
        lines.append("  GET {} -> {} {}{}".format(
            f.get("url"), f.get("status"), f.get("contentType"),
            " BLOCKED" if f.get("blocked") else ""))
    if result.get("harnessError"):
        lines.append(result["harnessError"])
    return "\n".join(lines)
