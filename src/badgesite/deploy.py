"""Publish output/ to S3-compatible object storage, uploading only what changed.

What the bucket holds is known from a manifest kept beside the site, under
PREFIX/.badgesite-deploy/: path -> the digest and size of the object's content, and
the headers each kind of file was sent with. A deploy compares it with the digests of
output/ (outputindex), never with timestamps and never by listing the bucket, and
uploads what differs (and, after a change of headers, what is served differently).

Resuming: while it uploads, a deploy writes journal parts (.badgesite-deploy/journal/)
that record every object the store confirmed; an interrupted deploy (even kill -9) is
resumed by the next one, which reads the manifest and the parts and uploads only what
had not arrived. An object is recorded only after the store confirmed it, and before
the first upload every object about to be replaced or deleted is recorded as unknown,
so the manifest never says an object holds what it does not: an unknown one is
uploaded again. At the end the manifest is written whole and the parts are removed.

Deleting: an object at a permanent URL (awards, badges, credentials, status lists,
extensions, the issuer profile, the revocation list and the DID document) is never
deleted, even when output/ no longer has it: a recipient's link must keep working
(it is reported). Other objects that output/ no longer has are deleted only with
`--delete`, which also lists the prefix (as `aws s3 sync --delete` and `hugo deploy`
do), so that objects badgesite never uploaded (put there by hand or by another tool)
go too; badgesite's own records under .badgesite-deploy/ stay. Without `--delete`
the prefix is not listed and nothing is deleted.
"""
from __future__ import annotations

import gzip
import os
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import orjson

from . import objectstore, outputindex
from .config import LANGUAGE
from .objectstore import Bucket, StoreError, parse_target  # noqa: F401 (the command's whole API is here)
from .incremental.state import live_generation
from .outputindex import size_of
from .source.files import replace_file
from .urls import Urls

STATE = ".badgesite-deploy/"
MANIFEST = STATE + "manifest.json.gz"
JOURNAL = STATE + "journal/"
MANIFEST_VERSION = 1
GONE = ""  # in a journal part: the object was deleted
CHECKPOINT_OBJECTS = 1000  # a journal part at least every 1000 objects
CHECKPOINT_SECONDS = 10.0  # and every 10 seconds

_urls = Urls("https://example.org/", "en")  # only to learn the paths urls.py decides
PERMANENT_FOLDERS = {path.split("/")[0] for path in (
    _urls.award_json("x"), _urls.award_page("x"), _urls.credential("x"), _urls.badge_json("x"),
    _urls.badge_page("x"), _urls.status_list("x", 0), _urls.extension_context("x"))}
PERMANENT_FILES = {_urls.issuer_json, _urls.revocations_json, _urls.issuer_image("png"), _urls.issuer_image("svg"),
                   _urls.did_document, Urls("https://example.org/x/", "en").did_document}  # at a host's root, or not


def output_index(cache: Path, output: Path) -> dict[str, str]:
    """path -> outputindex.entry(digest, size) of every file in `output`, the index kept
    in `cache` brought up to date from what the builds since it changed."""
    return outputindex.current(cache, output, live_generation(output))


def is_permanent(rel: str) -> bool:
    """Whether a path is a URL that must keep working (a badge page in another
    language, nl/badges/x/, too)."""
    first, _, rest = rel.partition("/")
    if (first in PERMANENT_FOLDERS and rest) or rel in PERMANENT_FILES:
        return True
    return bool(LANGUAGE.match(first)) and rest.partition("/")[0] in PERMANENT_FOLDERS


def policy() -> dict[str, list[str]]:
    """[Content-Type, Cache-Control] of every suffix objectstore knows, and of the rest ("*").
    Kept in the manifest: when it changes (a new badgesite), the objects concerned are
    sent again with their new headers."""
    table = {suffix: [objectstore.content_type("x" + suffix), objectstore.cache_control("x" + suffix)]
             for suffix in objectstore.CONTENT_TYPES}
    table["*"] = [objectstore.content_type("x"), objectstore.cache_control("x")]
    return table


def headers_in(table: dict[str, list[str]], rel: str) -> list[str]:
    return table.get(objectstore.suffix(rel)) or table["*"]


