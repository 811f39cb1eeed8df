"""`badgesite serve`: the base path, live reload, debounced rebuilds, errors in the page.

The preview runs in-process on a free port (or as a real subprocess), and one test
drives Debian's Chromium through Playwright: an open page must reload by itself
after a badge is edited, and show a broken edit over the last good page.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import run_cli

from badgesite.build import build
from badgesite.serve import Preview, inject


def wait_for(condition, timeout: float = 20.0, step: float = 0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def get(url: str) -> tuple[int, dict, bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def preview(tmp_path: Path):
    root = tmp_path / "site"
    assert run_cli("new", str(root), "-q")[0] == 0
    results = []
    running = Preview(root, root / "output", "/site/", lambda: build(root),
                      lambda seconds, problem: results.append(problem), "127.0.0.1", 0)
    running.results = results
    assert running.start()
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.server.shutdown()
    running.close()


def state(preview) -> dict:
    return json.loads(get(preview.url.replace("/site/", "/__badgesite/state"))[2])


def test_inject_only_touches_the_response():
    page = b"<html><body><p>x</p></body></html>"
    assert inject(page, 3) == (b'<html><body><p>x</p><script src="/__badgesite/live.js" data-build="3"></script>'
                               b"</body></html>")
    assert inject(b"<p>no body</p>", 1).endswith(b"</script>")


def test_serves_under_the_base_path(preview):
    root_url = preview.url.replace("/site/", "/")
    status, headers, _ = get(root_url)
    assert status == 302 and headers["Location"] == "/site/"
    status, headers, body = get(preview.url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b'<script src="/__badgesite/live.js" data-build="1"></script></body>' in body
    assert b"__badgesite" not in (preview.output / "index.html").read_bytes(), "output/ itself is never changed"
    status, headers, body = get(preview.url + "badges/python-basics.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json") and b"__badgesite" not in body
    status, headers, _ = get(preview.url + "badges/python-basics")
    assert status == 302 and headers["Location"] == "/site/badges/python-basics/"
    status, _, body = get(preview.url + "no-such-page/")
    assert status == 404 and b"live.js" in body
    status, _, _ = get(root_url + "elsewhere/index.html")
    assert status == 404
    connection = http.client.HTTPConnection("127.0.0.1", preview.server.server_address[1], timeout=10)
    connection.request("GET", "/site/../../../../etc/passwd")
    response = connection.getresponse()
    assert response.status == 404 and b"root:" not in response.read()
    status, _, script = get(root_url + "__badgesite/live.js")
    assert status == 200 and b"location.reload" in script
    assert state(preview) == {"build": 1, "error": None}


def test_rebuilds_after_an_edit_and_keeps_the_last_good_site_on_error(preview):
    badge = preview.root / "content/badges/python-basics.md"
    edit(badge, "name: Python Basics", "name: Python Essentials")
    wait_for(lambda: state(preview)["build"] == 2)
    assert b"Python Essentials" in get(preview.url + "badges/python-basics/")[2]

    edit(badge, "description:", "descripton:")
    error = wait_for(lambda: state(preview)["error"])
    assert "unknown key 'descripton' (did you mean 'description'?)" in error
    assert "content/badges/python-basics.md" in error
    status, _, body = get(preview.url + "badges/python-basics/")
    assert status == 200 and b"Python Essentials" in body, "the last good site is still served"
    assert state(preview)["build"] == 2

    edit(badge, "descripton:", "description:")
    wait_for(lambda: state(preview) == {"build": 3, "error": None})


def test_a_burst_of_changes_is_one_rebuild(preview):
    badge = preview.root / "content/badges/workshop-helper.md"
    before = preview.rebuilder.builds
    for n in range(10):
        edit(badge, "name: Workshop Helper" + (f" {n - 1}" if n else ""), f"name: Workshop Helper {n}")
        time.sleep(0.02)
    wait_for(lambda: state(preview)["build"] == 2)
    time.sleep(1.0)  # nothing else is pending
    assert preview.rebuilder.builds - before == 1
    assert b"Workshop Helper 9" in get(preview.url + "badges/workshop-helper/")[2]


def test_award_from_the_cli_while_serving(preview):
    code, out, err = run_cli("award", "python-projects", "serve@example.org", "-s", str(preview.root))
    assert code == 0, err
    award_path = "/".join(out.splitlines()[0].rstrip("/").split("/")[-2:]) + "/"
    wait_for(lambda: get(preview.url + award_path)[0] == 200)


# -- a real browser ---------------------------------------------------------------

def test_an_open_page_reloads_by_itself(preview, browser):
    badge = preview.root / "content/badges/python-basics.md"
    page = browser.new_page()
    try:
        page.goto(preview.url + "badges/python-basics/")
        assert "Python Basics" in page.locator("h1").inner_text()
        page.evaluate("window.__notReloaded = true")

        start = time.monotonic()
        edit(badge, "name: Python Basics", "name: Python Live")
        page.wait_for_function("document.querySelector('h1') && "
                               "document.querySelector('h1').textContent.includes('Python Live')", timeout=20_000)
        print(f"\nedit -> reloaded page: {time.monotonic() - start:.2f} s")
        assert page.evaluate("window.__notReloaded === undefined"), "the page was reloaded, not patched"

        edit(badge, "criteria:", "criterias:")
        overlay = page.locator("#badgesite-error")
        overlay.wait_for(state="visible", timeout=20_000)
        assert "unknown key 'criterias'" in overlay.inner_text()
        assert "Python Live" in page.locator("h1").inner_text(), "the last good page stays below"

        edit(badge, "criterias:", "criteria:")
        page.wait_for_function("!document.getElementById('badgesite-error')", timeout=20_000)
    finally:
        page.close()


# -- the command itself -------------------------------------------------------------

def start_serve(root: Path, *args: str):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, "-m", "badgesite.cli", "serve", "-s", str(root), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = []
    for line in process.stdout:
        lines.append(line)
        match = re.search(r"serving (http://\S+)", line)
        if match:
            return process, match.group(1), lines
    process.kill()
    raise AssertionError("serve did not start: " + "".join(lines) + process.stderr.read())


def test_serve_command_starts_and_stops_cleanly(tmp_path: Path):
    root = tmp_path / "site"
    assert run_cli("new", str(root), "-q")[0] == 0
    process, url, _ = start_serve(root, "--port", "0")
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/site/", url)
        assert get(url)[0] == 200
        port = int(url.split(":")[2].split("/")[0])
        code, _, err = run_cli("serve", "-s", str(root), "--port", str(port))
        assert code == 2 and "in use" in err
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
    assert not list(root.glob(".output.staging-*")), "no staging folder left behind"


def test_serve_starts_even_when_the_site_is_broken(tmp_path: Path):
    root = tmp_path / "site"
    assert run_cli("new", str(root), "-q")[0] == 0
    badge = root / "content/badges/python-basics.md"
    edit(badge, "name: Python Basics", "nme: Python Basics")
    process, url, _ = start_serve(root, "--port", "0")
    try:
        status, _, body = get(url)
        assert status == 503 and b"unknown key" in body and b"live.js" in body
        edit(badge, "nme: Python Basics", "name: Python Basics")
        wait_for(lambda: get(url)[0] == 200)
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert process.returncode == 0
