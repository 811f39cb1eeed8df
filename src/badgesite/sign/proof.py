"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa).

sign():   proofConfig = {type: DataIntegrityProof, cryptosuite: eddsa-rdfc-2022,
                         created, verificationMethod, proofPurpose}
                        with the document's @context
          hashData    = sha256(RDFC(proofConfig)) || sha256(RDFC(document without proof))
          proofValue  = 'z' + base58btc(Ed25519-sign(hashData))   (the 64 bytes, not re-hashed)

verify() recomputes the same with the proof found in the document, minus proofValue.
The proof type and cryptosuite are fixed here, never taken on trust from the document.
Resolving `verificationMethod` (did:web…#key-1) to a public key is the caller's job:
`verification_method(document)` tells which one is claimed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from functools import lru_cache

import orjson

from ..vocab import DATA_INTEGRITY_V2_CONTEXT, VC_CONTEXT
from . import canon, ed25519
from .ed25519 import VerificationError
from .jsonld import CanonicalizationError

__all__ = [
    "PROOF_TYPE",
    "CRYPTOSUITE",
    "VerificationError",
    "CanonicalizationError",
    "sign",
    "verify",
    "verification_method",
    "format_created",
    "hash_data",
]

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
_CREATED_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def format_created(when: dt.datetime | str) -> str:
    """'YYYY-MM-DDThh:mm:ssZ' (UTC, whole seconds), the form verifiers accept for `created`."""
    if isinstance(when, str):
        if not _CREATED_RE.match(when):
            raise ValueError(f"proof 'created' must look like 2024-01-31T12:00:00Z, got {when!r}")
        return when
    if when.tzinfo is None:
        raise ValueError("proof 'created' needs a timezone-aware datetime")
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _contexts(document: dict) -> list:
    ctx = document.get("@context")
    if ctx is None:
        return []
    return ctx if isinstance(ctx, list) else [ctx]


def _with_suite_context(document: dict) -> dict:
    """As jsonld-signatures: append the Data Integrity context unless VC 2.0 (or it) is there."""
    ctx = _contexts(document)
    if VC_CONTEXT in ctx or DATA_INTEGRITY_V2_CONTEXT in ctx:
        return document
    document = dict(document)
    document["@context"] = [*ctx, DATA_INTEGRITY_V2_CONTEXT]
    return document


@lru_cache(maxsize=4096)  # a proof's config differs by its date only: one per day of issue
def _hash_proof_config_json(config_json: bytes) -> bytes:
    return hashlib.sha256(canon.canonize(json.loads(config_json)).encode("utf-8")).digest()


def hash_data(document: dict, proof_config: dict) -> bytes:
    """sha256(RDFC(proofConfig)) || sha256(RDFC(document)): the 64 bytes that are signed.

    `document` is without `proof`; `proof_config` without `proofValue` (its @context is
    taken from the document unless it has its own, as in @digitalbazaar/data-integrity).
    """
    config = {"@context": document.get("@context"), **proof_config}
    config = _with_suite_context(config)
    try:
        key = orjson.dumps(config, option=orjson.OPT_SORT_KEYS)  # the config as text, for the memo
    except TypeError as e:
        raise ValueError(f"the proof configuration is not plain JSON: {e}") from None
    config_hash = _hash_proof_config_json(key)
    doc_hash = hashlib.sha256(canon.canonize(document).encode("utf-8")).digest()
    return config_hash + doc_hash


def sign(
    document: dict,
    key: ed25519.Ed25519PrivateKey,
    verification_method: str,
    created: str | dt.datetime,
    purpose: str = "assertionMethod",
    copy: bool = True,
) -> dict:
    """A new dict: `document` plus an eddsa-rdfc-2022 DataIntegrityProof.

    The document is copied through JSON (tuples become lists; NaN, datetimes and
    other non-JSON values are a ValueError); `copy=False` skips that for a caller that
    made the document of plain JSON values itself (ob3: a tenth of the cost of a
    credential), and the new dict then shares its values. Raises CanonicalizationError if it is
    not safe to sign (an undefined property or type, a relative IRI…: verifiers
    would reject it), ValueError on a bad `created` or a document that already has
    a proof.
    """
    if not isinstance(document, dict):
        raise TypeError("document must be a dict")
    if "proof" in document:
        raise ValueError("the document already has a proof")
    if not isinstance(verification_method, str) or ":" not in verification_method:
        raise ValueError(f"verification_method must be an absolute IRI, got {verification_method!r}")
    unsigned = document
    if copy:
        try:
            # JSON-pure copy: what is signed is exactly what json.dump will write
            unsigned = json.loads(json.dumps(document, ensure_ascii=False, allow_nan=False))
        except (TypeError, ValueError) as e:
            raise ValueError(f"the document is not plain JSON: {e}") from None
    unsigned = _with_suite_context(unsigned)
    proof_config = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_created(created),
        "verificationMethod": verification_method,
        "proofPurpose": purpose,
    }
    signature = ed25519.sign(key, hash_data(unsigned, proof_config))
    signed = dict(unsigned)
    signed["proof"] = {**proof_config, "proofValue": ed25519.multibase_encode(signature)}
    return signed


