"""Checkers for the exercises of the lesson "Splitting touching cells and cleaning up labels".

Every checker rebuilds the exercise's image with :mod:`cellseg.synthetic` (same
seed), so the expected answer always comes from the code, never from a typed-in
number.
"""

import functools
import math

import numpy as np

from cellseg import pipeline, synthetic
from cellseg.metrics import class_scores, objects_at_points, one_object_per_point
from cellseg.labels import check_label_image
from .feedback import (
    Feedback,
    _NOT_ANSWERED,
    _short,
    is_placeholder,
    never_raises,
    number_problem,
    ndim,
    scalar,
    too_long,
    whole_number,
)

__all__ = [
    "PAIR_DISTANCE",
    "NOISE_LEVELS",
    "EXTENDED_NOISE_LEVELS",
    "N_IMAGES",
    "check_pair_split",
    "check_intensity_classes",
    "check_count_statistics",
    "check_failure_level",
    "check_global_count",
    "check_adaptive_labels",
]

PAIR_DISTANCE = 14  #: centre-to-centre distance of the watershed exercise (pixels)
NOISE_LEVELS = (0.2, 0.4, 0.6, 0.8, 1.0)  #: noise levels of part 1 of the noise-vs-count exercise
#: the extended sweep that finds where the pipeline starts to fail: 0.05, 0.10, ..., 1.00
EXTENDED_NOISE_LEVELS = tuple(round(0.05 * k, 2) for k in range(1, 21))
N_IMAGES = 50  #: images per noise level; image ``i`` uses ``seed = SEED + i``



def _labels_or_feedback(labels, shape, what):
    """Return ``(labels, None)`` for a valid label image of ``shape``, else ``(None, Feedback)``."""
    if is_placeholder(labels):
        return None, Feedback(None, _NOT_ANSWERED)
    if isinstance(labels, tuple) and len(labels) == 2 and isinstance(labels[0], np.ndarray):
        return None, Feedback(False, f"{what} is a pair of values; keep only the label image, the "
                              "array that cellseg.segment(...) returns.")
    if isinstance(labels, (str, dict, set)) or too_long(labels) or ndim(labels) == 0:
        return None, Feedback(False, f"{what} should be a label image (a 2-D array of whole numbers of the "
                              f"image's shape {shape}), but it is {_short(labels)}.")
    try:
        labels = check_label_image(labels, name=what, ndim=2)
    except Exception as error:  # noqa: BLE001 - its message says what is wrong and what to pass
        return None, Feedback(False, str(error))
    if labels.shape != shape:
        return None, Feedback(
            False, f"{what} has shape {labels.shape}; it should have the image's shape {shape}."
        )
    if labels.max() > labels.size:
        return None, Feedback(False, f"{what} has ids up to {labels.max()}, more than its {labels.size} pixels: "
                              "number the objects 1, 2, 3, ... (scipy.ndimage.label or "
                              "skimage.segmentation.relabel_sequential does it).")
    return labels, None


# --- Exercise "Watershed" -----------------------------------------------------------


#: at most this fraction of the objects' pixels may lie on the other cell's side of the true border
PAIR_MAX_WRONG_SIDE = 0.10
#: each object must be at least this fraction of its true cell's area
PAIR_MIN_COVER = 0.5


