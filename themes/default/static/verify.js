// Verification page: read an Open Badges 2.0 assertion from a baked PNG or SVG, a JSON
// file, pasted JSON or a link; fetch the published (hosted) assertion, its BadgeClass and
// Issuer; check them and explain every check in plain words. An Open Badges 3.0 credential
// read the same way is handed to ob3/check.js. Nothing is uploaded: the
// browser only fetches the published documents.
(function () {
  "use strict";
  var dataEl = document.getElementById("verify-data");
  var form = document.querySelector("[data-verify-form]");
  var OB = window.OBCheck;
  if (!dataEl || !form || !OB) return;
  var data = JSON.parse(dataEl.textContent);
  var texts = data.texts || {};
  var fill = OB.fill;
  var MAX_FILE = 5 * 1024 * 1024;
  var PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
  // OB 2.0 Baking's namespace, the one earlier badgesite versions wrote, and OB 3.0's
  var OB_NAMESPACES = ["http://openbadges.org", "https://purl.imsglobal.org/ob/v2p0",
                       "https://purl.imsglobal.org/ob/v3p0"];
  // The site's own documents are fetched from wherever this page is served (the same files
  // as under base_url: a preview on localhost checks its own copy).
  var siteRoot = new URL(data.root, window.location.href).href;

  var fileInput = form.querySelector("#verify-file");
  var textInput = form.querySelector("#verify-input");
  var emailInput = form.querySelector("#verify-email");
  var outcomeEl = document.querySelector("[data-verify-outcome]");
  var factsEl = document.querySelector("[data-verify-facts]");
  var checksEl = document.querySelector("[data-verify-checks]");
  var lastSource = null; // "file" | "text"
  var run = 0;

  function Problem(key, values) { this.key = key; this.values = values || {}; }

  function local(url) {
    return typeof url === "string" && data.base && url.indexOf(data.base) === 0 ?
      siteRoot + url.slice(data.base.length) : url;
  }
  function isHttp(url) { return typeof url === "string" && /^https?:\/\//i.test(url); }
  function date(iso) { return OB.formatDay(iso, texts); }
  function types(doc) { return [].concat(doc && doc.type || []).map(String); }
  function refId(value) { return typeof value === "string" ? value : value && typeof value.id === "string" ? value.id : null; }

  var cache = {};
  function getJson(url) {
    var target = local(url);
    if (!cache[target]) cache[target] = OB.fetchJson(target);
    return cache[target];
  }

  // -- reading an assertion out of what the verifier gave -----------------------------
  function utf8(bytes) { return new TextDecoder("utf-8").decode(bytes); }
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

  function isPng(bytes) {
    if (bytes.length < 8) return false;
    for (var i = 0; i < 8; i++) if (bytes[i] !== PNG_SIGNATURE[i]) return false;
    return true;
  }

  // Open Badges baking, PNG: a tEXt, zTXt or iTXt chunk with the keyword "openbadges"
  // (OB 3.0: "openbadgecredential").
  function readPng(bytes) {
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var offset = 8;
    while (offset + 12 <= bytes.length) {
      var length = view.getUint32(offset);
      var type = latin1(bytes.subarray(offset + 4, offset + 8));
      if (offset + 12 + length > bytes.length) break;
      var chunk = bytes.subarray(offset + 8, offset + 8 + length);
      if (type === "iTXt" || type === "tEXt" || type === "zTXt") {
        var end = indexOfZero(chunk, 0);
        var keyword = end > 0 ? latin1(chunk.subarray(0, end)) : "";
        if (keyword === "openbadges" || keyword === "openbadgecredential") {
          return textOfChunk(type, chunk, end).then(function (text) {
            return { text: text, credential: keyword === "openbadgecredential" };
          });
        }
      }
      if (type === "IEND") break;
      offset += 12 + length;
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
  function readSvg(text) {
    var doc = new DOMParser().parseFromString(text, "image/svg+xml");
    if (doc.getElementsByTagName("parsererror").length || !doc.documentElement ||
        doc.documentElement.localName !== "svg") {
      throw new Problem("read_not_svg");
    }
    var all = doc.getElementsByTagName("*");
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      var ours = el.prefix === "openbadges" || OB_NAMESPACES.indexOf(el.namespaceURI) >= 0;
      if (ours && (el.localName === "assertion" || el.localName === "credential")) {
        return { text: (el.textContent || "").trim() || el.getAttribute("verify") || "",
                 verify: el.getAttribute("verify"), credential: el.localName === "credential" };
      }
    }
    return null;
  }

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
    if (!isHttp(url)) return Promise.reject(new Problem("read_unknown_text"));
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
      throw new Problem("read_fetch_failed", { url: url, reason: error.reason || String(error) });
    });
  }

  // -- checking ----------------------------------------------------------------------
  function check(list, id, ok, detail) {
    list.push({ id: id, ok: ok, title: texts["check_" + id] || id, detail: detail });
    return ok;
  }

  function sameValue(a, b) { return JSON.stringify(a == null ? null : a) === JSON.stringify(b == null ? null : b); }

  function differences(claimed, hosted) {
    var fields = [];
    var claimedRecipient = claimed.recipient || {}, hostedRecipient = hosted.recipient || {};
    if (!sameValue(claimedRecipient.identity, hostedRecipient.identity) ||
        !sameValue(claimedRecipient.salt, hostedRecipient.salt)) fields.push(texts.field_recipient);
    if (!sameValue(refId(claimed.badge), refId(hosted.badge))) fields.push(texts.field_badge);
    if (!sameValue(OB.day(claimed.issuedOn), OB.day(hosted.issuedOn))) fields.push(texts.field_issued);
    if (!sameValue(OB.day(claimed.expires), OB.day(hosted.expires))) fields.push(texts.field_expires);
    return fields;
  }

  function inScope(assertionId, profile, issuerUrl) {
    var verification = profile && profile.verification || {};
    var starts = [].concat(verification.startsWith || []).filter(function (s) { return typeof s === "string" && s; });
    if (starts.length) {
      return { ok: starts.some(function (s) { return assertionId.indexOf(s) === 0; }), scope: starts.join(", ") };
    }
    var host = new URL(assertionId).host;
    var origins = [].concat(verification.allowedOrigins || []).filter(function (s) { return typeof s === "string"; });
    if (origins.length) return { ok: origins.indexOf(host) >= 0, scope: origins.join(", ") };
    var issuerHost = new URL(refId(profile) || issuerUrl).host;
    return { ok: host === issuerHost, scope: issuerHost };
  }

  function verify(claim, email) {
    var checks = [], facts = {};
    var claimed = claim.doc;
    var result = { checks: checks, facts: facts };
    var claimedTypes = types(claimed);
    if (claimedTypes.indexOf("VerifiableCredential") >= 0 || claimedTypes.indexOf("OpenBadgeCredential") >= 0) {
      return verifyOb3(claim, email);
    }
    var readDetail = texts["read_ok_" + claim.kind] || texts.read_ok_json;
    if (!claimed || typeof claimed !== "object" || (claimedTypes.length && claimedTypes.indexOf("Assertion") < 0) ||
        !isHttp(claimed.id)) {
      check(checks, "read", false, texts.read_not_assertion);
      return Promise.resolve(result);
    }
    if (claimed.verification && /signed/i.test(String(claimed.verification.type || ""))) {
      throw new Problem("read_signed");
    }
    check(checks, "read", true, fill(readDetail, { id: claimed.id }));
    facts.assertion = claimed.id;

    return getJson(claimed.id).then(function (hosted) {
      if (hosted.id !== claimed.id) {
        check(checks, "hosted", false, fill(texts.hosted_other_id, { url: claimed.id, other: String(hosted.id) }));
        return result;
      }
      check(checks, "hosted", true, fill(texts.hosted_ok, { url: claimed.id }));
      result.hosted = hosted;
      if (claim.kind !== "link") {
        var fields = differences(claimed, hosted);
        if (claim.verifyAttr && claim.verifyAttr !== claimed.id) fields.push(texts.field_verify);
        check(checks, "match", !fields.length,
              fields.length ? fill(texts.match_fail, { fields: fields.join(", ") }) : texts["match_ok_" + claim.kind] || texts.match_ok_json);
      }
      var badgeUrl = refId(hosted.badge);
      if (!isHttp(badgeUrl)) {
        check(checks, "badge", false, texts.badge_missing);
        return result;
      }
      return getJson(badgeUrl).then(function (badge) {
        if (types(badge).indexOf("BadgeClass") < 0 && types(badge).length) throw new OB.FetchError(badgeUrl, "not a BadgeClass");
        facts.badge = badge;
        facts.badgeUrl = badgeUrl;
        check(checks, "badge", true, fill(texts.badge_ok, { name: badge.name || badgeUrl, url: badgeUrl }));
        var issuerUrl = refId(badge.issuer);
        if (!isHttp(issuerUrl)) {
          check(checks, "issuer", false, texts.issuer_missing);
          return result;
        }
        return getJson(issuerUrl).then(function (profile) {
          facts.issuer = profile;
          var scope = inScope(hosted.id, profile, issuerUrl);
          var name = profile.name || issuerUrl;
          check(checks, "issuer", scope.ok, fill(scope.ok ? texts.issuer_ok : texts.issuer_scope_fail,
                                                 { name: name, url: hosted.id, scope: scope.scope }));
          if (!scope.ok) return result;
          return finish(result, hosted, profile, email);
        }, function (error) {
          check(checks, "issuer", false, fill(texts.fetch_fail, { url: issuerUrl, reason: error.reason || String(error) }));
          return result;
        });
      }, function (error) {
        check(checks, "badge", false, fill(texts.fetch_fail, { url: badgeUrl, reason: error.reason || String(error) }));
        return result;
      });
    }, function (error) {
      check(checks, "hosted", false, fill(texts.hosted_fail, { url: claimed.id, reason: error.reason || String(error) }));
      return result;
    });
  }

  // An Open Badges 3.0 credential is checked by the ES module ob3/check.js, loaded when needed;
  // its result carries its own outcome.
  function verifyOb3(claim, email) {
    return import("./ob3/check.js").then(function (ob3) {
      return ob3.verifyCredential(claim, email, { texts: texts, fill: fill, getJson: getJson, date: date });
    });
  }

  // Dates, revocation and the recipient: only asked once the award is known to be genuine.
  function finish(result, hosted, profile, email) {
    var checks = result.checks, facts = result.facts;
    var now = OB.today(), issued = OB.day(hosted.issuedOn), expires = OB.day(hosted.expires);
    facts.issued = issued;
    facts.expires = expires;
    if (!issued) {
      check(checks, "dates", false, texts.dates_no_issued);
    } else if (issued > now) {
      check(checks, "dates", false, fill(texts.dates_future, { issued: date(issued) }));
    } else if (expires && expires < now) {
      result.expired = true;
      check(checks, "dates", false, fill(texts.dates_expired, { issued: date(issued), expires: date(expires) }));
    } else {
      check(checks, "dates", true, fill(expires ? texts.dates_ok : texts.dates_ok_forever,
                                        { issued: date(issued), expires: date(expires) }));
    }
    var listUrl = refId(profile.revocationList);
    var listPromise = isHttp(listUrl) ? getJson(listUrl).then(function (list) { return { list: list }; },
      function (error) { return { error: error }; }) : Promise.resolve({ none: true });
    return listPromise.then(function (found) {
      var entry = found.list ? OB.findRevocation(found.list, [hosted.id, local(hosted.id), hosted.uid]) : null;
      if (hosted.revoked === true || entry) {
        result.revoked = true;
        var reason = hosted.revocationReason || (entry && entry.revocationReason) || texts.no_reason;
        check(checks, "revocation", false, fill(texts.revoked, { reason: reason }));
      } else if (found.error) {
        check(checks, "revocation", false, fill(texts.revocation_unreachable, { url: listUrl }));
      } else {
        check(checks, "revocation", true, found.none ? texts.revocation_no_list : texts.revocation_ok);
      }
      return OB.recipientMatches(hosted.recipient, email).then(function (match) {
        if (!String(email || "").trim()) {
          check(checks, "recipient", null, texts.recipient_skipped);
        } else if (match === null) {
          check(checks, "recipient", null, texts.recipient_unsupported);
        } else {
          result.recipientMismatch = !match;
          check(checks, "recipient", match, fill(match ? texts.recipient_ok : texts.recipient_fail, { email: email.trim() }));
        }
        return result;
      });
    });
  }

  // The overall answer: [data-verify-outcome value, key of its headline].
  function outcomeOf(result) {
    var failed = result.checks.filter(function (c) { return c.ok === false; }).map(function (c) { return c.id; });
    var genuine = ["read", "hosted", "match", "badge", "issuer"].every(function (id) { return failed.indexOf(id) < 0; }) &&
      result.checks.some(function (c) { return c.id === "revocation"; });
    if (!genuine) return ["invalid", "outcome_invalid"];
    if (result.revoked) return ["revoked", "outcome_revoked"];
    if (result.recipientMismatch) return ["invalid", "outcome_not_recipient"];
    if (failed.indexOf("revocation") >= 0) return ["invalid", "outcome_invalid"];
    if (result.expired) return ["expired", "outcome_expired"];
    if (failed.length) return ["invalid", "outcome_invalid"];
    return ["valid", "outcome_valid"];
  }

  // -- showing -------------------------------------------------------------------------
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    [].concat(children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function setOutcome(outcome, text) {
    outcomeEl.setAttribute("data-verify-outcome", outcome);
    outcomeEl.textContent = text;
  }

  function showResult(result) {
    var outcome = result.outcome || outcomeOf(result);
    setOutcome(outcome[0], texts[outcome[1]]);
    showFacts(result);
    clear(checksEl);
    result.checks.forEach(function (c) {
      var word = c.ok === true ? texts.passed : c.ok === false ? texts.failed : texts.not_checked;
      checksEl.appendChild(el("li", { "data-check": c.id, "data-ok": c.ok === null ? "skip" : String(c.ok) }, [
        el("span", { "class": "check-icon", "aria-hidden": "true" }, c.ok === true ? "\u2714" : c.ok === false ? "\u2716" : "\u2013"),
        el("strong", {}, c.title + ": "), el("span", { "class": "check-word" }, word + ". "), c.detail || ""
      ]));
    });
    checksEl.hidden = false;
  }

  function showFacts(result) {
    var facts = result.facts;
    clear(factsEl);
    function add(label, value) {
      if (!value) return;
      factsEl.appendChild(el("dt", {}, label));
      factsEl.appendChild(el("dd", {}, value));
    }
    if (facts.badge) {
      var criteria = refId(facts.badge.criteria);
      add(texts.fact_badge, isHttp(criteria) ? el("a", { href: local(criteria) }, String(facts.badge.name || criteria)) : String(facts.badge.name || ""));
    }
    if (facts.issuer) {
      var site = facts.issuer.url;
      add(texts.fact_issuer, isHttp(site) ? el("a", { href: site, rel: "noopener" }, String(facts.issuer.name || site)) : String(facts.issuer.name || ""));
    }
    if (facts.issued) add(texts.fact_issued, date(facts.issued));
    if (facts.issued) add(texts.fact_expires, facts.expires ? date(facts.expires) : texts.never);
    if (facts.assertion && result.hosted) {
      var page = facts.assertion.indexOf(data.base) === 0 && /\.json$/.test(facts.assertion) ?
        local(facts.assertion.replace(/\.json$/, "/")) : null;
      add(texts.fact_award, page ? el("a", { href: page }, texts.award_page) : el("a", { href: local(facts.assertion) }, facts.assertion));
    }
    factsEl.hidden = !factsEl.firstChild;
  }

  function showProblem(problem) {
    var key = problem instanceof Problem ? problem.key : "read_error";
    var values = problem instanceof Problem ? problem.values : { reason: String(problem && problem.message || problem) };
    setOutcome("error", texts.outcome_error);
    clear(factsEl);
    factsEl.hidden = true;
    clear(checksEl);
    checksEl.appendChild(el("li", { "data-check": "read", "data-ok": "false" }, [
      el("span", { "class": "check-icon", "aria-hidden": "true" }, "\u2716"),
      el("strong", {}, texts.check_read + ": "), el("span", { "class": "check-word" }, texts.failed + ". "),
      fill(texts[key] || texts.read_error, values)
    ]));
    checksEl.hidden = false;
  }

  function start(getClaim) {
    var mine = ++run;
    cache = {};
    setOutcome("checking", texts.checking);
    clear(checksEl);
    checksEl.hidden = true;
    factsEl.hidden = true;
    var email = emailInput.value;
    getClaim().then(function (claim) { return verify(claim, email); }).then(function (result) {
      if (mine === run) showResult(result);
    }).catch(function (problem) {
      if (mine === run) showProblem(problem);
    });
  }

  function verifyFile(file) {
    lastSource = "file";
    start(function () { return readFile(file); });
  }

  function verifyText() {
    lastSource = "text";
    var text = textInput.value.trim();
    start(function () { return claimFromText(text, "text"); });
  }

  fileInput.addEventListener("change", function () {
    if (fileInput.files && fileInput.files[0]) verifyFile(fileInput.files[0]);
  });
  textInput.addEventListener("input", function () { lastSource = textInput.value.trim() ? "text" : lastSource; });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = fileInput.files && fileInput.files[0];
    if (lastSource === "text" && textInput.value.trim()) return verifyText();
    if (file) return verifyFile(file);
    if (textInput.value.trim()) return verifyText();
    setOutcome("", texts.nothing);
  });

  // Drag and drop a badge image anywhere on the form.
  var zone = document.querySelector("[data-dropzone]");
  ["dragenter", "dragover"].forEach(function (name) {
    form.addEventListener(name, function (event) {
      event.preventDefault();
      if (zone) zone.classList.add("is-dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    form.addEventListener(name, function () { if (zone) zone.classList.remove("is-dragging"); });
  });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    var files = event.dataTransfer && event.dataTransfer.files;
    if (files && files[0]) return verifyFile(files[0]);
    var text = event.dataTransfer && (event.dataTransfer.getData("text/uri-list") || event.dataTransfer.getData("text/plain"));
    if (text) {
      textInput.value = text.split(/\r?\n/)[0];
      verifyText();
    }
  });

  // verify/?url=... (the award pages link here): check that award straight away.
  var param = new URLSearchParams(window.location.search).get("url");
  if (param) {
    textInput.value = param;
    verifyText();
  }
})();
