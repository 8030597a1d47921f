"""Checkers of the splitting lesson's exercises: right, wrong and placeholder answers."""

import numpy as np
import pytest
from scipy import ndimage as ndi

from cellseg import metrics, pipeline, synthetic
from cellseg_course.checkers import splitting as ex


@pytest.mark.parametrize(
    "checker",
    [
        lambda a: ex.check_pair_split(a),
        lambda a: ex.check_intensity_classes(a, ["bright"], {}),
        lambda a: ex.check_intensity_classes(np.zeros((2, 2), int), a, {}),
        lambda a: ex.check_count_statistics(a, [0] * 5),
        lambda a: ex.check_failure_level(a),
        lambda a: ex.check_global_count(a),
        lambda a: ex.check_adaptive_labels(a),
    ],
)
@pytest.mark.parametrize("placeholder", [..., None])
def test_placeholders_are_not_answered_yet(checker, placeholder):
    assert checker(placeholder).correct is None


# --- watershed ------------------------------------------------------------------------------


def test_pair_split_accepts_the_truth_and_a_cut_through_the_middle():
    scene = synthetic.make_pair(distance=ex.PAIR_DISTANCE)
    image, truth, _centers = scene.image, scene.labels, scene.centers
    assert ex.check_pair_split(truth)
    halves = (pipeline.smooth(image) > 0.5).astype(np.int32)
    halves[:, 32:] *= 2
    assert ex.check_pair_split(halves)


def test_pair_split_refuses_one_object_three_objects_and_a_wrong_cut():
    scene = synthetic.make_pair(distance=ex.PAIR_DISTANCE)
    image, _truth, _centers = scene.image, scene.labels, scene.centers
    merged = (pipeline.smooth(image) > 0.5).astype(np.int32)
    feedback = ex.check_pair_split(merged)
    assert feedback.correct is False and "1 object" in feedback.message
    three = merged.copy()
    three[:, 28:36] *= 2
    three[:, 36:] *= 3
    assert ex.check_pair_split(three).correct is False
    lopsided = merged.copy()
    lopsided[:, 28:] *= 2  # one object per centre, but the cut is 4 px off the middle
    feedback = ex.check_pair_split(lopsided)
    assert feedback.correct is False and "wrong place" in feedback.message
    top_bottom = merged.copy()
    top_bottom[33:] *= 2  # two objects, but both centres in the same one
    assert ex.check_pair_split(top_bottom).correct is False


def test_pair_split_judges_the_cut_by_the_true_border_not_the_outline():
    from skimage.filters import threshold_otsu

    scene = synthetic.make_pair(distance=ex.PAIR_DISTANCE)
    smoothed = pipeline.smooth(scene.image)
    columns = np.arange(scene.image.shape[1])[None, :]
    for threshold in (threshold_otsu(smoothed), 0.5, 0.6):  # larger or smaller cells: same verdict
        mask = smoothed > threshold
        for cut, right in ((31, True), (33, True), (35, True), (29, False), (36, False), (37, False)):
            labels = np.where(mask, np.where(columns < cut, 1, 2), 0)
            feedback = ex.check_pair_split(labels)
            assert bool(feedback) is right, (threshold, cut, feedback)
            if not right:
                assert "wrong place" in feedback.message
    seeds = np.zeros(scene.image.shape, int)  # two single pixels at the true centres
    for k, (row, col) in enumerate(scene.centers.astype(int), start=1):
        seeds[row, col] = k
    feedback = ex.check_pair_split(seeds)
    assert not feedback and "whole cells" in feedback.message


@pytest.mark.parametrize("bad", [np.zeros((64, 64)), np.zeros((10, 10), int), "labels"])
def test_pair_split_explains_bad_label_images(bad):
    assert ex.check_pair_split(bad).correct is False


# --- intensity classes --------------------------------------------------------------------


def test_class_scores_by_hand():
    # three cells: a, b, b; one object swallowed two cells, one cell is missed
    labels = np.array([[1, 1, 1, 0, 2, 0, 0]])
    centers = [[0, 0], [0, 2], [0, 6]]
    scores = metrics.class_scores(labels, predicted=["b", "b"], centers=centers, classes=["a", "b", "b"])
    assert scores["b"] == (0.0, 0.0)  # label 1 holds two centres, label 2 holds none
    assert np.isnan(scores["a"][0]) and scores["a"][1] == 0.0


