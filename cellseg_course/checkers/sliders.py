"""Checkers of the slider exercises: answers read off an explorer, checked against a sweep.

Six exercises ask a learner to move sliders and answer from what they see:

- "count-range" (pipeline): the lowest and highest threshold at which the pipeline finds
  every cell as one object and nothing else (:func:`check_count_range`);
- "smooth-away-noise" (image-model): the smallest smoothing at which no object is made of
  noise (:func:`check_noise_sigma`);
- "name-the-errors" (visual-qc): the kind of error in each panel of a swipe gallery
  (:func:`check_error_names`);
- "tune-voronoi-otsu" (real-nuclei): the best setting of Voronoi-Otsu's two sigmas on the
  real nuclei (:func:`check_vo_setting`);
- "slice-spacing" (measuring-in-3d): the smallest slice spacing at which a volume or surface
  estimate goes wrong (:func:`check_slice_spacing`);
- "iou-range" (object-metrics): the IoU thresholds at which the matches start and finish
  failing (:func:`check_iou_range`).

Each exercise is a :class:`SliderExercise`: its update function (the picture and readout of
the explorer), its grid of slider values, and its **rules**, computed from a sweep over that
grid with :mod:`cellseg` (never typed). The rules are plain data (JSON): the Python checker
and the answer box of the HTML book (:mod:`cellseg_course.answer_box`) evaluate the same
rules, so they give the same feedback.

Rules: a list of ``{"when": [condition, ...], "ok": bool, "say": template}``; the first rule
whose conditions all hold decides; ``template`` may name the fields (``{lowest}``), shown with
four significant digits. A condition is ``["range", field, lo, hi]`` (``lo <= value < hi``,
``None`` for no bound), ``["at", field, index, name]`` (item ``index`` of a list answer is
``name``) or ``["gt", field_a, field_b]`` (``a > b``).
"""

import functools
import math
import numbers
from dataclasses import dataclass, field

import numpy as np

import cellseg
from .feedback import Feedback, _NOT_ANSWERED, _short, is_placeholder, never_raises, number_problem, scalar

__all__ = [
    "SLIDER_EXERCISES",
    "slider_exercise",
    "evaluate_rules",
    "check_count_range",
    "check_noise_sigma",
    "check_error_names",
    "check_vo_setting",
    "check_slice_spacing",
    "check_iou_range",
]


@dataclass
class SliderExercise:
    """One slider exercise: what its explorer shows and the rules that check its answer.

    ``build()`` returns ``(update, grid, start, rules)``, computed once and cached:
    ``update(**params) -> (rgb picture, readout text)`` looks up a precomputed frame;
    ``grid`` maps each slider to its values; ``start`` the values it starts at; ``rules``
    the checking rules (module docstring). ``fields`` names the answers, in the checker's
    order, each ``(name, kind, label)`` with kind ``"number"`` or ``("names", n, options)``.
    """

    name: str
    lesson: str
    fields: list
    builder: object
    _built: tuple = field(default=None, repr=False)

    def build(self):
        if self._built is None:
            self._built = self.builder()
        return self._built

    @property
    def update(self):
        return self.build()[0]

    @property
    def grid(self):
        return self.build()[1]

    @property
    def start(self):
        return self.build()[2]

    @property
    def rules(self):
        return self.build()[3]

    def spec(self):
        """The JSON-able data the answer box needs: fields and rules."""
        fields = []
        for name, kind, label in self.fields:
            if kind == "number":
                fields.append({"name": name, "type": "number", "label": label})
            else:
                _, n, options = kind
                fields.append({"name": name, "type": "names", "n": n, "options": list(options), "label": label})
        return {"exercise": self.name, "fields": fields, "rules": self.rules}


def _fmt(value):
    """A value as the messages show it: four significant digits (as the answer box's JS)."""
    if isinstance(value, str):
        return value
    text = f"{value:.4g}"
    return text


def _holds(condition, values):
    kind = condition[0]
    if kind == "range":
        _, name, lo, hi = condition
        v = values[name]
        return (lo is None or v >= lo) and (hi is None or v < hi)
    if kind == "at":
        _, name, index, item = condition
        return values[name][index] == item
    if kind == "gt":
        _, a, b = condition
        return values[a] > values[b]
    raise ValueError(f"unknown condition {condition!r}")


def evaluate_rules(rules, values):
    """The Feedback of the first rule whose conditions all hold (``values``: field -> value).

    Examples
    --------
    >>> rules = [{"when": [["range", "x", 1.0, 2.0]], "ok": True, "say": "x = {x} is inside."},
    ...          {"when": [], "ok": False, "say": "x = {x} is outside."}]
    >>> evaluate_rules(rules, {"x": 5.0}).message
    'x = 5 is outside.'
    """
    shown = {k: (", ".join(v) if isinstance(v, (list, tuple)) else _fmt(v)) for k, v in values.items()}
    for rule in rules:
        if all(_holds(c, values) for c in rule["when"]):
            message = rule["say"]
            for k, v in shown.items():
                message = message.replace("{" + k + "}", v)
            return Feedback(bool(rule["ok"]), message)
    return Feedback(False, "this answer is not right: move the sliders again and read the picture.")


#: the live explorer shown last for each exercise (set by cellseg_course.answer_box.live_exercise), so that
#: a checker can tell a wrong answer where the learner's sliders stand now
LIVE = {}


