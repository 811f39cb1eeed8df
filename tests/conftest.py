"""Shared test helpers: small inline sites, the example site, and a CLI runner."""
from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent

CONFIG = """\
base_url: https://example.org/badges/
issuer:
  name: Test Academy
  url: https://example.org
  email: badges@example.org
awarders: [admin@example.org]
"""

BADGE = """\
---
name: Python Basics
description: Writes small programs.
image: python-basics.png
criteria:
  - Writes a program.
  - Explains it.
---
How to earn it.
"""

AWARDS = """\
- id: a-0001
  badge: python-basics
  recipient: leah@example.org
  issued: 2026-01-10
  awarded_by: admin@example.org
"""


def png_bytes(size: int = 64, color=(29, 78, 137, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (size, size), color).save(out, "PNG")
    return out.getvalue()


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">'
       '<circle cx="50" cy="50" r="45" fill="#1d4e89"/></svg>\n')


def make_site(root: Path, files: dict[str, str | bytes] | None = None, *, plain: bool = True) -> Path:
    """A small valid site (plain recipients) with `files` added or replaced (None deletes)."""
    base = {
        "badgesite.yaml": CONFIG + ("recipients: plain\n" if plain else ""),
        "content/badges/python-basics.md": BADGE,
        "content/badges/python-basics.png": png_bytes(),
        "content/awards/2026.yaml": AWARDS,
    }
    base.update(files or {})
    for rel, data in base.items():
        path = root / rel
        if data is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def run_cli(*args: str) -> tuple[int, str, str]:
    from badgesite.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A private copy of the repository's example programme."""
    target = tmp_path / "example"
    target.mkdir()
    shutil.copy(REPO / "badgesite.yaml", target / "badgesite.yaml")
    shutil.copytree(REPO / "content", target / "content")
    return target


def svg_root(data: bytes):
    """(root element, {prefix: namespace} declared on the root itself) of an SVG document,
    read by an XML parser (a namespace declared on a child is not the root's)."""
    import xml.etree.ElementTree as ET

    declared, root = {}, None
    for event, item in ET.iterparse(io.BytesIO(data), events=("start-ns", "start")):
        if event == "start-ns" and root is None:
            declared[item[0]] = item[1]
        elif event == "start" and root is None:
            root = item
    return root, declared


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's), started once for the whole run and shared by the page
    tests; each test opens its own context. Skips when Chromium or Playwright is missing."""
    from support.browser import chromium_path, launch

    if chromium_path() is None:
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    playwright = sync_api.sync_playwright().start()
    chromium = launch(playwright)
    yield chromium
    chromium.close()
    playwright.stop()
