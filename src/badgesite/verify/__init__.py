"""Verify a hosted OB 2.0 assertion, a baked image, or a signed OB 3.0 credential.

`verify(target, fetch)` returns a Report (report.py): a list of checks, each with a
name, an Outcome (passed, failed, not checked) and a detail in plain words; the
report is valid only when no check failed. Nothing here prints.

Fetching (fetch.py) is a function `fetch(url) -> bytes`: the network, or a built
output folder answering its site's base_url. Decoding (output/bake, sign/) stays
apart from policy: ob2.py and ob3.py decide what is revoked, expired, or not the
issuer's.
"""
from __future__ import annotations

import datetime as dt
import re
import zlib
from pathlib import Path

from ..output import bake
from ..source.images import PNG_SIGNATURE
from ..vocab import OB2_KEYWORD, OB3_KEYWORD
from .fetch import MAX_INPUT, Fetch, FetchError, OfflineSite, did_web_url, http_fetch, is_url, offline_site
from .ob2 import verify_hosted
from .ob3 import resolve_key, verify_credential
from .report import Check, Fail, Outcome, Report, identity_matches, parse_time, read_json, types_of

__all__ = ["Check", "FetchError", "OfflineSite", "Outcome", "Report", "did_web_url", "http_fetch", "identity_matches",
           "is_url", "offline_site", "parse_time", "resolve_key", "verify", "verify_bytes"]

def verify(target: str, fetch: Fetch = http_fetch, recipient: str | None = None,
           now: dt.datetime | None = None) -> Report:
    """Verify a URL (fetched) or a local file: hosted assertion, baked PNG/SVG, or credential."""
    now = now or dt.datetime.now(dt.timezone.utc)
    if is_url(target):
        report = Report(target)
        try:
            data = fetch(target)
        except FetchError as exc:
            report.add("fetch", Outcome.FAILED, str(exc))
            return report
        return verify_bytes(data, target, fetch, recipient, now)
    path = Path(target)
    if path.stat().st_size > MAX_INPUT:
        report = Report(target)
        report.add("file", Outcome.FAILED, f"larger than {MAX_INPUT // 2**20} MB")
        return report
    return verify_bytes(path.read_bytes(), None, fetch, recipient, now, name=str(path))


def verify_bytes(data: bytes, url: str | None, fetch: Fetch, recipient: str | None, now: dt.datetime,
                 name: str | None = None) -> Report:
    label = url or name or "input"
    report = Report(label)
    try:
        if data.startswith(PNG_SIGNATURE):
            report.subject = f"baked PNG image {label}"
            payloads = [(3, bake.unbake_png(data, OB3_KEYWORD)), (2, bake.unbake_png(data, OB2_KEYWORD))]
            where = {3: f"PNG iTXt '{OB3_KEYWORD}'", 2: f"PNG iTXt '{OB2_KEYWORD}'"}
        elif re.match(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<svg\b", data[:4096], re.S):
            text = data.decode("utf-8")
            report.subject = f"baked SVG image {label}"
            payloads = [(3, bake.unbake_svg(text, "credential")), (2, bake.unbake_svg(text, "assertion"))]
            where = {3: "SVG <openbadges:credential>", 2: "SVG <openbadges:assertion>"}
        else:
            doc = read_json(data, label)
            if "VerifiableCredential" in types_of(doc) or "proof" in doc:
                report.subject = f"Open Badges 3.0 credential {label}"
                verify_credential(doc, report, fetch, recipient, now)
            else:
                report.subject = f"Open Badges 2.0 assertion {label}"
                given = doc if url is None or url != doc.get("id") else None  # else it is the hosted one
                verify_hosted(doc.get("id"), given, report, fetch, recipient, now)
            return report
    except (bake.BakeError, UnicodeDecodeError, ValueError, IndexError, zlib.error) as exc:
        report.add("image", Outcome.FAILED, f"the image cannot be read: {exc}")
        return report
    except Fail as exc:
        report.add("format", Outcome.FAILED, str(exc))
        return report
    found = [(version, text) for version, text in payloads if text]
    if not found:
        report.add("baked data", Outcome.FAILED, "the image carries no Open Badges assertion or credential")
        return report
    for version, text in found:
        prefix = "OB 3.0 " if len(found) > 1 and version == 3 else "OB 2.0 " if len(found) > 1 else ""
        part = Report(report.subject)
        try:
            _baked(version, text.strip(), where[version], part, fetch, recipient, now)
        except Fail as exc:
            part.add("baked data", Outcome.FAILED, str(exc))
        report.checks += [Check(prefix + c.name, c.outcome, c.detail) for c in part.checks]
    return report


def _baked(version: int, text: str, where: str, report: Report, fetch: Fetch, recipient, now) -> None:
    if re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*", text):
        raise Fail("the image carries a JWS / VC-JWT; only hosted OB 2.0 assertions and OB 3.0 "
                    "credentials with embedded Data Integrity proofs are verified")
    if version == 2 and re.match(r"^https?://\S+$", text):
        report.add("baked data", Outcome.PASSED, f"an Open Badges 2.0 assertion URL in the {where}: {text}")
        verify_hosted(text, None, report, fetch, recipient, now)
        return
    doc = read_json(text.encode("utf-8"), "the baked data")
    if version == 3:
        report.add("baked data", Outcome.PASSED, f"an Open Badges 3.0 credential in the {where}")
        verify_credential(doc, report, fetch, recipient, now)
    else:
        report.add("baked data", Outcome.PASSED, f"an Open Badges 2.0 assertion in the {where}")
        verify_hosted(doc.get("id"), doc, report, fetch, recipient, now)
