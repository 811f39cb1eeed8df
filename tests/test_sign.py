"""badgesite.sign: Ed25519 keys, RDFC-1.0 canonicalisation, eddsa-rdfc-2022 proofs,
Bitstring Status List encoding, cross-checked against the JavaScript verifiers."""
from __future__ import annotations

import base64
import copy
import datetime as dt
import gzip
import json
import os
from pathlib import Path

import pytest
from pyld import jsonld

from badgesite.sign import canon, ed25519, proof
from badgesite.documents import bitstring
from badgesite.sign.jsonld import CanonicalizationError, ContextNotBundledError
from badgesite.sign.ed25519 import SigningKeyError, VerificationError

from support.vcharness import canonize_js, js_contexts, verify_credentials

# --- fixtures ------------------------------------------------------------------------------

# RFC 8032 section 7.1, TEST 1
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
# The same public key as a Multikey (did:key z6Mk… form), as @digitalbazaar/ed25519-multikey prints it.
RFC8032_MULTIBASE = "z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw"

BASE_URL = "https://example.org/badges/"
DID = "did:web:example.org:badges"
VM = DID + "#key-1"
CREATED = "2024-05-01T12:00:00Z"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB_SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
STATUS_URL = BASE_URL + "status/revocation-1.json"


def pem_from_seed(seed: bytes) -> str:
    """PKCS#8 PEM of a raw Ed25519 seed (RFC 8410), without importing cryptography."""
    der = bytes.fromhex("302e020100300506032b657004220420") + seed
    body = base64.encodebytes(der).decode("ascii")
    return f"-----BEGIN PRIVATE KEY-----\n{body}-----END PRIVATE KEY-----\n"


@pytest.fixture(scope="module")
def key():
    return ed25519.load_private_key(pem_from_seed(bytes(range(32))))


def did_document(key) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [
            {
                "id": VM,
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": ed25519.public_multibase(key),
            }
        ],
        "assertionMethod": [VM],
    }


