"""Ed25519 keys for Open Badges 3.0 signing.

This is the only module that imports `cryptography`. Keys travel as unencrypted
PKCS#8 PEM (private) and as Multikey `publicKeyMultibase` strings (public):
'z' + base58btc(0xed 0x01 || 32 raw public key bytes), which always start 'z6Mk'.
"""
from __future__ import annotations

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .multibase import ED25519_PUB_MULTICODEC, b58decode, b58encode, multibase_decode, multibase_encode  # noqa: F401
from .multibase import ed25519_public_bytes

__all__ = [
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "SigningKeyError",
    "VerificationError",
    "b58encode",
    "b58decode",
    "multibase_encode",
    "multibase_decode",
    "generate",
    "load_private_key",
    "private_pem",
    "public_key",
    "public_multibase",
    "public_key_from_multibase",
    "sign",
    "verify_signature",
]



class SigningKeyError(ValueError):
    """A private or public key that cannot be used (garbage, wrong type, encrypted…)."""


class VerificationError(Exception):
    """A signature, proof or key that does not verify. The one definition, used by proof.py."""


# --- keys ------------------------------------------------------------------------------


def generate() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def load_private_key(value: str | bytes) -> Ed25519PrivateKey:
    """An Ed25519 private key from unencrypted PEM (PKCS#8 PEM armour)."""
    if isinstance(value, str):
        data = value.encode("utf-8", "replace")
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    else:
        raise SigningKeyError(f"expected a PEM string, got {type(value).__name__}")
    data = data.strip()
    if b"-----BEGIN" not in data:
        raise SigningKeyError("not a PEM private key (no PEM header line for a private key)")
    if b"ENCRYPTED" in data:
        raise SigningKeyError("the private key is encrypted; badgesite needs an unencrypted PKCS#8 PEM")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError as e:  # password required
        raise SigningKeyError(f"the private key is encrypted: {e}") from None
    except (ValueError, UnsupportedAlgorithm) as e:
        raise SigningKeyError(f"unreadable PEM private key: {e}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(
            f"the private key is {type(key).__name__.lstrip('_')}, not Ed25519 "
            "(make one with: openssl genpkey -algorithm ed25519)"
        )
    return key


def private_pem(key: Ed25519PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM, as `openssl genpkey -algorithm ed25519` writes it."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> Ed25519PublicKey:
    return key.public_key() if isinstance(key, Ed25519PrivateKey) else key


def public_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    return public_key(key).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_multibase(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Multikey publicKeyMultibase: 'z6Mk…'."""
    return multibase_encode(ED25519_PUB_MULTICODEC + public_raw(key))


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    try:
        raw = ed25519_public_bytes(value)
    except ValueError as e:
        raise SigningKeyError(str(e)) from None
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """A 64-byte Ed25519 signature (RFC 8032, pure Ed25519: deterministic)."""
    return key.sign(bytes(data))


def verify_signature(key: Ed25519PublicKey | Ed25519PrivateKey, signature: bytes, data: bytes) -> None:
    """Raises VerificationError unless `signature` is valid for `data`."""
    try:
        public_key(key).verify(bytes(signature), bytes(data))
    except InvalidSignature:
        raise VerificationError("signature does not verify") from None
