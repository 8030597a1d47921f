"""Score segmentations by region, with confidence intervals, and simulate a second annotator.

The object scores of :mod:`cellseg.metrics` describe one image. Tuning and
comparing methods honestly needs a little more:

- :func:`count_by_region`: the TP, FP and FN counts (and the sum of the matched
  IoUs) of one matching of the whole image, divided among regions (tiles,
  a tuning part and a test part). Every object counts in exactly one region,
  the one that holds its centroid, so the counts of all regions add up to
  those of the whole image. :class:`RegionCounts` turns them into scores
  (F1, DSB score, panoptic quality), pooled over regions or per region.
- :func:`bootstrap_scores` and :func:`percentile_interval`: confidence
  intervals by resampling regions (tiles) with replacement, and paired
  differences between two methods scored on the same resampled tiles.
- :func:`grid_regions`: a region image of equal rectangular tiles;
  :func:`centroid_regions`: the region of each object.
- :func:`best_iou`: for every reference object, the best IoU with any
  predicted object (the sparse Jaccard index of any subset of the reference
  objects is the mean of these values over the subset).
- :func:`simulate_annotator`: a plausible second annotation of the same
  image (every outline moved in or out by a pixel, a few touching objects
  merged), to see how far the scores move when the reference itself changes.
- :func:`touching_pairs`: the pairs of objects that touch.

Examples
--------
>>> truth = np.zeros((4, 8), int); truth[:, :3] = 1; truth[:, 5:] = 2
>>> pred = np.zeros((4, 8), int); pred[:, :3] = 7                 # object 2 missed
>>> counts = count_by_region(truth, pred, regions=grid_regions(truth.shape, tile_shape=(4, 4)))
>>> counts.tp[:, 0].tolist(), counts.fn[:, 0].tolist(), counts.fp[:, 0].tolist()
([1, 0], [0, 1], [0, 0])
>>> counts.pooled()["f1"]
0.6666666666666666
"""

from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi
from skimage.segmentation import expand_labels

from . import _validate
from .labels import check_label_image, check_label_pair
from .metrics import DSB_THRESHOLDS, match_objects, overlap_table

__all__ = [
    "RegionCounts",
    "count_by_region",
    "centroid_regions",
    "grid_regions",
    "bootstrap_scores",
    "percentile_interval",
    "best_iou",
    "touching_pairs",
    "simulate_annotator",
]

def _thresholds(thresholds):
    """The IoU thresholds of a count: the rule of :func:`cellseg.metrics.matching`, with 0.5 among them."""
    return np.array(_validate.iou_cutoffs(thresholds, name="iou_thresholds", need_half=True))


def _region_image(regions, shape):
    """``regions`` checked: integer ids ``0 .. n - 1`` of the labels' ``shape``, ``n`` at most the pixels."""
    reg = _validate.array_like(regions, "regions", example="grid_regions(labels.shape, tile_shape=(64, 64))")
    if reg.shape != shape or not np.issubdtype(reg.dtype, np.integer) or (reg.size and reg.min() < 0):
        raise ValueError(
            f"regions must be an integer image of the labels' shape {shape} with ids 0, 1, ...; "
            f"got shape {reg.shape} and dtype {reg.dtype}. Make one with grid_regions()."
        )
    top = int(reg.max())
    if top >= reg.size:  # more region ids than pixels: ids with gaps; counts would follow the largest id
        raise ValueError(
            f"regions has ids up to {top} in an image of {reg.size} pixels; number the regions "
            "0, 1, 2, ... without gaps, e.g. np.unique(regions, return_inverse=True)[1].reshape(regions.shape)."
        )
    return reg


def _ratio(num, den, perfect):
    """``num / den`` elementwise, 1.0 where ``den`` is 0 and ``perfect``, else 0.0 there."""
    num, den, perfect = np.broadcast_arrays(np.asarray(num, float), np.asarray(den, float), perfect)
    out = np.where(perfect, 1.0, 0.0)
    np.divide(num, den, out=out, where=den > 0)
    return out[()] if out.ndim == 0 else out


