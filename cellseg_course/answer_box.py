"""Slider exercises in a notebook and in the HTML book: their explorers and a kernel-free answer box.

A slider exercise (:mod:`cellseg_course.checkers.sliders`) asks a learner to move sliders and
answer from what they see. This module shows it three ways:

- :func:`live_exercise`: the ipywidgets sliders of the exercise, in Jupyter; each move looks
  up a frame computed once (well under 100 ms from slider to picture);
- :func:`static_exercise`: the same explorer for the HTML book
  (:func:`cellseg_course.explorers.static_explorer`, no kernel needed);
- :func:`answer_box`: a form for the answer with a button that checks it **in the page**, in
  JavaScript, with the exercise's rules: the same data the Python checker evaluates, so the
  book's box and the notebook's checker give the same feedback to the same answer.

In the HTML the box is an element of class ``cellseg-answer`` holding one text input per
number (``name`` = the checker's argument) or one ``<select>`` per item of a list answer, a
``button`` and an element of class ``cellseg-answer-feedback`` (``aria-live="polite"``),
whose ``data-verdict`` is ``correct``, ``wrong`` or ``empty`` after a check.
"""

import html
import json
import re

__all__ = ["AnswerBox", "answer_box", "live_exercise", "static_exercise"]

# The in-page checker: the rules of cellseg_course.checkers.sliders.evaluate_rules, in JavaScript,
# and the sentence and number formats of cellseg_course.checkers.feedback.Feedback.
_SCRIPT = r"""(function () {
  var root = document.getElementById("%(uid)s");
  if (!root || root.dataset.ready) { return; }
  root.dataset.ready = "1";
  var spec = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  var out = root.querySelector(".cellseg-answer-feedback");
  var NAMES = ["labels", "predicted", "scores", "mean", "std"];
  var HEAD = {correct: "\u2714 Correct.", wrong: "\u2718 Not yet.", empty: "\u2026 Not answered yet."};
  function fmt(v) {
    if (typeof v === "string") { return v; }
    if (Array.isArray(v)) { return v.join(", "); }
    if (v === 0) { return "0"; }
    var p = Number(v.toPrecision(4)), e = Math.floor(Math.log10(Math.abs(p)));
    if (e < -4 || e >= 4) {
      return p.toExponential(3).replace(/\.?0+e/, "e").replace(/e([+-])(\d)$/, "e$10$2");
    }
    return String(p);
  }
  function sentence(m) {
    var first = m.split(" ")[0];
    var plain = /^[a-z]+$/.test(first) && NAMES.indexOf(first) < 0;
    return plain ? m.charAt(0).toUpperCase() + m.slice(1) : m;
  }
  function holds(c, values) {
    if (c[0] === "range") { var v = values[c[1]]; return (c[2] === null || v >= c[2]) && (c[3] === null || v < c[3]); }
    if (c[0] === "at") { return values[c[1]][c[2]] === c[3]; }
    if (c[0] === "gt") { return values[c[1]] > values[c[2]]; }
    return false;
  }
  function say(verdict, message) {
    out.dataset.verdict = verdict;
    out.className = "cellseg-answer-feedback cellseg-answer-" + verdict;
    out.textContent = HEAD[verdict] + " " + sentence(message);
  }
  var NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
  function check() {
    var values = {};
    for (var k = 0; k < spec.fields.length; k++) {
      var f = spec.fields[k];
      if (f.type === "number") {
        var text = root.querySelector("input[name='" + f.name + "']").value.trim();
        if (text === "") { return say("empty", "type your answer in each box and press Check."); }
        if (/^[-+]?\d+,\d+$/.test(text)) {
          return say("wrong", f.name + " should be a number: write its decimals after a point, not a comma.");
        }
        if (/%%$/.test(text)) { return say("wrong", f.name + " should be a number, without a per cent sign."); }
        if (!NUMBER.test(text) || !isFinite(Number(text))) {
          return say("wrong", f.name + " should be a number, but it is the text '" + text + "'.");
        }
        values[f.name] = Number(text);
      } else {
        var items = [];
        var selects = root.querySelectorAll("select[name^='" + f.name + "-']");
        for (var i = 0; i < selects.length; i++) {
          if (!selects[i].value) {
            return say("empty", "panel " + (i + 1) + " has no name yet: choose one of " + f.options.join(", ") + ".");
          }
          items.push(selects[i].value);
        }
        values[f.name] = items;
      }
    }
    for (var r = 0; r < spec.rules.length; r++) {
      var rule = spec.rules[r];
      if (rule.when.every(function (c) { return holds(c, values); })) {
        var m = rule.say;
        Object.keys(values).forEach(function (name) { m = m.split("{" + name + "}").join(fmt(values[name])); });
        return say(rule.ok ? "correct" : "wrong", m);
      }
    }
    say("wrong", "this answer is not right: move the sliders again and read the picture.");
  }
  root.querySelector("button").addEventListener("click", check);
  root.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); check(); });
})();"""