def _with_sliders(name, feedback):
    """A wrong answer's feedback, plus where the exercise's live sliders stand now (if it has any)."""
    explorer = LIVE.get(name)
    if feedback.correct is not False or explorer is None:
        return feedback
    try:
        where = ", ".join(f"{p} = {_fmt(c.value)}" for p, c in explorer.controls.items())
        shown = explorer.update(**{p: c.value for p, c in explorer.controls.items()})[1]
    except Exception:  # noqa: BLE001 - a broken or closed widget: say nothing about it
        return feedback
    return Feedback(False, f"{feedback.message} (Your sliders now: {where}; {shown}.)")


def _transition(grid, good):
    """For a sorted grid and a boolean per value: the runs (lo, hi, is_good) of equal verdicts."""
    runs, start = [], 0
    for i in range(1, len(grid) + 1):
        if i == len(grid) or good[i] != good[start]:
            runs.append((start, i - 1, bool(good[start])))
            start = i
    return runs


def _number_answers(names, answers):
    """``(values, None)`` with every answer a finite float, else ``(None, Feedback)``."""
    if any(is_placeholder(a) for a in answers):
        return None, Feedback(None, _NOT_ANSWERED)
    values = {}
    for name, answer in zip(names, answers):
        problem = number_problem(answer, name)
        if problem is not None:
            return None, problem
        values[name] = float(scalar(answer))
    return values, None


def _frames(update, grid):
    """Precompute every frame and readout of a one- or two-slider grid: a lookup table."""
    import itertools

    names = list(grid)
    table = {combo: update(**dict(zip(names, combo))) for combo in itertools.product(*grid.values())}

    def lookup(**params):
        key = tuple(_nearest(grid[n], params[n]) for n in names)
        return table[key]

    return lookup


def _posterize(image, levels=12):
    """The image scaled to [0, 1] in a few grey levels: frames with fewer colours encode fast and small."""
    image = np.asarray(image, dtype=float)
    return np.round(image / image.max() * (levels - 1)) / (levels - 1)


def _nearest(values, value):
    """The grid value nearest to ``value`` (a live slider may give 0.30000000000000004)."""
    if isinstance(value, str):
        return value
    return min(values, key=lambda v: abs(v - value))


# --- 1. count-range (pipeline) -----------------------------------------------------------

COUNT_THRESHOLDS = [round(0.02 + 0.01 * k, 2) for k in range(99)]  #: the threshold slider's values


def _one_to_one(y_true, labels):
    """True when every true cell overlaps exactly one object and every object exactly one cell."""
    both = (y_true > 0) & (labels > 0)
    pairs = np.unique(np.stack([y_true[both], labels[both]]), axis=1)  # the (cell, object) pairs that touch
    cells, objects = np.unique(y_true[y_true > 0]), int(labels.max())
    return bool(objects == cells.size and pairs.shape[1] == cells.size
                and np.unique(pairs[0]).size == cells.size and np.unique(pairs[1]).size == objects)


def _build_count_range():
    scene = cellseg.make_image()
    smoothed = cellseg.smooth(scene.image, sigma=cellseg.SMOOTH_SIGMA)
    n_cells, shown = len(scene.centers), _posterize(scene.image)
    results, unfiltered = {}, {}
    for t in COUNT_THRESHOLDS:
        labels = cellseg.segment(smoothed, threshold=t, min_size=cellseg.MIN_CELL_SIZE)
        results[t] = (labels, int(labels.max()), _one_to_one(scene.labels, labels))
        # without the size filter: is each cell still one object, only too small to keep?
        unfiltered[t] = _one_to_one(scene.labels, cellseg.segment(smoothed, threshold=t, min_size=0))
    min_size = f"{cellseg.MIN_CELL_SIZE:g}"

    def update(threshold):
        labels, n, good = results[_nearest(COUNT_THRESHOLDS, threshold)]
        verdict = "each cell one object" if good else "not one object per cell"
        return (cellseg.overlay_labels(shown, labels),
                f"{n} object{'s' if n != 1 else ''} found ({verdict}); the image has {n_cells} cells")

    good = [results[t][2] for t in COUNT_THRESHOLDS]
    runs = _transition(COUNT_THRESHOLDS, good)
    default = COUNT_THRESHOLDS.index(cellseg.THRESHOLD)
    lo_i, hi_i, _ = next(r for r in runs if r[0] <= default <= r[1] and r[2])
    lo_cut = COUNT_THRESHOLDS[lo_i - 1] if lo_i > 0 else None  # the last bad value below the range
    hi_cut = COUNT_THRESHOLDS[hi_i + 1] if hi_i + 1 < len(COUNT_THRESHOLDS) else None
    lowest_ok = ["range", "lowest", lo_cut + 1e-9 if lo_cut is not None else None, COUNT_THRESHOLDS[lo_i] + 1e-9]
    highest_ok = ["range", "highest", COUNT_THRESHOLDS[hi_i] - 1e-9, hi_cut - 1e-9 if hi_cut is not None else None]
    rules = [{"when": [lowest_ok, highest_ok], "ok": True,
              "say": "from {lowest} to {highest} the pipeline finds every cell as one object, and nothing else."},
             {"when": [["range", "lowest", 1.5, 255.5], ["range", "highest", 1.5, 255.5]], "ok": False,
              "say": "the image's intensities run from 0 to about 1: give the thresholds as intensities, "
                     "not as percentages or grey values of 0 to 255."},
             {"when": [["gt", "lowest", "highest"]], "ok": False,
              "say": "your lowest threshold ({lowest}) is above your highest ({highest}): swapped?"}]
    for name in ("lowest", "highest"):
        for k, t in enumerate(COUNT_THRESHOLDS):
            _, n, ok = results[t]
            if lo_i <= k <= hi_i and (k == lo_i if name == "lowest" else k == hi_i):
                continue  # the edge itself: accepted above
            objects = f"{n} object{'s' if n != 1 else ''}"
            if ok and lo_i <= k <= hi_i:
                say = (f"at {{{name}}} the pipeline does find every cell, and it still does at "
                       f"{'lower' if name == 'lowest' else 'higher'} thresholds: find the edge of the range.")
            elif ok:
                say = (f"at {{{name}}} the pipeline finds every cell, but that threshold is cut off from the "
                       "standard 0.5 by thresholds that fail: give the edges of the range that holds 0.5.")
            elif k < lo_i and n == n_cells:
                say = (f"at {{{name}}} the pipeline finds {objects}, but look at the picture: they are not the "
                       "cells (noise and cells joined into larger objects). Counting alone misleads; each cell "
                       "must be one object.")
            elif k < lo_i:
                say = (f"at {{{name}}} the pipeline finds {objects}, not one per cell: the threshold is so low that "
                       "noise joins the cells (and neighbouring cells each other). Move the slider up.")
            elif unfiltered[t]:
                say = (f"at {{{name}}} the pipeline finds {objects}, not one per cell: the threshold is so high that "
                       "each cell keeps only its bright core, and the smallest cores are under the size filter's "
                       f"{min_size} pixels, so the filter removes them. Move the slider down.")
            else:
                say = (f"at {{{name}}} the pipeline finds {objects}, not one per cell: the threshold is so high that "
                       "only a few pixels at the cells' peaks rise above it, far fewer than the size filter's "
                       f"{min_size} pixels. Move the slider down.")
            rules.append({"when": [["range", name, round(t - 0.005, 3), round(t + 0.005, 3)]], "ok": False,
                          "say": say})
        rules.append({"when": [["range", name, None, COUNT_THRESHOLDS[0] - 0.005]], "ok": False,
                      "say": f"{{{name}}} is below the slider's range; thresholds are intensities from "
                             f"{COUNT_THRESHOLDS[0]:g} to {COUNT_THRESHOLDS[-1]:g} here."})
        rules.append({"when": [["range", name, COUNT_THRESHOLDS[-1] + 0.005, None]], "ok": False,
                      "say": f"{{{name}}} is above the slider's range; at such a threshold nothing is left "
                             "(the brightest cells peak near 1)."})
    return update, {"threshold": COUNT_THRESHOLDS}, {"threshold": cellseg.THRESHOLD}, rules