def _scores(tp, fp, fn, iou_sum, k05):
    """F1 and PQ at threshold index ``k05`` and the DSB score, over the last axis of the counts."""
    perfect = (fp == 0) & (fn == 0)
    accuracy = _ratio(tp, tp + fp + fn, perfect)
    f1 = _ratio(2 * tp[..., k05], 2 * tp[..., k05] + fp[..., k05] + fn[..., k05], perfect[..., k05])
    pq = _ratio(iou_sum[..., k05], tp[..., k05] + (fp[..., k05] + fn[..., k05]) / 2, perfect[..., k05])
    return {"f1": f1, "dsb": accuracy.mean(axis=-1), "pq": pq}


@dataclass(frozen=True, eq=False)
class RegionCounts:
    """Object counts of one matching, per region and per IoU threshold (see :func:`count_by_region`).

    Every array has shape ``(n_regions, n_thresholds)``.
    """

    thresholds: np.ndarray  #: the IoU thresholds (one column each)
    tp: np.ndarray  #: matches, counted in the region of the reference object
    fp: np.ndarray  #: unmatched predictions, counted in their own region
    fn: np.ndarray  #: unmatched reference objects, counted in their region
    iou_sum: np.ndarray  #: sum of the IoUs of the matches (for panoptic quality)

    @property
    def n_regions(self):
        """The number of regions counted."""
        return self.tp.shape[0]

    def _k05(self):
        return int(np.flatnonzero(np.isclose(self.thresholds, 0.5))[0])

    def select(self, regions):
        """The counts of some regions only (a list of region ids or a boolean mask)."""
        index = np.asarray(regions)
        if index.dtype != bool:
            index = index.astype(int).ravel()
        return RegionCounts(self.thresholds, self.tp[index], self.fp[index], self.fn[index],
                            self.iou_sum[index])

    def pooled(self):
        """Scores of the summed counts of all regions: ``{"f1", "dsb", "pq"}`` as floats.

        F1 and panoptic quality are those at IoU 0.5; the DSB score is the mean
        over the thresholds of TP / (TP + FP + FN).
        """
        sums = [a.sum(axis=0) for a in (self.tp, self.fp, self.fn, self.iou_sum)]
        return {k: float(v) for k, v in _scores(*sums, self._k05()).items()}

    def per_region(self):
        """Scores of each region on its own: ``{"f1", "dsb", "pq"}``, arrays of ``n_regions``.

        A region with no object at all (nothing to find, nothing found) scores 1.0,
        the convention of :mod:`cellseg.metrics`.
        """
        return _scores(self.tp, self.fp, self.fn, self.iou_sum, self._k05())

    def n_objects(self):
        """Reference objects in each region (TP + FN at any threshold)."""
        return self.tp[:, 0] + self.fn[:, 0]


def _whole_tuple(value, name):
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be whole numbers (rows, cols), e.g. {name}=(64, 64); got {value!r}.")
    values = _validate.array_like(value, name, dtype=object, example=f"{name}=(64, 64)").reshape(-1)
    return tuple(_validate.whole_number(v, name, minimum=1) for v in values.tolist())