@dataclass
class Plan:
    uploads: list[tuple[str, str]] = field(default_factory=list)  # path, manifest value (outputindex entry)
    deletes: list[str] = field(default_factory=list)  # stale objects that go (--delete)
    stale: list[str] = field(default_factory=list)  # stale objects that stay (no --delete)
    permanent: list[str] = field(default_factory=list)  # no longer in output/, kept: permanent URLs
    kept: int = 0  # objects that are already as output/ has them
    remote: dict[str, str | None] = field(default_factory=dict)  # the manifest, journal parts merged
    journals: list[str] = field(default_factory=list)  # the parts merged into it

    @property
    def upload_bytes(self) -> int:
        return sum(size_of(value) for _, value in self.uploads)


@dataclass
class Remote:
    """What the bucket holds by badgesite's records."""

    objects: dict[str, str | None] = field(default_factory=dict)  # path -> value; None: unknown
    headers: dict[str, list[str]] | None = None  # the policy() the objects were sent with
    journals: list[str] = field(default_factory=list)  # journal parts applied to `objects`


def read_manifest(bucket: objectstore.Bucket, cache: Path | None = None) -> Remote:
    """The manifest, with every journal part left by an interrupted deploy applied in
    order. `cache`: a local copy of the manifest (uncompressed), downloaded again only
    when its ETag changed."""
    cached, etag = _cached(cache)
    data, now = bucket.get(MANIFEST, etag)
    if data is not None:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            data = b""
        if cache is not None:
            _remember(cache, data, now)
    elif now is not None:
        data = cached
    remote = Remote()
    if data is not None:
        try:
            manifest = orjson.loads(data)
        except orjson.JSONDecodeError:
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("version") != MANIFEST_VERSION:
            raise objectstore.StoreError(f"{bucket.target}{MANIFEST} is not a manifest this badgesite can read; "
                                         "delete it to upload every object again")
        remote.objects, remote.headers = manifest["objects"], manifest.get("headers")
    remote.journals = sorted(bucket.list(JOURNAL))
    for name in remote.journals:
        part = bucket.get(name)[0]
        try:
            entries = orjson.loads(part) if part is not None else {}
        except orjson.JSONDecodeError:
            entries = {}  # a part is written in one request: it is whole or absent
        for rel, value in entries.items():
            if value == GONE:
                remote.objects.pop(rel, None)
            else:
                remote.objects[rel] = value
    return remote


def _cached(cache: Path | None) -> tuple[bytes | None, str | None]:
    try:
        etag, _, data = cache.read_bytes().partition(b"\n")
        return data, etag.decode()
    except (AttributeError, OSError, UnicodeDecodeError):
        return None, None


def _remember(cache: Path, data: bytes, etag: str | None) -> None:
    if etag and "\n" not in etag:
        replace_file(cache, etag.encode() + b"\n" + data, sync=False)  # a cache: fetched again if lost


def make_plan(local: dict[str, str], remote: Remote, delete: bool = False, listed: list[str] | None = None) -> Plan:
    """Compare output/ (path -> outputindex entry) with the bucket's manifest, and with
    `listed`, the keys the bucket holds under the prefix (with --delete), where objects
    that no manifest knows of are found."""
    plan = Plan(remote=remote.objects, journals=remote.journals)
    objects, table = remote.objects, policy()
    sent_with = table if remote.headers is None else remote.headers
    uploads = plan.uploads
    if sent_with == table:
        for rel, value in local.items():
            if objects.get(rel) == value:
                plan.kept += 1
            else:
                uploads.append((rel, value))
    else:  # a new badgesite serves some kinds of file with other headers
        for rel, value in local.items():
            if objects.get(rel) == value and headers_in(sent_with, rel) == headers_in(table, rel):
                plan.kept += 1
            else:
                uploads.append((rel, value))
    known = plan.kept + sum(rel in objects for rel, _ in uploads)
    gone = objects.keys() - local.keys() if known < len(objects) else set()
    if listed is not None:
        gone.update(rel for rel in listed if rel not in local and not rel.startswith(STATE))
    for rel in gone:
        if is_permanent(rel):
            plan.permanent.append(rel)
        elif delete:
            plan.deletes.append(rel)
        else:
            plan.stale.append(rel)
    uploads.sort()
    plan.deletes.sort()
    plan.stale.sort()
    plan.permanent.sort()
    return plan