def _single_proof(document: dict) -> dict:
    if not isinstance(document, dict):
        raise VerificationError("not a JSON object")
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise VerificationError(f"expected exactly one proof, found {len(proof)}")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise VerificationError("the document has no proof")
    return proof


def verification_method(document: dict) -> str:
    """The verificationMethod the document's proof claims (e.g. did:web:…#key-1)."""
    vm = _single_proof(document).get("verificationMethod")
    if isinstance(vm, dict):
        vm = vm.get("id")
    if not isinstance(vm, str):
        raise VerificationError("the proof has no verificationMethod")
    return vm


def verify(
    document: dict,
    public_key: ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey | str,
    purpose: str = "assertionMethod",
) -> None:
    """Raises VerificationError unless the document's eddsa-rdfc-2022 proof verifies.

    `public_key` may be a key object or its publicKeyMultibase ('z6Mk…').
    """
    proof = _single_proof(document)
    if proof.get("type") != PROOF_TYPE:
        raise VerificationError(f"unsupported proof type {proof.get('type')!r} (expected {PROOF_TYPE})")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise VerificationError(
            f"unsupported cryptosuite {proof.get('cryptosuite')!r} (expected {CRYPTOSUITE})"
        )
    if proof.get("proofPurpose") != purpose:
        raise VerificationError(f"proof purpose is {proof.get('proofPurpose')!r}, expected {purpose!r}")
    created = proof.get("created")
    if created is not None and not (isinstance(created, str) and _CREATED_RE.match(created)):
        # verifiers accept any XSD dateTimeStamp; we only ever write the 'Z' form
        if not (isinstance(created, str) and re.match(
            r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", created
        )):
            raise VerificationError(f"proof 'created' is not an XSD dateTimeStamp: {created!r}")
    proof_value = proof.get("proofValue")
    try:
        signature = ed25519.multibase_decode(proof_value)
    except ValueError as e:
        raise VerificationError(f"invalid proofValue: {e}") from None
    if len(signature) != 64:
        raise VerificationError(f"invalid proofValue: {len(signature)} bytes, expected 64")
    if isinstance(public_key, str):
        try:
            public_key = ed25519.public_key_from_multibase(public_key)
        except ed25519.SigningKeyError as e:
            raise VerificationError(str(e)) from None
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        data = hash_data(unsigned, config)
    except CanonicalizationError as e:
        raise VerificationError(f"the document cannot be canonicalised: {e}") from None
    try:
        ed25519.verify_signature(public_key, signature, data)
    except VerificationError:
        raise VerificationError("proof does not match document") from None