def grid_regions(shape, *, tile_shape):
    """Divide an image into equal rectangular tiles: an image of tile ids ``0, 1, ...``.

    Tiles are numbered in raster order. When a side of the image is not a
    multiple of the tile's side, the last tiles of that row or column are
    smaller.

    Parameters
    ----------
    shape : tuple of int
        Shape of the image, 2-D.
    tile_shape : tuple of int
        ``(rows, cols)`` of one tile.

    Returns
    -------
    regions : 2-D ndarray of int

    Examples
    --------
    >>> grid_regions((4, 6), tile_shape=(2, 3))
    array([[0, 0, 0, 1, 1, 1],
           [0, 0, 0, 1, 1, 1],
           [2, 2, 2, 3, 3, 3],
           [2, 2, 2, 3, 3, 3]])
    """
    shape = _whole_tuple(shape, "shape")
    tile = _whole_tuple(tile_shape, "tile_shape")
    if len(shape) != 2 or len(tile) != 2:
        raise ValueError(f"shape and tile_shape must be (rows, cols); got {shape} and {tile}.")
    _validate.output_size(shape[0] * shape[1], what=f"a region image of shape {shape}",
                          hint="pass the shape of an image that fits in memory")
    n_cols = -(-shape[1] // tile[1])
    rows = np.arange(shape[0])[:, None] // tile[0]
    cols = np.arange(shape[1])[None, :] // tile[1]
    return rows * n_cols + cols


def centroid_regions(labels, regions):
    """The region that holds the centroid of each object: the rule of :func:`count_by_region`.

    Parameters
    ----------
    labels : 2-D array_like of int
    regions : 2-D array_like of int
        Region id of every pixel, same shape.

    Returns
    -------
    ids : 1-D ndarray
        The object ids, increasing.
    region : 1-D ndarray of int
        The region of each object's centroid (rounded to the nearest pixel).

    Examples
    --------
    >>> lab = np.zeros((4, 6), int); lab[0:3, 1:4] = 5; lab[3, 4:6] = 2
    >>> ids, region = centroid_regions(lab, grid_regions(lab.shape, tile_shape=(2, 6)))
    >>> ids.tolist(), region.tolist()
    ([2, 5], [1, 0])
    """
    labels = check_label_image(labels, ndim=2)
    regions = check_label_image(regions, name="regions", ndim=2)
    _validate.same_shape(labels, regions, ("labels", "regions"), hint="pass one region id per pixel")
    flat = labels.ravel()
    top = int(flat.max())
    if top <= 4 * flat.size:  # small ids: count them directly
        index, n = flat, top + 1
    else:  # huge ids (e.g. hashes): renumber first
        _, index = np.unique(flat, return_inverse=True)
        index = index.reshape(-1)
        n = int(index.max()) + 1
    size = np.bincount(index, minlength=n)
    present = np.flatnonzero(size)
    rows, cols = labels.shape
    r = np.bincount(index, weights=np.repeat(np.arange(rows, dtype=float), cols), minlength=n)
    c = np.bincount(index, weights=np.tile(np.arange(cols, dtype=float), rows), minlength=n)
    r = np.round(r[present] / size[present]).astype(int)
    c = np.round(c[present] / size[present]).astype(int)
    ids = present if index is flat else np.unique(flat)
    keep = ids != 0
    return ids[keep], regions[r[keep], c[keep]]


def count_by_region(y_true, y_pred, *, regions, iou_thresholds=DSB_THRESHOLDS):
    """Match two label images once and count TP, FP and FN in each region.

    The objects are matched on the whole image (as :func:`cellseg.metrics.matching`
    does, at each threshold). Then each object is counted in the region that
    holds its centroid: a match and an unmatched reference object in the
    region of the reference object, an unmatched prediction in its own region.
    So every object counts once, in one region, and the counts of all regions
    add up to those of the whole image. (Cropping the images instead would cut
    the objects on a region's edge in two, and each piece would count as an
    object in both regions.)

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Reference and predicted label images, 2-D, same shape.
    regions : 2-D array_like of int
        Region id of every pixel, ``0 .. n_regions - 1`` (e.g. :func:`grid_regions`,
        or ``0`` for a tuning part and ``1`` for a test part).
    iou_thresholds : sequence of float, optional
        IoU thresholds; they must include 0.5. By default those of the DSB score.

    Returns
    -------
    RegionCounts

    Examples
    --------
    Two reference objects, one in each half; the prediction finds the left one
    and adds a spurious object on the right:

    >>> truth = np.zeros((4, 8), int); truth[:, :3] = 1; truth[:, 5:] = 2
    >>> pred = np.zeros((4, 8), int); pred[:, :3] = 5; pred[0, 4] = 9
    >>> halves = grid_regions(truth.shape, tile_shape=(4, 4))
    >>> c = count_by_region(truth, pred, regions=halves, iou_thresholds=[0.5])
    >>> c.tp.ravel().tolist(), c.fp.ravel().tolist(), c.fn.ravel().tolist()
    ([1, 0], [0, 1], [0, 1])
    >>> c.select([0]).pooled()
    {'f1': 1.0, 'dsb': 1.0, 'pq': 1.0}
    """
    a, b = check_label_pair(y_true, y_pred, ndim=2)
    reg = _region_image(regions, a.shape)
    thr = _thresholds(iou_thresholds)
    n_regions = int(reg.max()) + 1
    table = overlap_table(a, b)
    true_ids, true_reg = centroid_regions(a, reg)
    pred_ids, pred_reg = centroid_regions(b, reg)
    # overlap_table lists the ids in increasing order, as np.unique does
    n_true = np.bincount(true_reg, minlength=n_regions)
    n_pred = np.bincount(pred_reg, minlength=n_regions)
    shape = (n_regions, len(thr))
    tp = np.zeros(shape, np.int64)
    matched_pred = np.zeros(shape, np.int64)
    iou_sum = np.zeros(shape)
    for k, t in enumerate(thr):  # a few iou_thresholds, each one vectorised
        ti, pi, s = match_objects(table, iou_threshold=float(t))
        tp[:, k] = np.bincount(true_reg[ti], minlength=n_regions)
        matched_pred[:, k] = np.bincount(pred_reg[pi], minlength=n_regions)
        iou_sum[:, k] = np.bincount(true_reg[ti], weights=s, minlength=n_regions)
    fn = n_true[:, None] - tp
    fp = n_pred[:, None] - matched_pred
    return RegionCounts(thr, tp, fp, fn, iou_sum)


def _resample_weights(n_regions, n_resamples, seed):
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_regions, np.full(n_regions, 1.0 / n_regions), size=n_resamples)


