"""Open Badges 2.0 hosted verification: the assertion at its own id is what counts,
hosted where its issuer allows, not revoked, not expired."""
from __future__ import annotations

from urllib.parse import urlsplit

from .fetch import Fetch
from .report import Fail, Outcome, Report, check_dates, check_recipient, get_json, parse_time, types_of

def verify_hosted(url, local: dict | None, report: Report, fetch: Fetch, recipient, now) -> None:
    """OB 2.0 hosted verification: the assertion at its own id is what counts."""
    try:
        assertion = get_json(url, fetch, "assertion")
    except Fail as exc:
        report.add("assertion", Outcome.FAILED, str(exc))
        return
    problems = []
    if "Assertion" not in types_of(assertion):
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
        report.add("assertion", Outcome.FAILED, "the hosted assertion is not valid: " + "; ".join(problems))
        return
    report.add("assertion", Outcome.PASSED, f"hosted at {url}")
    if local is not None:
        differ = [k for k in ("recipient", "badge", "issuedOn") if local.get(k) != assertion.get(k)]
        report.add("hosted copy", Outcome.of(not differ),
                   "the given assertion matches the hosted one" if not differ else
                   f"the given assertion differs from the hosted one in {', '.join(differ)}: it was altered "
                   "(the hosted assertion is the one that counts)")
    badge = assertion["badge"]
    try:
        badge = badge if isinstance(badge, dict) else get_json(badge, fetch, "badge class")
        if "BadgeClass" not in types_of(badge) or not badge.get("name") or "issuer" not in badge:
            raise Fail("the badge class is not a valid BadgeClass (type, name and issuer are required)")
        report.add("badge", Outcome.PASSED, f"“{badge['name']}” ({badge.get('id', assertion['badge'])})")
        issuer = badge["issuer"]
        issuer = issuer if isinstance(issuer, dict) else get_json(issuer, fetch, "issuer profile")
        if not ({"Issuer", "Profile"} & set(map(str, types_of(issuer)))) or not issuer.get("name"):
            raise Fail("the issuer profile is not a valid Issuer (type and name are required)")
        report.add("issuer", Outcome.PASSED, f"{issuer['name']} ({issuer.get('id', badge['issuer'])})")
    except Fail as exc:
        report.add("badge and issuer", Outcome.FAILED, str(exc))
        return
    _scope(url, issuer, report)
    ident = assertion["recipient"] if isinstance(assertion["recipient"], dict) else {}
    check_recipient(recipient, [(ident.get("identity"), ident.get("salt"), ident.get("hashed", False))], report)
    check_dates(parse_time(assertion.get("issuedOn")), parse_time(assertion.get("expires")),
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
        report.add("hosted verification", Outcome.of(ok),
                   f"hosted under {starts[0]}, where the issuer allows" if ok else
                   f"{url} is not under {', '.join(map(str, starts))}, where the issuer allows assertions")
        return
    allowed = [origins] if isinstance(origins, str) else list(origins or [])
    allowed = allowed or [urlsplit(str(issuer.get("id", ""))).netloc]
    host = urlsplit(url).netloc
    ok = host in allowed
    report.add("hosted verification", Outcome.of(ok), f"hosted on {host}, the issuer's domain" if ok else
               f"hosted on {host}, but the issuer allows only {', '.join(allowed)}")


def _revocation_ob2(url: str, assertion: dict, issuer: dict, fetch: Fetch, report: Report) -> None:
    if assertion.get("revoked") is True:
        reason = assertion.get("revocationReason")
        report.add("revocation", Outcome.FAILED, "REVOKED by the issuer" + (f": {reason}" if reason else ""))
        return
    revocation_list = issuer.get("revocationList")
    if not revocation_list:
        report.add("revocation", Outcome.PASSED, "not revoked (the issuer publishes no revocation list)")
        return
    try:
        listing = get_json(revocation_list, fetch, "revocation list")
    except Fail as exc:
        report.add("revocation", Outcome.FAILED, f"could not check: {exc}")
        return
    for entry in listing.get("revokedAssertions") or []:
        entry_id = entry.get("id") if isinstance(entry, dict) else entry
        if entry_id in (url, assertion.get("id")):
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            report.add("revocation", Outcome.FAILED, "REVOKED: listed in the issuer's revocation list"
                       + (f": {reason}" if reason else ""))
            return
    report.add("revocation", Outcome.PASSED, "not revoked (checked the assertion and the issuer's revocation list)")