@never_raises("Pass a label image of the image's shape: check_pair_split(labels).")
def check_pair_split(labels):
    """Check the label image of the two cells ``PAIR_DISTANCE`` px apart.

    The image is ``make_pair(distance=PAIR_DISTANCE)``. Right means exactly two objects,
    each containing one of the true centres, each at least ``PAIR_MIN_COVER`` of its true
    cell's area, and at most ``PAIR_MAX_WRONG_SIDE`` of their pixels on the other cell's side
    of the true border (the true cells grown until they meet). The cut is judged by that
    border, not by the outline, so a mask from any sensible threshold can pass.

    Examples
    --------
    >>> import numpy as np
    >>> from cellseg.synthetic import make_pair
    >>> truth = make_pair(distance=PAIR_DISTANCE).labels
    >>> check_pair_split(truth > 0).message
    'Your label image has 1 object(s); the image has two cells. A threshold alone merges them: find one seed per cell
    and flood from the seeds.'

    """
    from skimage.segmentation import expand_labels

    scene = synthetic.make_pair(distance=PAIR_DISTANCE)
    image, centers = scene.image, scene.centers
    labels, feedback = _labels_or_feedback(labels, image.shape, "labels")
    if feedback is not None:
        return feedback
    present = np.flatnonzero(np.bincount(labels.ravel()))
    present = present[present > 0]
    if len(present) != 2:
        return Feedback(
            False,
            f"Your label image has {len(present)} object(s); the image has two cells. "
            + (
                "A threshold alone merges them: find one seed per cell and flood from the seeds."
                if len(present) < 2
                else "Too many seeds: smooth more before looking for peaks, or raise min_distance."
            ),
        )
    hit = objects_at_points(labels, centers)
    if (hit == 0).any() or hit[0] == hit[1]:
        return Feedback(
            False,
            "You have two objects, but they are not one per cell: each true centre "
            f"{centers.tolist()} must lie in its own object.",
        )
    true_areas = np.bincount(scene.labels.ravel(), minlength=3)[1:3]
    areas = np.array([np.sum(labels == k) for k in hit])
    cover = areas / true_areas
    if cover.min() < PAIR_MIN_COVER:
        return Feedback(
            False,
            f"Two objects, one per cell, but one has {areas[cover.argmin()]} pixels where its cell has "
            f"{true_areas[cover.argmin()]}: draw whole cells (a mask from a threshold of the smoothed "
            "image), not just the seeds.",
        )
    sides = expand_labels(scene.labels, distance=max(image.shape))  # the true border, everywhere
    yours = np.zeros_like(sides)
    for cell, k in enumerate(hit, start=1):
        yours[labels == k] = cell
    inside = yours > 0
    wrong = float(np.mean(yours[inside] != sides[inside]))
    if wrong > PAIR_MAX_WRONG_SIDE:
        return Feedback(
            False,
            f"Two objects, one per cell, but {wrong:.0%} of their pixels lie on the other cell's side of "
            f"the border between the cells (at most {PAIR_MAX_WRONG_SIDE:.0%} expected): the cut is in "
            "the wrong place.",
        )
    return Feedback(
        True,
        f"Two objects, one per cell, cut in the right place: {wrong:.0%} of their pixels lie on the "
        "other cell's side of the true border.",
    )


# --- Exercise "Intensity classes" ---------------------------------------------------


def _classes_or_feedback(predicted, n, names):
    """``(array of str, None)`` for one class name per label 1..n, else ``(None, Feedback)``."""
    wanted = " or ".join(repr(c) for c in names)
    if isinstance(predicted, dict):
        return None, Feedback(False, f"predicted should be a list (or array) with one class per label "
                              f"1..{n}, in order, not a dict: for example [{', '.join(repr(c) for c in names)}, ...].")
    if isinstance(predicted, str) or too_long(predicted) or ndim(predicted) != 1:
        return None, Feedback(False, f"predicted should be a list of {n} classes, one per label 1..{n} "
                              f"(each {wanted}), but it is {_short(predicted)}.")
    values = list(predicted)
    if len(values) != n:
        return None, Feedback(False, f"predicted has {len(values)} classes, but your labels have {n} objects "
                              f"(labels 1..{n}): give one class per object, in label order.")
    odd = [v for v in values if not isinstance(v, (str, np.str_)) or v not in names]
    if odd:
        return None, Feedback(False, f"predicted should hold the class names {wanted}, but it holds "
                              f"{_short(odd[0])}; for example np.where(means > cut, 'bright', 'dim').")
    return np.asarray(values, dtype=str), None


def _pair(value):
    value = scalar(value)
    if isinstance(value, (str, dict)) or too_long(value) or ndim(value) != 1 or len(value) != 2:
        return None
    out = []
    for v in value:
        v = scalar(v)
        if isinstance(v, (float, np.floating)) and math.isnan(v):
            out.append(math.nan)  # "nothing to divide by" is a fair answer
        elif number_problem(v) is not None:
            return None
        else:
            out.append(float(v))
    return tuple(out)


def _same(a, b):
    return math.isclose(a, b, abs_tol=5e-4) or (math.isnan(a) and math.isnan(b))


def _dim_hint(labels, image, centers, missed):
    """Why the dim cells ``missed`` (a mask over ``centers``) are not in ``labels``: their peaks
    lie below the learner's threshold, or above it but the size filter removed what rose above."""
    smoothed = pipeline.smooth(image)
    peaks = smoothed[tuple(np.asarray(centers)[missed].T)]
    span = f"{peaks.min():.2f}" if math.isclose(peaks.min(), peaks.max(), abs_tol=0.005) else \
        f"{peaks.min():.2f} to {peaks.max():.2f}"
    k = int(missed.sum())
    if not labels.any():
        return (f" You missed {k} dim cell(s). After the default smoothing a dim cell peaks at {span}: "
                "a threshold above that misses it, and so does a size filter (min_size) that removes "
                "the few pixels that rise above the threshold.")
    lowest = float(smoothed[labels > 0].min())  # about the threshold the learner used
    if lowest < peaks.min():
        return (f" You missed {k} dim cell(s), although your objects reach down to a smoothed "
                f"intensity of {lowest:.2f}, below the dim cells' smoothed peaks ({span}). So the dim "
                "cells did rise above your threshold, but only by a few pixels: the size filter "
                f"(min_size, {pipeline.MIN_CELL_SIZE:g} pixels by default) then removed them. Lower the "
                "threshold further, so that each dim cell keeps more pixels than the filter's minimum.")
    return (f" You missed {k} dim cell(s): after the default smoothing a dim cell peaks at {span}, "
            f"below your threshold (your objects start at a smoothed intensity of {lowest:.2f}), so "
            "lower the threshold.")


