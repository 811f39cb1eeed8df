"""Recipient identities: salted SHA-256 of a normalised e-mail (OB 2.0 IdentityObject).

`identity = "sha256$" + hex(sha256(normalise(email) + salt))`, the form Open
Badges verifiers and the award page's recipient check both compute.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

IDENTITY = re.compile(r"^sha256\$[0-9a-f]{64}$")
SALT = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def normalise(email: str) -> str:
    """Trim and lower-case: the same rule at issuance and in the browser check."""
    return email.strip().lower()


def hash_email(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((normalise(email) + salt).encode("utf-8")).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


def stable_salt(award_id: str) -> str:
    """The salt of an award whose ledger keeps a plain e-mail: derived from its id,
    so it is the same in every build (the salt is published anyway)."""
    return hmac.new(b"badgesite recipient salt v1", award_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def matches(email: str, identity: str, salt: str) -> bool:
    return hmac.compare_digest(hash_email(email, salt), identity.lower())