def bootstrap_scores(counts, *, other=None, n_resamples=2000, seed=0):
    """Bootstrap the pooled scores by resampling the regions with replacement.

    Each resample draws ``n_regions`` regions with replacement, adds up their
    counts and computes F1 (IoU 0.5), the DSB score and panoptic quality of the
    sums. Resampling whole regions (tiles) rather than single objects keeps
    together what belongs together: the false positives, which belong to no
    reference object, and the neighbours that a merge or a local change of
    brightness affects together.

    With ``other`` (the counts of a second method on the same regions) the
    same resamples score both methods and the result is the *paired*
    difference ``counts - other``: the regions that are hard for one method
    are usually hard for the other, and pairing removes that shared part of
    the noise.

    Parameters
    ----------
    counts : RegionCounts
    other : RegionCounts, optional
        Same regions and thresholds.
    n_resamples : int, optional
    seed : int, optional
        Seed of the random resampling (the same seed gives the same result).

    Returns
    -------
    dict
        ``{"f1", "dsb", "pq"}``: arrays of ``n_resamples`` bootstrap values
        (of the differences with ``other``).

    Examples
    --------
    >>> truth = np.zeros((8, 8), int); truth[1:3, 1:3] = 1; truth[5:7, 5:7] = 2
    >>> c = count_by_region(truth, truth, regions=grid_regions(truth.shape, tile_shape=(4, 4)))
    >>> boot = bootstrap_scores(c, n_resamples=50, seed=1)
    >>> sorted(boot), float(boot["f1"].min())
    (['dsb', 'f1', 'pq'], 1.0)
    """
    if not isinstance(counts, RegionCounts) or (other is not None and not isinstance(other, RegionCounts)):
        raise TypeError("counts (and other) must be RegionCounts, the result of count_by_region().")
    n_resamples = _validate.whole_number(n_resamples, "n_resamples", minimum=1)
    seed = _validate.seed(seed)
    _validate.output_size(n_resamples * counts.n_regions, what=f"{n_resamples} resamples",
                          hint="pass fewer resamples, e.g. n_resamples=2000")
    if other is not None and (other.tp.shape != counts.tp.shape
                              or not np.allclose(other.thresholds, counts.thresholds)):
        raise ValueError("other must have the same regions and thresholds as counts.")
    weights = _resample_weights(counts.n_regions, n_resamples, seed)

    def scores(c):
        sums = [np.einsum("br,rk->bk", weights, a) for a in (c.tp, c.fp, c.fn, c.iou_sum)]
        return _scores(*sums, c._k05())

    result = scores(counts)
    if other is not None:
        second = scores(other)
        result = {k: result[k] - second[k] for k in result}
    return result