def test_intensity_classes_right_answer():
    scene = synthetic.make_bright_dim()
    _image, truth, _centers, classes = scene.image, scene.labels, scene.centers, scene.classes
    assert ex.check_intensity_classes(truth, classes, {"bright": (1.0, 1.0), "dim": (1, 1)})


def test_intensity_classes_default_threshold_misses_the_dim_cells():
    scene = synthetic.make_bright_dim()
    image, _truth, centers, classes = scene.image, scene.labels, scene.centers, scene.classes
    labels = pipeline.segment(pipeline.smooth(image))
    n = int(labels.max())
    predicted = ["bright"] * n
    scores = metrics.class_scores(labels, predicted=predicted, centers=centers, classes=classes)
    assert scores["bright"] == (1.0, 1.0) and scores["dim"][1] == 0.0
    feedback = ex.check_intensity_classes(labels, predicted, scores)
    assert feedback.correct is False and "dim cell" in feedback.message


@pytest.mark.parametrize("threshold, min_size, says, not_says", [
    (pipeline.THRESHOLD, pipeline.MIN_CELL_SIZE, "below your threshold", "size filter"),
    # a threshold below the dim peaks: the dim cells' tops are too small for the size filter
    (0.33, pipeline.MIN_CELL_SIZE, "the size filter", "below your threshold"),
])
def test_intensity_classes_says_why_the_dim_cells_are_missing(threshold, min_size, says, not_says):
    scene = synthetic.make_bright_dim()
    smoothed = pipeline.smooth(scene.image)
    dim_peaks = smoothed[tuple(scene.centers[scene.classes == "dim"].T)]
    assert (threshold < dim_peaks.min()) == (threshold == 0.33)  # the cases are what they claim
    labels = pipeline.segment(smoothed, threshold=threshold, min_size=min_size)
    n = int(labels.max())
    predicted = ["bright"] * n
    scores = metrics.class_scores(labels, predicted=predicted, centers=scene.centers, classes=scene.classes)
    feedback = ex.check_intensity_classes(labels, predicted, scores)
    assert feedback.correct is False and "dim cell" in feedback.message
    assert says in feedback.message and not_says not in feedback.message, feedback.message
    assert "0.5" not in feedback.message or threshold == pipeline.THRESHOLD  # no default is assumed
    assert len(feedback.message) < 600


def test_intensity_classes_wrong_scores_or_classes():
    scene = synthetic.make_bright_dim()
    _image, truth, centers, classes = scene.image, scene.labels, scene.centers, scene.classes
    assert ex.check_intensity_classes(truth, classes, {"bright": (1, 0.5), "dim": (1, 1)}).correct is False
    assert ex.check_intensity_classes(truth, classes, {"bright": (1, 1)}).correct is False
    swapped = np.where(classes == "dim", "bright", "dim")
    scores = metrics.class_scores(truth, predicted=swapped, centers=centers, classes=classes)
    assert scores == {"bright": (0.0, 0.0), "dim": (0.0, 0.0)}
    feedback = ex.check_intensity_classes(truth, swapped, scores)
    assert feedback.correct is False and "wrong class" in feedback.message
    assert ex.check_intensity_classes(truth, classes[:3], {}).correct is False


def test_intensity_classes_explains_what_is_wrong_with_this_answer():
    scene = synthetic.make_bright_dim()
    truth, classes, centers = scene.labels, scene.classes, scene.centers
    right = {"bright": (1.0, 1.0), "dim": (1.0, 1.0)}
    assert "not a dict" in ex.check_intensity_classes(truth, {1: "bright"}, right).message
    as_numbers = (classes == "bright").astype(int)  # classes written as 0/1
    assert "class names" in ex.check_intensity_classes(truth, as_numbers, right).message
    flipped = np.where(classes == "dim", "bright", "dim")
    one_off = np.where(np.arange(len(classes)) == 0, flipped, classes)
    scores = metrics.class_scores(truth, predicted=one_off, centers=centers, classes=classes)
    swapped = {c: (r, p) for c, (p, r) in scores.items()}
    assert "swapped" in ex.check_intensity_classes(truth, one_off, swapped).message
    percent = {c: (100 * p, 100 * r) for c, (p, r) in scores.items()}
    assert "percentages" in ex.check_intensity_classes(truth, one_off, percent).message
    assert "pair of numbers" in ex.check_intensity_classes(truth, classes, {"bright": 1, "dim": 1}).message


