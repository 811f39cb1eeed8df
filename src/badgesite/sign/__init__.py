"""Signing primitives for Open Badges 3.0; nothing here knows what a badge is.

- `ed25519`: Ed25519 keys, PEM, multibase (`z6Mk…`); the only module importing `cryptography`.
- `multibase`: base58btc and the multicodec prefix of Ed25519 public keys.
- `jsonld`: the offline JSON-LD processing both canonicalisers share (bundled contexts only).
- `canon`: RDFC-1.0 (URDNA2015) canonicalisation with pyld, the reference, and a safe mode
  that refuses anything a JSON-LD processor would silently drop; it tries `fastcanon`
  (with `fastterms`) first, the fast twin for badgesite's own documents.
- `proof`: the `eddsa-rdfc-2022` Data Integrity cryptosuite (sign / verify).
"""
