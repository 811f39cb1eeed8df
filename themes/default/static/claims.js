// What the verifier gave (a file, pasted text, a link) as a claim: the assertion it
// carries or points to, and how it came ({doc, kind, link, verifyAttr}).
import * as OB from "./obcheck.js";
import { Problem, isPng, readPng, readSvg, utf8 } from "./unbake.js";

const MAX_FILE = 5 * 1024 * 1024;

// The readers for one site (`site` from site.js: where its documents are fetched from).
export function claimReader(site) {
  var siteRoot = site.root, local = site.local;

  function readFile(file) {
    if (file.size > MAX_FILE) return Promise.reject(new Problem("read_too_large"));
    return file.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      if (isPng(bytes)) return readPng(bytes).then(function (found) { return embedded(found, "png"); });
      var text = utf8(bytes).replace(/^\uFEFF/, "").trim();
      if (text.charAt(0) === "{") return claimFromText(text, "json");
      if (text.charAt(0) === "<") return embedded(readSvg(text), "svg");
      throw new Problem("read_unknown_file");
    });
  }

  function embedded(found, kind) {
    if (!found || !found.text) throw new Problem(kind === "png" ? "read_no_png" : "read_no_svg");
    return claimFromText(found.text, kind).then(function (claim) {
      claim.verifyAttr = found.verify || null;
      return claim;
    });
  }

  // The baked or pasted content: the assertion JSON, its URL, or a signed assertion (JWS).
  function claimFromText(text, kind) {
    text = text.trim();
    if (text.charAt(0) === "{") {
      var doc;
      try { doc = JSON.parse(text); } catch (e) { return Promise.reject(new Problem("read_bad_json")); }
      return Promise.resolve({ doc: doc, kind: kind });
    }
    if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text)) return Promise.reject(new Problem("read_signed"));
    var url;
    try { url = new URL(text, siteRoot).href; } catch (e) { return Promise.reject(new Problem("read_unknown_text")); }
    if (!OB.isHttp(url)) return Promise.reject(new Problem("read_unknown_text"));
    return fromLink(url, kind === "text" ? "link" : kind);
  }

  // A link to an award page (HTML, which names its JSON with <link rel="alternate">) or to the JSON.
  function fromLink(url, kind) {
    return OB.fetchText(local(url)).then(function (result) {
      var text = result.text.replace(/^\uFEFF/, "").trim();
      if (text.charAt(0) === "{") {
        try { return { doc: JSON.parse(text), kind: kind, link: url }; } catch (e) { throw new Problem("read_bad_json"); }
      }
      var page = new DOMParser().parseFromString(text, "text/html");
      var alt = page.querySelector('link[rel~="alternate"][type="application/ld+json"], link[rel~="alternate"][type="application/json"]');
      if (!alt || !alt.getAttribute("href")) throw new Problem("read_no_link", { url: url });
      var jsonUrl = new URL(alt.getAttribute("href"), result.url).href;
      return OB.fetchJson(jsonUrl).then(function (doc) { return { doc: doc, kind: kind, link: url }; });
    }, function (error) {
      throw new Problem("read_fetch_failed", { url: url, reason: OB.reasonOf(error) });
    });
  }


  return { readFile: readFile, claimFromText: claimFromText };
}