def percentile_interval(samples, *, confidence=0.95):
    """The central ``confidence`` interval of bootstrap samples: ``(low, high)``.

    Parameters
    ----------
    samples : array_like of float
        Bootstrap samples of a score, e.g. ``bootstrap_scores(counts)['f1']``;
        finite, at least one.
    confidence : float, optional
        The share of the samples the interval holds, between 0 and 1 (exclusive).

    Returns
    -------
    low, high : float
        The ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles of the samples
        (:func:`numpy.percentile`, linear interpolation).

    Examples
    --------
    >>> percentile_interval(np.arange(101), confidence=0.9)
    (5.0, 95.0)
    """
    samples = _validate.array_like(samples, "samples", example="bootstrap_scores(counts)['f1']")
    if samples.dtype.kind not in "biuf" or samples.size == 0 or not np.isfinite(samples).all():
        raise ValueError(
            f"samples must be a non-empty array of finite numbers, e.g. bootstrap_scores(counts)['f1']; "
            f"got {samples.size} values of dtype {samples.dtype}."
        )
    samples = samples.astype(float).ravel()
    confidence = _validate.real_number(confidence, "confidence", minimum=0, strict=True)
    if confidence >= 1:
        raise ValueError(f"confidence must be between 0 and 1, e.g. 0.95; got {confidence:g}.")
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(samples, [tail, 100 - tail])
    return float(low), float(high)


def best_iou(y_true, y_pred):
    """For every reference object, its best IoU with any predicted object (0 if none touches it).

    The mean over all reference objects is
    :func:`cellseg.metrics.jaccard_index_sparse`; the mean over a subset is the
    sparse Jaccard index of an annotation that contains only that subset,
    because each object's best IoU does not depend on the other annotated
    objects.

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Reference and predicted label images, same shape.

    Returns
    -------
    ids : 1-D ndarray
        The reference ids, increasing.
    best : 1-D ndarray of float
        The best IoU of each.

    Examples
    --------
    >>> ids, best = best_iou([[1, 1, 0, 4]], [[2, 0, 0, 0]])
    >>> ids.tolist(), best.tolist()
    ([1, 4], [0.5, 0.0])
    """
    table = overlap_table(y_true, y_pred)
    best = np.zeros(len(table.true_ids))
    np.maximum.at(best, table.true_index, table.iou)
    return table.true_ids, best


def touching_pairs(labels):
    """The pairs of objects that touch (share an edge between two pixels), as an ``(n, 2)`` array.

    Each pair is listed once, smaller id first, sorted.

    Parameters
    ----------
    labels : array_like of int
        A 2-D label image.

    Returns
    -------
    pairs : (n, 2) ndarray of int
        The touching pairs of ids.

    Examples
    --------
    >>> touching_pairs([[1, 1, 2, 0, 3], [4, 4, 2, 0, 3]]).tolist()
    [[1, 2], [1, 4], [2, 4]]
    """
    lab = check_label_image(labels, ndim=2).astype(np.int64)
    pairs = []
    for a, b in ((lab[:, :-1], lab[:, 1:]), (lab[:-1, :], lab[1:, :])):
        differ = (a != b) & (a > 0) & (b > 0)
        pairs.append(np.stack([np.minimum(a[differ], b[differ]), np.maximum(a[differ], b[differ])], 1))
    pairs = np.concatenate(pairs)
    return np.unique(pairs, axis=0) if len(pairs) else pairs.reshape(0, 2)


