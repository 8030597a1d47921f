"""Tests of cellseg.errors: the object error classifier, topology checks and injected errors."""

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import ndimage as ndi  # noqa: E402

import cellseg  # noqa: E402
from cellseg.errors import classify_errors, label_topology  # noqa: E402
from cellseg.synthetic import ground_truth_labels  # noqa: E402

# Ten cells on a 128x128 grid, far apart (FWHM discs of radius ~7 px).
CENTERS = [(20, 20), (20, 60), (20, 100), (60, 20), (60, 60), (60, 100), (100, 20), (100, 60),
           (100, 88), (100, 104)]


def injected():
    """Reference and a prediction with one deliberate error of each kind."""
    truth = ground_truth_labels(CENTERS, shape=128, cell_sigma=6)
    pred = truth.copy()
    # split: cell 1 cut into a top half (id 1) and a bottom half (id 50)
    rows = np.arange(128)[:, None]
    pred[(truth == 1) & (rows >= 20)] = 50
    # missed: cell 2 not found
    pred[truth == 2] = 0
    # boundary: cell 3 predicted 6 px too large all round (IoU < 0.5)
    grown = ndi.binary_dilation(truth == 3, iterations=6)
    pred[grown & (pred == 0)] = 3
    # hole in the prediction of cell 5
    pred[59:61, 59:61] = 0
    # disconnected: cell 6 has an extra piece far away
    pred[40:42, 120:122] = 6
    # spurious: an object where there is no cell
    pred[118:124, 40:46] = 60
    # merge: cells 9 and 10 (centres 16 px apart) predicted as one object with id 70
    bridge = np.zeros_like(truth, bool)
    bridge[98:103, 88:105] = True
    pred[(truth == 9) | (truth == 10) | bridge] = 70
    return truth, pred


def test_classify_errors_finds_each_injected_error():
    truth, pred = injected()
    table = classify_errors(truth, pred)
    found = {(r.kind, r.true_ids, r.pred_ids) for r in table}
    assert ("split", (1,), (1, 50)) in found
    assert ("missed", (2,), ()) in found
    assert ("boundary", (3,), (3,)) in found
    assert ("merge", (9, 10), (70,)) in found
    assert ("spurious", (), (60,)) in found
    assert ("hole", (), (5,)) in found
    assert ("disconnected", (), (6,)) in found
    correct = {r.true_ids[0] for r in table.of_kind("correct")}
    assert correct == {4, 5, 6, 7, 8}
    assert table.counts() == {"correct": 5, "split": 1, "merge": 1, "boundary": 1, "missed": 1,
                              "spurious": 1, "hole": 1, "disconnected": 1}
    boundary = table.of_kind("boundary")[0]
    assert 0 < boundary.iou < 0.5 and "too large" in boundary.detail
    shrunk = np.where(ndi.binary_erosion(truth == 4, iterations=3), 4, 0)
    row = classify_errors(truth * (truth == 4), shrunk)[0]
    assert (row.kind, row.detail) == ("boundary", "IoU below 0.5: prediction too small")


def test_classify_errors_perfect_and_empty():
    truth, _ = injected()
    table = classify_errors(truth, truth)
    assert table.counts()["correct"] == len(CENTERS) and len(table) == len(CENTERS)
    assert all(r.iou == 1.0 for r in table)
    empty = np.zeros_like(truth)
    assert len(classify_errors(empty, empty)) == 0
    assert classify_errors(truth, empty).counts()["missed"] == len(CENTERS)
    assert classify_errors(empty, truth).counts()["spurious"] == len(CENTERS)


def test_classify_errors_is_invariant_to_renumbering():
    truth, pred = injected()
    lut = np.arange(int(pred.max()) + 1) * 7 + 1000
    lut[0] = 0
    renumbered = lut[pred]
    a = classify_errors(truth, pred).counts()
    b = classify_errors(truth, renumbered).counts()
    assert a == b
    row = [r for r in classify_errors(truth, renumbered) if r.kind == "merge"][0]
    assert row.pred_ids == (70 * 7 + 1000,)


