"""How much a build publishes, and whether its host will take it.

Static hosts refuse a site over a size: GitHub Pages and GitLab Pages at 1 GB, and a
signed build publishes some 40-65 kB per award. `size_limit` in badgesite.yaml (default
`1 GB`; `none` for object storage) makes a build that would publish more fail before its
output is swapped in, and warns from 80 % of the limit.

The size is counted by kind of file (award pages, assertions, baked images, credentials,
status lists, the rest of the site) and kept in the build's record, so that:
- an incremental build measures only the files it changed (their size before and
  after), not the whole site;
- `check` projects the size without building: the last build's site-wide bytes, plus
  its average bytes per award of each kind times today's number of awards.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .errors import Diagnostic
from .model import SizeLimit
from .urls import Urls

WARN_AT = 0.8  # warn from this share of the limit

# the files of one award, by kind, and the rest
AWARD_KINDS = ("award pages", "assertions", "baked images", "credentials", "baked credentials")
BAKED_KINDS = ("baked images", "baked credentials")  # what bake_in_browser leaves out
KINDS = AWARD_KINDS + ("status lists", "site")

_urls = Urls("https://example.org/", "en")  # only to learn the folders urls.py decides
_AWARDS = _urls.award_json("x").split("/")[0] + "/"
_CREDENTIALS = _urls.credential("x").split("/")[0] + "/"
_STATUS = _urls.status_list("x", 0).split("/")[0] + "/"
_PAGE = _urls.award_page("x").rpartition("/")[2]


def format_size(size: float) -> str:
    """1234567 -> '1.23 MB' (decimal units, as hosts state their limits)."""
    for unit, factor in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= factor:
            value = size / factor
            return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{size:.0f} B"


def kind_of(rel: str) -> str:
    if rel.startswith(_AWARDS):
        if rel.endswith("/" + _PAGE):
            return "award pages"
        return "assertions" if rel.endswith(".json") else "baked images"
    if rel.startswith(_CREDENTIALS):
        return "credentials" if rel.endswith(".json") else "baked credentials"
    if rel.startswith(_STATUS):
        return "status lists"
    return "site"


@dataclass
class SiteSize:
    """Files and bytes of a published site by kind, and its number of awards."""

    awards: int
    kinds: dict[str, list[int]] = field(default_factory=lambda: {kind: [0, 0] for kind in KINDS})
    limit: SizeLimit = SizeLimit()
    projected: bool = False  # estimated by check, not counted

    @property
    def files(self) -> int:
        return sum(files for files, _ in self.kinds.values())

    @property
    def bytes(self) -> int:
        return sum(size for _, size in self.kinds.values())

    def per_award(self, kinds=AWARD_KINDS) -> float:
        return sum(self.kinds[kind][1] for kind in kinds) / self.awards if self.awards else 0.0

    def add(self, rel: str, files: int, size: int) -> None:
        counts = self.kinds[kind_of(rel)]
        counts[0] += files
        counts[1] += size

    def record(self) -> dict:
        return {"awards": self.awards, "kinds": self.kinds, "limit": [self.limit.bytes, self.limit.text]}

    @classmethod
    def from_record(cls, record) -> "SiteSize | None":
        """The size kept in a build record; None when it has none (or not in this form)."""
        try:
            kinds = {kind: [int(record["kinds"][kind][0]), int(record["kinds"][kind][1])] for kind in KINDS}
            limit, text = record["limit"]
            return cls(int(record["awards"]), kinds, SizeLimit(None if limit is None else int(limit), str(text)))
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def summary(self) -> str:
        """The one line every build ends with."""
        limit = self.limit
        text = (f"{'projected size' if self.projected else 'size'}: {self.files:,} files, "
                f"{format_size(self.bytes)}")
        if self.awards:
            text += f", {format_size(self.per_award())} per award"
        if limit.bytes is not None:
            text += f" ({self.bytes * 100 / limit.bytes:.0f} % of the size_limit of {limit.text})"
        return text

    def by_kind(self) -> list[str]:
        """One line per kind (--verbose)."""
        lines = []
        for kind in KINDS:
            files, size = self.kinds[kind]
            if not files:
                continue
            line = f"  {kind:<18} {files:>9,} files {format_size(size):>9}"
            if kind in AWARD_KINDS and self.awards:
                line += f"  {format_size(size / self.awards)} per award"
            lines.append(line)
        return lines


def measure(staging, awards: int, limit: SizeLimit, made: SiteSize | None = None) -> SiteSize:
    """The size of what a staging folder (write.Staging) is about to publish: from the
    live site's size and the paths this build changed, when the live build counted it;
    in a fresh folder, what the workers counted as they wrote (`made`) and the files the
    build wrote itself (never walking the whole folder)."""
    live = (staging.live or {}).get("build") or {} if staging.incremental else {}
    before = SiteSize.from_record(live.get("size"))
    if before is not None:
        size = measure_changes(before, str(staging.output), str(staging.path), staging.changed, awards)
    elif made is not None and not staging.incremental:
        size = SiteSize(awards, {kind: list(counts) for kind, counts in made.kinds.items()})
        for rel in staging.changed:
            try:
                size.add(rel, 1, os.lstat(f"{staging.path}/{rel}").st_size)
            except FileNotFoundError:  # written, then deleted
                continue
    else:
        size = measure_folder(str(staging.path), awards)
    size.limit = limit
    return size


def merge(into: SiteSize, kinds: dict[str, list[int]]) -> None:
    """Add the counts by kind of another SiteSize (a worker's) to `into`."""
    for kind, (files, size) in kinds.items():
        counts = into.kinds[kind]
        counts[0] += files
        counts[1] += size


def measure_folder(folder: str, awards: int) -> SiteSize:
    """Count every file under `folder` (a build that wrote everything)."""
    size = SiteSize(awards)
    start = len(folder) + 1
    for current, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(current, name)
            size.add(path[start:].replace(os.sep, "/"), 1, os.lstat(path).st_size)
    return size


def measure_changes(before: SiteSize, live: str, staging: str, changed, awards: int) -> SiteSize:
    """The size of `staging`, a copy of the live site `live` (whose size is `before`)
    where only the paths `changed` were written or deleted."""
    size = SiteSize(awards, {kind: list(counts) for kind, counts in before.kinds.items()})
    for rel in changed:
        for folder, sign in ((live, -1), (staging, 1)):
            try:
                stat = os.lstat(f"{folder}/{rel}")
            except FileNotFoundError:
                continue
            size.add(rel, sign, sign * stat.st_size)
    return size


def project(last: SiteSize, awards: int, limit: SizeLimit, bake_in_browser: bool = False) -> SiteSize:
    """The size of the site with `awards` awards, from the last build's averages per kind
    (without baked images when the site now bakes in the browser)."""
    size = SiteSize(awards, {kind: list(counts) for kind, counts in last.kinds.items()}, limit, projected=True)
    if last.awards:
        for kind in AWARD_KINDS:
            files, total = last.kinds[kind]
            size.kinds[kind] = [round(files * awards / last.awards), round(total * awards / last.awards)]
    if bake_in_browser:
        for kind in BAKED_KINDS:
            size.kinds[kind] = [0, 0]
    return size


def projection(live: dict, site) -> SiteSize | None:
    """What a build of `site` (a model.Site with its awards) would publish, projected from
    the live build (its record: incremental/state.live_build); None when there is none
    that counted its size."""
    last = SiteSize.from_record(live.get("size"))
    config = site.config
    return None if last is None else project(last, len(site.awards), config.size_limit, config.bake_in_browser)


def judge(size: SiteSize, bake_in_browser: bool = False) -> Diagnostic | None:
    """An error when the site is over its size_limit, a warning from 80 % of it."""
    limit = size.limit
    if limit.bytes is None or size.bytes < limit.bytes * WARN_AT:
        return None
    what = "would publish" if size.projected else "publishes"
    counted = f"{format_size(size.bytes)} in {size.files:,} files"
    remedies = ("publish to object storage instead, with `badgesite deploy s3://BUCKET` and `size_limit: none`: "
                "see docs/publishing.md")
    baked = sum(size.kinds[kind][1] for kind in BAKED_KINDS)
    if not bake_in_browser and baked:
        left = size.bytes - baked
        fits = "within" if left <= limit.bytes * WARN_AT else "close to" if left <= limit.bytes else "still over"
        remedies = (f"set `bake_in_browser: true`, and the build leaves out the baked images, {format_size(baked)} or "
                    f"{format_size(baked / max(size.awards, 1))} per award, for about {format_size(left)} in all, "
                    f"{fits} the limit: the award pages make them in the browser (docs/content.md); or " + remedies)
    if size.bytes > limit.bytes:
        return Diagnostic(limit.path, limit.line, 0, f"the site {what} {counted}, over its size_limit of "
                          f"{limit.text}, which the host would refuse", "error", remedies)
    return Diagnostic(limit.path, limit.line, 0, f"the site {what} {counted}, "
                      f"{size.bytes * 100 / limit.bytes:.0f} % of its size_limit of {limit.text}", "warning", remedies)