@never_raises("Pass two thresholds, check_count_range(lowest, highest), e.g. (0.2, 0.9).", example=(0.2, 0.9))
def check_count_range(lowest, highest):
    """Check the range of thresholds at which the pipeline finds every cell, and nothing else.

    Examples
    --------
    >>> check_count_range(0.9, 0.2).message
    'your lowest threshold (0.9) is above your highest (0.2): swapped?'
    >>> check_count_range(..., 0.5).correct is None
    True
    """
    values, problem = _number_answers(("lowest", "highest"), (lowest, highest))
    if problem is not None:
        return problem
    return _with_sliders("count-range", evaluate_rules(SLIDER_EXERCISES["count-range"].rules, values))


# --- 2. smooth-away-noise (image-model) ---------------------------------------------------

NOISE_SIGMAS = [round(0.05 * k, 2) for k in range(41)]  #: the smoothing slider's values, 0 to 2


def _build_noise_sigma():
    scene = cellseg.make_image()
    n_cells, shown = len(scene.centers), _posterize(scene.image)
    results = {}
    for s in NOISE_SIGMAS:
        labels = cellseg.segment(cellseg.smooth(scene.image, sigma=s), threshold=cellseg.THRESHOLD, min_size=0)
        touching = np.unique(labels[(labels > 0) & (scene.labels > 0)])
        n = int(labels.max())
        results[s] = (labels, n, n - touching.size)  # objects, of which outside every cell

    def update(sigma):
        labels, n, outside = results[_nearest(NOISE_SIGMAS, sigma)]
        return (cellseg.overlay_labels(shown, labels),
                f"{n} object{'s' if n != 1 else ''} found, {outside} of them outside every cell; "
                f"the image has {n_cells} cells")

    clean = [results[s][1] == n_cells for s in NOISE_SIGMAS]
    first = next(i for i in range(len(NOISE_SIGMAS)) if all(clean[i:]))
    answer, before = NOISE_SIGMAS[first], NOISE_SIGMAS[first - 1]
    rules = [{"when": [["range", "sigma", before + 1e-9, answer + 1e-9]], "ok": True,
              "say": "from sigma {sigma} on, the pipeline finds exactly one object per cell, even without a size "
                     "filter: the smoothed noise no longer reaches the threshold."},
             {"when": [["range", "sigma", None, 0.0]], "ok": False,
              "say": "a smoothing width cannot be negative."}]
    for k, s in enumerate(NOISE_SIGMAS[:first]):
        _, n, outside = results[s]
        extra = n - n_cells
        where = (f"{outside} of them outside every cell" if outside else
                 "all of them inside cells: the noise still breaks cells into pieces")
        rules.append({"when": [["range", "sigma", s - 0.025, s + 0.025]], "ok": False,
                      "say": f"at sigma {{sigma}} the pipeline still finds {n} objects, {extra} more than the "
                             f"{n_cells} cells ({where}). Smooth more."})
    rules.append({"when": [["range", "sigma", answer + 1e-9, NOISE_SIGMAS[-1] + 0.025]], "ok": False,
                  "say": "at sigma {sigma} no noise object is left, right; but a smaller width already does it, and "
                         "every bit of smoothing you add also blurs the cells' outlines. Find the smallest."})
    rules.append({"when": [["range", "sigma", NOISE_SIGMAS[-1] + 0.025, 50]], "ok": False,
                  "say": "a width of {sigma} removes the noise objects, but it is far more than needed (and wider than "
                         "the slider): widths comparable to a cell blur cells together. Find the smallest."})
    rules.append({"when": [], "ok": False,
                  "say": "a width of {sigma} pixels is wider than the whole image: give a width in pixels, "
                         "read off the slider."})
    return update, {"sigma": NOISE_SIGMAS}, {"sigma": 0.0}, rules