@never_raises('Pass labels (a label image), predicted (one class per object) and scores '
              '({"bright": (precision, recall), "dim": (precision, recall)}).')
def check_intensity_classes(labels, predicted, scores):
    """Check the bright/dim exercise: the segmentation, the classes and the scores reported.

    The image is ``make_bright_dim()``. ``scores`` is the learner's
    ``{"bright": (precision, recall), "dim": (precision, recall)}``. Right
    means: every cell found (one object per cell, nothing else), every class
    right, and the reported numbers equal to what :func:`class_scores` gives
    for these labels and classes.

    Examples
    --------
    >>> from cellseg.synthetic import make_bright_dim
    >>> truth = make_bright_dim().labels
    >>> check_intensity_classes(truth, {1: "bright"}, {}).message[:58]
    'predicted should be a list (or array) with one class per l'
    """
    if is_placeholder(labels) or is_placeholder(predicted) or is_placeholder(scores):
        return Feedback(None, _NOT_ANSWERED)
    scene = synthetic.make_bright_dim()
    image, centers, classes = scene.image, scene.centers, scene.classes
    labels, feedback = _labels_or_feedback(labels, image.shape, "labels")
    if feedback is not None:
        return feedback
    names = tuple(dict.fromkeys(classes.tolist()))
    n = int(labels.max())
    predicted, feedback = _classes_or_feedback(predicted, n, names)
    if feedback is not None:
        return feedback
    expected = class_scores(labels, predicted=predicted, centers=centers, classes=classes)
    example = "{" + ", ".join(f'"{c}": (precision, recall)' for c in names) + "}"
    if not isinstance(scores, dict) or set(scores) != set(expected):
        got = f"a dict with the keys {sorted(map(str, scores))}" if isinstance(scores, dict) else _short(scores)
        return Feedback(False, f"scores should be a dict {example}, but it is {got}.")
    for c, (precision, recall) in expected.items():
        got = _pair(scores[c])
        if got is None:
            return Feedback(False, f"scores[{c!r}] should be a pair of numbers (precision, recall), "
                            f"but it is {_short(scores[c])}.")
        if _same(got[0], precision) and _same(got[1], recall):
            continue
        if any(v > 1 for v in got):
            return Feedback(False, f"scores[{c!r}] = {got}: give precision and recall as fractions between "
                            "0 and 1, not as percentages.")
        if _same(got[0], recall) and _same(got[1], precision):
            return Feedback(False, f"scores[{c!r}] has precision and recall swapped: the pair is (precision, recall).")
        which = "precision" if not _same(got[0], precision) else "recall"
        meaning = {
            "precision": f"of the objects you called {c}, the fraction whose centre is a {c} cell (and only one cell)",
            "recall": f"of the {c} cells, the fraction that lie alone in an object you called {c}",
        }[which]
        shown = precision if which == "precision" else recall
        return Feedback(
            False,
            f"For your labels and classes the {which} of the {c} cells is {shown:.3g}, but you reported "
            f"{got[0 if which == 'precision' else 1]:.3g}. The {which} of a class is {meaning}.",
        )
    hit = objects_at_points(labels, centers)
    n_dim_missed = int(((hit == 0) & (classes == "dim")).sum())
    if not one_object_per_point(labels, centers):
        hint = _dim_hint(labels, image, centers, (hit == 0) & (classes == "dim")) if n_dim_missed else ""
        return Feedback(
            False,
            "Your scores are consistent with your labels, but the segmentation is not one "
            f"object per cell ({n} objects for {len(centers)} cells).{hint}",
        )
    if not all(v == (1.0, 1.0) for v in expected.values()):
        return Feedback(
            False,
            "Every cell is found, but some are in the wrong class: put the intensity cut "
            "between the dim and the bright cells' mean intensities.",
        )
    return Feedback(True, "Every cell found and classified right: precision and recall 1 for both classes.")


