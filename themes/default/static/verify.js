// Verification page: read an Open Badges 2.0 assertion from a baked PNG or SVG, a JSON
// file, pasted JSON or a link; fetch the published (hosted) assertion, its BadgeClass and
// Issuer; check them and explain every check in plain words. Nothing is uploaded: the
// browser only fetches the published documents. Reading is in unbake.js and claims.js,
// the checks in checks.js; an Open Badges 3.0 credential read the same way is checked by
// ob3/check.js (loaded only then); this module is the page.
import * as OB from "./obcheck.js";
import { checker } from "./checks.js";
import { claimReader } from "./claims.js";
import { siteDocuments } from "./site.js";
import { Problem } from "./unbake.js";

function main() {
  var dataEl = document.getElementById("verify-data");
  var form = document.querySelector("[data-verify-form]");
  if (!dataEl || !form) return;
  var data = JSON.parse(dataEl.textContent);
  var texts = data.texts || {};
  var fill = OB.fill, isHttp = OB.isHttp, refId = OB.refId;
  var site = siteDocuments(data);
  var local = site.local;
  var reader = claimReader(site);
  var readFile = reader.readFile, claimFromText = reader.claimFromText;
  var checks = checker(site, texts);
  var verify = checks.verify, outcomeOf = checks.outcomeOf;
  function date(iso) { return OB.formatDay(iso, texts); }

  // An Open Badges 3.0 credential goes to ob3/check.js; its result carries its own outcome.
  function verifyClaim(claim, email) {
    if (!OB.isCredential(claim.doc)) return verify(claim, email);
    return import("./ob3/check.js").then(function (ob3) {
      return ob3.verifyCredential(claim, email, { texts: texts, getJson: site.getJson });
    });
  }

  var fileInput = form.querySelector("#verify-file");
  var textInput = form.querySelector("#verify-input");
  var emailInput = form.querySelector("#verify-email");
  var outcomeEl = document.querySelector("[data-verify-outcome]");
  var factsEl = document.querySelector("[data-verify-facts]");
  var checksEl = document.querySelector("[data-verify-checks]");
  var lastSource = null; // "file" | "text"
  var run = 0;

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
      var home = facts.issuer.url;
      add(texts.fact_issuer, isHttp(home) ? el("a", { href: home, rel: "noopener" }, String(facts.issuer.name || home)) : String(facts.issuer.name || ""));
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
    site.forget();
    setOutcome("checking", texts.checking);
    clear(checksEl);
    checksEl.hidden = true;
    factsEl.hidden = true;
    var email = emailInput.value;
    getClaim().then(function (claim) { return verifyClaim(claim, email); }).then(function (result) {
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
}

main();
