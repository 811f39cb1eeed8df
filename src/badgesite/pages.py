"""The pages people read, and the machine-readable extras that list them.

Catalogue pages exist in every language of the site; award pages are unlisted
(noindex, not in the sitemap) and exist once, in the site language.
"""
from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Iterator
from xml.sax.saxutils import escape

from .model import Award, Badge

if TYPE_CHECKING:  # pragma: no cover
    from .build import Artifact, Context

CARD_SIZE = (1200, 630)


def _badge_view(ctx: "Context", badge: Badge, language: str) -> dict:
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
        "award_count": sum(1 for a in site.awards.values() if a.badge == badge.id),
    }


def _paths(ctx: "Context") -> list[list[Badge]]:
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


def render_pages(ctx: "Context") -> Iterator["Artifact"]:
    site, urls, r = ctx.site, ctx.urls, ctx.renderer
    config = site.config
    languages = config.languages
    badges = list(site.badges.values())
    paths = _paths(ctx)
    facets = {
        "tags": sorted({t for b in badges for t in b.tags}),
        "kinds": sorted({b.kind for b in badges}),
        "levels": sorted({b.level for b in badges if b.level}),
    }
    for language in languages:
        alternates = {lang: None for lang in languages}
        views = [_badge_view(ctx, b, language) for b in badges]
        home = urls.home(language)
        yield home, r.render("index.html", home, language, views=views, facets=facets,
                             alternates={l: urls.home(l) for l in languages})
        for view in views:
            badge = view["badge"]
            page = view["page"]
            yield page, r.render("badge.html", page, language, **view,
                                 awards_url=None, card=urls.badge_card(badge.id),
                                 alternates={l: urls.badge_page(badge.id, l) for l in languages})
        page = urls.issuer_page(language)
        yield page, r.render("issuer.html", page, language, views=views,
                             alternates={l: urls.issuer_page(l) for l in languages})
        page = urls.paths_page(language)
        yield page, r.render("paths.html", page, language, paths=paths,
                             views={v["badge"].id: v for v in views},
                             alternates={l: urls.paths_page(l) for l in languages})
        page = urls.verify_page(language)
        yield page, r.render("verify.html", page, language,
                             alternates={l: urls.verify_page(l) for l in languages})
        del alternates
    for award in site.awards.values():
        page = urls.award_page(award.id)
        yield page, render_award(ctx, award)
    yield urls.not_found, r.render("404.html", urls.not_found, config.language, alternates={})
    yield urls.sitemap, sitemap(ctx)
    yield urls.feed, feed(ctx)
    yield urls.catalogue_json, catalogue(ctx)


def render_award(ctx: "Context", award: Award) -> bytes:
    from .build import linkedin_url

    site, urls = ctx.site, ctx.urls
    badge = site.badges[award.badge]
    language = site.config.language
    page = urls.award_page(award.id)
    downloads = [("PNG", urls.award_baked(award.id, "png"))]
    if badge.image_type == "svg":
        downloads.append(("SVG", urls.award_baked(award.id, "svg")))
    credential = urls.credential(award.id) if getattr(ctx, "has_credentials", False) else None
    return ctx.renderer.render(
        "award.html", page, language, award=award, **_badge_view(ctx, badge, language),
        assertion=urls.award_json(award.id), downloads=downloads, credential=credential,
        linkedin=linkedin_url(ctx, award, badge), card=urls.badge_card(badge.id),
        revocations=urls.revocations_json, alternates={})


def sitemap(ctx: "Context") -> bytes:
    urls, site = ctx.urls, ctx.site
    pages = []
    for language in site.config.languages:
        pages += [urls.home(language), urls.issuer_page(language), urls.paths_page(language), urls.verify_page(language)]
        pages += [urls.badge_page(b, language) for b in site.badges]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(urls.page_url(p))}</loc></url>" for p in pages]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def feed(ctx: "Context") -> bytes:
    """An Atom feed of the badges; 'updated' comes from the content, never the clock."""
    from .build import build_date

    urls, site = ctx.urls, ctx.site
    updated = f"{build_date(site).isoformat()}T00:00:00Z"
    entries = []
    for badge in site.badges.values():
        awards = [a.issued for a in site.awards.values() if a.badge == badge.id]
        when = f"{max(awards, default=build_date(site)).isoformat()}T00:00:00Z"
        link = urls.page_url(urls.badge_page(badge.id))
        entries.append(
            f"  <entry>\n    <id>{escape(link)}</id>\n    <title>{escape(badge.name)}</title>\n"
            f"    <link href=\"{escape(link)}\"/>\n    <updated>{when}</updated>\n"
            f"    <summary>{escape(badge.text.description)}</summary>\n  </entry>")
    title = site.config.title or site.config.issuer.name
    head = (f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <id>{escape(site.config.base_url)}</id>\n  <title>{escape(title)}</title>\n"
            f"  <updated>{updated}</updated>\n  <author><name>{escape(site.config.issuer.name)}</name></author>\n"
            f"  <link rel=\"self\" href=\"{escape(urls.url(urls.feed))}\"/>\n")
    return (head + "\n".join(entries) + "\n</feed>\n").encode("utf-8")


def catalogue(ctx: "Context") -> bytes:
    from .build import dump_json

    urls, site = ctx.urls, ctx.site
    items = []
    for badge in site.badges.values():
        items.append({
            "id": badge.id, "name": badge.name, "description": badge.text.description,
            "kind": badge.kind, "level": badge.level, "tags": list(badge.tags),
            "requires": list(badge.requires), "retired": badge.retired.isoformat() if badge.retired else None,
            "languages": [site.config.language, *badge.languages],
            "page": urls.page_url(urls.badge_page(badge.id)), "badgeclass": urls.url(urls.badge_json(badge.id)),
            "image": urls.url(urls.badge_image(badge.id, badge.image_type)),
            "ects": badge.study_load.ects if badge.study_load else None,
            "hours": badge.study_load.hours if badge.study_load else None, "eqf": badge.eqf,
        })
    return dump_json({"issuer": urls.url(urls.issuer_json), "badges": items})


def share_card(ctx: "Context", badge: Badge) -> bytes:
    """A 1200x630 PNG for Open Graph / Twitter cards: badge image, name and issuer."""
    from PIL import Image, ImageDraw, ImageFont

    card = Image.new("RGB", CARD_SIZE, "#ffffff")
    draw = ImageDraw.Draw(card)
    accent = ctx.site.config.issuer.color or "#1d4e89"
    draw.rectangle([0, 0, CARD_SIZE[0], 18], fill=accent)
    with Image.open(io.BytesIO(ctx.images[badge.id])) as image:
        image = image.convert("RGBA")
        image.thumbnail((420, 420))
        card.paste(image, (80, (CARD_SIZE[1] - image.height) // 2 + 9), image)
    title = ImageFont.load_default(size=54)
    small = ImageFont.load_default(size=32)
    x, y = 560, 190
    for line in _wrap(badge.name, 20)[:3]:
        draw.text((x, y), line, font=title, fill="#111111")
        y += 66
    draw.text((x, y + 30), _wrap(ctx.site.config.issuer.name, 32)[0], font=small, fill="#444444")
    out = io.BytesIO()
    card.save(out, "PNG", optimize=False)
    return out.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line] if line else lines or [""]


def json_ld(value) -> str:  # pragma: no cover - kept for themes
    return json.dumps(value, sort_keys=True)
