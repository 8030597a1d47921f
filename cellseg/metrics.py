"""Measure the quality of a segmentation against a reference.

Three families of measures, each a small function on arrays:

- **Pixel level** (:func:`pixel_scores`, :func:`confusion_counts`, :func:`dice`,
  :func:`jaccard`, :func:`volume_similarity`, :func:`symmetric_volume_difference`,
  :func:`classification_error`): both images are read as binary masks, a label image counting
  as its foreground (every pixel that is not 0).
- **Object level** (:func:`matching`, :func:`average_precision`,
  :func:`jaccard_index_sparse`, built on :func:`overlap_table`): objects are
  paired one-to-one by their intersection over union (IoU).
- **Distances** (:func:`centroid_distances`, :func:`mean_contour_distance`,
  :func:`hausdorff_distance`), in pixels or in physical units with ``spacing``.
- **The peers' measures**, each from the same overlap table:
  :func:`aggregated_jaccard_index` (AJI and AJI+), :func:`dice2` (HoVer-Net),
  :func:`coco_average_precision` (COCO's confidence-ranked AP),
  :func:`class_pixel_scores` (per class of a class map), and StarDist's
  ``iot``/``iop`` criteria in :func:`matching`.

Conventions shared by every function
------------------------------------
- ``y_true`` is the reference (ground truth, annotation) and ``y_pred`` the
  segmentation being judged. They must have the same shape, 2-D or 3-D, and be
  integer label images with 0 as background (booleans count as one object);
  floats and negative values raise a ``ValueError`` that says what to pass.
- Label ids need not be consecutive: ``[0, 3, 17]`` is as good as ``[0, 1, 2]``.
- **Empty images.** A ratio whose denominator is 0 (precision with nothing
  predicted, recall with nothing to find, ...) is 1.0 when the two images agree
  completely (no false positive and no false negative, e.g. both empty: nothing
  to find and nothing found) and 0.0 otherwise. StarDist returns 0.0 in the
  "both empty" case; every other result is the same.

Examples
--------
>>> truth = np.zeros((6, 6), int); truth[1:5, 1:3] = 1; truth[1:5, 4:6] = 2
>>> pred = np.zeros((6, 6), int); pred[1:5, 1:3] = 7        # object 2 missed
>>> m = matching(truth, pred)
>>> m.tp, m.fp, m.fn, m.precision, m.recall
(1, 0, 1, 1.0, 0.5)
>>> round(dice(truth, pred), 4)
0.6667
"""

import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import (
    connected_components,
    maximum_bipartite_matching,
    min_weight_full_bipartite_matching,
)

from . import _validate
from .labels import check_label_image, check_label_pair

__all__ = [
    "DSB_THRESHOLDS",
    "PixelScores",
    "OverlapTable",
    "Matching",
    "confusion_counts",
    "pixel_scores",
    "dice",
    "jaccard",
    "volume_similarity",
    "symmetric_volume_difference",
    "classification_error",
    "overlap_table",
    "match_objects",
    "matching",
    "average_precision",
    "jaccard_index_sparse",
    "CRITERIA",
    "aggregated_jaccard_index",
    "dice2",
    "coco_average_precision",
    "class_pixel_scores",
    "centroid_distances",
    "objects_at_points",
    "one_object_per_point",
    "class_scores",
    "mean_contour_distance",
    "hausdorff_distance",
]

#: IoU thresholds of the Data Science Bowl 2018 score: 0.50, 0.55, ..., 0.95.
DSB_THRESHOLDS = tuple(round(0.5 + 0.05 * k, 2) for k in range(10))

#: What :func:`matching` can score a pair by (StarDist's names): intersection over
#: union, over the true object, over the predicted object.
CRITERIA = ("iou", "iot", "iop")


# --------------------------------------------------------------------------- input


def _ratio(num, den, perfect):
    """``num / den``, or 1.0 / 0.0 when ``den`` is 0 (see the module notes)."""
    if den == 0:
        return 1.0 if perfect else 0.0
    return float(num) / float(den)


def _spacing(spacing, ndim):
    """The pixel size per axis (ones for pixel units): one rule, :func:`_validate.spacing`."""
    arr = _validate.spacing(spacing, ndim)
    return np.ones(ndim) if arr is None else arr


# --------------------------------------------------------------------------- pixels


@dataclass(frozen=True)
class PixelScores:
    """Pixel-level comparison of two masks (see :func:`pixel_scores`)."""

    tp: int  #: foreground in both
    fp: int  #: foreground in the prediction only
    fn: int  #: foreground in the reference only
    tn: int  #: background in both
    accuracy: float  #: (TP + TN) / all pixels
    precision: float  #: TP / (TP + FP)
    recall: float  #: TP / (TP + FN), also called sensitivity
    specificity: float  #: TN / (TN + FP)
    f1: float  #: 2 TP / (2 TP + FP + FN), equal to the Dice coefficient
    jaccard: float  #: TP / (TP + FP + FN), the intersection over union
    youden: float  #: recall + specificity - 1
    volume_error: int  #: predicted minus true foreground pixels
    relative_volume_error: float  #: volume_error / true foreground pixels
    hamming: int  #: pixels where the masks disagree, FP + FN

    @property
    def dice(self):
        """The Dice coefficient, identical to :attr:`f1`."""
        return self.f1


def confusion_counts(y_true, y_pred):
    """Count TP, FP, FN and TN pixels of a predicted mask against a reference mask.

    Every non-zero pixel is foreground, so label images can be passed as they are.

    Parameters
    ----------
    y_true, y_pred : array_like of int or bool
        Reference and predicted masks or label images, same shape (2-D or 3-D).

    Returns
    -------
    tp, fp, fn, tn : int

    Examples
    --------
    >>> confusion_counts([[1, 1, 0, 0]], [[1, 0, 1, 0]])
    (1, 1, 1, 1)
    """
    a, b = check_label_pair(y_true, y_pred)
    fa = a != 0
    fb = b != 0
    tp = int(np.count_nonzero(fa & fb))
    n_a = int(np.count_nonzero(fa))
    n_b = int(np.count_nonzero(fb))
    fp, fn = n_b - tp, n_a - tp
    return tp, fp, fn, a.size - tp - fp - fn


def pixel_scores(y_true, y_pred):
    """Every pixel-level score of a predicted mask against a reference mask.

    Parameters
    ----------
    y_true, y_pred : array_like of int or bool
        Reference and predicted masks (or label images, read as foreground),
        same shape, 2-D or 3-D.

    Returns
    -------
    PixelScores
        The counts ``tp, fp, fn, tn`` and ``accuracy, precision, recall,
        specificity, f1`` (= ``dice``), ``jaccard``, ``youden``,
        ``volume_error`` (predicted minus true pixels, positive when the
        prediction is too large), ``relative_volume_error`` (divided by the true
        pixels; ``inf`` when the reference is empty but the prediction is not)
        and ``hamming`` (= FP + FN).

    Notes
    -----
    With ``D`` the Dice coefficient and ``J`` the Jaccard index,
    ``J = D / (2 - D)`` and ``D = 2 J / (1 + J)``: for one comparison the two
    rank segmentations in the same order, and J is never larger than D. Means
    over several images need not agree: per-image Dice (0.5, 1.0) has the
    lower mean Dice (0.75 < 0.76) against (0.76, 0.76) but the higher mean
    Jaccard (0.667 > 0.613).

    Examples
    --------
    >>> s = pixel_scores([[1, 1, 1, 0]], [[0, 1, 1, 1]])
    >>> s.tp, s.fp, s.fn, s.tn
    (2, 1, 1, 0)
    >>> round(s.dice, 4), s.jaccard, s.hamming
    (0.6667, 0.5, 2)
    """
    return _scores_from_counts(*confusion_counts(y_true, y_pred))


def _scores_from_counts(tp, fp, fn, tn):
    """The :class:`PixelScores` of four pixel counts (shared by :func:`class_pixel_scores`)."""
    perfect = fp == 0 and fn == 0
    recall = _ratio(tp, tp + fn, perfect)
    specificity = _ratio(tn, tn + fp, perfect)
    n_true = tp + fn
    volume_error = fp - fn
    if n_true:
        relative = volume_error / n_true
    else:
        relative = 0.0 if volume_error == 0 else float("inf")
    return PixelScores(
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        accuracy=(tp + tn) / (tp + fp + fn + tn),
        precision=_ratio(tp, tp + fp, perfect),
        recall=recall,
        specificity=specificity,
        f1=_ratio(2 * tp, 2 * tp + fp + fn, perfect),
        jaccard=_ratio(tp, tp + fp + fn, perfect),
        youden=recall + specificity - 1.0,
        volume_error=volume_error,
        relative_volume_error=relative,
        hamming=fp + fn,
    )


