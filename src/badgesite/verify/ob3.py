"""Open Badges 3.0 credentials: the proof (eddsa-rdfc-2022) with the issuer's did:web
key, the 1EdTech JSON schema, the dates and the Bitstring status list."""
from __future__ import annotations

import datetime as dt
import enum
import json
from importlib import resources

from ..documents import bitstring
from ..sign import proof
from ..vocab import VC_TYPES
from .fetch import Fetch, FetchError, did_web_url
from .report import Fail, Outcome, Report, check_dates, check_recipient, day, get_json, parse_time, types_of


class Revocation(enum.Enum):
    """What a status entry says."""

    NOT_REVOKED = "not revoked"
    REVOKED = "revoked"

def verify_credential(doc: dict, report: Report, fetch: Fetch, recipient, now) -> None:
    types = types_of(doc)
    if "VerifiableCredential" not in types or not set(VC_TYPES) & set(types):
        report.add("format", Outcome.FAILED, f"not an OpenBadgeCredential (type {doc.get('type')!r})")
        return
    report.add("format", Outcome.PASSED, "an OpenBadgeCredential (W3C Verifiable Credential)")
    _schema(doc, report)
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    key = None
    try:
        method = proof.verification_method(doc)
    except proof.VerificationError as exc:
        report.add("signature", Outcome.FAILED, f"the credential is not signed: {exc}")
        method = None
    if method is not None:
        try:
            key = resolve_key(issuer_id, method, fetch)
            name = issuer.get("name") if isinstance(issuer, dict) else None
            report.add("issuer", Outcome.PASSED,
                       f"{name + ' ' if name else ''}{issuer_id}, key {method.rsplit('#', 1)[-1]}")
        except Fail as exc:
            report.add("issuer", Outcome.FAILED, str(exc))
    if key is not None:
        try:
            proof.verify(doc, key)
            report.add("signature", Outcome.PASSED,
                       "the eddsa-rdfc-2022 proof is valid: the credential is as the issuer signed it")
        except proof.VerificationError as exc:
            report.add("signature", Outcome.FAILED, f"INVALID: the credential was changed after signing, or not signed "
                       f"by this key ({exc})")
    elif method is not None:
        report.add("signature", Outcome.FAILED, "not checked: the issuer's key could not be found")
    start = doc.get("validFrom", doc.get("issuanceDate"))
    end = doc.get("validUntil", doc.get("expirationDate"))
    check_dates(parse_time(start), parse_time(end), end is not None, now, report, "valid from")
    _status(doc, issuer_id, fetch, now, report)
    subject = doc.get("credentialSubject") if isinstance(doc.get("credentialSubject"), dict) else {}
    identities = [(i.get("identityHash"), i.get("salt"), i.get("hashed")) for i in subject.get("identifier") or []
                  if isinstance(i, dict) and i.get("identityType") == "emailAddress"]
    check_recipient(recipient, identities, report)


_SCHEMA_VALIDATOR = None


