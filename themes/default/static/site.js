// The site whose awards are verified: its documents are fetched from wherever the page is
// served (the same files as under base_url: a preview on localhost checks its own copy).
import * as OB from "./obcheck.js";

// `data`: {root, base} from the page; the documents fetched are kept until forget().
export function siteDocuments(data) {
  var root = new URL(data.root, window.location.href).href;
  var cache = {};
  function local(url) {
    return typeof url === "string" && data.base && url.indexOf(data.base) === 0 ?
      root + url.slice(data.base.length) : url;
  }
  function getJson(url) {
    var target = local(url);
    if (!cache[target]) cache[target] = OB.fetchJson(target);
    return cache[target];
  }
  function forget() { cache = {}; }
  return { root: root, base: data.base, local: local, getJson: getJson, forget: forget };
}