def dice(y_true, y_pred):
    """Dice coefficient ``2 |A ∩ B| / (|A| + |B|)`` of two masks (1.0 if both are empty).

    Label images count as their foreground. Equal to the pixel F1 score.

    Parameters
    ----------
    y_true, y_pred : array_like
        Masks or label images, same shape.

    Returns
    -------
    float
        The Dice coefficient, in [0, 1].

    Examples
    --------
    >>> dice([[1, 1, 0]], [[0, 1, 1]])
    0.5
    """
    return pixel_scores(y_true, y_pred).f1


def jaccard(y_true, y_pred):
    """Jaccard index ``|A ∩ B| / |A ∪ B|`` (intersection over union) of two masks.

    Label images count as their foreground; 1.0 if both are empty.

    Parameters
    ----------
    y_true, y_pred : array_like
        Masks or label images, same shape.

    Returns
    -------
    float
        The Jaccard index, in [0, 1].

    Examples
    --------
    >>> round(jaccard([[1, 1, 0]], [[0, 1, 1]]), 4)
    0.3333
    """
    return pixel_scores(y_true, y_pred).jaccard


def volume_similarity(y_true, y_pred):
    """Volume similarity ``1 - |V_A - V_B| / (V_A + V_B)`` of two masks: 1 when the sizes agree.

    ``V_A`` is the foreground of the prediction and ``V_B`` that of the
    reference, in pixels (voxels in 3-D). It compares sizes only, not positions:
    a prediction of the right size in the wrong place scores 1. Use it next to
    an overlap measure (:func:`dice`), never instead of one.

    Parameters
    ----------
    y_true, y_pred : array_like
        Masks or label images (read as their foreground), same shape.

    Returns
    -------
    float
        In [0, 1]; 1.0 when the two foregrounds have the same size (both empty
        included), 0.0 when one of them is empty and the other is not.

    Notes
    -----
    The name and definition follow Taha and Hanbury (2015), "Metrics for
    evaluating 3D medical image segmentation", where it is written with pixel
    counts as ``1 - |FN - FP| / (2 TP + FP + FN)``: the same number, since
    ``V_A = TP + FP``, ``V_B = TP + FN`` and ``V_A + V_B = 2 TP + FP + FN``.
    :func:`symmetric_volume_difference` is ``2 * (1 - volume_similarity)``.
    ITK's ``LabelOverlapMeasuresImageFilter`` reports a *signed* difference
    ``2 (V_A - V_B) / (V_A + V_B)`` under the name "volume similarity"; read
    the formula, not the name, when comparing tools.

    Examples
    --------
    A prediction of 6 pixels against a reference of 4 (``1 - 2/10``), and
    a prediction of the right size shifted away (no overlap at all):

    >>> truth = [[1, 1, 1, 1, 0, 0, 0, 0]]
    >>> volume_similarity(truth, [[1, 1, 1, 1, 1, 1, 0, 0]])
    0.8
    >>> volume_similarity(truth, [[0, 0, 0, 0, 1, 1, 1, 1]]), dice(truth, [[0, 0, 0, 0, 1, 1, 1, 1]])
    (1.0, 0.0)
    """
    tp, fp, fn, _ = confusion_counts(y_true, y_pred)
    total = 2 * tp + fp + fn
    if total == 0:
        return 1.0
    return 1.0 - abs(fp - fn) / total


def symmetric_volume_difference(y_true, y_pred):
    """``2 |V_A - V_B| / (V_A + V_B)``: the size difference over the mean size (0 when they agree).

    ``V_A`` is the foreground of the prediction and ``V_B`` that of the
    reference, in pixels. Dividing by the mean of the two sizes (not by the
    reference, as :attr:`PixelScores.relative_volume_error` does) makes it
    symmetric: swapping the two masks gives the same value.

    Parameters
    ----------
    y_true, y_pred : array_like
        Masks or label images (read as their foreground), same shape.

    Returns
    -------
    float
        In [0, 2]; 0.0 when the sizes agree (both empty included), 2.0 when
        exactly one of the two is empty.

    Notes
    -----
    Equal to ``2 * (1 - volume_similarity(y_true, y_pred))``. It is sometimes
    listed as a "volume standard deviation", but it is no standard deviation:
    it is the absolute difference of two sizes relative to their mean. ITK
    reports the signed form ``2 (V_A - V_B) / (V_A + V_B)``.

    Examples
    --------
    6 predicted pixels against 4 true ones: ``2 * 2 / 10``; swapped, the same:

    >>> truth = [[1, 1, 1, 1, 0, 0, 0, 0]]
    >>> pred = [[1, 1, 1, 1, 1, 1, 0, 0]]
    >>> symmetric_volume_difference(truth, pred), symmetric_volume_difference(pred, truth)
    (0.4, 0.4)
    """
    tp, fp, fn, _ = confusion_counts(y_true, y_pred)
    total = 2 * tp + fp + fn
    if total == 0:
        return 0.0
    return 2.0 * abs(fp - fn) / total


def classification_error(y_true, y_pred):
    """Misclassified pixels per reference pixel: ``H / (TP + FN)``, with ``H = FP + FN``.

    ``H`` is the Hamming distance of the two masks (the pixels where they
    disagree, :attr:`PixelScores.hamming`) and ``TP + FN`` the size of the
    reference. It reads as "how many wrong pixels per pixel of the true
    object": 0 for a perfect mask, 1 when the errors add up to the size of
    the object, and without upper bound (a prediction may add any number of
    false positives).

    Parameters
    ----------
    y_true, y_pred : array_like
        Reference and predicted masks or label images (read as foreground),
        same shape.

    Returns
    -------
    float
        At least 0. With an empty reference: 0.0 if the prediction is empty
        too, ``inf`` otherwise (errors per reference pixel, with none).

    Notes
    -----
    Unlike Dice and Jaccard it is not symmetric: the reference is the unit.
    With the Jaccard index ``J = TP / (TP + FP + FN)`` and the recall
    ``R = TP / (TP + FN)``, ``classification_error = R (1 - J) / J``.

    Examples
    --------
    A reference of 4 pixels; the prediction finds 3 of them and adds 1:
    ``H = 1 + 1 = 2`` errors over 4 reference pixels.

    >>> truth = [[1, 1, 1, 1, 0, 0]]
    >>> pred = [[0, 1, 1, 1, 1, 0]]
    >>> classification_error(truth, pred)
    0.5
    """
    tp, fp, fn, _ = confusion_counts(y_true, y_pred)
    if tp + fn == 0:
        return 0.0 if fp == 0 else float("inf")
    return (fp + fn) / (tp + fn)


# --------------------------------------------------------------------------- overlaps


@dataclass(frozen=True, eq=False)
class OverlapTable:
    """Sizes of all objects and intersections of all overlapping pairs (see :func:`overlap_table`).

    Pairs are listed only when they share at least one pixel; ``true_index`` and
    ``pred_index`` point into ``true_ids`` and ``pred_ids``.
    """

    true_ids: np.ndarray  #: ids of the reference objects, increasing
    pred_ids: np.ndarray  #: ids of the predicted objects, increasing
    true_sizes: np.ndarray  #: pixels of each reference object
    pred_sizes: np.ndarray  #: pixels of each predicted object
    true_index: np.ndarray  #: for each overlapping pair, the index of its reference object
    pred_index: np.ndarray  #: for each overlapping pair, the index of its predicted object
    intersection: np.ndarray  #: for each overlapping pair, the pixels the two share

    @property
    def union(self):
        """Pixels in either object of each pair."""
        return (
            self.true_sizes[self.true_index] + self.pred_sizes[self.pred_index] - self.intersection
        )

    @property
    def iou(self):
        """Intersection over union of each pair (always > 0)."""
        return self.intersection / self.union


def _compact(values):
    """Ids present in ``values`` (0 always first) and the index of each value among them.

    Background keeps index 0 even when no pixel is background: otherwise the
    smallest real id would become index 0 and be read as background.
    """
    ids, inverse = np.unique(values, return_inverse=True)
    inverse = inverse.reshape(-1)
    if ids[0] != 0:
        ids = np.concatenate([np.zeros(1, ids.dtype), ids])
        inverse += 1
    return ids, inverse


