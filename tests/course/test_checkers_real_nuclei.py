"""The checker of the exercise "Beat the baseline" (cellseg_course.checkers.real_nuclei)."""

import numpy as np
import pytest
from scipy import ndimage as ndi
from skimage.filters import sobel
from skimage.measure import label
from skimage.morphology import local_maxima
from skimage.segmentation import watershed

import cellseg
from cellseg import tuning
from cellseg_course.checkers import Feedback, check_beat_the_baseline
from cellseg_course.checkers.real_nuclei import BASELINE, best_baseline, parts, pick_baseline

IMAGE, TRUTH = cellseg.nuclei_2d()


def edge_watershed(image):
    """An honest answer: seeds from a blurred image, a watershed of the intensity gradient."""
    image = np.asarray(image, dtype=float)
    smoothed = ndi.gaussian_filter(image, 1.0)
    seeds = label(local_maxima(ndi.gaussian_filter(image, 3.5)) & (smoothed > 30), connectivity=2)
    markers = np.where(smoothed < 30, seeds.max() + 1, seeds)
    labels = watershed(sobel(smoothed), markers)
    labels[labels == seeds.max() + 1] = 0
    return cellseg.filter_by_size(labels, min_size=20)


def test_parts_split_the_image_in_two_halves_of_tiles():
    tiles, tuning_part, test_part = parts()
    assert tiles.shape == TRUTH.shape
    assert tuning_part.sum() == test_part.sum() == 32 and not (tuning_part & test_part).any()
    assert tuning_part[tiles[:256]].all() and test_part[tiles[256:]].all()


def test_the_baseline_is_a_tuned_classical_method():
    baseline = best_baseline()
    assert baseline.method in tuning.BASELINES
    grid = tuning.BASELINES[baseline.method].grid
    assert all(baseline.params[p] in values for p, values in grid.items())
    assert 0 < baseline.counts.pooled()["dsb"] < 1
    assert baseline.counts.n_regions == 32


def test_the_written_baseline_is_scored_like_the_sweep_scores_it():
    method, params = BASELINE
    grid = {name: [value] for name, value in params.items()}
    (result,) = tuning.sweep(IMAGE.astype(float), TRUTH, regions=parts()[0],
                             methods={method: tuning.Baseline(tuning.BASELINES[method].function, {}, grid)})
    baseline = best_baseline()
    assert (baseline.method, baseline.params) == (result.method, result.params)
    assert np.array_equal(baseline.counts.tp, result.counts.select(parts()[2]).tp)
    assert pick_baseline([result]) == BASELINE


@pytest.mark.parametrize("junk", [[], None, "sweep", [1, 2], {"a": 1}])
def test_pick_baseline_says_what_to_pass(junk):
    with pytest.raises(TypeError, match="list of cellseg.tuning.SweepResult"):
        pick_baseline(junk)


def test_a_better_method_beats_the_baseline():
    feedback = check_beat_the_baseline(edge_watershed)
    assert isinstance(feedback, Feedback) and feedback.correct is True, str(feedback)
    assert "more than the noise" in feedback.message


def test_the_annotation_itself_beats_the_baseline_without_errors():
    feedback = check_beat_the_baseline(lambda image: TRUTH.copy())
    assert feedback.correct is True
    assert "No error" in feedback.message


def test_the_baseline_itself_does_not_beat_the_baseline():
    baseline = best_baseline()
    method = tuning.BASELINES[baseline.method]
    feedback = check_beat_the_baseline(lambda image: method(image.astype(float), **baseline.params))
    assert feedback.correct is False
    assert "contains zero" in feedback.message and "+0.000" in feedback.message
    assert "Hint:" in feedback.message


def test_an_empty_segmentation_is_worse_and_gets_the_missed_hint():
    feedback = check_beat_the_baseline(lambda image: np.zeros(image.shape, np.int32))
    assert feedback.correct is False
    assert "below zero" in feedback.message and "missed" in feedback.message


def test_the_learner_gets_a_copy_of_the_image():
    def vandal(image):
        image[:] = 0
        return TRUTH.copy()

    assert check_beat_the_baseline(vandal).correct is True
    assert cellseg.nuclei_2d()[0].max() > 0


@pytest.mark.parametrize("answer", [..., None])
def test_placeholders_are_not_answered_yet(answer):
    assert check_beat_the_baseline(answer).correct is None


@pytest.mark.parametrize("answer", ["labels", [1, 2, 3], np.nan, 3, TRUTH])
def test_answers_that_are_not_functions(answer):
    feedback = check_beat_the_baseline(answer)
    assert feedback.correct is False and "function" in feedback.message


@pytest.mark.parametrize("result, words", [
    (None, "returns nothing"),
    (..., "returns nothing"),
    ("labels", "integer"),
    ([[1, 2], [3, 4]], "shape"),
    (np.zeros((512, 512)), "floating-point"),
    (np.full((512, 512), np.nan), "floating-point"),
    (np.zeros((256, 512), int), "shape"),
    (np.zeros((512, 512, 3), int), "2-D"),
    (-np.ones((512, 512), int), "negative"),
])
def test_functions_that_return_junk(result, words):
    feedback = check_beat_the_baseline(lambda image: result)
    assert feedback.correct in (False, None)
    assert words in feedback.message


def test_a_function_that_raises():
    def broken(image):
        raise RuntimeError("oops")

    feedback = check_beat_the_baseline(broken)
    assert feedback.correct is False and "RuntimeError: oops" in feedback.message


def test_a_function_with_the_wrong_signature():
    feedback = check_beat_the_baseline(lambda: TRUTH)
    assert feedback.correct is False and "TypeError" in feedback.message


def test_feedback_never_gives_the_answer_away():
    texts = [check_beat_the_baseline(lambda image: np.zeros(image.shape, np.int32)).message,
             check_beat_the_baseline("labels").message]
    for text in texts:
        for word in ("sobel", "gradient", "local_maxima", "spot_sigma"):
            assert word not in text.lower()
