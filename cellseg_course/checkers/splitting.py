"""Checkers for the exercises of the lesson "Splitting touching cells and cleaning up labels".

Every checker rebuilds the exercise's image with :mod:`cellseg.synthetic` (same
seed), so the expected answer always comes from the code, never from a typed-in
number.
"""

import functools
import math
import numbers

import numpy as np

from cellseg import pipeline, synthetic
from cellseg.metrics import class_scores, objects_at_points, one_object_per_point
from cellseg.labels import check_label_image
from .feedback import Feedback, _NOT_ANSWERED, is_placeholder, number_problem

__all__ = [
    "PAIR_DISTANCE",
    "NOISE_LEVELS",
    "EXTENDED_NOISE_LEVELS",
    "N_IMAGES",
    "check_pair_split",
    "check_intensity_classes",
    "noise_counts",
    "check_count_statistics",
    "check_failure_level",
    "check_global_count",
    "check_adaptive_labels",
]

PAIR_DISTANCE = 14  #: centre-to-centre distance of the watershed exercise (pixels)
NOISE_LEVELS = (0.05, 0.10, 0.15, 0.20, 0.25)  #: noise levels of the noise-vs-count exercise
#: the extended sweep that finds where the pipeline starts to fail: 0.05, 0.10, ..., 1.00
EXTENDED_NOISE_LEVELS = tuple(round(0.05 * k, 2) for k in range(1, 21))
N_IMAGES = 50  #: images per noise level; image ``i`` uses ``seed = SEED + i``



def _labels_or_feedback(labels, shape, what):
    """Return ``(labels, None)`` for a valid label image of ``shape``, else ``(None, Feedback)``."""
    if is_placeholder(labels):
        return None, Feedback(None, _NOT_ANSWERED)
    try:
        labels = check_label_image(labels, what, ndim=2)
    except (TypeError, ValueError) as error:
        return None, Feedback(False, str(error))
    if labels.shape != shape:
        return None, Feedback(
            False, f"{what} has shape {labels.shape}; it should have the image's shape {shape}."
        )
    return labels, None


# --- Exercise "Watershed" -----------------------------------------------------------


def check_pair_split(labels, max_offset=3.0):
    """Check the label image of the two cells ``PAIR_DISTANCE`` px apart.

    The image is ``make_pair(PAIR_DISTANCE)``. Right means exactly two objects,
    each containing one of the true centres, with its centre of mass within
    ``max_offset`` pixels of that centre.

    Examples
    --------
    >>> import numpy as np
    >>> from cellseg.synthetic import make_pair
    >>> truth = make_pair(PAIR_DISTANCE).labels
    >>> bool(check_pair_split(truth))
    True
    >>> bool(check_pair_split(truth > 0))
    False
    """
    from scipy import ndimage as ndi

    scene = synthetic.make_pair(PAIR_DISTANCE)
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
    found = np.array(ndi.center_of_mass(labels > 0, labels, hit))
    offsets = np.hypot(*(found - centers).T)
    if offsets.max() > max_offset:
        return Feedback(
            False,
            f"Two objects, one per cell, but a centre of mass lies {offsets.max():.1f} px from its "
            f"cell's centre (at most {max_offset:g} px expected): the cut is in the wrong place.",
        )
    return Feedback(
        True,
        f"Two objects, one per cell; their centres of mass are within {offsets.max():.1f} px "
        "of the true centres.",
    )


