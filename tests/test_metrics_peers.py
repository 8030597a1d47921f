"""cellseg.metrics against the peer libraries, on their own terms.

The peers' numbers are stored in ``tests/fixtures`` (made by
``tests/fixtures/make_peer_metrics_fixtures.py`` with StarDist 0.9.2 and
cellseg-metrics 0.2.0 in a throwaway environment); the label images are remade
here from the same seeds, so neither peer is needed to run these tests.

Where a peer's rule differs from ours (StarDist's tie-break between equally
many matches, cellseg-metrics' pairing by largest intersection in AJI), the
difference is not waved through: a brute-force version of the peer's rule,
written here, must reproduce the peer's number, and a brute-force version of
ours must reproduce ours.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from cellseg import metrics
from cellseg.metrics import (
    aggregated_jaccard_index,
    class_pixel_scores,
    coco_average_precision,
    dice2,
    matching,
    overlap_table,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_spec = importlib.util.spec_from_file_location(
    "make_peer_metrics_fixtures", FIXTURES / "make_peer_metrics_fixtures.py"
)
maker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(maker)

PEER = np.load(FIXTURES / "cellseg_metrics_peer.npz")
STARDIST = np.load(FIXTURES / "stardist_criteria.npz")


@pytest.fixture(scope="module")
def pairs():
    return [maker.random_pair(seed) for seed in range(maker.N_PAIRS)]


def dense_tables(y_true, y_pred):
    """Intersections, unions and sizes of every object pair, from one mask per object
    (brute force: dense, with no overlap table)."""
    t_ids = np.unique(y_true)
    p_ids = np.unique(y_pred)
    t_masks = (y_true.ravel()[None, :] == t_ids[t_ids != 0, None]).astype(np.int64)
    p_masks = (y_pred.ravel()[None, :] == p_ids[p_ids != 0, None]).astype(np.int64)
    inter = t_masks @ p_masks.T
    t_size, p_size = t_masks.sum(axis=1), p_masks.sum(axis=1)
    union = t_size[:, None] + p_size[None, :] - inter
    return inter, union, t_size, p_size


# --------------------------------------------------------------------------- StarDist


def stardist_objective_sum(scores, thr):
    """StarDist's rule: one dense assignment maximising the matches, then the sum of the
    scores of *all* assigned pairs (those below the threshold included); returns the
    sum of the matched scores."""
    n = min(scores.shape)
    r, c = linear_sum_assignment(-(scores >= thr).astype(float) - scores / (2 * n))
    ok = scores[r, c] >= thr
    return scores[r, c][ok].sum()


def our_objective_sum(scores, thr):
    """Ours: the most matches, then the largest sum of the *matched* scores."""
    n = min(scores.shape)
    ok = scores >= thr
    r, c = linear_sum_assignment(-(ok * (1 + scores / (n + 1))))
    return scores[r, c][ok[r, c]].sum()


def criterion_matrix(y_true, y_pred, criterion):
    inter, union, t_size, p_size = dense_tables(y_true, y_pred)
    den = {"iou": union, "iot": t_size[:, None], "iop": p_size[None, :]}[criterion]
    return inter / np.maximum(den, 1)


@pytest.mark.parametrize("criterion", maker.CRITERIA)
def test_matching_criteria_agree_with_stardist(criterion):
    thresholds = list(STARDIST["thresholds"])
    col = list(STARDIST["criteria"]).index(criterion)
    cases = list(maker.stardist_cases())
    assert [c[0] for c in cases] == [str(n) for n in STARDIST["names"]]
    compared = explained = 0
    for (name, y_true, y_pred), expected in zip(cases, STARDIST["stardist"][:, col]):
        results = matching(y_true, y_pred, iou_threshold=thresholds, criterion=criterion)
        assert all(r.criterion == criterion for r in results)
        ours = np.array([[r.tp, r.fp, r.fn, r.mean_true_score, r.mean_matched_score,
                          r.panoptic_quality] for r in results])
        np.testing.assert_array_equal(ours[:, :3], expected[:, :3], err_msg=name)
        compared += len(thresholds)
        if name == "both_empty":  # documented: StarDist reports 0 for a perfect empty result
            assert (expected[:, 3:] == 0).all() and (ours[:, 3:] == 1).all()
            continue
        differ = ~np.isclose(ours[:, 3:], expected[:, 3:], rtol=1e-6, atol=1e-7).all(axis=1)
        for k in np.flatnonzero(differ):
            # Same number of matches, other pairs: explained only if each rule, done by
            # brute force, gives its own library's sum of matched scores.
            scores = criterion_matrix(y_true, y_pred, criterion)
            n_true = scores.shape[0]
            theirs_sum, ours_sum = expected[k, 3] * n_true, ours[k, 3] * n_true
            assert np.isclose(stardist_objective_sum(scores, thresholds[k]), theirs_sum)
            assert np.isclose(our_objective_sum(scores, thresholds[k]), ours_sum)
            assert ours_sum > theirs_sum and thresholds[k] <= 0.55
            explained += 1
    assert compared == 327 * 6
    assert explained < 0.05 * compared


def test_iot_and_iop_hand_worked():
    truth = np.zeros((4, 8), int)
    truth[:, :4], truth[:, 4:] = 1, 2
    pred = np.zeros((4, 8), int)
    pred[:, 1:8] = 5  # covers 3/4 of cell 1 and all of cell 2; 28 pixels
    iot = matching(truth, pred, iou_threshold=0.7, criterion="iot")
    iop = matching(truth, pred, iou_threshold=0.5, criterion="iop")
    iou = matching(truth, pred, iou_threshold=0.5)
    assert (iot.tp, iot.fp, iot.fn, float(iot.matched_scores[0])) == (1, 0, 1, 1.0)
    assert iot.matched_pairs.tolist() == [[2, 5]]
    assert (iop.tp, round(float(iop.matched_scores[0]), 4)) == (1, round(16 / 28, 4))
    assert iou.tp == 1 and iou.matched_scores[0] == pytest.approx(16 / 28)
    assert matching(truth, pred, iou_threshold=0.6, criterion="iop").tp == 0


@pytest.mark.parametrize("bad, error", [("IoU", ValueError), ("dice", ValueError),
                                        (None, TypeError), (1, TypeError)])
def test_matching_refuses_unknown_criteria(bad, error):
    with pytest.raises(error, match="criterion must be one of 'iou', 'iot', 'iop'"):
        matching([[1, 0]], [[1, 0]], criterion=bad)


# --------------------------------------------------------------------------- cellseg-metrics


def peer_column(name):
    values = PEER["values"]
    columns = ["aji", "dice2", "map"] + [f"ap{t}" for t in PEER["single_ap"]]
    return values[:, columns.index(name)]


def kumar_aji(inter, union, t_size, p_size):
    """AJI by its definition: each reference object with the prediction of highest IoU."""
    if inter.size == 0:
        return None
    iou = inter / union
    best = iou.argmax(axis=1)
    has = iou.max(axis=1) > 0
    rows = np.flatnonzero(has)
    used = np.zeros(len(p_size), bool)
    used[best[has]] = True
    total = union[rows, best[has]].sum() + t_size[~has].sum() + p_size[~used].sum()
    return inter[rows, best[has]].sum() / total


def largest_intersection_aji(inter, union, t_size, p_size):
    """cellseg-metrics' rule: every prediction of largest intersection, ties all kept."""
    if inter.size == 0:
        return 0.0
    chosen = (inter == inter.max(axis=1, keepdims=True)) & (inter > 0)
    total = union[chosen].sum() + t_size[~chosen.any(1)].sum() + p_size[~chosen.any(0)].sum()
    return inter[chosen].sum() / total


