// Award page: the live status (valid / expired / revoked), worked out when the page is
// opened from the published assertion and revocation list, so that a revocation published
// after this page was built still shows; the recipient check (nothing is sent anywhere);
// and, on a site that bakes in the browser, the baked badge downloads (bake.js).
import * as OB from "./obcheck.js";
import { bakeDownload } from "./bake.js";

function main() {
  var dataEl = document.getElementById("award-data");
  if (!dataEl) return;
  var award = JSON.parse(dataEl.textContent);
  var texts = award.texts || {};
  var fill = OB.fill;
  function date(iso) { return OB.formatDay(iso, texts); }

  var statusEl = document.querySelector("[data-status]");
  var noteEl = document.querySelector("[data-status-note]");
  var copyEl = document.querySelector("[data-status-copy]");
  var SYMBOLS = { valid: "\u2714", expired: "\u26A0", revoked: "\u2716", unknown: "?" };

  var article = statusEl && statusEl.closest("[data-award-status]");

  function show(status, headline, note) {
    statusEl.setAttribute("data-status", status);
    if (article) article.setAttribute("data-award-status", status);
    statusEl.textContent = "";
    var icon = document.createElement("span");
    icon.className = "status-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = SYMBOLS[status] || "";
    statusEl.appendChild(icon);
    statusEl.appendChild(document.createTextNode(headline));
    if (noteEl) {
      noteEl.textContent = note || "";
      noteEl.hidden = !note;
    }
    if (copyEl) copyEl.textContent = fill(texts.print_status, { status: headline, date: date(OB.today()) });
  }

  function checked() { return fill(texts.checked, { date: date(OB.today()) }); }

  function decide(assertion, list) {
    if (!assertion || assertion.id !== award.assertionId) {
      show("unknown", texts.unknown, texts.mismatch_document);
      return;
    }
    // The list may name the assertion by its id, the address this page fetched it from, or its uid.
    var fetchedFrom = new URL(award.assertion, window.location.href).href;
    var entry = OB.findRevocation(list, [assertion.id, fetchedFrom, assertion.uid, award.id]);
    if (assertion.revoked === true || entry) {
      var reason = String(assertion.revocationReason || (entry && entry.revocationReason) || "").replace(/[\s.]+$/, "");
      var when = entry && OB.day(entry.revokedOn);
      var headline = when ? fill(texts.revoked_on, { date: date(when) }) : texts.revoked;
      var note = (reason ? fill(texts.reason, { reason: reason }) + " " : "") + checked();
      show("revoked", headline, note);
      return;
    }
    var expires = OB.day(assertion.expires);
    if (expires && expires < OB.today()) {
      show("expired", fill(texts.expired, { date: date(expires) }), texts.expired_note + " " + checked());
    } else if (expires) {
      show("valid", texts.valid, fill(texts.valid_until, { date: date(expires) }) + " " + checked());
    } else {
      show("valid", texts.valid, texts.no_expiry + " " + checked());
    }
  }

  if (statusEl) {
    var listPromise = OB.fetchJson(award.revocations).catch(function () { return undefined; });
    Promise.all([OB.fetchJson(award.assertion), listPromise]).then(function (results) {
      var assertion = results[0], list = results[1];
      if (list === undefined && assertion.revoked !== true) {
        // Without the revocation list a revocation could be missed: do not claim "valid".
        show("unknown", texts.unknown, texts.no_list);
        return;
      }
      decide(assertion, list);
    }).catch(function (error) {
      var missing = error && error.status === 404;
      show("unknown", texts.unknown, missing ? texts.missing : texts.try_later);
    });
  }

  var form = document.querySelector("[data-verify-recipient]");
  if (form) {
    var input = form.querySelector("input[type=email]");
    var result = form.querySelector("[data-verify-result]");
    form.hidden = false;
    input.addEventListener("input", function () {
      result.setAttribute("data-verify-result", "");
      result.textContent = "";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var recipient = { identity: award.identity, salt: award.salt, hashed: true };
      OB.recipientMatches(recipient, input.value).then(function (match) {
        if (match === null) {
          result.setAttribute("data-verify-result", "");
          result.textContent = texts.recipient_unknown;
          return;
        }
        result.setAttribute("data-verify-result", match ? "match" : "mismatch");
        result.textContent = fill(match ? texts.recipient_match : texts.recipient_mismatch,
                                  { email: input.value.trim() });
      });
    });
  }

  wireDownloads(texts);

  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  // The wallet block's copy button: copies the credential's address (the field stays
  // selectable by hand where the clipboard is not available).
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-copied") || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function () { field.select(); });
    });
  });
}

// bake_in_browser: each download button fetches the badge image and the award's published
// JSON from this site and hands over the baked file the build would have written.
function wireDownloads(texts) {
  var problem = document.querySelector("[data-download-problem]");
  document.querySelectorAll("button[data-download]").forEach(function (control) {
    control.hidden = false;
    control.addEventListener("click", function () {
      var data = control.dataset;
      control.disabled = true;
      if (problem) problem.hidden = true;
      Promise.all([OB.fetchBytes(data.image), OB.fetchBytes(data.document)]).then(function (files) {
        save(bakeDownload(data.download, files[0], files[1], data.verify), data.filename);
      }).catch(function (error) {
        if (!problem) return;
        problem.textContent = OB.fill(texts.download_failed, { reason: OB.reasonOf(error) });
        problem.hidden = false;
      }).finally(function () { control.disabled = false; });
    });
  });
}

function save(blob, filename) {
  var url = URL.createObjectURL(blob);
  var link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
}

main();
