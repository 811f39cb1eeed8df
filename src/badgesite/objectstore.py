"""One S3-compatible bucket (and prefix) for `deploy`, through boto3; how each file is served.

Credentials come the client's usual way: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
(or AWS_PROFILE, ~/.aws, a CI role through OIDC). `--endpoint-url` (or AWS_ENDPOINT_URL)
names a store other than AWS: Cloudflare R2, MinIO, Backblaze B2 and the like.
Retries are boto3's own (standard mode: throttling and network errors, backing off).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from .errors import UsageError

BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
INSTALL_HINT = 'deploying needs boto3: pip install "badgesite[s3]"'

TEXT = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + TEXT, ".json": "application/json" + TEXT, ".jsonld": "application/ld+json" + TEXT,
    ".xml": "application/xml" + TEXT, ".css": "text/css" + TEXT, ".js": "text/javascript" + TEXT,
    ".svg": "image/svg+xml" + TEXT, ".txt": "text/plain" + TEXT, ".webmanifest": "application/manifest+json" + TEXT,
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".ico": "image/x-icon", ".woff2": "font/woff2", ".woff": "font/woff",
    ".pdf": "application/pdf",
}
# Nothing badgesite publishes keeps its content for ever under one URL: a revocation
# changes an award's page, JSON and baked images; a new release changes assets/. So
# no `immutable`: pages, documents and lists (revocations, status lists, feed, sitemap)
# are cached for 5 minutes; images for a day (a verifier never trusts an image alone:
# it fetches the hosted assertion or status list, cached for 5 minutes); style sheets
# and scripts, whose names carry no version, for an hour.
SHORT, ASSETS, IMAGES = "public, max-age=300", "public, max-age=3600", "public, max-age=86400"
IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp", ".ico")


def suffix(rel: str) -> str:
    """'.png' of 'awards/a.PNG'; '' when the file name has no dot."""
    dot = rel.rfind(".")
    return rel[dot:].lower() if dot > rel.rfind("/") else ""


def content_type(rel: str) -> str:
    return CONTENT_TYPES.get(suffix(rel), "application/octet-stream")


def cache_control(rel: str) -> str:
    lower = rel.lower()
    if lower.endswith(IMAGE_SUFFIXES):
        return IMAGES
    if lower.endswith((".css", ".js", ".woff2", ".woff")):
        return ASSETS
    return SHORT


@dataclass(frozen=True)
class Target:
    bucket: str
    prefix: str  # "" or ends with "/"

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def parse_target(text: str) -> Target:
    """s3://BUCKET[/PREFIX] -> Target (UsageError when it is not one)."""
    if not text.startswith("s3://"):
        raise UsageError(f"the target must be written s3://BUCKET or s3://BUCKET/PREFIX, not {text!r}")
    bucket, _, prefix = text[len("s3://"):].partition("/")
    if not BUCKET.match(bucket):
        raise UsageError(f"{bucket!r} is not a bucket name (3-63 lower-case letters, digits, '.' and '-')")
    prefix = prefix.strip("/")
    if any(part in ("", ".", "..") for part in prefix.split("/")) and prefix:
        raise UsageError(f"the prefix {prefix!r} must be folder names separated by single '/'")
    return Target(bucket, prefix + "/" if prefix else "")


class StoreError(Exception):
    """The store refused or could not be reached (after boto3's retries)."""


class Bucket:
    """put, get, delete and list objects under a target's prefix. Thread-safe (a boto3
    client is), so that uploads can run in a pool."""

    def __init__(self, target: Target, endpoint_url: str | None = None, connections: int = 16):
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            raise UsageError(INSTALL_HINT) from None
        config = Config(retries={"max_attempts": 8, "mode": "standard"}, max_pool_connections=connections,
                        connect_timeout=10, read_timeout=60,
                        # S3-compatible stores (R2, MinIO, B2) do not all take AWS's newer checksums
                        request_checksum_calculation="when_required", response_checksum_validation="when_required")
        for name in ("boto3", "botocore", "urllib3", "s3transfer"):  # not even with --verbose
            logging.getLogger(name).setLevel(logging.WARNING)
        self.target = target
        self.client = boto3.client("s3", endpoint_url=endpoint_url, config=config)
        from botocore.exceptions import BotoCoreError, ClientError

        self.errors = (BotoCoreError, ClientError)

    def key(self, rel: str) -> str:
        return self.target.prefix + rel

    def _fail(self, exc: Exception, what: str) -> StoreError:
        return StoreError(f"{what} {self.target}: {exc}")

    def put(self, rel: str, data: bytes, content_type: str, cache_control: str) -> str | None:
        """Upload one object; its ETag."""
        try:
            answer = self.client.put_object(Bucket=self.target.bucket, Key=self.key(rel), Body=data,
                                            ContentType=content_type, CacheControl=cache_control)
        except self.errors as exc:
            raise self._fail(exc, f"cannot upload {rel} to") from None
        return answer.get("ETag")

    def get(self, rel: str, etag: str | None = None) -> tuple[bytes | None, str | None]:
        """(the object's bytes, its ETag); (None, None) when there is none; (None, etag)
        when it is still the version `etag`."""
        try:
            answer = self.client.get_object(Bucket=self.target.bucket, Key=self.key(rel),
                                            **({"IfNoneMatch": etag} if etag else {}))
            return answer["Body"].read(), answer.get("ETag")
        except self.errors as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code")
            if code in ("NoSuchKey", "404"):
                return None, None
            if etag and code in ("304", "NotModified"):
                return None, etag
            raise self._fail(exc, f"cannot read {rel} from") from None

    def delete(self, rels: list[str]) -> None:
        for start in range(0, len(rels), 1000):  # at most 1000 keys a request
            batch = [{"Key": self.key(rel)} for rel in rels[start:start + 1000]]
            try:
                answer = self.client.delete_objects(Bucket=self.target.bucket, Delete={"Objects": batch, "Quiet": True})
            except self.errors as exc:
                raise self._fail(exc, "cannot delete objects in") from None
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise StoreError(f"cannot delete {first.get('Key')} in {self.target}: {first.get('Message')}")

    def list(self, rel_prefix: str) -> list[str]:
        """The keys under prefix + rel_prefix, relative to the prefix (a request per 1,000)."""
        keys = []
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(
                    Bucket=self.target.bucket, Prefix=self.key(rel_prefix)):
                keys += [item["Key"][len(self.target.prefix):] for item in page.get("Contents", [])]
        except self.errors as exc:
            raise self._fail(exc, "cannot list") from None
        return keys
