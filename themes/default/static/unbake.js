// Reading what a badge image carries: the text of an Open Badges baking (PNG chunk or
// SVG element). Nothing here fetches or decides; verify.js and claims.js use it.

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
// What OB 2.0 Baking and OB 3.0 (section 5.3) name a baked text: the PNG chunk's keyword,
// the SVG element and its namespace (src/badgesite/vocab.py has the same words)
export const OB2 = { keyword: "openbadges", element: "assertion", namespace: "http://openbadges.org" };
export const OB3 = { keyword: "openbadgecredential", element: "credential",
                     namespace: "https://purl.imsglobal.org/ob/v3p0" };
// and the namespace earlier badgesite versions wrote
const OB_NAMESPACES = [OB2.namespace, "https://purl.imsglobal.org/ob/v2p0", OB3.namespace];

// Something the verifier was given that cannot be read: `key` names the text that says so.
export function Problem(key, values) { this.key = key; this.values = values || {}; }

export function utf8(bytes) { return new TextDecoder("utf-8").decode(bytes); }
function latin1(bytes) {
  var s = "";
  for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
function indexOfZero(bytes, from) {
  for (var i = from; i < bytes.length; i++) if (bytes[i] === 0) return i;
  return -1;
}
function inflate(bytes) {
  if (typeof DecompressionStream !== "function") return Promise.reject(new Problem("read_compressed"));
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
}

export function isPng(bytes) {
  if (bytes.length < 8) return false;
  for (var i = 0; i < 8; i++) if (bytes[i] !== PNG_SIGNATURE[i]) return false;
  return true;
}

// The chunks of a PNG after its signature, up to IEND: {type, data, start, end} (bytes
// start..end hold the whole chunk). A truncated chunk ends the list; bake.js uses it too.
export function pngChunks(bytes) {
  var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  var chunks = [];
  var offset = 8;
  while (offset + 12 <= bytes.length) {
    var length = view.getUint32(offset);
    var end = offset + 12 + length;
    if (end > bytes.length) break;
    var type = latin1(bytes.subarray(offset + 4, offset + 8));
    chunks.push({ type: type, data: bytes.subarray(offset + 8, offset + 8 + length), start: offset, end: end });
    if (type === "IEND") break;
    offset = end;
  }
  return chunks;
}

// The keyword of a text chunk (tEXt, zTXt, iTXt): its bytes up to the first NUL, as Latin-1.
export function textKeyword(data) {
  var end = indexOfZero(data, 0);
  return latin1(end < 0 ? data : data.subarray(0, end));
}

// Open Badges baking, PNG: a tEXt, zTXt or iTXt chunk with the keyword "openbadges"
// (OB 3.0: "openbadgecredential").
export function readPng(bytes) {
  var chunks = pngChunks(bytes);
  for (var i = 0; i < chunks.length; i++) {
    var type = chunks[i].type, chunk = chunks[i].data;
    if (type === "iTXt" || type === "tEXt" || type === "zTXt") {
      var end = indexOfZero(chunk, 0);
      var keyword = end > 0 ? latin1(chunk.subarray(0, end)) : "";
      if (keyword === OB2.keyword || keyword === OB3.keyword) {
        return textOfChunk(type, chunk, end).then(function (text) {
          return { text: text, credential: keyword === OB3.keyword };
        });
      }
    }
  }
  return Promise.resolve(null);
}

function textOfChunk(type, chunk, end) {
  if (type === "tEXt") return Promise.resolve(latin1(chunk.subarray(end + 1)));
  if (type === "zTXt") return inflate(chunk.subarray(end + 2)).then(latin1);
  var compressed = chunk[end + 1] === 1;
  var langEnd = indexOfZero(chunk, end + 3);
  var transEnd = langEnd < 0 ? -1 : indexOfZero(chunk, langEnd + 1);
  if (transEnd < 0) return Promise.reject(new Problem("read_broken"));
  var body = chunk.subarray(transEnd + 1);
  return compressed ? inflate(body).then(utf8) : Promise.resolve(utf8(body));
}

// Open Badges baking, SVG: <openbadges:assertion verify="URL"><![CDATA[ JSON ]]></openbadges:assertion>
export function readSvg(text) {
  var doc = new DOMParser().parseFromString(text, "image/svg+xml");
  if (doc.getElementsByTagName("parsererror").length || !doc.documentElement ||
      doc.documentElement.localName !== "svg") {
    throw new Problem("read_not_svg");
  }
  var all = doc.getElementsByTagName("*");
  for (var i = 0; i < all.length; i++) {
    var el = all[i];
    var ours = el.prefix === "openbadges" || OB_NAMESPACES.indexOf(el.namespaceURI) >= 0;
    if (ours && (el.localName === OB2.element || el.localName === OB3.element)) {
      return { text: (el.textContent || "").trim() || el.getAttribute("verify") || "",
               verify: el.getAttribute("verify"), credential: el.localName === OB3.element };
    }
  }
  return null;
}
