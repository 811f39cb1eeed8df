"""base58btc and multibase, and the shape of an Ed25519 Multikey: pure Python, so that
checking a site's keys.yaml does not import `cryptography` (a tenth of a second, in a
build that may sign nothing)."""
from __future__ import annotations

# Multicodec prefix of an Ed25519 public key (varint of 0xed).
ED25519_PUB_MULTICODEC = b"\xed\x01"

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


_B58_CHUNK = 58 ** 10  # ten digits per division of the big number, the rest in small ints
_B58_PAIRS = [a + b for a in _B58_ALPHABET for b in _B58_ALPHABET]  # two digits at a time


def b58encode(data: bytes) -> str:
    """base58btc: big-endian base-58 of the bytes, one '1' per leading zero byte."""
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, chunk = divmod(n, _B58_CHUNK)
        for _ in range(5):
            chunk, r = divmod(chunk, 58 * 58)
            out.append(_B58_PAIRS[r])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out)).lstrip("1")  # not the last chunk's leading zeros


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



def ed25519_public_bytes(value: str) -> bytes:
    """The 32 raw bytes of an Ed25519 Multikey publicKeyMultibase ('z6Mk…'), or ValueError."""
    try:
        data = multibase_decode(value)
    except ValueError as e:
        raise ValueError(f"invalid publicKeyMultibase {value!r}: {e}") from None
    if len(data) != 34 or not data.startswith(ED25519_PUB_MULTICODEC):
        raise ValueError(f"publicKeyMultibase {value!r} is not an Ed25519 Multikey "
                         "(expected 0xed01 + 32 bytes, 'z6Mk…')")
    return data[2:]
