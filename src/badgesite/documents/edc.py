"""Model -> European Digital Credentials (EDC): one unsigned credential per award.

The EDC application profile of the European Learning Model 3 (W3C VC 1.1 with the
`edc-ap` JSON-LD context), as the Europass EDC issuer and sealing services accept
it. badgesite writes it unsigned: the institution seals it (a qualified or advanced
electronic seal is a legal instrument badgesite does not hold).

Pure functions: `lacks(site, award)` says what a valid EDC of the award needs and
the site does not give; `credential(site, award, urls, image)` makes the document.
Every id is derived from a permanent URL (uuid5), so the same input gives the same
bytes. Concept IRIs are those of the EU vocabularies (data.europa.eu/snb,
publications.europa.eu/resource/authority); the tests check the documents against
the official SHACL shapes of the profile (edc-generic-full).
"""
from __future__ import annotations

import base64
import uuid

from .. import countries, microcredentials
from ..model import Award, Badge, Site
from ..urls import Urls
from ..vocab import ob3_date

VC_CONTEXT = "https://www.w3.org/2018/credentials/v1"
EDC_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
EDC_SHAPES = "http://data.europa.eu/snb/model/ap/edc-generic-full"

COUNTRY_SCHEME = "http://publications.europa.eu/resource/authority/country"
LANGUAGE_SCHEME = "http://publications.europa.eu/resource/authority/language"
FILE_TYPE_SCHEME = "http://publications.europa.eu/resource/authority/file-type"
ENCODING_SCHEME = "http://data.europa.eu/snb/encoding/25831c2"
BASE64 = "http://data.europa.eu/snb/encoding/6146cde7dd"
CREDENTIAL_SCHEME = "http://data.europa.eu/snb/credential/25831c2"
GENERIC_PROFILE = "http://data.europa.eu/snb/credential/e34929035b"
EQF_SCHEME = "http://data.europa.eu/snb/eqf/25831c2"
CREDIT_SCHEME = "http://data.europa.eu/snb/education-credit/25831c2"
ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
MODE_SCHEME = "http://data.europa.eu/snb/learning-assessment/25831c2"
MODES = {  # participation -> Europass "mode of learning and assessment"
    "online": ("http://data.europa.eu/snb/learning-assessment/920fbb3cbe", "Online"),
    "onsite": ("http://data.europa.eu/snb/learning-assessment/9191af2ed9", "Presential"),
    "blended": ("http://data.europa.eu/snb/learning-assessment/e92d221e4d", "Blended"),
}
ESCO_SKILLS = "http://data.europa.eu/esco/concept-scheme/skills"
ESCO_SKILL = "http://data.europa.eu/esco/skill/"

# ISO 639-1 -> the EU Publications Office's language authority codes
LANGUAGES = {
    "bg": "BUL", "cs": "CES", "da": "DAN", "de": "DEU", "el": "ELL", "en": "ENG", "es": "SPA", "et": "EST",
    "fi": "FIN", "fr": "FRA", "ga": "GLE", "hr": "HRV", "hu": "HUN", "is": "ISL", "it": "ITA", "lt": "LIT",
    "lv": "LAV", "mt": "MLT", "nl": "NLD", "no": "NOR", "nb": "NOB", "nn": "NNO", "pl": "POL", "pt": "POR",
    "ro": "RON", "sk": "SLK", "sl": "SLV", "sv": "SWE", "fy": "FRY", "tr": "TUR", "uk": "UKR", "ru": "RUS",
    "ar": "ARA", "zh": "ZHO", "ja": "JPN", "sq": "SQI", "mk": "MKD", "sr": "SRP", "bs": "BOS", "ca": "CAT",
    "eu": "EUS", "gl": "GLG", "cy": "CYM", "lb": "LTZ",
}
LANGUAGE_NAMES = {"ENG": "English", "NLD": "Dutch", "DEU": "German", "FRA": "French", "SPA": "Spanish"}


# -- what is missing ---------------------------------------------------------------------------

def site_lacks(site: Site) -> list[str]:
    """What every EDC of this site needs from badgesite.yaml."""
    issuer, found = site.config.issuer, []
    if not issuer.country:
        found.append("'issuer.country' (the country of the awarding body, e.g. country: NL)")
    if not issuer.legal_identifier:
        found.append("'issuer.legal_identifier' (the organisation's registered identifier, e.g. its "
                     "Chamber of Commerce or VAT number)")
    for language in site.config.languages:
        if _language_code(language) is None:
            found.append(f"a language the EU vocabularies know: '{language}' is not one")
    return found


def lacks(site: Site, award: Award) -> list[str]:
    """What a valid EDC of this award needs from its badge (the Annex I elements an EDC
    carries), in the words of the Recommendation."""
    badge = site.badges[award.badge]
    found = [f"the '{element}' ({hint})" for element, hint in microcredentials.missing_elements(badge, site.config)
             if element != microcredentials.COUNTRY]  # said once, by site_lacks
    for a in badge.alignment:
        if (a.framework or "").upper() == "ESCO" and not a.url.startswith(ESCO_SKILL):
            found.append(f"an ESCO skill IRI ({ESCO_SKILL}…) as the url of the ESCO alignment '{a.name}'")
    return found


