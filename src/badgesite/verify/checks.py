"""Verify a hosted OB 2.0 assertion, a baked image, or a signed OB 3.0 credential.

`verify(target, fetch)` returns a Report: a list of checks, each with a name, a
verdict (True, False, or None for "not checked") and a detail in plain words; the
report is valid only when no check failed. Nothing here prints.

Fetching is a function `fetch(url) -> bytes` (FetchError when it cannot): the
default goes to the network (http/https only, with a timeout and a size limit);
`OfflineSite` answers a site's base_url from a local output folder, and nothing else.
Decoding (bake, sign.canon) stays apart from policy (this module decides what is
revoked, expired, or not the issuer's).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from . import bake
from .identity import normalise

MAX_DOCUMENT = 4 * 1024 * 1024
MAX_INPUT = 32 * 1024 * 1024  # a baked image given as FILE or URL
TIMEOUT = 15.0
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
VC_TYPES = ("OpenBadgeCredential", "AchievementCredential")


class FetchError(Exception):
    pass


Fetch = Callable[[str], bytes]


def http_fetch(url: str, *, timeout: float = TIMEOUT, limit: int = MAX_DOCUMENT) -> bytes:
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"only http(s) URLs are fetched, not {url!r}")
    request = urllib.request.Request(url, headers={
        "Accept": "application/ld+json, application/json;q=0.9, */*;q=0.5",
        "User-Agent": "badgesite-verify"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url} answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FetchError(f"cannot fetch {url}: {getattr(exc, 'reason', exc)}") from None
    if len(data) > limit:
        raise FetchError(f"{url} is larger than {limit // 2**20} MB")
    return data


class OfflineSite:
    """Answers URLs under `base_url` from a built output folder; refuses every other URL."""

    def __init__(self, base_url: str, directory: Path, fallback: Fetch | None = None):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.directory = Path(directory).resolve()
        self.fallback = fallback

    def __call__(self, url: str) -> bytes:
        clean = url.split("#", 1)[0].split("?", 1)[0]
        if not clean.startswith(self.base_url):
            if self.fallback:
                return self.fallback(url)
            raise FetchError(f"{url} is not part of the offline site {self.base_url}")
        rel = unquote(clean[len(self.base_url):])
        path = (self.directory / rel).resolve()
        if not path.is_relative_to(self.directory):
            raise FetchError(f"{url} leaves the offline site folder")
        if path.is_dir() or not rel:
            path = path / "index.html"
        if not path.is_file():
            raise FetchError(f"{url} is not in the site (no {path})")
        if path.stat().st_size > MAX_INPUT:
            raise FetchError(f"{url} is larger than {MAX_INPUT // 2**20} MB")
        return path.read_bytes()


def offline_site(spec: str, fallback: Fetch | None = None) -> OfflineSite:
    """'DIR' (the base URL is read from DIR/issuer.json) or 'BASE_URL=DIR'."""
    if re.match(r"^https?://", spec) and "=" in spec:
        base, directory = spec.split("=", 1)
        return OfflineSite(base, Path(directory), fallback)
    directory = Path(spec)
    for name, suffix in (("issuer.json", "issuer.json"), ("did.json", None), (".well-known/did.json", None)):
        try:
            doc = json.loads((directory / name).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        ident = doc.get("id") if isinstance(doc, dict) else None
        if suffix and isinstance(ident, str) and ident.endswith(suffix):
            return OfflineSite(ident[: -len(suffix)], directory, fallback)
        if not suffix and isinstance(ident, str) and ident.startswith("did:web:"):
            return OfflineSite(did_web_url(ident)[: -len("did.json")].removesuffix(".well-known/"), directory, fallback)
    raise ValueError(f"{spec} does not look like a built badgesite output folder (no issuer.json or did.json); "
                     "give BASE_URL=DIR")


def did_web_url(did: str) -> str:
    """did:web:host[:path…] -> https://host/path…/did.json (or /.well-known/did.json)."""
    parts = did.removeprefix("did:web:").split("#", 1)[0].split(":")
    host, segments = unquote(parts[0]), [unquote(s) for s in parts[1:]]
    if not host or "/" in host:
        raise FetchError(f"invalid did:web {did!r}")
    return f"https://{host}/" + ("/".join(segments) + "/did.json" if segments else ".well-known/did.json")