# --- Exercise "Intensity classes" ---------------------------------------------------


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
    >>> scene = make_bright_dim(); truth, classes = scene.labels, scene.classes
    >>> bool(check_intensity_classes(truth, classes, {"bright": (1, 1), "dim": (1, 1)}))
    True
    """
    if is_placeholder(labels) or is_placeholder(predicted) or is_placeholder(scores):
        return Feedback(None, _NOT_ANSWERED)
    scene = synthetic.make_bright_dim()
    image, centers, classes = scene.image, scene.centers, scene.classes
    labels, feedback = _labels_or_feedback(labels, image.shape, "labels")
    if feedback is not None:
        return feedback
    try:
        expected = class_scores(labels, predicted, centers, classes)
    except ValueError as error:
        return Feedback(False, str(error))
    if not isinstance(scores, dict) or set(scores) != set(expected):
        return Feedback(
            False, 'scores should be a dict {"bright": (precision, recall), "dim": (precision, recall)}.'
        )
    for c, (precision, recall) in expected.items():
        try:
            got = tuple(float(v) for v in scores[c])
        except (TypeError, ValueError):
            return Feedback(False, f"scores[{c!r}] should be a pair of numbers (precision, recall).")
        if len(got) != 2 or not all(
            math.isclose(g, e, abs_tol=1e-9) or (math.isnan(g) and math.isnan(e))
            for g, e in zip(got, (precision, recall))
        ):
            return Feedback(
                False,
                f"For your labels and classes the {c} cells have precision {precision:.3g} and "
                f"recall {recall:.3g}, but you reported {scores[c]!r}. Recount the matches.",
            )
    hit = objects_at_points(labels, centers)
    n_dim_missed = int(((hit == 0) & (classes == "dim")).sum())
    if not one_object_per_point(labels, centers):
        hint = ""
        if n_dim_missed:
            hint = (
                f" You missed {n_dim_missed} dim cell(s): a dim cell's smoothed peak is below the "
                "default threshold of 0.5, so lower the threshold."
            )
        return Feedback(
            False,
            "Your scores are consistent with your labels, but the segmentation is not one "
            f"object per cell ({int(labels.max())} objects for {len(centers)} cells).{hint}",
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


def noise_counts(noise_levels=NOISE_LEVELS, n_images=N_IMAGES):
    """Cells found by the default pipeline in ``n_images`` images at each noise level.

    Image ``i`` of every level is ``make_image(noise_scale=level, seed=SEED + i)``
    (the same cells at every level; only the noise grows), smoothed and
    segmented with the defaults.

    Returns
    -------
    counts : (len(noise_levels), n_images) ndarray of int

    Examples
    --------
    >>> noise_counts([0.15], 3)
    array([[8, 8, 8]])
    """
    levels = tuple(float(v) for v in np.atleast_1d(noise_levels))
    return _counts(levels, int(n_images)).copy()


def _array_or_none(values, n):
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr if arr.shape == (n,) and np.isfinite(arr).all() else None


def check_count_statistics(mean, std):
    """Check the mean and standard deviation of the count at each of :data:`NOISE_LEVELS`.

    ``std`` is the population standard deviation (``np.std``, ``ddof=0``); the
    sample one (``ddof=1``) is accepted too.

    Examples
    --------
    >>> counts = noise_counts()
    >>> bool(check_count_statistics(counts.mean(axis=1), counts.std(axis=1)))
    True
    """
    if is_placeholder(mean) or is_placeholder(std):
        return Feedback(None, _NOT_ANSWERED)
    n = len(NOISE_LEVELS)
    mean_arr, std_arr = _array_or_none(mean, n), _array_or_none(std, n)
    if mean_arr is None or std_arr is None:
        return Feedback(False, f"mean and std should each be {n} finite numbers, one per noise level.")
    counts = noise_counts()
    if not np.allclose(mean_arr, counts.mean(axis=1), atol=1e-9):
        return Feedback(
            False,
            "The means are not right. Use make_image(noise_scale=level, seed=SEED + i) for "
            f"i = 0..{N_IMAGES - 1}, smooth, segment with the defaults and average the counts.",
        )
    if not (
        np.allclose(std_arr, counts.std(axis=1), atol=1e-9)
        or np.allclose(std_arr, counts.std(axis=1, ddof=1), atol=1e-9)
    ):
        return Feedback(False, "The means are right but the standard deviations are not.")
    return Feedback(True, "Mean and standard deviation of the count are right at every noise level.")


def check_failure_level(level):
    """Check the smallest level of :data:`EXTENDED_NOISE_LEVELS` at which some image is miscounted.

    Examples
    --------
    >>> check_failure_level(...).correct is None
    True
    """
    problem = number_problem(level, "the noise level")
    if problem is not None:
        return problem
    counts = noise_counts(EXTENDED_NOISE_LEVELS)
    wrong = (counts != synthetic.N_CELLS).any(axis=1)
    expected = EXTENDED_NOISE_LEVELS[int(np.argmax(wrong))] if wrong.any() else math.nan
    if math.isclose(float(level), expected, abs_tol=1e-9):
        n_wrong = int((counts[int(np.argmax(wrong))] != synthetic.N_CELLS).sum())
        return Feedback(True, f"At noise {expected:g} the count is wrong in {n_wrong} of {N_IMAGES} images.")
    return Feedback(
        False,
        "Not this level. Run the pipeline at every level of EXTENDED_NOISE_LEVELS and take the "
        "first one where at least one image does not give exactly N_CELLS cells.",
    )


# --- Exercise "Adaptive thresholding" ------------------------------------------------


def check_global_count(n_cells):
    """Check how many cells the default global pipeline finds under the gradient.

    The image is ``make_uneven_illumination()``, smoothed and segmented with the
    defaults.

    Examples
    --------
    >>> check_global_count(8).correct
    False
    """
    if is_placeholder(n_cells):
        return Feedback(None, _NOT_ANSWERED)
    image = synthetic.make_uneven_illumination().image
    expected = pipeline.segment(pipeline.smooth(image))[1]
    if isinstance(n_cells, (numbers.Integral, np.integer)) and not isinstance(n_cells, bool):
        if int(n_cells) == expected:
            return Feedback(
                True,
                f"The global threshold finds {expected} objects for {synthetic.N_CELLS} cells.",
            )
    return Feedback(
        False,
        "Not the right count. Smooth the image with the default sigma and segment it with the "
        "default threshold; the count is the second value that segment returns.",
    )


def check_adaptive_labels(labels):
    """Check the local-threshold segmentation of the unevenly lit image.

    Right means one object per cell: :data:`~cellseg.synthetic.N_CELLS`
    objects, each containing a different true centre.

    Examples
    --------
    >>> from cellseg.synthetic import make_uneven_illumination
    >>> truth = make_uneven_illumination().labels
    >>> bool(check_adaptive_labels(truth))
    True
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
    return Feedback(False, f"{n_objects} objects for {len(centers)} cells. {hint}")