# --- Exercise "Noise vs count" ----------------------------------------------------


@functools.lru_cache(maxsize=8)
def _counts(noise_levels, n_images):
    return np.array([
        pipeline.count_cells(
            synthetic.make_image(noise_scale=level, seed=synthetic.SEED + i).image for i in range(n_images)
        )
        for level in noise_levels
    ])


def _noise_counts(noise_levels=NOISE_LEVELS, n_images=N_IMAGES):
    """Cells found by the default pipeline in ``n_images`` images at each noise level.

    Image ``i`` of every level is ``make_image(noise_scale=level, seed=SEED + i)``
    (the same cells at every level; only the noise grows), smoothed and
    segmented with the defaults. Returns a ``(len(noise_levels), n_images)``
    array of int.
    """
    levels = tuple(float(v) for v in np.atleast_1d(noise_levels))
    return _counts(levels, int(n_images)).copy()


def _numbers_or_none(values):
    if isinstance(values, (str, dict, set)) or too_long(values):
        return None
    try:
        arr = np.asarray(values, dtype=float)
    except Exception:  # noqa: BLE001 - not numbers
        return None
    return arr if np.isfinite(arr).all() else None


def _shape_problem(name, arr, n):
    """What is wrong with the shape of ``arr`` (one value per noise level), or None."""
    if arr.shape == (n,):
        return None
    if arr.shape == (n, N_IMAGES):
        return f"{name} has one value per image and level {arr.shape}; average over the images (axis=1)."
    if arr.shape == (N_IMAGES,):
        return (f"{name} has {N_IMAGES} values, one per image: you took it over the levels (axis=0); "
                "take it over the images (axis=1).")
    return f"{name} should be {n} numbers, one per noise level, but it has shape {arr.shape}."


@never_raises("Pass two lists of numbers, one per noise level: check_count_statistics(mean, std).")
def check_count_statistics(mean, std):
    """Check the mean and standard deviation of the count at each of :data:`NOISE_LEVELS`.

    ``std`` is the population standard deviation (``np.std``, ``ddof=0``); the
    sample one (``ddof=1``) is accepted too.

    Examples
    --------
    >>> check_count_statistics([1, 2], [0, 0]).message
    'mean should be 5 numbers, one per noise level, but it has shape (2,).'
    """
    if is_placeholder(mean) or is_placeholder(std):
        return Feedback(None, _NOT_ANSWERED)
    n = len(NOISE_LEVELS)
    for name, values in (("mean", mean), ("std", std)):
        arr = _numbers_or_none(values)
        if arr is None:
            return Feedback(False, f"{name} should be {n} finite numbers, one per noise level, "
                                   f"but it is {_short(values)}.")
        problem = _shape_problem(name, arr, n)
        if problem:
            return Feedback(False, problem)
    mean_arr, std_arr = _numbers_or_none(mean), _numbers_or_none(std)
    counts = _noise_counts()
    right_mean = np.isclose(mean_arr, counts.mean(axis=1), atol=1e-9)
    if not right_mean.all():
        if np.all(mean_arr == synthetic.N_CELLS):
            return Feedback(False, f"the mean is not {synthetic.N_CELLS} at every level: run the pipeline "
                            "on the images and count, do not assume it is always right.")
        levels = [f"{NOISE_LEVELS[i]:g}" for i in np.flatnonzero(~right_mean)]
        return Feedback(
            False,
            f"The means are not right at noise level(s) {', '.join(levels)}. Use "
            f"make_image(noise_scale=level, seed=SEED + i) for i = 0..{N_IMAGES - 1}, smooth, segment "
            "with the defaults and average the counts.",
        )
    if not (
        np.allclose(std_arr, counts.std(axis=1), atol=1e-9)
        or np.allclose(std_arr, counts.std(axis=1, ddof=1), atol=1e-9)
    ):
        if np.allclose(std_arr, counts.var(axis=1), atol=1e-9):
            return Feedback(False, "the means are right, but std is the variance: take its square root (np.std).")
        return Feedback(False, "The means are right but the standard deviations are not: np.std of the "
                        "50 counts at each level (axis=1).")
    return Feedback(True, "Mean and standard deviation of the count are right at every noise level.")


