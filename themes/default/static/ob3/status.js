// Open Badges 3.0 on the verification page, part 2: has the issuer revoked the credential?
// W3C Bitstring Status List: the credential's BitstringStatusListEntry names a status list
// credential (fetched, and its own proof checked: it must come from the same issuer) whose
// encodedList is 'u' + base64url(gzip(bits)); bit i is the (7 - i % 8)-th bit of byte i / 8.
import { types, reasonOf } from "../obcheck.js";
import { Problem, base64urlBytes, isDateTime, issuerIdOf, verifySigned } from "./proof.js";

const ENTRY = "BitstringStatusListEntry";
const MIN_BITS = 131072; // the spec's minimum list length (16 KiB), which hides how many were issued

async function gunzip(bytes) {
  if (typeof DecompressionStream !== "function") throw new Problem("status_no_gzip");
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// encodedList -> the raw bitstring, or a Problem naming the list.
async function decodeList(encoded, url) {
  const bytes = typeof encoded === "string" && encoded[0] === "u" ? base64urlBytes(encoded.slice(1)) : null;
  if (!bytes || !bytes.length) throw new Problem("status_list_encoding", { url });
  try {
    return await gunzip(bytes);
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw new Problem("status_list_encoding", { url });
  }
}

// One entry -> {purpose, set, url, index}. getJson(url) fetches JSON; now is a Date.
async function readEntry(entry, issuerId, getJson, now) {
  const url = entry.statusListCredential;
  const index = Number(entry.statusListIndex);
  if (typeof url !== "string" || !/^https?:\/\//i.test(url) || !/^\d+$/.test(String(entry.statusListIndex)) ||
      !Number.isSafeInteger(index)) {
    throw new Problem("status_entry_broken");
  }
  let list;
  try {
    list = await getJson(url);
  } catch (error) {
    throw new Problem("status_unreachable", { url, reason: reasonOf(error) });
  }
  if (!list || typeof list !== "object" || types(list).indexOf("BitstringStatusListCredential") < 0 ||
      !list.credentialSubject || types(list.credentialSubject).indexOf("BitstringStatusList") < 0) {
    throw new Problem("status_list_not_list", { url });
  }
  if (issuerIdOf(list) !== issuerId) throw new Problem("status_list_other_issuer", { url, other: String(issuerIdOf(list)) });
  try {
    await verifySigned(list, issuerId, getJson);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    throw new Problem("status_list_proof", { url, inner: error });
  }
  if (list.validUntil !== undefined && (!isDateTime(list.validUntil) || Date.parse(list.validUntil) < now.getTime())) {
    throw new Problem("status_list_expired", { url });
  }
  const purposes = [].concat(list.credentialSubject.statusPurpose || []);
  if (purposes.indexOf(entry.statusPurpose) < 0) {
    throw new Problem("status_list_purpose", { url, purpose: String(entry.statusPurpose) });
  }
  const bits = await decodeList(list.credentialSubject.encodedList, url);
  if (bits.length * 8 < MIN_BITS || index >= bits.length * 8) throw new Problem("status_index", { url, index });
  const set = (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
  return { purpose: entry.statusPurpose, set, url, index };
}

// The credential's status: {state: "none" | "ok" | "revoked" | "suspended", url, index}.
// Throws a Problem when an entry cannot be read or trusted: a revocation is then not ruled out.
export async function checkStatus(doc, issuerId, getJson, now) {
  const entries = [].concat(doc.credentialStatus || []);
  if (!entries.length) return { state: "none" };
  let found = { state: "ok" };
  for (const entry of entries) {
    if (!entry || typeof entry !== "object" || entry.type !== ENTRY) {
      throw new Problem("status_type", { type: String(entry && entry.type) });
    }
    const result = await readEntry(entry, issuerId, getJson, now);
    found.url = found.url || result.url;
    found.index = found.index === undefined ? result.index : found.index;
    if (result.set && result.purpose === "revocation") return { state: "revoked", url: result.url, index: result.index };
    if (result.set && result.purpose === "suspension") found = { state: "suspended", url: result.url, index: result.index };
  }
  return found;
}
