// Open Badges 3.0 on the verification page: check an OpenBadgeCredential in the browser and
// explain every check in plain words, as verify.js does for OB 2.0. verify.js hands over the
// credential it read (file, pasted JSON, link, baked PNG or SVG) and draws the result:
//   const result = await verifyCredential({doc, kind}, email, env)
//   env: {texts, getJson(url)}; texts are the page's verify_js_* texts
//   result: {checks: [{id, ok, title, detail}], facts, outcome: [data-verify-outcome, text key]}
// The checks: the OB 3.0 shape, the issuer's DID and key (proof.js), the eddsa-rdfc-2022
// proof (proof.js), validFrom / validUntil, the Bitstring Status List entry (status.js) and,
// when an e-mail is typed, the hashed identifier of credentialSubject.
import { CREDENTIAL_TYPES, day, fill, formatDay, sha256Hex, types as typesOf } from "../obcheck.js";
import { Problem, checkProof, isDateTime, issuerIdOf, proofOf, resolveKey } from "./proof.js";
import { checkStatus } from "./status.js";

const VC_V2 = "https://www.w3.org/ns/credentials/v2";
const OB_CONTEXT = /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.\d+\.\d+)?\.json$/;

function isObject(value) { return !!value && typeof value === "object" && !Array.isArray(value); }
function isUri(value) { return typeof value === "string" && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value); }

// OB 3.0 AchievementCredential (1EdTech JSON schema's required fields and types): the
// names of what is missing or wrong, empty when the credential has the right shape.
export function shapeProblems(doc) {
  const wrong = [];
  const context = [].concat(doc["@context"] || []);
  if (context[0] !== VC_V2) wrong.push("@context (" + VC_V2 + ")");
  if (!context.some((c) => OB_CONTEXT.test(c))) wrong.push("@context (Open Badges 3.0)");
  if (!isUri(doc.id)) wrong.push("id");
  const types = typesOf(doc);
  if (types.indexOf("VerifiableCredential") < 0 || !CREDENTIAL_TYPES.some((t) => types.indexOf(t) >= 0)) wrong.push("type");
  const issuer = doc.issuer;
  if (!isObject(issuer) || !isUri(issuer.id) || typesOf(issuer).indexOf("Profile") < 0) wrong.push("issuer");
  if (!isDateTime(doc.validFrom)) wrong.push("validFrom");
  if (doc.validUntil !== undefined && !isDateTime(doc.validUntil)) wrong.push("validUntil");
  const subject = doc.credentialSubject;
  if (!isObject(subject) || typesOf(subject).indexOf("AchievementSubject") < 0) {
    wrong.push("credentialSubject");
    return wrong;
  }
  const achievement = subject.achievement;
  if (!isObject(achievement) || !isUri(achievement.id) || typesOf(achievement).indexOf("Achievement") < 0 ||
      typeof achievement.name !== "string" || typeof achievement.description !== "string" || !isObject(achievement.criteria)) {
    wrong.push("credentialSubject.achievement");
  }
  const identifiers = [].concat(subject.identifier || []);
  if (identifiers.some((i) => !isObject(i) || typesOf(i).indexOf("IdentityObject") < 0 || typeof i.hashed !== "boolean" ||
                              typeof i.identityHash !== "string" || typeof i.identityType !== "string")) {
    wrong.push("credentialSubject.identifier");
  }
  return wrong;
}

// OB 3.0 IdentityObject (identityType emailAddress): "sha256$" + hex(sha256(email + salt)),
// or the plain address when hashed is false. true / false, or null when none can be compared.
export async function recipientMatches(subject, email) {
  const typed = String(email || "").trim().toLowerCase();
  const identities = [].concat(isObject(subject) && subject.identifier || [])
    .filter((i) => isObject(i) && i.identityType === "emailAddress" && typeof i.identityHash === "string");
  if (!typed || !identities.length) return null;
  for (const identity of identities) {
    const value = identity.identityHash.trim();
    if (identity.hashed === false) {
      if (value.toLowerCase() === typed) return true;
      continue;
    }
    const [algorithm, hex] = value.split("$");
    if (algorithm.toLowerCase() !== "sha256" || !hex) continue;
    if (await sha256Hex(typed + (identity.salt || "")) === hex.toLowerCase()) return true;
  }
  return false;
}

