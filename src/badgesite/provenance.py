"""Where the running badgesite came from, and the pip requirement that installs exactly it.

`badgesite new` writes that requirement into the site's GitHub workflows, so that CI,
and the Publish job that holds the signing key, run the badgesite that made the site
and no other. What pip recorded at install time decides (PEP 610 `direct_url.json`
in the distribution's metadata):

- no direct_url.json: installed from a package index -> `badgesite==X.Y.Z`;
- `vcs_info`: installed from a VCS URL -> that URL pinned to the commit pip checked
  out, `git+https://…@<full sha>`;
- `archive_info` of an http(s) URL -> that URL, with the hash pip recorded;
- `dir_info` (a local folder, editable or not), a local archive, or no metadata at
  all (running from a source tree): nothing CI could install -> no requirement.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__

DIST_NAME = "badgesite"

INDEX, VCS, ARCHIVE, LOCAL = "index", "vcs", "archive", "local"


@dataclass(frozen=True)
class Origin:
    kind: str            # INDEX, VCS, ARCHIVE or LOCAL
    requirement: str     # what `pip install` needs to install exactly this; "" for LOCAL
    source: str          # the version, URL or folder it came from (for messages)

    @property
    def only_here(self) -> bool:
        """A URL that only this computer can reach (git+file://…)."""
        return self.kind == VCS and urlsplit(self.source.split("+", 1)[-1]).scheme == "file"


def running_distribution() -> metadata.Distribution | None:
    """The installed distribution of the running badgesite; None when it runs from a
    source tree that pip did not install (beside another install, or none)."""
    try:
        dist = metadata.distribution(DIST_NAME)
    except metadata.PackageNotFoundError:
        return None
    if dist.read_text("RECORD") is None:  # no installer wrote it: an egg-info in a source tree
        return None
    # the running package must be the one installed (an editable install lists none of
    # its files: its direct_url.json names the folder)
    here = Path(__file__).resolve().with_name("__init__.py")
    init = next((f for f in dist.files or () if f.as_posix() == "badgesite/__init__.py"), None)
    if init is not None and Path(dist.locate_file(init)).resolve() != here:
        return None
    return dist if dist.version == __version__ else None


def origin(dist: metadata.Distribution | None) -> Origin:
    """Where `dist` was installed from (see the module docstring)."""
    if dist is None:
        return Origin(LOCAL, "", "a source tree that pip did not install")
    name, version = dist.metadata["Name"] or DIST_NAME, dist.version
    text = dist.read_text("direct_url.json")
    if text is None:
        return Origin(INDEX, f"{name}=={version}", f"{name} {version}")
    try:
        direct = json.loads(text)
        url = direct["url"]
    except (ValueError, KeyError, TypeError):
        return Origin(LOCAL, "", "an unreadable direct_url.json")
    subdirectory = [f"subdirectory={direct['subdirectory']}"] if direct.get("subdirectory") else []
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        pinned = f"{vcs['vcs']}+{url}@{vcs['commit_id']}"
        # the bare URL: pip before 24 refuses `name @ git+file:///…` (a URL with no host)
        return _usable(Origin(VCS, pinned + "".join("#" + s for s in subdirectory), pinned))
    archive = direct.get("archive_info")
    if isinstance(archive, dict) and urlsplit(url).scheme in ("https", "http"):
        hashes = archive.get("hashes") or {}
        digest = f"sha256={hashes['sha256']}" if "sha256" in hashes else archive.get("hash")
        fragment = [] if "#" in url else [digest] * bool(digest) + subdirectory
        return _usable(Origin(ARCHIVE, f"{name} @ {url}" + ("#" + "&".join(fragment) if fragment else ""), url))
    folder = url[len("file://"):] if url.startswith("file://") else url
    return Origin(LOCAL, "", folder)


def _usable(found: Origin) -> Origin:
    """A recorded URL that cannot be written safely into a workflow (credentials as
    ${VARIABLE}, quotes) is one CI cannot install as it stands."""
    return found if requirement_problem(found.requirement) is None else Origin(LOCAL, "", found.source)


# -- a requirement given by hand (`badgesite new --package SPEC`) ------------------------

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\[[A-Za-z0-9._,-]+\])?"
_VERSION = r"(?:===?|~=|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+"
# A URL of the characters a URL needs, none that YAML's double quotes or the shell
# would read (no quote, backslash, dollar, backtick, brace or space).
_URL = r"(?:(?:git|hg|svn|bzr)\+)?(?:https|http|ssh|file|git)://[A-Za-z0-9._~:/?#@!&+,=%\[\]-]+"
_REQUIREMENT = re.compile(
    rf"{_NAME}(?:\s*{_VERSION}(?:\s*,\s*{_VERSION})*)?"  # badgesite==0.1.0, badgesite>=0.1,<0.2
    rf"|{_NAME}\s*@\s*{_URL}"                          # badgesite @ git+https://…@<sha>
    rf"|{_URL}"                                        # git+https://…@<sha>
    r"|\./[A-Za-z0-9._/+-]+")                          # ./vendor/badgesite-0.1.0-py3-none-any.whl


def requirement_problem(spec: str) -> str | None:
    """Why `spec` cannot be the workflows' install line, or None if it can."""
    if not _REQUIREMENT.fullmatch(spec):
        return ("must be one pip requirement, such as badgesite==0.1.0 or "
                "git+https://github.com/OWNER/badgesite@<commit>, with no quotes, $ or braces")
    return None
