// Open Badges 3.0 on the verification page, part 1: who signed, and does the signature hold.
//   resolveKey: the issuer's DID (did:web fetched, did:key decoded) -> the public key of the
//               proof's verificationMethod, listed for assertionMethod
//   checkProof: a Data Integrity proof, cryptosuite eddsa-rdfc-2022 (W3C vc-di-eddsa §3.3):
//               RDFC-1.0 canonical N-Quads of the proof options and of the document, each
//               SHA-256 hashed, Ed25519-verified
// The libraries (jsonld, rdf-canonize, @noble/ed25519, base58) and the frozen JSON-LD contexts
// come from ../vendor/ob3verify.bundle.js (built by tools/ob3-bundle/). A context that is not
// in that frozen set is never fetched: the credential then cannot be checked.
import { base58Decode, contexts, jsonld, rdfCanonize, verifyAsync } from "../vendor/ob3verify.bundle.js";
import { reasonOf } from "../obcheck.js";

export const CRYPTOSUITE = "eddsa-rdfc-2022";
const ED25519_MULTICODEC = [0xed, 0x01];

// A failed check, worded later: texts["ob3_" + key] filled with values.
export class Problem extends Error {
  constructor(key, values) {
    super(key);
    this.key = key;
    this.values = values || {};
  }
}

// -- keys and DIDs ------------------------------------------------------------------------

