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

# Multicodec prefix of an Ed25519 public key (varint of 0xed).
ED25519_PUB_MULTICODEC = b"\xed\x01"


class SigningKeyError(ValueError):
    """A private or public key that cannot be used (garbage, wrong type, encrypted…)."""


class VerificationError(Exception):
    """A signature, proof or key that does not verify. The one definition, used by proof.py."""


# --- base58btc (Bitcoin alphabet) and multibase ---------------------------------------

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


_B58_CHUNK = 58 ** 10  # ten digits per division of the big number, the rest in small ints


def b58encode(data: bytes) -> str:
    """base58btc: big-endian base-58 of the bytes, one '1' per leading zero byte."""
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, chunk = divmod(n, _B58_CHUNK)
        for _ in range(10):
            chunk, r = divmod(chunk, 58)
            out.append(_B58_ALPHABET[r])
    while out and out[-1] == "1":  # the last chunk's leading zero digits
        out.pop()
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    n = 0
    for c in text:
        try:
            n = n * 58 + _B58_INDEX[c]
        except KeyError:
            raise ValueError(f"invalid base58btc character {c!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    """Multibase base58btc: 'z' + base58btc(data)."""
    return "z" + b58encode(data)


def multibase_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("only multibase base58btc ('z…') is supported")
    return b58decode(text[1:])


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
        data = multibase_decode(value)
    except ValueError as e:
        raise SigningKeyError(f"invalid publicKeyMultibase {value!r}: {e}") from None
    if len(data) != 34 or not data.startswith(ED25519_PUB_MULTICODEC):
        raise SigningKeyError(
            f"publicKeyMultibase {value!r} is not an Ed25519 Multikey "
            "(expected 0xed01 + 32 bytes, 'z6Mk…')"
        )
    return Ed25519PublicKey.from_public_bytes(data[2:])


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """A 64-byte Ed25519 signature (RFC 8032, pure Ed25519: deterministic)."""
    return key.sign(bytes(data))


def verify_signature(key: Ed25519PublicKey | Ed25519PrivateKey, signature: bytes, data: bytes) -> None:
    """Raises VerificationError unless `signature` is valid for `data`."""
    try:
        public_key(key).verify(bytes(signature), bytes(data))
    except InvalidSignature:
        raise VerificationError("signature does not verify") from None
