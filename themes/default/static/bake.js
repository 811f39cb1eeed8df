// Baking in the browser (bake_in_browser: true): the badge image with an award's
// assertion or credential in it, BYTE FOR BYTE what the build writes when it bakes
// (src/badgesite/output/bake.py; tests/test_bake_in_browser.py holds the two together).
// Pure functions of bytes and text; award.js fetches and hands the file over.
//
// PNG: one uncompressed iTXt chunk (keyword "openbadges", OB 3.0 "openbadgecredential")
// before IEND, an earlier text chunk of that keyword taken out. SVG: xmlns:openbadges on
// the root and <openbadges:assertion verify="…"> (OB 3.0 <openbadges:credential>) right
// after its opening tag. The text is the published JSON in its compact form.
import { OB2, OB3, isPng, pngChunks, textKeyword } from "./unbake.js";

export { OB2, OB3 };

// What Python's str.isspace() (and so `\s`, strip()) counts as white space; JavaScript's
// \s differs (U+FEFF is in it, U+001C-U+001F and U+0085 are not).
const SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
// Python's \b after a word character: the next one is not a letter, digit or "_"
const WORD_END = "(?![\\p{L}\\p{N}_])";
const SVG_OPEN = new RegExp("<svg" + WORD_END + "[^>]*>", "u");
const OLD_NAMESPACE = new RegExp("[" + SPACE + "]+xmlns:openbadges=(\"[^\"]*\"|'[^']*')", "gu");
const OLD_ELEMENT = new RegExp("<openbadges:(assertion|credential)" + WORD_END + "[\\s\\S]*?</openbadges:\\1>[" +
                               SPACE + "]*", "gu");
const LEADING_SPACE = new RegExp("^[" + SPACE + "]+", "u");
const TRAILING_SPACE = new RegExp("[" + SPACE + "]+$", "u");

export function BakeError(message) { this.message = message; }
BakeError.prototype.toString = function () { return this.message; };

// The compact form of a published JSON document (json.py: dump_json publishes it with
// indentation, compact_json bakes it): the same bytes without the white space between
// tokens. Works on the UTF-8 bytes, so nothing is parsed, reordered or re-escaped.
export function compactJson(bytes) {
  var out = new Uint8Array(bytes.length);
  var length = 0, inString = false, escaped = false;
  for (var i = 0; i < bytes.length; i++) {
    var b = bytes[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (b === 0x5c) escaped = true;
      else if (b === 0x22) inString = false;
    } else if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
      continue;
    } else if (b === 0x22) {
      inString = true;
    }
    out[length++] = b;
  }
  return out.subarray(0, length);
}

var CRC_TABLE = null;
function crc32(bytes) {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  var crc = 0xffffffff;
  for (var i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function latin1Bytes(text) {
  var bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function concat(parts) {
  var size = 0;
  parts.forEach(function (part) { size += part.length; });
  var out = new Uint8Array(size), at = 0;
  parts.forEach(function (part) { out.set(part, at); at += part.length; });
  return out;
}

// An iTXt chunk: keyword, NUL, compression flag 0, method 0, language "", NUL,
// translated keyword "", NUL, the text (UTF-8 bytes); then its CRC-32.
export function itxtChunk(keyword, text) {
  var data = concat([latin1Bytes(keyword), new Uint8Array([0, 0, 0, 0, 0]), text]);
  var body = concat([latin1Bytes("iTXt"), data]);
  var chunk = new Uint8Array(body.length + 8);
  var view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(body, 4);
  view.setUint32(4 + body.length, crc32(body));
  return chunk;
}

// The PNG `png` with `text` (UTF-8 bytes) baked in under `keyword`.
export function bakePng(png, text, keyword) {
  if (!isPng(png)) throw new BakeError("not a PNG file");
  var chunks = pngChunks(png);
  var last = chunks[chunks.length - 1];
  if (!last || last.type !== "IEND") throw new BakeError("PNG has no IEND chunk");
  var parts = [png.subarray(0, 8)], cursor = 8;
  chunks.forEach(function (chunk) {
    if ((chunk.type === "iTXt" || chunk.type === "tEXt" || chunk.type === "zTXt") &&
        textKeyword(chunk.data) === keyword) {
      parts.push(png.subarray(cursor, chunk.start));
      cursor = chunk.end;
    }
  });
  parts.push(png.subarray(cursor, last.start), itxtChunk(keyword, text), png.subarray(last.start));
  return concat(parts);
}

function cdata(text) { return "<![CDATA[" + text.split("]]>").join("]]]]><![CDATA[>") + "]]>"; }
function attribute(value) { return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;"); }

// The SVG text `svg` with `text` baked in (`verify`: the hosted assertion's URL, or null).
export function bakeSvg(svg, text, verify, standard) {
  var match = SVG_OPEN.exec(svg);
  if (!match) throw new BakeError("no <svg> element");
  var declaration = svg.replace(LEADING_SPACE, "").startsWith("<?xml") ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : "";
  var tag = match[0].replace(OLD_NAMESPACE, "");
  var closing = tag.endsWith("/>") ? "/>" : ">";
  tag = tag.slice(0, tag.length - closing.length).replace(TRAILING_SPACE, "") +
        " xmlns:openbadges=\"" + standard.namespace + "\"" + closing;
  var body = svg.slice(match.index + match[0].length).replace(OLD_ELEMENT, "");
  var element = standard.element;
  var embedded = "<openbadges:" + element + (verify ? " verify=\"" + attribute(verify) + "\"" : "") + ">" +
                 cdata(text) + "</openbadges:" + element + ">";
  if (closing === "/>") {  // <svg .../> has no children: open it
    tag = tag.slice(0, -2) + ">";
    body = "</svg>" + body;
  }
  return declaration + tag + "\n" + embedded + body;
}

// The file a download control hands over: `image` and `document` are the bytes of the
// published badge image and JSON; `kind` is the control's data-download.
export function bakeDownload(kind, image, document, verify) {
  var standard = kind.indexOf("credential-") === 0 ? OB3 : OB2;
  var text = compactJson(document);
  if (/svg$/.test(kind)) {
    var decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    var svg = bakeSvg(decoder.decode(image), decoder.decode(text), verify || null, standard);
    return new Blob([svg], { type: "image/svg+xml" });
  }
  return new Blob([bakePng(image, text, standard.keyword)], { type: "image/png" });
}
