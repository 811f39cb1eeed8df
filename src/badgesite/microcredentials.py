"""The EU micro-credential elements: their values, and which of them a badge lacks.

Council Recommendation of 16 June 2022 on a European approach to micro-credentials
for lifelong learning and employability (2022/C 243/02), Annex I, "European standard
elements to describe a micro-credential". A badge of `kind: microcredential` must
state every mandatory element; `missing_elements` names those it does not, in the
Recommendation's own words, with the field that supplies each.
"""
from __future__ import annotations

from .model import Badge, Config
from .urls import Urls

RECOMMENDATION = "Council Recommendation 2022/C 243/02, Annex I"

PARTICIPATION = ("online", "onsite", "blended")
ID_VERIFICATION = ("none", "online-unsupervised", "online-supervised", "onsite-supervised")
QF_EHEA_CYCLES = (1, 2, 3)

# Annex I, part I: the mandatory elements, as the Recommendation words them.
LEARNER = "Identification of the learner"
TITLE = "Title of the micro-credential"
COUNTRY = "Country(ies)/Region(s) of the issuer"
AWARDING_BODY = "Awarding body(ies)"
DATE = "Date of issuing"
LEARNING_OUTCOMES = "Learning outcomes"
WORKLOAD = ("Notional workload needed to achieve the learning outcomes "
            "(in European Credit Transfer and Accumulation System – ECTS, wherever possible)")
LEVEL = ("Level (and cycle, if applicable) of the learning experience leading to the micro-credential "
         "(European Qualifications Framework, Qualifications Frameworks in the European Higher Education Area), "
         "if applicable")
ASSESSMENT = "Type of assessment"
PARTICIPATION_ELEMENT = "Form of participation in the learning activity"
QUALITY_ASSURANCE = "Type of quality assurance used to underpin the micro-credential"

MANDATORY = (LEARNER, TITLE, COUNTRY, AWARDING_BODY, DATE, LEARNING_OUTCOMES, WORKLOAD, LEVEL, ASSESSMENT,
             PARTICIPATION_ELEMENT, QUALITY_ASSURANCE)


def missing_elements(badge: Badge, config: Config) -> list[tuple[str, str]]:
    """(element, how to give it) for every mandatory element a microcredential lacks.

    The learner (the award's recipient), the title (`name`), the awarding body (the
    issuer's `name`) and the date of issuing (the award's `issued`) are required of
    every badge and award, so only the others can be missing here."""
    if badge.kind != "microcredential":
        return []
    text = badge.text
    missing = []
    if not config.issuer.country:
        missing.append((COUNTRY, "set 'country' under 'issuer' in badgesite.yaml, e.g. country: NL"))
    if not text.learning_outcomes:
        missing.append((LEARNING_OUTCOMES, "add 'learning_outcomes:', a list of what the learner can do"))
    if not badge.study_load:
        missing.append((WORKLOAD, "add 'study_load: {ects: 2.5}' (or {hours: 10})"))
    if not badge.eqf:
        missing.append((LEVEL, "add 'eqf:' (1-8), and 'qf_ehea_cycle:' (1-3) for higher education"))
    if not text.assessment:
        missing.append((ASSESSMENT, "add 'assessment:', e.g. assessment: Portfolio review by a teacher"))
    if not badge.participation:
        missing.append((PARTICIPATION_ELEMENT, "add 'participation: online', 'onsite' or 'blended'"))
    if not badge.quality_assurance:
        missing.append((QUALITY_ASSURANCE, "add 'quality_assurance:', a text or {text: ..., url: ...}"))
    return missing


# -- Open Badges 2.0: edubadges-style extensions of the BadgeClass (and the Assertion) ----------

EXTENSION_PROPERTIES = {  # name: {property: JSON schema}; the first property is required
    "ParticipationExtension": {"Participation": {"type": "string", "enum": list(PARTICIPATION)}},
    "QualityAssuranceExtension": {"QualityAssuranceDescription": {"type": "string"},
                                  "QualityAssuranceURL": {"type": "string", "format": "uri"}},
    "QFEHEAExtension": {"QFEHEA": {"type": "integer", "minimum": 1, "maximum": 3}},
    "IdentityVerificationExtension": {"IdentityVerification": {"type": "string", "enum": list(ID_VERIFICATION)}},
    "GradeExtension": {"Grade": {"type": "string"}},  # of an Assertion
}


def badge_extensions(badge: Badge) -> list[tuple[str, dict]]:
    """(extension name, its values) for the elements the badge states."""
    found = []
    if badge.participation:
        found.append(("ParticipationExtension", {"Participation": badge.participation}))
    if badge.quality_assurance:
        qa = badge.quality_assurance
        found.append(("QualityAssuranceExtension", {"QualityAssuranceDescription": qa.text,
                                                    **({"QualityAssuranceURL": qa.url} if qa.url else {})}))
    if badge.qf_ehea_cycle:
        found.append(("QFEHEAExtension", {"QFEHEA": badge.qf_ehea_cycle}))
    if badge.id_verification:
        found.append(("IdentityVerificationExtension", {"IdentityVerification": badge.id_verification}))
    return found


# -- Open Badges 3.0: terms the 1EdTech context lacks, defined by a context the site publishes ----
# (The QF-EHEA cycle is an Alignment and the grade a Result: those are 1EdTech's own.)

TERMS = ("participation", "qualityAssurance", "qualityAssuranceUrl", "idVerification")


def context(urls: Urls) -> dict:
    """The JSON-LD context of the terms: embedded in each credential that uses them (no
    verifier has to fetch it) and published at urls.microcredential_context."""
    vocab = urls.url(urls.microcredential_context) + "#"
    terms: dict = {term: {"@id": vocab + term} for term in TERMS}
    terms["qualityAssuranceUrl"]["@type"] = "@id"
    return {"@protected": True, **terms}


def achievement_terms(badge: Badge) -> dict:
    """The achievement's properties for the elements the badge states (terms of context())."""
    terms = {}
    if badge.participation:
        terms["participation"] = badge.participation
    if badge.quality_assurance:
        terms["qualityAssurance"] = badge.quality_assurance.text
        if badge.quality_assurance.url:
            terms["qualityAssuranceUrl"] = badge.quality_assurance.url
    if badge.id_verification:
        terms["idVerification"] = badge.id_verification
    return terms