def _id_dtype(*dtypes):
    """One integer dtype that holds every id of the given label dtypes (uint64 stays uint64)."""
    return np.uint64 if any(np.dtype(d) == np.uint64 for d in dtypes) else np.int64


def overlap_table(y_true, y_pred):
    """Tabulate how the objects of two label images overlap, in one pass over the pixels.

    Each foreground pixel gives the pair ``(true id, predicted id)``, encoded as
    one integer key; one sort of the keys (``np.unique``) counts every pair at
    once. Only pairs that actually share pixels are kept, so the memory is
    proportional to the number of overlapping pairs, never to
    ``n_true * n_pred``.

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Label images of the same shape, 2-D or 3-D (0 = background).

    Returns
    -------
    OverlapTable

    Examples
    --------
    >>> t = overlap_table([[1, 1, 0], [0, 5, 5]], [[2, 2, 2], [0, 0, 2]])
    >>> t.true_ids.tolist(), t.pred_ids.tolist(), t.true_sizes.tolist(), t.pred_sizes.tolist()
    ([1, 5], [2], [2, 2], [4])
    >>> t.intersection.tolist(), t.iou.tolist()
    ([2, 1], [0.5, 0.2])
    """
    a, b = check_label_pair(y_true, y_pred)
    t = a.reshape(-1)
    p = b.reshape(-1)
    tmax = int(t.max())
    pmax = int(p.max())
    true_map = pred_map = None
    if (tmax + 1) * (pmax + 1) >= 2**63:
        # Huge ids (e.g. hashes stored as uint64): renumber them first (slower, but rare).
        true_map, t = _compact(t)
        pred_map, p = _compact(p)
        tmax, pmax = len(true_map) - 1, len(pred_map) - 1
    stride = pmax + 1
    fg = t != 0
    fg |= p != 0
    key_dtype = np.int32 if (tmax + 1) * stride < 2**31 else np.int64
    keys = t[fg].astype(key_dtype) * key_dtype(stride)
    keys += p[fg].astype(key_dtype)
    pairs, counts = np.unique(keys, return_counts=True)
    pair_t = pairs // stride  # sorted, since the keys are
    pair_p = pairs - pair_t * stride
    # Sizes: sum the counts of all pairs (background included) of each object.
    t_vals, t_inv = np.unique(pair_t, return_inverse=True)
    t_sizes = np.bincount(t_inv, weights=counts).astype(np.int64)
    p_vals, p_inv = np.unique(pair_p, return_inverse=True)
    p_sizes = np.bincount(p_inv, weights=counts).astype(np.int64)
    t_first = 1 if t_vals.size and t_vals[0] == 0 else 0
    p_first = 1 if p_vals.size and p_vals[0] == 0 else 0
    both = (pair_t != 0) & (pair_p != 0)
    true_ids = t_vals[t_first:]
    pred_ids = p_vals[p_first:]
    if true_map is not None:
        true_ids = true_map[true_ids]
        pred_ids = pred_map[pred_ids]
    return OverlapTable(
        true_ids=true_ids.astype(a.dtype),
        pred_ids=pred_ids.astype(b.dtype),
        true_sizes=t_sizes[t_first:],
        pred_sizes=p_sizes[p_first:],
        true_index=t_inv[both] - t_first,
        pred_index=p_inv[both] - p_first,
        intersection=counts[both].astype(np.int64),
    )


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True, eq=False)
class Matching:
    """Result of :func:`matching` at one IoU threshold.

    ``matched_pairs`` is an ``(tp, 2)`` array of ``(true id, predicted id)``,
    sorted by true id (int64, or uint64 when either image is uint64, so that
    ids at or above 2**63 keep their value), and ``matched_scores`` their IoUs
    (or the scores of ``criterion``).
    """

    iou_threshold: float
    strict: bool
    n_true: int
    n_pred: int
    tp: int
    fp: int
    fn: int
    precision: float  #: TP / (TP + FP)
    recall: float  #: TP / (TP + FN)
    accuracy: float  #: TP / (TP + FP + FN): StarDist's "accuracy", cellpose's and the DSB's "AP" (per image)
    f1: float  #: 2 TP / (2 TP + FP + FN)
    mean_true_score: float  #: sum of matched IoUs / n_true
    mean_matched_score: float  #: sum of matched IoUs / TP
    panoptic_quality: float  #: sum of matched IoUs / (TP + FP/2 + FN/2)
    matched_pairs: np.ndarray
    matched_scores: np.ndarray
    criterion: str = "iou"  #: what ``matched_scores`` and the thresholds measure (see :func:`matching`)

    def as_dict(self):
        """The scalar fields as a dict (one row of a table)."""
        return {
            k: getattr(self, k)
            for k in (
                "iou_threshold", "strict", "n_true", "n_pred", "tp", "fp", "fn", "precision",
                "recall", "accuracy", "f1", "mean_true_score", "mean_matched_score",
                "panoptic_quality",
            )
        }

    def __repr__(self):
        fields = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.as_dict().items()
        )
        return f"Matching({fields})"


def _assign(ti, pi, scores):
    """Maximum-cardinality matching of candidate pairs, ties broken by the largest total IoU.

    Returns a boolean mask over the candidate pairs. When every object takes part
    in at most one candidate pair (always the case for IoU thresholds above 0.5,
    because an object can then overlap only one other by more than half of their
    union) the candidates are the matching. Otherwise the candidates that touch
    a conflict go to one sparse assignment
    (:func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`), whose
    memory grows with the number of candidate pairs, never with
    ``n_true * n_pred``.

    Each candidate gains ``1 + iou / (m + 1)`` (``m`` the size of the smaller
    side), so one more match outweighs any sum of IoUs. Unless Hopcroft-Karp
    (:func:`scipy.sparse.csgraph.maximum_bipartite_matching`) shows that every
    object of the smaller side can be matched, every reference object also gets
    a private "unmatched" column of gain 0, so that a full matching of the rows
    always exists. Minimising ``3 - gain`` (positive, as the sparse solver
    needs) then maximises the number of matches first and their total IoU second.
    """
    k = len(ti)
    chosen = np.ones(k, dtype=bool)
    if k == 0:
        return chosen
    deg_t = np.bincount(ti)
    deg_p = np.bincount(pi)
    conflict = (deg_t[ti] > 1) | (deg_p[pi] > 1)
    if not conflict.any():
        return chosen
    # Candidates connected to a conflict through a chain of shared objects are part of it.
    n_t, n_p = len(deg_t), len(deg_p)
    graph = coo_matrix((np.ones(k), (ti, n_t + pi)), shape=(n_t + n_p, n_t + n_p))
    _, comp = connected_components(graph, directed=False)
    bad = np.zeros(comp.max() + 1, dtype=bool)
    bad[comp[ti[conflict]]] = True
    conflict = bad[comp[ti]]
    chosen[conflict] = False
    edges = np.flatnonzero(conflict)
    rows, r = np.unique(ti[edges], return_inverse=True)
    cols, c = np.unique(pi[edges], return_inverse=True)
    n_r, n_c = len(rows), len(cols)
    gain = 1.0 + scores[edges] / (min(n_r, n_c) + 1)
    # Hopcroft-Karp first (milliseconds): when every object of the smaller side can be
    # matched, the sparse solver needs no "unmatched" columns, which makes it much faster.
    cardinality = np.count_nonzero(
        maximum_bipartite_matching(csr_matrix((np.ones(len(r)), (r, c)), shape=(n_r, n_c))) >= 0
    )
    if cardinality == min(n_r, n_c):
        weights, row_ind, col_ind, shape = 3.0 - gain, r, c, (n_r, n_c)
    else:
        weights = np.concatenate([3.0 - gain, np.full(n_r, 3.0)])
        row_ind = np.concatenate([r, np.arange(n_r)])
        col_ind = np.concatenate([c, n_c + np.arange(n_r)])
        shape = (n_r, n_c + n_r)
    biadjacency = csr_matrix((weights, (row_ind, col_ind)), shape=shape)
    row, col = min_weight_full_bipartite_matching(biadjacency)
    real = col < n_c
    # Each (row, col) of the solution is one candidate pair: find it by its key.
    keys = r.astype(np.int64) * n_c + c
    order = np.argsort(keys)
    wanted = row[real].astype(np.int64) * n_c + col[real]
    chosen[edges[order[np.searchsorted(keys[order], wanted)]]] = True
    return chosen


