"""Checker of the exercise "Beat the baseline" (lesson "Tune and compare on real nuclei").

The learner writes a function ``image -> labels`` for the real nuclei image
(:func:`cellseg.data.nuclei_2d`). :func:`check_beat_the_baseline` runs it, scores
the result on the test part (the bottom half; each nucleus counts in the part
that holds its centroid) with a bootstrap interval over 64 x 64 tiles, and
compares it with the classical baseline that the lesson's game picks: each
method of :data:`cellseg.tuning.BASELINES` is tuned on the tuning part (the top
half), as in the lesson, and the one of the five that scores best on the
tuning part is the baseline to beat. (Picking it by its score on the test part
would use the test part twice, for the choice and for the verdict: the very
mistake the lesson warns against.) The comparison is a paired bootstrap of the DSB
difference on the same resampled tiles; the function "beats the baseline" when
the whole 95 % interval of the difference lies above zero.

The baseline's method and setting are the sweep's choice, written down as
:data:`BASELINE` (the lesson runs the sweep and asserts that it still picks it);
every score comes from :mod:`cellseg`, never from a typed-in value.
"""

import functools
from typing import NamedTuple

import numpy as np

from cellseg import errors, scoring, tuning
from cellseg.data import nuclei_2d
from cellseg.labels import check_label_image
from .feedback import Feedback, _NOT_ANSWERED, is_placeholder, never_raises

__all__ = ["TILE", "N_RESAMPLES", "SEED", "BASELINE", "parts", "BaselineResult", "pick_baseline", "best_baseline",
           "check_beat_the_baseline"]

TILE = 64  #: side of the bootstrap tiles (pixels)
N_RESAMPLES = 2000  #: bootstrap resamples
SEED = 20260  #: seed of the bootstrap resampling

_HINTS = {
    "merge": "touching nuclei come out as one object: cut them apart (seeds one per nucleus, a watershed).",
    "split": "nuclei are cut into pieces: use fewer, larger-scale seeds (smooth more before finding maxima).",
    "boundary": "the right nuclei, with outlines too far from the annotation: the dim nuclei need a lower "
                "edge than the bright ones (an edge where the intensity changes fastest follows both).",
    "missed": "annotated nuclei are not found at all: the dim ones fall below your threshold.",
    "spurious": "objects where nothing was annotated: filter by size or raise the threshold for seeds.",
}


def parts():
    """The tiles of the lesson and which of them form the tuning and the test part.

    Returns
    -------
    tiles : 2-D ndarray of int
        Tile id of every pixel of the 512 x 512 image (64 x 64 tiles, raster order).
    tuning, test : 1-D ndarray of bool
        For each tile, whether it belongs to the tuning part (top half) or the test part.

    Examples
    --------
    >>> tiles, tuning_part, test_part = parts()
    >>> tiles.shape, int(tuning_part.sum()), int(test_part.sum())
    ((512, 512), 32, 32)
    """
    shape = nuclei_2d()[1].shape
    tiles = scoring.grid_regions(shape, tile_shape=(TILE, TILE))
    n_tiles = int(tiles.max()) + 1
    tuning_part = np.arange(n_tiles) < n_tiles // 2
    return tiles, tuning_part, ~tuning_part


class BaselineResult(NamedTuple):
    """The baseline to beat: a method of the lesson's sweep at its tuned setting."""

    method: str  #: name in :data:`cellseg.tuning.BASELINES`
    params: dict  #: its setting, chosen on the tuning part
    tuning_dsb: float  #: DSB score on the tuning part
    counts: object  #: its :class:`cellseg.scoring.RegionCounts` on the test part


#: The baseline to beat, as :func:`pick_baseline` finds it in the lesson's sweep: the method
#: and its setting tuned on the tuning part. Written here so that the exercise starts at once
#: instead of re-running the 156 settings of the sweep (several seconds); the lesson "Tune and
#: compare on real nuclei" runs the sweep and asserts that it picks exactly this, so the two
#: cannot drift apart. Every score is computed from it (:func:`best_baseline`).
BASELINE = ("local threshold", {"size": 25, "offset": 15.0})


def pick_baseline(results):
    """Tune every method on the tuning part; keep the one that does best there too.

    Parameters
    ----------
    results : list of cellseg.tuning.SweepResult
        A sweep of the image of :func:`cellseg.data.nuclei_2d` over the tiles of
        :func:`parts` (:func:`cellseg.tuning.sweep`).

    Returns
    -------
    method : str
        The method whose tuned setting has the best DSB score on the tuning part.
    params : dict
        That setting (the first of equals). The test part plays no part in the choice.

    Examples
    --------
    >>> image, truth = nuclei_2d()
    >>> tiles, _, _ = parts()
    >>> few = {"Voronoi-Otsu": tuning.Baseline(tuning.BASELINES["Voronoi-Otsu"].function, {},
    ...                                         {"spot_sigma": [2.0, 3.5], "outline_sigma": [1.0]})}
    >>> pick_baseline(tuning.sweep(image.astype(float), truth, regions=tiles, methods=few))
    ('Voronoi-Otsu', {'spot_sigma': 3.5, 'outline_sigma': 1.0})
    """
    results = list(results) if isinstance(results, (list, tuple)) else results
    if not isinstance(results, list) or not results or not all(isinstance(r, tuning.SweepResult) for r in results):
        raise TypeError("results must be a non-empty list of cellseg.tuning.SweepResult, as "
                        f"cellseg.tuning.sweep(image, truth, regions=tiles) returns; got {type(results).__name__}.")
    _, tuning_part, _ = parts()
    best_score, best = -np.inf, None
    for result in results:
        score = result.counts.select(tuning_part).pooled()["dsb"]
        if score > best_score:
            best_score, best = score, result
    return best.method, dict(best.params)