@never_raises("Pass one noise level, one of EXTENDED_NOISE_LEVELS: check_failure_level(0.05).")
def check_failure_level(level):
    """Check the smallest level of :data:`EXTENDED_NOISE_LEVELS` at which some image is miscounted.

    Examples
    --------
    >>> check_failure_level(0.33).message
    '0.33 is not one of EXTENDED_NOISE_LEVELS (0.05, 0.1, ..., 1.0); answer with one of them.'
    >>> check_failure_level(...).correct is None
    True
    """
    problem = number_problem(level, "the noise level")
    if problem is not None:
        return problem
    value = float(scalar(level))
    counts = _noise_counts(EXTENDED_NOISE_LEVELS)
    wrong = (counts != synthetic.N_CELLS).any(axis=1)
    first = int(np.argmax(wrong))
    expected = EXTENDED_NOISE_LEVELS[first]
    if math.isclose(value, expected, abs_tol=1e-9):
        n_wrong = int((counts[first] != synthetic.N_CELLS).sum())
        return Feedback(True, f"At noise {expected:g} the count is wrong in {n_wrong} of {N_IMAGES} images.")
    matches = [i for i, v in enumerate(EXTENDED_NOISE_LEVELS) if math.isclose(value, v, abs_tol=1e-9)]
    if not matches:
        if value.is_integer() and 0 <= value < len(EXTENDED_NOISE_LEVELS):
            return Feedback(False, f"{value:g} looks like a position in the list; answer with the noise level "
                            "itself, EXTENDED_NOISE_LEVELS[position].")
        return Feedback(False, f"{value:g} is not one of EXTENDED_NOISE_LEVELS (0.05, 0.1, ..., 1.0); "
                               "answer with one of them.")
    index = matches[0]
    if index < first:
        return Feedback(False, f"at noise {value:g} all {N_IMAGES} images are still counted right; go further.")
    return Feedback(False, f"at noise {value:g} some images are miscounted, but already at a lower level "
                    "some are: find the first level where at least one image does not give N_CELLS cells.")


# --- Exercise "Adaptive thresholding" ------------------------------------------------


@never_raises("Pass one whole number: check_global_count(n_global).")
def check_global_count(n_cells):
    """Check how many cells the default global pipeline finds under the gradient.

    The image is ``make_uneven_illumination()``, smoothed and segmented with the
    defaults.

    Examples
    --------
    >>> check_global_count("five").message
    "the number of objects should be a number, but it is the text 'five': remove the quotes."
    """
    if is_placeholder(n_cells):
        return Feedback(None, _NOT_ANSWERED)
    if isinstance(n_cells, np.ndarray) and n_cells.ndim == 2 and n_cells.dtype.kind in "iu":
        return Feedback(False, "this is the label image that segment returns; the count is its "
                        "largest label: labels.max().")
    value, problem = whole_number(n_cells, "the number of objects")
    if problem is not None:
        return problem
    image = synthetic.make_uneven_illumination().image
    expected = int(pipeline.segment(pipeline.smooth(image)).max())
    if value == expected:
        return Feedback(True, f"The global threshold finds {expected} objects for {synthetic.N_CELLS} cells.")
    if value == synthetic.N_CELLS:
        return Feedback(False, f"{synthetic.N_CELLS} is how many cells the image has; the question is how many "
                        "objects the global threshold finds. Run it and count.")
    if value == int(pipeline.segment(image).max()):
        return Feedback(False, "that is the count without smoothing; smooth the image first (cellseg.smooth).")
    return Feedback(
        False,
        "Not the right count. Smooth the image with the default sigma and segment it with the "
        "default threshold; the count is the largest label, labels.max().",
    )


@never_raises("Pass a label image of the image's shape: check_adaptive_labels(labels).")
def check_adaptive_labels(labels):
    """Check the local-threshold segmentation of the unevenly lit image.

    Right means one object per cell: :data:`~cellseg.synthetic.N_CELLS`
    objects, each containing a different true centre.

    Examples
    --------
    >>> from cellseg.synthetic import make_uneven_illumination
    >>> check_adaptive_labels(make_uneven_illumination().image).message[:51]
    'labels has floating-point dtype float64, but a labe'

    """
    scene = synthetic.make_uneven_illumination()
    image, centers = scene.image, scene.centers
    labels, feedback = _labels_or_feedback(labels, image.shape, "labels")
    if feedback is not None:
        return feedback
    hit = objects_at_points(labels, centers)
    n_objects = int(np.count_nonzero(np.unique(labels)))
    if one_object_per_point(labels, centers):
        return Feedback(True, f"{n_objects} objects, one per cell: the local threshold restored the count.")
    if len(np.unique(hit[hit > 0])) < np.count_nonzero(hit):
        hint = "Some object still holds several cells: the threshold is too low on the bright side."
    else:
        hint = "Check the window size (larger than a cell) and the offset above the background."
    return Feedback(False, f"{n_objects} object{'' if n_objects == 1 else 's'} for {len(centers)} cells. {hint}")
