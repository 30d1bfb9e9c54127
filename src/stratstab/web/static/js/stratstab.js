// stratstab page behaviour. No inline scripts (the Content-Security-Policy forbids them):
// charts are declared as <div class="plot" data-figure="ID"> plus a JSON script block
// <script type="application/json" id="ID">{"data": [...], "layout": {...}}</script>.
(function () {
  "use strict";

  function drawPlots(root) {
    if (typeof window.Plotly === "undefined") return;
    root.querySelectorAll("div.plot[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.dataset.figure);
      if (!source || el.dataset.drawn === source.textContent.length + "") return;
      var figure = JSON.parse(source.textContent);
      var layout = Object.assign({ margin: { t: 36, r: 16, b: 48, l: 56 }, font: { family: "inherit" } }, figure.layout || {});
      window.Plotly.react(el, figure.data || [], layout, { displaylogo: false, responsive: true });
      el.dataset.drawn = source.textContent.length + "";
    });
  }

  // A refreshing fragment keeps the "details" its reader opened (keyed by data-testid).
  var openDetails = [];
  document.addEventListener("htmx:beforeSwap", function (event) {
    openDetails = Array.prototype.map.call(
      event.detail.target.querySelectorAll("details[open][data-testid]"),
      function (el) { return el.dataset.testid; });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    openDetails.forEach(function (key) {
      var el = event.detail.target.querySelector('details[data-testid="' + key + '"]');
      if (el) el.open = true;
    });
    openDetails = [];
  });

  document.addEventListener("DOMContentLoaded", function () { drawPlots(document); });
  document.addEventListener("htmx:load", function (event) { drawPlots(event.target); });
  document.addEventListener("htmx:afterSettle", function (event) { drawPlots(event.target); });
})();