# --- noise vs count -----------------------------------------------------------------------


def test_count_cells_matches_the_pipeline_image_by_image():
    counts = ex._noise_counts([0.1, 0.9], 3)
    for row, level in zip(counts, [0.1, 0.9]):
        for i, n in enumerate(row):
            image = synthetic.make_image(noise_scale=level, seed=synthetic.SEED + i).image
            assert n == int(pipeline.segment(pipeline.smooth(image)).max())


def test_count_statistics():
    counts = ex._noise_counts()
    mean, std = counts.mean(axis=1), counts.std(axis=1)
    assert ex.check_count_statistics(mean, std)
    assert ex.check_count_statistics(list(mean), counts.std(axis=1, ddof=1))
    assert ex.check_count_statistics(mean + 0.1, std).correct is False
    assert ex.check_count_statistics(mean, std + 0.5).correct is False
    assert ex.check_count_statistics(mean[:3], std[:3]).correct is False
    assert ex.check_count_statistics("eight", std).correct is False
    # the levels are chosen so that guessing "always right" fails
    assert not (counts == synthetic.N_CELLS).all()
    guess = ex.check_count_statistics([synthetic.N_CELLS] * 5, [0] * 5)
    assert guess.correct is False and "do not assume" in guess.message
    assert "axis=1" in ex.check_count_statistics(counts, std).message
    assert "variance" in ex.check_count_statistics(mean, counts.var(axis=1)).message


def test_failure_level_is_the_first_level_with_a_miscount():
    counts = ex._noise_counts(ex.EXTENDED_NOISE_LEVELS)
    first = int(np.argmax((counts != synthetic.N_CELLS).any(axis=1)))
    assert first > 0 and (counts[:first] == synthetic.N_CELLS).all()
    level = ex.EXTENDED_NOISE_LEVELS[first]
    assert ex.check_failure_level(level)
    assert ex.check_failure_level(ex.EXTENDED_NOISE_LEVELS[first - 1]).correct is False
    assert ex.check_failure_level(ex.EXTENDED_NOISE_LEVELS[first + 1]).correct is False
    assert ex.check_failure_level("0.6").correct is False
    assert "still counted right" in ex.check_failure_level(ex.EXTENDED_NOISE_LEVELS[first - 1]).message
    assert "already at a lower level" in ex.check_failure_level(ex.EXTENDED_NOISE_LEVELS[first + 1]).message
    assert "position in the list" in ex.check_failure_level(first).message


# --- adaptive thresholding ----------------------------------------------------------------


def test_global_count_under_the_gradient():
    image = synthetic.make_uneven_illumination().image
    n = int(pipeline.segment(pipeline.smooth(image)).max())
    assert n != synthetic.N_CELLS
    assert ex.check_global_count(n) and ex.check_global_count(np.int64(n))
    assert ex.check_global_count(n + 1).correct is False
    assert ex.check_global_count(float(n))  # the right count written as a float is right
    assert "how many cells the image has" in ex.check_global_count(synthetic.N_CELLS).message
    assert "largest label" in ex.check_global_count(pipeline.segment(pipeline.smooth(image))).message


def test_adaptive_labels():
    scene = synthetic.make_uneven_illumination()
    image, truth, _centers = scene.image, scene.labels, scene.centers
    smoothed = pipeline.smooth(image)
    assert ex.check_adaptive_labels(truth)
    local = pipeline.segment(smoothed - pipeline.local_threshold(smoothed), threshold=0)
    assert ex.check_adaptive_labels(local)
    glob = pipeline.segment(smoothed)
    feedback = ex.check_adaptive_labels(glob)
    assert feedback.correct is False and "several cells" in feedback.message
    assert ex.check_adaptive_labels(ndi.label(truth > 0)[0][:10]).correct is False
