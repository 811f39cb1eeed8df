"""Every output path and public URL, decided once.

A URL a recipient put on LinkedIn must work for years: this module is the only
place that names outputs, always by permanent ids. Paths are relative to the
output folder, with forward slashes; `url(path)` makes them absolute.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
EXTENSIONS = ("ECTSExtension", "StudyLoadExtension", "EQFExtension", "LearningOutcomeExtension",
              "LanguageExtension", "EducationProgramIdentifierExtension",
              # the EU micro-credential elements (microcredentials.py)
              "ParticipationExtension", "QualityAssuranceExtension", "QFEHEAExtension",
              "IdentityVerificationExtension", "GradeExtension")


class UnsafePath(ValueError):
    pass


@dataclass(frozen=True)
class Urls:
    base_url: str  # ends with "/"
    language: str  # the site language: its pages live at the root

    def url(self, path: str) -> str:
        return self.base_url + path

    @staticmethod
    def _id(value: str) -> str:
        if not SAFE_SEGMENT.match(value) or ".." in value:
            raise UnsafePath(f"unsafe id in a path: {value!r}")
        return value

    # -- machine documents (OB 2.0) ---------------------------------------------
    issuer_json = "issuer.json"
    revocations_json = "revocations.json"
    catalogue_json = "catalogue.json"

    def badge_json(self, badge_id: str) -> str:
        return f"badges/{self._id(badge_id)}.json"

    def badge_image(self, badge_id: str, ext: str) -> str:
        return f"badges/{self._id(badge_id)}.{ext}"

    def badge_card(self, badge_id: str) -> str:
        return f"badges/{self._id(badge_id)}.card.png"

    def award_json(self, award_id: str) -> str:
        return f"awards/{self._id(award_id)}.json"

    def award_baked(self, award_id: str, ext: str) -> str:
        return f"awards/{self._id(award_id)}.{ext}"

    def issuer_image(self, ext: str) -> str:
        return f"issuer.{ext}"

    def extension_context(self, name: str) -> str:
        return f"extensions/{name}/context.json"

    def extension_schema(self, name: str) -> str:
        return f"extensions/{name}/schema.json"

    # the JSON-LD terms of the EU micro-credential elements that OB 3.0 lacks
    microcredential_context = "contexts/microcredential.json"

    # -- OB 3.0 ---------------------------------------------------------------
    def credential(self, award_id: str) -> str:
        return f"credentials/{self._id(award_id)}.json"

    def credential_baked(self, award_id: str, ext: str) -> str:
        return f"credentials/{self._id(award_id)}.{ext}"

    def status_list(self, ledger: str, number: int) -> str:
        suffix = f"-{number}" if number else ""
        return f"status/{self._id(ledger)}{suffix}.json"

    @property
    def did(self) -> str:
        """did:web of the site: the host, then the path segments (W3C did:web)."""
        parts = urlsplit(self.base_url)
        host = parts.netloc.replace(":", "%3A")
        segments = [s for s in parts.path.split("/") if s]
        return ":".join(["did:web", host, *segments])

    @property
    def did_document(self) -> str:
        return "did.json" if urlsplit(self.base_url).path.strip("/") else ".well-known/did.json"

    # -- pages for people -------------------------------------------------------
    def _lang(self, language: str | None) -> str:
        return "" if language in (None, self.language) else f"{self._id(language)}/"

    def home(self, language: str | None = None) -> str:
        return f"{self._lang(language)}index.html"

    def badge_page(self, badge_id: str, language: str | None = None) -> str:
        return f"{self._lang(language)}badges/{self._id(badge_id)}/index.html"

    def award_page(self, award_id: str) -> str:
        return f"awards/{self._id(award_id)}/index.html"

    def issuer_page(self, language: str | None = None) -> str:
        return f"{self._lang(language)}issuer/index.html"

    def paths_page(self, language: str | None = None) -> str:
        return f"{self._lang(language)}paths/index.html"

    def stats_page(self, language: str | None = None) -> str:
        return f"{self._lang(language)}stats/index.html"

    def verify_page(self, language: str | None = None) -> str:
        return f"{self._lang(language)}verify/index.html"

    not_found = "404.html"
    sitemap = "sitemap.xml"
    feed = "feed.xml"

    def asset(self, name: str) -> str:
        return f"assets/{name}"

    # -- links ----------------------------------------------------------------
    def page_url(self, path: str) -> str:
        """Public URL of a page: folders end in '/', not 'index.html'."""
        return self.url(path[: -len("index.html")] if path.endswith("index.html") else path)


def relative(from_path: str, to_path: str) -> str:
    """A link from one output file to another that works under any base path.

    Both paths are relative to the output root: drop the folders they share,
    climb out of the rest of `from_path`'s folders, descend into `to_path`.
    Plain string work, cheap enough for 100,000 pages.
    """
    target = to_path[: -len("index.html")] if to_path.endswith("index.html") else to_path
    here = from_path.split("/")[:-1]
    there = target.split("/")
    shared = 0
    while shared < len(here) and shared < len(there) - 1 and here[shared] == there[shared]:
        shared += 1
    link = "../" * (len(here) - shared) + "/".join(there[shared:])
    return link or "./"


def linker(from_path: str):
    """relative() from one page, made for many calls: a target outside the page's first
    folder (most links: assets, badges, the site's own pages) shares no folder with it,
    so its link is the way up to the root and the target."""
    folders = from_path.split("/")[:-1]
    up = "../" * len(folders)
    own = folders[0] + "/" if folders else ""

    def link(to_path: str) -> str:
        if own and to_path.startswith(own):
            return relative(from_path, to_path)
        target = to_path[: -len("index.html")] if to_path.endswith("index.html") else to_path
        return up + target or "./"
    return link
