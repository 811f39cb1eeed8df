"""The awards as European Digital Credentials, for sealing (`badgesite export edc DIR`).

Every chosen award is made and checked first; only when all of them can be made is
anything written (each file atomically, `<award id>.jsonld`), so DIR never holds a
set of which some are not valid. What the site lacks is reported once, at
badgesite.yaml; what a badge lacks, at each award of it.
"""
from __future__ import annotations

from pathlib import Path

from .config import setting_position
from .documents import edc
from .documents.json import dump_json
from .errors import BadgesiteError, Diagnostics, UsageError, did_you_mean
from .model import Site
from .output.context import badge_images
from .source.files import replace_file
from .urls import Urls

FORMATS = ("edc",)


def edc_documents(site: Site, award_ids: list[str] | None = None) -> dict[str, bytes]:
    """{file name: bytes} of the EDC of each award (every award that is not revoked when
    `award_ids` is None); BadgesiteError with every problem when any cannot be made."""
    problems = Diagnostics()
    if award_ids:
        for award_id in award_ids:
            if award_id not in site.awards:
                hint = did_you_mean(award_id, site.awards)
                raise UsageError(f"no award '{award_id}'" + (f" ({hint})" if hint else ""))
        awards = [site.awards[i] for i in dict.fromkeys(award_ids)]
        for award in awards:
            if award.revoked:
                problems.error(award.source.path, award.source.line, award.source.col,
                               f"award '{award.id}' was revoked on {award.revoked.date}: it cannot be exported "
                               "to be sealed")
    else:
        awards = [a for a in site.awards.values() if not a.revoked]
    site_lacks = edc.site_lacks(site)
    if site_lacks:
        issuer = setting_position(Path(site.root), ("issuer",), value=False) or (0, 0)
    for missing in site_lacks:
        problems.error("badgesite.yaml", *issuer, f"a European Digital Credential needs {missing}")
    for award in awards:
        for missing in edc.lacks(site, award):
            problems.error(award.source.path, award.source.line, award.source.col,
                           f"award '{award.id}': a European Digital Credential of badge '{award.badge}' needs "
                           f"{missing}", f"see {site.badges[award.badge].source.path}")
    if problems:
        raise BadgesiteError(problems.sorted())
    urls = Urls(site.config.base_url, site.config.language)
    _, images = badge_images(site, sorted({a.badge for a in awards}))
    return {f"{award.id}.jsonld": dump_json(edc.credential(site, award, urls, images[award.badge])) for award in awards}


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Each file written atomically: a reader sees the old file or the new one."""
    for name, data in sorted(files.items()):
        replace_file(folder / name, data)