export async function verifyCredential(claim, email, env) {
  const texts = env.texts;
  const date = (iso) => formatDay(iso, texts);
  const doc = claim.doc;
  const checks = [], facts = {}, state = {};
  function word(problem) {
    const values = { ...problem.values };
    if (values.inner instanceof Problem) values.reason = word(values.inner);
    return fill(texts["ob3_" + problem.key] || problem.key, values);
  }
  function check(id, ok, detail) {
    checks.push({ id, ok, title: texts["ob3_check_" + id] || texts["check_" + id] || id, detail });
    return ok;
  }
  const issuer = isObject(doc.issuer) ? doc.issuer : {};
  const issuerId = issuerIdOf(doc);
  const name = String(issuer.name || issuerId || "");
  check("read", true, fill(texts["ob3_read_" + claim.kind] || texts.ob3_read_json, { id: String(doc.id || "") }));

  const wrong = shapeProblems(doc);
  check("shape", !wrong.length, wrong.length ? fill(texts.ob3_shape_fail, { fields: wrong.join(", ") }) : texts.ob3_shape_ok);
  const achievement = isObject(doc.credentialSubject) && isObject(doc.credentialSubject.achievement) ? doc.credentialSubject.achievement : {};
  if (achievement.name) facts.badge = { name: achievement.name, criteria: isObject(achievement.criteria) ? achievement.criteria.id : null };
  if (name) facts.issuer = { name, url: issuer.url };
  facts.issued = day(doc.validFrom);
  facts.expires = day(doc.validUntil);

  // Who signed (the issuer's DID document), then whether the signature holds.
  let proof = null, key = null;
  try { proof = proofOf(doc); } catch (problem) { if (!(problem instanceof Problem)) throw problem; state.proofProblem = problem; }
  if (proof) {
    try {
      key = await resolveKey(issuerId, proof.verificationMethod, env.getJson);
      check("issuer", true, fill(key.where === "did:key" ? texts.ob3_issuer_ok_key : texts.ob3_issuer_ok,
                                 { name, did: key.did, url: key.where, key: key.methodId }));
    } catch (problem) {
      if (!(problem instanceof Problem)) throw problem;
      check("issuer", false, word(problem));
    }
  } else {
    check("issuer", null, texts.ob3_issuer_skipped);
  }
  if (key) {
    try {
      await checkProof(doc, proof, key.publicKey);
      const created = date(day(proof.created));
      check("proof", true, fill(created ? texts.ob3_proof_ok : texts.ob3_proof_ok_undated, { suite: proof.cryptosuite, name, created }));
    } catch (problem) {
      if (!(problem instanceof Problem)) throw problem;
      check("proof", false, word(problem));
    }
  } else {
    check("proof", false, state.proofProblem ? word(state.proofProblem) : texts.ob3_proof_no_key);
  }

  // Dates: validFrom and validUntil against this moment.
  const now = new Date();
  const from = Date.parse(doc.validFrom), until = doc.validUntil === undefined ? null : Date.parse(doc.validUntil);
  const dates = { issued: date(facts.issued), expires: date(facts.expires) };
  if (isNaN(from)) {
    check("dates", false, texts.ob3_dates_no_from);
  } else if (from > now.getTime()) {
    check("dates", false, fill(texts.ob3_dates_future, dates));
  } else if (until !== null && !(until >= now.getTime())) {
    state.expired = true;
    check("dates", false, fill(texts.ob3_dates_expired, dates));
  } else {
    check("dates", true, fill(until === null ? texts.ob3_dates_ok_forever : texts.ob3_dates_ok, dates));
  }

  // Revocation: the issuer's status list, itself signed by the issuer.
  try {
    const status = await checkStatus(doc, issuerId, env.getJson, now);
    if (status.state === "revoked" || status.state === "suspended") {
      state.revoked = true;
      check("revocation", false, fill(texts["ob3_status_" + status.state], status));
    } else {
      check("revocation", true, status.state === "none" ? texts.ob3_status_none : fill(texts.ob3_status_ok, status));
    }
  } catch (problem) {
    if (!(problem instanceof Problem)) throw problem;
    check("revocation", false, word(problem));
  }

  // The recipient: only when an address is typed.
  if (!String(email || "").trim()) {
    check("recipient", null, texts.recipient_skipped);
  } else {
    const match = await recipientMatches(doc.credentialSubject, email);
    if (match === null) {
      check("recipient", null, texts.ob3_recipient_none);
    } else {
      state.recipientMismatch = !match;
      check("recipient", match, fill(match ? texts.recipient_ok : texts.recipient_fail, { email: email.trim() }));
    }
  }
  return { checks, facts, outcome: outcomeOf(checks, state) };
}

// The overall answer: [data-verify-outcome value, key of its headline].
function outcomeOf(checks, state) {
  const ok = (id) => checks.some((c) => c.id === id && c.ok === true);
  const genuine = ["read", "shape", "issuer", "proof"].every(ok);
  if (!genuine) return ["invalid", "ob3_outcome_invalid"];
  if (state.revoked) return ["revoked", "ob3_outcome_revoked"];
  if (state.recipientMismatch) return ["invalid", "outcome_not_recipient"];
  if (!ok("revocation")) return ["invalid", "ob3_outcome_invalid"];
  if (state.expired) return ["expired", "ob3_outcome_expired"];
  if (!ok("dates")) return ["invalid", "ob3_outcome_invalid"];
  return ["valid", "ob3_outcome_valid"];
}
