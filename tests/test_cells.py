"""Cells from nuclei (two channels), class maps, erode -> label -> expand, smoothing labels,
the volume metrics, classification error, shape descriptors and nearest neighbours."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from skimage.draw import disk as draw_disk
from skimage.measure import label

import cellseg


def disc(shape, center, radius, value=1, out=None):
    out = np.zeros(shape, int) if out is None else out
    out[draw_disk(center, radius, shape=shape)] = value
    return out


# --------------------------------------------------------------------------- metrics


def _random_masks(seed):
    rng = np.random.default_rng(seed)
    a = rng.random((20, 20)) < rng.uniform(0.1, 0.6)
    b = rng.random((20, 20)) < rng.uniform(0.1, 0.6)
    return a, b


@pytest.mark.parametrize("seed", range(5))
def test_volume_metrics_follow_their_formulas_on_sizes(seed):
    a, b = _random_masks(seed)
    va, vb = int(b.sum()), int(a.sum())  # V_A: prediction (b), V_B: reference (a)
    vs = cellseg.volume_similarity(a, b)
    svd = cellseg.symmetric_volume_difference(a, b)
    assert vs == pytest.approx(1 - abs(va - vb) / (va + vb))
    assert svd == pytest.approx(2 * abs(va - vb) / (va + vb))
    assert svd == pytest.approx(2 * (1 - vs))
    assert cellseg.symmetric_volume_difference(b, a) == pytest.approx(svd)  # symmetric


def test_volume_similarity_ignores_position_unlike_dice():
    truth = disc((40, 40), (10, 10), 6)
    moved = np.roll(truth, 20, axis=1)
    assert cellseg.volume_similarity(truth, moved) == 1.0
    assert cellseg.dice(truth, moved) == 0.0
    grown = disc((40, 40), (10, 10), 8)
    assert cellseg.volume_similarity(truth, grown) < 1.0


def test_volume_metrics_at_the_edges():
    empty, full = np.zeros((4, 4), int), np.ones((4, 4), int)
    assert cellseg.volume_similarity(empty, empty) == 1.0
    assert cellseg.symmetric_volume_difference(empty, empty) == 0.0
    assert cellseg.volume_similarity(empty, full) == 0.0
    assert cellseg.symmetric_volume_difference(full, empty) == 2.0


@pytest.mark.parametrize("seed", range(5))
def test_classification_error_is_hamming_over_the_reference(seed):
    truth, pred = _random_masks(seed)
    hamming = int(np.sum(truth != pred))  # pixels where the masks disagree
    assert cellseg.classification_error(truth, pred) == pytest.approx(hamming / truth.sum())
    s = cellseg.pixel_scores(truth, pred)
    assert cellseg.classification_error(truth, pred) == pytest.approx(
        s.recall * (1 - s.jaccard) / s.jaccard)


def test_classification_error_worked_example_and_edges():
    truth = np.zeros((10, 10), int)
    truth[2:6, 2:6] = 1          # 16 pixels
    pred = np.zeros((10, 10), int)
    pred[2:6, 3:7] = 1            # shifted by one column
    # 4 missed (column 2) + 4 added (column 6) = 8 wrong pixels over 16
    assert cellseg.classification_error(truth, pred) == 0.5
    assert cellseg.classification_error(truth, truth) == 0.0
    assert cellseg.classification_error(np.zeros((3, 3), int), np.zeros((3, 3), int)) == 0.0
    assert cellseg.classification_error(np.zeros((3, 3), int), np.ones((3, 3), int)) == np.inf
    # not bounded by 1: a prediction four times too large
    big = np.zeros((10, 10), int)
    big[2:10, 2:10] = 1
    assert cellseg.classification_error(truth, big) == (64 - 16) / 16


# --------------------------------------------------------------------------- shape and neighbours


def test_shape_descriptors_of_a_disc_a_notched_disc_and_a_long_bar():
    labels = disc((60, 90), (20, 20), 12, 1)
    labels = disc((60, 90), (20, 55), 12, 2, out=labels)
    labels[14:27, 55:68] = 0                                       # a square notch in disc 2
    labels[45:50, 10:80] = 3                                       # a 5 x 70 bar
    t = cellseg.measure_objects(labels).set_index("label")
    assert t.loc[1, "circularity"] > 0.85
    assert t.loc[1, "convexity"] > 0.95
    assert t.loc[2, "convexity"] < t.loc[1, "convexity"] - 0.05
    assert t.loc[2, "solidity"] < t.loc[1, "solidity"]
    assert t.loc[3, "circularity"] < 0.3
    assert t.loc[3, "eccentricity"] > 0.99
    # the perimeter of the disc is close to 2 pi r (pixel estimate), and scales with the pixel
    assert t.loc[1, "perimeter"] == pytest.approx(2 * np.pi * 12, rel=0.08)
    t2 = cellseg.measure_objects(labels, spacing=(0.5, 0.5)).set_index("label")
    assert t2.loc[1, "perimeter"] == pytest.approx(0.5 * t.loc[1, "perimeter"])
    assert t2.loc[1, "circularity"] == pytest.approx(t.loc[1, "circularity"])
    # unequal pixel sides: no perimeter estimate, said as NaN
    t3 = cellseg.measure_objects(labels, spacing=(1.0, 0.5))
    assert t3["perimeter"].isna().all() and t3["circularity"].isna().all()


def test_nearest_neighbour_distances_match_a_brute_force_in_micrometres():
    labels = np.zeros((80, 80), int)
    centers = [(10, 10), (10, 40), (50, 25), (70, 70), (35, 65)]
    for k, c in enumerate(centers, start=1):
        labels = disc(labels.shape, c, 4, k, out=labels)
    spacing = (0.3, 0.3)
    t = cellseg.measure_objects(labels, spacing=spacing)
    points = t[["centroid_y", "centroid_x"]].to_numpy()
    d = cdist(points, points)
    np.fill_diagonal(d, np.inf)
    assert np.allclose(t["nearest_neighbor_distance"], d.min(axis=1))
    assert (t["nearest_neighbor"].to_numpy() == t["label"].to_numpy()[d.argmin(axis=1)]).all()
    assert np.allclose(points, np.array(centers) * 0.3)  # centroids are in micrometres
    lone = cellseg.measure_objects(disc((30, 30), (15, 15), 5))
    assert lone["nearest_neighbor_distance"].isna().all()


def test_a_merge_and_a_split_change_the_shape_and_neighbour_columns():
    truth = np.zeros((60, 100), int)
    for k, c in enumerate([(30, 20), (30, 40), (30, 75)], start=1):
        truth = disc(truth.shape, c, 9, k, out=truth)
    merged = cellseg.inject_error(truth, kind="merge", label=1, other=2)
    t_true = cellseg.measure_objects(truth).set_index("label")
    t_merged = cellseg.measure_objects(merged)
    big = t_merged.loc[t_merged["area"].idxmax()]
    # a merge: one object twice as large, elongated, less round, pinched (less solid)
    assert big["area"] > 1.8 * t_true["area"].max()
    assert big["eccentricity"] > t_true["eccentricity"].max() + 0.5
    assert big["circularity"] < t_true["circularity"].min() - 0.2
    assert big["solidity"] < t_true["solidity"].min()
    # ... and the nearest neighbour of the third object moves away
    assert t_merged["nearest_neighbor_distance"].min() > t_true["nearest_neighbor_distance"].min()
    # a split: two halves, each less round than the disc, and a neighbour much closer
    split = truth.copy()
    split[(truth == 3) & (np.arange(100)[None, :] >= 75)] = 4
    t_split = cellseg.measure_objects(split).set_index("label")
    assert t_split.loc[4, "circularity"] < t_true.loc[3, "circularity"] - 0.1
    assert t_split.loc[4, "nearest_neighbor_distance"] < 0.5 * t_true.loc[3, "nearest_neighbor_distance"]
    assert t_split.loc[4, "nearest_neighbor"] == 3


# --------------------------------------------------------------------------- two channels


def test_the_scene_is_consistent():
    s = cellseg.make_cells_and_nuclei(n_cells=8, shape=96, seed=4)
    assert s.cells.max() == 8 and s.nuclei.max() == 8
    inside = s.nuclei > 0
    assert (s.cells[inside] == s.nuclei[inside]).all()   # every nucleus lies in its own cell
    assert set(np.unique(s.classes)) == {0, 1, 2, 3}
    assert ((s.classes > 0) == (s.cells > 0)).all()
    # the membrane channel is brightest on the membranes, the nuclear one in the nuclei
    assert s.membrane_image[s.classes == 3].mean() > 2 * s.membrane_image[s.classes == 2].mean()
    assert s.nuclei_image[s.classes == 1].mean() > 5 * s.nuclei_image[s.classes == 2].mean()
    again = cellseg.make_cells_and_nuclei(n_cells=8, shape=96, seed=4)
    assert np.array_equal(again.membrane_image, s.membrane_image)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cells_grown_from_nuclei_on_the_membrane_channel_are_found(seed):
    s = cellseg.make_cells_and_nuclei(seed=seed)
    nuclei = cellseg.segment(cellseg.smooth(s.nuclei_image, sigma=1), threshold=0.5,
                             min_size=10, connectivity=1)
    membrane = cellseg.smooth(s.membrane_image, sigma=0.5)
    cells = cellseg.seeded_watershed(membrane, nuclei, mask=membrane > 0.1, bright_objects=False)
    m = cellseg.matching(s.cells, cells)
    assert m.tp == s.cells.max() and m.fp == 0
    assert m.mean_matched_score > 0.8
    # one channel alone merges touching cells: the membrane mask labelled as it is
    alone = cellseg.segment(membrane, threshold=0.1, min_size=30, connectivity=1)
    assert cellseg.matching(s.cells, alone).tp < m.tp


def test_semantic_classes_of_two_touching_cells():
    cells = np.zeros((7, 10), int)
    cells[1:6, 1:5] = 1
    cells[1:6, 5:9] = 2
    nuclei = np.zeros_like(cells)
    nuclei[3, 2] = 1
    nuclei[3, 7] = 2
    classes = cellseg.semantic_classes(cells, nuclei=nuclei)
    assert classes[0].tolist() == [0] * 10
    assert classes[3].tolist() == [0, 3, 1, 2, 3, 3, 2, 1, 3, 0]
    assert cellseg.CLASS_NAMES[3] == "membrane"
    with pytest.raises(ValueError, match="nuclei"):
        cellseg.semantic_classes(cells, nuclei=nuclei[:5])


# --------------------------------------------------------------------------- semantic to instances


def test_erode_label_expand_splits_touching_discs_and_keeps_lone_ones():
    mask = disc((40, 70), (20, 12), 9) | disc((40, 70), (20, 29), 9) | disc((40, 70), (20, 55), 8)
    assert label(mask).max() == 2
    assert cellseg.instances_from_semantic(mask, radius=3).max() == 2   # the 9-pixel neck stays
    objects = cellseg.instances_from_semantic(mask, radius=5)
    assert objects.max() == 3
    assert ((objects > 0) <= (mask > 0)).all()                      # never outside the mask
    assert np.sum((objects == 0) & (mask > 0)) < 0.05 * mask.sum()  # gives back almost all
    # an object thinner than 2 * radius + 1 vanishes
    thin = np.zeros((20, 40), int)
    thin[5:8, 2:38] = 1
    assert cellseg.instances_from_semantic(thin, radius=2).max() == 0
    # in 3-D too
    ball = np.zeros((20, 20, 40), bool)
    zz, yy, xx = np.ogrid[:20, :20, :40]
    ball |= (zz - 10) ** 2 + (yy - 10) ** 2 + (xx - 12) ** 2 <= 49
    ball |= (zz - 10) ** 2 + (yy - 10) ** 2 + (xx - 25) ** 2 <= 49
    assert label(ball).max() == 1
    assert cellseg.instances_from_semantic(ball, radius=4).max() == 2


def test_smooth_labels_removes_spikes_keeps_ids_never_merges():
    labels = disc((40, 60), (20, 15), 10, 7)
    labels = disc((40, 60), (20, 36), 10, 2**40, out=labels)       # touching, a huge id
    rng = np.random.default_rng(0)
    ragged = labels.copy()
    edge = (labels > 0) & (rng.random(labels.shape) < 0.15)
    ragged[edge] = 0                                                # pepper holes
    smoothed = cellseg.smooth_labels(ragged, radius=2)
    assert set(np.unique(smoothed)) == {0, 7, 2**40}
    assert smoothed.dtype == ragged.dtype
    # the holes inside close (away from the outlines, which the filter rounds off)
    inner = cellseg.erode_labels(labels, radius=3) > 0
    assert np.sum(ragged[inner] != labels[inner]) > 30
    assert np.array_equal(smoothed[inner], labels[inner])
    # each id stays one piece
    for k in (7, 2**40):
        assert label(smoothed == k).max() == 1
    assert np.array_equal(cellseg.smooth_labels(ragged, radius=0), ragged)


def test_label_rgba_has_a_transparent_background():
    labels = np.array([[0, 1, 2], [0, 8, 0]])
    rgba = cellseg.label_rgba(labels, alpha=0.4)
    assert rgba.shape == (2, 3, 4)
    assert (rgba[labels == 0] == 0).all()
    assert np.allclose(rgba[labels > 0, 3], 0.4)
    assert np.allclose(rgba[..., :3], cellseg.label_rgb(labels))
    assert np.allclose(rgba[0, 1, :3], rgba[1, 1, :3])               # 1 and 8 share a colour