def test_shifted_prediction_is_a_boundary_error_or_missed():
    truth = np.zeros((20, 40), int)
    truth[5:15, 5:15] = 1
    pred = np.roll(truth, 4, axis=1)  # IoU 60/140
    row = classify_errors(truth, pred)[0]
    assert (row.kind, row.detail) == ("boundary", "IoU below 0.5: prediction shifted")
    assert row.iou == pytest.approx(60 / 140)
    far = np.roll(truth, 8, axis=1)  # IoU 20/180: most of each object lies outside the other
    kinds = [r.kind for r in classify_errors(truth, far)]
    assert kinds == ["missed", "spurious"]


def test_error_table_display():
    truth, pred = injected()
    table = classify_errors(truth, pred)
    text = repr(table)
    assert text.splitlines()[0].split() == ["kind", "true", "ids", "pred", "ids", "IoU", "detail"]
    assert "merge" in text and "<table>" in table._repr_html_()
    assert table.rows()[0]["kind"] == "correct"
    with pytest.raises(ValueError, match="kind must be one of"):
        table.of_kind("oversegmentation")


def test_label_topology_2d_and_3d():
    lab = np.zeros((9, 12), int)
    lab[1:8, 1:8] = 4
    lab[3, 3] = 0  # hole 1
    lab[5, 5:7] = 0  # hole 2
    lab[2:4, 9:11] = 7
    lab[6:8, 9:11] = 7  # two pieces
    lab[0, 11] = 7  # third piece
    holes, pieces = label_topology(lab)
    assert holes == {4: 2} and pieces == {7: 3}
    # background touching two objects is not a hole of either
    two = np.zeros((5, 7), int)
    two[:, :3], two[:, 4:] = 1, 2
    two[0, 3] = two[4, 3] = 1
    assert label_topology(two) == ({}, {})
    # a diagonal gap: with 4-connected objects the two squares are two pieces, with 8 one
    diag = np.zeros((4, 4), int)
    diag[:2, :2] = diag[2:, 2:] = 3
    assert label_topology(diag) == ({}, {3: 2})
    assert label_topology(diag, connectivity=2) == ({}, {})
    vol = np.zeros((5, 5, 5), int)
    vol[1:4, 1:4, 1:4] = 2
    vol[2, 2, 2] = 0  # a cavity
    assert label_topology(vol) == ({2: 1}, {})
    with pytest.raises(ValueError, match="connectivity"):
        label_topology(lab, connectivity=3)


@pytest.mark.parametrize(
    "kind, kwargs, expected",
    [
        ("split", {"label": 1}, ("split", (1,), (1, 11))),
        ("merge", {"label": 9, "other": 10}, ("merge", (9, 10), (9,))),
        ("missed", {"label": 2}, ("missed", (2,), ())),
        ("spurious", {"at": (40, 40)}, ("spurious", (), (11,))),
        ("shift", {"label": 4, "amount": 5}, ("boundary", (4,), (4,))),
        ("grow", {"label": 4, "amount": 5}, ("boundary", (4,), (4,))),
        ("shrink", {"label": 4, "amount": 3}, ("boundary", (4,), (4,))),
        ("hole", {"label": 4}, ("hole", (), (4,))),
        ("fragment", {"label": 4}, ("disconnected", (), (4,))),
    ],
)
def test_inject_error_is_found_by_the_classifier(kind, kwargs, expected):
    truth = ground_truth_labels(CENTERS, shape=128, cell_sigma=6)
    before = truth.copy()
    pred = cellseg.errors.inject_error(truth, kind, **kwargs)
    np.testing.assert_array_equal(truth, before)  # inject_error never changes its input
    found = [(r.kind, r.true_ids, r.pred_ids) for r in classify_errors(truth, pred) if r.kind != "correct"]
    assert found == [expected]


