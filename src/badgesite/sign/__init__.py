"""Open Badges 3.0 signing: Ed25519 keys, RDF canonicalisation, Data Integrity proofs.

- `keys`: Ed25519 keys, PEM, multibase (`z6Mk…`); the only module importing `cryptography`.
- `canon`: RDFC-1.0 (URDNA2015) canonicalisation with a frozen, offline context loader
  and a safe mode that refuses anything a JSON-LD processor would silently drop.
- `proof`: the `eddsa-rdfc-2022` Data Integrity cryptosuite (sign / verify).
- `statuslist`: Bitstring Status List bit encoding.
"""
