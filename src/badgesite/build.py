"""The pipeline, and the only module that knows its order: load -> context -> diff -> make -> write.

load + validate (nothing is written when anything is wrong; incremental/loading.py)
-> the Context every output step shares (output/context.py) -> what changed since
the live build (incremental/diff.py: the site-wide files are written there) -> the
awards and share cards that changed, made by worker processes (output/artifacts.py)
-> swap the staging folder in (write.py).

Builds are incremental by fingerprint, never by file date (incremental/fingerprints.py).
Three depths:
- nothing changed: the digest of every input equals the last build's; nothing is done;
- awards changed: only changed ledger files are read again (and in them only the
  entries whose text changed); only awards whose record changed are made again; the
  site-wide pages are made again and written when their bytes differ;
- anything else changed (a badge, the config, a template, the key): every award
  is made again.
A clean build makes everything, into an empty folder. All three give the same bytes.
"""
from __future__ import annotations

from pathlib import Path

from . import outputindex, sitesize, workers
from .errors import BadgesiteError, Diagnostic, Diagnostics
from .folders import end_turn, take_turn
from .incremental.diff import Changes, changes, reusable
from .incremental.fingerprints import base_fingerprint
from .incremental.ledgers import LedgerFile
from .incremental.loading import load
from .incremental.memos import recall_markdown, remember_markdown, template_cache
from .incremental.permanent import gone_awards, gone_badges, gone_pages, keep_credentials
from .incremental.records import tally
from .incremental.state import StateRecord, live_generation
from .incremental.store import Store
from .incremental.uptodate import BuildResult, current_build
from .model import Badge
from .output.artifacts import award_files, signing_key_id
from .output.cards import share_card
from .output.context import Context, make_context
from .sitesize import SiteSize
from .source.files import CACHE_DIR
from .write import Staging, put

PARALLEL_FROM = 200  # awards and cards to make at least before worker processes share the work


def build(root: Path, output: Path | None = None, signing_key=None, clean: bool = False,
          jobs: int | None = None, inputs: str | None = None, unsigned: bool = False,
          strict: bool = False) -> BuildResult:
    """Validate, then build into a staging folder and swap it in. Nothing is written
    when the content has errors. Without `clean`, only what changed since the last
    build is made again. `inputs`: the input digest, when the caller has just found
    with incremental.uptodate.current_build that the last build is not current. Without a
    signing key, a build never replaces one that published credentials, unless `unsigned`.
    `strict`: a warning is an error too (and nothing is written)."""
    root = Path(root).resolve()
    output = Path(output).resolve() if output else root / "output"
    if output == root or root.is_relative_to(output):
        raise BadgesiteError(f"the output folder {output} would contain the site itself")
    if inputs is None:
        inputs, unchanged = current_build(root, output, signing_key)
        if unchanged is not None and not clean:
            return unchanged
    turn = take_turn(output)  # no other build, nor the process linking a spare folder, works beside output/
    try:
        return _build(root, output, signing_key, clean, jobs, inputs, unsigned, strict, turn)
    finally:
        end_turn(turn)


def _build(root: Path, output: Path, signing_key, clean: bool, jobs: int | None, inputs: str, unsigned: bool,
           strict: bool, turn: int | None) -> BuildResult:
    store = Store(root / CACHE_DIR / "ledgers")
    state = StateRecord(output)  # the output's state record: what the live build left
    live = state.read()
    site, ledgers, diagnostics = load(root, store, live, trust_cache=not clean)
    if signing_key is None and not unsigned:
        keep_credentials(output, live)
    markdown = recall_markdown(store)
    context = make_context(site, markdown, template_cache(root))
    context.has_credentials = signing_key is not None
    context.tally = tally([ledger.summary for ledger in ledgers])
    context.award_facts = lambda: [entry.fact() for ledger in ledgers for entry in ledger.items()]
    base = base_fingerprint(context, signing_key_id(context, signing_key))
    content_warnings = [_dump_diagnostic(d) for d in diagnostics.warnings]  # what a no-op build says again
    gone_badges(live, site.badges, context.urls, diagnostics)
    last = None if clean else reusable(live, base, ledgers, store)
    # a clean build digests what it writes when the site deploys to object storage, so
    # that deploy need not read 4 GB again (on a CI runner every build is a clean one)
    digests = {} if last is None and outputindex.kept(root / CACHE_DIR) else None
    staging = Staging(output, live, state, fresh=last is None, turn=turn, digests=digests)
    try:
        work = changes(context, ledgers, staging, base, last, store, signing_key)
        made = _make(context, ledgers, staging, signing_key, work, jobs)
        record = work.record
        gone_awards(work.dropped, context.urls, diagnostics)
        gone_pages(live, record["site"], site.badges, context.urls, diagnostics)
        record["size"], size_warning = _measure(staging, record["awards"], site.config, diagnostics, made)
        if strict and diagnostics.warnings:
            raise BadgesiteError(diagnostics.sorted())
        # a no-op build says the content's warnings and the size's again (not what was dropped: said once)
        record.update(inputs=inputs, warnings=content_warnings + [_dump_diagnostic(d) for d in size_warning])
        staging.commit(record)
    except BaseException:
        staging.abort()
        raise
    outputindex.note_build(root / CACHE_DIR, output, live_generation(output),
                           sorted(staging.changed) if staging.incremental else None, staging.digests)
    remember_markdown(store, markdown)
    store.keep_only({"images", "markdown", *(ledger.key for ledger in ledgers),
                     *(last or {}).get("ledgers", {}).values()})
    result = BuildResult(output, record["files"], record["awards"], len(site.badges), diagnostics=diagnostics)
    result.written = staging.written
    result.kept = result.files - result.written
    result.size = record["size"]
    return result


