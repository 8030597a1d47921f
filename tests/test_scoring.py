"""Scores by region, bootstrap intervals, sparse scores and the simulated annotator (cellseg.scoring)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cellseg import metrics
from cellseg.drawing import OBJECT_ERROR_COLORS, object_error_map
from cellseg.data import nuclei_2d
from cellseg.scoring import (
    RegionCounts,
    best_iou,
    bootstrap_scores,
    count_by_region,
    grid_regions,
    percentile_interval,
    simulate_annotator,
    touching_pairs,
)

FAST = settings(max_examples=40, deadline=None)
small_labels = arrays(np.uint8, (8, 8), elements=st.integers(0, 5))
THRESHOLDS = list(metrics.DSB_THRESHOLDS)


@pytest.fixture(scope="module")
def nuclei():
    return nuclei_2d()


@pytest.fixture(scope="module")
def shifted(nuclei):
    """A realistic prediction: the annotation moved by 2 px, one nucleus dropped, one added."""
    _, truth = nuclei
    pred = np.roll(truth, (2, 1), axis=(0, 1)).astype(np.int32)
    pred[pred == 7] = 0
    pred[500:506, 300:309] = 999
    return pred


# --------------------------------------------------------------------------- count_by_region


def test_counts_add_up_to_the_whole_image_matching(nuclei, shifted):
    _, truth = nuclei
    counts = count_by_region(truth, shifted, regions=grid_regions(truth.shape, tile_shape=(64, 64)))
    whole = metrics.matching(truth, shifted, iou_threshold=THRESHOLDS)
    assert counts.tp.shape == (64, len(THRESHOLDS))
    assert counts.tp.sum(axis=0).tolist() == [m.tp for m in whole]
    assert counts.fp.sum(axis=0).tolist() == [m.fp for m in whole]
    assert counts.fn.sum(axis=0).tolist() == [m.fn for m in whole]
    np.testing.assert_allclose(counts.iou_sum.sum(axis=0), [m.matched_scores.sum() for m in whole])
    pooled = counts.pooled()
    assert np.isclose(pooled["f1"], whole[0].f1)
    assert np.isclose(pooled["pq"], whole[0].panoptic_quality)
    assert np.isclose(pooled["dsb"], metrics.average_precision(truth, shifted))
    assert counts.n_objects().sum() == 125


@FAST
@given(small_labels, small_labels)
def test_counts_agree_with_matching_on_random_images(a, b):
    counts = count_by_region(a, b, regions=grid_regions(a.shape, tile_shape=(3, 5)), iou_thresholds=[0.3, 0.5, 0.8])
    whole = metrics.matching(a, b, iou_threshold=[0.3, 0.5, 0.8])
    assert counts.tp.sum(axis=0).tolist() == [m.tp for m in whole]
    assert counts.fp.sum(axis=0).tolist() == [m.fp for m in whole]
    assert counts.fn.sum(axis=0).tolist() == [m.fn for m in whole]
    assert (counts.fp >= 0).all() and (counts.fn >= 0).all()
    assert np.isclose(counts.pooled()["f1"], whole[1].f1)


def test_an_object_cut_by_the_split_counts_once_on_the_side_of_its_centroid():
    truth = np.zeros((10, 10), int)
    truth[2:5, 3:8] = 4  # 2 rows above the split at row 4, 1 row below: centroid above
    pred = truth.copy()
    halves = (np.arange(10)[:, None] >= 4).astype(int) * np.ones((1, 10), int)
    counts = count_by_region(truth, pred, regions=halves, iou_thresholds=[0.5])
    assert counts.tp.ravel().tolist() == [1, 0]
    assert counts.select([1]).pooled() == {"f1": 1.0, "dsb": 1.0, "pq": 1.0}  # nothing there
    assert counts.select(np.array([True, False])).tp.ravel().tolist() == [1]


def test_a_match_counts_where_the_reference_object_is_and_a_false_positive_where_it_is():
    truth = np.zeros((8, 8), int)
    truth[1:4, 1:4] = 1
    pred = np.zeros((8, 8), int)
    pred[1:4, 1:4] = 2
    pred[6:8, 6:8] = 3
    regions = grid_regions(truth.shape, tile_shape=(4, 4))
    c = count_by_region(truth, pred, regions=regions, iou_thresholds=[0.5])
    assert c.tp.ravel().tolist() == [1, 0, 0, 0]
    assert c.fp.ravel().tolist() == [0, 0, 0, 1]
    per = c.per_region()
    assert per["f1"].tolist() == [1.0, 1.0, 1.0, 0.0]  # empty tiles count as perfect


def test_per_region_scores_follow_the_definitions():
    c = RegionCounts(np.array([0.5, 0.9]), tp=np.array([[3, 1]]), fp=np.array([[1, 3]]),
                     fn=np.array([[2, 4]]), iou_sum=np.array([[2.4, 0.95]]))
    per = c.per_region()
    assert np.isclose(per["f1"][0], 6 / 9)
    assert np.isclose(per["dsb"][0], (3 / 6 + 1 / 8) / 2)
    assert np.isclose(per["pq"][0], 2.4 / (3 + 1.5))


def test_count_by_region_huge_ids():
    truth = np.zeros((6, 6), np.int64)
    truth[:3, :3] = 2**40
    truth[3:, 3:] = 5
    pred = np.zeros_like(truth)
    pred[:3, :3] = 2**41
    c = count_by_region(truth, pred, regions=grid_regions(truth.shape, tile_shape=(3, 6)), iou_thresholds=[0.5])
    assert c.tp.ravel().tolist() == [1, 0] and c.fn.ravel().tolist() == [0, 1]


@pytest.mark.parametrize("regions, message", [
    (np.zeros((5, 5), int), "shape"),
    (np.zeros((6, 6)), "integer"),
    (-np.ones((6, 6), int), "ids 0"),
])
def test_count_by_region_rejects_bad_regions(regions, message):
    lab = np.zeros((6, 6), int)
    with pytest.raises(ValueError, match=message):
        count_by_region(lab, lab, regions=regions)


@pytest.mark.parametrize("thresholds", [[0.6, 0.7], [], [0.5, 1.5], [np.nan, 0.5]])
def test_count_by_region_rejects_bad_thresholds(thresholds):
    lab = np.zeros((6, 6), int)
    with pytest.raises(ValueError, match="threshold"):
        count_by_region(lab, lab, regions=np.zeros((6, 6), int), iou_thresholds=thresholds)


def test_grid_regions_with_partial_tiles():
    regions = grid_regions((5, 7), tile_shape=(2, 3))
    assert regions.shape == (5, 7)
    assert regions.max() == 3 * 3 - 1
    assert np.bincount(regions.ravel()).tolist() == [6, 6, 2, 6, 6, 2, 3, 3, 1]


@pytest.mark.parametrize("shape, tile", [((4, 4, 4), (2, 2)), ((4, 4), (0, 2)), ((4, 4), (2.5, 2))])
def test_grid_regions_rejects_bad_input(shape, tile):
    with pytest.raises((ValueError, TypeError)):
        grid_regions(shape, tile_shape=tile)


# --------------------------------------------------------------------------- bootstrap


def test_bootstrap_is_reproducible_and_centred(nuclei, shifted):
    _, truth = nuclei
    counts = count_by_region(truth, shifted, regions=grid_regions(truth.shape, tile_shape=(64, 64)))
    one = bootstrap_scores(counts, n_resamples=500, seed=3)
    two = bootstrap_scores(counts, n_resamples=500, seed=3)
    for key in ("f1", "dsb", "pq"):
        np.testing.assert_array_equal(one[key], two[key])
        low, high = percentile_interval(one[key])
        assert low <= counts.pooled()[key] <= high
        assert high - low > 0


def test_paired_bootstrap_uses_the_same_resamples(nuclei, shifted):
    _, truth = nuclei
    regions = grid_regions(truth.shape, tile_shape=(128, 128))
    a = count_by_region(truth, shifted, regions=regions)
    b = count_by_region(truth, truth, regions=regions)
    paired = bootstrap_scores(a, other=b, n_resamples=300, seed=5)
    sep_a = bootstrap_scores(a, n_resamples=300, seed=5)
    sep_b = bootstrap_scores(b, n_resamples=300, seed=5)
    np.testing.assert_allclose(paired["dsb"], sep_a["dsb"] - sep_b["dsb"])
    assert (sep_b["f1"] == 1).all()
    same = bootstrap_scores(a, other=a, n_resamples=50, seed=0)
    assert all((v == 0).all() for v in same.values())


def test_bootstrap_with_one_region_always_gives_the_pooled_score(nuclei, shifted):
    _, truth = nuclei
    counts = count_by_region(truth, shifted, regions=np.zeros(truth.shape, int))
    boot = bootstrap_scores(counts, n_resamples=20, seed=0)
    assert np.allclose(boot["f1"], counts.pooled()["f1"])


def test_bootstrap_rejects_wrong_input(nuclei):
    _, truth = nuclei
    c1 = count_by_region(truth, truth, regions=grid_regions(truth.shape, tile_shape=(256, 256)))
    c2 = count_by_region(truth, truth, regions=grid_regions(truth.shape, tile_shape=(128, 128)))
    with pytest.raises(TypeError):
        bootstrap_scores({"tp": 1})
    with pytest.raises(ValueError, match="same regions"):
        bootstrap_scores(c1, other=c2)
    with pytest.raises(ValueError):
        bootstrap_scores(c1, n_resamples=0)


def test_percentile_interval():
    assert np.allclose(percentile_interval(np.arange(101), confidence=0.9), (5.0, 95.0))
    for bad in (0, 1, 1.5):
        with pytest.raises(ValueError):
            percentile_interval(np.arange(10), confidence=bad)
    with pytest.raises(ValueError):
        percentile_interval([], confidence=0.9)


# --------------------------------------------------------------------------- sparse, pairs


def test_best_iou_gives_the_sparse_jaccard_index_of_any_subset(nuclei, shifted):
    _, truth = nuclei
    ids, best = best_iou(truth, shifted)
    assert len(ids) == 125 and ids[0] == 1
    assert np.isclose(best.mean(), metrics.jaccard_index_sparse(truth, shifted))
    subset = np.random.default_rng(0).choice(len(ids), 10, replace=False)
    sparse = np.where(np.isin(truth, ids[subset]), truth, 0)
    assert np.isclose(best[subset].mean(), metrics.jaccard_index_sparse(sparse, shifted))
    assert best[ids == 7] == 0  # the dropped nucleus


def test_touching_pairs():
    assert touching_pairs([[1, 1, 2, 0, 3], [4, 4, 2, 0, 3]]).tolist() == [[1, 2], [1, 4], [2, 4]]
    assert touching_pairs(np.zeros((3, 3), int)).shape == (0, 2)
    assert touching_pairs([[1, 0, 2]]).shape == (0, 2)  # diagonal or separated: not touching


def test_the_annotation_has_touching_nuclei(nuclei):
    _, truth = nuclei
    pairs = touching_pairs(truth)
    assert len(pairs) > 10 and np.isin(pairs, np.unique(truth)[1:]).all()


# --------------------------------------------------------------------------- second annotator


def test_simulated_annotator_is_reproducible_and_keeps_the_type(nuclei):
    _, truth = nuclei
    one = simulate_annotator(truth, seed=1)
    assert one.dtype == truth.dtype and one.shape == truth.shape
    np.testing.assert_array_equal(one, simulate_annotator(truth, seed=1))
    assert not np.array_equal(one, simulate_annotator(truth, seed=2))


def test_simulated_annotator_without_changes_is_the_identity(nuclei):
    _, truth = nuclei
    np.testing.assert_array_equal(simulate_annotator(truth, seed=0, boundary=0, n_merges=0), truth)


def test_simulated_annotator_merges_touching_pairs(nuclei):
    _, truth = nuclei
    merged = simulate_annotator(truth, seed=4, boundary=0, n_merges=3)
    assert len(np.unique(merged)) == len(np.unique(truth)) - 3
    assert ((merged > 0) == (truth > 0)).all()  # merging moves no outline
    table = metrics.overlap_table(truth, merged)
    per_pred = np.bincount(table.pred_index)
    assert sorted(per_pred[per_pred > 1].tolist()) == [2, 2, 2]


def test_simulated_annotator_moves_every_outline_by_one_pixel(nuclei):
    _, truth = nuclei
    other = simulate_annotator(truth, seed=0, boundary=1, n_merges=0)
    ids = np.unique(truth)[1:]
    before = np.bincount(truth.ravel(), minlength=ids.max() + 1)[ids]
    after = np.bincount(other.ravel(), minlength=ids.max() + 1)[ids]
    assert (after != before).all()  # every object grew or shrank
    grew = after > before
    assert 0.3 < grew.mean() < 0.7  # about half and half
    table = metrics.overlap_table(truth, other)
    assert len(table.intersection) >= len(ids)
    same = table.true_ids[table.true_index] == table.pred_ids[table.pred_index]
    iou, size = table.iou[same], table.true_sizes[table.true_index][same]
    assert (iou < 0.95).all()  # one pixel all round is a lot for a nucleus ...
    assert (iou[size >= 100] > 0.6).all()  # ... and more for a small one
    assert iou[size < 50].min() < 0.5


def test_simulated_annotator_with_fewer_pairs_than_merges():
    lab = np.zeros((9, 12), np.uint16)
    lab[2:7, 1:5] = 3
    lab[2:7, 5:9] = 8
    out = simulate_annotator(lab, seed=0, boundary=0, n_merges=5)
    assert np.unique(out).tolist() == [0, 3]


@pytest.mark.parametrize("kwargs", [{"boundary": -1}, {"n_merges": 1.5}, {"boundary": "one"}])
def test_simulated_annotator_rejects_bad_options(kwargs):
    with pytest.raises((ValueError, TypeError)):
        simulate_annotator(np.ones((4, 4), int), seed=0, **kwargs)


# --------------------------------------------------------------------------- error map
# (cellseg.drawing.object_error_map: drawn from the same reference and prediction as the scores)


def test_object_error_map_colours(nuclei, shifted):
    image, truth = nuclei
    rgb = object_error_map(image, truth, shifted, alpha=1.0)
    assert rgb.shape == (512, 512, 3) and rgb.min() >= 0 and rgb.max() <= 1
    spurious = np.array(OBJECT_ERROR_COLORS["spurious"])
    assert np.allclose(rgb[502, 304], spurious)
    missed = np.array(OBJECT_ERROR_COLORS["missed"])
    inside_7 = np.argwhere((truth == 7) & (shifted == 0))[0]
    assert np.allclose(rgb[tuple(inside_7)], missed)
    with pytest.raises(ValueError, match="shape"):
        object_error_map(image[:10], truth, shifted)
    with pytest.raises(ValueError, match="alpha"):
        object_error_map(image, truth, shifted, alpha=2)


# --- reproducers of issue 18


def _peak_bytes(call):
    import tracemalloc

    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _two(dtype=np.int64):
    two = np.zeros((6, 6), dtype)
    two[:2, :2] = 1
    two[3:, 3:] = 9
    return two


@pytest.mark.parametrize("big", [_two() * (2**31 // 9), _two(np.uint64) * np.uint64(2**60)])
def test_simulate_annotator_memory_does_not_follow_the_largest_id(big):
    other, peak = _peak_bytes(lambda: simulate_annotator(big, seed=0))
    assert peak < 2**20  # the old code built arrays of max id entries (16 GiB for 2**31)
    assert other.dtype == big.dtype
    # same draws as with small ids: the objects are renamed, nothing else changes
    small = simulate_annotator(_two(), seed=0)
    np.testing.assert_array_equal(other != 0, small != 0)
    assert set(np.unique(other).tolist()) <= set(np.unique(big).tolist())


@pytest.mark.parametrize("seed", [-1, 1.5, "a", True, None, [1, 2]])
def test_seeds_follow_one_rule(seed):
    two = _two()
    with pytest.raises((TypeError, ValueError), match="seed must be a whole number >= 0"):
        simulate_annotator(two, seed=seed)
    counts = count_by_region(two, two, regions=np.zeros((6, 6), int))
    with pytest.raises((TypeError, ValueError), match="seed must be a whole number >= 0"):
        bootstrap_scores(counts, n_resamples=5, seed=seed)


def test_count_by_region_refuses_region_ids_beyond_the_pixels():
    two = _two()
    regions = np.zeros((6, 6), int)
    regions[0, 0] = 10**9
    with pytest.raises(ValueError, match="number the regions 0, 1, 2"):
        count_by_region(two, two, regions=regions)


@pytest.mark.parametrize("thresholds", ["0.5", [[0.5, 0.6], [0.7]], [0.5, "0.6"], None])
def test_count_by_region_thresholds_follow_the_rule_of_matching(thresholds):
    two = _two()
    with pytest.raises((TypeError, ValueError), match="thresholds"):
        count_by_region(two, two, regions=np.zeros((6, 6), int), iou_thresholds=thresholds)
    with pytest.raises((TypeError, ValueError), match="threshold"):
        metrics.matching(two, two, iou_threshold=thresholds)


def test_grid_regions_refuses_a_huge_image_before_allocating():
    with pytest.raises(ValueError, match="GiB"):
        grid_regions((10**6, 10**6), tile_shape=(64, 64))


def test_bootstrap_refuses_a_huge_number_of_resamples():
    two = _two()
    counts = count_by_region(two, two, regions=grid_regions((6, 6), tile_shape=(3, 3)))
    with pytest.raises(ValueError, match="fewer resamples"):
        bootstrap_scores(counts, n_resamples=10**12)