def match_objects(table, *, iou_threshold=0.5, strict=False, criterion="iou"):
    """The one-to-one matching of :func:`matching`, on an :class:`OverlapTable`.

    For code that needs the matched pairs of a table it already has (the error
    classifier does), without computing the overlaps again.

    Parameters
    ----------
    table : OverlapTable
        The overlaps of two label images (:func:`overlap_table`).
    iou_threshold, strict, criterion : optional
        The matching rule, as in :func:`matching` (one threshold).

    Returns
    -------
    true_index, pred_index : 1-D ndarray of int
        Indices into ``table.true_ids`` and ``table.pred_ids`` of the matched
        pairs, sorted by ``true_index``.
    iou : 1-D ndarray of float
        The IoU of each matched pair.

    Examples
    --------
    >>> table = overlap_table([[1, 1, 0, 2]], [[5, 5, 5, 0]])
    >>> ti, pi, iou = match_objects(table, iou_threshold=0.5)
    >>> table.true_ids[ti].tolist(), table.pred_ids[pi].tolist(), iou.round(3).tolist()
    ([1], [5], [0.667])
    """
    if not isinstance(table, OverlapTable):
        raise TypeError(f"table must be an OverlapTable, the result of overlap_table(y_true, y_pred); got {table!r}.")
    iou_threshold = _validate.iou_cutoff(iou_threshold, strict=_validate.boolean(strict, "strict"))
    iou = _criterion_scores(table, _validate.choice(criterion, "criterion", CRITERIA))
    ok = iou > iou_threshold if strict else iou >= iou_threshold
    ti, pi, s = table.true_index[ok], table.pred_index[ok], iou[ok]
    chosen = _assign(ti, pi, s)
    ti, pi, s = ti[chosen], pi[chosen], s[chosen]
    order = np.argsort(ti, kind="stable")
    return ti[order], pi[order], s[order]


def _criterion_scores(table, criterion):
    """Each overlapping pair's score: IoU, or intersection over the true / predicted size."""
    if criterion == "iou":
        return table.iou
    if criterion == "iot":
        return table.intersection / table.true_sizes[table.true_index]
    if criterion == "iop":
        return table.intersection / table.pred_sizes[table.pred_index]
    raise ValueError(f"criterion must be one of {CRITERIA}, got {criterion!r}.")


def _match_one(table, iou_threshold, strict, criterion="iou"):
    ti, pi, s = match_objects(table, iou_threshold=iou_threshold, strict=strict, criterion=criterion)
    n_true, n_pred = len(table.true_ids), len(table.pred_ids)
    tp = len(ti)
    fp, fn = n_pred - tp, n_true - tp
    perfect = fp == 0 and fn == 0
    total = float(s.sum())
    dtype = _id_dtype(table.true_ids.dtype, table.pred_ids.dtype)
    pairs = np.stack([table.true_ids[ti].astype(dtype), table.pred_ids[pi].astype(dtype)], axis=1)
    return Matching(
        iou_threshold=iou_threshold,
        strict=strict,
        n_true=n_true,
        n_pred=n_pred,
        tp=tp,
        fp=fp,
        fn=fn,
        precision=_ratio(tp, tp + fp, perfect),
        recall=_ratio(tp, tp + fn, perfect),
        accuracy=_ratio(tp, tp + fp + fn, perfect),
        f1=_ratio(2 * tp, 2 * tp + fp + fn, perfect),
        mean_true_score=_ratio(total, n_true, perfect),
        mean_matched_score=_ratio(total, tp, perfect),
        panoptic_quality=_ratio(total, tp + fp / 2 + fn / 2, perfect),
        matched_pairs=pairs.reshape(-1, 2),
        matched_scores=s,
        criterion=criterion,
    )


def matching(y_true, y_pred, *, iou_threshold=0.5, strict=False, criterion="iou"):
    """Pair reference and predicted objects one-to-one by IoU and count the hits.

    A reference object and a predicted object *match* when their intersection
    over union is at least ``iou_threshold`` (more than ``iou_threshold`` with
    ``strict=True``). Among all one-to-one pairings of such candidates the one
    with the most matches is chosen, and among those the one with the largest
    total IoU (an optimal assignment). Matched pairs are true positives (TP);
    unmatched predictions are false positives (FP), unmatched reference objects
    false negatives (FN).

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Reference and predicted label images, same shape, 2-D or 3-D. Ids need
        not be consecutive.
    iou_threshold : float or sequence of float, optional
        IoU threshold(s) in [0, 1]. With a sequence, one :class:`Matching` per
        threshold is returned, all computed from one overlap table.
    strict : bool, optional
        Count IoU > threshold instead of IoU >= threshold. ``iou_threshold=0`` needs
        ``strict=True`` ("any overlap").
    criterion : {"iou", "iot", "iop"}, optional
        What a pair is scored by, as in StarDist: ``"iou"`` intersection over
        union; ``"iot"`` intersection over the true (reference) object's size;
        ``"iop"`` intersection over the predicted object's size. The threshold,
        ``matched_scores`` and the mean scores then refer to that criterion.
        ``"iot"`` forgives a prediction that is too large (it only asks how
        much of each cell was covered), ``"iop"`` one that is too small. With
        them an object can have several candidates even above 0.5 (a merged
        object covers all of both its cells under ``"iot"``); the optimal
        assignment decides, as StarDist's does.

    Returns
    -------
    Matching or list of Matching
        ``tp, fp, fn, n_true, n_pred``, ``precision, recall, f1``, ``accuracy``
        = TP / (TP + FP + FN), ``mean_true_score, mean_matched_score``,
        ``panoptic_quality`` and ``matched_pairs, matched_scores``.

    Notes
    -----
    The counts are those of ``stardist.matching.matching`` (same ``>=``
    default; IoUs are computed in float64, StarDist's in float32, which can only
    matter for objects of millions of pixels). Both find the largest number of
    matches; for thresholds at or below 0.5, when several pairings reach that
    number, StarDist's tie-break can pick different pairs (never a different
    count). If both images are empty every score is 1.0 (StarDist: 0.0).

    Memory and time follow the candidate pairs, never ``n_true * n_pred``: the
    overlaps come from one sort of the pixels, and conflicting candidates (only
    possible at thresholds at or below 0.5) go to one sparse assignment.

    What is called "AP" differs between libraries: ``accuracy`` here is
    StarDist's ``accuracy``, the "average precision" of cellpose and of the
    Data Science Bowl 2018 at one threshold; COCO's AP is an area under a
    precision-recall curve of detections ranked by confidence, a different
    quantity.

    Examples
    --------
    >>> truth = np.zeros((4, 8), int); truth[:, :4] = 1; truth[:, 4:] = 2
    >>> pred = np.zeros((4, 8), int); pred[:, 1:8] = 5          # 1 and 2 merged
    >>> m = matching(truth, pred)
    >>> m.tp, m.fp, m.fn, m.matched_pairs.tolist(), round(float(m.matched_scores[0]), 4)
    (1, 0, 1, [[2, 5]], 0.5714)
    >>> [r.tp for r in matching(truth, pred, iou_threshold=[0.5, 0.6])]
    [1, 0]
    >>> m = matching(truth, pred, criterion="iot")  # the merge covers all of cell 2
    >>> m.tp, m.matched_pairs.tolist(), float(m.matched_scores[0])
    (1, [[2, 5]], 1.0)
    """
    strict = _validate.boolean(strict, "strict")
    criterion = _validate.choice(criterion, "criterion", CRITERIA)
    single = not isinstance(iou_threshold, (list, tuple)) and (
        isinstance(iou_threshold, str) or np.ndim(iou_threshold) == 0)
    iou_thresholds = _validate.iou_cutoffs(iou_threshold, strict=strict, name="iou_threshold")
    table = overlap_table(y_true, y_pred)
    results = [_match_one(table, v, strict, criterion) for v in iou_thresholds]
    return results[0] if single else results


