"""Model -> Open Badges 3.0 documents: OpenBadgeCredential, did:web document, status lists.

Pure functions: model in, dict out. output/credentials.py signs them with
eddsa-rdfc-2022 (sign/proof.py) and bakes them: same input, same bytes, because
Ed25519 is deterministic and every date comes from the ledger.

Every property used here is defined by the VC 2.0 or OB 3.0.3 context, or (the EU
micro-credential elements OB 3.0 lacks) by the context microcredentials.context()
embedded in the credential; safe mode in sign/canon.py refuses anything else. The
credential validates against 1EdTech's OB 3.0 JSON schema.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, NamedTuple

from .. import microcredentials
from ..model import Award, Badge, Config, Site, Where
from ..urls import Urls
from ..vocab import DID_CONTEXTS, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT, OB3_SCHEMA, VC_CONTEXT, ob3_date
from . import bitstring

# OB 3.0 AchievementType enumeration
ACHIEVEMENT_TYPES = {"badge": "Badge", "edubadge": "Badge", "microcredential": "MicroCredential",
                     "extracurricular": "CoCurricular"}
EQF_URL = "https://europass.europa.eu/en/description-eight-eqf-levels"
NLQF_URL = "https://www.nlqf.nl/"
QF_EHEA_URL = "https://www.ehea.info/page-qualification-frameworks"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LANGUAGE = re.compile(r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")


def language_tag(language: str) -> str | None:
    """BCP 47 as the OB 3.0 schema wants it: nl, nl-NL, pt-BR; None if it cannot be."""
    main, _, region = language.partition("-")
    tag = main.lower() + (f"-{region.upper()}" if len(region) == 2 else f"-{region}" if region else "")
    return tag if _LANGUAGE.match(tag) else None


def _number(value: float) -> float | int:
    # 2.0 must be written 2: Python and JavaScript canonicalise 2.0 differently
    return int(value) if float(value).is_integer() else value


def clean(value):
    """Control characters removed from every string (they canonicalise differently across
    implementations, and verifiers in safe mode reject them)."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


# -- the issuer ---------------------------------------------------------------------------

def verification_method(urls: Urls, key_id: str) -> str:
    return f"{urls.did}#{key_id}"


# OB 3.0 Profile: the issuer is the site's did:web
def issuer_profile(config: Config, urls: Urls, image_path: str | None = None) -> dict:
    profile = {"id": urls.did, "type": ["Profile"], "name": config.issuer.name, "url": config.issuer.url}
    if config.issuer.email:
        profile["email"] = config.issuer.email
    if config.issuer.description:
        profile["description"] = config.issuer.description
    if image_path:
        profile["image"] = {"id": urls.url(image_path), "type": "Image"}
    if config.issuer.country:  # EU micro-credential element: the country of the issuer
        profile["address"] = {"type": ["Address"], "addressCountryCode": config.issuer.country}
    if config.issuer.legal_identifier:
        profile["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": config.issuer.legal_identifier,
                                       "identifierType": "identifier"}]
    return profile


def did_document(urls: Urls, keys: Iterable) -> dict:
    """The did:web document: every key (current and retired) as a Multikey for assertionMethod.

    `keys`: objects with `.id` ("key-1") and `.multibase` ("z6Mk…"), oldest first.
    """
    methods = [{"id": verification_method(urls, k.id), "type": "Multikey", "controller": urls.did,
                "publicKeyMultibase": k.multibase} for k in keys]
    return {"@context": list(DID_CONTEXTS), "id": urls.did, "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods]}


# -- the achievement (one per badge) --------------------------------------------------------

def criteria_narrative(badge: Badge) -> str:
    text = badge.text
    narrative = "\n".join(f"{i}. {c}" for i, c in enumerate(text.criteria, 1))
    return narrative + ("\n\n" + text.body if text.body else "")


# OB 3.0 Achievement, from the badge (in the site language)
def achievement(badge: Badge, config: Config, urls: Urls) -> dict:
    text = badge.text
    doc = {
        "id": urls.url(urls.badge_json(badge.id)),  # the OB 2.0 BadgeClass of the same badge
        "type": ["Achievement"],
        "name": text.name,
        "description": text.description,
        "criteria": {"id": urls.page_url(urls.badge_page(badge.id)), "narrative": criteria_narrative(badge)},
        "image": {"id": urls.url(urls.badge_image(badge.id, badge.image_type)), "type": "Image"},
        "achievementType": ACHIEVEMENT_TYPES.get(badge.kind, "Badge"),
    }
    if text.image_alt:
        doc["image"]["caption"] = text.image_alt
    language = language_tag(config.language)
    if language:
        doc["inLanguage"] = language
    if badge.tags:
        doc["tag"] = list(badge.tags)
    if badge.study_load and badge.study_load.ects:
        doc["creditsAvailable"] = _number(badge.study_load.ects)
    alignments = [_alignment(a.name, a.url, a.description, a.framework, a.code) for a in badge.alignment]
    if badge.eqf:
        alignments.append(_alignment(f"EQF level {badge.eqf}", EQF_URL, None,
                                     "European Qualifications Framework", str(badge.eqf)))
    if badge.nlqf:
        alignments.append(_alignment(f"NLQF level {badge.nlqf}", NLQF_URL, None,
                                     "Dutch Qualifications Framework (NLQF)", str(badge.nlqf)))
    if badge.qf_ehea_cycle:
        alignments.append(_alignment(f"QF-EHEA cycle {badge.qf_ehea_cycle}", QF_EHEA_URL, None,
                                     "Qualifications Framework of the European Higher Education Area (QF-EHEA)",
                                     str(badge.qf_ehea_cycle)))
    if alignments:
        doc["alignment"] = alignments
    if text.learning_outcomes:
        # learning outcomes as OB 3.0 ResultDescriptions of an extension result type
        page = urls.page_url(urls.badge_page(badge.id))
        doc["resultDescription"] = [
            {"id": f"{page}#learning-outcome-{i}", "type": ["ResultDescription"], "name": outcome,
             "resultType": "ext:LearningOutcome"}
            for i, outcome in enumerate(text.learning_outcomes, 1)]
    doc.update(microcredentials.achievement_terms(badge))  # defined by microcredentials.context()
    return doc


def _alignment(name, url, description, framework, code) -> dict:
    item = {"type": ["Alignment"], "targetName": name, "targetUrl": url}
    for key, value in (("targetDescription", description), ("targetFramework", framework), ("targetCode", code)):
        if value:
            item[key] = value
    return item


# -- status lists (W3C Bitstring Status List, one series per ledger file) -----------------------

def status_position(award: Award) -> tuple[int, int]:
    """(list number, index in it): from the award's permanent place in its ledger file."""
    return divmod(award.position, bitstring.MIN_SIZE)


def status_entry(award: Award, urls: Urls) -> dict:
    number, index = status_position(award)
    url = urls.url(urls.status_list(award.ledger, number))
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(index), "statusListCredential": url}