def test_aji_agrees_with_cellseg_metrics_where_the_rules_agree(pairs):
    peer = peer_column("aji")
    same_rule = 0
    for (truth, pred, *_), expected in zip(pairs, peer):
        ours = aggregated_jaccard_index(truth, pred)
        inter, union, t_size, p_size = dense_tables(truth, pred)
        if inter.size == 0:  # documented: the peer gives 0 when a mask is empty
            assert expected == 0 and ours == (1.0 if not truth.any() and not pred.any() else 0.0)
            continue
        by_iou = (inter / union).argmax(axis=1)
        biggest = inter == inter.max(axis=1, keepdims=True)
        rules_agree = (biggest.sum(1) == 1).all() and (biggest.argmax(1) == by_iou).all()
        if rules_agree:
            same_rule += 1
            assert ours == pytest.approx(expected, rel=1e-7)
        else:  # the difference is the pairing rule, and nothing else
            assert largest_intersection_aji(inter, union, t_size, p_size) == pytest.approx(
                expected, rel=1e-7)
        assert ours == pytest.approx(kumar_aji(inter, union, t_size, p_size), rel=1e-12)
    assert same_rule >= 600, same_rule  # 621 of the 1000 pairs


def test_aji_plus_is_a_one_to_one_pairing_of_largest_total_iou(pairs):
    for truth, pred, *_ in pairs[:300]:
        inter, union, t_size, p_size = dense_tables(truth, pred)
        if inter.size == 0:
            continue
        iou = inter / union
        r, c = linear_sum_assignment(-iou)
        keep = iou[r, c] > 0
        r, c = r[keep], c[keep]
        rest = (np.delete(t_size, r).sum() + np.delete(p_size, c).sum())
        expected = inter[r, c].sum() / (union[r, c].sum() + rest)
        assert aggregated_jaccard_index(truth, pred, plus=True) == pytest.approx(expected, rel=1e-12)