def average_precision(y_true, y_pred, *, iou_thresholds=DSB_THRESHOLDS, strict=False):
    """The Data Science Bowl 2018 score: the mean over IoU thresholds of TP / (TP + FP + FN).

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Reference and predicted label images.
    iou_thresholds : sequence of float, optional
        IoU thresholds; by default 0.50, 0.55, ..., 0.95 (:data:`DSB_THRESHOLDS`).
    strict : bool, optional
        As in :func:`matching`. (The DSB rules say "IoU above the threshold";
        StarDist and cellpose use ``>=``, the default here. Exact ties are rare.)

    Returns
    -------
    float

    Notes
    -----
    Called "average precision" by the DSB and cellpose, although TP / (TP + FP
    + FN) is not a precision (TP / (TP + FP)); StarDist calls it ``accuracy``.
    COCO's "AP" is something else again (area under a precision-recall curve).
    The score is per image: over a data set, the DSB and cellpose average the
    per-image scores, while StarDist's ``matching_dataset`` pools the counts
    first by default (images with (TP, FP, FN) = (1, 0, 0) and (5, 0, 5):
    mean 0.75, pooled 6/11 = 0.545).

    Examples
    --------
    >>> truth = np.zeros((10, 10), int); truth[:, :5] = 1
    >>> pred = np.zeros((10, 10), int); pred[:, :4] = 1        # IoU 0.8
    >>> average_precision(truth, pred)                         # matched at 0.50 ... 0.80
    0.7
    """
    strict = _validate.boolean(strict, "strict")
    values = _validate.iou_cutoffs(iou_thresholds, strict=strict, name="iou_thresholds")
    results = matching(y_true, y_pred, iou_threshold=values, strict=strict)
    return float(np.mean([r.accuracy for r in results]))


def jaccard_index_sparse(y_true, y_pred):
    """Mean over the annotated objects of the best IoU with any segmented object.

    The score of the segmentation game for *sparse* annotations: only some
    objects were annotated, so unannotated pixels (0 in ``annotation``) are not
    counted as background, and segmented objects away from every annotation
    cost nothing. An annotated object that no segmented object touches scores 0.

    Parameters
    ----------
    y_true : array_like of int
        Sparse reference label image (0 = not annotated).
    y_pred : array_like of int
        Label image to judge, same shape.

    Returns
    -------
    float
        In [0, 1]; NaN when ``y_true`` has no object (nothing to score).

    Examples
    --------
    >>> ann = np.zeros((4, 6), int); ann[:2, :2] = 4
    >>> seg = np.zeros((4, 6), int); seg[:2, :1] = 9; seg[:2, 1:3] = 2; seg[3, 5] = 1
    >>> jaccard_index_sparse(ann, seg)        # best: label 9, 2 shared pixels of 4
    0.5
    """
    table = overlap_table(y_true, y_pred)
    n = len(table.true_ids)
    if n == 0:
        return float("nan")
    best = np.zeros(n)
    np.maximum.at(best, table.true_index, table.iou)
    return float(best.mean())


# --------------------------------------------------------------------------- points


def _points(points, shape, name="points"):
    if points is None or isinstance(points, (str, bytes)):
        raise TypeError(f"{name} must be an (n, {len(shape)}) array of (row, col) positions, got {points!r}.")
    arr = _validate.array_like(points, name, example=f"{name}=[[10, 12], [30, 5]]")
    if arr.dtype.kind not in "iuf":
        raise ValueError(
            f"{name} must be an (n, {len(shape)}) array of numbers, (row, col) positions; got dtype {arr.dtype}."
        )
    arr = arr.astype(float)
    if arr.size == 0:
        return np.zeros((0, len(shape)), dtype=np.intp)
    if arr.ndim != 2 or arr.shape[1] != len(shape) or not np.isfinite(arr).all():
        raise ValueError(
            f"{name} must be an (n, {len(shape)}) array of finite (row, col) positions for labels of "
            f"shape {shape}, got shape {arr.shape}."
        )
    if ((arr < -0.5) | (arr >= np.array(shape) - 0.5)).any():
        raise ValueError(f"every one of {name} must lie inside the image of shape {shape}; pass positions "
                         "between 0 and the image's size minus one.")
    pixels = np.round(arr).astype(np.intp)
    return pixels


def objects_at_points(labels, points):
    """The id of the object under each point (0 where a point is on background).

    Use it to score a segmentation against true centres instead of true
    outlines: a point marks one cell.

    Parameters
    ----------
    labels : array_like of int
        Label image.
    points : (n, labels.ndim) array_like
        Positions, ``(row, col)`` in 2-D; rounded to the nearest pixel.

    Returns
    -------
    ids : (n,) ndarray

    Examples
    --------
    >>> objects_at_points([[0, 4, 4, 0, 9]], [[0, 1], [0, 3], [0, 4]]).tolist()
    [4, 0, 9]
    """
    labels = check_label_image(labels)
    return labels[tuple(_points(points, labels.shape).T)]


def one_object_per_point(labels, points):
    """True when every point lies in its own object and no object holds no point.

    The simplest object-level check against true centres: as many objects as
    cells, each cell found once, nothing extra.

    Parameters
    ----------
    labels : array_like of int
        Label image.
    points : (n, labels.ndim) array_like
        The true centres, ``(row, col)`` in 2-D; rounded to the nearest pixel
        (as in :func:`objects_at_points`).

    Returns
    -------
    bool
        Whether every point hits a different object and every object is hit.

    Examples
    --------
    >>> one_object_per_point([[1, 1, 0, 2]], [[0, 0], [0, 3]])
    True
    >>> one_object_per_point([[1, 1, 1, 1]], [[0, 0], [0, 3]])   # one object holds both
    False
    """
    labels = check_label_image(labels)
    hit = objects_at_points(labels, points)
    present = np.unique(labels)
    present = present[present != 0]
    return bool((hit != 0).all() and len(np.unique(hit)) == len(hit) == len(present))


def _class_names(values, name):
    """A 1-D array of class names (str) from a list of strings, or a clear error."""
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be a list of class names, e.g. {name}=['a', 'b']; got {values!r}.")
    arr = _validate.array_like(values, name, example=f"{name}=['a', 'b']")
    if arr.ndim != 1 or arr.dtype.kind not in "UO" or not all(isinstance(v, str) for v in arr.tolist()):
        raise TypeError(f"{name} must be a list of class names (strings), e.g. {name}=['a', 'b']; got {values!r}.")
    return arr.astype(str)


def class_scores(labels, *, predicted, centers, classes):
    """Precision and recall of each class for a labelled, classified image.

    A detected object *matches* the true cell whose centre lies inside it, when
    it contains exactly one true centre (an object that swallowed two cells
    matches neither). For class ``c``:

    - precision = matched objects predicted ``c`` whose cell is ``c``, divided by
      all objects predicted ``c``;
    - recall = cells of class ``c`` matched by an object predicted ``c``, divided
      by all cells of class ``c``.

    A ratio with nothing to divide by is ``nan``.

    Parameters
    ----------
    labels : 2-D array_like of int
        Detected objects, labels ``1..n`` (0 = background).
    predicted : sequence of str
        ``predicted[k]`` is the class given to label ``k + 1``.
    centers : (m, 2) array_like
        True centres.
    classes : sequence of str
        True class of each centre.

    Returns
    -------
    scores : dict
        ``{class: (precision, recall)}`` for every class in ``classes``.

    Examples
    --------
    >>> labels = np.array([[1, 0, 2, 0, 3]])
    >>> class_scores(labels, predicted=["a", "a", "b"], centers=[[0, 0], [0, 2], [0, 4]], classes=["a", "b", "b"])
    {'a': (0.5, 1.0), 'b': (1.0, 0.5)}
    """
    labels = check_label_image(labels, name="labels", ndim=2)
    predicted = _class_names(predicted, "predicted")
    classes = _class_names(classes, "classes")
    n = int(labels.max())
    if n > labels.size:  # more ids than pixels: ids with gaps, and a table as long as the largest id
        raise ValueError(
            f"labels must be numbered 1..n without gaps (class_scores reads predicted[k - 1] as the class "
            f"of label k), got ids up to {n} in {labels.size} pixels; renumber with "
            "skimage.segmentation.relabel_sequential(labels)[0]."
        )
    if predicted.shape != (n,):
        raise ValueError(
            f"predicted must give one class per label 1..{n}, got {predicted.size} classes."
        )
    hit = labels[tuple(_points(centers, labels.shape, "centers").T)]
    if classes.shape != hit.shape:
        raise ValueError(f"classes must give one class per centre in centers ({len(hit)}), got {classes.size}.")
    per_label = np.bincount(hit, minlength=n + 1)
    matched = (hit > 0) & (per_label[hit] == 1)  # per true cell
    cell_of_label = np.full(n + 1, -1)
    cell_of_label[hit[matched]] = np.flatnonzero(matched)
    cell = cell_of_label[1:]
    scores = {}
    for c in dict.fromkeys(classes.tolist()):  # a loop over classes (two or three), not objects
        said_c = predicted == c
        right = said_c & (cell >= 0) & (classes[np.maximum(cell, 0)] == c)
        is_c = classes == c
        found_as_c = matched & is_c
        found_as_c[matched] &= predicted[hit[matched] - 1] == c
        precision = right.sum() / said_c.sum() if said_c.any() else np.nan
        recall = found_as_c.sum() / is_c.sum() if is_c.any() else np.nan
        scores[c] = (float(precision), float(recall))
    return scores


