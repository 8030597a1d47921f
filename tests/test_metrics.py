"""Tests of cellseg.metrics: hand-worked examples, properties, and agreement with StarDist."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linear_sum_assignment

from cellseg import metrics
from cellseg.metrics import (
    average_precision,
    centroid_distances,
    confusion_counts,
    dice,
    hausdorff_distance,
    jaccard,
    jaccard_index_sparse,
    matching,
    mean_contour_distance,
    overlap_table,
    pixel_scores,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "stardist_matching.npz"
FAST = settings(max_examples=40, deadline=None)

small_labels = arrays(np.uint8, (7, 7), elements=st.integers(0, 4))
small_masks = arrays(bool, (6, 6))


# --------------------------------------------------------------------------- brute force


def brute_iou(y_true, y_pred):
    """Dense IoU matrix, one object at a time (reference implementation for small images)."""
    t_ids = [i for i in np.unique(y_true) if i]
    p_ids = [j for j in np.unique(y_pred) if j]
    iou = np.zeros((len(t_ids), len(p_ids)))
    for a, i in enumerate(t_ids):
        for b, j in enumerate(p_ids):
            inter = np.sum((y_true == i) & (y_pred == j))
            union = np.sum((y_true == i) | (y_pred == j))
            iou[a, b] = inter / union
    return t_ids, p_ids, iou


def brute_tp(y_true, y_pred, thresh, strict=False):
    """Largest number of one-to-one pairs with IoU >= thresh (assignment on the dense matrix)."""
    _, _, iou = brute_iou(y_true, y_pred)
    if iou.size == 0:
        return 0
    ok = (iou > thresh) if strict else (iou >= thresh)
    r, c = linear_sum_assignment(ok.astype(float), maximize=True)
    return int(ok[r, c].sum())


# --------------------------------------------------------------------------- pixels


def test_pixel_scores_hand_worked():
    # truth: 6 foreground pixels; prediction: 5, of which 4 are right.
    truth = np.array([[1, 1, 1, 0], [1, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    pred = np.array([[0, 1, 1, 0], [0, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]])
    s = pixel_scores(truth, pred)
    assert (s.tp, s.fp, s.fn, s.tn) == (4, 1, 2, 9)
    assert s.accuracy == pytest.approx(13 / 16)
    assert s.precision == pytest.approx(4 / 5)
    assert s.recall == pytest.approx(4 / 6)
    assert s.specificity == pytest.approx(9 / 10)
    assert s.f1 == s.dice == pytest.approx(8 / 11)
    assert s.jaccard == pytest.approx(4 / 7)
    assert s.youden == pytest.approx(4 / 6 + 9 / 10 - 1)
    assert s.volume_error == -1
    assert s.relative_volume_error == pytest.approx(-1 / 6)
    assert s.hamming == 3


def test_seed_002_object_example_precision_recall_not_swapped():
    # 5 true objects, 4 predicted ones: 3 matched, 1 spurious (FP), 2 missed (FN).
    truth = np.zeros((10, 30), int)
    pred = np.zeros((10, 30), int)
    for k in range(5):
        truth[2:5, 6 * k : 6 * k + 3] = k + 1
    for k in range(3):
        pred[2:5, 6 * k : 6 * k + 3] = 10 + k
    pred[7:9, 0:3] = 20  # spurious
    m = matching(truth, pred)
    assert (m.tp, m.fp, m.fn) == (3, 1, 2)
    assert m.precision == pytest.approx(3 / 4)  # TP / (TP + FP)
    assert m.recall == pytest.approx(3 / 5)  # TP / (TP + FN)
    # The seed's second example: TP 3, FN 1, FP 2 gives precision 3/5 and recall 3/4.
    pred[7:9, 0:3] = 0
    pred[7:9, 6:9] = 21
    pred[7:9, 12:15] = 22
    truth[2:5, 18:21] = 0
    m = matching(truth, pred)
    assert (m.tp, m.fp, m.fn) == (3, 2, 1)
    assert (m.precision, m.recall) == (pytest.approx(3 / 5), pytest.approx(3 / 4))


def test_accuracy_misleads_on_mostly_background():
    truth = np.zeros((100, 100), bool)
    truth[:5, :5] = True
    s = pixel_scores(truth, np.zeros_like(truth))  # predicts nothing at all
    assert s.accuracy == pytest.approx(0.9975)
    assert s.recall == 0.0 and s.dice == 0.0 and s.youden == 0.0


def test_empty_pixel_conventions():
    empty = np.zeros((4, 4), int)
    full = np.ones((4, 4), int)
    s = pixel_scores(empty, empty)
    assert (s.precision, s.recall, s.f1, s.jaccard, s.youden, s.accuracy) == (1, 1, 1, 1, 1, 1)
    assert s.relative_volume_error == 0.0
    s = pixel_scores(empty, full)
    assert (s.precision, s.recall, s.dice, s.jaccard) == (0.0, 0.0, 0.0, 0.0)
    assert s.relative_volume_error == np.inf
    s = pixel_scores(full, empty)
    assert (s.precision, s.recall, s.dice) == (0.0, 0.0, 0.0)
    assert s.relative_volume_error == -1.0


def test_label_images_count_as_their_foreground():
    a = np.array([[1, 2, 0], [3, 3, 0]])
    b = np.array([[7, 7, 7], [0, 9, 0]])
    assert confusion_counts(a, b) == confusion_counts(a > 0, b > 0) == (3, 1, 1, 1)


@FAST
@given(small_masks, small_masks)
def test_pixel_properties(a, b):
    s = pixel_scores(a, b)
    for v in (s.accuracy, s.precision, s.recall, s.specificity, s.f1, s.jaccard):
        assert 0.0 <= v <= 1.0
    assert -1.0 <= s.youden <= 1.0
    assert s.tp + s.fp + s.fn + s.tn == a.size
    assert dice(a, b) == pytest.approx(dice(b, a))
    assert jaccard(a, b) == pytest.approx(jaccard(b, a))
    d = dice(a, b)
    assert jaccard(a, b) == pytest.approx(d / (2 - d))
    assert s.hamming == np.count_nonzero(a != b)
    assert dice(a, a) == jaccard(a, a) == 1.0
    assert dice(a, ~a) == 0.0 or not a.any() or a.all()


# --------------------------------------------------------------------------- overlaps


@FAST
@given(small_labels, small_labels)
def test_overlap_table_matches_brute_force(y_true, y_pred):
    table = overlap_table(y_true, y_pred)
    t_ids, p_ids, iou = brute_iou(y_true, y_pred)
    assert table.true_ids.tolist() == t_ids and table.pred_ids.tolist() == p_ids
    assert table.true_sizes.tolist() == [int(np.sum(y_true == i)) for i in t_ids]
    dense = np.zeros_like(iou)
    dense[table.true_index, table.pred_index] = table.iou
    np.testing.assert_allclose(dense, iou)
    assert (table.iou > 0).all()


def test_overlap_table_huge_and_sparse_ids():
    y_true = np.zeros((3, 4), np.uint64)
    y_pred = np.zeros((3, 4), np.uint64)
    y_true[0, :2] = 2**62 + 5
    y_true[2, :] = 3
    y_pred[0, 1:3] = 2**63 + 1
    table = overlap_table(y_true, y_pred)
    assert table.true_ids.tolist() == [3, 2**62 + 5]
    assert table.pred_ids.tolist() == [2**63 + 1]
    assert table.iou.tolist() == [pytest.approx(1 / 3)]


# --------------------------------------------------------------------------- matching


def test_matching_merge_and_split_hand_worked():
    truth = np.zeros((4, 8), int)
    truth[:, :4], truth[:, 4:] = 1, 2
    merged = np.where(truth > 0, 9, 0)  # one object covering both: IoU 16/32 = 0.5 with each
    m = matching(truth, merged)
    assert (m.tp, m.fp, m.fn) == (1, 0, 1)
    assert m.matched_scores.tolist() == [0.5]
    assert m.mean_true_score == 0.25
    assert m.panoptic_quality == pytest.approx(0.5 / 1.5)
    m = matching(truth, merged, strict=True)  # IoU must exceed 0.5
    assert (m.tp, m.fp, m.fn) == (0, 1, 2)
    split = np.zeros((4, 8), int)
    split[:, :2], split[:, 2:4], split[:, 4:] = 5, 6, 7  # object 1 cut in two halves
    m = matching(truth, split)
    assert (m.tp, m.fp, m.fn) == (2, 1, 0)
    assert sorted(map(tuple, m.matched_pairs.tolist()))[1] == (2, 7)


def test_low_threshold_needs_an_optimal_assignment():
    # Prediction 1 overlaps true 1 (IoU 4/9) and true 2 (IoU 3/10); prediction 2 overlaps only
    # true 1 (IoU 2/6). Pairing each object with its best partner gives one match; the optimal
    # assignment gives two.
    truth = np.zeros((1, 14), int)
    pred = np.zeros((1, 14), int)
    truth[0, 0:6], truth[0, 6:12] = 1, 2
    pred[0, 2:9], pred[0, 0:2] = 1, 2
    _, _, iou = brute_iou(truth, pred)
    np.testing.assert_allclose(iou, [[4 / 9, 2 / 6], [3 / 10, 0]])
    m = matching(truth, pred, iou_threshold=0.25)
    assert m.tp == 2
    assert m.matched_pairs.tolist() == [[1, 2], [2, 1]]
    assert matching(truth, pred, iou_threshold=0.35).tp == 1


def test_threshold_list_equals_single_calls():
    truth = np.zeros((12, 12), int)
    truth[1:6, 1:6], truth[7:11, 2:10] = 1, 2
    pred = np.roll(truth, 1, axis=1)
    several = matching(truth, pred, iou_threshold=[0.3, 0.6, 0.9])
    assert [r.as_dict() for r in several] == [
        matching(truth, pred, iou_threshold=t).as_dict() for t in (0.3, 0.6, 0.9)
    ]


def test_matching_empty_images():
    empty = np.zeros((5, 5), int)
    one = empty.copy()
    one[1:3, 1:3] = 4
    m = matching(empty, empty)
    assert (m.tp, m.fp, m.fn, m.n_true, m.n_pred) == (0, 0, 0, 0, 0)
    assert (m.precision, m.recall, m.f1, m.accuracy, m.panoptic_quality) == (1, 1, 1, 1, 1)
    m = matching(one, empty)
    assert (m.tp, m.fn, m.precision, m.recall, m.f1) == (0, 1, 0.0, 0.0, 0.0)
    m = matching(empty, one)
    assert (m.tp, m.fp, m.precision, m.recall, m.f1) == (0, 1, 0.0, 0.0, 0.0)
    assert m.matched_pairs.shape == (0, 2)


def test_matching_3d():
    truth = np.zeros((4, 6, 6), int)
    truth[:2, :3, :3] = 1  # 18 voxels
    truth[2:, 3:, 3:] = 2
    pred = np.zeros_like(truth)
    pred[:2, :3, :2] = 3  # 12 voxels inside object 1: IoU 12/18
    m = matching(truth, pred)
    assert (m.tp, m.fp, m.fn) == (1, 0, 1)
    assert m.matched_scores[0] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    "y_true, y_pred, message",
    [
        (np.zeros((4, 4), int), np.zeros((4, 5), int), "field of view"),
        (np.zeros((4, 4)), np.zeros((4, 4), int), "integer dtype"),
        (np.zeros((4, 4), int), -np.ones((4, 4), int), "negative"),
        (np.zeros(4, int), np.zeros(4, int), "2-D or 3-D"),
    ],
)
def test_bad_input_raises_clear_errors(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        matching(y_true, y_pred)
    with pytest.raises(ValueError, match=message):
        pixel_scores(y_true, y_pred)


@pytest.mark.parametrize("thresh", [-0.1, 1.5, 0.0])
def test_bad_threshold(thresh):
    lab = np.ones((3, 3), int)
    with pytest.raises(ValueError, match="thresh"):
        matching(lab, lab, iou_threshold=thresh)


def test_strict_zero_threshold_means_any_overlap():
    truth = np.zeros((1, 10), int)
    truth[0, :5] = 1
    pred = np.zeros((1, 10), int)
    pred[0, 4:] = 2
    pred[0, 0] = 3
    m = matching(truth, pred, iou_threshold=0, strict=True)
    assert (m.tp, m.fp, m.fn) == (1, 1, 0)
    assert m.matched_pairs.tolist() == [[1, 3]]  # IoU 1/5 beats 1/10 on the tie-break


def relabel(labels, mapping_seed):
    rng = np.random.default_rng(mapping_seed)
    lut = np.zeros(int(labels.max()) + 1, np.int64)
    lut[1:] = rng.choice(np.arange(1, 1000), len(lut) - 1, replace=False)
    return lut[labels]


@FAST
@given(small_labels, small_labels, st.integers(0, 10**6), st.sampled_from([0.1, 0.3, 0.5, 0.7]))
def test_matching_properties(y_true, y_pred, seed, thresh):
    m = matching(y_true, y_pred, iou_threshold=thresh)
    assert m.tp == brute_tp(y_true, y_pred, thresh)
    assert m.tp + m.fp == m.n_pred and m.tp + m.fn == m.n_true
    for v in (m.precision, m.recall, m.f1, m.accuracy, m.mean_true_score, m.mean_matched_score,
              m.panoptic_quality):
        assert 0.0 <= v <= 1.0
    assert (m.matched_scores >= thresh).all()
    # invariant to renumbering the labels
    r = matching(relabel(y_true, seed), relabel(y_pred, seed + 1), iou_threshold=thresh)
    assert (r.tp, r.fp, r.fn) == (m.tp, m.fp, m.fn)
    assert r.mean_matched_score == pytest.approx(m.mean_matched_score)
    # swapping the roles swaps FP and FN
    s = matching(y_pred, y_true, iou_threshold=thresh)
    assert (s.tp, s.fp, s.fn) == (m.tp, m.fn, m.fp)
    assert s.f1 == pytest.approx(m.f1)
    # a perfect prediction scores 1
    p = matching(y_true, y_true, iou_threshold=thresh)
    assert (p.f1, p.accuracy, p.panoptic_quality, p.mean_true_score) == (1, 1, 1, 1)


@FAST
@given(small_labels)
def test_disjoint_prediction_scores_zero(y_true):
    shifted = np.zeros((7, 14), np.uint8)
    shifted[:, 7:] = y_true
    padded = np.zeros((7, 14), np.uint8)
    padded[:, :7] = y_true
    m = matching(padded, shifted, iou_threshold=0, strict=True)
    assert m.tp == 0
    assert m.f1 == (1.0 if not y_true.any() else 0.0)


def load_fixture_cases():
    data = np.load(FIXTURES)
    return data, [str(n) for n in data["names"]]


FIXTURE_DATA, FIXTURE_NAMES = load_fixture_cases()


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_agrees_with_stardist(name):
    thresholds = list(FIXTURE_DATA["thresholds"])
    y_true = FIXTURE_DATA[f"{name}/y_true"]
    y_pred = FIXTURE_DATA[f"{name}/y_pred"]
    expected = FIXTURE_DATA[f"{name}/stardist"]
    results = matching(y_true, y_pred, iou_threshold=thresholds)
    ours = np.array(
        [[r.tp, r.fp, r.fn, r.mean_true_score, r.mean_matched_score, r.panoptic_quality]
         for r in results]
    )
    np.testing.assert_array_equal(ours[:, :3], expected[:, :3])
    if name == "both_empty":  # documented difference: StarDist reports 0 for a perfect empty result
        assert (expected[:, 3:] == 0).all() and (ours[:, 3:] == 1).all()
    else:
        np.testing.assert_allclose(ours[:, 3:], expected[:, 3:], rtol=1e-6, atol=1e-7)


def test_fixtures_cover_the_perturbations():
    for needed in ("split_one", "merge_bridged", "shift_2", "removed", "spurious", "ties",
                   "renumbered", "volume_3d", "empty_true"):
        assert needed in FIXTURE_NAMES
    ties = FIXTURE_DATA["ties/stardist"]
    at_half = list(FIXTURE_DATA["thresholds"]).index(0.5)
    assert ties[at_half, 0] == 3 and ties[at_half + 1, 0] == 0


# --------------------------------------------------------------------------- DSB score, sparse Jaccard


def test_average_precision_hand_worked():
    truth = np.zeros((10, 10), int)
    truth[:, :5] = 1
    pred = np.zeros((10, 10), int)
    pred[:, :4] = 1  # IoU 40/50 = 0.8: matched at 0.50 ... 0.80 (7 of 10 thresholds)
    assert average_precision(truth, pred) == pytest.approx(0.7)
    assert average_precision(truth, pred, strict=True) == pytest.approx(0.6)
    assert metrics.DSB_THRESHOLDS == (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def test_jaccard_index_sparse_hand_worked_and_non_consecutive():
    ann = np.zeros((6, 6), int)
    ann[0:2, 0:2] = 40  # 4 px
    ann[4:6, 4:6] = 7  # 4 px, nothing segmented there
    seg = np.zeros((6, 6), int)
    seg[0:2, 0:3] = 1000  # IoU 4/6 with 40
    seg[3, 0:6] = 3  # in unannotated area: ignored
    assert jaccard_index_sparse(ann, seg) == pytest.approx((4 / 6 + 0) / 2)
    assert np.isnan(jaccard_index_sparse(np.zeros((3, 3), int), seg[:3, :3]))


@FAST
@given(small_labels, small_labels)
def test_jaccard_index_sparse_brute_force(ann, seg):
    t_ids, _, iou = brute_iou(ann, seg)
    value = jaccard_index_sparse(ann, seg)
    if not t_ids:
        assert np.isnan(value)
    else:
        expected = iou.max(axis=1).mean() if iou.shape[1] else 0.0
        assert value == pytest.approx(expected)


# --------------------------------------------------------------------------- distances


def test_centroid_distances_with_spacing():
    t = np.zeros((2, 5, 9), int)
    t[:, 1:4, 1:4] = 1
    p = np.zeros_like(t)
    p[:, 1:4, 2:5] = 3  # shifted one pixel along x: IoU 12/24
    assert centroid_distances(t, p).tolist() == [1.0]
    assert centroid_distances(t, p, spacing=(4.0, 1.0, 0.25)).tolist() == [0.25]
    assert centroid_distances(t, np.zeros_like(t)).shape == (0,)


def test_contour_distances_hand_worked():
    a = np.zeros((9, 9), bool)
    a[3:6, 3:6] = True
    b = np.zeros((9, 9), bool)
    b[2:7, 2:7] = True  # one pixel larger on every side
    # A's 8 contour pixels are 1 from B's contour; B's 16: 12 at 1 and 4 corners at sqrt(2).
    expected = (1 + (12 + 4 * np.sqrt(2)) / 16) / 2
    assert mean_contour_distance(a, b) == pytest.approx(expected)
    assert hausdorff_distance(a, b) == pytest.approx(np.sqrt(2))
    assert hausdorff_distance(a, b, percentile=50) == pytest.approx(1.0)
    assert hausdorff_distance(a, b, spacing=(2.0, 1.0)) == pytest.approx(np.sqrt(5))


def test_distances_of_empty_masks():
    e = np.zeros((5, 5), int)
    f = e.copy()
    f[2, 2] = 1
    assert mean_contour_distance(e, e) == hausdorff_distance(e, e) == 0.0
    assert mean_contour_distance(e, f) == hausdorff_distance(f, e) == np.inf
    with pytest.raises(ValueError, match="percentile"):
        hausdorff_distance(f, f, percentile=101)


@FAST
@given(small_masks, small_masks, st.sampled_from([50, 95, 100]))
def test_distance_properties(a, b, q):
    if not a.any() or not b.any():
        return
    h = hausdorff_distance(a, b, percentile=q)
    assert h == pytest.approx(hausdorff_distance(b, a, percentile=q))
    assert 0 <= h <= hausdorff_distance(a, b)
    assert 0 <= mean_contour_distance(a, b) <= hausdorff_distance(a, b)
    assert hausdorff_distance(a, a) == 0.0


def test_distances_in_3d_with_anisotropic_voxels():
    a = np.zeros((5, 8, 8), bool)
    a[1:4, 2:6, 2:6] = True
    b = np.roll(a, 1, axis=0)  # one plane higher
    assert hausdorff_distance(a, b) == 1.0
    assert hausdorff_distance(a, b, spacing=(3.0, 0.5, 0.5)) == 3.0
    assert mean_contour_distance(a, a, spacing=(3.0, 0.5, 0.5)) == 0.0
    with pytest.raises(ValueError, match="spacing"):
        hausdorff_distance(a, b, spacing=(1.0, 1.0))


# --------------------------------------------------------------------------- any dtype, any id

from label_strategies import label_images, ranks  # noqa: E402


def brute_centroid(labels, i):
    return np.argwhere(labels == i).mean(axis=0)


@settings(max_examples=100, deadline=None)
@given(label_images(), label_images(), st.sampled_from([0.1, 0.3, 0.5, 0.7]))
def test_matching_with_ids_up_to_the_dtype_maximum(y_true, y_pred, thresh):
    t_ids, p_ids, iou = brute_iou(y_true, y_pred)
    m = matching(y_true, y_pred, iou_threshold=thresh)
    assert (m.n_true, m.n_pred) == (len(t_ids), len(p_ids))
    assert m.tp == brute_tp(y_true, y_pred, thresh)
    assert (m.tp, m.fp, m.fn) == tuple(
        getattr(matching(ranks(y_true), ranks(y_pred), iou_threshold=thresh), k) for k in ("tp", "fp", "fn")
    )
    for (i, j), score in zip(m.matched_pairs.tolist(), m.matched_scores):
        assert i in t_ids and j in p_ids  # the ids themselves, never wrapped
        assert score == pytest.approx(iou[t_ids.index(i), p_ids.index(j)])
    d = centroid_distances(y_true, y_pred, iou_threshold=thresh)
    expected = [np.hypot(*(brute_centroid(y_true, i) - brute_centroid(y_pred, j)))
                for i, j in m.matched_pairs.tolist()]
    np.testing.assert_allclose(d, expected)
    ap = average_precision(y_true, y_pred)
    brute_ap = np.mean([brute_tp(y_true, y_pred, x) / max(len(t_ids) + len(p_ids) - brute_tp(y_true, y_pred, x), 1)
                        if (t_ids or p_ids) else 1.0 for x in metrics.DSB_THRESHOLDS])
    assert ap == pytest.approx(brute_ap)
    value = jaccard_index_sparse(y_true, y_pred)
    if t_ids:
        assert value == pytest.approx(iou.max(axis=1).mean() if iou.shape[1] else 0.0)
    else:
        assert np.isnan(value)


def test_the_reviews_huge_id_examples():
    m = matching(np.array([[0]]), np.array([[2**63 - 1]]))
    assert (m.tp, m.fp, m.fn, m.precision) == (0, 1, 0, 0.0)  # one false positive
    assert matching(np.array([[2**62, 2**62 + 1]]), np.array([[1, 2]])).n_true == 2
    a = np.array([[7, 7]], np.uint64)
    b = np.array([[2**63, 2**63]], np.uint64)
    assert jaccard_index_sparse(a, b) == 1.0
    m = matching(a, b)
    assert m.matched_pairs.dtype == np.uint64 and m.matched_pairs.tolist() == [[7, 2**63]]
    assert centroid_distances(a, b).tolist() == [0.0]
    assert average_precision(a, b) == 1.0


def test_centroid_distances_takes_one_threshold():
    a = np.array([[1, 1, 0]])
    with pytest.raises(TypeError, match="one number.*once per threshold"):
        centroid_distances(a, a, iou_threshold=[0.5])


@pytest.mark.parametrize("bad, error", [(True, TypeError), (["0.5"], TypeError), ([], ValueError),
                                         ([1.5], ValueError), ([float("nan")], ValueError)])
def test_average_precision_refuses_meaningless_thresholds(bad, error):
    a = np.array([[1, 1, 0]])
    with pytest.raises(error):
        average_precision(a, a, iou_thresholds=bad)


@pytest.mark.parametrize("bad", ["no", 1, None, "False"])
def test_strict_must_be_a_bool(bad):
    a = np.array([[1, 1, 0]])
    with pytest.raises(TypeError, match="strict must be True or False"):
        matching(a, a, strict=bad)


def tiling(n, size=8):
    """An n x n tiling of square objects and the same tiling shifted by half an object."""
    truth = np.kron(np.arange(1, n * n + 1).reshape(n, n), np.ones((size, size), int))
    return truth, np.roll(truth, (size // 2, size // 2), axis=(0, 1))


def test_crowded_low_threshold_memory_follows_the_candidate_pairs():
    import tracemalloc

    truth, pred = tiling(80)  # 6,400 objects, each with 4 candidates of IoU 1/7
    tracemalloc.start()
    m = matching(truth, pred, iou_threshold=0.1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert m.tp == 6400
    assert m.mean_matched_score == pytest.approx(1 / 7)
    # a dense 6400 x 6400 float64 gain matrix alone is 328 MB
    assert peak < 6400**2 * 8 / 10


def test_sparse_assignment_agrees_with_a_dense_one_on_crowded_scenes():
    rng = np.random.default_rng(11)
    for _ in range(20):
        truth = rng.integers(0, 6, (12, 12))
        pred = rng.integers(0, 6, (12, 12))
        for thresh in (0.05, 0.1, 0.2):
            m = matching(truth, pred, iou_threshold=thresh)
            assert m.tp == brute_tp(truth, pred, thresh)
            _, _, iou = brute_iou(truth, pred)
            ok = iou >= thresh
            r, c = linear_sum_assignment(-(ok + iou * ok / (min(iou.shape) + 1)))
            best = iou[r, c][ok[r, c]].sum()
            assert m.matched_scores.sum() == pytest.approx(best)  # largest total IoU among maximal


# --- reproducers of issue 18: one rule per kind of value


def test_match_objects_refuses_what_is_not_an_overlap_table():
    from cellseg.metrics import match_objects

    with pytest.raises(TypeError, match="table must be an OverlapTable"):
        match_objects(None)


def test_a_0d_iou_threshold_is_a_number_everywhere():
    from cellseg.metrics import match_objects

    t = np.zeros((6, 6), int)
    t[1:4, 1:4] = 1
    p = np.zeros((6, 6), int)
    p[1:4, 2:5] = 2
    assert matching(t, p, iou_threshold=np.array(0.5)).tp == matching(t, p, iou_threshold=0.5).tp
    table = metrics.overlap_table(t, p)
    assert len(match_objects(table, iou_threshold=np.array(0.4))[0]) == 1
    np.testing.assert_array_equal(metrics.centroid_distances(t, p, iou_threshold=np.array(0.4)),
                                  metrics.centroid_distances(t, p, iou_threshold=0.4))


@pytest.mark.parametrize("spacing", [(True, True), "1", [[1.0], [1.0, 2.0]], (1 + 1j, 1)])
def test_metric_spacing_refuses_what_check_spacing_refuses(spacing):
    t = np.zeros((6, 6), int)
    t[1:4, 1:4] = 1
    for func in (metrics.mean_contour_distance, metrics.hausdorff_distance, metrics.centroid_distances):
        with pytest.raises((TypeError, ValueError), match="spacing"):
            func(t, t, spacing=spacing)


@pytest.mark.parametrize("thresholds", ["0.5", [[0.5, 0.6], [0.7]], None, True])
def test_average_precision_names_its_own_argument(thresholds):
    t = np.zeros((6, 6), int)
    t[1:4, 1:4] = 1
    with pytest.raises((TypeError, ValueError), match="thresholds"):
        metrics.average_precision(t, t, iou_thresholds=thresholds)


def test_ragged_points_get_the_course_message():
    with pytest.raises(ValueError, match="points must be one rectangular array"):
        metrics.objects_at_points(np.zeros((4, 4), int), [[1, 2], [3]])


# --------------------------------------------------------------------------- objects at points


def test_objects_at_points_reads_the_object_under_each_rounded_point():
    labels = np.zeros((6, 8), int)
    labels[1:3, 1:4] = 7
    labels[4:6, 5:8] = 2
    points = [[1, 1], [2.4, 3.4], [0, 0], [4.6, 6.5], [5, 7]]  # rounded to the nearest pixel
    assert metrics.objects_at_points(labels, points).tolist() == [7, 7, 0, 2, 2]


def test_objects_at_points_scores_detection_against_clicked_centres():
    # the counting rule of the lesson "Making a reference": two points in one object are a
    # merge, a point on background a missed nucleus, an object without a point spurious
    labels = np.zeros((10, 10), int)
    labels[0:3, 0:6] = 1  # holds two points: a merge
    labels[6:9, 6:9] = 2  # holds one: found
    labels[6:9, 0:2] = 3  # holds none: spurious
    points = np.array([[1, 1], [1, 4], [7, 7], [4, 4]])
    hit = metrics.objects_at_points(labels, points)
    found = np.unique(hit[hit > 0])
    assert found.tolist() == [1, 2]
    assert (hit == 0).sum() == 1 and (hit > 0).sum() - len(found) == 1
    assert len(np.unique(labels)) - 1 - len(found) == 1


def test_objects_at_points_in_3d_and_without_points():
    stack = np.zeros((3, 4, 5), int)
    stack[1, 2, 3] = 4
    assert metrics.objects_at_points(stack, [[1, 2, 3], [0, 0, 0]]).tolist() == [4, 0]
    assert metrics.objects_at_points(stack, np.zeros((0, 3))).shape == (0,)


@pytest.mark.parametrize("points", [[[6, 0]], [[0, -0.6]], [[1, 2, 3]], [[np.nan, 1]]])
def test_objects_at_points_refuses_points_outside_or_of_the_wrong_shape(points):
    with pytest.raises(ValueError, match="points"):
        metrics.objects_at_points(np.zeros((6, 8), int), points)


def test_coco_ap_refuses_a_zero_threshold_without_pointing_to_a_strict_it_lacks():
    a = np.array([[1, 1, 0]])
    with pytest.raises(ValueError, match="above 0") as refused:
        metrics.coco_average_precision(a, a, {1: 1.0}, iou_threshold=[0.5, 0])
    assert "strict" not in str(refused.value)