# -- the credential ------------------------------------------------------------------------------

def credential(site: Site, award: Award, urls: Urls, image_png: bytes) -> dict:
    """The unsigned EDC of an award. `image_png`: the badge image as PNG, shown by wallets."""
    badge = site.badges[award.badge]
    org = _organisation(site, urls)
    languages = list(site.config.languages)
    achievement = {
        "id": _id(urls.url(urls.award_json(award.id)), "achievement"),
        "type": "LearningAchievement",
        "title": _texts(badge, languages, "name"),
        "description": _texts(badge, languages, "description"),
        "awardedBy": {"id": _id(urls.url(urls.award_json(award.id)), "awarding"), "type": "AwardingProcess",
                      "awardingBody": [{"id": org["id"]}], "awardingDate": ob3_date(award.issued)},
        "specifiedBy": _specification(site, badge, urls, languages),
    }
    if award.grade:  # an optional Annex I element: the assessment that gave it
        achievement["provenBy"] = [{
            "id": _id(urls.url(urls.award_json(award.id)), "assessment"), "type": "LearningAssessment",
            "title": _texts(badge, languages, "assessment") or _texts(badge, languages, "name"),
            "grade": _note(urls.url(urls.award_json(award.id)), "grade", {site.config.language: award.grade}),
            "awardedBy": {"id": achievement["awardedBy"]["id"]},
        }]
    person = {"id": _id(urls.url(urls.award_json(award.id)), "learner"), "type": "Person",
              # Annex I: identification of the learner: the recipient's salted e-mail hash, as
              # in the award's Open Badges; the name too when the ledger has it
              "identifier": [{"id": _id(urls.url(urls.award_json(award.id)), "learner-identifier"),
                              "type": "Identifier", "notation": award.recipient.identity,
                              "schemeName": f"Open Badges salted SHA-256 e-mail hash, salt {award.recipient.salt}"}],
              "hasClaim": [achievement]}
    if award.name:
        person["fullName"] = {site.config.language: award.name}
    doc = {
        "@context": [VC_CONTEXT, EDC_CONTEXT],
        "id": _id(urls.url(urls.award_json(award.id)), "credential"),
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialProfiles": [_concept(GENERIC_PROFILE, CREDENTIAL_SCHEME, "Generic")],
        "credentialSchema": [{"id": EDC_SHAPES, "type": "ShaclValidator2017"}],
        "identifier": [{"id": _id(urls.url(urls.award_json(award.id)), "identifier"), "type": "Identifier",
                        "notation": award.id, "schemeName": f"Award id at {site.config.base_url}"}],
        "issuer": org,
        "issued": ob3_date(award.issued),
        "issuanceDate": ob3_date(award.issued),
        "validFrom": ob3_date(award.issued),
        "credentialSubject": person,
        "displayParameter": _display(site, badge, urls, languages, image_png),
    }
    if award.expires:
        doc["validUntil"] = doc["expirationDate"] = ob3_date(award.expires)
    return doc


def _specification(site: Site, badge: Badge, urls: Urls, languages: list[str]) -> dict:
    """The badge: a Qualification where it has an EQF level, else a LearningAchievementSpecification."""
    anchor = urls.url(urls.badge_json(badge.id))
    page = urls.page_url(urls.badge_page(badge.id))
    spec = {"id": _id(anchor, "specification"),
            "type": "Qualification" if badge.eqf else "LearningAchievementSpecification",
            "title": _texts(badge, languages, "name"), "description": _texts(badge, languages, "description"),
            "homepage": [{"id": _id(anchor, "homepage"), "type": "WebResource", "contentURL": page}],
            "language": [_language(language) for language in languages]}
    if badge.eqf:
        spec["eqfLevel"] = _concept(f"http://data.europa.eu/snb/eqf/{badge.eqf}", EQF_SCHEME, f"Level {badge.eqf}")
    load = badge.study_load
    if load and load.ects:
        spec["creditPoint"] = [{"id": _id(anchor, "ects"), "type": "CreditPoint",
                                "framework": _concept(ECTS, CREDIT_SCHEME, "European Credit Transfer System"),
                                "point": _number(load.ects)}]
    if load and load.hours:
        minutes = round(load.hours * 60)
        spec["volumeOfLearning"] = f"PT{minutes // 60}H" + (f"{minutes % 60}M" if minutes % 60 else "")
    if badge.participation:
        iri, label = MODES[badge.participation]
        spec["mode"] = [_concept(iri, MODE_SCHEME, label)]
    outcomes = [{"id": _id(anchor, f"learning-outcome-{i}"), "type": "LearningOutcome",
                 "title": {lang: badge.in_language(lang).learning_outcomes[i - 1] for lang in languages
                           if len(badge.in_language(lang).learning_outcomes) >= i}}
                for i in range(1, len(badge.text.learning_outcomes) + 1)]
    for i, a in enumerate(badge.alignment, 1):  # ESCO skills, each as the outcome it names
        if (a.framework or "").upper() == "ESCO":
            outcomes.append({"id": _id(anchor, f"esco-{i}"), "type": "LearningOutcome",
                             "title": {site.config.language: a.name},
                             "relatedESCOSkill": [_concept(a.url, ESCO_SKILLS, a.name, site.config.language)]})
    if outcomes:
        spec["learningOutcome"] = outcomes
    if badge.text.assessment:
        spec["provenBy"] = [{"id": _id(anchor, "assessment"), "type": "LearningAssessmentSpecification",
                             "title": _texts(badge, languages, "assessment")}]
    notes = []
    if badge.quality_assurance:
        qa = badge.quality_assurance
        notes.append(_note(anchor, "quality-assurance", {site.config.language: "Quality assurance: " + qa.text
                                                         + (f" ({qa.url})" if qa.url else "")}))
    if badge.qf_ehea_cycle:
        notes.append(_note(anchor, "qf-ehea", {site.config.language: f"QF-EHEA cycle {badge.qf_ehea_cycle}"}))
    if badge.id_verification:
        notes.append(_note(anchor, "id-verification", {
            site.config.language: "Supervision and identity verification during assessment: "
                                  + badge.id_verification}))
    if notes:
        spec["additionalNote"] = notes
    return spec