# --------------------------------------------------------------------------- distances


def centroid_distances(y_true, y_pred, *, iou_threshold=0.5, strict=False, spacing=None):
    """Distance between the centroids of every matched pair of objects.

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Label images, same shape.
    iou_threshold, strict : optional
        Matching rule, as in :func:`matching` (one threshold).
    spacing : float or sequence of float, optional
        Pixel (voxel) size along each axis; distances are in pixels by default.

    Returns
    -------
    distances : 1-D ndarray of float
        One per matched pair, in the order of ``matching(...).matched_pairs``.

    Examples
    --------
    >>> t = np.zeros((5, 9), int); t[1:4, 1:4] = 1
    >>> p = np.zeros((5, 9), int); p[1:4, 2:5] = 3      # shifted one column
    >>> centroid_distances(t, p, iou_threshold=0.3).tolist()
    [1.0]
    """
    a, b = check_label_pair(y_true, y_pred)
    scale = _spacing(spacing, a.ndim)
    if isinstance(iou_threshold, (str, list, tuple)) or np.ndim(iou_threshold) != 0:
        raise TypeError(
            f"iou_threshold must be one number for centroid_distances, got {iou_threshold!r}; "
            "call it once per threshold, e.g.\n"
            "[centroid_distances(t, p, iou_threshold=x) for x in (0.5, 0.7)]."
        )
    iou_threshold = _validate.iou_cutoff(iou_threshold, strict=_validate.boolean(strict, "strict"))
    pairs = matching(a, b, iou_threshold=iou_threshold, strict=strict).matched_pairs
    if len(pairs) == 0:
        return np.zeros(0)
    ca = _centroids(a, pairs[:, 0])
    cb = _centroids(b, pairs[:, 1])
    return np.sqrt((((ca - cb) * scale) ** 2).sum(axis=1))


def _centroids(labels, ids):
    """Centroid of each object in ``ids`` (present in ``labels``), working on the ids present.

    One sort of the labels numbers the ids present 0, 1, ...; sums of
    coordinates per object follow from :func:`numpy.bincount`, whatever the ids
    (uint64 ids above 2**63 included).
    """
    present, inverse = np.unique(labels.reshape(-1), return_inverse=True)
    inverse = inverse.reshape(-1)
    counts = np.bincount(inverse, minlength=len(present))
    where = np.searchsorted(present, np.asarray(ids, dtype=present.dtype))
    grids = np.indices(labels.shape).reshape(labels.ndim, -1)
    sums = np.stack([np.bincount(inverse, weights=g, minlength=len(present)) for g in grids], axis=1)
    return sums[where] / counts[where, None]


def _contour(mask):
    """Pixels of the mask with a background neighbour (edge-connected) or on the image edge."""
    return mask & ~ndi.binary_erosion(mask, border_value=0)


def _contour_distances(y_true, y_pred, spacing):
    """Distances from each contour pixel of the reference to the prediction's contour, and back."""
    a, b = check_label_pair(y_true, y_pred)
    scale = _spacing(spacing, a.ndim)
    ca, cb = _contour(a != 0), _contour(b != 0)
    if not ca.any() or not cb.any():
        return None, bool(ca.any()) == bool(cb.any())
    d_to_b = ndi.distance_transform_edt(~cb, sampling=scale)
    d_to_a = ndi.distance_transform_edt(~ca, sampling=scale)
    return (d_to_b[ca], d_to_a[cb]), True


def mean_contour_distance(y_true, y_pred, *, spacing=None):
    """Bilateral mean contour distance between two masks.

    For every contour pixel of A, the distance to the nearest contour pixel of
    B; the mean of these, the same from B to A, and the average of the two
    means. Contours are the foreground pixels that touch the background along
    an edge (or the image border); distances come from
    :func:`scipy.ndimage.distance_transform_edt`.

    Parameters
    ----------
    y_true, y_pred : array_like of int or bool
        Masks or label images (read as foreground), same shape, 2-D or 3-D.
    spacing : float or sequence of float, optional
        Pixel (voxel) size along each axis.

    Returns
    -------
    float
        0.0 when both are empty, ``inf`` when only one is.

    Examples
    --------
    >>> a = np.zeros((7, 7), bool); a[2:5, 2:5] = True
    >>> b = np.zeros((7, 7), bool); b[1:6, 1:6] = True    # one pixel larger all round
    >>> round(mean_contour_distance(a, b), 4)   # 1 from A to B; 1 or sqrt(2) back
    1.0518
    """
    d, same = _contour_distances(y_true, y_pred, spacing)
    if d is None:
        return 0.0 if same else float("inf")
    return float((d[0].mean() + d[1].mean()) / 2)


def hausdorff_distance(y_true, y_pred, *, percentile=100, spacing=None):
    """Hausdorff distance between the contours of two masks (``percentile=95`` gives HD95).

    The largest distance from a contour pixel of one mask to the nearest
    contour pixel of the other, in either direction: the worst boundary error.
    With ``percentile < 100`` the given percentile of each direction's
    distances is taken instead of the maximum (and the larger of the two
    returned), which ignores a few outlying pixels. That is one of two HD95
    conventions (also MONAI's); MedPy's ``hd95`` instead takes the percentile
    of both directions' distances pooled, which can be noticeably smaller.
    Distances run between contours (outline pixels), not between all pixels of
    the masks.

    Parameters
    ----------
    y_true, y_pred : array_like of int or bool
        Masks or label images (read as foreground), same shape, 2-D or 3-D.
    percentile : float, optional
        In [0, 100]; 100 is the classical Hausdorff distance.
    spacing : float or sequence of float, optional
        Pixel (voxel) size along each axis.

    Returns
    -------
    float
        0.0 when both are empty, ``inf`` when only one is.

    Examples
    --------
    >>> a = np.zeros((7, 9), bool); a[2:5, 2:5] = True
    >>> b = a.copy(); b[3, 5:8] = True                     # a 3-pixel spur
    >>> hausdorff_distance(a, b)
    3.0
    """
    percentile = _validate.real_number(percentile, "percentile", minimum=0)
    if percentile > 100:
        raise ValueError(f"percentile must be between 0 and 100, got {percentile:g}.")
    d, same = _contour_distances(y_true, y_pred, spacing)
    if d is None:
        return 0.0 if same else float("inf")
    if percentile == 100:
        return float(max(d[0].max(), d[1].max()))
    return float(max(np.percentile(d[0], percentile), np.percentile(d[1], percentile)))


# --------------------------------------------------------------------------- the peers' measures
#
# Measures of other libraries and challenges, each computed from one overlap table:
# the Aggregated Jaccard Index (MoNuSeg) and AJI+, HoVer-Net's "Dice 2", COCO's
# confidence-ranked average precision, and pixel scores per class of a class map.


def _max_weight_pairs(ti, pi, weight):
    """One-to-one pairs of largest total ``weight`` (> 0) among candidate pairs (a boolean mask).

    Not the largest number of pairs (that is :func:`_assign`): what a dense
    ``linear_sum_assignment`` on the weights maximises. A pair whose two objects
    have no other candidate is always chosen; the rest, object groups that compete,
    go to one sparse assignment in which every row also has a private "unmatched"
    column, so that leaving an object unpaired is allowed. Costs ``2 - weight``
    (real pairs) and 2 (unmatched) are positive, as the sparse solver needs, and
    their minimum sum is ``2 n_rows - (largest total weight)``.
    """
    chosen = np.ones(len(ti), dtype=bool)
    if len(ti) == 0:
        return chosen
    deg_t = np.bincount(ti)
    deg_p = np.bincount(pi)
    conflict = (deg_t[ti] > 1) | (deg_p[pi] > 1)
    if not conflict.any():
        return chosen
    chosen[conflict] = False
    edges = np.flatnonzero(conflict)
    rows, r = np.unique(ti[edges], return_inverse=True)
    cols, c = np.unique(pi[edges], return_inverse=True)
    n_r, n_c = len(rows), len(cols)
    weights = np.concatenate([2.0 - weight[edges], np.full(n_r, 2.0)])
    row_ind = np.concatenate([r, np.arange(n_r)])
    col_ind = np.concatenate([c, n_c + np.arange(n_r)])
    biadjacency = csr_matrix((weights, (row_ind, col_ind)), shape=(n_r, n_c + n_r))
    row, col = min_weight_full_bipartite_matching(biadjacency)
    real = col < n_c
    keys = r.astype(np.int64) * n_c + c
    order = np.argsort(keys)
    wanted = row[real].astype(np.int64) * n_c + col[real]
    chosen[edges[order[np.searchsorted(keys[order], wanted)]]] = True
    return chosen


