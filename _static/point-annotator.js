/* Click-to-annotate without a kernel (cellseg_course.annotation.static_annotator).
 *
 * Each .cellseg-annotator element carries its image and, in a JSON script, the reference
 * annotation: its label image run-length coded ([value, count, ...], row by row) and the
 * centre of each nucleus. A click (or Enter at the cross that the arrow keys move) marks a
 * point; each point is scored as cellseg_course.annotation.click_scores does: a hit when it
 * lands in an annotated nucleus no earlier point has claimed, else a repeat or background.
 * The readout gives the reader's precision and recall and the seconds per point.
 */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function decode(runs, size) {
    var labels = new Int32Array(size), at = 0;
    for (var i = 0; i < runs.length; i += 2) {
      labels.fill(runs[i], at, at + runs[i + 1]);
      at += runs[i + 1];
    }
    return labels;
  }

  function percent(x) { return Math.round(100 * x) + " %"; }

  function setup(root) {
    var data = JSON.parse(root.querySelector("script[type='application/json']").textContent);
    var rows = data.shape[0], cols = data.shape[1];
    var labels = decode(data.labels, rows * cols);
    var canvas = root.querySelector(".cellseg-annotator-canvas");
    var svg = canvas.querySelector("svg");
    var readout = root.querySelector(".cellseg-annotator-readout");
    var reveal = root.querySelector("[data-action=reveal]");
    var points = [], times = [], shown = false, cursor = null;
    var radius = Math.max(rows, cols) / 60;

    function shape(name, attrs) {
      var el = document.createElementNS(NS, name);
      Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
      svg.appendChild(el);
    }

    function score() {
      var claimed = {}, hits = 0, repeats = 0, background = 0, kinds = [];
      points.forEach(function (p) {
        var id = labels[p[0] * cols + p[1]];
        if (id === 0) { background += 1; kinds.push("background"); }
        else if (claimed[id]) { repeats += 1; kinds.push("repeat"); }
        else { claimed[id] = true; hits += 1; kinds.push("hit"); }
      });
      return { hits: hits, repeats: repeats, background: background, kinds: kinds,
               precision: points.length ? hits / points.length : 1, recall: data.n ? hits / data.n : 1 };
    }

    function update() {
      var s = score();
      svg.replaceChildren();
      if (shown) {
        data.centres.forEach(function (c) {
          shape("circle", { cx: c[1], cy: c[0], r: radius * 1.6, fill: "none", stroke: "#00e5ff",
                            "stroke-width": radius / 2.5 });
        });
      }
      points.forEach(function (p, i) {
        if (s.kinds[i] === "hit") {
          shape("circle", { cx: p[1], cy: p[0], r: radius, fill: "#ffd700", stroke: "black",
                            "stroke-width": radius / 3 });
        } else {  // a cross for a point that does not count
          var d = radius;
          shape("path", { d: "M" + (p[1] - d) + " " + (p[0] - d) + "L" + (p[1] + d) + " " + (p[0] + d) +
                          "M" + (p[1] - d) + " " + (p[0] + d) + "L" + (p[1] + d) + " " + (p[0] - d),
                          stroke: "#ff4fd8", "stroke-width": radius / 2 });
        }
      });
      if (cursor) {
        shape("path", { d: "M" + (cursor[1] - 2 * radius) + " " + cursor[0] + "h" + 4 * radius +
                        "M" + cursor[1] + " " + (cursor[0] - 2 * radius) + "v" + 4 * radius,
                        stroke: "white", "stroke-width": radius / 3 });
      }
      if (!points.length) {
        readout.textContent = "No points yet: click the centre of each nucleus.";
        return;
      }
      var text = points.length + (points.length === 1 ? " point: " : " points: ") + s.hits +
        " on annotated nuclei, " + s.repeats + " repeated, " + s.background + " on background. " +
        "Precision " + percent(s.precision) + ", recall " + percent(s.recall) + " (" + s.hits +
        " of " + data.n + " nuclei).";
      if (points.length > 1) {
        text += " " + ((times[times.length - 1] - times[0]) / (points.length - 1)).toFixed(1) +
          " s per point.";
      }
      readout.textContent = text;
    }

    function add(row, col) {
      points.push([Math.min(Math.max(row, 0), rows - 1), Math.min(Math.max(col, 0), cols - 1)]);
      times.push(performance.now() / 1000);
      update();
    }

    canvas.addEventListener("click", function (event) {
      var rect = canvas.getBoundingClientRect();
      add(Math.round((event.clientY - rect.top) / rect.height * rows - 0.5),
          Math.round((event.clientX - rect.left) / rect.width * cols - 0.5));
    });
    canvas.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 5 : 1;
      var moves = { ArrowUp: [-step, 0], ArrowDown: [step, 0], ArrowLeft: [0, -step], ArrowRight: [0, step] };
      if (moves[event.key]) {
        cursor = cursor || [Math.floor(rows / 2), Math.floor(cols / 2)];
        cursor = [Math.min(Math.max(cursor[0] + moves[event.key][0], 0), rows - 1),
                  Math.min(Math.max(cursor[1] + moves[event.key][1], 0), cols - 1)];
        update();
      } else if (event.key === "Enter" || event.key === " ") {
        cursor = cursor || [Math.floor(rows / 2), Math.floor(cols / 2)];
        add(cursor[0], cursor[1]);
      } else if (event.key === "Backspace" || event.key === "Delete") {
        points.pop(); times.pop(); update();
      } else {
        return;
      }
      event.preventDefault();
    });
    canvas.addEventListener("blur", function () { cursor = null; update(); });
    root.querySelector("[data-action=undo]").addEventListener("click", function () {
      points.pop(); times.pop(); update();
    });
    root.querySelector("[data-action=clear]").addEventListener("click", function () {
      points = []; times = []; update();
    });
    reveal.addEventListener("click", function () {
      shown = !shown;
      reveal.setAttribute("aria-pressed", String(shown));
      update();
    });
  }

  function start() { document.querySelectorAll(".cellseg-annotator").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
