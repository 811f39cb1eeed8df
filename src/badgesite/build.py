"""The pipeline, and the only module that knows its order.

load + validate (nothing is written when anything is wrong) -> plan every
artifact from the frozen Site -> write what changed into a staging folder ->
swap it in.

Builds are incremental by fingerprint, never by file date. Three depths:
- nothing changed: the digest of every input (the site folder, the theme, the
  signing key, the package version) equals the last build's, so nothing is done;
- awards changed: only changed ledger files are read again (and in them only the
  entries whose text changed, see ledgercache); only awards whose fingerprint
  changed are made again; the site-wide pages are made again and written when
  their bytes differ;
- anything else changed (a badge, the config, a template, the key): every award
  is made again.
A clean build makes everything, into an empty folder. All three give the same bytes.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import quote_plus, urlencode

import orjson

from . import __version__, bake, microcredentials, ob2, outputindex, pages, permanent, sitesize, workers
from .assemble import load_badges, load_site
from .errors import BadgesiteError, Diagnostic, Diagnostics
from .images import inspect
from .ledgercache import LedgerFile, Store, Tally, all_items, from_record, from_site, load_ledgers, tally
from .model import Award, Badge, Site
from .render import Deferred, Renderer
from .urls import EXTENSIONS, Urls
from .uptodate import BuildResult, current_build
from .write import Staging, put, read_state

Artifact = tuple[str, bytes]
CACHE_DIR = ".badgesite-cache"


def dump_json(doc) -> bytes:
    """Same input, same bytes: sorted keys, two-space indent, UTF-8, no build time
    anywhere. orjson writes exactly what json.dumps(sort_keys=True, indent=2,
    ensure_ascii=False) writes (a test holds it to that), thirty times faster: the
    standard library falls back to pure Python as soon as it indents."""
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def compact_json(doc) -> bytes:
    """The form baked into images: what json.dumps(sort_keys=True, ensure_ascii=False,
    separators=(",", ":")) writes, in UTF-8 (orjson; a test holds it to that)."""
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


@dataclass
class Context:
    """What every step of a build shares."""

    site: Site  # in a build, site.awards is empty: awards are read per ledger file (ledgers)
    urls: Urls
    renderer: Renderer
    images: dict[str, bytes] = field(default_factory=dict)  # badge id -> PNG bytes (rasterised for SVG)
    sources: dict[str, bytes] = field(default_factory=dict)  # badge id -> original image bytes
    issuer_image: str | None = None
    has_credentials: bool = False  # OB 3.0 credentials are published in this build
    ledgers: list[LedgerFile] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)  # counts, dates and revocations of all awards
    views: dict = field(default_factory=dict)  # memo of per-badge page data, see pages
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (ledger file, award id) of the live build gone


def build(root: Path, output: Path | None = None, signing_key=None, clean: bool = False,
          jobs: int | None = None, inputs: str | None = None, unsigned: bool = False,
          strict: bool = False) -> BuildResult:
    """Validate, then build into a staging folder and swap it in. Nothing is written
    when the content has errors. Without `clean`, only what changed since the last
    build is made again. `inputs`: the input digest, when the caller has just found
    with uptodate.current_build that the last build is not current. Without a signing
    key, a build never replaces one that published credentials, unless `unsigned`.
    `strict`: a warning is an error too (and nothing is written)."""
    root = Path(root).resolve()
    output = Path(output).resolve() if output else root / "output"
    if output == root or root.is_relative_to(output):
        raise BadgesiteError(f"the output folder {output} would contain the site itself")
    if inputs is None:
        inputs, unchanged = current_build(root, output, signing_key)
        if unchanged is not None and not clean:
            return unchanged
    store = Store(root / CACHE_DIR / "ledgers")
    site, ledgers, diagnostics = _load(root, store, output, trust_cache=not clean)
    if signing_key is None and not unsigned:
        permanent.keep_credentials(output)
    context = make_context(site)
    context.has_credentials = signing_key is not None
    context.ledgers, context.tally = ledgers, tally(ledgers)
    base = global_fingerprint(context, signing_key)
    content_warnings = [_dump_diagnostic(d) for d in diagnostics.warnings]  # what a no-op build says again
    live = read_state(output)
    permanent.gone_badges(live, site.badges, context.urls, diagnostics)
    last = None if clean else _reusable(live, base, ledgers, store)
    staging = Staging(output, fresh=last is None)
    remembered = _recall_markdown(store)
    try:
        record = _make(context, staging, base, last, store, signing_key, jobs)
        permanent.gone_awards(context.dropped, context.urls, diagnostics)
        permanent.gone_pages(live, record["site"], site.badges, context.urls, diagnostics)
        record["size"], size_warning = _measure(staging, record["awards"], site.config, diagnostics)
        if strict and diagnostics.warnings:
            raise BadgesiteError(diagnostics.sorted())
        # a no-op build says the content's warnings and the size's again (not what was dropped: said once)
        record.update(inputs=inputs, warnings=content_warnings + [_dump_diagnostic(d) for d in size_warning])
        staging.commit(record)
    except BaseException:
        staging.abort()
        raise
    outputindex.note_build(root / CACHE_DIR, output, sorted(staging.changed) if staging.incremental else None)
    _remember_markdown(store, remembered)
    store.keep_only({"images", "markdown", *(ledger.key for ledger in ledgers),
                     *(last or {}).get("ledgers", {}).values()})
    result = BuildResult(output, record["files"], record["awards"], len(site.badges), diagnostics=diagnostics)
    result.written = staging.written
    result.kept = result.files - result.written
    result.size = record["size"]
    return result


def _measure(staging: Staging, awards: int, config, diagnostics: Diagnostics) -> tuple[dict, list[Diagnostic]]:
    """The size of the staged site, and its warning (from 80 % of size_limit); stops the
    build (before the swap) over size_limit."""
    size = sitesize.measure(staging, awards, config.size_limit)
    verdict = sitesize.judge(size, config.bake_in_browser)
    if verdict is not None and verdict.severity == "error":
        raise BadgesiteError([verdict])
    if verdict is not None:
        diagnostics.extend([verdict])
    return size.record(), [verdict] if verdict is not None else []


def _load(root: Path, store: Store, output: Path, trust_cache: bool) -> tuple[Site, list[LedgerFile], Diagnostics]:
    """The site without its awards, and its ledger files: entry by entry, from the cache
    where an entry is known (never in a clean build, which only fills the cache); the
    reference way whenever there is any problem, which reports it with its position."""
    diagnostics = Diagnostics()
    remembered = (store.read("images", "decoded") or {}).get("png") if trust_cache else None
    remembered = {d for d in remembered if isinstance(d, str)} if isinstance(remembered, list) else set()
    known = set(remembered)  # PNG badge images decoded in full before (see images.inspect)
    loaded = load_badges(root, diagnostics, known)
    if known != remembered:
        store.write("images", "decoded", {"png": sorted(known)})
    ledgers = None
    if loaded is not None and not diagnostics:
        config, badges, broken = loaded
        last = (read_state(output).get("live") or {}).get("build") or {} if trust_cache else {}
        previous = last.get("ledgers") if isinstance(last.get("ledgers"), dict) else {}
        ledgers = load_ledgers(root, config, badges, broken, store if trust_cache else Store(store.folder, trusted=False),
                               previous)
    if ledgers is None:
        full, diagnostics = load_site(root)
        if full is None:
            raise BadgesiteError(diagnostics.sorted())
        config, badges = full.config, full.badges
        ledgers = from_site(full, store, set())
    return Site(str(root), config, badges, {}), ledgers, diagnostics


MARKDOWN_KEPT = 5000  # texts remembered at most (badge bodies first: they are used again and again)


def _recall_markdown(store: Store) -> set[str]:
    """Fill render's Markdown memo from the cache; returns the keys the cache had."""
    from . import render

    stored = (store.read("markdown", "html") or {}).get("html")
    stored = {k: v for k, v in stored.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(stored, dict) else {}
    render.MARKDOWN_MEMO.update(stored)
    render.MARKDOWN_USED.clear()
    return set(stored)


def _remember_markdown(store: Store, remembered: set[str]) -> None:
    from . import render

    if render.MARKDOWN_USED <= remembered:
        return
    keys = list(render.MARKDOWN_USED) + [k for k in remembered if k not in render.MARKDOWN_USED]
    store.write("markdown", "html", {"html": {k: render.MARKDOWN_MEMO[k] for k in keys[:MARKDOWN_KEPT]}})


def _dump_diagnostic(d: Diagnostic) -> list:
    return [d.path, d.line, d.col, d.message, d.severity, d.hint]


# -- making the site: what changed since the live build -----------------------------

def _fingerprint(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def global_fingerprint(ctx: Context, signing_key) -> str:
    """Everything besides the award itself that an award's files depend on."""
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


def award_paths(urls: Urls, award_id: str, image_type: str, credentials: bool) -> list[str]:
    """The files award_files() makes, named without making them."""
    paths = [urls.award_json(award_id), urls.award_baked(award_id, "png"), urls.award_page(award_id)]
    if image_type == "svg":
        paths.append(urls.award_baked(award_id, "svg"))
    if credentials:
        from . import ob3

        paths += ob3.award_paths(urls, award_id, image_type)
    return paths


def award_files(ctx: Context, award: Award, signing_key) -> Iterator[Artifact]:
    """Every file of one award: hosted assertion, baked images, page (and OB 3.0 credential)."""
    yield from _award_artifacts(ctx, award)
    if signing_key is not None:
        from . import ob3

        yield from ob3.award_artifacts(ctx, award, signing_key)
    yield ctx.urls.award_page(award.id), pages.render_award(ctx, award)


def _reusable(state: dict, base: str, ledgers: list[LedgerFile], store: Store) -> dict | None:
    """The live build's record when this build can change the live site file by file:
    the same base, and the records of every ledger file that changed are still known.
    Otherwise (a badge, the config, a template or the key changed; the cache is gone)
    every award is made again, into an empty folder."""
    last = (state.get("live") or {}).get("build")
    if not isinstance(last, dict) or last.get("base") != base:
        return None
    now = {ledger.path: ledger for ledger in ledgers}
    for path, key in last["ledgers"].items():
        ledger = now.get(path)
        if ledger is not None and ledger.key == key:
            continue
        index = store.read(key, "awards")
        if index is None:
            return None
        kept = ledger.kept_from(key) if ledger is not None else 0
        if kept < index["count"] - 1 and all_items(store, index) is None:
            return None  # the build compares its entries from `kept` on (_old_awards), and a block is lost
    return last


def _make(ctx: Context, staging: Staging, base: str, last: dict | None, store: Store, signing_key,
          jobs: int | None) -> dict:
    """Write into the staging folder what differs from the live site (everything, when
    `last` is None); return what the next build needs to know of this one."""
    urls, badges = ctx.urls, ctx.site.badges
    credentials = signing_key is not None
    image_types = {b.id: b.image_type for b in badges.values()}
    record = {"base": base, "credentials": credentials, "image_types": image_types, "awards": ctx.tally.total,
              "badges": len(badges), "ledgers": {l.path: l.key for l in ctx.ledgers}, "site": {}, "status": {},
              "pages": {}}  # pages: page -> fingerprint of what it is made from
    before = last or {"ledgers": {}, "site": {}, "status": {}, "pages": {}, "cards": []}
    gone: set[str] = set()  # paths of the live site that this build does not make
    dropped: list[tuple[str, str]] = []  # (ledger file, award id) no longer in that file

    # site-wide files: made every time (pages only when their inputs changed), written
    # when their bytes differ
    for rel, data in plan(ctx, signing_key):
        if rel in record["site"]:
            raise BadgesiteError(f"two outputs claim the same file: {rel}")
        if isinstance(data, Deferred):
            made_from = record["pages"][rel] = _fingerprint(base, data.fingerprint)
            if before["pages"].get(rel) == made_from and rel in before["site"]:
                record["site"][rel] = before["site"][rel]
                continue
            data = data.make()
        record["site"][rel] = digest = hashlib.sha256(data).hexdigest()
        if before["site"].get(rel) != digest:
            staging.write(rel, data)
    gone |= set(before["site"]) - set(record["site"])

    # share cards: slow to draw, so made only when what they show may have changed (drawn
    # by the workers, beside the awards)
    record["cards"] = [urls.badge_card(b) for b in badges]
    cards = [badge for badge in badges.values() if urls.badge_card(badge.id) not in before["cards"]]
    gone |= set(before["cards"]) - set(record["cards"])

    # per ledger file: its awards' files and its status lists, where anything changed
    todo: list[tuple[int, int]] = []  # (ledger file, position): the workers make the Award
    for number, ledger in enumerate(ctx.ledgers):
        if before["ledgers"].get(ledger.path) == ledger.key:
            record["status"][ledger.path] = before["status"].get(ledger.path, {})
            continue
        count = ledger.count()
        # a file that only grew at its end keeps the live build's first entries as they were
        same = ledger.kept_from(before["ledgers"].get(ledger.path))
        old = _old_awards(before, ledger.path, store, same)
        for position in range(same, count):
            r = ledger.item(position)[4]
            if old.pop(r[0], None) != [position, r]:
                todo.append((number, position))
        for award_id, (_, r) in old.items():  # awards no longer in the file
            gone.update(award_paths(urls, award_id, image_types.get(r[1], "png"), credentials))
            dropped.append((ledger.path, award_id))
        status = record["status"][ledger.path] = {}
        if credentials and count:
            from . import ob3

            previous = before["status"].get(ledger.path, {})
            for rel, data in ob3.status_artifacts(ctx, signing_key, ledger.status_lists()):
                status[rel] = digest = hashlib.sha256(data).hexdigest()
                if previous.get(rel) != digest:
                    staging.write(rel, data)
    for path, status in before["status"].items():
        gone |= set(status) - set(record["status"].get(path, {}))
    for path in before["ledgers"]:
        if path not in record["ledgers"]:  # a ledger file that is gone: so are its awards
            for award_id, (_, r) in _old_awards(before, path, store).items():
                gone.update(award_paths(urls, award_id, image_types.get(r[1], "png"), credentials))
                dropped.append((path, award_id))

    files = len(record["site"]) + len(record["cards"]) + sum(len(s) for s in record["status"].values())
    for badge_id, count in ctx.tally.counts.items():
        files += count * len(award_paths(urls, "x", image_types[badge_id], credentials))
    record["files"] = files
    staging.delete(sorted(gone))  # first: an award that moved to another ledger file is made again
    made = {ctx.ledgers[n].item(p)[4][0] for n, p in todo}
    ctx.dropped = [(path, award_id) for path, award_id in dropped if award_id not in made]
    _write_awards(ctx, staging, signing_key, cards + todo, jobs)
    return record


def _old_awards(before: dict, path: str, store: Store, start: int = 0) -> dict[str, list]:
    """award id -> [position, record] of a ledger file in the live build, from entry
    `start` on ({} when it had none)."""
    key = before["ledgers"].get(path)
    data = store.read(key, "awards") if key else None
    if key and data is None:
        raise LookupError(f"the build cache of {path} disappeared during the build")
    if not data or start >= data["count"]:
        return {}
    if start == data["count"] - 1:  # only the last entry: kept beside the blocks
        return {data["last"][4][0]: [start, data["last"][4]]}
    items = all_items(store, data)
    if items is None:
        raise LookupError(f"the build cache of {path} disappeared during the build")
    return {item[4][0]: [position, item[4]] for position, item in enumerate(items[start:], start)}


def _write_chunk(shared: tuple, chunk: list[tuple[int, int] | Badge]) -> list[str] | int:
    """Make the files of a part of the work; the paths written (only their number in a
    fresh folder, where nobody needs the list)."""
    ctx, folder, twin, signing_key = shared
    written, made = [], set()
    for item in chunk:
        if isinstance(item, Badge):  # its share card
            files = [(ctx.urls.badge_card(item.id), pages.share_card(ctx, item))]
        else:
            number, position = item
            ledger = ctx.ledgers[number]
            _, _, line, col, r = ledger.item(position)
            award = from_record(r, ledger.path, ledger.stem, position, line, col)
            files = award_files(ctx, award, signing_key)
        for rel, data in files:
            put(folder, twin, rel, data, made)
            written.append(rel)
    return written if twin is None else len(written)


def _write_awards(ctx: Context, staging: Staging, signing_key, todo: list[tuple[int, int] | Badge],
                  jobs: int | None = None) -> None:
    """Make the files of these awards ((ledger file, position): the Award is made where
    it is used, never sent between processes) and the share cards of these badges,
    spread over worker processes when there are many."""
    if not todo:
        return
    shared = (ctx, staging.path, staging.twin, signing_key)
    processes = workers.jobs(jobs) if len(todo) >= 200 else 1
    if processes == 1:
        staging.written_by_worker(_write_chunk(shared, todo))
        return
    cards = sum(isinstance(item, Badge) for item in todo)
    size = max(50, (len(todo) - cards) // (processes * 8))
    chunks = [todo[i:min(i + 4, cards)] for i in range(0, cards, 4)]  # a card takes as long as ~25 awards
    chunks += [todo[i:i + size] for i in range(cards, len(todo), size)]
    for written in workers.fork_map(_write_chunk, shared, chunks, processes, ordered=False):
        staging.written_by_worker(written)


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
    renderer.set_global("issuer_logo", issuer_image_path(context))  # output path of the logo, or None
    return context


def plan(ctx: Context, signing_key=None) -> Iterator[tuple[str, "bytes | Deferred"]]:
    """Every site-wide file (pages as Deferred: rendered only when needed)."""
    yield ".nojekyll", b""
    yield from _static(ctx)
    yield from _ob2_documents(ctx)
    yield from _badge_images(ctx)
    if signing_key is not None:
        from . import ob3

        yield ob3.did_artifact(ctx, signing_key)  # status lists are made per ledger file
    yield from pages.render_pages(ctx)
    if ctx.site.config.stats == "public":
        from .statsreport import public_pages

        yield from public_pages(ctx)


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


def _award_artifacts(ctx: Context, award: Award) -> Iterator[Artifact]:
    urls = ctx.urls
    badge = ctx.site.badges[award.badge]
    doc = ob2.assertion(award, urls)
    data = dump_json(doc)
    yield urls.award_json(award.id), data
    compact = compact_json(doc)
    yield urls.award_baked(award.id, "png"), bake.bake_png(ctx.images[badge.id], compact)
    if badge.image_type == "svg":
        svg = bake.bake_svg(ctx.sources[badge.id].decode("utf-8"), compact.decode("utf-8"),
                            urls.url(urls.award_json(award.id)))
        yield urls.award_baked(award.id, "svg"), svg.encode("utf-8")


def linkedin_url(ctx: Context, award: Award, badge: Badge) -> str:
    """LinkedIn's add-to-profile link for a certification (the badge's part made once)."""
    start = ctx.views.get(("linkedin", badge.id))
    if start is None:
        config = ctx.site.config
        params = {"startTask": "CERTIFICATION_NAME", "name": badge.name}
        if config.issuer.linkedin_organization_id:
            params["organizationId"] = config.issuer.linkedin_organization_id
        else:
            params["organizationName"] = config.issuer.name
        start = ctx.views[("linkedin", badge.id)] = "https://www.linkedin.com/profile/add?" + urlencode(params)
    folder = ctx.views.get("linkedin-pages")
    if folder is None:  # the award pages' address up to the award id, quoted
        page = ctx.urls.page_url(ctx.urls.award_page("x"))
        folder = ctx.views["linkedin-pages"] = quote_plus(page[:page.rindex("x/")])
    # what urlencode() writes for the rest, by hand: numbers, and an id that needs no
    # quoting (urls allows only letters, digits, '-', '_' and '.' in it)
    tail = f"&issueYear={award.issued.year}&issueMonth={award.issued.month}"
    if award.expires:
        tail += f"&expirationYear={award.expires.year}&expirationMonth={award.expires.month}"
    return f"{start}{tail}&certUrl={folder}{award.id}%2F&certId={award.id}"