def test_inject_error_checks_its_arguments():
    truth = ground_truth_labels(CENTERS, shape=128, cell_sigma=6)
    with pytest.raises(ValueError, match="kind must be one of"):
        cellseg.errors.inject_error(truth, "blur", label=1)
    with pytest.raises(ValueError, match="not in the image"):
        cellseg.errors.inject_error(truth, "split", label=99)
    with pytest.raises(ValueError, match="at=\\(row, col\\)"):
        cellseg.errors.inject_error(truth, "spurious")
    with pytest.raises(ValueError, match="second object"):
        cellseg.errors.inject_error(truth, "merge", label=1, other=1)


# --------------------------------------------------------------------------- any dtype, any id

from hypothesis import given, settings  # noqa: E402

from label_strategies import label_images, ranks  # noqa: E402


def _kinds(table):
    return sorted((r.kind, len(r.true_ids), len(r.pred_ids)) for r in table)


@settings(max_examples=60, deadline=None)
@given(label_images(shape=(6, 6)), label_images(shape=(6, 6)))
def test_classify_errors_with_ids_up_to_the_dtype_maximum(y_true, y_pred):
    # the same verdicts as for the same objects numbered 1, 2, ..., with or without background
    assert _kinds(classify_errors(y_true, y_pred)) == _kinds(classify_errors(ranks(y_true), ranks(y_pred)))
    ids = {int(i) for r in classify_errors(y_true, y_pred) for i in r.true_ids}
    assert ids <= {int(i) for i in np.unique(y_true) if i}


def test_classify_errors_without_background_keeps_the_smallest_huge_id():
    truth = np.array([[2**62, 2**62 + 1]], np.uint64)
    table = classify_errors(truth, truth)
    assert table.counts()["correct"] == 2


@pytest.mark.parametrize("at", [(np.nan, np.nan), (200, 5), (-3, 4)])
def test_inject_error_refuses_a_point_outside_the_image(at):
    truth = ground_truth_labels(CENTERS, shape=128, cell_sigma=6)
    with pytest.raises(ValueError, match="at="):
        cellseg.errors.inject_error(truth, "spurious", at=at)


def test_inject_error_refuses_a_dtype_without_a_free_id():
    labels = np.zeros((8, 8), np.uint8)
    labels[1:5, 1:5] = 255
    with pytest.raises(ValueError, match="largest id 255.*astype"):
        cellseg.errors.inject_error(labels, "split", label=255)


# --- reproducers of issue 18


def test_inject_error_on_a_full_int32_image_advises_a_wider_type():
    labels = np.zeros((6, 6), np.int32)
    labels[1:3, 1:3] = 1
    labels[4:6, 4:6] = np.iinfo(np.int32).max
    with pytest.raises(ValueError, match=r"labels.astype\(np.int64\)"):
        cellseg.errors.inject_error(labels, "split", label=1)
    # and the advice works
    out = cellseg.errors.inject_error(labels.astype(np.int64), "split", label=1)
    assert out.max() == np.iinfo(np.int32).max + 1


@pytest.mark.parametrize("connectivity", [True, np.array([1, 2]), 1.5, "1"])
def test_connectivity_is_a_whole_number(connectivity):
    labels = np.zeros((6, 6), int)
    labels[1:4, 1:4] = 1
    with pytest.raises((TypeError, ValueError), match="connectivity"):
        label_topology(labels, connectivity=connectivity)


def test_classify_errors_takes_a_0d_threshold():
    labels = np.zeros((6, 6), int)
    labels[1:4, 1:4] = 1
    assert [r.kind for r in classify_errors(labels, labels, iou_threshold=np.array(0.5))] == ["correct"]


def test_inject_error_refuses_an_amount_beyond_the_image():
    labels = np.zeros((6, 6), int)
    labels[1:3, 1:3] = 1
    labels[4:6, 4:6] = 2
    with pytest.raises(ValueError, match="amount is in pixels"):
        cellseg.errors.inject_error(labels, "merge", label=1, other=2, amount=10**12)