_STYLE = (".cellseg-answer{border:1px solid #9aa0a6;border-radius:4px;padding:.5em 1em;margin:1em 0;max-width:40em}"
          ".cellseg-answer label{display:inline-block;min-width:14em}"
          ".cellseg-answer input,.cellseg-answer select{margin:.2em .5em .2em 0;font-size:1em}"
          ".cellseg-answer button{margin-top:.4em;font-size:1em;padding:.2em 1em}"
          ".cellseg-answer-feedback{padding:.4em .8em;margin:.5em 0 0;color:#202124}"
          ".cellseg-answer-correct{background:#e6f4ea;border-left:6px solid #1e7b34}"
          ".cellseg-answer-wrong{background:#fdecea;border-left:6px solid #b3261e}"
          ".cellseg-answer-empty{background:#f1f3f4;border-left:6px solid #5f6368}")


class AnswerBox:
    """The answer form of one slider exercise, checked in the page (see :func:`answer_box`)."""

    def __init__(self, name, spec, question):
        self.name, self.spec, self.question = name, spec, question

    def __repr__(self):
        return f"AnswerBox({self.name!r}: {len(self.spec['rules'])} rules)"

    def _repr_html_(self):
        uid = "cellseg-answer-" + re.sub(r"[^a-z0-9-]", "-", self.name.lower())
        rows = []
        for f in self.spec["fields"]:
            if f["type"] == "number":
                rows.append(f'<div><label for="{uid}-{f["name"]}">{html.escape(f["label"])} '
                            f'(<code>{html.escape(f["name"])}</code>)</label>'
                            f'<input type="text" inputmode="decimal" autocomplete="off" size="8" '
                            f'id="{uid}-{f["name"]}" name="{f["name"]}"></div>')
            else:
                options = '<option value="">choose</option>' + "".join(
                    f'<option value="{html.escape(o)}">{html.escape(o)}</option>' for o in f["options"])
                for i in range(f["n"]):
                    rows.append(f'<div><label for="{uid}-{f["name"]}-{i}">{html.escape(f["label"])} {i + 1}</label>'
                                f'<select id="{uid}-{f["name"]}-{i}" name="{f["name"]}-{i}">{options}</select></div>')
        payload = json.dumps(self.spec).replace("</", "<\\/")
        question = f"<p>{html.escape(self.question)}</p>" if self.question else ""
        group = html.escape(f"answer box: {self.name}")
        return f"""<div class="cellseg-answer" id="{uid}" role="group" aria-label="{group}">
<style>{_STYLE}</style>{question}<form>{"".join(rows)}
<button type="button">Check</button></form>
<p class="cellseg-answer-feedback" aria-live="polite" data-verdict="none"></p>
<script type="application/json">{payload}</script>
<script>{_SCRIPT % {"uid": uid}}</script>
</div>"""


def answer_box(name, *, question=None):
    """An answer form for slider exercise ``name`` that gives the checker's feedback without a kernel.

    Examples
    --------
    >>> box = answer_box("smooth-away-noise")
    >>> 'class="cellseg-answer"' in box._repr_html_()
    True
    """
    from .checkers.sliders import slider_exercise

    exercise = slider_exercise(name)
    return AnswerBox(name, exercise.spec(), question)


def static_exercise(name, **options):
    """The exercise's explorer for the HTML book: every frame of its grid, precomputed.

    ``options`` go to :func:`cellseg_course.explorers.static_explorer` (``width``,
    ``colors``, ``alt``, ``caption``...).
    """
    from .checkers.sliders import slider_exercise
    from .explorers import static_explorer

    exercise = slider_exercise(name)
    return static_explorer(exercise.update, exercise.grid, start=exercise.start, name=name, **options)


def live_exercise(name, *, width=384):
    """The exercise's explorer with ipywidgets sliders (one per slider of its grid), for Jupyter.

    Each slider takes the grid's values; a move looks up a precomputed frame and sends it as
    a JPEG. ``live_exercise(name).refresh()`` returns the time of one move in seconds. The
    exercise's checker then adds to a wrong answer's feedback where these sliders stand.
    """
    import ipywidgets as widgets

    from .checkers.sliders import LIVE, slider_exercise
    from .explorers import live_explorer

    exercise = slider_exercise(name)
    controls = {
        p: widgets.SelectionSlider(options=values, value=exercise.start[p], description=p,
                                   continuous_update=True, style={"description_width": "initial"})
        for p, values in exercise.grid.items()
    }
    LIVE[name] = explorer = live_explorer(exercise.update, controls, width=width)
    return explorer
