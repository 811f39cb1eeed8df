// Catalogue search and filters. Every badge is already on the page, so no server is
// needed; without JavaScript the whole catalogue simply shows. Filters are kept in the
// address (?q=…&tag=…) so a filtered view can be shared and survives the back button.
(function () {
  "use strict";
  var form = document.querySelector("[data-catalogue-filter]");
  var list = document.querySelector("[data-catalogue]");
  if (!form || !list) return;
  var cards = Array.prototype.slice.call(list.querySelectorAll(".card"));
  var count = document.querySelector("[data-result-count]");
  var empty = document.querySelector("[data-no-results]");
  var names = ["q", "kind", "level", "tag", "language"];
  var timer = null;

  function field(name) { return form.elements[name] || null; }
  function has(card, attr, value) {
    return !value || (card.getAttribute(attr) || "").split("|").indexOf(value) >= 0;
  }
  function words(text) {
    return String(text || "").toLowerCase().split(/\s+/).filter(Boolean);
  }
  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  // Apply the address's filters to the form (only values the form offers).
  function fromAddress() {
    var params = new URLSearchParams(window.location.search);
    names.forEach(function (name) {
      var el = field(name), value = params.get(name);
      if (!el) return;
      if (el.tagName === "SELECT") {
        var known = Array.prototype.some.call(el.options, function (o) { return o.value === value; });
        el.value = known ? value : "";
      } else {
        el.value = value || "";
      }
    });
  }

  function toAddress() {
    var params = new URLSearchParams(window.location.search);
    names.forEach(function (name) {
      var el = field(name);
      if (!el) return;
      if (el.value) params.set(name, el.value); else params.delete(name);
    });
    var query = params.toString();
    var target = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (target !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, "", target);
    }
  }

  function apply() {
    var terms = words(field("q") && field("q").value);
    var kind = field("kind") ? field("kind").value : "", level = field("level") ? field("level").value : "";
    var tag = field("tag") ? field("tag").value : "", language = field("language") ? field("language").value : "";
    var shown = 0;
    cards.forEach(function (card) {
      var haystack = card.getAttribute("data-search") || "";
      var ok = terms.every(function (term) { return haystack.indexOf(term) >= 0; }) &&
        has(card, "data-kind", kind) && has(card, "data-level", level) &&
        has(card, "data-tags", tag) && has(card, "data-languages", language);
      card.hidden = !ok;
      if (ok) shown++;
    });
    if (empty) empty.hidden = shown > 0;
    if (count) {
      var template = shown === cards.length ? count.getAttribute("data-template-all") : count.getAttribute("data-template");
      count.textContent = fill(template, { shown: shown, total: cards.length });
    }
  }

  function update() {
    apply();
    toAddress();
  }

  form.hidden = false;
  fromAddress();
  apply();
  form.addEventListener("input", function (event) {
    // Typing is announced once it pauses, not at every key.
    clearTimeout(timer);
    if (event.target && event.target.type === "search") timer = setTimeout(update, 250);
    else update();
  });
  form.addEventListener("change", update);
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  window.addEventListener("popstate", function () { fromAddress(); apply(); });
})();
