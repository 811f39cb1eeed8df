"""Model -> Open Badges 2.0 documents (1EdTech OB 2.0, hosted verification).

Pure functions returning dicts; documents/json.py makes them bytes. Every public URL
comes from `urls`.
"""
from __future__ import annotations

from .. import microcredentials
from ..model import Award, Badge, Config
from ..urls import Urls
from ..vocab import OB2_CONTEXT, ob2_date



def locale(language: str) -> str:
    """edubadges' LanguageExtension form: nl -> nl_NL, en -> en_EN."""
    if "-" in language:
        main, region = language.split("-", 1)
        return f"{main}_{region.upper()}"
    return f"{language}_{language.upper()}"


# OB 2.0 Profile (Issuer)
def issuer(config: Config, urls: Urls, image_path: str | None) -> dict:
    doc = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": urls.url(urls.issuer_json),
        "name": config.issuer.name,
        "url": config.issuer.url,
        "revocationList": urls.url(urls.revocations_json),
        # Hosted verification is scoped to this site, not the whole shared origin.
        "verification": {"type": "hosted", "startsWith": config.base_url},
    }
    if config.issuer.email:
        doc["email"] = config.issuer.email
    if config.issuer.description:
        doc["description"] = config.issuer.description
    if image_path:
        doc["image"] = urls.url(image_path)
    return doc


def _extension(name: str, urls: Urls, **values) -> dict:
    return {"@context": urls.url(urls.extension_context(name)),
            "type": ["Extension", f"extensions:{name}"], **values}


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# OB 2.0 BadgeClass, with edubadges metadata as OB 2.0 extensions
def badge_class(badge: Badge, config: Config, urls: Urls) -> dict:
    text = badge.text
    narrative = "\n".join(f"{i}. {c}" for i, c in enumerate(text.criteria, 1))
    if text.body:
        narrative += "\n\n" + text.body
    doc = {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": urls.url(urls.badge_json(badge.id)),
        "name": text.name,
        "description": text.description,
        "image": urls.url(urls.badge_image(badge.id, badge.image_type)),
        "criteria": {"id": urls.page_url(urls.badge_page(badge.id)), "narrative": narrative},
        "issuer": urls.url(urls.issuer_json),
    }
    if badge.tags:
        doc["tags"] = list(badge.tags)
    if badge.alignment:
        doc["alignment"] = [
            {k: v for k, v in (("targetName", a.name), ("targetUrl", a.url), ("targetDescription", a.description),
                               ("targetFramework", a.framework), ("targetCode", a.code)) if v}
            for a in badge.alignment
        ]
    if badge.study_load and badge.study_load.ects:
        doc["extensions:ECTSExtension"] = _extension("ECTSExtension", urls, ECTS=_number(badge.study_load.ects))
    if badge.study_load and badge.study_load.hours:
        doc["extensions:StudyLoadExtension"] = _extension("StudyLoadExtension", urls, StudyLoad=_number(badge.study_load.hours))
    if badge.eqf:
        doc["extensions:EQFExtension"] = _extension("EQFExtension", urls, EQF=badge.eqf)
    if text.learning_outcomes:
        doc["extensions:LearningOutcomeExtension"] = _extension(
            "LearningOutcomeExtension", urls, LearningOutcome="\n".join(text.learning_outcomes))
    doc["extensions:LanguageExtension"] = _extension("LanguageExtension", urls, Language=locale(config.language))
    code = badge.extra.get("programme_code") if isinstance(badge.extra, dict) else None
    if isinstance(code, (str, int)):
        doc["extensions:EducationProgramIdentifierExtension"] = _extension(
            "EducationProgramIdentifierExtension", urls, EducationProgramIdentifier=str(code))
    for name, values in microcredentials.badge_extensions(badge):
        doc[f"extensions:{name}"] = _extension(name, urls, **values)
    return doc


# OB 2.0 Assertion, hosted
def assertion(award: Award, urls: Urls) -> dict:
    doc = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": urls.url(urls.award_json(award.id)),
        # OB2 Assertion.recipient: hashed identity, a salt of its own per award
        "recipient": {"type": "email", "hashed": True, "salt": award.recipient.salt,
                      "identity": award.recipient.identity},
        "badge": urls.url(urls.badge_json(award.badge)),
        "verification": {"type": "hosted"},
        "issuedOn": ob2_date(award.issued),
    }
    if award.expires:
        doc["expires"] = ob2_date(award.expires)
    if award.evidence:
        doc["evidence"] = []
        for ev in award.evidence:
            item = {"type": "Evidence"}
            if ev.url:
                item["id"] = ev.url
            for key in ("name", "narrative", "description"):
                if getattr(ev, key):
                    item[key] = getattr(ev, key)
            doc["evidence"].append(item)
    if award.narrative:
        doc["narrative"] = award.narrative
    if award.grade:  # EU micro-credential element: the grade achieved
        doc["extensions:GradeExtension"] = _extension("GradeExtension", urls, Grade=award.grade)
    if award.revoked:
        doc["revoked"] = True
        doc["revocationReason"] = award.revoked.reason
    return doc


# OB 2.0 RevocationList
def revocation_list(revoked: list[tuple[str, str, str]], urls: Urls) -> dict:
    """From (award id, date YYYY-MM-DD, reason) of every revoked award."""
    return {
        "@context": OB2_CONTEXT,
        "type": "RevocationList",
        "id": urls.url(urls.revocations_json),
        "issuer": urls.url(urls.issuer_json),
        "revokedAssertions": [
            {"id": urls.url(urls.award_json(award_id)), "revocationReason": reason, "revokedOn": date}
            for award_id, date, reason in sorted(revoked)
        ],
    }


# edubadges extensions: each with a context naming its JSON schema (obi:validation)
EXTENSION_PROPERTIES = {
    "ECTSExtension": ("ECTS", {"type": "number", "minimum": 0}),
    "StudyLoadExtension": ("StudyLoad", {"type": "number", "minimum": 0}),
    "EQFExtension": ("EQF", {"type": "integer", "minimum": 1, "maximum": 8}),
    "LearningOutcomeExtension": ("LearningOutcome", {"type": "string"}),
    "LanguageExtension": ("Language", {"type": "string"}),
    "EducationProgramIdentifierExtension": ("EducationProgramIdentifier", {"type": ["string", "integer"]}),
    **microcredentials.EXTENSION_PROPERTIES,
}


def _properties(name: str) -> dict[str, dict]:
    """{property: JSON schema} of an extension; the first property is required."""
    spec = EXTENSION_PROPERTIES[name]
    return {spec[0]: spec[1]} if isinstance(spec, tuple) else spec


def extension_context(name: str, urls: Urls) -> dict:
    context_url = urls.url(urls.extension_context(name))
    return {
        "@context": {
            "obi": "https://w3id.org/openbadges#",
            "extensions": "https://w3id.org/openbadges/extensions#",
            **{prop: f"{context_url}#{prop}" for prop in _properties(name)},
        },
        "obi:validation": [{
            "obi:validatesType": f"extensions:{name}",
            "obi:validationSchema": urls.url(urls.extension_schema(name)),
        }],
    }


def extension_schema(name: str, urls: Urls) -> dict:
    properties = _properties(name)
    first = next(iter(properties))
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": name,
        "description": f"edubadges {name}: {', '.join(properties)}",
        "type": "object",
        "properties": properties,
        "required": [first],
    }
