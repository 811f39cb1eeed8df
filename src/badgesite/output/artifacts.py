"""Every output file of a site as (path, bytes): model in, files out, nothing written.

`site_files()` names the site-wide files (pages as Deferred: rendered only when what
they are made from changed); `award_files()` makes the files of one award;
`award_paths()` names them without making them. The build decides which to make.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .. import microcredentials
from ..documents import ob2
from ..documents.json import compact_json, dump_json
from ..model import Award
from ..urls import EXTENSIONS, Urls
from .bake import bake_png, bake_svg
from .context import Context, issuer_image_path
from .pages import render_award, render_pages
from .statsreport import public_pages
from .theme import Deferred

Artifact = tuple[str, bytes]


def _credentials():
    """output/credentials.py: OB 3.0 signing, only in a build with a signing key."""
    from . import credentials  # lazy: pyld and cryptography take 0.2 s to import; most builds sign nothing

    return credentials


def site_files(ctx: Context, signing_key=None) -> Iterator[tuple[str, bytes | Deferred]]:
    """Every site-wide file (the status lists are made per ledger file: status_files)."""
    yield ".nojekyll", b""
    yield from _static(ctx)
    yield from _ob2_documents(ctx)
    yield from _badge_images(ctx)
    if signing_key is not None:
        yield _credentials().did_artifact(ctx, signing_key)
    yield from render_pages(ctx)
    if ctx.site.config.stats == "public":
        yield from public_pages(ctx)


def signing_key_id(ctx: Context, signing_key) -> str | None:
    """The id ("key-2") of the key this build signs with, or None without one."""
    return None if signing_key is None else _credentials().signing_ring(ctx.site.root, signing_key).id


def status_files(ctx: Context, signing_key, lists) -> Iterator[Artifact]:
    """The signed status lists of one ledger file."""
    yield from _credentials().status_artifacts(ctx, signing_key, lists)


def award_paths(urls: Urls, award_id: str, image_type: str, credentials: bool, baked: bool = True) -> list[str]:
    """The files award_files() makes, named without making them (`baked`: False when
    the site bakes in the browser, bake_in_browser)."""
    paths = [urls.award_json(award_id), urls.award_page(award_id)]
    if baked:
        paths.append(urls.award_baked(award_id, "png"))
        if image_type == "svg":
            paths.append(urls.award_baked(award_id, "svg"))
    if credentials:
        paths += _credentials().award_paths(urls, award_id, image_type, baked)
    return paths


def award_files(ctx: Context, award: Award, signing_key) -> Iterator[Artifact]:
    """Every file of one award: hosted assertion, baked images, page (and OB 3.0 credential).
    With bake_in_browser, no baked image: the award page makes them from the badge image."""
    yield from _ob2_award(ctx, award)
    if signing_key is not None:
        yield from _credentials().award_artifacts(ctx, award, signing_key)
    yield ctx.urls.award_page(award.id), render_award(ctx, award)


def _static(ctx: Context) -> Iterator[Artifact]:
    for name, path in ctx.renderer.static_files().items():
        yield ctx.urls.asset(name), path.read_bytes()
    if ctx.issuer_image:
        yield issuer_image_path(ctx), (Path(ctx.site.root) / ctx.issuer_image).read_bytes()


def _ob2_documents(ctx: Context) -> Iterator[Artifact]:
    site, urls = ctx.site, ctx.urls
    yield urls.issuer_json, dump_json(ob2.issuer(site.config, urls, issuer_image_path(ctx)))
    yield urls.revocations_json, dump_json(ob2.revocation_list(ctx.tally.revoked, urls))
    for badge in site.badges.values():
        yield urls.badge_json(badge.id), dump_json(ob2.badge_class(badge, site.config, urls))
    for name in EXTENSIONS:
        yield urls.extension_context(name), dump_json(ob2.extension_context(name, urls))
        yield urls.extension_schema(name), dump_json(ob2.extension_schema(name, urls))
    yield urls.microcredential_context, dump_json({"@context": microcredentials.context(urls)})


def _badge_images(ctx: Context) -> Iterator[Artifact]:
    for badge in ctx.site.badges.values():
        if badge.image_type == "svg":
            yield ctx.urls.badge_image(badge.id, "svg"), ctx.sources[badge.id]
        yield ctx.urls.badge_image(badge.id, "png"), ctx.images[badge.id]


def _ob2_award(ctx: Context, award: Award) -> Iterator[Artifact]:
    """The hosted OB 2.0 assertion, and the badge image with it baked in (unless the
    browser bakes it: themes/default/static/bake.js makes the same bytes)."""
    urls = ctx.urls
    badge = ctx.site.badges[award.badge]
    doc = ob2.assertion(award, urls)
    yield urls.award_json(award.id), dump_json(doc)
    if ctx.site.config.bake_in_browser:
        return
    compact = compact_json(doc)
    yield urls.award_baked(award.id, "png"), bake_png(ctx.images[badge.id], compact)
    if badge.image_type == "svg":
        svg = bake_svg(ctx.sources[badge.id].decode("utf-8"), compact.decode("utf-8"),
                       urls.url(urls.award_json(award.id)))
        yield urls.award_baked(award.id, "svg"), svg.encode("utf-8")
