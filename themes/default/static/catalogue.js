// Catalogue search and filters: everything is already on the page, so no server is needed.
(function () {
  "use strict";
  var form = document.querySelector("[data-catalogue-filter]");
  var list = document.querySelector("[data-catalogue]");
  if (!form || !list) return;
  var cards = Array.prototype.slice.call(list.querySelectorAll(".card"));
  var count = document.querySelector("[data-result-count]");
  var params = new URLSearchParams(window.location.search);
  form.hidden = false;
  Array.prototype.forEach.call(form.elements, function (el) {
    if (el.name && params.get(el.name)) el.value = params.get(el.name);
  });
  function has(card, attr, value) {
    return !value || (card.getAttribute(attr) || "").split("|").indexOf(value) >= 0;
  }
  function apply() {
    var q = (form.elements.q.value || "").trim().toLowerCase();
    var kind = form.elements.kind.value, level = form.elements.level.value, tag = form.elements.tag.value;
    var language = form.elements.language ? form.elements.language.value : "";
    var shown = 0;
    cards.forEach(function (card) {
      var ok = (!q || card.getAttribute("data-search").indexOf(q) >= 0) &&
        has(card, "data-kind", kind) && has(card, "data-level", level) &&
        has(card, "data-tags", tag) && has(card, "data-languages", language);
      card.hidden = !ok;
      if (ok) shown++;
    });
    if (count) count.textContent = shown + " / " + cards.length;
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  apply();
})();
