"""Tests of the checkers of the metrics exercises (right, wrong and placeholder answers)."""

import numpy as np
import pytest

from cellseg import metrics
from cellseg_course.checkers import (
    check_last_threshold,
    check_object_counts,
    check_object_scores,
    check_pixel_counts,
    check_pixel_scores,
    check_shift_limit,
)
from cellseg_course.checkers.metrics import hand_example, shifted_cell


def test_hand_example_counts_worked_by_hand():
    # Reference 9 + 12 + 8 = 29 pixels, prediction 6 + 3 + 9 + 4 = 22, shared 6 + 12 = 18.
    assert check_pixel_counts(18, 4, 11, 15)
    assert check_pixel_scores(18 / 22, 18 / 29, 36 / 51)
    # IoUs: (1, 1) 6/9, (2, 2) 3/12, (2, 5) 9/12: two matches at 0.5, FP = 4 - 2, FN = 1.
    assert check_object_counts(2, 2, 1)
    assert check_object_scores(2 / 4, 2 / 3, 4 / 7)


@pytest.mark.parametrize(
    "checker, wrong, says",
    [
        (check_pixel_counts, (18, 4, 11, 14), "add up to 47"),
        (check_pixel_counts, (18, 11, 4, 15), "swapped FP and FN"),
        (check_pixel_counts, (9, 13, 20, 15), "ids do not matter"),  # only same-id pixels counted
        (check_pixel_counts, (18, 5, 10, 15), "Check FP, FN"),
        (check_pixel_scores, (18 / 29, 18 / 22, 36 / 51), "swapped precision and recall"),
        (check_pixel_scores, (18 / 22, 18 / 29, 18 / 33), "IoU"),
        (check_pixel_scores, (81.8, 62.1, 70.6), "percentage"),
        (check_object_counts, (3, 1, 0), "IoU is at least 0.5"),
        (check_object_counts, (2, 1, 2), "split object is not a miss"),
        (check_object_counts, (2, 1, 2.5), "whole number"),
        (check_object_scores, (2 / 3, 2 / 4, 4 / 7), "swapped precision and recall"),
        (check_object_scores, (18 / 22, 18 / 29, 36 / 51), "pixel scores"),
    ],
)
def test_wrong_answers_get_a_hint_about_this_answer(checker, wrong, says):
    feedback = checker(*wrong)
    assert feedback.correct is False and says in feedback.message, feedback.message


def test_whole_numbers_written_as_floats_are_accepted():
    assert check_pixel_counts(18.0, 4, 11, np.int64(15))
    assert check_object_counts(np.array(2), 2.0, 1)


@pytest.mark.parametrize(
    "checker, n", [(check_pixel_counts, 4), (check_pixel_scores, 3), (check_object_counts, 3),
                   (check_object_scores, 3)],
)
def test_placeholders_are_not_answered_yet(checker, n):
    assert checker(*([...] * n)).correct is None
    assert checker(*([None] + [1] * (n - 1))).correct is None


def test_threshold_checkers():
    y_true, y_pred = shifted_cell()
    inter = np.sum((y_true == 1) & (y_pred == 1))
    union = np.sum((y_true == 1) | (y_pred == 1))
    assert check_last_threshold(inter / union)
    assert not check_last_threshold(0.5)
    assert check_last_threshold(...).correct is None
    # the IoU falls below 0.5 at the first shift where matching() stops finding the pair
    ious = [metrics.overlap_table(*shifted_cell(s)).iou[0] for s in range(6)]
    first = next(s for s, v in enumerate(ious) if v < 0.5)
    assert check_shift_limit(first)
    assert not check_shift_limit(first - 1)
    assert not check_shift_limit(2.5)
    assert "still matches" in check_shift_limit(first - 1).message
    assert "already stopped" in check_shift_limit(first + 2).message
    assert check_shift_limit(float(first))
    assert "union" in check_last_threshold(inter / np.sum(y_true == 1)).message
    assert "percentage" in check_last_threshold(100 * inter / union).message
    assert check_shift_limit(None).correct is None


def test_a_text_that_reads_like_feedback_is_still_a_text():
    # the checkers once told "not a number" from "wrong number" by the words of the message
    from cellseg_course.checkers import check_object_scores, check_pixel_scores

    for check in (check_object_scores, check_pixel_scores):
        feedback = check(0.5, "is not right", 0.5)
        assert feedback.correct is False and not feedback.unexpected
        assert "remove the quotes" in feedback.message


def test_scores_rounded_to_two_decimals_are_told_so_and_how_close():
    y_true, y_pred = hand_example()
    s = metrics.pixel_scores(y_true, y_pred)
    two = [round(v, 2) for v in (s.precision, s.recall, s.dice)]
    assert any(round(v, 3) != v for v in (s.precision, s.recall, s.dice))  # three decimals differ from two
    fb = check_pixel_scores(*two)
    assert fb.correct is False
    assert "rounded to 2 decimals" in fb.message and "within 0.005 of the right value" in fb.message
    assert f"{s.precision:.3f}" not in fb.message  # it does not give the answer
    # one score rounded, the others right: the rounded one is named
    fb = check_pixel_scores(s.precision, round(s.recall, 2), s.dice)
    assert fb.message.startswith("recall = 0.62 is rounded to 2 decimals"), fb.message
    # a wrong score that is not the right one rounded gets the usual hint, not the rounding note
    fb = check_pixel_scores(0.5, 0.5, 0.5)
    assert "rounded" not in fb.message and "Check" in fb.message
    m = metrics.matching(y_true, y_pred, iou_threshold=0.5)
    fb = check_object_scores(round(m.precision, 2), round(m.recall, 2), round(m.f1, 2))
    assert fb.correct is False and "rounded to 2 decimals" in fb.message


def test_a_single_number_rounded_too_far_is_told_so():
    y_true, y_pred = shifted_cell()
    iou = float(metrics.overlap_table(y_true, y_pred).iou[0])
    fb = check_last_threshold(round(iou, 2))
    assert fb.correct is False and "rounded to 2 decimals" in fb.message
    assert check_last_threshold(round(iou, 3)).correct is True


def test_a_table_column_for_a_number_is_named_as_such():
    import pandas as pd

    fb = check_last_threshold(pd.Series([0.5, 0.6]))
    assert fb.correct is False and not fb.unexpected
    assert "a Series of 2 values" in fb.message and ".iloc[0]" in fb.message
