"""The words of the standards, written once: context URLs, baking keywords, date forms.

Every module that writes or reads an Open Badges or Verifiable Credentials document
takes these from here, so a new context version is one line.
"""
from __future__ import annotations

import datetime as dt

# Open Badges 2.0 (https://www.imsglobal.org/spec/ob/v2p0/)
OB2_CONTEXT = "https://w3id.org/openbadges/v2"

# Verifiable Credentials 2.0 and Open Badges 3.0.3
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# defines 1EdTechJsonSchemaValidator2019, the type of a credential's credentialSchema
OB3_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB3_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
DID_CONTEXTS = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")
DATA_INTEGRITY_V2_CONTEXT = "https://w3id.org/security/data-integrity/v2"
VC_TYPES = ("OpenBadgeCredential", "AchievementCredential")

# Baking (OB 2.0 Baking; OB 3.0 section 5.3): the PNG iTXt keywords and the SVG namespaces
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"
OB2_NAMESPACE = "http://openbadges.org"  # <openbadges:assertion>, OB 2.0 Baking
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"  # <openbadges:credential>


def ob2_date(day: dt.date) -> str:
    """OB 2.0 DateTime: ISO 8601 with a time zone (a date alone does not validate)."""
    return f"{day.isoformat()}T00:00:00+00:00"


def ob3_date(day: dt.date | str) -> str:
    """VC 2.0 / OB 3.0 dateTimeStamp (also European Digital Credentials, and RFC 3339 for
    feeds): midnight UTC of the day."""
    return f"{day.isoformat() if isinstance(day, dt.date) else day}T00:00:00Z"
