// stratstab page behaviour. No inline scripts (the Content-Security-Policy forbids them):
// charts are declared as <div class="plot" data-figure="ID"> plus a JSON script block
// <script type="application/json" id="ID">{"data": [...], "layout": {...}}</script>.
(function () {
  "use strict";

  // Charts keep their element across htmx swaps (same data-plot-key): Plotly.react then
  // updates them in place instead of building new ones.  "stratstab:drawn" fires on the
  // document once every chart of a swap is drawn.
  var kept = {};

  function keepPlots(root) {
    root.querySelectorAll("div.plot[data-plot-key]").forEach(function (el) {
      if (el.dataset.drawn) kept[el.dataset.plotKey] = el;
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

  function reuseKeptPlot(el) {
    var old = kept[el.dataset.plotKey];
    if (!old || old === el) return el;
    delete kept[el.dataset.plotKey];
    old.dataset.figure = el.dataset.figure;
    old.removeAttribute("data-drawn");
    el.replaceWith(old);
    return old;
  }

  function drawPlots(root) {
    if (typeof window.Plotly === "undefined") return;
    var pending = [];
    root.querySelectorAll("div.plot[data-figure]").forEach(function (found) {
      var el = found.dataset.plotKey ? reuseKeptPlot(found) : found;
      var source = document.getElementById(el.dataset.figure);
      if (!source || el.dataset.drawn === source.textContent.length + "") return;
      var figure = JSON.parse(source.textContent);
      var layout = Object.assign({ margin: { t: 40, r: 16, b: 48, l: 56 }, font: { family: "inherit" } }, figure.layout || {});
      el.dataset.drawn = source.textContent.length + "";
      pending.push(window.Plotly.react(el, figure.data || [], layout, { displaylogo: false, responsive: true }).then(function () {
        if (el.dataset.mapX) bindMapClicks(el);
      }));
    });
    kept = {};
    if (!pending.length) return;
    Promise.all(pending).then(function () {
      document.dispatchEvent(new CustomEvent("stratstab:drawn"));
    });
  }

  // ---- assessment explorer -------------------------------------------------------
  function leverValues() {
    var source = document.getElementById("lever-values");
    return source ? JSON.parse(source.textContent) : null;
  }

  // Show the chosen assumption set's values in its fieldset (before the form submits).
  function fillLeverSet(set, view) {
    var values = leverValues();
    if (!values || !(view in values)) return;
    Object.keys(values[view]).forEach(function (key) {
      var field = document.querySelector("[name='" + set + "." + key + "']");
      if (field) field.value = String(values[view][key]);
    });
  }

  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select[data-lever-view]");
    if (select) fillLeverSet(select.dataset.leverView, select.value);
    var axis = event.target.closest && event.target.closest("select[data-map-axis]");
    if (axis) {
      var option = axis.selectedOptions[0];
      var form = axis.form;
      form.querySelector("[name='" + axis.dataset.mapAxis + "_from']").value = option.dataset.from;
      form.querySelector("[name='" + axis.dataset.mapAxis + "_to']").value = option.dataset.to;
    }
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-mode]");
    var mode = document.getElementById("explorer-mode");
    if (button && mode) mode.value = button.dataset.mode;
  }, true);

  // A click on a map cell loads that variant into set A and runs it.
  function bindMapClicks(el) {
    if (el.dataset.clickBound) return;
    el.dataset.clickBound = "1";
    el.on("plotly_click", function (data) {
      var point = data.points && data.points[0];
      var form = document.getElementById("levers");
      if (!point || !form) return;
      var view = form.querySelector("select[name='a_view']");
      if (view && view.value !== el.dataset.mapView) {
        view.value = el.dataset.mapView;
        fillLeverSet("a", view.value);
      }
      [[el.dataset.mapX, point.x], [el.dataset.mapY, point.y]].forEach(function (pair) {
        var field = form.querySelector("[name='a." + pair[0] + "']");
        if (field) field.value = String(pair[1]);
      });
      document.getElementById("explorer-mode").value = "run";
      form.dispatchEvent(new Event("change", { bubbles: true }));
      document.getElementById("results").scrollIntoView({ behavior: "smooth", block: "start" });
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target) keepPlots(event.detail.target);
  });
  document.addEventListener("DOMContentLoaded", function () { drawPlots(document); });
  document.addEventListener("htmx:load", function (event) { drawPlots(event.target); });
  document.addEventListener("htmx:afterSettle", function (event) { drawPlots(event.target); });
})();
