"""The exercise checker framework and the checker of "Do the math"."""

import numpy as np
import pytest

from cellseg_course.checkers import Feedback, check_number, check_smoothed_peak, is_placeholder


def test_feedback_truthiness_and_display():
    assert Feedback(True, "ok") and not Feedback(False, "no") and not Feedback(None, "wait")
    assert "Correct" in str(Feedback(True, "ok"))
    assert "<div" in Feedback(False, "a < b")._repr_html_()
    assert "A &lt; b" in Feedback(False, "a < b")._repr_html_()
    with pytest.raises(ValueError):
        Feedback("yes", "bad")


def test_placeholders_are_not_answers():
    assert is_placeholder(...) and is_placeholder(None) and not is_placeholder(0)
    assert check_smoothed_peak(...).correct is None
    assert check_smoothed_peak(None).correct is None


@pytest.mark.parametrize("answer", [0.9, 0.90, np.float64(0.9), 0.904, 0.8951])
def test_right_answers(answer):
    assert check_smoothed_peak(answer)


@pytest.mark.parametrize("answer", [0.75, 0.91, 0.8, 1.0, 0.89])
def test_wrong_answers_get_a_hint(answer):
    result = check_smoothed_peak(answer)
    assert result.correct is False
    assert "square" in result.message


@pytest.mark.parametrize("answer", ["0.9", [0.9], True, float("nan")])
def test_non_numbers_are_explained_not_raised(answer):
    result = check_smoothed_peak(answer)
    assert result.correct is False


def test_check_number_relative_tolerance():
    assert check_number(1.0 + 1e-9, 1.0)
    assert not check_number(1.01, 1.0)
    assert check_number(1.01, 1.0, rel_tol=0.02)


def test_the_two_ways_of_adding_the_widths_get_their_own_hints():
    b, s, s_s = 1.0, 6.0, 2.0  # the exercise's cell (asserted in its notebook)
    two_d = check_smoothed_peak(round(b * s**2 / (s + s_s) ** 2, 2))  # 0.56: 2-D, widths added
    one_d = check_smoothed_peak(round(b * s / (s + s_s), 2))  # 0.75: 1-D ratio, widths added
    assert not two_d and "added the widths" in two_d.message and "1-D" not in two_d.message
    assert not one_d and "added the widths" in one_d.message and "1-D" in one_d.message
