"""A release as users get it: `python -m build` from a clean copy of the sources, `twine
check --strict`, the wheel alone in a fresh venv, run from a folder outside the
repository (new, keys init, build, check, serve), and a badgesite installed from a git
URL at a commit, whose `new` pins that commit in the workflows.

Needs PyPI (build isolation fetches setuptools; the venv fetches the dependencies,
from pip's cache when it has them)."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO

from badgesite import __version__

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
DATA = ("themes/", "src/badgesite/scaffold/", "src/badgesite/contexts/")


def run(*args, cwd: Path, env: dict | None = None, timeout: int = 300) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}{result.stderr[-3000:]}"
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """(the sources as a git repository at one commit, its commit, the dist folder)."""
    top = tmp_path_factory.mktemp("release")
    source = top / "badgesite"
    tracked = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    files = [f for f in tracked.split("\0") if f and (REPO / f).is_file() and "node_modules" not in f]
    for rel in files:
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, source / rel)
    git = ("git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false")
    run("git", "init", "-q", cwd=source)
    run("git", "add", "-A", cwd=source)
    run(*git, "commit", "-q", "-m", "release candidate", cwd=source)
    commit = run("git", "rev-parse", "HEAD", cwd=source).strip()
    run(sys.executable, "-m", "build", "--outdir", top / "dist", source, cwd=top)
    return source, commit, top / "dist", files


@pytest.fixture(scope="module")
def venv(release, tmp_path_factory):
    """A fresh venv with the wheel and its dependencies, installed as from an index."""
    _, _, dist, _ = release
    folder = tmp_path_factory.mktemp("venv") / "venv"
    run(sys.executable, "-m", "venv", folder, cwd=folder.parent)
    run(folder / "bin/python", "-m", "pip", "install", "-q", dist / f"badgesite-{__version__}-py3-none-any.whl",
        cwd=folder.parent)
    reinstall_from_index(folder / "bin/python", dist)
    return folder


def reinstall_from_index(python: Path, dist: Path) -> None:
    """The wheel again, found by name in a folder that serves as the only index: pip then
    records no direct URL, as for `pip install badgesite` from PyPI."""
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", "--no-index", "--find-links", dist,
        f"badgesite=={__version__}", cwd=dist)


def user_env(venv: Path, home: Path) -> dict:
    """The environment of a user of that venv: nothing of this repository or its venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", HOME=str(home), PYTHONUNBUFFERED="1",
               PYTHONDONTWRITEBYTECODE="1")
    env.pop("BADGESITE_SIGNING_KEY", None)
    return env


def test_sdist_and_wheel_pass_twine_check_strict(release):
    _, _, dist, _ = release
    built = sorted(p.name for p in dist.iterdir())
    assert built == [f"badgesite-{__version__}-py3-none-any.whl", f"badgesite-{__version__}.tar.gz"]
    out = run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()), cwd=dist)
    assert out.count("PASSED") == 2, out


def test_sdist_holds_what_builds_the_wheel(release):
    _, _, dist, files = release
    with tarfile.open(dist / f"badgesite-{__version__}.tar.gz") as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    needed = {"pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "MANIFEST.in"}
    needed |= {f for f in files if f.startswith(("src/badgesite/", "themes/"))}
    assert needed <= names, sorted(needed - names)
    assert not {n for n in names if n.startswith("tests/") or "__pycache__" in n}


def test_wheel_holds_every_data_file(release):
    _, _, dist, files = release
    with zipfile.ZipFile(dist / f"badgesite-{__version__}-py3-none-any.whl") as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"badgesite-{__version__}.dist-info/METADATA").decode()
    for rel in files:
        if rel.startswith(DATA) or (rel.startswith("src/badgesite/") and rel.endswith(".py")):
            inside = "badgesite/themes/" + rel[len("themes/"):] if rel.startswith("themes/") else rel[len("src/"):]
            assert inside in names, rel
    assert f"badgesite-{__version__}.dist-info/licenses/LICENSE" in names
    assert "Description-Content-Type: text/markdown" in metadata and "License-Expression: MIT" in metadata
    for library in ("cachetools", "frozendict", "pyld", "jinja2", "markupsafe"):
        assert re.search(rf"^Requires-Dist: {library}\b", metadata, re.M | re.I), library
    assert not re.search(r"\]\((?!https?://|#)", metadata.split("\n\n", 1)[1]), "relative links break on PyPI"


def test_the_wheel_alone_makes_builds_checks_and_serves_a_site(venv, tmp_path: Path):
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = user_env(venv, tmp_path / "home")
    assert run("badgesite", "--version", cwd=work, env=env) == f"badgesite {__version__}\n"
    where = run("python", "-c", "import badgesite; print(badgesite.__file__)", cwd=work, env=env)
    assert where.startswith(str(venv)), where
    out = run("badgesite", "new", "my-badges", "--base-url", "https://example.github.io/my-badges/",
              cwd=work, env=env)
    assert "warning" not in out and f"the workflows install badgesite=={__version__}" in out
    site = work / "my-badges"
    assert (site / ".github/workflows/pages.yml").is_file() and (site / ".gitignore").is_file()
    for name in ("check.yml", "pages.yml"):
        workflow = yaml.safe_load((site / ".github/workflows" / name).read_text())
        assert workflow["env"]["BADGESITE_PACKAGE"] == f"badgesite=={__version__}"
    assert "3 badges, 2 awards" in run("badgesite", "check", cwd=site, env=env)
    run("badgesite", "keys", "init", cwd=site, env=env)  # the key goes to HOME, outside the site
    out = run("badgesite", "build", cwd=site, env=env)
    assert "signing Open Badges 3.0 credentials" in out  # the bundled JSON-LD contexts are in the wheel
    assert len(list((site / "output/credentials").glob("*.json"))) == 2
    server = subprocess.Popen(["badgesite", "serve", "--port", "0"], cwd=site, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = None
        for line in server.stdout:
            match = re.search(r"serving (http://127\.0\.0\.1:\d+/\S*)", line)
            if match:
                url = match.group(1)
                break
        assert url, server.stderr.read()
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            page = response.read().decode()
        assert "Python Basics" in page and "<html" in page
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0 and "Traceback" not in err, err


def test_installed_from_git_at_a_commit_new_pins_that_commit(release, venv, tmp_path: Path):
    source, commit, dist, _ = release
    env = user_env(venv, tmp_path / "home")
    assert re.fullmatch(r"[0-9a-f]{40}", commit)
    url = f"git+{source.as_uri()}@{commit}"
    try:
        run("python", "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", url,
            cwd=tmp_path, env={**env, "HOME": os.environ.get("HOME", str(tmp_path))})
        result = subprocess.run(["badgesite", "new", "site", "-q"], cwd=tmp_path, env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert "only this computer" in result.stderr  # a file:// URL: said, and still pinned
        for name in ("check.yml", "pages.yml"):
            text = (tmp_path / "site/.github/workflows" / name).read_text()
            workflow = yaml.safe_load(text)
            assert workflow["env"]["BADGESITE_PACKAGE"] == url
    finally:  # the other tests use the venv as installed from the index
        reinstall_from_index(venv / "bin/python", dist)
