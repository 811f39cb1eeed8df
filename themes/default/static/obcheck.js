// Shared by the award page and the verification page: reading published Open Badges
// documents (fetching, their types and references), dates, revocation lookup and the
// recipient e-mail check. Nothing is sent anywhere except GET requests for the published
// JSON documents. An ES module: award.js, the verification page's modules and ob3/ import it.
var TIMEOUT_MS = 15000;
var MAX_BYTES = 5 * 1024 * 1024;

function fill(text, values) {
  return String(text == null ? "" : text).replace(/\{(\w+)\}/g, function (whole, key) {
    return values && values[key] != null ? String(values[key]) : whole;
  });
}

// -- documents --------------------------------------------------------------
function isHttp(url) { return typeof url === "string" && /^https?:\/\//i.test(url); }
function types(doc) { return [].concat(doc && doc.type || []).map(String); }
// A reference given as its id or as the object itself (OB 2.0 badge, issuer; OB 3.0 issuer)
function refId(value) { return typeof value === "string" ? value : value && typeof value.id === "string" ? value.id : null; }

// The types of a Verifiable Credential that is an Open Badge (OB 3.0), and whether a
// document is one, to be checked as such rather than as an OB 2.0 assertion.
var CREDENTIAL_TYPES = ["OpenBadgeCredential", "AchievementCredential"];
function isCredential(doc) {
  var kinds = types(doc);
  return kinds.indexOf("VerifiableCredential") >= 0 || CREDENTIAL_TYPES.some(function (t) { return kinds.indexOf(t) >= 0; });
}

// -- fetching ---------------------------------------------------------------
// `status`: the HTTP status of an answer that was not 2xx, else null (no answer, or an
// answer that cannot be used); `reason` says which in words.
function FetchError(url, reason, status) {
  this.name = "FetchError";
  this.url = url;
  this.reason = reason;
  this.status = status || null;
  this.message = url + ": " + reason;
}
FetchError.prototype = Object.create(Error.prototype);

// Why something could not be read or checked, in words: a FetchError's reason, else the message.
function reasonOf(error) { return (error && (error.reason || error.message)) || String(error); }

// GET `url`; `read(response)` reads a response that answered 2xx.
function fetchWith(url, read) {
  var controller = typeof AbortController === "function" ? new AbortController() : null;
  var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
  var options = { cache: "no-store", credentials: "omit", redirect: "follow" };
  if (controller) options.signal = controller.signal;
  return fetch(url, options).then(function (response) {
    if (!response.ok) throw new FetchError(url, "HTTP " + response.status, response.status);
    return read(response);
  }, function (error) {
    throw new FetchError(url, error && error.name === "AbortError" ? "timeout" : "network");
  }).finally(function () { if (timer) clearTimeout(timer); });
}

function fetchText(url) {
  return fetchWith(url, function (response) {
    return response.text().then(function (text) {
      if (text.length > MAX_BYTES) throw new FetchError(url, "too large");
      return { text: text, url: response.url || url, type: response.headers.get("content-type") || "" };
    });
  });
}

// The bytes of a published file (a badge image, a JSON document as published), as a Uint8Array.
function fetchBytes(url) {
  return fetchWith(url, function (response) {
    return response.arrayBuffer().then(function (buffer) {
      if (buffer.byteLength > MAX_BYTES) throw new FetchError(url, "too large");
      return new Uint8Array(buffer);
    });
  });
}

function fetchJson(url) {
  return fetchText(url).then(function (result) {
    try {
      return JSON.parse(result.text);
    } catch (e) {
      throw new FetchError(url, "not JSON");
    }
  });
}

// -- dates ------------------------------------------------------------------
function today() {
  var d = new Date();
  return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
    String(d.getDate()).padStart(2, "0");
}

// "2026-02-08T00:00:00+00:00" -> "2026-02-08" (OB 2.0 dates are published as midnight UTC)
function day(value) {
  if (typeof value !== "string") return null;
  var match = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return match ? match[1] : null;
}

function formatDay(iso, texts) {
  if (!iso) return "";
  var parts = iso.split("-");
  var months = texts && texts.months;
  if (!months || months.length !== 12) return iso;
  return fill(texts.date_format || "{day} {month} {year}",
    { day: Number(parts[2]), month: months[Number(parts[1]) - 1], year: parts[0] });
}

// -- revocation -------------------------------------------------------------
// OB 2.0 RevocationList.revokedAssertions: the assertions' ids (or uids) as strings, or
// objects {id, uid, revocationReason}. `ids` are the names this assertion goes by.
function findRevocation(list, ids) {
  var entries = list && Array.isArray(list.revokedAssertions) ? list.revokedAssertions : [];
  var names = [].concat(ids).filter(Boolean);
  for (var i = 0; i < entries.length; i++) {
    var entry = entries[i];
    var candidates = typeof entry === "string" ? [entry] : entry ? [entry.id, entry.uid] : [];
    for (var j = 0; j < candidates.length; j++) {
      if (candidates[j] && names.indexOf(candidates[j]) >= 0) {
        return typeof entry === "string" ? { id: entry } : entry;
      }
    }
  }
  return null;
}

// -- recipient --------------------------------------------------------------
function toHex(bytes) {
  var out = "";
  for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  return out;
}

// SHA-256 in plain JavaScript, for pages opened outside a secure context (no crypto.subtle).
function sha256Fallback(bytes) {
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];
  var H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  var length = bytes.length, padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
  padded.set(bytes);
  padded[length] = 0x80;
  var bits = length * 8, view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(padded.length - 4, bits >>> 0);
  var w = new Array(64);
  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }
  for (var offset = 0; offset < padded.length; offset += 64) {
    for (var t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4);
    for (t = 16; t < 64; t++) {
      var s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      var s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (t = 0; t < 64; t++) {
      var t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
      var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
  }
  var out = new Uint8Array(32), outView = new DataView(out.buffer);
  for (var i = 0; i < 8; i++) outView.setUint32(i * 4, H[i] >>> 0);
  return out;
}

function sha256Hex(text) {
  var bytes = new TextEncoder().encode(text);
  var subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (subtle && globalThis.isSecureContext !== false) {
    return subtle.digest("SHA-256", bytes).then(function (digest) {
      return toHex(new Uint8Array(digest));
    }, function () { return toHex(sha256Fallback(bytes)); });
  }
  return Promise.resolve(toHex(sha256Fallback(bytes)));
}

// OB 2.0 IdentityObject: hashed "sha256$<hex>" of (email + salt), or a plain identity.
// Resolves to true / false, or null when the identity cannot be checked in the browser.
function recipientMatches(recipient, email) {
  var normalised = String(email || "").trim().toLowerCase();
  if (!recipient || typeof recipient.identity !== "string" || !normalised) return Promise.resolve(null);
  var identity = recipient.identity.trim();
  if (recipient.hashed === false || identity.indexOf("$") < 0) {
    return Promise.resolve(identity.toLowerCase() === normalised);
  }
  var parts = identity.split("$");
  if (parts[0].toLowerCase() !== "sha256") return Promise.resolve(null);
  return sha256Hex(normalised + (recipient.salt || "")).then(function (hex) {
    return hex === parts[1].toLowerCase();
  });
}

export {
  fill, isHttp, types, refId, CREDENTIAL_TYPES, isCredential, fetchText, fetchBytes, fetchJson, FetchError, reasonOf,
  today, day, formatDay, findRevocation, sha256Hex, recipientMatches
};
