"""The pages people read, and the machine-readable extras that list them.

Catalogue pages exist in every language of the site; award pages are unlisted
(noindex, not in the sitemap) and exist once, in the site language.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..model import Award, Badge
from .context import Context, linkedin_url
from .feeds import catalogue, feed, sitemap
from .theme import Deferred

def _badge_view(ctx: Context, badge: Badge, language: str) -> dict:
    site, urls = ctx.site, ctx.urls
    return {
        "badge": badge,
        "text": badge.in_language(language),
        "page": urls.badge_page(badge.id, language),
        "image": urls.badge_image(badge.id, badge.image_type),
        "png": urls.badge_image(badge.id, "png"),
        "json": urls.badge_json(badge.id),
        "requires": [site.badges[r] for r in badge.requires if r in site.badges],
        "leads_to": site.leads_to(badge.id),
        "award_count": ctx.tally.counts.get(badge.id, 0),
    }


def _paths(ctx: Context) -> list[list[Badge]]:
    """Learning paths: every chain from a badge nothing requires... to one that leads nowhere."""
    site = ctx.site
    starts = [b for b in site.badges.values() if not b.requires and site.leads_to(b.id)]
    result = []

    def walk(chain: list[Badge]) -> None:
        nexts = [b for b in site.leads_to(chain[-1].id) if b not in chain]
        if not nexts:
            result.append(chain)
        for nxt in nexts:
            walk(chain + [nxt])

    for start in starts:
        walk([start])
    return result


def render_pages(ctx: Context) -> Iterator[tuple[str, bytes | Deferred]]:
    site, urls, r = ctx.site, ctx.urls, ctx.renderer
    config = site.config
    languages = config.languages
    badges = list(site.badges.values())
    paths = _paths(ctx)
    on_a_path = {b.id for path in paths for b in path}
    standalone = [b for b in badges if b.id not in on_a_path]
    facets = {
        "tags": sorted({t for b in badges for t in b.tags}),
        "kinds": sorted({b.kind for b in badges}),
        "levels": sorted({b.level for b in badges if b.level}),
    }
    for language in languages:
        views = [_badge_view(ctx, b, language) for b in badges]
        home = urls.home(language)
        yield home, r.deferred("index.html", home, language, views=views, facets=facets,
                             alternates={l: urls.home(l) for l in languages})
        for view in views:
            badge = view["badge"]
            page = view["page"]
            yield page, r.deferred("badge.html", page, language, **view,
                                 awards_url=None, card=urls.badge_card(badge.id),
                                 alternates={l: urls.badge_page(badge.id, l) for l in languages})
        page = urls.issuer_page(language)
        yield page, r.deferred("issuer.html", page, language, views=views, award_total=ctx.tally.total,
                             alternates={l: urls.issuer_page(l) for l in languages})
        page = urls.paths_page(language)
        yield page, r.deferred("paths.html", page, language, paths=paths, standalone=standalone,
                             views={v["badge"].id: v for v in views},
                             alternates={l: urls.paths_page(l) for l in languages})
        page = urls.verify_page(language)
        yield page, r.deferred("verify.html", page, language,
                             alternates={l: urls.verify_page(l) for l in languages})
    # award pages are rendered per award by build (in parallel, and only when changed)
    yield urls.not_found, r.deferred("404.html", urls.not_found, config.language, alternates={})
    yield urls.sitemap, sitemap(ctx)
    yield urls.feed, feed(ctx)
    yield urls.catalogue_json, catalogue(ctx)


def _award_badge_view(ctx: Context, badge: Badge, language: str) -> dict:
    """The badge part of an award page: the same for every award of the badge, so made once."""
    key = (badge.id, language)
    view = ctx.badge_views.get(key)
    if view is None:
        view = ctx.badge_views[key] = _badge_view(ctx, badge, language)
    return view


def render_award(ctx: Context, award: Award) -> bytes:
    site, urls = ctx.site, ctx.urls
    badge = site.badges[award.badge]
    language = site.config.language
    page = urls.award_page(award.id)
    credential = urls.credential(award.id) if ctx.has_credentials else None
    baked = downloads(ctx, award, badge)
    return ctx.renderer.render(
        "award.html", page, language, award=award, **_award_badge_view(ctx, badge, language),
        assertion=urls.award_json(award.id), downloads=baked, credential=credential,
        wallet_downloads=[d for d in baked if d.credential],  # the OB 3.0 ones, for the wallet block
        bake_in_browser=site.config.bake_in_browser,
        linkedin=linkedin_url(ctx, award, badge), card=urls.badge_card(badge.id),
        revocations=urls.revocations_json, alternates={})


@dataclass(frozen=True)
class Download:
    """One download of the badge with the award baked in, on the award page."""

    kind: str  # its data-download: png, svg, credential-png, credential-svg
    label: str  # PNG, SVG
    credential: bool  # OB 3.0 (the credential), else OB 2.0 (the assertion)
    target: str  # the baked file the build writes
    image: str  # what the browser bakes it from (bake_in_browser): the badge image,
    document: str  # the published assertion or credential,
    verify: str | None  # and for an OB 2.0 SVG, the hosted assertion's URL (output/bake.py, bake_svg)
    filename: str

    def __iter__(self):  # themes written before kind and the rest: {% for label, target in downloads %}
        return iter((self.label, self.target))


def downloads(ctx: Context, award: Award, badge: Badge) -> list[Download]:
    """The award page's downloads of the badge with the award baked in."""
    urls = ctx.urls
    formats = ["png", "svg"] if badge.image_type == "svg" else ["png"]
    made = [("", urls.award_baked, urls.award_json(award.id), "")]
    if ctx.has_credentials:
        made.append(("credential-", urls.credential_baked, urls.credential(award.id), "-credential"))
    return [Download(prefix + ext, ext.upper(), bool(prefix), baked(award.id, ext), urls.badge_image(badge.id, ext),
                     document, urls.url(document) if ext == "svg" and not prefix else None,
                     f"{award.id}{suffix}.{ext}")
            for prefix, baked, document, suffix in made for ext in formats]