# -- the report ------------------------------------------------------------------------------

@dataclass
class Check:
    name: str
    ok: bool | None  # None: not checked (informational)
    detail: str


@dataclass
class Report:
    subject: str  # what was verified, in plain words
    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, ok: bool | None, detail: str) -> bool | None:
        self.checks.append(Check(name, ok, detail))
        return ok

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.ok is not False for c in self.checks)


class _Fail(Exception):
    """A check that cannot go on; its message is the plain-words detail."""


def _json(data: bytes, what: str) -> dict:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Fail(f"{what} is not JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise _Fail(f"{what} is not a JSON object")
    return doc


def _get_json(url, fetch: Fetch, what: str) -> dict:
    if not isinstance(url, str):
        raise _Fail(f"the {what} is not given as a URL")
    try:
        return _json(fetch(url), f"the {what} at {url}")
    except FetchError as exc:
        raise _Fail(f"cannot read the {what}: {exc}") from None


def _types(doc: dict) -> list:
    value = doc.get("type", doc.get("@type"))
    return value if isinstance(value, list) else [value]


def parse_time(value) -> dt.datetime | None:
    """An ISO 8601 date or date-time (a date is midnight UTC); None when unreadable."""
    if not isinstance(value, str):
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _day(moment: dt.datetime) -> str:
    text = moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return text.removesuffix(" 00:00 UTC")


def identity_matches(email: str, identity: str, salt: str | None, hashed: bool) -> bool:
    """OB IdentityObject / IdentityHash: sha256$ or md5$ of the e-mail (+ salt), or plain."""
    if not hashed:
        return normalise(email) == normalise(identity or "")
    algorithm, _, digest = (identity or "").partition("$")
    if algorithm.lower() not in ("sha256", "md5"):
        return False
    computed = hashlib.new(algorithm.lower(), (normalise(email) + (salt or "")).encode("utf-8")).hexdigest()
    return hmac.compare_digest(computed, digest.lower())


# -- entry point -------------------------------------------------------------------------------

def verify(target: str, fetch: Fetch = http_fetch, recipient: str | None = None,
           now: dt.datetime | None = None) -> Report:
    """Verify a URL (fetched) or a local file: hosted assertion, baked PNG/SVG, or credential."""
    now = now or dt.datetime.now(dt.timezone.utc)
    if re.match(r"^https?://", target):
        report = Report(target)
        try:
            data = fetch(target)
        except FetchError as exc:
            report.add("fetch", False, str(exc))
            return report
        return verify_bytes(data, target, fetch, recipient, now)
    path = Path(target)
    if path.stat().st_size > MAX_INPUT:
        report = Report(target)
        report.add("file", False, f"larger than {MAX_INPUT // 2**20} MB")
        return report
    return verify_bytes(path.read_bytes(), None, fetch, recipient, now, name=str(path))


def verify_bytes(data: bytes, url: str | None, fetch: Fetch, recipient: str | None, now: dt.datetime,
                 name: str | None = None) -> Report:
    label = url or name or "input"
    report = Report(label)
    try:
        if data.startswith(bake.PNG_SIGNATURE):
            report.subject = f"baked PNG image {label}"
            payloads = [(3, bake.unbake_png(data, bake.OB3_KEYWORD)), (2, bake.unbake_png(data, bake.OB2_KEYWORD))]
            where = {3: f"PNG iTXt '{bake.OB3_KEYWORD}'", 2: f"PNG iTXt '{bake.OB2_KEYWORD}'"}
        elif re.match(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<svg\b", data[:4096], re.S):
            text = data.decode("utf-8")
            report.subject = f"baked SVG image {label}"
            payloads = [(3, bake.unbake_svg(text, "credential")), (2, bake.unbake_svg(text, "assertion"))]
            where = {3: "SVG <openbadges:credential>", 2: "SVG <openbadges:assertion>"}
        else:
            doc = _json(data, label)
            if "VerifiableCredential" in _types(doc) or "proof" in doc:
                report.subject = f"Open Badges 3.0 credential {label}"
                _credential(doc, report, fetch, recipient, now)
            else:
                report.subject = f"Open Badges 2.0 assertion {label}"
                given = doc if url is None or url != doc.get("id") else None  # else it is the hosted one
                _hosted(doc.get("id"), given, report, fetch, recipient, now)
            return report
    except (bake.BakeError, UnicodeDecodeError, ValueError, IndexError, zlib.error) as exc:
        report.add("image", False, f"the image cannot be read: {exc}")
        return report
    except _Fail as exc:
        report.add("format", False, str(exc))
        return report
    found = [(version, text) for version, text in payloads if text]
    if not found:
        report.add("baked data", False, "the image carries no Open Badges assertion or credential")
        return report
    for version, text in found:
        prefix = "OB 3.0 " if len(found) > 1 and version == 3 else "OB 2.0 " if len(found) > 1 else ""
        part = Report(report.subject)
        try:
            _baked(version, text.strip(), where[version], part, fetch, recipient, now)
        except _Fail as exc:
            part.add("baked data", False, str(exc))
        report.checks += [Check(prefix + c.name, c.ok, c.detail) for c in part.checks]
    return report


def _baked(version: int, text: str, where: str, report: Report, fetch: Fetch, recipient, now) -> None:
    if re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*", text):
        raise _Fail("the image carries a JWS / VC-JWT; only hosted OB 2.0 assertions and OB 3.0 "
                    "credentials with embedded Data Integrity proofs are verified")
    if version == 2 and re.match(r"^https?://\S+$", text):
        report.add("baked data", True, f"an Open Badges 2.0 assertion URL in the {where}: {text}")
        _hosted(text, None, report, fetch, recipient, now)
        return
    doc = _json(text.encode("utf-8"), "the baked data")
    if version == 3:
        report.add("baked data", True, f"an Open Badges 3.0 credential in the {where}")
        _credential(doc, report, fetch, recipient, now)
    else:
        report.add("baked data", True, f"an Open Badges 2.0 assertion in the {where}")
        _hosted(doc.get("id"), doc, report, fetch, recipient, now)


# -- Open Badges 2.0, hosted verification --------------------------------------------------------

def _hosted(url, local: dict | None, report: Report, fetch: Fetch, recipient, now) -> None:
    """OB 2.0 hosted verification: the assertion at its own id is what counts."""
    try:
        assertion = _get_json(url, fetch, "assertion")
    except _Fail as exc:
        report.add("assertion", False, str(exc))
        return
    problems = []
    if "Assertion" not in _types(assertion):
        problems.append(f"its type is {assertion.get('type')!r}, not Assertion")
    if assertion.get("id") != url:
        problems.append(f"it says its id is {assertion.get('id')!r}, but it was fetched from {url}")
    verification = assertion.get("verification") or {}
    if not isinstance(verification, dict) or verification.get("type") not in ("hosted", "HostedBadge"):
        problems.append("it is not a hosted assertion (verification.type is not 'hosted')")
    for key in ("recipient", "badge", "issuedOn"):
        if key not in assertion:
            problems.append(f"'{key}' is missing")
    if problems:
        report.add("assertion", False, "the hosted assertion is not valid: " + "; ".join(problems))
        return
    report.add("assertion", True, f"hosted at {url}")
    if local is not None:
        differ = [k for k in ("recipient", "badge", "issuedOn") if local.get(k) != assertion.get(k)]
        report.add("hosted copy", not differ,
                   "the given assertion matches the hosted one" if not differ else
                   f"the given assertion differs from the hosted one in {', '.join(differ)}: it was altered "
                   "(the hosted assertion is the one that counts)")
    badge = assertion["badge"]
    try:
        badge = badge if isinstance(badge, dict) else _get_json(badge, fetch, "badge class")
        if "BadgeClass" not in _types(badge) or not badge.get("name") or "issuer" not in badge:
            raise _Fail("the badge class is not a valid BadgeClass (type, name and issuer are required)")
        report.add("badge", True, f"“{badge['name']}” ({badge.get('id', assertion['badge'])})")
        issuer = badge["issuer"]
        issuer = issuer if isinstance(issuer, dict) else _get_json(issuer, fetch, "issuer profile")
        if not ({"Issuer", "Profile"} & set(map(str, _types(issuer)))) or not issuer.get("name"):
            raise _Fail("the issuer profile is not a valid Issuer (type and name are required)")
        report.add("issuer", True, f"{issuer['name']} ({issuer.get('id', badge['issuer'])})")
    except _Fail as exc:
        report.add("badge and issuer", False, str(exc))
        return
    _scope(url, issuer, report)
    ident = assertion["recipient"] if isinstance(assertion["recipient"], dict) else {}
    _recipient(recipient, [(ident.get("identity"), ident.get("salt"), ident.get("hashed", False))], report)
    _dates(parse_time(assertion.get("issuedOn")), parse_time(assertion.get("expires")),
           "expires" in assertion, now, report)
    _revocation_ob2(url, assertion, issuer, fetch, report)


def _scope(url: str, issuer: dict, report: Report) -> None:
    """OB 2.0 HostedVerification: the assertion must be hosted where the issuer allows."""
    verification = issuer.get("verification") if isinstance(issuer.get("verification"), dict) else {}
    starts = verification.get("startsWith")
    origins = verification.get("allowedOrigins")
    if starts:
        starts = [starts] if isinstance(starts, str) else list(starts)
        ok = any(isinstance(s, str) and url.startswith(s) for s in starts)
        report.add("hosted verification", ok, f"hosted under {starts[0]}, where the issuer allows" if ok else
                   f"{url} is not under {', '.join(map(str, starts))}, where the issuer allows assertions")
        return
    allowed = [origins] if isinstance(origins, str) else list(origins or [])
    allowed = allowed or [urlsplit(str(issuer.get("id", ""))).netloc]
    host = urlsplit(url).netloc
    ok = host in allowed
    report.add("hosted verification", ok, f"hosted on {host}, the issuer's domain" if ok else
               f"hosted on {host}, but the issuer allows only {', '.join(allowed)}")


def _revocation_ob2(url: str, assertion: dict, issuer: dict, fetch: Fetch, report: Report) -> None:
    if assertion.get("revoked") is True:
        reason = assertion.get("revocationReason")
        report.add("revocation", False, "REVOKED by the issuer" + (f": {reason}" if reason else ""))
        return
    revocation_list = issuer.get("revocationList")
    if not revocation_list:
        report.add("revocation", True, "not revoked (the issuer publishes no revocation list)")
        return
    try:
        listing = _get_json(revocation_list, fetch, "revocation list")
    except _Fail as exc:
        report.add("revocation", False, f"could not check: {exc}")
        return
    for entry in listing.get("revokedAssertions") or []:
        entry_id = entry.get("id") if isinstance(entry, dict) else entry
        if entry_id in (url, assertion.get("id")):
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            report.add("revocation", False, "REVOKED: listed in the issuer's revocation list"
                       + (f": {reason}" if reason else ""))
            return
    report.add("revocation", True, "not revoked (checked the assertion and the issuer's revocation list)")


def _recipient(email: str | None, identities: list[tuple], report: Report) -> None:
    if email is None:
        report.add("recipient", None, "not checked (give --recipient EMAIL to check who received it)")
        return
    usable = [i for i in identities if isinstance(i[0], str)]
    if not usable:
        report.add("recipient", False, "the award names no e-mail identity to check")
        return
    ok = any(identity_matches(email, identity, salt, hashed is True) for identity, salt, hashed in usable)
    report.add("recipient", ok, f"awarded to {email}" if ok else f"NOT awarded to {email}")


def _dates(start: dt.datetime | None, end: dt.datetime | None, has_end: bool, now: dt.datetime,
           report: Report, start_name: str = "issued") -> None:
    if start is None:
        report.add("dates", False, f"the {start_name} date is missing or unreadable")
    elif has_end and end is None:
        report.add("dates", False, "the expiry date is unreadable")
    elif start > now:
        report.add("dates", False, f"not valid yet: {start_name} {_day(start)}")
    elif end is not None and end <= now:
        report.add("dates", False, f"EXPIRED on {_day(end)} ({start_name} {_day(start)})")
    else:
        report.add("dates", True, f"{start_name} {_day(start)}, "
                   + (f"valid until {_day(end)}" if end else "does not expire"))


# -- Open Badges 3.0 credentials -------------------------------------------------------------------

def _credential(doc: dict, report: Report, fetch: Fetch, recipient, now) -> None:
    from .sign import proof

    types = _types(doc)
    if "VerifiableCredential" not in types or not set(VC_TYPES) & set(types):
        report.add("format", False, f"not an OpenBadgeCredential (type {doc.get('type')!r})")
        return
    report.add("format", True, "an OpenBadgeCredential (W3C Verifiable Credential)")
    _schema(doc, report)
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    key = None
    try:
        method = proof.verification_method(doc)
    except proof.VerificationError as exc:
        report.add("signature", False, f"the credential is not signed: {exc}")
        method = None
    if method is not None:
        try:
            key = resolve_key(issuer_id, method, fetch)
            name = issuer.get("name") if isinstance(issuer, dict) else None
            report.add("issuer", True, f"{name + ' ' if name else ''}{issuer_id}, key {method.rsplit('#', 1)[-1]}")
        except _Fail as exc:
            report.add("issuer", False, str(exc))
    if key is not None:
        try:
            proof.verify(doc, key)
            report.add("signature", True, "the eddsa-rdfc-2022 proof is valid: the credential is as the issuer signed it")
        except proof.VerificationError as exc:
            report.add("signature", False, f"INVALID: the credential was changed after signing, or not signed "
                       f"by this key ({exc})")
    elif method is not None:
        report.add("signature", False, "not checked: the issuer's key could not be found")
    start = doc.get("validFrom", doc.get("issuanceDate"))
    end = doc.get("validUntil", doc.get("expirationDate"))
    _dates(parse_time(start), parse_time(end), end is not None, now, report, "valid from")
    _status(doc, issuer_id, fetch, now, report)
    subject = doc.get("credentialSubject") if isinstance(doc.get("credentialSubject"), dict) else {}
    identities = [(i.get("identityHash"), i.get("salt"), i.get("hashed")) for i in subject.get("identifier") or []
                  if isinstance(i, dict) and i.get("identityType") == "emailAddress"]
    _recipient(recipient, identities, report)


_SCHEMA_VALIDATOR = None


def _schema(doc: dict, report: Report) -> None:
    global _SCHEMA_VALIDATOR
    try:
        import jsonschema
    except ImportError:
        report.add("schema", None, "not checked (install the 'jsonschema' package)")
        return
    if _SCHEMA_VALIDATOR is None:
        from importlib import resources

        schema = json.loads(resources.files("badgesite").joinpath(
            "contexts", "ob_v3p0_achievementcredential_schema.json").read_text("utf-8"))
        cls = jsonschema.Draft201909Validator
        _SCHEMA_VALIDATOR = cls(schema, format_checker=cls.FORMAT_CHECKER)
    errors = sorted(_SCHEMA_VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(map(str, first.absolute_path)) or "(the credential)"
        report.add("schema", False, f"not valid against 1EdTech's Open Badges 3.0 JSON schema: {where}: "
                   f"{first.message[:200]}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
    else:
        report.add("schema", True, "valid against 1EdTech's Open Badges 3.0 JSON schema")


def resolve_key(issuer_id, method: str, fetch: Fetch) -> str:
    """The publicKeyMultibase of `method`, which must be an assertionMethod of the issuer's DID."""
    if not isinstance(issuer_id, str):
        raise _Fail("the credential names no issuer id")
    if not method.startswith(issuer_id + "#"):
        raise _Fail(f"signed with {method}, which is not a key of the issuer {issuer_id}")
    if issuer_id.startswith("did:key:"):
        return issuer_id.removeprefix("did:key:")
    if not issuer_id.startswith("did:web:"):
        raise _Fail(f"the issuer {issuer_id} is not a did:web or did:key, so its key cannot be resolved")
    try:
        url = did_web_url(issuer_id)
    except FetchError as exc:
        raise _Fail(str(exc)) from None
    document = _get_json(url, fetch, "issuer's DID document")
    if document.get("id") != issuer_id:
        raise _Fail(f"the DID document at {url} is for {document.get('id')!r}, not {issuer_id}")

    def absolute(ref):
        ref = ref.get("id") if isinstance(ref, dict) else ref
        return issuer_id + ref if isinstance(ref, str) and ref.startswith("#") else ref

    found = [m for m in document.get("verificationMethod") or [] if isinstance(m, dict) and absolute(m) == method]
    if not found:
        raise _Fail(f"the key {method} is not in the issuer's DID document ({url})")
    if method not in [absolute(r) for r in document.get("assertionMethod") or []]:
        raise _Fail(f"the key {method} is not listed for issuing credentials (assertionMethod) in {url}")
    vm = found[0]
    if vm.get("controller") not in (None, issuer_id) or not isinstance(vm.get("publicKeyMultibase"), str):
        raise _Fail(f"the key {method} in {url} is not an Ed25519 Multikey controlled by {issuer_id}")
    return vm["publicKeyMultibase"]


def _status(doc: dict, issuer_id, fetch: Fetch, now: dt.datetime, report: Report) -> None:
    entries = doc.get("credentialStatus")
    if entries is None:
        report.add("revocation", None, "the credential has no status entry: the issuer cannot revoke it")
        return
    detail = "could not check: the credential's status entry is empty"
    for entry in entries if isinstance(entries, list) else [entries]:
        try:
            detail = _status_entry(entry, issuer_id, fetch, now)
        except _Fail as exc:
            report.add("revocation", False, str(exc))
            return
        if detail.startswith("REVOKED"):
            report.add("revocation", False, detail)
            return
    report.add("revocation", detail.startswith("not revoked"), detail)


def _status_entry(entry, issuer_id, fetch: Fetch, now: dt.datetime) -> str:
    from .sign import proof, statuslist

    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        kind = entry.get("type") if isinstance(entry, dict) else entry
        raise _Fail(f"could not check: unsupported status type {kind!r} (only BitstringStatusListEntry)")
    purpose, url, index = entry.get("statusPurpose"), entry.get("statusListCredential"), entry.get("statusListIndex")
    if not (isinstance(index, str) and index.isdigit()):
        raise _Fail(f"could not check: statusListIndex {index!r} is not a number")
    listing = _get_json(url, fetch, "status list")
    subject = listing.get("credentialSubject") if isinstance(listing.get("credentialSubject"), dict) else {}
    list_issuer = listing.get("issuer")
    list_issuer = list_issuer.get("id") if isinstance(list_issuer, dict) else list_issuer
    if "BitstringStatusListCredential" not in _types(listing) or subject.get("type") != "BitstringStatusList":
        raise _Fail(f"could not check: {url} is not a BitstringStatusListCredential")
    if list_issuer != issuer_id:
        raise _Fail(f"could not check: the status list {url} is issued by {list_issuer!r}, not {issuer_id}")
    if subject.get("statusPurpose") != purpose:
        raise _Fail(f"could not check: the status list is for {subject.get('statusPurpose')!r}, not {purpose!r}")
    try:
        proof.verify(listing, resolve_key(issuer_id, proof.verification_method(listing), fetch))
    except proof.VerificationError as exc:
        raise _Fail(f"could not check: the status list's signature is invalid ({exc})") from None
    until = parse_time(listing.get("validUntil"))
    if until is not None and until <= now:
        raise _Fail(f"could not check: the status list expired on {_day(until)}")
    try:
        bits = statuslist.decode_status_bits(subject.get("encodedList"))
        is_set = statuslist.is_set(bits, int(index))
    except (ValueError, IndexError) as exc:
        raise _Fail(f"could not check: {exc}") from None
    if is_set:
        return f"REVOKED: the issuer set bit {index} of the {purpose} status list {url}"
    return f"not revoked (bit {index} of the signed status list {url} is clear)"
