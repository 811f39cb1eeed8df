"""Bitstring Status List (W3C vc-bitstring-status-list) bit encoding.

encodedList = 'u' + base64url-without-padding(gzip(bits)); bit i is the
(7 - i % 8)-th bit of byte i // 8, i.e. index 0 is the most significant bit of the
first byte ("left-to-right", as @digitalbazaar/bitstring). A list has at least
131,072 entries (16 KiB), so a list does not reveal how many credentials exist.
"""
from __future__ import annotations

import base64
import gzip
import zlib
from typing import Iterable

__all__ = ["MIN_SIZE", "encode_status_bits", "decode_status_bits", "is_set"]

MIN_SIZE = 131_072


def encode_status_bits(revoked_indices: Iterable[int], size: int = MIN_SIZE) -> str:
    """The `encodedList` with the given indices set. Deterministic (gzip mtime 0)."""
    if size < MIN_SIZE or size % 8:
        raise ValueError(f"a status list has a multiple of 8 entries, at least {MIN_SIZE}; got {size}")
    bits = bytearray(size // 8)
    for index in revoked_indices:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < size:
            raise ValueError(f"status list index {index!r} is outside 0..{size - 1}")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_status_bits(encoded: str) -> bytes:
    """The raw bitstring (bytes) of an `encodedList`; raises ValueError if malformed."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u…')")
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return gzip.decompress(compressed)
    except (ValueError, OSError, EOFError, zlib.error) as e:
        raise ValueError(f"encodedList is not base64url(gzip(bits)): {e}") from None


def is_set(bits: bytes, index: int) -> bool:
    """Whether status bit `index` is set in a decoded bitstring."""
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"status list index {index} is outside 0..{len(bits) * 8 - 1}")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
