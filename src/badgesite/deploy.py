"""Publish output/ to S3-compatible object storage, uploading only what changed.

What the bucket holds is known from a manifest kept beside the site, under
PREFIX/.badgesite-deploy/: path -> a digest of the object's content and of the headers
it was sent with. A deploy compares it with the digests of output/ (outputindex), never
with timestamps and never by listing the bucket, and uploads what differs.

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
`--delete`. Objects that badgesite did not upload are never touched.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from . import objectstore
from .config import LANGUAGE
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
                   "did.json", ".well-known/did.json"}


def is_permanent(rel: str) -> bool:
    """Whether a path is a URL that must keep working (a badge page in another
    language, nl/badges/x/, too)."""
    first, _, rest = rel.partition("/")
    if first in PERMANENT_FOLDERS and rest or rel in PERMANENT_FILES:
        return True
    return bool(LANGUAGE.match(first)) and rest.partition("/")[0] in PERMANENT_FOLDERS


_HEADERS: dict[str, tuple[str, str, str]] = {}


def headers(rel: str) -> tuple[str, str, str]:
    """(Content-Type, Cache-Control, a tag of both) of a path; they depend on its suffix only."""
    dot = rel.rfind(".")
    suffix = rel[dot:].lower() if dot > rel.rfind("/") else ""
    found = _HEADERS.get(suffix)
    if found is None:
        sample = "x" + suffix
        ctype, cache = objectstore.content_type(sample), objectstore.cache_control(sample)
        tag = hashlib.blake2b(f"{ctype}\n{cache}".encode(), digest_size=4).hexdigest()
        found = _HEADERS[suffix] = (ctype, cache, tag)
    return found


@dataclass
class Plan:
    uploads: list[tuple[str, str, int]] = field(default_factory=list)  # path, manifest value, bytes
    deletes: list[str] = field(default_factory=list)  # stale objects that go (--delete)
    stale: list[str] = field(default_factory=list)  # stale objects that stay (no --delete)
    permanent: list[str] = field(default_factory=list)  # no longer in output/, kept: permanent URLs
    kept: int = 0  # objects that are already as output/ has them
    remote: dict[str, str | None] = field(default_factory=dict)  # the manifest, journal parts merged
    journals: list[str] = field(default_factory=list)  # the parts merged into it

    @property
    def upload_bytes(self) -> int:
        return sum(size for _, _, size in self.uploads)


def read_manifest(bucket: objectstore.Bucket) -> tuple[dict[str, str | None], list[str]]:
    """What the bucket holds by badgesite's records: the manifest with every journal part
    left by an interrupted deploy applied in order; and the names of those parts."""
    data = bucket.get(MANIFEST)
    remote: dict[str, str | None] = {}
    if data is not None:
        try:
            manifest = orjson.loads(gzip.decompress(data))
        except (OSError, EOFError, orjson.JSONDecodeError):
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("version") != MANIFEST_VERSION:
            raise objectstore.StoreError(f"{bucket.target}{MANIFEST} is not a manifest this badgesite can read; "
                                         "delete it to upload every object again")
        remote = manifest["objects"]
    journals = sorted(bucket.list(JOURNAL))
    for name in journals:
        part = bucket.get(name)
        try:
            entries = orjson.loads(part) if part is not None else {}
        except orjson.JSONDecodeError:
            entries = {}  # a part is written in one request: it is whole or absent
        for rel, value in entries.items():
            if value == GONE:
                remote.pop(rel, None)
            else:
                remote[rel] = value
    return remote, journals


def make_plan(local: dict[str, tuple[str, int]], remote: dict[str, str | None], journals: list[str],
              delete: bool = False) -> Plan:
    """Compare output/ (path -> (digest, size)) with the bucket's manifest."""
    plan = Plan(remote=remote, journals=journals)
    for rel, (digest, size) in local.items():
        value = digest + headers(rel)[2]
        if remote.get(rel) == value:
            plan.kept += 1
        else:
            plan.uploads.append((rel, value, size))
    for rel in remote.keys() - local.keys():
        if is_permanent(rel):
            plan.permanent.append(rel)
        elif delete:
            plan.deletes.append(rel)
        else:
            plan.stale.append(rel)
    plan.uploads.sort()
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


def publish(plan: Plan, bucket: objectstore.Bucket, output: Path, jobs: int = 16,
            progress=None) -> int:
    """Carry out the plan; the number of objects uploaded. On a failure or an interrupt
    what arrived is recorded (the next deploy resumes), then the error is raised."""
    if not (plan.uploads or plan.deletes or plan.journals):
        return 0  # the bucket is as output/: nothing to write, not even the manifest
    every = int(os.environ.get("BADGESITE_DEPLOY_CHECKPOINT", CHECKPOINT_OBJECTS))
    kill_after = int(os.environ.get("BADGESITE_DEPLOY_KILL_AFTER", 0))  # tests: a kill -9 mid-deploy
    journal = Journal(bucket, every)
    remote = plan.remote
    unsure = {rel: None for rel, _, _ in plan.uploads if rel in remote}
    unsure.update((rel, None) for rel in plan.deletes)
    if unsure:  # from here on these objects may hold either version
        journal.pending = unsure
        journal.flush()
        remote.update(unsure)

    def upload(item: tuple[str, str, int]) -> tuple[str, str]:
        rel, value, _ = item
        with open(output / rel, "rb") as handle:
            data = handle.read()
        ctype, cache, _ = headers(rel)
        bucket.put(rel, data, ctype, cache)
        return rel, value

    done = 0
    try:
        with ThreadPoolExecutor(jobs) as pool:
            queue = iter(plan.uploads)
            running = {pool.submit(upload, item) for _, item in zip(range(jobs * 4), queue)}
            try:
                while running:
                    finished, running = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        rel, value = future.result()
                        remote[rel] = value
                        journal.note(rel, value)
                        done += 1
                        if done == kill_after:
                            os._exit(137)
                        if progress:
                            progress(done)
                        item = next(queue, None)
                        if item is not None:
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
    manifest = orjson.dumps({"version": MANIFEST_VERSION, "objects": remote}, option=orjson.OPT_SORT_KEYS)
    bucket.put(MANIFEST, gzip.compress(manifest, compresslevel=1), "application/gzip", "no-store")
    bucket.delete(plan.journals + journal.parts)
    return done
