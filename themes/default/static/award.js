// Award page: live status (valid / expired / revoked) worked out when the page is opened,
// from the published assertion and revocation list, and the recipient check (nothing is sent).
(function () {
  "use strict";
  var dataEl = document.getElementById("award-data");
  if (!dataEl) return;
  var award = JSON.parse(dataEl.textContent);
  var texts = award.texts;
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k] == null ? "" : values[k]; });
  }
  function today() {
    var d = new Date();
    var m = String(d.getMonth() + 1).padStart(2, "0"), day = String(d.getDate()).padStart(2, "0");
    return d.getFullYear() + "-" + m + "-" + day;
  }
  function fetchJson(url) {
    return fetch(url, { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }
  var statusEl = document.querySelector("[data-status]");
  function show(status, text) {
    statusEl.setAttribute("data-status", status);
    statusEl.textContent = text;
  }
  if (statusEl) {
    Promise.all([fetchJson(award.assertion), fetchJson(award.revocations)]).then(function (results) {
      var assertion = results[0], list = results[1];
      var entry = (list.revokedAssertions || []).filter(function (r) {
        return (typeof r === "string" ? r : r.id) === assertion.id;
      })[0];
      if (assertion.revoked || entry) {
        var reason = assertion.revocationReason || (entry && entry.revocationReason) || "";
        show("revoked", texts.revoked + (reason ? ". " + fill(texts.reason, { reason: reason }) : ""));
        return;
      }
      var expires = assertion.expires ? String(assertion.expires).slice(0, 10) : award.expires;
      if (expires && expires < today()) {
        show("expired", fill(texts.expired, { date: expires }));
      } else if (expires) {
        show("valid", texts.valid + ". " + fill(texts.expires, { date: expires }));
      } else {
        show("valid", texts.valid);
      }
    }).catch(function () {
      show("unknown", texts.unknown);
    });
  }

  var form = document.querySelector("[data-verify-recipient]");
  if (form) {
    var result = form.querySelector("[data-verify-result]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var email = form.querySelector("input[type=email]").value.trim().toLowerCase();
      var bytes = new TextEncoder().encode(email + award.salt);
      crypto.subtle.digest("SHA-256", bytes).then(function (digest) {
        var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
          return b.toString(16).padStart(2, "0");
        }).join("");
        var match = ("sha256$" + hex) === award.identity.toLowerCase();
        result.setAttribute("data-verify-result", match ? "match" : "mismatch");
        result.textContent = match ? texts.match : texts.mismatch;
      });
    });
  }
  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
})();