@functools.lru_cache(maxsize=1)
def best_baseline():
    """The baseline to beat (:data:`BASELINE`), scored on the tuning and the test part.

    Returns
    -------
    BaselineResult

    Examples
    --------
    >>> baseline = best_baseline()
    >>> baseline.method, baseline.counts.n_regions
    ('local threshold', 32)
    """
    method, params = BASELINE
    image, truth = nuclei_2d()
    tiles, tuning_part, test_part = parts()
    labels = tuning.BASELINES[method](image.astype(float), **params)
    counts = scoring.count_by_region(truth, labels, regions=tiles)
    return BaselineResult(method, {**tuning.BASELINES[method].default, **params},
                          float(counts.select(tuning_part).pooled()["dsb"]), counts.select(test_part))


def _run(segment_nuclei, image):
    """Call the learner's function; return ``(labels, None)`` or ``(None, Feedback)``."""
    if is_placeholder(segment_nuclei):
        return None, Feedback(None, _NOT_ANSWERED)
    if not callable(segment_nuclei):
        return None, Feedback(False, (
            f"segment_nuclei should be a function that takes the image and returns a label image; "
            f"it is a {type(segment_nuclei).__name__}. Assign the function itself, without calling it: "
            "segment_nuclei = my_function."
        ))
    try:
        labels = segment_nuclei(image.copy())
    except Exception as error:  # the learner's code: report any failure, never raise
        return None, Feedback(False, f"your function raised {type(error).__name__}: {error}")
    if is_placeholder(labels):
        return None, Feedback(None, "Your function returns nothing yet (None or ...): make it return a label image.")
    try:
        labels = check_label_image(labels, name="the result of your function", ndim=2)
    except (TypeError, ValueError) as error:
        return None, Feedback(False, str(error))
    if labels.shape != image.shape:
        return None, Feedback(False, (
            f"your function returned a label image of shape {labels.shape}; it should have the "
            f"image's shape {image.shape} (one label per pixel of the whole image)."
        ))
    return labels, None


def _dominant_error(truth, labels, tiles, test_part):
    """The most frequent error kind among the test part's objects, and how often it occurs."""
    table = errors.classify_errors(truth, labels, topology=False)
    true_ids, true_tile = scoring.centroid_regions(truth, tiles)
    pred_ids, pred_tile = scoring.centroid_regions(labels, tiles)
    in_test_true = dict(zip(true_ids.tolist(), test_part[true_tile].tolist()))
    in_test_pred = dict(zip(pred_ids.tolist(), test_part[pred_tile].tolist()))
    counts = dict.fromkeys(_HINTS, 0)
    for row in table:  # one row per object or group of objects
        if row.kind in counts:
            test = in_test_true[row.true_ids[0]] if row.true_ids else in_test_pred[row.pred_ids[0]]
            counts[row.kind] += bool(test)
    kind = max(counts, key=counts.get)
    return kind, counts[kind]


@never_raises("Pass your segmentation function itself (image -> label image), without calling it: "
              "check_beat_the_baseline(segment_nuclei).")
def check_beat_the_baseline(segment_nuclei):
    """Score ``segment_nuclei`` on the test part and compare it with the lesson's tuned baseline.

    Parameters
    ----------
    segment_nuclei : callable
        ``segment_nuclei(image) -> labels`` for the image of :func:`cellseg.data.nuclei_2d`
        (``uint16``, 512 x 512); it gets a copy of the image.

    Returns
    -------
    Feedback
        True when the paired 95 % bootstrap interval of the DSB difference
        (yours minus the baseline's, on the test part) lies entirely above zero.

    Examples
    --------
    >>> check_beat_the_baseline(...).correct is None
    True
    >>> check_beat_the_baseline("labels").correct
    False
    """
    image, truth = nuclei_2d()
    labels, problem = _run(segment_nuclei, image)
    if problem is not None:
        return problem
    tiles, _, test_part = parts()
    mine = scoring.count_by_region(truth, labels, regions=tiles).select(test_part)
    baseline = best_baseline()
    own = scoring.bootstrap_scores(mine, n_resamples=N_RESAMPLES, seed=SEED)
    paired = scoring.bootstrap_scores(mine, other=baseline.counts, n_resamples=N_RESAMPLES, seed=SEED)
    score, base = mine.pooled()["dsb"], baseline.counts.pooled()["dsb"]
    low, high = scoring.percentile_interval(own["dsb"])
    d_low, d_high = scoring.percentile_interval(paired["dsb"])
    kind, n_kind = _dominant_error(truth, labels, tiles, test_part)
    summary = (
        f"Your function scores a DSB score of {score:.3f} on the test part (95 % interval "
        f"{low:.3f} to {high:.3f}); the classical baseline, {baseline.method} tuned on "
        f"the tuning part, scores {base:.3f}. The difference is {score - base:+.3f}, with a paired "
        f"95 % interval from {d_low:+.3f} to {d_high:+.3f}."
    )
    errors_line = (f" Most frequent error on the test part: {kind} ({n_kind})." if n_kind
                   else " No error of any kind on the test part.")
    if d_low > 0:
        return Feedback(True, summary + " That is more than the noise: you beat the baseline." + errors_line)
    if not n_kind:
        kind = "boundary"
    verdict = (" The interval contains zero: not (yet) better than the noise." if d_high >= 0
               else " The interval lies below zero: the baseline is better.")
    return Feedback(False, summary + verdict + errors_line + " Hint: " + _HINTS[kind]
                    + " Tune on the tuning part only.")