def aggregated_jaccard_index(y_true, y_pred, *, plus=False):
    """The Aggregated Jaccard Index (AJI) of a segmentation, or AJI+ with ``plus=True``.

    AJI (Kumar et al., IEEE TMI 2017; the MoNuSeg challenge) pools the pixels of all objects before dividing:
    each reference object ``G`` is paired with the predicted object ``S`` of
    highest IoU with it (none if nothing overlaps ``G``), and

    ``AJI = sum |G ∩ S| / (sum |G ∪ S| + pixels of the unpaired objects)``,

    the sums running over the reference objects, the unpaired objects being
    the reference objects that overlap nothing and the predicted objects that
    no reference object chose. One number per image, between 0 and 1, that
    falls for wrong outlines, missed, spurious, split and merged objects alike.

    A predicted object that several reference objects choose (a merge) has its
    pixels counted in the denominator once per choice. AJI+ (Graham et al.,
    HoVer-Net, 2019) pairs the objects one-to-one instead (the pairing of
    largest total IoU, among pairs that overlap), so no pixel is counted twice;
    the other cells of a merge are then unpaired, and their overlap with the
    merged object is lost from the numerator. Either can be the lower on a
    merge: AJI+ for cells of equal size, AJI when a large cell absorbs small
    ones. Where no object is chosen twice the two agree.

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Reference and predicted label images, same shape, 2-D or 3-D.
    plus : bool, optional
        Compute AJI+ (one-to-one pairing) instead of AJI.

    Returns
    -------
    float
        1.0 when both images are empty, 0.0 when only one is.

    Notes
    -----
    Ties (two predicted objects with the same IoU) go to the smaller id, as
    ``argmax`` does. The package ``cellseg-metrics`` pairs each reference
    object with the predicted object of largest *intersection* instead of
    largest IoU, and keeps every tied object; where the two rules choose the
    same objects its AJI is this one (see ``tests/test_metrics_peers.py``).

    Examples
    --------
    Two cells of 4 pixels merged into one object of 8 pixels: each cell
    chooses the merged object (IoU 0.5), whose 8 pixels then count twice; AJI+
    pairs it with one cell and leaves the other unpaired.

    >>> truth = np.array([[1, 1, 1, 1, 2, 2, 2, 2]])
    >>> merged = np.array([[5, 5, 5, 5, 5, 5, 5, 5]])
    >>> aggregated_jaccard_index(truth, merged)              # (4 + 4) / (8 + 8)
    0.5
    >>> aggregated_jaccard_index(truth, merged, plus=True)   # 4 / (8 + 4 unpaired pixels)
    0.3333333333333333
    """
    plus = _validate.boolean(plus, "plus")
    table = overlap_table(y_true, y_pred)
    n_t, n_p = len(table.true_ids), len(table.pred_ids)
    if n_t == 0 or n_p == 0:
        return 1.0 if n_t == n_p else 0.0
    ti, pi, iou = table.true_index, table.pred_index, table.iou
    if plus:
        chosen = _max_weight_pairs(ti, pi, iou)
    else:
        order = np.lexsort((pi, -iou, ti))  # per reference object: highest IoU, then smallest id
        first = np.ones(len(order), dtype=bool)
        first[1:] = ti[order[1:]] != ti[order[:-1]]
        chosen = np.zeros(len(ti), dtype=bool)
        chosen[order[first]] = True
    true_paired = np.zeros(n_t, dtype=bool)
    true_paired[ti[chosen]] = True
    pred_paired = np.zeros(n_p, dtype=bool)
    pred_paired[pi[chosen]] = True
    inter = table.intersection[chosen].sum()
    union = table.union[chosen].sum()
    union += table.true_sizes[~true_paired].sum() + table.pred_sizes[~pred_paired].sum()
    return float(inter / union)


def dice2(y_true, y_pred):
    """HoVer-Net's "Dice 2": a Dice coefficient pooled over every overlapping pair of objects.

    ``2 * sum |G ∩ S| / sum (|G| + |S|)``, both sums running over every pair of
    a reference object ``G`` and a predicted object ``S`` that share a pixel
    (Graham et al., HoVer-Net, 2019). No one-to-one matching: a merged object enters once
    per cell it touches, which lowers the score; objects that overlap nothing
    are left out of both sums, so a spurious or missed object away from the
    others does not change it. It is *not* the Dice coefficient of the two
    foreground masks (:func:`dice`).

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Reference and predicted label images, same shape, 2-D or 3-D.

    Returns
    -------
    float
        1.0 when both images are empty, 0.0 when no object overlaps another.

    Examples
    --------
    A 4-pixel cell cut into halves of 2: two pairs, each (2 shared, 4 + 2 pixels).

    >>> dice2([[1, 1, 1, 1]], [[3, 3, 4, 4]])     # 2 * (2 + 2) / ((4 + 2) + (4 + 2))
    0.6666666666666666
    >>> dice([[1, 1, 1, 1]], [[3, 3, 4, 4]])      # the foreground masks agree
    1.0
    """
    table = overlap_table(y_true, y_pred)
    markup = (table.true_sizes[table.true_index] + table.pred_sizes[table.pred_index]).sum()
    if markup == 0:
        return 1.0 if len(table.true_ids) == len(table.pred_ids) == 0 else 0.0
    return float(2 * table.intersection.sum() / markup)


def _confidences(confidences, pred_ids):
    """The confidence of each predicted object, in the order of ``pred_ids``, or a clear error."""
    hint = (
        "pass a dict {predicted id: confidence} with one finite number per object of y_pred, "
        "e.g. dict(zip(ids.tolist(), scores.tolist()))"
    )
    if not isinstance(confidences, Mapping):
        raise TypeError(f"confidences must be a dict, got {type(confidences).__name__}; {hint}.")
    keys = np.asarray(list(confidences.keys()))
    values = np.asarray(list(confidences.values()))
    if keys.size and keys.dtype.kind not in "iu":
        # Python ints beyond int64 (uint64 ids) come out as float or object: check them one by one.
        raw = list(confidences.keys())
        if not all(isinstance(k, numbers.Integral) and not isinstance(k, (bool, np.bool_))
                   for k in raw):
            raise TypeError(f"the keys of confidences must be integer ids, got {raw[:3]}...; {hint}.")
        inside = [k for k in raw if 0 <= int(k) < 2**64]
        if len(inside) < len(raw):
            raise ValueError(f"confidences name ids that cannot be in a label image; {hint}.")
        keys = np.array([int(k) for k in raw], dtype=np.uint64)
    if values.size and (values.dtype.kind not in "iuf" or not np.isfinite(values).all()):
        raise ValueError(f"every confidence must be a finite real number; {hint}.")
    if keys.size == 0 or (pred_ids.dtype == np.uint64 and keys.min() >= 0):
        keys = keys.astype(pred_ids.dtype)  # no float promotion of ids above 2**53
    missing = np.setdiff1d(pred_ids, keys)
    if missing.size:
        raise ValueError(
            f"{missing.size} predicted object(s) have no confidence, e.g. ids "
            f"{missing[:5].tolist()}: COCO's AP ranks every object by its confidence; {hint}."
        )
    extra = np.setdiff1d(keys, pred_ids)
    if extra.size:
        raise ValueError(
            f"confidences name {extra.size} id(s) that are not in y_pred, e.g. "
            f"{extra[:5].tolist()} (the scores of another image?); {hint}."
        )
    order = np.argsort(keys)
    return values.astype(float)[order[np.searchsorted(keys[order], pred_ids)]]