def credential(award_id: str = "a1b2c3", *, status_index: int | None = None, schema: bool = False) -> dict:
    """A minimal OpenBadgeCredential in the shape badgesite publishes."""
    contexts = [VC_V2, OB_303]
    cred = {
        "@context": contexts,
        "id": f"{BASE_URL}awards/{award_id}.ob3.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Wrangler",
        "issuer": {
            "id": DID,
            "type": ["Profile"],
            "name": "Example University",
            "url": "https://example.org/",
        },
        "validFrom": "2024-05-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + "0f" * 32,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "k3n5v9q2",
                }
            ],
            "achievement": {
                "id": f"{BASE_URL}badges/data-wrangler.json",
                "type": ["Achievement"],
                "name": "Data Wrangler",
                "description": "Cleans and reshapes messy data — «ünïcødé» welcome.",
                "criteria": {"narrative": "Submit three cleaned data sets.\n\n*Markdown* is allowed."},
            },
        },
    }
    if status_index is not None:
        cred["credentialStatus"] = {
            "id": f"{STATUS_URL}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": STATUS_URL,
        }
    if schema:
        cred["@context"] = [*contexts, OB_EXTENSIONS]
        cred["credentialSchema"] = [{"id": OB_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]
    return cred


def status_list_credential(revoked: set[int]) -> dict:
    return {
        "@context": [VC_V2],
        "id": STATUS_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID,
        "validFrom": "2024-05-01T00:00:00Z",
        "credentialSubject": {
            "id": STATUS_URL + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bitstring.encode_status_bits(revoked),
        },
    }


def write_json(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


# --- keys ----------------------------------------------------------------------------------


def test_rfc8032_test_vector_1():
    key = ed25519.load_private_key(pem_from_seed(RFC8032_SECRET))
    assert ed25519.public_raw(key) == RFC8032_PUBLIC
    assert ed25519.sign(key, b"") == RFC8032_SIGNATURE
    ed25519.verify_signature(key.public_key(), RFC8032_SIGNATURE, b"")
    with pytest.raises(VerificationError):
        ed25519.verify_signature(key.public_key(), RFC8032_SIGNATURE, b"x")


def test_public_multibase_is_a_multikey():
    key = ed25519.load_private_key(pem_from_seed(RFC8032_SECRET))
    assert ed25519.public_multibase(key) == RFC8032_MULTIBASE
    assert ed25519.public_multibase(ed25519.generate()).startswith("z6Mk")
    pub = ed25519.public_key_from_multibase(RFC8032_MULTIBASE)
    assert ed25519.public_raw(pub) == RFC8032_PUBLIC
    with pytest.raises(SigningKeyError):
        ed25519.public_key_from_multibase("z" + ed25519.b58encode(b"\xed\x01" + b"\x00" * 31))
    with pytest.raises(SigningKeyError):
        ed25519.public_key_from_multibase("uAAAA")


def test_base58btc_known_values_and_round_trips():
    assert ed25519.b58encode(b"") == ""
    assert ed25519.b58encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"
    assert ed25519.b58encode(b"\x00\x00\x01") == "112"
    assert ed25519.b58decode("112") == b"\x00\x00\x01"
    for n in range(0, 70):
        data = b"\x00" * (n % 4) + os.urandom(n)
        assert ed25519.b58decode(ed25519.b58encode(data)) == data
        assert ed25519.multibase_decode(ed25519.multibase_encode(data)) == data
    with pytest.raises(ValueError):
        ed25519.b58decode("0OIl")


def test_private_key_pem_round_trip_and_garbage():
    key = ed25519.generate()
    pem = ed25519.private_pem(key)
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    again = ed25519.load_private_key(pem.decode("ascii"))
    assert ed25519.public_multibase(again) == ed25519.public_multibase(key)
    assert ed25519.load_private_key(pem) is not None
    for garbage in ("", "hello", b"\x00\x01", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"):
        with pytest.raises(SigningKeyError):
            ed25519.load_private_key(garbage)
    with pytest.raises(SigningKeyError, match="encrypted"):
        ed25519.load_private_key("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")


# --- canonicalisation ----------------------------------------------------------------------


def _pyld_normalize(doc: dict, algorithm: str) -> str:
    """Plain pyld, no badgesite caching or safe mode (fresh resolver cache)."""
    from cachetools import LRUCache
    from pyld.context_resolver import ContextResolver

    return jsonld.normalize(
        doc,
        {
            "algorithm": algorithm,
            "format": "application/n-quads",
            "base": None,
            "documentLoader": canon.frozen_loader,
            "contextResolver": ContextResolver(LRUCache(16), canon.frozen_loader),
        },
    )


def test_canonize_uses_urdna2015_not_urgna2012():
    doc = credential()  # three blank nodes: subject, identifier, criteria
    nquads = canon.canonize(doc)
    assert "_:c14n0" in nquads and "_:c14n2" in nquads
    assert nquads == _pyld_normalize(doc, "URDNA2015")
    assert nquads != _pyld_normalize(doc, "URGNA2012")


def test_canonize_memoisation_gives_plain_pyld_output():
    docs = [credential(f"id{i}", status_index=i) for i in range(3)]
    docs += [credential(schema=True), status_list_credential({1, 2})]
    for doc in docs * 2:
        assert canon.canonize(doc) == _pyld_normalize(doc, "URDNA2015")


def test_no_made_up_base_iri():
    doc = credential()
    assert "example.org/base" not in canon.canonize(doc)
    doc["credentialSubject"]["id"] = "not-absolute"
    with pytest.raises(CanonicalizationError, match="credentialSubject.id"):
        canon.canonize(doc)


def test_safe_mode_names_an_undefined_property():
    doc = credential()
    doc["credentialSubject"]["achievement"]["studyLoad"] = "40 hours"
    with pytest.raises(CanonicalizationError, match=r"'studyLoad'.*credentialSubject\.achievement\.studyLoad"):
        canon.canonize(doc)
    with pytest.raises(CanonicalizationError, match="studyLoad"):
        proof.sign(doc, ed25519.generate(), VM, CREATED)
    # without safe mode pyld silently drops it: the signature would not cover it
    unsafe = canon.canonize(doc, safe=False)
    assert "40 hours" not in unsafe and unsafe == canon.canonize(credential())


def test_safe_mode_catches_undefined_types():
    doc = credential()
    doc["credentialSchema"] = [{"id": OB_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]
    with pytest.raises(CanonicalizationError, match=r"1EdTechJsonSchemaValidator2019.*credentialSchema\[0\]\.type"):
        canon.canonize(doc)
    # defined by the 1EdTech extensions context
    canon.canonize(credential(schema=True))
    doc = credential()
    doc["type"].append("BadgesiteAward")
    with pytest.raises(CanonicalizationError, match="BadgesiteAward"):
        canon.canonize(doc)


def test_safe_mode_rejects_control_characters():
    doc = credential()
    doc["name"] = "Data\x0cWrangler"
    with pytest.raises(CanonicalizationError, match="U\\+000C"):
        canon.canonize(doc)


def test_contexts_are_never_fetched():
    doc = credential()
    doc["@context"] = [VC_V2, "https://example.com/my-context.jsonld"]
    with pytest.raises(ContextNotBundledError, match="example.com/my-context.jsonld"):
        canon.canonize(doc)
    with pytest.raises(Exception):
        canon.frozen_loader("https://example.com/other.json")


def test_bundled_contexts_match_their_index():
    import hashlib
    from importlib import resources

    index = canon.bundled_contexts()
    for url in (VC_V2, OB_303, OB_EXTENSIONS, "https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"):
        assert url in index
    folder = resources.files("badgesite").joinpath("contexts")
    for url, entry in index.items():
        data = folder.joinpath(entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], url
        assert entry["source"]


# --- proofs --------------------------------------------------------------------------------


def test_sign_and_verify_round_trip(key):
    doc = credential()
    signed = proof.sign(doc, key, VM, CREATED)
    assert "proof" not in doc  # a new dict
    p = signed["proof"]
    assert p == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": CREATED,
        "verificationMethod": VM,
        "proofPurpose": "assertionMethod",
        "proofValue": p["proofValue"],
    }
    assert p["proofValue"].startswith("z") and len(ed25519.multibase_decode(p["proofValue"])) == 64
    proof.verify(signed, key.public_key())
    proof.verify(signed, ed25519.public_multibase(key))
    assert proof.verification_method(signed) == VM
    # survives a JSON round trip
    proof.verify(json.loads(json.dumps(signed)), key.public_key())


def test_signed_data_is_hash_of_proof_config_then_document(key):
    import hashlib

    signed = proof.sign(credential(), key, VM, CREATED)
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    config = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    config_hash = hashlib.sha256(canon.canonize({"@context": unsigned["@context"], **config}).encode()).digest()
    doc_hash = hashlib.sha256(canon.canonize(unsigned).encode()).digest()
    signature = ed25519.multibase_decode(signed["proof"]["proofValue"])
    ed25519.verify_signature(key.public_key(), signature, config_hash + doc_hash)


def test_tampering_is_detected(key):
    signed = proof.sign(credential(), key, VM, CREATED)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Data Wizard"
    with pytest.raises(VerificationError, match="proof does not match document"):
        proof.verify(tampered, key.public_key())
    tampered = copy.deepcopy(signed)
    tampered["proof"]["created"] = "2024-05-02T12:00:00Z"
    with pytest.raises(VerificationError, match="proof does not match document"):
        proof.verify(tampered, key.public_key())
    with pytest.raises(VerificationError, match="proof does not match document"):
        proof.verify(signed, ed25519.generate().public_key())
    tampered = copy.deepcopy(signed)
    tampered["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    with pytest.raises(VerificationError, match="cryptosuite"):
        proof.verify(tampered, key.public_key())
    tampered = copy.deepcopy(signed)
    tampered["proof"]["type"] = "Ed25519Signature2020"
    with pytest.raises(VerificationError, match="proof type"):
        proof.verify(tampered, key.public_key())
    tampered = copy.deepcopy(signed)
    tampered["proof"]["proofValue"] = "z" + ed25519.b58encode(b"\x01" * 64)
    with pytest.raises(VerificationError):
        proof.verify(tampered, key.public_key())
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["unknownThing"] = 1  # dropped by JSON-LD, still rejected
    with pytest.raises(VerificationError, match="unknownThing"):
        proof.verify(tampered, key.public_key())
    with pytest.raises(VerificationError, match="no proof"):
        proof.verify(credential(), key.public_key())


def test_sign_is_deterministic(key):
    a = json.dumps(proof.sign(credential(), key, VM, CREATED), sort_keys=True)
    b = json.dumps(proof.sign(credential(), key, VM, CREATED), sort_keys=True)
    assert a == b


def test_created_format():
    key = ed25519.generate()
    for bad in ("2024-05-01T12:00:00.123Z", "2024-05-01T12:00:00+00:00", "2024-05-01", "2024-05-01 12:00:00Z"):
        with pytest.raises(ValueError):
            proof.sign(credential(), key, VM, bad)
    when = dt.datetime(2024, 5, 1, 14, 0, 0, 999, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert proof.sign(credential(), key, VM, when)["proof"]["created"] == "2024-05-01T12:00:00Z"
    with pytest.raises(ValueError, match="already has a proof"):
        proof.sign(proof.sign(credential(), key, VM, CREATED), key, VM, CREATED)


def test_sign_takes_plain_json_only(key):
    doc = credential()
    doc["type"] = ("VerifiableCredential", "OpenBadgeCredential")
    signed = proof.sign(doc, key, VM, CREATED)
    assert signed["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    proof.verify(signed, key.public_key())
    for bad in (dt.datetime(2024, 1, 1), float("nan")):
        doc = credential()
        doc["name"] = bad
        with pytest.raises(ValueError, match="not plain JSON"):
            proof.sign(doc, key, VM, CREATED)


# --- status list ---------------------------------------------------------------------------


def test_status_bits_encoding():
    encoded = bitstring.encode_status_bits({0, 9, 131071})
    assert encoded.startswith("u") and "=" not in encoded
    assert "+" not in encoded and "/" not in encoded
    bits = bitstring.decode_status_bits(encoded)
    assert len(bits) == 131072 // 8
    assert bits[0] == 0x80  # index 0 is the most significant bit of the first byte
    assert bits[1] == 0x40  # index 9
    assert bits[-1] == 0x01
    assert [i for i in range(131072) if bitstring.is_set(bits, i)] == [0, 9, 131071]
    # the gzip is plain gzip of the raw bytes
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw == bits
    assert bitstring.encode_status_bits({0, 9, 131071}) == encoded  # deterministic
    assert bitstring.decode_status_bits(bitstring.encode_status_bits(set())) == bytes(16384)
    with pytest.raises(ValueError):
        bitstring.encode_status_bits({131072})
    with pytest.raises(ValueError):
        bitstring.encode_status_bits(set(), size=1024)
    with pytest.raises(ValueError):
        bitstring.decode_status_bits("zabc")


# --- cross-checks with the JavaScript verifiers ---------------------------------------------


def publish_site(tmp_path: Path, key, docs: dict[str, dict]) -> Path:
    """Site layout: <out>/did.json for did:web:example.org:badges, docs at their paths."""
    out = tmp_path / "output"
    write_json(out / "did.json", did_document(key))
    for rel, doc in docs.items():
        write_json(out / rel, doc)
    return out


def test_js_verifier_accepts_signed_open_badge_credential(tmp_path, key):
    signed = proof.sign(credential(), key, VM, CREATED)
    with_schema = proof.sign(credential("s1", schema=True), key, VM, CREATED)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["description"] = "Something else"
    wrong_key = proof.sign(credential("w1"), ed25519.generate(), VM, CREATED)
    out = publish_site(
        tmp_path,
        key,
        {
            "awards/a1b2c3.ob3.json": signed,
            "awards/s1.ob3.json": with_schema,
            "awards/tampered.ob3.json": tampered,
            "awards/w1.ob3.json": wrong_key,
        },
    )
    files = [out / "awards" / n for n in ("a1b2c3.ob3.json", "s1.ob3.json", "tampered.ob3.json", "w1.ob3.json")]
    ok, ok_schema, bad, bad_key = verify_credentials(files, {BASE_URL: out})
    assert ok["verified"], ok["errors"]
    assert ok["schemaValid"], ok["schemaErrors"]
    assert ok["statusRevoked"] is None
    assert ok_schema["verified"] and ok_schema["schemaValid"], ok_schema
    assert not bad["verified"] and bad["schemaValid"]
    assert any("Invalid signature" in e for e in bad["errors"]), bad["errors"]
    assert not bad_key["verified"]


def test_js_verifier_rejects_what_safe_mode_rejects(tmp_path, key):
    # add an undefined property after signing: a pyld-only verifier would not notice
    # (the property is dropped before hashing); the JS verifier must reject it
    signed = proof.sign(credential(), key, VM, CREATED)
    smuggled = copy.deepcopy(signed)
    smuggled["credentialSubject"]["achievement"]["studyLoad"] = "40 hours"
    out = publish_site(tmp_path, key, {"awards/x.json": smuggled})
    (result,) = verify_credentials([out / "awards/x.json"], {BASE_URL: out})
    assert not result["verified"]
    assert any("invalid property" in e or "Safe mode" in e for e in result["errors"]), result["errors"]


def test_js_verifier_checks_bitstring_status_list(tmp_path, key):
    revoked_index, valid_index = 42, 43
    status_credential = proof.sign(status_list_credential({revoked_index}), key, VM, CREATED)
    revoked = proof.sign(credential("r42", status_index=revoked_index), key, VM, CREATED)
    valid = proof.sign(credential("v43", status_index=valid_index), key, VM, CREATED)
    out = publish_site(
        tmp_path,
        key,
        {
            "status/revocation-1.json": status_credential,
            "awards/r42.ob3.json": revoked,
            "awards/v43.ob3.json": valid,
        },
    )
    r, v, s = verify_credentials(
        [out / "awards/r42.ob3.json", out / "awards/v43.ob3.json", out / "status/revocation-1.json"],
        {BASE_URL: out},
    )
    assert r["verified"] and r["schemaValid"], r
    assert r["statusRevoked"] is True
    assert v["verified"] and v["schemaValid"], v
    assert v["statusRevoked"] is False
    assert s["verified"], s["errors"]  # the status list credential is itself signed

    # an unsigned (or tampered) status list credential makes status checking fail
    forged = copy.deepcopy(status_credential)
    forged["credentialSubject"]["encodedList"] = bitstring.encode_status_bits(set())
    write_json(out / "status/revocation-1.json", forged)
    (r2,) = verify_credentials([out / "awards/r42.ob3.json"], {BASE_URL: out})
    assert not r2["verified"] and r2["statusRevoked"] is None


def test_js_canonicalisation_matches_python(tmp_path):
    docs = {
        "plain": credential(),
        "status": credential(status_index=7),
        "schema": credential(schema=True),
        "list": status_list_credential({3}),
        "tricky": credential(),
    }
    tricky = docs["tricky"]
    tricky["name"] = 'quotes " and \\ backslash\ttab\r\nnewline ✓ 𝄞 \u2028'
    tricky["credentialSubject"]["achievement"]["description"] = "<b>html</b> & ampersand"
    tricky["credentialSubject"]["achievement"]["id"] = BASE_URL + "badges/caf%C3%A9.json"
    tricky["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": "Standard", "targetUrl": "https://example.org/std?a=1&b=2"}
    ]
    tricky["credentialSubject"]["achievement"]["creditsAvailable"] = 2.5
    tricky["credentialSubject"]["achievement"]["fieldOfStudy"] = "Data"
    tricky["credentialSubject"]["identifier"][0]["hashed"] = False
    files = []
    for name, doc in docs.items():
        files.append(write_json(tmp_path / f"{name}.json", doc))
    results = canonize_js(files)
    for (name, doc), result in zip(docs.items(), results):
        assert result["error"] is None, (name, result["error"])
        assert canon.canonize(doc) == result["nquads"], name


def test_js_and_python_safe_modes_agree(tmp_path):
    undefined = credential()
    undefined["credentialSubject"]["nickname"] = "x"
    bad_type = credential()
    bad_type["credentialSchema"] = [{"id": OB_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]
    bad_status = credential()
    bad_status["credentialStatus"] = {"id": STATUS_URL + "#1", "type": "1EdTechRevocationList"}
    docs = {"undefined": undefined, "bad_type": bad_type, "bad_status": bad_status}
    files = [write_json(tmp_path / f"{n}.json", d) for n, d in docs.items()]
    for (name, doc), result in zip(docs.items(), canonize_js(files)):
        assert result["error"] and "Safe mode" in result["error"], (name, result)
        with pytest.raises(CanonicalizationError):
            canon.canonize(doc)


def test_bundled_contexts_equal_the_npm_context_packages():
    from importlib import resources

    folder = resources.files("badgesite").joinpath("contexts")
    npm = js_contexts()
    for url in (VC_V2, OB_303, OB_EXTENSIONS, "https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"):
        assert url in npm
    compared = 0
    for url, entry in canon.bundled_contexts().items():
        if url in npm:
            assert json.loads(folder.joinpath(entry["file"]).read_text("utf-8")) == npm[url], url
            compared += 1
    assert compared >= 15


def test_js_verifier_resolves_did_web_at_a_domain_root(tmp_path, key):
    root_did = "did:web:badges.example.com"
    doc = did_document(key)
    doc = json.loads(json.dumps(doc).replace(DID, root_did))
    cred = credential()
    cred["issuer"]["id"] = root_did
    signed = proof.sign(cred, key, root_did + "#key-1", CREATED)
    out = tmp_path / "site"
    write_json(out / ".well-known" / "did.json", doc)
    write_json(out / "awards" / "x.json", signed)
    (result,) = verify_credentials([out / "awards" / "x.json"], {"https://badges.example.com/": out})
    assert result["verified"] and result["schemaValid"], result
    # the issuer must be the controller of the verification method
    cred["issuer"]["id"] = DID
    write_json(out / "awards" / "y.json", proof.sign(cred, key, root_did + "#key-1", CREATED))
    (result,) = verify_credentials([out / "awards" / "y.json"], {"https://badges.example.com/": out})
    assert not result["verified"]
