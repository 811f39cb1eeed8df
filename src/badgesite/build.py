"""The pipeline, and the only module that knows its order.

load + validate (nothing is written when anything is wrong) -> plan every
artifact from the frozen Site -> write them into a staging folder -> swap it in.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
import hashlib
import json
import logging
import multiprocessing
import os
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
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    written: int = 0  # files made in this build
    kept: int = 0  # files reused unchanged from an earlier build


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
    award_counts: dict[str, int] = field(default_factory=dict)  # badge id -> number of awards
    views: dict = field(default_factory=dict)  # memo of per-badge page data, see pages


def build(root: Path, output: Path | None = None, signing_key=None, clean: bool = False,
          jobs: int | None = None) -> BuildResult:
    """Validate, then build into a staging folder and swap it in. Nothing is written
    when the content has errors. Without `clean`, files whose inputs did not change
    since the last build are kept instead of being made again."""
    root = Path(root).resolve()
    site, diagnostics = load_site(root)
    if site is None:
        raise BadgesiteError(diagnostics.sorted())
    output = Path(output).resolve() if output else root / "output"
    if output == root or root.is_relative_to(output):
        raise BadgesiteError(f"the output folder {output} would contain the site itself")
    context = make_context(site)
    context.has_credentials = signing_key is not None
    staging = Staging(output, reuse=not clean)
    try:
        base = global_fingerprint(context, signing_key)
        for rel, data in plan(context, signing_key):
            staging.write(rel, data)
        write_cards(context, staging, base)
        write_awards(context, staging, signing_key, base, jobs)
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    result = BuildResult(output, len(staging.files), len(site.awards), len(site.badges), diagnostics=diagnostics)
    result.written, result.kept = staging.written, staging.kept
    return result


# -- per-award work: fingerprinted, and spread over worker processes --------------

def _fingerprint(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def global_fingerprint(ctx: Context, signing_key) -> str:
    """Everything besides the award and its badge that an award's files depend on."""
    theme = hashlib.sha256()
    for folder in ctx.renderer.dirs:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                theme.update(file.relative_to(folder).as_posix().encode() + b"\x00" + file.read_bytes())
    key_id = None
    if signing_key is not None:
        from .ob3 import signing_ring

        key_id = signing_ring(ctx.site.root, signing_key).id
    # An award page names other badges too (what its badge requires and leads to), so
    # any badge change remakes every award: badge edits are rare, awards are many.
    badges = [(b, hashlib.sha256(ctx.sources[b.id]).hexdigest()) for b in ctx.site.badges.values()]
    return _fingerprint(__version__, ctx.site.config, theme.hexdigest(), key_id, ctx.has_credentials, badges)


def award_jobs(ctx: Context, base: str) -> list[tuple[Award, str]]:
    return [(a, _fingerprint(base, a)) for a in ctx.site.awards.values()]


def award_files(ctx: Context, award: Award, signing_key) -> Iterator[Artifact]:
    """Every file of one award: hosted assertion, baked images, page (and OB 3.0 credential)."""
    yield from _award_artifacts(ctx, award)
    if signing_key is not None:
        from . import ob3

        yield from ob3.award_artifacts(ctx, award, signing_key)
    yield ctx.urls.award_page(award.id), pages.render_award(ctx, award)


def award_paths(ctx: Context, award: Award, signing_key) -> list[str]:
    """The files award_files() makes, named without making them."""
    urls, badge = ctx.urls, ctx.site.badges[award.badge]
    paths = [urls.award_json(award.id), urls.award_baked(award.id, "png"), urls.award_page(award.id)]
    if badge.image_type == "svg":
        paths.append(urls.award_baked(award.id, "svg"))
    if signing_key is not None:
        from . import ob3

        paths += ob3.award_paths(ctx, award)
    return paths


_WORKER: tuple | None = None  # (context, staging folder, key), inherited by forked workers


def _write_chunk(chunk: list[tuple[Award, str]]) -> tuple[dict[str, str], int]:
    ctx, folder, signing_key = _WORKER
    files, written, made = {}, 0, set()
    for award, fingerprint in chunk:
        for rel, data in award_files(ctx, award, signing_key):
            target = folder / rel
            parent = target.parent
            if parent not in made:
                parent.mkdir(parents=True, exist_ok=True)
                made.add(parent)
            tmp = target.with_name(target.name + ".~tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
            files[rel] = fingerprint
            written += 1
    return files, written


def write_awards(ctx: Context, staging: Staging, signing_key, base: str, jobs: int | None = None) -> None:
    global _WORKER
    todo = []
    for award, fingerprint in award_jobs(ctx, base):
        paths = award_paths(ctx, award, signing_key)
        fresh = [staging.fresh(rel, fingerprint) for rel in paths]
        if any(fresh):
            for rel, was_fresh in zip(paths, fresh):
                if not was_fresh:  # written again with the others of its award
                    del staging.files[rel]
                    staging.kept -= 1
            todo.append((award, fingerprint))
    if not todo:
        return
    jobs = jobs or os.cpu_count() or 1
    _WORKER = (ctx, staging.path, signing_key)
    try:
        if jobs > 1 and len(todo) >= 200 and "fork" in multiprocessing.get_all_start_methods():
            size = max(50, len(todo) // (jobs * 8))
            chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for files, written in pool.imap_unordered(_write_chunk, chunks):
                    staging.written_by_worker(files, written)
        else:
            files, written = _write_chunk(todo)
            staging.written_by_worker(files, written)
    finally:
        _WORKER = None


def make_context(site: Site) -> Context:
    config = site.config
    urls = Urls(config.base_url, config.language)
    renderer = Renderer(Path(site.root), config.theme, urls, config.language,
                        {"site": site, "config": config, "urls": urls, "version": __version__})
    context = Context(site, urls, renderer)
    context.award_counts = dict(Counter(a.badge for a in site.awards.values()))
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
    renderer.env.globals["issuer_logo"] = issuer_image_path(context)  # output path of the logo, or None
    return context


def plan(ctx: Context, signing_key=None) -> Iterator[Artifact]:
    site, urls = ctx.site, ctx.urls
    yield ".nojekyll", b""
    yield from _static(ctx)
    yield from _ob2_documents(ctx)
    yield from _badge_images(ctx)
    if signing_key is not None:
        from . import ob3

        yield from ob3.site_artifacts(ctx, signing_key)
    yield from pages.render_pages(ctx)


def _static(ctx: Context) -> Iterator[Artifact]:
    for name, path in ctx.renderer.static_files().items():
        yield ctx.urls.asset(name), path.read_bytes()
    if ctx.issuer_image:
        yield issuer_image_path(ctx), (Path(ctx.site.root) / ctx.issuer_image).read_bytes()


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


def write_cards(ctx: Context, staging: Staging, base: str) -> None:
    """The 1200x630 share cards: slow to draw, so made only when their inputs change."""
    for badge in ctx.site.badges.values():
        rel = ctx.urls.badge_card(badge.id)
        fingerprint = _fingerprint(base, "card", badge.id)
        if staging.fresh(rel, fingerprint):
            staging.write(rel, pages.share_card(ctx, badge), fingerprint)


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
