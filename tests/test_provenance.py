"""Which badgesite made a site: the install line `badgesite new` writes, decided from the
distribution's metadata as pip records it (PEP 610 direct_url.json)."""
from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from badgesite import __version__
from badgesite.provenance import ARCHIVE, INDEX, LOCAL, VCS, origin, requirement_problem, running_distribution

SHA = "4f2a9c0e1b7d3a5f6e8c9b0a1d2e3f4a5b6c7d8e"


def dist_info(tmp_path: Path, direct_url: dict | str | None, version: str = "0.4.2") -> metadata.Distribution:
    """A dist-info folder as pip leaves it in site-packages."""
    folder = tmp_path / f"badgesite-{version}.dist-info"
    folder.mkdir()
    (folder / "METADATA").write_text(f"Metadata-Version: 2.4\nName: badgesite\nVersion: {version}\n")
    if direct_url is not None:
        text = direct_url if isinstance(direct_url, str) else json.dumps(direct_url)
        (folder / "direct_url.json").write_text(text)
    return metadata.Distribution.at(folder)


def test_from_an_index_the_version_is_pinned(tmp_path: Path):
    found = origin(dist_info(tmp_path, None))
    assert (found.kind, found.requirement) == (INDEX, "badgesite==0.4.2")


def test_from_git_the_url_is_pinned_to_the_full_commit(tmp_path: Path):
    found = origin(dist_info(tmp_path, {
        "url": "https://github.com/stadslab/badgesite.git",
        "vcs_info": {"vcs": "git", "commit_id": SHA, "requested_revision": "main"}}))
    assert found.kind == VCS
    assert found.requirement == f"git+https://github.com/stadslab/badgesite.git@{SHA}"
    assert "main" not in found.requirement and not found.only_here


def test_from_git_in_a_subdirectory(tmp_path: Path):
    found = origin(dist_info(tmp_path, {
        "url": "https://example.org/mono.git", "subdirectory": "tools/badgesite",
        "vcs_info": {"vcs": "git", "commit_id": SHA}}))
    assert found.requirement == f"git+https://example.org/mono.git@{SHA}#subdirectory=tools/badgesite"


def test_from_a_git_file_url_is_pinned_but_only_reachable_here(tmp_path: Path):
    found = origin(dist_info(tmp_path, {"url": "file:///home/ada/badgesite",
                                        "vcs_info": {"vcs": "git", "commit_id": SHA}}))
    assert found.requirement == f"git+file:///home/ada/badgesite@{SHA}"
    assert found.only_here


def test_from_a_released_archive_url_with_its_hash(tmp_path: Path):
    url = "https://files.example.org/badgesite-0.4.2-py3-none-any.whl"
    found = origin(dist_info(tmp_path, {"url": url, "archive_info": {"hashes": {"sha256": "ab" * 32}}}))
    assert (found.kind, found.requirement) == (ARCHIVE, f"badgesite @ {url}#sha256={'ab' * 32}")


@pytest.mark.parametrize("direct_url", [
    {"url": "file:///home/ada/src/badgesite", "dir_info": {"editable": True}},     # pip install -e .
    {"url": "file:///home/ada/src/badgesite", "dir_info": {}},                     # pip install .
    {"url": "file:///tmp/dist/badgesite-0.4.2-py3-none-any.whl", "archive_info": {}},  # a wheel file
    {"url": "https://${TOKEN}@git.example.org/badgesite.git",                       # credentials: unsafe
     "vcs_info": {"vcs": "git", "commit_id": SHA}},
    "{not json",
])
def test_nothing_ci_could_install_is_never_pinned(tmp_path: Path, direct_url):
    found = origin(dist_info(tmp_path, direct_url))
    assert (found.kind, found.requirement) == (LOCAL, "")


def test_local_folder_is_named(tmp_path: Path):
    found = origin(dist_info(tmp_path, {"url": "file:///home/ada/src/badgesite", "dir_info": {"editable": True}}))
    assert found.source == "/home/ada/src/badgesite"


def test_no_distribution_at_all():
    assert origin(None).kind == LOCAL


def test_the_running_distribution_is_this_one():
    dist = running_distribution()  # the test venv installs badgesite editable
    assert dist is not None and dist.version == __version__
    assert origin(dist).kind == LOCAL, "an editable checkout cannot be pinned"


@pytest.mark.parametrize("spec", [
    "badgesite==0.1.0", "badgesite>=0.1,<0.2", "badgesite[extra]==1.0", "badgesite",
    f"badgesite @ git+https://github.com/badgesite/badgesite@{SHA}",
    f"git+https://github.com/badgesite/badgesite@{SHA}",
    "git+ssh://git@github.com/org/badgesite.git@v0.1.0#subdirectory=src",
    "https://files.example.org/badgesite-0.1.0-py3-none-any.whl#sha256=abcd",
    "./vendor/badgesite-0.1.0-py3-none-any.whl",
])
def test_sane_requirements_are_accepted(spec: str):
    assert requirement_problem(spec) is None


@pytest.mark.parametrize("spec", [
    'badgesite"; rm -rf /', "badgesite==0.1.0 && curl evil", "$(curl evil)", "badgesite==`id`",
    "${{ secrets.BADGESITE_SIGNING_KEY }}", "badgesite==0.1\nrun: x", "-r requirements.txt",
    "--index-url https://evil.example/ badgesite", "", "../outside/badgesite", "badgesite @ /home/ada",
])
def test_anything_else_is_refused(spec: str):
    assert requirement_problem(spec)


def test_a_source_tree_beside_an_installed_badgesite_is_not_taken_for_it(tmp_path: Path):
    """Running from a checkout (PYTHONPATH) while a release is installed: the release's
    metadata does not describe the running code."""
    site = tmp_path / "site-packages"
    (site / "badgesite").mkdir(parents=True)
    (site / "badgesite" / "__init__.py").write_text(f'__version__ = "{__version__}"\n')
    info = site / f"badgesite-{__version__}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.4\nName: badgesite\nVersion: {__version__}\n")
    (info / "RECORD").write_text("badgesite/__init__.py,,\n")
    source = Path(__import__("badgesite").__file__).parent.parent
    code = (f"import sys; sys.path[:0] = [{str(source)!r}, {str(site)!r}]; "
            "from badgesite.provenance import origin, running_distribution; "
            "print(running_distribution() is None, origin(running_distribution()).kind)")
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["True", "local"], result.stderr