@never_raises("Pass one smoothing width in pixels, check_noise_sigma(sigma), e.g. 1.5.", example=(1.5,))
def check_noise_sigma(sigma):
    """Check the smallest smoothing width at which no object is made of noise alone.

    Examples
    --------
    >>> check_noise_sigma(-1).message
    'a smoothing width cannot be negative.'
    >>> check_noise_sigma(None).correct is None
    True
    """
    values, problem = _number_answers(("sigma",), (sigma,))
    if problem is not None:
        return problem
    return _with_sliders("smooth-away-noise", evaluate_rules(SLIDER_EXERCISES["smooth-away-noise"].rules,
                                                    values))


# --- 3. name-the-errors (visual-qc) -------------------------------------------------------

ERROR_NAMES = ("split", "merge", "missed", "spurious", "boundary")  #: what a learner may name
SYNONYMS = {"over-segmentation": "split", "oversegmentation": "split", "under-segmentation": "merge",
            "undersegmentation": "merge", "merged": "merge", "false negative": "missed", "miss": "missed",
            "false positive": "spurious", "grown": "boundary", "grow": "boundary", "shifted": "boundary"}
PANEL = 56  #: side of one gallery panel, pixels
GALLERY_SEED = 20  #: seed of the order of the panels
SWIPE_COLUMNS = list(range(0, PANEL + 1, 4))  #: the swipe slider's values

_HOW_TO_SEE = {
    "split": "a split cuts one reference cell into two objects of different colours",
    "merge": "a merge covers two reference cells with one object of one colour",
    "missed": "a missed cell is in the reference but has no object at all in the segmentation",
    "spurious": "a spurious object is in the segmentation where the reference has no cell",
    "boundary": "a boundary error is the right object with the wrong outline (larger, smaller or shifted)",
}