def _organisation(site: Site, urls: Urls) -> dict:
    issuer = site.config.issuer
    anchor = urls.url(urls.issuer_json)
    country = _country(issuer.country)
    org = {"id": _id(anchor, "organisation"), "type": "Organisation",
           "legalName": {site.config.language: issuer.name},
           "location": [{"id": _id(anchor, "location"), "type": "Location",
                         "address": {"id": _id(anchor, "address"), "type": "Address", "countryCode": country}}],
           # the identifier an electronic seal names (eIDAS); the institution's sealing service
           # may put its own in its place
           "eIDASIdentifier": {"id": _id(anchor, "registration"), "type": "LegalIdentifier",
                               "notation": issuer.legal_identifier, "spatial": country},
           "registration": {"id": _id(anchor, "registration")},
           "homepage": [{"id": _id(anchor, "homepage"), "type": "WebResource", "contentURL": issuer.url}]}
    if issuer.email:
        org["contactPoint"] = [{"id": _id(anchor, "contact"), "type": "ContactPoint",
                                "emailAddress": [{"id": f"mailto:{issuer.email}", "type": "Mailbox"}]}]
    return org


def _display(site: Site, badge: Badge, urls: Urls, languages: list[str], image_png: bytes) -> dict:
    anchor = urls.url(urls.badge_json(badge.id))
    image = {"id": _id(anchor, "image"), "type": "MediaObject",
             "content": base64.b64encode(image_png).decode("ascii"),
             "contentEncoding": _concept(BASE64, ENCODING_SCHEME, "base64"),
             "contentType": _concept(f"{FILE_TYPE_SCHEME}/PNG", FILE_TYPE_SCHEME, "PNG")}
    return {
        "id": _id(anchor, "display"), "type": "DisplayParameter",
        "title": _texts(badge, languages, "name"), "description": _texts(badge, languages, "description"),
        "language": [_language(language) for language in languages],
        "primaryLanguage": _language(site.config.language),
        "individualDisplay": [{"id": _id(anchor, f"display-{language}"), "type": "IndividualDisplay",
                               "language": _language(language),
                               "displayDetail": [{"id": _id(anchor, f"display-{language}-1"),
                                                  "type": "DisplayDetail", "image": image, "page": 1}]}
                              for language in languages],
    }


# -- small values ---------------------------------------------------------------------------------

def _id(url: str, part: str) -> str:
    """A permanent IRI for a part of what `url` names: the same on every export."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url + '#' + part)}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _texts(badge: Badge, languages: list[str], field: str) -> dict[str, str]:
    """A language map of one of the badge's texts, in every language that has it."""
    found = {}
    for language in languages:
        value = getattr(badge.in_language(language), field)
        if value:
            found[language] = value
    return found


def _note(anchor: str, part: str, texts: dict[str, str]) -> dict:
    return {"id": _id(anchor, part), "type": "Note", "noteLiteral": texts}


def _concept(iri: str, scheme: str, label: str, language: str = "en") -> dict:
    return {"id": iri, "type": "Concept", "inScheme": {"id": scheme, "type": "ConceptScheme"},
            "prefLabel": {language: label}}


def _country(code: str) -> dict:
    concept = _concept(f"{COUNTRY_SCHEME}/{countries.alpha3(code)}", COUNTRY_SCHEME, countries.english_name(code))
    concept["notation"] = "country"
    return concept


def _language_code(language: str) -> str | None:
    return LANGUAGES.get(language.split("-")[0].lower())


def _language(language: str) -> dict:
    code = _language_code(language)
    concept = _concept(f"{LANGUAGE_SCHEME}/{code}", LANGUAGE_SCHEME, LANGUAGE_NAMES.get(code, code))
    concept["notation"] = "language"
    return concept
