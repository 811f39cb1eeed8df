"""The pipeline, and the only module that knows its order.

load + validate (nothing is written when anything is wrong) -> plan every
artifact from the frozen Site -> write them into a staging folder -> swap it in.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

from . import __version__, bake, ob2, pages
from .assemble import load_site
from .errors import BadgesiteError, Diagnostics
from .images import inspect
from .model import Award, Badge, Site
from .render import Renderer
from .urls import EXTENSIONS, Urls
from .write import Staging

log = logging.getLogger(__name__)
Artifact = tuple[str, bytes]


def dump_json(doc) -> bytes:
    """Same input, same bytes: sorted keys, no build time anywhere."""
    return (json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@dataclass
class BuildResult:
    output: Path
    files: int
    awards: int
    badges: int
    notes: list[str] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass
class Context:
    """What every step of a build shares."""

    site: Site
    urls: Urls
    renderer: Renderer
    images: dict[str, bytes] = field(default_factory=dict)  # badge id -> PNG bytes (rasterised for SVG)
    sources: dict[str, bytes] = field(default_factory=dict)  # badge id -> original image bytes
    issuer_image: str | None = None
    has_credentials: bool = False  # OB 3.0 credentials are published in this build


def build(root: Path, output: Path | None = None, signing_key=None, clean: bool = False) -> BuildResult:
    root = Path(root).resolve()
    site, diagnostics = load_site(root)
    if site is None:
        raise BadgesiteError(diagnostics.sorted())
    output = Path(output).resolve() if output else root / "output"
    if output == root or root.is_relative_to(output):
        raise BadgesiteError(f"the output folder {output} would contain the site itself")
    staging = Staging(output)
    try:
        context = make_context(site)
        context.has_credentials = signing_key is not None
        count = 0
        for rel, data in plan(context, signing_key):
            staging.write(rel, data)
            count += 1
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    result = BuildResult(output, count, len(site.awards), len(site.badges), diagnostics=diagnostics)
    return result


def make_context(site: Site) -> Context:
    config = site.config
    urls = Urls(config.base_url, config.language)
    renderer = Renderer(Path(site.root), config.theme, urls, config.language,
                        {"site": site, "config": config, "urls": urls, "version": __version__})
    context = Context(site, urls, renderer)
    root = Path(site.root)
    problems = Diagnostics()
    for badge in site.badges.values():
        data = (root / badge.image).read_bytes()
        context.sources[badge.id] = data
        if badge.image_type == "svg":
            info = inspect(data, badge.image)
            try:
                context.images[badge.id] = bake.rasterise(data.decode("utf-8"), info.width, info.height)
            except ValueError as exc:
                problems.error(badge.source.path, badge.source.line, 1, f"image '{badge.image}' cannot be drawn: {exc}")
        else:
            context.images[badge.id] = data
    if problems:
        raise BadgesiteError(problems.sorted())
    if config.issuer.image:
        context.issuer_image = config.issuer.image
    return context


def plan(ctx: Context, signing_key=None) -> Iterator[Artifact]:
    site, urls = ctx.site, ctx.urls
    yield ".nojekyll", b""
    yield from _static(ctx)
    yield from _ob2_documents(ctx)
    yield from _badge_images(ctx)
    for award in site.awards.values():
        yield from _award_artifacts(ctx, award)
    if signing_key is not None:
        from . import ob3

        yield from ob3.artifacts(ctx, signing_key)
    yield from pages.render_pages(ctx)


def _static(ctx: Context) -> Iterator[Artifact]:
    for name, path in ctx.renderer.static_files().items():
        yield ctx.urls.asset(name), path.read_bytes()
    if ctx.issuer_image:
        data = (Path(ctx.site.root) / ctx.issuer_image).read_bytes()
        ext = "svg" if ctx.issuer_image.lower().endswith(".svg") else "png"
        yield ctx.urls.issuer_image(ext), data


def issuer_image_path(ctx: Context) -> str | None:
    if not ctx.issuer_image:
        return None
    return ctx.urls.issuer_image("svg" if ctx.issuer_image.lower().endswith(".svg") else "png")


def _ob2_documents(ctx: Context) -> Iterator[Artifact]:
    site, urls = ctx.site, ctx.urls
    yield urls.issuer_json, dump_json(ob2.issuer(site.config, urls, issuer_image_path(ctx)))
    yield urls.revocations_json, dump_json(ob2.revocation_list(site, urls))
    for badge in site.badges.values():
        yield urls.badge_json(badge.id), dump_json(ob2.badge_class(badge, site.config, urls))
    for name in EXTENSIONS:
        yield urls.extension_context(name), dump_json(ob2.extension_context(name, urls))
        yield urls.extension_schema(name), dump_json(ob2.extension_schema(name, urls))


def _badge_images(ctx: Context) -> Iterator[Artifact]:
    for badge in ctx.site.badges.values():
        if badge.image_type == "svg":
            yield ctx.urls.badge_image(badge.id, "svg"), ctx.sources[badge.id]
        yield ctx.urls.badge_image(badge.id, "png"), ctx.images[badge.id]
        yield ctx.urls.badge_card(badge.id), pages.share_card(ctx, badge)


def _award_artifacts(ctx: Context, award: Award) -> Iterator[Artifact]:
    urls = ctx.urls
    badge = ctx.site.badges[award.badge]
    doc = ob2.assertion(award, urls)
    data = dump_json(doc)
    yield urls.award_json(award.id), data
    compact = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    yield urls.award_baked(award.id, "png"), bake.bake_png(ctx.images[badge.id], compact)
    if badge.image_type == "svg":
        svg = bake.bake_svg(ctx.sources[badge.id].decode("utf-8"), compact, urls.url(urls.award_json(award.id)))
        yield urls.award_baked(award.id, "svg"), svg.encode("utf-8")


def linkedin_url(ctx: Context, award: Award, badge: Badge) -> str:
    """LinkedIn's add-to-profile link for a certification."""
    config = ctx.site.config
    params = {"startTask": "CERTIFICATION_NAME", "name": badge.name}
    if config.issuer.linkedin_organization_id:
        params["organizationId"] = config.issuer.linkedin_organization_id
    else:
        params["organizationName"] = config.issuer.name
    params.update(issueYear=award.issued.year, issueMonth=award.issued.month)
    if award.expires:
        params.update(expirationYear=award.expires.year, expirationMonth=award.expires.month)
    params.update(certUrl=ctx.urls.page_url(ctx.urls.award_page(award.id)), certId=award.id)
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def build_date(site: Site) -> dt.date:
    """The newest date in the content: used where a feed needs an 'updated' time, never the clock."""
    dates = [a.issued for a in site.awards.values()] + [a.revoked.date for a in site.awards.values() if a.revoked]
    return max(dates, default=dt.date(2000, 1, 1))