class Journal:
    """Journal parts of one deploy: what the store confirmed, written every so often."""

    def __init__(self, bucket: objectstore.Bucket, every: int):
        self.bucket, self.every = bucket, every
        self.name = f"{JOURNAL}{time.time_ns():020d}-{os.getpid()}-"
        self.parts: list[str] = []
        self.pending: dict[str, str | None] = {}
        self.since = time.monotonic()

    def note(self, rel: str, value: str | None) -> None:
        self.pending[rel] = value
        if len(self.pending) >= self.every or time.monotonic() - self.since > CHECKPOINT_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            name = f"{self.name}{len(self.parts):06d}.json"
            self.bucket.put(name, orjson.dumps(self.pending), "application/json", "no-store")
            self.parts.append(name)
            self.pending = {}
        self.since = time.monotonic()


def publish(plan: Plan, bucket: objectstore.Bucket, output: Path, jobs: int = 16, progress=None,
            cache: Path | None = None) -> int:
    """Carry out the plan; the number of objects uploaded. On a failure or an interrupt
    what arrived is recorded (the next deploy resumes), then the error is raised."""
    if not (plan.uploads or plan.deletes or plan.journals):
        return 0  # the bucket is as output/: nothing to write, not even the manifest
    every = int(os.environ.get("BADGESITE_DEPLOY_CHECKPOINT", CHECKPOINT_OBJECTS))
    kill_after = int(os.environ.get("BADGESITE_DEPLOY_KILL_AFTER", 0))  # tests: a kill -9 mid-deploy
    journal = Journal(bucket, every)
    remote = plan.remote
    unsure = {rel: None for rel, _ in plan.uploads if rel in remote}
    unsure.update((rel, None) for rel in plan.deletes)
    if unsure:  # from here on these objects may hold either version
        journal.pending = unsure
        journal.flush()
        remote.update(unsure)

    table = policy()

    def upload(item: tuple[str, str]) -> tuple[str, str]:
        rel, value = item
        try:
            with open(output / rel, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise objectstore.StoreError(f"cannot read {output / rel}: {exc.strerror} (was output/ built again "
                                         "during the deploy?)") from None
        bucket.put(rel, data, *headers_in(table, rel))
        return rel, value

    done = 0
    try:
        with ThreadPoolExecutor(jobs) as pool:
            queue = iter(plan.uploads)
            running = {pool.submit(upload, item) for item in islice(queue, jobs * 4)}
            try:
                while running:
                    finished, running = wait(running, return_when=FIRST_COMPLETED)
                    failed = [future.exception() for future in finished if future.exception() is not None]
                    for future in finished:  # record what arrived, even beside a failure
                        if future.exception() is None:
                            rel, value = future.result()
                            remote[rel] = value
                            journal.note(rel, value)
                            done += 1
                            if done == kill_after:
                                os._exit(137)
                    if failed:
                        raise failed[0]
                    if progress:
                        progress(done)
                    for item in islice(queue, len(finished)):
                        running.add(pool.submit(upload, item))
            except BaseException:
                for future in running:
                    future.cancel()
                for future in running:  # record what arrived before giving up
                    if not future.cancelled() and future.exception() is None:
                        rel, value = future.result()
                        remote[rel] = value
                        journal.pending[rel] = value
                raise
        if plan.deletes:
            bucket.delete(plan.deletes)
            for rel in plan.deletes:
                remote.pop(rel, None)
                journal.pending[rel] = GONE
    finally:
        journal.flush()
    manifest = orjson.dumps({"version": MANIFEST_VERSION, "headers": table, "objects": remote})
    etag = bucket.put(MANIFEST, gzip.compress(manifest, compresslevel=1), "application/gzip", "no-store")
    if cache is not None:
        _remember(cache, manifest, etag)
    bucket.delete(plan.journals + journal.parts)
    return done