def _measure(staging: Staging, awards: int, config, diagnostics: Diagnostics,
             made: SiteSize | None) -> tuple[dict, list[Diagnostic]]:
    """The size of the staged site, and its warning (from 80 % of size_limit); stops the
    build (before the swap) over size_limit."""
    size = sitesize.measure(staging, awards, config.size_limit, made)
    verdict = sitesize.judge(size, config.bake_in_browser)
    if verdict is not None and verdict.severity == "error":
        raise BadgesiteError([verdict])
    if verdict is not None:
        diagnostics.extend([verdict])
    return size.record(), [verdict] if verdict is not None else []


def _dump_diagnostic(d: Diagnostic) -> list:
    return [d.path, d.line, d.col, d.message, d.severity, d.hint]


def _make(ctx: Context, ledgers: list[LedgerFile], staging: Staging, signing_key, work: Changes,
          jobs: int | None = None) -> SiteSize | None:
    """Make the files of these awards ((ledger file, position): the Award is made where
    it is used, never sent between processes) and the share cards of these badges,
    spread over worker processes when there are many. In a fresh folder, their size
    (counted as they are written); their digests go to the staging folder when it keeps
    them (Staging.digests)."""
    todo: list[tuple[int, int] | Badge] = [*work.cards, *work.awards]
    fresh = not staging.incremental
    made = SiteSize(0) if fresh else None
    if not todo:
        return made
    shared = (ctx, ledgers, staging.path, fresh, signing_key, staging.digests is not None)
    processes = workers.jobs(jobs) if len(todo) >= PARALLEL_FROM else 1
    if processes == 1:
        results = [_make_chunk(shared, todo)]
    else:
        cards = len(work.cards)
        chunks = [todo[i:min(i + 4, cards)] for i in range(0, cards, 4)]  # a card takes as long as ~25 awards
        chunks += workers.shares(todo[cards:], processes)
        results = workers.fork_map(_make_chunk, shared, chunks, processes, ordered=False)
    for written, kinds, entries in results:
        staging.written_by_worker(written, entries)
        if made is not None:
            sitesize.merge(made, kinds)
    return made


def _make_chunk(shared: tuple, chunk: list[tuple[int, int] | Badge]) -> tuple[list[str] | int, dict | None, dict]:
    """Make the files of a part of the work; the paths written (in a fresh folder, where
    nobody needs the list, their number and their size by kind), and their output index
    entries when asked."""
    ctx, ledgers, folder, fresh, signing_key, digest = shared
    written, made, entries = [], set(), {}
    size = SiteSize(0) if fresh else None
    for item in chunk:
        if isinstance(item, Badge):  # its share card
            files = [(ctx.urls.badge_card(item.id), share_card(ctx, item))]
        else:
            number, position = item
            ledger = ledgers[number]
            award = ledger.item(position).award(ledger.path, ledger.stem, position)
            files = award_files(ctx, award, signing_key)
        for rel, data in files:
            put(folder, fresh, rel, data, made)
            written.append(rel)
            if size is not None:
                size.add(rel, 1, len(data))
            if digest:
                entries[rel] = outputindex.entry_of(data)
    if fresh:
        return len(written), size.kinds, entries
    return written, None, entries
