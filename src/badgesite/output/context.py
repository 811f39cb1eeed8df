"""What every step that makes output files shares: the Context of one build.

`make_context(site)` reads the badge images once (`badge_images`: SVG badges are
rasterised to PNG for baking and cards) and sets up the theme's Renderer. The memos here live as long
as the Context, one build: nothing in this package keeps state between builds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable
from pathlib import Path
from urllib.parse import quote_plus, urlencode

import jinja2

from .. import __version__
from ..documents.stats import Fact
from ..errors import BadgesiteError, Diagnostics
from ..model import Award, Badge, Site, Tally
from ..source.images import inspect
from ..urls import Urls
from .bake import rasterise
from .theme import MarkdownMemo, Renderer


@dataclass
class Context:
    """What every step of a build shares."""

    site: Site  # in a build, site.awards makes each award when asked: pages take them one at a time
    urls: Urls
    renderer: Renderer
    images: dict[str, bytes] = field(default_factory=dict)  # badge id -> PNG bytes (rasterised for SVG)
    sources: dict[str, bytes] = field(default_factory=dict)  # badge id -> original image bytes
    issuer_image: str | None = None  # the logo's path in the site folder
    has_credentials: bool = False  # OB 3.0 credentials are published in this build
    tally: Tally = field(default_factory=Tally)  # counts, dates and revocations of all awards
    award_facts: Callable[[], list[Fact]] = list  # what statistics count of every award (stats: public)
    # memos of what every award of a badge shares (made once per build, read by every award)
    badge_views: dict[tuple[str, str], dict] = field(default_factory=dict)  # (badge, language) -> page data
    credential_parts: dict[str, tuple] = field(default_factory=dict)  # badge id -> output/credentials.py
    linkedin: dict[str, str] = field(default_factory=dict)  # badge id -> the start of its LinkedIn link
    award_folder: str | None = None  # the award pages' address up to the award id, quoted


def make_context(site: Site, markdown: MarkdownMemo | None = None,
                 templates: jinja2.BytecodeCache | None = None) -> Context:
    """The Context of a site; `markdown`: HTML of Markdown texts converted before;
    `templates`: where compiled templates are kept (theme.Renderer)."""
    config = site.config
    urls = Urls(config.base_url, config.language)
    renderer = Renderer(Path(site.root), config.theme, urls, config.language,
                        {"site": site, "config": config, "urls": urls, "version": __version__}, markdown, templates)
    context = Context(site, urls, renderer)
    context.sources, context.images = badge_images(site, site.badges)
    if config.issuer.image:
        context.issuer_image = config.issuer.image
    renderer.set_global("issuer_logo", issuer_image_path(context))  # output path of the logo, or None
    return context


def badge_images(site: Site, badge_ids: Iterable[str]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Each badge's image as its file holds it, and as PNG (an SVG badge rasterised, for
    baking, share cards and EDCs); BadgesiteError naming every image that cannot be drawn."""
    sources, images = {}, {}
    problems = Diagnostics()
    for badge_id in badge_ids:
        badge = site.badges[badge_id]
        data = sources[badge_id] = (Path(site.root) / badge.image).read_bytes()
        if badge.image_type == "svg":
            info = inspect(data, badge.image)
            try:
                images[badge_id] = rasterise(data.decode("utf-8"), info.width, info.height)
            except ValueError as exc:
                problems.error(badge.source.path, badge.source.line, 1, f"image '{badge.image}' cannot be drawn: {exc}")
        else:
            images[badge_id] = data
    if problems:
        raise BadgesiteError(problems.sorted())
    return sources, images


def issuer_image_path(ctx: Context) -> str | None:
    """Where the issuer's logo is published, or None without one."""
    if not ctx.issuer_image:
        return None
    return ctx.urls.issuer_image("svg" if ctx.issuer_image.lower().endswith(".svg") else "png")


def linkedin_url(ctx: Context, award: Award, badge: Badge) -> str:
    """LinkedIn's add-to-profile link for a certification (the badge's part made once)."""
    start = ctx.linkedin.get(badge.id)
    if start is None:
        config = ctx.site.config
        params = {"startTask": "CERTIFICATION_NAME", "name": badge.name}
        if config.issuer.linkedin_organization_id:
            params["organizationId"] = config.issuer.linkedin_organization_id
        else:
            params["organizationName"] = config.issuer.name
        start = ctx.linkedin[badge.id] = "https://www.linkedin.com/profile/add?" + urlencode(params)
    folder = ctx.award_folder
    if folder is None:
        page = ctx.urls.page_url(ctx.urls.award_page("x"))
        folder = ctx.award_folder = quote_plus(page[:page.rindex("x/")])
    # what urlencode() writes for the rest, by hand: numbers, and an id that needs no
    # quoting (urls allows only letters, digits, '-', '_' and '.' in it)
    tail = f"&issueYear={award.issued.year}&issueMonth={award.issued.month}"
    if award.expires:
        tail += f"&expirationYear={award.expires.year}&expirationMonth={award.expires.month}"
    return f"{start}{tail}&certUrl={folder}{award.id}%2F&certId={award.id}"
