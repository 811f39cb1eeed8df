"""A build never publishes less than the last one by accident (issue 21).

A site whose keys.yaml lists a signing key does not build when the private key is
missing: the error names the key and BADGESITE_SIGNING_KEY, and output/ stays byte for
byte as it was. `serve` previews such a site unsigned, beside the cache, with a banner
on every page. Every other way a build could drop pages (an image that cannot be read,
a theme that is missing or fails, a badge file that does not parse) is an error that
keeps output/; a badge or an award that the last build published and that is gone is
a warning naming its URL (an error with --strict).
"""
from __future__ import annotations

import hashlib
import os
import re
import signal
import threading
from pathlib import Path

import pytest

from badgesite import keyring
from badgesite.build import build
from badgesite.serve import Preview

from conftest import run_cli
from test_serve import get, start_serve, wait_for

BASE = "https://example.github.io/mysite/"


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` -> SHA-256 of its bytes."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            files[path.relative_to(folder.parent).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(files) > 50
    return files


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv(keyring.ENV, raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


@pytest.fixture
def signed(tmp_path, home) -> Path:
    """As a user: `new`, `keys init`, a signed build."""
    root = tmp_path / "mysite"
    assert run_cli("new", str(root), "--base-url", BASE, "-q")[0] == 0
    code, _, err = run_cli("keys", "init", "--site", str(root))
    assert code == 0, err
    code, out, err = run_cli("build", "--site", str(root))
    assert code == 0 and "signing Open Badges 3.0 credentials" in out, err
    assert list((root / "output/credentials").glob("*.json"))
    return root


def hide_key(home: Path) -> Path:
    """The key file moved away, as on a machine (or a CI run) that does not have it."""
    path = next((home / "badgesite/keys").glob("*.pem"))
    path.rename(path.with_name("elsewhere"))
    return path


@pytest.mark.parametrize("variable", [None, "", "   "])
def test_a_listed_key_without_its_private_key_does_not_build(signed, home, monkeypatch, variable):
    before = tree(signed / "output")
    path = hide_key(home)
    if variable is not None:
        monkeypatch.setenv(keyring.ENV, variable)
    for extra in ([], ["--clean"]):
        code, out, err = run_cli("build", "--site", str(signed), *extra)
        assert code == 1 and "Traceback" not in err and "built" not in out
        assert re.search(r"^keys\.yaml:\d+:1: error: no private key for the signing key key-1 ", err, re.M), err
        assert keyring.ENV in err and str(path) in err  # the variable, and where else it looked
        assert ("is empty" if variable is not None else "is not set") in err
        assert "output/ was not changed" in err
        assert tree(signed / "output") == before


@pytest.mark.parametrize("variable", ["missing-file", "not a key", "other key"])
def test_a_wrong_variable_does_not_build_either(signed, home, monkeypatch, tmp_path, variable):
    from badgesite.sign import ed25519

    before = tree(signed / "output")
    hide_key(home)
    value = {"missing-file": str(tmp_path / "nope.pem"), "not a key": "-----BEGIN PRIVATE KEY-----\nxx",
             "other key": ed25519.private_pem(ed25519.generate()).decode()}[variable]
    monkeypatch.setenv(keyring.ENV, value)
    code, _, err = run_cli("build", "--site", str(signed))
    assert code == 1 and "Traceback" not in err and keyring.ENV in err, err
    assert tree(signed / "output") == before


def test_a_site_without_keys_builds_unsigned_as_before(tmp_path, home):
    root = tmp_path / "mysite"
    assert run_cli("new", str(root), "--base-url", BASE, "-q")[0] == 0
    code, out, err = run_cli("build", "--site", str(root))
    assert code == 0 and "Open Badges 3.0 credentials skipped" in out, err
    assert not (root / "output/credentials").exists()


def test_a_signed_build_is_not_replaced_by_an_unsigned_one_even_without_keys_yaml(tmp_path, home, monkeypatch):
    """A key given only through the variable, never recorded in keys.yaml: the output
    itself remembers that it published credentials."""
    from badgesite.sign import ed25519

    root = tmp_path / "mysite"
    assert run_cli("new", str(root), "--base-url", BASE, "-q")[0] == 0
    monkeypatch.setenv(keyring.ENV, ed25519.private_pem(ed25519.generate()).decode())
    assert run_cli("build", "--site", str(root))[0] == 0 and not (root / "keys.yaml").exists()
    before = tree(root / "output")
    # a build that fails (a full one: the theme changed) does not make the output forget
    (root / "themes/default/templates").mkdir(parents=True)
    (root / "themes/default/templates/base.html").write_text("{% if %}\n")
    assert run_cli("build", "--site", str(root))[0] == 1
    (root / "themes/default/templates/base.html").unlink()
    monkeypatch.delenv(keyring.ENV)
    code, _, err = run_cli("build", "--site", str(root))
    assert code == 1 and "the last build published Open Badges 3.0 credentials" in err and keyring.ENV in err
    assert "Traceback" not in err and tree(root / "output") == before


def test_serve_previews_unsigned_with_a_banner_and_keeps_output(signed, home):
    before = tree(signed / "output")
    hide_key(home)
    process, url, lines = start_serve(signed, "--port", "0")
    try:
        assert url.endswith("/mysite/")
        for page in (url, url + "badges/python-basics/", url + "no-such-page/"):
            status, _, body = get(page)
            assert status in (200, 404)
            banner = re.search(rb'<div id="badgesite-notice" role="status"[^>]*>(.*?)</div>', body)
            assert banner and b"no Open Badges 3.0 credentials" in banner.group(1), page
            assert body.index(banner.group(0)) > body.lower().index(b"<body")
        status, _, body = get(url + "issuer.json")
        assert status == 200 and b"badgesite-notice" not in body  # only HTML pages get it
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0 and "Traceback" not in err
    assert "warning: this preview has no Open Badges 3.0 credentials" in err and keyring.ENV in err
    assert "(without Open Badges 3.0 credentials)" in "".join(lines) + out
    assert (signed / ".badgesite-cache/preview/index.html").is_file()
    assert tree(signed / "output") == before


def test_the_banner_is_escaped_and_absent_without_a_notice(tmp_path):
    from badgesite.serve import inject

    page = b'<html><body class="x"><p>x</p></body></html>'
    assert b"badgesite-notice" not in inject(page, 1)
    shown = inject(page, 1, "<b>no key</b> & more")
    assert b'<body class="x"><div id="badgesite-notice"' in shown and b"&lt;b&gt;no key&lt;/b&gt; &amp; more" in shown


def test_a_preview_with_a_notice_serves_it_on_every_page(tmp_path, home):
    root = tmp_path / "mysite"
    assert run_cli("new", str(root), "--base-url", BASE, "-q")[0] == 0
    running = Preview(root, root / "output", "/mysite/", lambda: build(root), lambda *_: None,
                      "127.0.0.1", 0, notice="unsigned preview")
    assert running.start()
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        status, _, body = get(running.url + "issuer/")
        assert status == 200 and b"unsigned preview</div>" in body
    finally:
        running.server.shutdown()
        running.close()


# -- the other ways a build could publish less ---------------------------------------------------

def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), "utf-8")


BREAKS = {
    "corrupt image": lambda r: (r / "content/badges/workshop-helper.png").write_bytes(
        (r / "content/badges/workshop-helper.png").read_bytes()[:100]),
    "missing image": lambda r: (r / "content/badges/workshop-helper.png").unlink(),
    "badge file does not parse": lambda r: (r / "content/badges/workshop-helper.md").write_text("---\nname: [\n"),
    "theme folder missing": lambda r: _edit(r / "badgesite.yaml", "\nlanguage: en", "\nlanguage: en\ntheme: mine"),
    "template fails": lambda r: (r / "themes/default/templates").mkdir(parents=True) or
    (r / "themes/default/templates/base.html").write_text("<p>\n{{ no_such_name.x }}\n"),
    "template does not parse": lambda r: (r / "themes/default/templates").mkdir(parents=True) or
    (r / "themes/default/templates/base.html").write_text("{% if %}\n"),
}
WHERE = {"corrupt image": "content/badges/workshop-helper.md:", "missing image": "content/badges/workshop-helper.md:",
         "badge file does not parse": "content/badges/workshop-helper.md:1:",
         "theme folder missing": "badgesite.yaml:", "template fails": "themes/default/templates/base.html:2:",
         "template does not parse": "themes/default/templates/base.html:1:"}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_what_would_drop_pages_fails_and_keeps_output(signed, case):
    before = tree(signed / "output")
    BREAKS[case](signed)
    for extra in ([], ["--clean"]):
        code, _, err = run_cli("build", "--site", str(signed), *extra)
        assert code == 1 and "Traceback" not in err and "internal error" not in err, err
        assert re.search(rf"^{re.escape(WHERE[case])}.* error: ", err, re.M), err
        assert tree(signed / "output") == before


def test_a_badge_of_the_last_build_that_is_gone_is_named(signed):
    (signed / "content/badges/python-projects.md").unlink()
    before = tree(signed / "output")
    code, _, err = run_cli("build", "--site", str(signed), "--strict")
    assert code == 1 and f"badge 'python-projects' was published by the last build and is gone: " \
        f"{BASE}badges/python-projects/ will answer 404" in err
    assert tree(signed / "output") == before
    code, _, err = run_cli("build", "--site", str(signed))  # without --strict: a choice, said out loud
    assert code == 0 and "content/badges/python-projects.md:1: warning: badge 'python-projects'" in err
    assert not (signed / "output/badges/python-projects").exists()


def test_an_award_of_the_last_build_that_is_gone_is_named(signed):
    ledger = signed / "content/awards" / os.listdir(signed / "content/awards")[0]
    text = ledger.read_text("utf-8")
    first = re.search(r"^- id: (\S+)\n(?:  .*\n)*\n?", text, re.M)
    award_id = first.group(1)
    ledger.write_text(text.replace(first.group(0), ""), "utf-8")
    before = tree(signed / "output")
    code, _, err = run_cli("build", "--site", str(signed), "--strict")
    assert code == 1 and f"award '{award_id}' was published by the last build and is no longer in the ledger: " \
        f"{BASE}awards/{award_id}.json will answer 404" in err and f"badgesite revoke {award_id}" in err
    assert tree(signed / "output") == before
    code, _, err = run_cli("build", "--site", str(signed))
    assert code == 0 and "warning: award" in err and not (signed / f"output/awards/{award_id}.json").exists()


def test_an_award_moved_to_another_ledger_file_is_not_named(signed):
    ledger = signed / "content/awards" / os.listdir(signed / "content/awards")[0]
    text = ledger.read_text("utf-8")
    first = re.search(r"^- id: (\S+)\n(?:  .*\n)*\n?", text, re.M)
    ledger.write_text(text.replace(first.group(0), ""), "utf-8")
    (signed / "content/awards/2025.yaml").write_text(first.group(0), "utf-8")
    code, _, err = run_cli("build", "--site", str(signed), "--strict")
    assert code == 0 and "warning" not in err, err
    assert (signed / f"output/awards/{first.group(1)}.json").is_file()


def test_pages_of_a_removed_language_are_named_once(signed):
    _edit(signed / "badgesite.yaml", "\nlanguage: en", "\nlanguage: en\nlanguages: [en, nl]")
    assert run_cli("build", "--site", str(signed))[0] == 0 and (signed / "output/nl/index.html").is_file()
    _edit(signed / "badgesite.yaml", "\nlanguages: [en, nl]", "")
    before = tree(signed / "output")
    code, _, err = run_cli("build", "--site", str(signed), "--strict")
    assert code == 1 and tree(signed / "output") == before
    assert re.search(r"^badgesite\.yaml:1: warning: 7 page\(s\) published by the last build are not made by this "
                     rf"one and will answer 404: {re.escape(BASE)}nl/", err, re.M), err
    code, _, err = run_cli("build", "--site", str(signed))
    assert code == 0 and "and 2 more" in err and not (signed / "output/nl").exists()
    code, _, err = run_cli("build", "--site", str(signed))  # said once: by the build that drops them
    assert code == 0 and "warning" not in err