def _crop(center, shape):
    r = int(np.clip(round(center[0]) - PANEL // 2, 0, shape[0] - PANEL))
    c = int(np.clip(round(center[1]) - PANEL // 2, 0, shape[1] - PANEL))
    return np.s_[r:r + PANEL, c:c + PANEL]


def _build_gallery():
    from scipy import ndimage as ndi

    scene = cellseg.make_image()
    image, truth, centers = scene.image, scene.labels, np.asarray(scene.centers)
    shown = _posterize(image)
    gap = np.sqrt(((centers[:, None] - centers[None]) ** 2).sum(-1)) + 1e6 * np.eye(len(centers))
    a, b = np.unravel_index(gap.argmin(), gap.shape)
    others = [k for k in range(len(centers)) if k not in (a, b)]
    far = ndi.distance_transform_edt(truth == 0)
    # the background point farthest from every cell within a panel around the first free cell
    spot_cell = others[3]
    region = _crop(centers[spot_cell], truth.shape)
    local = np.zeros_like(far)
    local[region] = far[region]
    spot = np.unravel_index(local.argmax(), local.shape)
    made = {
        "split": (cellseg.inject_error(truth, "split", label=others[0] + 1), centers[others[0]]),
        "merge": (cellseg.inject_error(truth, "merge", label=a + 1, other=b + 1), (centers[a] + centers[b]) / 2),
        "missed": (cellseg.inject_error(truth, "missed", label=others[1] + 1), centers[others[1]]),
        "boundary": (cellseg.inject_error(truth, "grow", label=others[2] + 1, amount=4), centers[others[2]]),
        "spurious": (cellseg.inject_error(truth, "spurious", at=spot, amount=5), centers[spot_cell]),
    }
    order = list(np.random.default_rng(GALLERY_SEED).permutation(list(made)))
    panels, kinds = [], []
    for name in order:
        pred, center = made[name]
        region = _crop(center, truth.shape)
        t, p = truth[region], pred[region]
        found = {k: v for k, v in cellseg.classify_errors(t, p, topology=False).counts().items()
                 if k != "correct" and v}
        assert len(found) == 1, (name, found)  # one error per panel, and the data say which
        kinds.append(next(iter(found)))
        panels.append((cellseg.overlay_labels(shown[region], t, alpha=0.5),
                       cellseg.overlay_labels(shown[region], p, alpha=0.5)))
    white = np.ones((PANEL, 4, 3))

    def picture(column):
        row = []
        for left, right in panels:
            shown = right.copy()
            shown[:, :column] = left[:, :column]
            if 0 < column < PANEL:
                shown[:, column - 1] = 1.0
            row += [shown, white]
        return np.repeat(np.repeat(np.concatenate(row[:-1], axis=1), 2, axis=0), 2, axis=1)

    frames = {c: picture(c) for c in SWIPE_COLUMNS}

    def update(column):
        c = _nearest(SWIPE_COLUMNS, column)
        return frames[c], (f"panels 1 to {len(panels)} from left to right: reference left of column {c}, "
                           f"segmentation from column {c} on")

    n = len(kinds)
    rules = [{"when": [["at", "names", i, k] for i, k in enumerate(kinds)], "ok": True,
              "say": "every panel named: {names}."}]
    for i, right in enumerate(kinds):
        for wrong in ERROR_NAMES:
            if wrong != right:
                rules.append({"when": [["at", "names", i, wrong]], "ok": False,
                              "say": f"panel {i + 1} is not a {wrong} error: {_HOW_TO_SEE[wrong]}. Swipe across "
                                     f"panel {i + 1} and compare the two sides again."})
    del n
    return update, {"column": SWIPE_COLUMNS}, {"column": PANEL // 2}, rules


@never_raises("Pass a list of five error names, e.g. check_error_names(['split', 'merge', ...]).",
              example=(["split", "merge", "missed", "spurious", "boundary"],))
def check_error_names(names):
    """Check the name of the error in each panel of the gallery, left to right.

    Examples
    --------
    >>> check_error_names("split").message[:40]
    'give a list of 5 names, one per panel, b'
    """
    if is_placeholder(names):
        return Feedback(None, _NOT_ANSWERED)
    n = len(SLIDER_EXERCISES["name-the-errors"].spec()["rules"][0]["when"])
    if isinstance(names, str) or not isinstance(names, (list, tuple, np.ndarray)):
        return Feedback(False, f"give a list of {n} names, one per panel, between square brackets, "
                               f"e.g. ['merge', ...]; you gave {_short(names)}.")
    names = list(np.asarray(names, dtype=object).ravel()) if isinstance(names, np.ndarray) else list(names)
    if len(names) != n:
        return Feedback(False, f"give {n} names, one per panel from left to right; you gave {len(names)}.")
    cleaned = []
    for i, item in enumerate(names):
        if is_placeholder(item):
            return Feedback(None, f"panel {i + 1} has no name yet: replace its ... with one of "
                                  f"{', '.join(ERROR_NAMES)}.")
        if not isinstance(item, str):
            return Feedback(False, f"panel {i + 1}: {_short(item)} is not a name; write it in quotes, one of "
                                   f"{', '.join(ERROR_NAMES)}.")
        word = " ".join(item.strip().lower().replace("_", " ").split())
        word = SYNONYMS.get(word, word)
        if word.endswith("s") and word[:-1] in ERROR_NAMES:
            word = word[:-1]
        if word not in ERROR_NAMES:
            return Feedback(False, f"panel {i + 1}: {item!r} is not one of the names to choose from: "
                                   f"{', '.join(ERROR_NAMES)}.")
        cleaned.append(word)
    return evaluate_rules(SLIDER_EXERCISES["name-the-errors"].rules, {"names": cleaned})


# --- 4. tune-voronoi-otsu (real-nuclei) ----------------------------------------------------

VO_REGION = np.s_[300:492, 20:212]  #: the part (192 x 192 pixels) of the real image the exercise tunes on
VO_TOLERANCE = 0.01  #: a setting whose DSB score is this close to the best is accepted


def _build_vo():
    image, truth = cellseg.nuclei_2d()
    image, truth = image[VO_REGION], truth[VO_REGION]
    grid = {k: list(v) for k, v in cellseg.BASELINES["Voronoi-Otsu"].grid.items()}
    results = {}
    for spot in grid["spot_sigma"]:
        for outline in grid["outline_sigma"]:
            labels = cellseg.voronoi_otsu_labeling(image, spot_sigma=spot, outline_sigma=outline)
            score = float(cellseg.average_precision(truth, labels))
            counts = cellseg.classify_errors(truth, labels, topology=False).counts()
            results[spot, outline] = (labels, score, counts)
    grey = _posterize(image, 8)

    frames = {}

    def update(spot_sigma, outline_sigma):
        key = (_nearest(grid["spot_sigma"], spot_sigma), _nearest(grid["outline_sigma"], outline_sigma))
        labels, score, n = results[key]
        if key not in frames:
            frames[key] = cellseg.object_error_map(grey, truth, labels)
        return frames[key], (f"DSB score {score:.3f}; errors: {n['split']} split, {n['merge']} merge, "
                             f"{n['missed']} missed, {n['spurious']} spurious, {n['boundary']} boundary")

    best = max(results, key=lambda k: results[k][1])
    best_score = results[best][1]
    good = {k for k, r in results.items() if r[1] >= best_score - VO_TOLERANCE}
    rules = [{"when": [["range", "spot_sigma", spot - 0.01, spot + 0.01],
                       ["range", "outline_sigma", outline - 0.01, outline + 0.01]], "ok": True,
              "say": f"spot_sigma {{spot_sigma}} and outline_sigma {{outline_sigma}} score "
                     f"{results[spot, outline][1]:.3f}"
                     + (", the highest on the grid." if (spot, outline) == best else
                        f", within {VO_TOLERANCE:g} of the highest on the grid ({best_score:.3f}): as good, "
                        "given how few nuclei decide the difference.")}
             for spot, outline in sorted(good)]
    for (spot, outline), (_, score, n) in results.items():
        if (spot, outline) in good:
            continue
        if n["split"] > n["merge"] and spot < best[0]:
            hint = (f"at this setting splits ({n['split']}) outnumber merges ({n['merge']}): one seed per "
                    "nucleus needs a wider spot_sigma.")
        elif n["merge"] > n["split"] and spot > best[0]:
            hint = (f"at this setting merges ({n['merge']}) outnumber splits ({n['split']}): the seeds of "
                    "neighbours run together, so spot_sigma is too wide.")
        elif spot == best[0]:
            hint = ("spot_sigma is right; now move outline_sigma and watch the boundary errors "
                    f"({n['boundary']} here) and the score.")
        else:
            hint = (f"errors here: {n['split']} split, {n['merge']} merge, {n['boundary']} boundary; "
                    "move spot_sigma first, then outline_sigma.")
        rules.append({"when": [["range", "spot_sigma", spot - 0.01, spot + 0.01],
                               ["range", "outline_sigma", outline - 0.01, outline + 0.01]], "ok": False,
                      "say": f"spot_sigma {{spot_sigma}}, outline_sigma {{outline_sigma}} scores {score:.3f}, "
                             f"more than {VO_TOLERANCE:g} below the best on the grid; {hint}"})
    for name in grid:
        values = ", ".join(f"{v:g}" for v in grid[name])
        rules.append({"when": [["range", name, None, grid[name][0] - 0.01]], "ok": False,
                      "say": f"{name} {{{name}}} is not on the slider; choose one of {values}."})
        rules.append({"when": [["range", name, grid[name][-1] + 0.01, None]], "ok": False,
                      "say": f"{name} {{{name}}} is not on the slider; choose one of {values}."})
    rules.append({"when": [], "ok": False,
                  "say": "one of the two values is not a value of its slider: read them off the sliders ("
                         + "; ".join(f"{k}: {', '.join(f'{v:g}' for v in grid[k])}" for k in grid) + ")."})
    return update, grid, dict(cellseg.BASELINES["Voronoi-Otsu"].default), rules


@never_raises("Pass the two widths, check_vo_setting(spot_sigma, outline_sigma), e.g. (3.0, 1.0).",
              example=(3.0, 1.0))
def check_vo_setting(spot_sigma, outline_sigma):
    """Check the Voronoi-Otsu setting with the highest DSB score on the exercise's quarter image.

    Examples
    --------
    >>> check_vo_setting("2", 1.0).message
    "spot_sigma should be a number, but it is the text '2': remove the quotes."
    """
    values, problem = _number_answers(("spot_sigma", "outline_sigma"), (spot_sigma, outline_sigma))
    if problem is not None:
        return problem
    return _with_sliders("tune-voronoi-otsu", evaluate_rules(SLIDER_EXERCISES["tune-voronoi-otsu"].rules,
                                                    values))


# --- 5. slice-spacing (measuring-in-3d) -----------------------------------------------------

NUCLEUS_AXES = (2.0, 4.0, 4.0)  #: semi-axes (z, y, x) of the exercise's nucleus, um
PLANE_SPACING = 0.25  #: pixel size in the plane, um
SLICE_SPACINGS = [round(0.25 * k, 2) for k in range(1, 13)]  #: the slice-spacing slider's values, um
#: where the slices fall, as a fraction of the spacing. Never 0 (nor any fraction at which a
#: slice of the grid grazes a tip of the nucleus exactly: 2 um / dz +- offset whole, which
#: tests check): a slice through the very tip keeps one voxel, a freak of the voxelisation
#: that no real stack shows, and its surface comes out twice too large.
SLICE_OFFSETS = [0.1, 0.3, 0.5, 0.7, 0.9]
TOLERANCE = 0.10  #: a volume or surface more than 10 % off "goes wrong"


def _side_view(mask, dz):
    """The x-z cross-section through the middle, stretched to true proportions (one row per 0.25 um)."""
    section = mask[:, mask.shape[1] // 2, :]
    rows = np.repeat(section, int(round(dz / PLANE_SPACING)), axis=0)
    canvas = np.zeros((80, section.shape[1]), bool)
    top = max((canvas.shape[0] - rows.shape[0]) // 2, 0)
    canvas[top:top + rows.shape[0]] = rows[:canvas.shape[0]]
    return canvas


@functools.lru_cache(maxsize=1)
def slice_spacing_sweep():
    """The exercise's sweep: ``{(dz, offset): (mask, volume error, surface error, slices)}``.

    The errors are relative (0.1 = 10 %), of ``cellseg.volume`` and ``cellseg.surface_area``
    of the voxelised nucleus against the exact ellipsoid's; ``slices`` counts the slices that
    cut it. Computed once.
    """
    true_volume = cellseg.ellipsoid_volume(NUCLEUS_AXES)
    true_area = cellseg.ellipsoid_surface_area(NUCLEUS_AXES)
    results = {}
    for dz in SLICE_SPACINGS:
        for f in SLICE_OFFSETS:
            spacing = (dz, PLANE_SPACING, PLANE_SPACING)
            mask = cellseg.ellipsoid_mask(NUCLEUS_AXES, spacing=spacing, offset=(f * dz, 0.0, 0.0))
            volume = cellseg.volume(mask, spacing=spacing) / true_volume - 1
            area = cellseg.surface_area(mask, spacing=spacing) / true_area - 1
            n_slices = int(mask.any(axis=(1, 2)).sum())
            results[dz, f] = (mask, float(volume), float(area), n_slices)
    return results


def _worst(results, dz):
    """At one spacing, over every offset: (largest error, which measurement, its slices)."""
    cases = [(abs(e), name, results[dz, f][3]) for f in SLICE_OFFSETS
             for name, e in (("volume", results[dz, f][1]), ("surface", results[dz, f][2]))]
    return max(cases)


def _build_slices():
    true_volume = cellseg.ellipsoid_volume(NUCLEUS_AXES)
    true_area = cellseg.ellipsoid_surface_area(NUCLEUS_AXES)
    results = slice_spacing_sweep()
    rows = 80
    z = (np.arange(rows) - rows / 2 + 0.5) * PLANE_SPACING
    width = results[SLICE_SPACINGS[0], SLICE_OFFSETS[0]][0].shape[2]
    x = (np.arange(width) - width // 2) * PLANE_SPACING
    outline = np.abs((z[:, None] / NUCLEUS_AXES[0]) ** 2 + (x[None] / NUCLEUS_AXES[2]) ** 2 - 1) < 0.12

    def update(dz, offset):
        key = (_nearest(SLICE_SPACINGS, dz), _nearest(SLICE_OFFSETS, offset))
        mask, volume, area, n_slices = results[key]
        side = _side_view(mask, key[0])
        rgb = np.zeros(side.shape + (3,))
        rgb[side] = (0.6, 0.6, 0.6)
        rgb[outline[:side.shape[0], :side.shape[1]]] = cellseg.TRUTH_COLOR
        rgb = np.repeat(np.repeat(rgb, 3, axis=0), 3, axis=1)
        return rgb, (f"{n_slices} slices cut the nucleus; volume {(1 + volume) * true_volume:.0f} µm³ "
                     f"(true {true_volume:.0f}, {100 * volume:+.1f} %), surface "
                     f"{(1 + area) * true_area:.0f} µm² (true {true_area:.0f}, {100 * area:+.1f} %)")

    worst = {dz: _worst(results, dz) for dz in SLICE_SPACINGS}
    first = next(i for i, dz in enumerate(SLICE_SPACINGS) if worst[dz][0] > TOLERANCE)
    answer = SLICE_SPACINGS[first]
    tol = f"{100 * TOLERANCE:.0f} %"
    on = 0.01  # how close to a slider value an answer must be to count as that value
    error, name, n_slices = worst[answer]
    rules = [{"when": [["range", "spacing", answer - on, answer + on]], "ok": True,
              "say": f"at a slice spacing of {{spacing}} µm the {name} can be {100 * error:.1f} % off, "
                     "depending on where the slices fall: only "
                     f"{n_slices} slices then cut the nucleus."},
             {"when": [["range", "spacing", None, 1e-9]], "ok": False,
              "say": "a slice spacing is a positive length in micrometres."}]
    for dz in SLICE_SPACINGS[:first]:
        rules.append({"when": [["range", "spacing", dz - on, dz + on]], "ok": False,
                      "say": f"at {{spacing}} µm every offset on the slider gives a volume and a surface "
                             f"within {100 * worst[dz][0]:.1f} % of the truth: still fine. Move the offset "
                             "slider too, at each spacing."})
    for dz in SLICE_SPACINGS[first + 1:]:
        if worst[dz][0] > TOLERANCE:
            say = (f"at {{spacing}} µm the estimate does go wrong (the {worst[dz][1]} up to "
                   f"{100 * worst[dz][0]:.1f} % off), but it already does at a smaller spacing; "
                   "try each offset at each smaller spacing.")
        else:
            say = (f"at {{spacing}} µm every offset on the slider happens to give a volume and a surface "
                   f"within {tol} (at worst {100 * worst[dz][0]:.1f} %), but at a smaller spacing one of "
                   "them is already more than that off: the error does not grow steadily with the "
                   "spacing. Try each offset at each smaller spacing.")
        rules.append({"when": [["range", "spacing", dz - on, dz + on]], "ok": False, "say": say})
    step = SLICE_SPACINGS[1] - SLICE_SPACINGS[0]
    rules.append({"when": [["range", "spacing", None, SLICE_SPACINGS[-1] + 0.125]], "ok": False,
                  "say": f"{{spacing}} µm is not a value of the slider; read one off it "
                         f"({SLICE_SPACINGS[0]:g} to {SLICE_SPACINGS[-1]:g} µm in steps of {step:g})."})
    rules.append({"when": [["range", "spacing", SLICE_SPACINGS[-1] + 0.125, 100]], "ok": False,
                  "say": f"{{spacing}} µm is beyond the slider, which ends at {SLICE_SPACINGS[-1]:g} µm: read "
                         f"the value at which the readout first shows an error above {tol}."})
    rules.append({"when": [], "ok": False,
                  "say": "{spacing} is far too large for a spacing in micrometres: a nucleus is a few µm tall."})
    return update, {"dz": SLICE_SPACINGS, "offset": SLICE_OFFSETS}, {"dz": 0.5, "offset": SLICE_OFFSETS[0]}, rules


@never_raises("Pass one slice spacing in micrometres, check_slice_spacing(spacing), e.g. 1.0.", example=(1.0,))
def check_slice_spacing(spacing):
    """Check the smallest slice spacing at which the volume or surface can be more than 10 % off.

    Examples
    --------
    >>> check_slice_spacing(0).message
    'a slice spacing is a positive length in micrometres.'
    """
    values, problem = _number_answers(("spacing",), (spacing,))
    if problem is not None:
        return problem
    return _with_sliders("slice-spacing", evaluate_rules(SLIDER_EXERCISES["slice-spacing"].rules, values))


# --- 6. iou-range (object-metrics) -------------------------------------------------------------

IOU_THRESHOLDS = [round(0.3 + 0.01 * k, 2) for k in range(71)]  #: the IoU slider's values, 0.3 to 1
IOU_SEGMENT_THRESHOLD = 0.6  #: the intensity threshold of the segmentation scored (cells found too small)


def _build_iou():
    scene = cellseg.make_image()
    labels = cellseg.segment(cellseg.smooth(scene.image, sigma=cellseg.SMOOTH_SIGMA),
                             threshold=IOU_SEGMENT_THRESHOLD, min_size=cellseg.MIN_CELL_SIZE)
    n_cells = len(scene.centers)
    tps = {t: cellseg.matching(scene.labels, labels, iou_threshold=t).tp for t in IOU_THRESHOLDS}
    shown = _posterize(scene.image)
    frames = {}

    def update(iou_threshold):
        t = _nearest(IOU_THRESHOLDS, iou_threshold)
        if t not in frames:
            frames[t] = cellseg.object_error_map(shown, scene.labels, labels, iou_threshold=t)
        return frames[t], f"IoU threshold {t:.2f}: {tps[t]} of {n_cells} cells matched"

    all_ok = [tps[t] == n_cells for t in IOU_THRESHOLDS]
    none_ok = [tps[t] == 0 for t in IOU_THRESHOLDS]
    last_all = max(i for i, ok in enumerate(all_ok) if ok)
    first_none = min(i for i, ok in enumerate(none_ok) if ok)
    g = IOU_THRESHOLDS
    # a pair matches while the threshold is at most its IoU: every cell matches up to the
    # smallest IoU of the pairs and none does above the largest; the answers may be read off
    # the slider or typed exactly, but never on the wrong side of those two IoUs
    ious = np.sort(cellseg.matching(scene.labels, labels, iou_threshold=g[0]).matched_scores)
    assert len(ious) == n_cells, "every cell must match at the slider's lowest threshold"
    lowest, highest = float(ious[0]), float(ious[-1])

    def above(value):  # the first number above ``value``: "range" rules include lo, exclude hi
        return float(np.nextafter(value, np.inf))

    rules = [{"when": [["range", "all_match", g[last_all] - 1e-9, above(lowest)],
                       ["range", "none_match", above(highest), g[first_none] + 1e-9]], "ok": True,
              "say": "every cell matches up to {all_match}, and none from {none_match} on: between the two the "
                     "matches fail one by one, as the threshold passes each cell's IoU."},
             {"when": [["range", "all_match", 1.5, 100.5], ["range", "none_match", 1.5, 100.5]], "ok": False,
              "say": "give each IoU threshold as a fraction between 0 and 1, not as a percentage."},
             {"when": [["gt", "all_match", "none_match"]], "ok": False,
              "say": "the first answer ({all_match}) should be below the second ({none_match}): a higher threshold "
                     "can only lose matches."},
             {"when": [["range", "all_match", None, 0.0]], "ok": False,
              "say": "an IoU threshold is between 0 and 1."},
             {"when": [["range", "none_match", 1.0 + 1e-9, None]], "ok": False,
              "say": "an IoU threshold is between 0 and 1 (give a fraction, not a percentage)."},
             {"when": [["range", "all_match", None, g[last_all] - 1e-9]], "ok": False,
              "say": f"at {{all_match}}, all {n_cells} cells match; a higher threshold still keeps them all: "
                     "find the largest."},
             {"when": [["range", "none_match", g[first_none] + 1e-9, None]], "ok": False,
              "say": "at {none_match}, no match is left, but already at a lower threshold: find the smallest."}]
    # between two neighbouring IoUs the number of matches stays the same: one rule per step
    steps = np.unique(ious)
    for lo, hi in zip([-np.inf, *steps], [*steps, np.inf]):
        tp = int(np.sum(ious >= hi)) if np.isfinite(hi) else 0
        bounds = [None if not np.isfinite(lo) else above(lo), None if not np.isfinite(hi) else above(hi)]
        if tp < n_cells:
            rules.append({"when": [["range", "all_match", *bounds]], "ok": False,
                          "say": f"at {{all_match}}, {tp} of {n_cells} cells match; some matches already fail "
                                 "there: lower it."})
        if tp > 0:
            rules.append({"when": [["range", "none_match", *bounds]], "ok": False,
                          "say": f"at {{none_match}}, {tp} of {n_cells} cells match; some still match there: "
                                 "raise it."})
    rules.append({"when": [], "ok": False, "say": "read both thresholds off the slider, from 0.3 to 1."})
    return update, {"iou_threshold": IOU_THRESHOLDS}, {"iou_threshold": 0.5}, rules


@never_raises("Pass two IoU thresholds, check_iou_range(all_match, none_match), e.g. (0.4, 0.9).",
              example=(0.4, 0.9))
def check_iou_range(all_match, none_match):
    """Check the largest IoU threshold at which every cell matches and the smallest at which none does.

    Examples
    --------
    >>> check_iou_range(0.9, 0.4).message[:40]
    'the first answer (0.9) should be below t'
    """
    values, problem = _number_answers(("all_match", "none_match"), (all_match, none_match))
    if problem is not None:
        return problem
    return _with_sliders("iou-range", evaluate_rules(SLIDER_EXERCISES["iou-range"].rules, values))


SLIDER_EXERCISES = {
    "count-range": SliderExercise(
        "count-range", "pipeline",
        [("lowest", "number", "lowest threshold"), ("highest", "number", "highest threshold")], _build_count_range),
    "smooth-away-noise": SliderExercise(
        "smooth-away-noise", "image-model", [("sigma", "number", "smallest sigma (pixels)")], _build_noise_sigma),
    "name-the-errors": SliderExercise(
        "name-the-errors", "visual-qc", [("names", ("names", 5, ERROR_NAMES), "panel")], _build_gallery),
    "tune-voronoi-otsu": SliderExercise(
        "tune-voronoi-otsu", "real-nuclei",
        [("spot_sigma", "number", "spot_sigma"), ("outline_sigma", "number", "outline_sigma")], _build_vo),
    "slice-spacing": SliderExercise(
        "slice-spacing", "measuring-in-3d", [("spacing", "number", "slice spacing (um)")], _build_slices),
    "iou-range": SliderExercise(
        "iou-range", "object-metrics",
        [("all_match", "number", "largest threshold with every match"),
         ("none_match", "number", "smallest threshold with no match")], _build_iou),
}


def slider_exercise(name):
    """The :class:`SliderExercise` called ``name`` (one of :data:`SLIDER_EXERCISES`)."""
    if name not in SLIDER_EXERCISES:
        raise ValueError(f"no slider exercise {name!r}; choose one of {', '.join(SLIDER_EXERCISES)}.")
    return SLIDER_EXERCISES[name]


del functools, math, numbers