def _schema(doc: dict, report: Report) -> None:
    global _SCHEMA_VALIDATOR
    try:
        import jsonschema
    except ImportError:
        report.add("schema", Outcome.NOT_CHECKED, "not checked (install the 'jsonschema' package)")
        return
    if _SCHEMA_VALIDATOR is None:
        schema = json.loads(resources.files("badgesite").joinpath(
            "contexts", "ob_v3p0_achievementcredential_schema.json").read_text("utf-8"))
        cls = jsonschema.Draft201909Validator
        _SCHEMA_VALIDATOR = cls(schema, format_checker=cls.FORMAT_CHECKER)
    errors = sorted(_SCHEMA_VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(map(str, first.absolute_path)) or "(the credential)"
        report.add("schema", Outcome.FAILED, f"not valid against 1EdTech's Open Badges 3.0 JSON schema: {where}: "
                   f"{first.message[:200]}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
    else:
        report.add("schema", Outcome.PASSED, "valid against 1EdTech's Open Badges 3.0 JSON schema")


def resolve_key(issuer_id, method: str, fetch: Fetch) -> str:
    """The publicKeyMultibase of `method`, which must be an assertionMethod of the issuer's DID."""
    if not isinstance(issuer_id, str):
        raise Fail("the credential names no issuer id")
    if not method.startswith(issuer_id + "#"):
        raise Fail(f"signed with {method}, which is not a key of the issuer {issuer_id}")
    if issuer_id.startswith("did:key:"):
        return issuer_id.removeprefix("did:key:")
    if not issuer_id.startswith("did:web:"):
        raise Fail(f"the issuer {issuer_id} is not a did:web or did:key, so its key cannot be resolved")
    try:
        url = did_web_url(issuer_id)
    except FetchError as exc:
        raise Fail(str(exc)) from None
    document = get_json(url, fetch, "issuer's DID document")
    if document.get("id") != issuer_id:
        raise Fail(f"the DID document at {url} is for {document.get('id')!r}, not {issuer_id}")

    def absolute(ref):
        ref = ref.get("id") if isinstance(ref, dict) else ref
        return issuer_id + ref if isinstance(ref, str) and ref.startswith("#") else ref

    found = [m for m in document.get("verificationMethod") or [] if isinstance(m, dict) and absolute(m) == method]
    if not found:
        raise Fail(f"the key {method} is not in the issuer's DID document ({url})")
    if method not in [absolute(r) for r in document.get("assertionMethod") or []]:
        raise Fail(f"the key {method} is not listed for issuing credentials (assertionMethod) in {url}")
    vm = found[0]
    if vm.get("controller") not in (None, issuer_id) or not isinstance(vm.get("publicKeyMultibase"), str):
        raise Fail(f"the key {method} in {url} is not an Ed25519 Multikey controlled by {issuer_id}")
    return vm["publicKeyMultibase"]


def _status(doc: dict, issuer_id, fetch: Fetch, now: dt.datetime, report: Report) -> None:
    entries = doc.get("credentialStatus")
    if entries is None:
        report.add("revocation", Outcome.NOT_CHECKED, "the credential has no status entry: the issuer cannot revoke it")
        return
    status, detail = None, "could not check: the credential's status entry is empty"
    for entry in entries if isinstance(entries, list) else [entries]:
        try:
            status, detail = _status_entry(entry, issuer_id, fetch, now)
        except Fail as exc:
            report.add("revocation", Outcome.FAILED, str(exc))
            return
        if status is Revocation.REVOKED:
            report.add("revocation", Outcome.FAILED, detail)
            return
    report.add("revocation", Outcome.of(status is Revocation.NOT_REVOKED), detail)


def _status_entry(entry, issuer_id, fetch: Fetch, now: dt.datetime) -> tuple[Revocation, str]:
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        kind = entry.get("type") if isinstance(entry, dict) else entry
        raise Fail(f"could not check: unsupported status type {kind!r} (only BitstringStatusListEntry)")
    purpose, url, index = entry.get("statusPurpose"), entry.get("statusListCredential"), entry.get("statusListIndex")
    if not (isinstance(index, str) and index.isdigit()):
        raise Fail(f"could not check: statusListIndex {index!r} is not a number")
    listing = get_json(url, fetch, "status list")
    subject = listing.get("credentialSubject") if isinstance(listing.get("credentialSubject"), dict) else {}
    list_issuer = listing.get("issuer")
    list_issuer = list_issuer.get("id") if isinstance(list_issuer, dict) else list_issuer
    if "BitstringStatusListCredential" not in types_of(listing) or subject.get("type") != "BitstringStatusList":
        raise Fail(f"could not check: {url} is not a BitstringStatusListCredential")
    if list_issuer != issuer_id:
        raise Fail(f"could not check: the status list {url} is issued by {list_issuer!r}, not {issuer_id}")
    if subject.get("statusPurpose") != purpose:
        raise Fail(f"could not check: the status list is for {subject.get('statusPurpose')!r}, not {purpose!r}")
    try:
        proof.verify(listing, resolve_key(issuer_id, proof.verification_method(listing), fetch))
    except proof.VerificationError as exc:
        raise Fail(f"could not check: the status list's signature is invalid ({exc})") from None
    until = parse_time(listing.get("validUntil"))
    if until is not None and until <= now:
        raise Fail(f"could not check: the status list expired on {day(until)}")
    try:
        bits = bitstring.decode_status_bits(subject.get("encodedList"))
        is_set = bitstring.is_set(bits, int(index))
    except (ValueError, IndexError) as exc:
        raise Fail(f"could not check: {exc}") from None
    if is_set:
        return Revocation.REVOKED, f"REVOKED: the issuer set bit {index} of the {purpose} status list {url}"
    return Revocation.NOT_REVOKED, f"not revoked (bit {index} of the signed status list {url} is clear)"