def simulate_annotator(labels, *, seed, boundary=1, n_merges=3):
    """A plausible second annotation of the same objects.

    Two annotators never draw the same outlines. This simulates the usual
    disagreements: every object's outline moves by ``boundary`` pixels,
    outwards or inwards at random (one coin toss per object), and ``n_merges``
    randomly chosen pairs of touching objects are drawn as one object.

    Parameters
    ----------
    labels : 2-D array_like of int
        The first annotation.
    seed : int
        Seed of the random choices.
    boundary : int, optional
        How far each outline moves, in pixels (grow: :func:`skimage.segmentation.expand_labels`,
        which never grows into a neighbour; shrink: an erosion of each object).
    n_merges : int, optional
        Pairs of touching objects to merge (no object takes part in two merges;
        fewer if there are not enough touching pairs).

    Returns
    -------
    labels : ndarray
        Same shape and dtype; a merged pair keeps the smaller id.

    Examples
    --------
    >>> lab = np.zeros((9, 12), np.uint16); lab[2:7, 1:5] = 3; lab[2:7, 5:9] = 8
    >>> other = simulate_annotator(lab, seed=0, n_merges=1)
    >>> np.unique(other).tolist()       # the two touching objects became one
    [0, 3]
    """
    original = check_label_image(labels, ndim=2)
    boundary = _validate.whole_number(boundary, "boundary")
    if boundary > max(original.shape):
        raise ValueError(
            f"boundary is in pixels and must be at most the image's largest side ({max(original.shape)}), "
            f"got {boundary}; pass one or two pixels, e.g. boundary=1."
        )
    n_merges = _validate.whole_number(n_merges, "n_merges")
    rng = np.random.default_rng(_validate.seed(seed))
    # Work on the ids present, numbered 0 (background), 1, 2, ... in increasing order: memory
    # follows the image, never the largest id; the ids go back at the end.
    present, index = np.unique(original, return_inverse=True)
    if present[0] != 0:
        present = np.concatenate([np.zeros(1, present.dtype), present])
        index = index + 1
    lab = index.reshape(original.shape).astype(np.int64)
    # 1. merges first, so that a merged pair gets one outline, moved as one object
    pairs = touching_pairs(lab)
    used = set()
    mapping = np.arange(int(lab.max()) + 1)
    for a, b in pairs[rng.permutation(len(pairs))].tolist():  # a few merges: a short loop
        if len(used) >= 2 * n_merges:
            break
        if a not in used and b not in used:
            used.update((a, b))
            mapping[b] = a
    lab = mapping[lab]
    if boundary == 0:
        return present[lab].astype(original.dtype)
    # 2. one coin toss per object: grow or shrink by `boundary` pixels
    ids = np.unique(lab)
    ids = ids[ids > 0]
    grow = np.zeros(int(lab.max()) + 1, bool)
    grow[ids] = rng.random(len(ids)) < 0.5
    # shrink: keep a pixel when every pixel within `boundary` steps has its label
    footprint = ndi.iterate_structure(ndi.generate_binary_structure(2, 1), boundary)
    low = ndi.minimum_filter(lab, footprint=footprint, mode="nearest")
    high = ndi.maximum_filter(lab, footprint=footprint, mode="nearest")
    shrunk = np.where((low == high) | grow[lab], lab, 0)
    # grow: the growing objects take the background pixels that expand_labels gives them
    grown = expand_labels(shrunk, boundary)
    return present[np.where(grow[grown] & (shrunk == 0), grown, shrunk)].astype(original.dtype)