class StatusList(NamedTuple):
    """What one status list credential says, gathered from the awards that point into it."""
    ledger: str
    number: int
    valid_from: dt.date  # the oldest award of the list: the list is valid for all of them
    changed: dt.date  # its last change (an award or a revocation): the proof's date
    revoked: tuple[int, ...]  # the indices whose bit is set
    source: Where  # where its first award is, for messages


def status_lists(awards: Iterable[Award]) -> list[StatusList]:
    """Every list some award points into, in (ledger, number) order. (A build reads the
    same from the ledger cache's summaries: incremental/ledgers.py, LedgerFile.status_lists.)"""
    members: dict[tuple[str, int], list[Award]] = {}
    for award in awards:
        members.setdefault((award.ledger, status_position(award)[0]), []).append(award)
    lists = []
    for (ledger, number), listed in sorted(members.items()):
        revoked = [a for a in listed if a.revoked]
        lists.append(StatusList(ledger, number, min(a.issued for a in listed),
                                max([a.issued for a in listed] + [a.revoked.date for a in revoked]),
                                tuple(sorted(status_position(a)[1] for a in revoked)), listed[0].source))
    return lists


def status_list_credential(status: StatusList, urls: Urls) -> dict:
    """The unsigned BitstringStatusListCredential: the bit of every revoked award is set."""
    url = urls.url(urls.status_list(status.ledger, status.number))
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": urls.did,
        "validFrom": ob3_date(status.valid_from),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": bitstring.encode_status_bits(status.revoked)},
    }


# -- the credential ---------------------------------------------------------------------------

def credential(award: Award, site: Site, urls: Urls, issuer_image: str | None = None) -> dict:
    """The unsigned OpenBadgeCredential of an award."""
    badge = site.badges[award.badge]
    return credential_from(award, badge.name, clean(issuer_profile(site.config, urls, issuer_image)),
                           clean(achievement(badge, site.config, urls)), urls)


def credential_from(award: Award, name: str, profile: dict, achievement_doc: dict, urls: Urls) -> dict:
    """The credential of an award from its badge's parts (`profile` and `achievement_doc`
    already clean(): they are the same for every award of a badge, so made once). Of the
    award's own values only its texts can hold control characters (ids, dates, hashes
    and URLs are validated), so only they are cleaned."""
    subject = {
        "type": ["AchievementSubject"],
        # the recipient as in the OB 2.0 assertion: the same salted hash, never the e-mail
        "identifier": [{"type": "IdentityObject", "identityHash": clean(award.recipient.identity),
                        "identityType": "emailAddress", "hashed": True, "salt": clean(award.recipient.salt)}],
        "achievement": achievement_doc,
    }
    if award.name:
        subject["name"] = clean(award.name)
    if award.narrative:
        subject["narrative"] = clean(award.narrative)
    if award.grade:  # EU micro-credential element: the grade achieved, as an OB 3.0 Result
        subject["result"] = [{"type": ["Result"], "value": clean(award.grade)}]
    contexts = [VC_CONTEXT, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT]
    if any(term in achievement_doc for term in microcredentials.TERMS):
        contexts.append(microcredentials.context(urls))
    doc = {
        "@context": contexts,
        "id": urls.url(urls.credential(award.id)),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": clean(name),
        "issuer": profile,
        "validFrom": ob3_date(award.issued),
        "awardedDate": ob3_date(award.issued),
        "credentialSubject": subject,
        "credentialStatus": status_entry(award, urls),
        "credentialSchema": [{"id": OB3_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "evidence": [*(clean(_evidence(ev)) for ev in award.evidence), _ob2_link(award, urls)],
    }
    if award.expires:
        doc["validUntil"] = ob3_date(award.expires)
    return doc


def _evidence(ev) -> dict:
    item = {"type": ["Evidence"]}
    if ev.url:
        item["id"] = ev.url
    for key in ("name", "narrative", "description"):
        if getattr(ev, key):
            item[key] = getattr(ev, key)
    return item


def _ob2_link(award: Award, urls: Urls) -> dict:
    """The same award as a hosted OB 2.0 assertion, for OB 2.0 backpacks and verifiers."""
    return {"id": urls.url(urls.award_json(award.id)), "type": ["Evidence"],
            "name": "Open Badges 2.0 assertion of this award",
            "description": "The same award as a hosted Open Badges 2.0 assertion.",
            "genre": "Open Badges 2.0 Assertion"}
