"""`badgesite new DIR`: a working site that builds and checks as it is.

The files come from the `scaffold/` folder shipped inside the package. A path part
written `dot-name` becomes `.name` (wheels drop dot-files from package data), and
the tokens @@BASE_URL@@, @@PREVIEW_URL@@, @@ISSUER_NAME@@, @@ISSUER_URL@@, @@AWARDER@@,
@@PACKAGE@@ (the pip requirement the workflows install; empty: they stop and say what to
set) and @@INSTALL@@ (the same, for the site's README) are filled in, and those of the
host (`--host`: GitHub Pages or object storage), whose Publish workflow alone is written.
The example ledger is written here, with fresh salts, by the same code `badgesite award`
uses, so no e-mail address is ever stored.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from .. import recipients
from . import ledger_edit
from .awarding import LEDGER_HEADER, new_award_id
from ..config import BASE_URL
from ..errors import UsageError
from ..provenance import LOCAL, origin, requirement_problem, running_distribution  # noqa: F401 (LOCAL: for the CLI)
from ..source.fields import EMAIL, URL

TEXT_SUFFIXES = (".md", ".yaml", ".yml", ".svg", ".txt", ".csv")
UNPINNED_INSTALL = ("the way it was installed for whoever made this site; the workflows need a "
                    "pinned one: set `BADGESITE_PACKAGE` in `.github/workflows/check.yml` and `pages.yml`")
HOSTS = {"pages": ".github/workflows/pages.yml", "s3": ".github/workflows/s3.yml"}  # host -> its Publish workflow
PUBLISH_SETUP = {"pages": 'On GitHub, in Settings > Pages, set "Source" to "GitHub Actions".',
                 "s3": "On GitHub, set the variables and secrets that the top of `.github/workflows/s3.yml` "
                       "lists (Settings > Secrets and variables > Actions)."}

EXAMPLE_AWARDS = (
    # badge, e-mail (hashed, never written), name, narrative
    ("python-basics", "ada@example.org", "Ada Example",
     "An example award: delete it before you publish the site."),
    ("workshop-helper", "grace@example.org", None,
     "An example award without a name: its page shows no name at all."),
)


@dataclass
class Options:
    base_url: str
    issuer_name: str = "Example Academy"
    issuer_url: str = "https://example.org"
    awarder: str = "badges@example.org"
    package: str = ""  # the pip requirement the workflows install; "" when none can be pinned
    host: str = "pages"  # or s3: object storage, published with `badgesite deploy`


def default_base_url(folder: Path) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", folder.name.lower()).strip("-") or "badges"
    return f"https://example.github.io/{slug}/"


def with_slash(base_url: str) -> str:
    """A base URL names a folder: it ends in '/' (added when missing)."""
    return base_url if base_url.endswith("/") else base_url + "/"


def preview_url(base_url: str) -> str:
    """Where `badgesite serve` shows the site: the base URL's path on localhost."""
    return f"http://127.0.0.1:8000{urlsplit(base_url).path or '/'}"


def _tokens(options: Options) -> dict[str, str]:
    publish = HOSTS[options.host].rpartition("/")[2]
    unpinned = UNPINNED_INSTALL.replace("pages.yml", publish)
    return {"@@BASE_URL@@": options.base_url, "@@PREVIEW_URL@@": preview_url(options.base_url),
            "@@ISSUER_NAME@@": options.issuer_name, "@@ISSUER_URL@@": options.issuer_url,
            "@@AWARDER@@": options.awarder, "@@PACKAGE@@": options.package,
            "@@INSTALL@@": f'`python -m pip install "{options.package}"`' if options.package else unpinned,
            "@@SIZE_LIMIT@@": "none" if options.host == "s3" else "1 GB",
            "@@PUBLISH_WORKFLOW@@": publish, "@@PUBLISH_SETUP@@": PUBLISH_SETUP[options.host]}


def check_options(options: Options) -> None:
    """Refuse values that would make a broken site (UsageError)."""
    if not BASE_URL.match(options.base_url) or "?" in options.base_url or "#" in options.base_url:
        raise UsageError(f"--base-url must be an http(s) URL such as "
                         f"https://example.github.io/badges/, not {options.base_url!r}")
    if not URL.match(options.issuer_url):
        raise UsageError(f"--issuer-url must be an http(s) URL, not {options.issuer_url!r}")
    if not EMAIL.match(options.awarder):
        raise UsageError(f"--awarder must be an e-mail address, not {options.awarder!r}")
    if not options.issuer_name.strip() or "\n" in options.issuer_name:
        raise UsageError("--issuer must be a one-line name")
    problem = options.package and requirement_problem(options.package)
    if problem:
        raise UsageError(f"--package {problem}, not {options.package!r}")


def _files():
    """(relative path, resource) for every scaffold file."""
    def walk(node, prefix: tuple[str, ...]):
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name == "__pycache__":
                continue
            parts = prefix + ("." + child.name[4:] if child.name.startswith("dot-") else child.name,)
            if child.is_dir():
                yield from walk(child, parts)
            else:
                yield "/".join(parts), child

    yield from walk(resources.files("badgesite") / "scaffold", ())


def example_ledger(today: dt.date, awarder: str) -> str:
    """The example ledger: hashed recipients with fresh salts, issued today."""
    taken: set[str] = set()
    entries = []
    for badge, email, name, narrative in EXAMPLE_AWARDS:
        salt = recipients.new_salt()
        fields = {"id": new_award_id(badge, today.year, taken), "badge": badge,
                  "recipient": {"identity": ledger_edit.Quoted(recipients.hash_email(email, salt)),
                                   "salt": ledger_edit.Quoted(salt)}}
        if name:
            fields["name"] = name
        fields.update(issued=today, awarded_by=awarder, narrative=narrative)
        entries.append(ledger_edit.entry_text(fields))
    return LEDGER_HEADER.format(year=today.year) + "".join("\n" + e for e in entries)


def create(folder: Path, options: Options, today: dt.date | None = None) -> list[str]:
    """Write a new site into `folder` (which must not exist or be empty); the files written."""
    today = today or dt.date.today()
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} already exists and is not empty; choose a new folder name")
    check_options(options)
    tokens = _tokens(options)
    yaml_tokens = {token: ledger_edit.scalar(value) for token, value in tokens.items()}
    staging = folder.parent / f".{folder.name}.new-{os.getpid()}"
    written = []
    try:
        for rel, resource in _files():
            if rel in HOSTS.values() and rel != HOSTS[options.host]:
                continue  # another host's Publish workflow
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            data = resource.read_bytes()
            if rel.endswith(TEXT_SUFFIXES) or rel.endswith("gitignore"):
                text = data.decode("utf-8")
                for token, value in (yaml_tokens if rel == "badgesite.yaml" else tokens).items():
                    text = text.replace(token, value)
                data = text.encode("utf-8")
            target.write_bytes(data)
            written.append(rel)
        ledger = f"content/awards/{today.year}.yaml"
        (staging / ledger).parent.mkdir(parents=True, exist_ok=True)
        (staging / ledger).write_text(example_ledger(today, options.awarder), encoding="utf-8")
        written.append(ledger)
        if folder.exists():  # an empty folder: move the files in
            for child in staging.iterdir():
                os.replace(child, folder / child.name)
            staging.rmdir()
        else:
            folder.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(written)


def installed_origin():
    """Where the running badgesite came from (provenance.origin): what a new site's
    workflows install unless --package says otherwise."""
    return origin(running_distribution())