def test_dice2_agrees_with_cellseg_metrics(pairs):
    peer = peer_column("dice2")
    for (truth, pred, *_), expected in zip(pairs, peer):
        ours = dice2(truth, pred)
        if not truth.any() and not pred.any():  # documented: 1.0 here, 0 there
            assert ours == 1.0 and expected == 0
        else:
            assert ours == pytest.approx(expected, rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("which", ["map"] + [f"ap{t}" for t in maker.SINGLE_AP])
def test_coco_ap_agrees_with_cellseg_metrics(pairs, which):
    peer = peer_column(which)
    thresholds = metrics.DSB_THRESHOLDS if which == "map" else float(which[2:])
    for (truth, pred, confidences, *_), expected in zip(pairs, peer):
        ours = coco_average_precision(truth, pred, confidences, iou_threshold=thresholds)
        if not truth.any():  # documented: the peer gives NaN without reference objects
            assert np.isnan(expected) and ours == (0.0 if pred.any() else 1.0)
        else:
            assert ours == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert np.ptp(peer) > 0.5  # the pairs span good and bad detections


def test_class_pixel_scores_agree_with_cellseg_metrics(pairs):
    fields = {"iou": "jaccard", "dice": "dice", "f1score": "f1", "sensitivity": "recall",
              "specificity": "specificity", "accuracy": "accuracy"}
    n = int(PEER["n_classes"])
    values = PEER["values"][:, 3 + len(maker.SINGLE_AP):].reshape(len(pairs), -1, n)
    compared = absent = 0
    for (*_, true_cls, pred_cls), expected in zip(pairs, values):
        ours = class_pixel_scores(true_cls, pred_cls, classes=range(n))
        for k, peer_name in enumerate(PEER["class_scores"]):
            for c in range(n):
                got = getattr(ours[c], fields[str(peer_name)])
                if expected[k, c] == -1:  # absent from both maps: the peer's marker
                    assert got == 1.0 and not (true_cls == c).any() and not (pred_cls == c).any()
                    absent += 1
                    continue
                assert got == pytest.approx(expected[k, c], rel=1e-7, abs=1e-7)
                compared += 1
    assert compared > 20000 and absent < compared / 10


# --------------------------------------------------------------------------- worked examples


def test_aji_hand_worked_merge_split_and_empty():
    truth = np.array([[1, 1, 1, 1, 2, 2, 2, 2, 0, 0]])
    merged = np.array([[5, 5, 5, 5, 5, 5, 5, 5, 0, 0]])
    split = np.array([[3, 3, 4, 4, 6, 6, 6, 6, 0, 0]])
    assert aggregated_jaccard_index(truth, merged) == 8 / 16
    assert aggregated_jaccard_index(truth, merged, plus=True) == 4 / 12
    # cell 1 keeps half (2 of 4, union 4) and the other half is an unpaired prediction
    assert aggregated_jaccard_index(truth, split) == (2 + 4) / (4 + 4 + 2)
    assert aggregated_jaccard_index(truth, split, plus=True) == (2 + 4) / (4 + 4 + 2)
    assert aggregated_jaccard_index(truth, truth) == 1.0
    empty = np.zeros_like(truth)
    assert aggregated_jaccard_index(empty, empty) == 1.0
    assert aggregated_jaccard_index(truth, empty) == 0.0
    with pytest.raises(TypeError, match="plus must be True or False"):
        aggregated_jaccard_index(truth, truth, plus="yes")


def test_dice2_counts_a_merge_once_per_cell():
    truth = np.array([[1, 1, 0, 2, 2]])
    merged = np.array([[7, 7, 7, 7, 7]])
    assert dice2(truth, merged) == 2 * (2 + 2) / ((2 + 5) + (2 + 5))
    assert metrics.dice(truth, merged) == 2 * 4 / (4 + 5)


def test_coco_ap_hand_worked_ranking():
    truth = np.array([[1, 1, 0, 2, 2, 0, 0, 0]])
    pred = np.array([[3, 3, 0, 4, 4, 0, 9, 9]])
    # ranked 9 (spurious), 3, 4: precision 0, 1/2, 2/3 at recall 0, 1/2, 1 -> 2/3 everywhere
    assert coco_average_precision(truth, pred, {3: 0.8, 4: 0.7, 9: 0.9}) == pytest.approx(2 / 3)
    # ranked 3, 9, 4: precision 1, 1/2, 2/3 -> 1 up to recall 1/2 (51 levels), then 2/3
    expected = (51 * 1 + 50 * 2 / 3) / 101
    assert coco_average_precision(truth, pred, {3: 0.8, 4: 0.7, 9: 0.75}) == pytest.approx(expected)
    # equal confidences keep the order of the ids: 3, 4, then 9
    assert coco_average_precision(truth, pred, {3: 0.5, 4: 0.5, 9: 0.5}) == 1.0
    # one cell found only: recall stops at 1/2, the 50 levels above it score 0
    half = np.where(pred == 4, 0, pred)
    assert coco_average_precision(truth, half, {3: 0.9, 9: 0.1}) == pytest.approx(51 / 101)


def test_coco_ap_single_threshold_and_a_list():
    truth = np.array([[1, 1, 1, 1, 0, 2, 2, 2, 2, 0]])
    pred = np.array([[1, 1, 1, 0, 0, 2, 2, 0, 0, 0]])  # IoU 0.75 and 0.5
    conf = {1: 0.9, 2: 0.8}
    assert coco_average_precision(truth, pred, conf, iou_threshold=0.5) == 1.0
    assert coco_average_precision(truth, pred, conf, iou_threshold=0.75) == pytest.approx(51 / 101)
    assert coco_average_precision(truth, pred, conf, iou_threshold=0.8) == 0.0
    both = coco_average_precision(truth, pred, conf, iou_threshold=[0.5, 0.75])
    assert both == pytest.approx((1 + 51 / 101) / 2)
    by_hand = np.mean([coco_average_precision(truth, pred, conf, iou_threshold=t)
                       for t in metrics.DSB_THRESHOLDS])
    assert coco_average_precision(truth, pred, conf) == pytest.approx(by_hand)


@pytest.mark.parametrize(
    "confidences, error, message",
    [
        ({1: 0.9}, ValueError, r"1 predicted object\(s\) have no confidence, e.g. ids \[2\]"),
        ({1: 0.9, 2: 0.5, 8: 0.1}, ValueError, r"not in y_pred, e.g. \[8\]"),
        ([0.9, 0.5], TypeError, "confidences must be a dict"),
        (None, TypeError, "confidences must be a dict"),
        ({1: 0.9, 2: float("nan")}, ValueError, "finite real number"),
        ({1: 0.9, 2: "high"}, ValueError, "finite real number"),
        ({"a": 0.9, "b": 0.5}, TypeError, "keys of confidences must be integer ids"),
    ],
)
def test_coco_ap_refuses_missing_or_bad_confidences(confidences, error, message):
    truth = np.array([[1, 1, 0, 2, 2]])
    with pytest.raises(error, match=message):
        coco_average_precision(truth, truth, confidences)


@pytest.mark.parametrize("bad", [0, 1.5, -0.1, [], "0.5", float("nan")])
def test_coco_ap_refuses_bad_thresholds(bad):
    truth = np.array([[1, 1, 0, 2, 2]])
    with pytest.raises((TypeError, ValueError), match="iou_threshold"):
        coco_average_precision(truth, truth, {1: 1, 2: 1}, iou_threshold=bad)


def test_class_pixel_scores_hand_worked_with_background_and_absent_classes():
    truth = np.array([[1, 1, 2, 2, 0, 0]])
    pred = np.array([[1, 2, 2, 2, 0, 3]])
    scores = class_pixel_scores(truth, pred)
    assert sorted(scores) == [1, 2, 3]
    assert (scores[1].tp, scores[1].fp, scores[1].fn, scores[1].tn) == (1, 0, 1, 4)
    assert (scores[2].tp, scores[2].fp, scores[2].fn, scores[2].tn) == (2, 1, 0, 3)
    assert (scores[3].tp, scores[3].fp, scores[3].fn) == (0, 1, 0) and scores[3].dice == 0.0
    with_background = class_pixel_scores(truth, pred, classes=[0, 5])
    assert (with_background[0].tp, with_background[0].fp, with_background[0].fn) == (1, 0, 1)
    assert with_background[5].dice == 1.0 and with_background[5].tp == 0  # absent from both
    for c, s in scores.items():  # each class is pixel_scores of its two masks
        assert s == metrics.pixel_scores(truth == c, pred == c)
    with pytest.raises((TypeError, ValueError), match="classes must be a whole number"):
        class_pixel_scores(truth, pred, classes=[1.5])
    with pytest.raises(ValueError, match="y_true has shape"):
        class_pixel_scores(truth, pred[:, :4])


def test_new_measures_refuse_bad_label_images():
    good = np.array([[1, 0]])
    for func in (aggregated_jaccard_index, dice2, class_pixel_scores):
        with pytest.raises(ValueError, match="floating-point"):
            func(good.astype(float), good)
    with pytest.raises(ValueError, match="negative"):
        coco_average_precision(np.array([[-1, 0]]), good, {1: 1.0})


def test_huge_ids_cost_no_memory():
    truth = np.zeros((6, 6), np.uint64)
    pred = np.zeros_like(truth)
    truth[:3] = 2**63 + 5
    pred[:2] = 2**64 - 1
    pred[3:] = 7
    table = overlap_table(truth, pred)
    assert table.iou.tolist() == [2 / 3]
    assert aggregated_jaccard_index(truth, pred) == 12 / (18 + 18)
    assert coco_average_precision(truth, pred, {2**64 - 1: 0.2, 7: 0.9},
                                  iou_threshold=0.5) == 0.5  # ranked 7 (wrong), then the match


# --------------------------------------------------------------------------- brute force, any ids

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from label_strategies import label_images, ranks  # noqa: E402

FAST = settings(max_examples=60, deadline=None)


def pycocotools_ap(y_true, y_pred, confidences, thr):
    """COCO's evaluateImg and accumulate for one image and one category, written out."""
    inter, union, _, _ = dense_tables(y_true, y_pred)
    iou = inter / np.maximum(union, 1)
    p_ids = [j for j in np.unique(y_pred).tolist() if j]
    order = np.argsort([-confidences[j] for j in p_ids], kind="mergesort")
    used, hits = set(), []
    for d in order:
        cut, m = min(thr, 1 - 1e-10), -1
        for g in range(iou.shape[0]):
            if g in used or iou[g, d] < cut:
                continue
            cut, m = iou[g, d], g
        hits.append(m >= 0)
        used.add(m)
    tp = np.cumsum(hits)
    recall = tp / iou.shape[0]
    precision = list(tp / np.arange(1, len(hits) + 1))
    for i in range(len(precision) - 1, 0, -1):
        precision[i - 1] = max(precision[i - 1], precision[i])
    where = np.searchsorted(recall, np.linspace(0, 1, 101), side="left")
    return sum(precision[w] for w in where if w < len(hits)) / 101


@FAST
@given(label_images(shape=(6, 6), max_objects=5), label_images(shape=(6, 6), max_objects=5),
       st.lists(st.integers(0, 3), min_size=5, max_size=5),
       st.sampled_from([0.1, 0.3, 0.5, 0.75, 1.0]))
def test_coco_ap_equals_pycocotools_loop_for_any_ids(y_true, y_pred, levels, thr):
    p_ids = [j for j in np.unique(y_pred).tolist() if j]
    confidences = {j: levels[k] / 3 for k, j in enumerate(p_ids)}  # ties on purpose
    ours = coco_average_precision(y_true, y_pred, confidences, iou_threshold=thr)
    if not y_true.any():
        assert ours == (0.0 if y_pred.any() else 1.0)
    elif not y_pred.any():
        assert ours == 0.0
    else:
        assert ours == pytest.approx(pycocotools_ap(y_true, y_pred, confidences, thr), abs=1e-12)


@FAST
@given(label_images(shape=(6, 6), max_objects=5), label_images(shape=(6, 6), max_objects=5))
def test_aji_and_dice2_equal_brute_force_for_any_ids(y_true, y_pred):
    inter, union, t_size, p_size = dense_tables(y_true, y_pred)
    if inter.size == 0:
        expected = 1.0 if not y_true.any() and not y_pred.any() else 0.0
        assert aggregated_jaccard_index(y_true, y_pred) == expected
        return
    assert aggregated_jaccard_index(y_true, y_pred) == pytest.approx(
        kumar_aji(inter, union, t_size, p_size), rel=1e-12)
    pairs = inter > 0
    markup = (t_size[:, None] + p_size[None, :])[pairs].sum()
    assert dice2(y_true, y_pred) == (2 * inter.sum() / markup if markup else 0.0)


@FAST
@given(label_images(shape=(5, 6), max_objects=4), label_images(shape=(5, 6), max_objects=4))
def test_class_pixel_scores_are_pixel_scores_of_each_class(y_true, y_pred):
    a, b = ranks(y_true), ranks(y_pred)
    scores = class_pixel_scores(a, b, classes=range(6))
    for c in range(6):
        assert scores[c] == metrics.pixel_scores(a == c, b == c)
    present = sorted((set(np.unique(a).tolist()) | set(np.unique(b).tolist())) - {0})
    assert sorted(class_pixel_scores(a, b)) == present