// did:web:host[%3Aport][:path...] -> https://host/path/did.json or https://host/.well-known/did.json
export function didWebUrl(did) {
  const parts = did.slice("did:web:".length).split(":");
  if (!parts[0]) throw new Problem("issuer_bad_did", { did });
  const host = decodeURIComponent(parts[0]);
  const path = parts.slice(1).map(decodeURIComponent);
  if (/[/?#@\s]/.test(host) || path.some((p) => !p || p === "." || p === ".." || /[/?#]/.test(p))) {
    throw new Problem("issuer_bad_did", { did });
  }
  return path.length ? `https://${host}/${path.join("/")}/did.json` : `https://${host}/.well-known/did.json`;
}

// A multibase 'z' Ed25519 Multikey (z6Mk…) -> its 32 key bytes.
function multikeyBytes(multibase) {
  if (typeof multibase !== "string" || multibase[0] !== "z") return null;
  let bytes;
  try { bytes = base58Decode(multibase.slice(1)); } catch (e) { return null; }
  if (!bytes || bytes.length !== 34 || bytes[0] !== ED25519_MULTICODEC[0] || bytes[1] !== ED25519_MULTICODEC[1]) return null;
  return bytes.slice(2);
}

// base64url (no padding) -> bytes; null when it is not base64url.
export function base64urlBytes(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

// The issuer's id of a credential (its issuer given as the id or as a Profile), or null.
export function issuerIdOf(doc) {
  const issuer = doc && doc.issuer;
  return typeof issuer === "string" ? issuer : issuer && typeof issuer === "object" && !Array.isArray(issuer) ? issuer.id : null;
}

// The 32 bytes of an Ed25519 verification method (Multikey, Ed25519VerificationKey2020, JWK).
function publicKeyOf(method) {
  if (method.publicKeyMultibase) return multikeyBytes(method.publicKeyMultibase);
  const jwk = method.publicKeyJwk;
  if (jwk && jwk.kty === "OKP" && jwk.crv === "Ed25519") {
    const bytes = base64urlBytes(jwk.x);
    return bytes && bytes.length === 32 ? bytes : null;
  }
  return null;
}

// did:key:z6Mk… is its own DID document (W3C did:key, Ed25519): nothing to fetch.
function didKeyDocument(did) {
  const fingerprint = did.slice("did:key:".length);
  if (!multikeyBytes(fingerprint)) throw new Problem("issuer_bad_did", { did });
  const id = `${did}#${fingerprint}`;
  return {
    id: did,
    verificationMethod: [{ id, type: "Multikey", controller: did, publicKeyMultibase: fingerprint }],
    assertionMethod: [id]
  };
}

function absolute(ref, did) {
  return typeof ref === "string" && ref.charAt(0) === "#" ? did + ref : ref;
}

// The issuer's key for `methodId`, from its DID document, which must list it for assertionMethod.
// getJson(url) fetches a JSON document. Resolves to {did, where, methodId, publicKey}.
export async function resolveKey(issuerId, methodId, getJson) {
  if (typeof methodId !== "string" || !methodId) throw new Problem("proof_no_method");
  const did = methodId.split("#")[0];
  if (did !== issuerId) throw new Problem("issuer_key_other", { key: methodId, did: String(issuerId) });
  let doc, where;
  if (did.startsWith("did:key:")) {
    doc = didKeyDocument(did);
    where = "did:key";
  } else if (did.startsWith("did:web:")) {
    where = didWebUrl(did);
    try {
      doc = await getJson(where);
    } catch (error) {
      throw new Problem("issuer_unreachable", { did, url: where, reason: reasonOf(error) });
    }
    if (!doc || doc.id !== did) throw new Problem("issuer_did_mismatch", { did, url: where, other: String(doc && doc.id) });
  } else {
    throw new Problem("issuer_method", { did: String(did) });
  }
  const methods = [].concat(doc.verificationMethod || [], doc.assertionMethod || []).filter((m) => m && typeof m === "object");
  const method = methods.find((m) => absolute(m.id, did) === methodId);
  if (!method) throw new Problem("issuer_key_missing", { key: methodId, url: where });
  if (absolute(method.controller, did) !== did) throw new Problem("issuer_key_other", { key: methodId, did });
  const listed = [].concat(doc.assertionMethod || []).some((m) => absolute(typeof m === "string" ? m : m && m.id, did) === methodId);
  if (!listed) throw new Problem("issuer_key_not_assertion", { key: methodId, url: where });
  const publicKey = publicKeyOf(method);
  if (!publicKey) throw new Problem("issuer_key_type", { key: methodId, type: String(method.type) });
  return { did, where, methodId, publicKey };
}

// -- the proof --------------------------------------------------------------------------

// The eddsa-rdfc-2022 proof of a document (one proof, or the first such in a set).
export function proofOf(doc) {
  const proofs = [].concat(doc.proof || []).filter((p) => p && typeof p === "object");
  if (!proofs.length) throw new Problem("proof_missing");
  const proof = proofs.find((p) => p.cryptosuite === CRYPTOSUITE) || proofs[0];
  if (proof.type !== "DataIntegrityProof" || proof.cryptosuite !== CRYPTOSUITE) {
    throw new Problem("proof_kind", { type: String(proof.type), suite: String(proof.cryptosuite || "") });
  }
  if (proof.proofPurpose !== "assertionMethod") throw new Problem("proof_purpose", { purpose: String(proof.proofPurpose) });
  if (proof.created !== undefined && !isDateTime(proof.created)) throw new Problem("proof_created", { value: String(proof.created) });
  return proof;
}

export function isDateTime(value) {
  return typeof value === "string" &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) && !isNaN(Date.parse(value));
}

// Contexts from the frozen set only; `unknown` collects what was asked for and is not there.
function frozenLoader(unknown) {
  return async (url) => {
    if (Object.prototype.hasOwnProperty.call(contexts, url)) {
      return { contextUrl: null, documentUrl: url, document: JSON.parse(JSON.stringify(contexts[url])) };
    }
    unknown.push(url);
    throw new Error(`context not in the frozen set: ${url}`);
  };
}

// As @digitalbazaar/eddsa-rdfc-2022-cryptosuite canonizes: JSON-LD to RDF in safe mode, RDFC-1.0.
async function canonize(doc, unknown) {
  const options = { algorithm: "RDFC-1.0", base: null, safe: true, documentLoader: frozenLoader(unknown) };
  try {
    const dataset = await jsonld.toRDF(doc, { rdfDirection: "i18n-datatype", ...options, produceGeneralizedRdf: false });
    return await rdfCanonize.canonize(dataset, { ...options, format: "application/n-quads" });
  } catch (error) {
    if (unknown.length) throw new Problem("context_unknown", { url: unknown[0] });
    const event = error && error.details && error.details.event;
    if (event) {
      const term = event.details && (event.details.property || event.details.type || event.details.term);
      throw new Problem("proof_undefined", { term: String(term || event.code) });
    }
    throw new Problem("proof_canon", { reason: error && error.message || String(error) });
  }
}

async function sha256(text) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

// Resolves when the proof holds for this document and key; throws a Problem otherwise.
export async function checkProof(doc, proof, publicKey) {
  if (!(globalThis.crypto && crypto.subtle)) throw new Problem("proof_insecure");
  const value = proof.proofValue;
  let signature = null;
  if (typeof value === "string" && value[0] === "z") {
    try { signature = base58Decode(value.slice(1)); } catch (e) { signature = null; }
  }
  if (!signature || signature.length !== 64) throw new Problem("proof_value");
  const document = { ...doc };
  delete document.proof;
  const options = { ...proof, "@context": doc["@context"] };
  delete options.proofValue;
  const unknown = [];
  const [optionsHash, documentHash] = await Promise.all([
    canonize(options, unknown).then(sha256), canonize(document, unknown).then(sha256)]);
  const data = new Uint8Array(64);
  data.set(optionsHash, 0);
  data.set(documentHash, 32);
  let ok = false;
  try { ok = await verifyAsync(signature, data, publicKey); } catch (e) { ok = false; }
  if (!ok) throw new Problem("proof_mismatch");
}

// Resolve the issuer's key and check the proof: {proof, key} or a Problem.
export async function verifySigned(doc, issuerId, getJson) {
  const proof = proofOf(doc);
  const key = await resolveKey(issuerId, proof.verificationMethod, getJson);
  await checkProof(doc, proof, key.publicKey);
  return { proof, key };
}