def _greedy_hits(table, score, rank, iou_threshold):
    """COCO's matching: each detection, in confidence order, takes its best unmatched object.

    The unmatched reference object of highest score (ties: the larger id) is taken
    if that score reaches ``iou_threshold``. Returns a boolean per predicted
    object: is it a true positive. Pairs whose two objects have no other
    candidate are decided at once; only competing candidates (possible below
    0.5, or at exactly 0.5) are walked through in confidence order.
    """
    ok = score >= iou_threshold
    ti, pi, s = table.true_index[ok], table.pred_index[ok], score[ok]
    hit = np.zeros(len(table.pred_ids), dtype=bool)
    if len(ti) == 0:
        return hit
    conflict = (np.bincount(ti)[ti] > 1) | (np.bincount(pi)[pi] > 1)
    hit[pi[~conflict]] = True
    if not conflict.any():
        return hit
    ti, pi, s = ti[conflict], pi[conflict], s[conflict]
    order = np.lexsort((-ti, -s, rank[pi]))  # by detection rank, then best score, larger id
    ti, pi = ti[order], pi[order]
    starts = np.flatnonzero(np.r_[True, pi[1:] != pi[:-1]])
    used = set()
    for start, end in zip(starts, np.r_[starts[1:], len(pi)]):  # competing candidates only
        for t in ti[start:end]:
            if t not in used:
                used.add(t)
                hit[pi[start]] = True
                break
    return hit


def coco_average_precision(y_true, y_pred, confidences, *, iou_threshold=DSB_THRESHOLDS):
    """COCO's average precision: the area under a precision-recall curve of ranked detections.

    Every predicted object comes with a confidence. Ranked from the most to the
    least confident, each detection is matched to the unmatched reference object
    it overlaps most, if their IoU reaches ``iou_threshold``; after the first
    ``k`` detections, precision = matches / ``k`` and recall = matches / reference
    objects. The precision is made non-increasing in recall (each value replaced
    by the best precision at any larger recall), read at the 101 recall levels
    0, 0.01, ..., 1 (0 beyond the largest recall reached), and averaged.
    With several thresholds (by default 0.50, 0.55, ...,
    0.95: COCO's "AP"; Lin et al., 2014), the mean of the APs at each.

    This is not :func:`average_precision` (the Data Science Bowl's TP / (TP +
    FP + FN), averaged over thresholds), nor the object precision TP / (TP +
    FP) that some libraries call "average precision": it needs confidences, and
    a spurious object costs less the less confident it is.

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Reference and predicted label images, same shape, 2-D or 3-D.
    confidences : dict
        ``{predicted id: confidence}`` for every object of ``y_pred`` (higher
        means more confident; any finite numbers). Equal confidences keep the
        order of the ids.
    iou_threshold : float or sequence of float, optional
        One IoU threshold in (0, 1] (AP at that threshold, e.g. 0.5 for
        "AP50"), or several, whose APs are averaged.

    Returns
    -------
    float
        1.0 when both images are empty; 0.0 when only one is.

    Notes
    -----
    As ``pycocotools`` with one category and no area ranges, crowd regions or
    limit on detections per image (COCO keeps 100; an image of cells can have
    thousands), for one image. Equal to ``cellseg_metrics.mean_average_precision``
    (``tests/test_metrics_peers.py``), which returns NaN for an image without
    reference objects. COCO builds its thresholds with ``np.linspace``, whose
    0.9 is 0.8999999999999999: an IoU could fall between the two only for
    objects of about 10**15 pixels.

    Examples
    --------
    Two cells; three detections: a confident spurious one (9), then two right
    ones. Ranked 9, 3, 4: precision 0, 1/2, 2/3 at recall 0, 1/2, 1; made
    non-increasing it is 2/3 at every recall, so AP = 2/3.

    >>> truth = np.array([[1, 1, 0, 2, 2, 0, 0]])
    >>> pred = np.array([[3, 3, 0, 4, 4, 0, 9]])
    >>> round(coco_average_precision(truth, pred, {3: 0.8, 4: 0.7, 9: 0.9}), 4)
    0.6667
    >>> coco_average_precision(truth, pred, {3: 0.8, 4: 0.7, 9: 0.1})  # spurious ranked last
    1.0
    """
    thresholds = _validate.iou_cutoffs(iou_threshold, strict=True, name="iou_threshold")
    if np.any(np.asarray(thresholds) == 0):  # COCO's rule is IoU >= t, with no strict variant
        raise ValueError("iou_threshold=0 would count every pair as a match, even objects that do "
                         "not touch; pass thresholds above 0 and at most 1, e.g. iou_threshold=0.5.")
    table = overlap_table(y_true, y_pred)
    conf = _confidences(confidences, table.pred_ids)
    n_t, n_p = len(table.true_ids), len(table.pred_ids)
    if n_t == 0 or n_p == 0:
        return 1.0 if n_t == n_p else 0.0
    by_rank = np.argsort(-conf, kind="stable")  # pred index of each rank
    rank = np.empty(n_p, dtype=np.intp)
    rank[by_rank] = np.arange(n_p)
    iou = table.iou
    levels = np.linspace(0, 1, 101)
    aps = []
    for t in thresholds:
        hits = _greedy_hits(table, iou, rank, t)[by_rank]
        tp = np.cumsum(hits)
        recall = tp / n_t
        precision = np.maximum.accumulate((tp / np.arange(1, n_p + 1))[::-1])[::-1]
        where = np.searchsorted(recall, levels, side="left")
        inside = where < n_p
        aps.append(precision[where[inside]].sum() / len(levels))
    return float(np.mean(aps))


def class_pixel_scores(y_true, y_pred, *, classes=None):
    """Pixel scores of each class of two class maps (semantic segmentations).

    A class map gives every pixel a class: 0 for background, 1, 2, ... for the
    classes (nucleus, cytoplasm, ...; or tumour, stroma, ...). For each class
    ``c``, the pixels of class ``c`` in ``y_true`` and in ``y_pred`` are compared
    as two masks, as :func:`pixel_scores` does: every other class counts as
    background for ``c``. All classes come from one overlap table of the two
    maps.

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Reference and predicted class maps, same shape, 2-D or 3-D.
    classes : sequence of int, optional
        The classes to score; by default every class present in either map
        except 0. Pass 0 among them to score the background as a class too.

    Returns
    -------
    dict
        ``{class: PixelScores}``. A class absent from both maps scores 1.0
        (nothing to find, nothing found), by the module's convention for empty
        masks; ``cellseg-metrics`` marks it -1 instead.

    Examples
    --------
    >>> truth = np.array([[1, 1, 2, 2, 0]])
    >>> pred = np.array([[1, 2, 2, 2, 0]])
    >>> scores = class_pixel_scores(truth, pred)
    >>> scores[1].recall, scores[1].precision, scores[2].recall, round(scores[2].dice, 4)
    (0.5, 1.0, 1.0, 0.8)
    >>> scores[2].tp, scores[2].fp, scores[2].fn, scores[2].tn
    (2, 1, 0, 2)
    """
    a, b = check_label_pair(y_true, y_pred)
    table = overlap_table(a, b)
    if classes is None:
        wanted = np.union1d(table.true_ids, table.pred_ids)
    else:
        values = np.atleast_1d(np.asarray(classes, dtype=object)).ravel()
        wanted = np.unique([_validate.whole_number(c, "classes") for c in values])
    dtype = _id_dtype(table.true_ids.dtype, table.pred_ids.dtype)
    wanted = wanted.astype(dtype)

    def lookup(ids, sizes):  # sizes[ids == c] for each wanted class c, 0 where absent
        out = np.zeros(len(wanted), dtype=np.int64)
        if len(ids):
            ids = ids.astype(dtype)
            where = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
            found = ids[where] == wanted
            out[found] = sizes[where[found]]
        return out

    n = a.size
    n_true = lookup(table.true_ids, table.true_sizes)
    n_pred = lookup(table.pred_ids, table.pred_sizes)
    same = table.true_ids[table.true_index].astype(dtype) == table.pred_ids[table.pred_index]
    tp = lookup(table.true_ids[table.true_index][same], table.intersection[same])
    background = wanted == 0  # class 0: the pixels that are 0 in each map, and in both
    n_true[background] = n - table.true_sizes.sum()
    n_pred[background] = n - table.pred_sizes.sum()
    foreground_union = table.true_sizes.sum() + table.pred_sizes.sum() - table.intersection.sum()
    tp[background] = n - foreground_union
    fp, fn = n_pred - tp, n_true - tp
    tn = n - tp - fp - fn
    return {
        c: _scores_from_counts(*map(int, counts))
        for c, counts in zip(wanted.tolist(), zip(tp, fp, fn, tn))
    }
