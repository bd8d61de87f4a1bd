/* Vroegsignalering: the small behaviours of the screens. No inline <script>: the Content-Security-Policy
   (settings, issue 11) runs scripts from this site only. Loaded once in <head> (defer); each behaviour binds
   to the elements it finds on page load and in content htmx swaps in (htmx:load). */
(function () {
  "use strict";
  var bound = typeof WeakSet === "function" ? new WeakSet() : null;

  function once(element) {
    if (!bound) { return true; }
    if (bound.has(element)) { return false; }
    bound.add(element);
    return true;
  }

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector) && once(root)) { fn(root); }
    Array.prototype.forEach.call(root.querySelectorAll(selector), function (element) {
      if (once(element)) { fn(element); }
    });
  }

  function focus(target) {
    if (!target) { return; }
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  }

  // The team lead's assignment list: "select all" with a live count.
  function selectAll(all) {
    var form = all.form || document;
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="melding"]'));
    var count = document.getElementById("aantal-gekozen");
    var wrapper = document.getElementById("alles-kies");
    var heading = document.getElementById("kies-kop");
    if (wrapper) { wrapper.hidden = false; }
    if (heading) { heading.hidden = true; }
    function update() {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      all.checked = n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
      if (count) { count.textContent = n === 1 ? "1 melding gekozen" : n + " meldingen gekozen"; }
    }
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      update();
    });
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  }

  // The printable list of home visits: the print button.
  function printButton(button) {
    button.addEventListener("click", function () { window.print(); });
  }

  // A CSV import's page: poll the progress until it is done, then reload; after that reload move the focus
  // to the results.
  function csvImport(section) {
    var url = section.getAttribute("data-status-url");
    var importId = section.getAttribute("data-import-id");
    if (!url) {
      try {
        if (importId && window.sessionStorage.getItem("csv-import-klaar") === importId) {
          window.sessionStorage.removeItem("csv-import-klaar");
          focus(document.getElementById("kop-resultaat") || document.getElementById("kop-voortgang"));
        }
      } catch (e) { /* sessionStorage unavailable */ }
      return;
    }
    if (!window.fetch) { return; }
    var bar = document.getElementById("voortgang");
    var text = document.getElementById("voortgang-tekst");
    var live = document.getElementById("voortgang-melding");
    var lastQuarter = -1;
    var delay = 1500;
    // Also a print batch's page (outreach): its unit and name, and no counts table.
    var unit = section.getAttribute("data-eenheid") || "regels";
    var name = section.getAttribute("data-naam") || "De import";

    function set(id, value) { var element = document.getElementById(id); if (element) { element.textContent = value; } }

    function show(data) {
      set("stand", data.standLabel);
      bar.max = data.regelsTotaal || 1;
      bar.value = data.regelsVerwerkt;
      bar.textContent = data.procent + "%";
      text.textContent = data.regelsVerwerkt + " van " + data.regelsTotaal + " " + unit + " verwerkt (" + data.procent + "%).";
      set("aantal-ontvangen", data.aantalOntvangen);
      set("aantal-al-ontvangen", data.aantalAlOntvangen);
      set("aantal-geweigerd", data.aantalGeweigerd);
      // Announce every quarter, not every poll, so that a screen reader is not flooded.
      var quarter = Math.floor(data.procent / 25);
      if (quarter !== lastQuarter && !data.klaar) {
        lastQuarter = quarter;
        live.textContent = data.procent + "% verwerkt.";
      }
    }

    function poll() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          show(data);
          if (data.klaar) {
            live.textContent = name + " is " + data.standLabel.toLowerCase() + ". De resultaten worden geladen.";
            try { window.sessionStorage.setItem("csv-import-klaar", importId || String(data.id)); } catch (e) { /* private mode */ }
            window.setTimeout(function () { window.location.reload(); }, 800);
            return;
          }
          delay = 1500;
          window.setTimeout(poll, delay);
        })
        .catch(function () {
          delay = Math.min(delay * 2, 30000);
          text.textContent = "De voortgang kon even niet worden opgehaald; nieuwe poging over " + Math.round(delay / 1000) + " seconden.";
          window.setTimeout(poll, delay);
        });
    }
    window.setTimeout(poll, delay);
  }

  // A field's errors swapped in by htmx (the text editor's live preview) say whether the field is invalid.
  function fieldValidity(errors) {
    var field = document.getElementById(errors.getAttribute("data-veld"));
    if (!field) { return; }
    if (errors.getAttribute("data-ongeldig") === "true") { field.setAttribute("aria-invalid", "true"); }
    else { field.removeAttribute("aria-invalid"); }
  }

  function bind(root) {
    each(root, "#alles-selecteren", selectAll);
    each(root, "#afdrukken", printButton);
    each(root, "#verwerking[data-import-id]", csvImport);
    each(root, "[data-ongeldig][data-veld]", fieldValidity);
  }

  function start() {
    bind(document);
    // An error summary or an error message on the page gets the focus.
    focus(document.getElementById("foutoverzicht") || document.getElementById("fout"));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("htmx:load", function (event) { bind(event.detail.elt); });
  // After htmx swapped a page in (a boosted form), move focus to the error summary or the message.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target !== document.body) { return; }
    focus(document.getElementById("foutoverzicht") || document.querySelector("main .melding[role=status]"));
  });
})();
