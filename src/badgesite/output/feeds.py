"""The machine-readable extras that list the catalogue: sitemap, Atom feed, catalogue.json.

Award pages are unlisted: none of these names them.
"""
from __future__ import annotations

from html import escape as _html_escape

from ..documents.json import dump_json
from ..vocab import ob3_date
from .context import Context


def escape(text: str) -> str:
    """XML text: &, < and > (xml.sax.saxutils.escape, without its slow imports)."""
    return _html_escape(text, quote=False)


def sitemap(ctx: Context) -> bytes:
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


def feed(ctx: Context) -> bytes:
    """An Atom feed of the badges; 'updated' comes from the content, never the clock."""
    urls, site, tally = ctx.urls, ctx.site, ctx.tally
    newest = tally.newest or "2000-01-01"
    updated = ob3_date(newest)
    entries = []
    for badge in site.badges.values():
        when = ob3_date(tally.latest.get(badge.id, newest))
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


def catalogue(ctx: Context) -> bytes:
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
