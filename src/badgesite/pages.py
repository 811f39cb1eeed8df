"""The pages people read, and the machine-readable extras that list them.

Catalogue pages exist in every language of the site; award pages are unlisted
(noindex, not in the sitemap) and exist once, in the site language.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Iterator
from html import escape as _html_escape

from .model import Award, Badge

if TYPE_CHECKING:  # pragma: no cover
    from .build import Context
    from .render import Deferred

CARD_SIZE = (1200, 630)


def escape(text: str) -> str:
    """XML text: &, < and > (xml.sax.saxutils.escape, without its slow imports)."""
    return _html_escape(text, quote=False)


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
        "award_count": ctx.tally.counts.get(badge.id, 0),
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


def render_pages(ctx: "Context") -> Iterator[tuple[str, "bytes | Deferred"]]:
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


def _award_badge_view(ctx: "Context", badge: Badge, language: str) -> dict:
    """The badge part of an award page: the same for every award of the badge, so made once."""
    key = (badge.id, language)
    view = ctx.views.get(key)
    if view is None:
        view = ctx.views[key] = _badge_view(ctx, badge, language)
    return view


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
        "award.html", page, language, award=award, **_award_badge_view(ctx, badge, language),
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
    urls, site, tally = ctx.urls, ctx.site, ctx.tally
    newest = tally.newest or "2000-01-01"
    updated = f"{newest}T00:00:00Z"
    entries = []
    for badge in site.badges.values():
        when = f"{tally.latest.get(badge.id, newest)}T00:00:00Z"
        link = urls.page_url(urls.badge_page(badge.id))
        entries.append(
            f"  <entry>\n    <id>{escape(link)}</id>\n    <title>{escape(badge.name)}</title>\n"
            f"    <link href=\"{_html_escape(link)}\"/>\n    <updated>{when}</updated>\n"
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
            "nlqf": badge.nlqf, "qf_ehea_cycle": badge.qf_ehea_cycle, "participation": badge.participation,
            "quality_assurance": ({"text": badge.quality_assurance.text, "url": badge.quality_assurance.url}
                                  if badge.quality_assurance else None),
            "id_verification": badge.id_verification,
        })
    issuer = site.config.issuer
    return dump_json({"issuer": urls.url(urls.issuer_json), "issuer_country": issuer.country,
                      "issuer_legal_identifier": issuer.legal_identifier, "badges": items})


def share_card(ctx: "Context", badge: Badge) -> bytes:
    """A 1200x630 PNG for Open Graph / Twitter cards: badge image, name, kind and issuer.

    Drawn with Pillow's bundled font only, so the same input gives the same bytes on
    every machine (no system fonts).
    """
    from PIL import Image, ImageDraw, ImageFont

    from .render import readable_accent

    width, height = CARD_SIZE
    config = ctx.site.config
    accent = readable_accent(config.issuer.color)
    card = Image.new("RGB", CARD_SIZE, "#ffffff")
    draw = ImageDraw.Draw(card)
    # A soft panel on the left for the badge, an accent band along the top and bottom.
    draw.rectangle([0, 0, 500, height], fill=_tint(accent, 0.9))
    brand = (config.issuer.color or accent).lower()
    draw.rectangle([0, 0, width, 14], fill=brand)
    draw.rectangle([0, height - 8, width, height], fill=brand)
    with Image.open(io.BytesIO(ctx.images[badge.id])) as image:
        image = image.convert("RGBA")
        image.thumbnail((380, 380), Image.LANCZOS)
        card.paste(image, ((500 - image.width) // 2, (height - image.height) // 2 + 3), image)

    def font(size: int):
        return ImageFont.load_default(size=size)

    x, right = 560, width - 64
    kicker = "OPEN BADGE" + (f"  ·  {badge.kind.upper()}" if badge.kind != "badge" else "")
    draw.text((x, 120), kicker, font=font(28), fill=accent, stroke_width=1, stroke_fill=accent)
    title_font = font(64)
    lines = _wrap_px(draw, badge.name, title_font, right - x, 3)
    y = 172
    for line in lines:
        draw.text((x, y), line, font=title_font, fill="#111111", stroke_width=1, stroke_fill="#111111")
        y += 76
    body_font = font(30)
    for line in _wrap_px(draw, badge.text.description, body_font, right - x, 2 if len(lines) > 1 else 3):
        draw.text((x, y + 14), line, font=body_font, fill="#444444")
        y += 40
    issuer_y = height - 130
    draw.line([x, issuer_y - 26, right, issuer_y - 26], fill="#d5dae1", width=2)
    logo_x = x
    if ctx.issuer_image and not ctx.issuer_image.lower().endswith(".svg"):
        try:
            with Image.open(io.BytesIO((Path(ctx.site.root) / ctx.issuer_image).read_bytes())) as logo:
                logo = logo.convert("RGBA")
                logo.thumbnail((72, 72), Image.LANCZOS)
                card.paste(logo, (x, issuer_y), logo)
                logo_x = x + logo.width + 20
        except (OSError, ValueError):
            pass
    name = _wrap_px(draw, config.issuer.name, font(34), right - logo_x)[0]
    draw.text((logo_x, issuer_y + 2), name, font=font(34), fill="#111111", stroke_width=1, stroke_fill="#111111")
    host = config.base_url.split("://", 1)[-1].rstrip("/")
    draw.text((logo_x, issuer_y + 44), _wrap_px(draw, host, font(24), right - logo_x)[0], font=font(24), fill="#555555")
    out = io.BytesIO()
    card.save(out, "PNG", compress_level=3)  # 40% faster than the default 6, 14% larger
    return out.getvalue()


def _tint(color: str, amount: float) -> str:
    """`color` mixed with white (amount 0: the colour, 1: white)."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in (r, g, b))


def _wrap_px(draw, text: str, font, width: int, max_lines: int = 1) -> list[str]:
    """Words of `text` in at most `max_lines` lines no wider than `width` pixels; what does not
    fit is cut with an ellipsis."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if not line or draw.textlength(candidate, font=font) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(",;:.") + " …"
    fitted = []
    for item in lines or [""]:
        while item and draw.textlength(item, font=font) > width:
            item = item[:-2] + "…"
        fitted.append(item)
    return fitted
