"""Tests of the shared rules in cellseg._validate: one rule per kind of value."""

import numpy as np
import pytest

from cellseg import _validate


@pytest.mark.parametrize("good", [0, 7, 2**62, 2**70, np.int64(3), np.uint64(2**63)])
def test_seed_takes_whole_numbers_from_zero(good):
    assert _validate.seed(good) == int(good)


@pytest.mark.parametrize("bad", [-1, 1.5, 2.0, "a", "1", True, np.bool_(False), None, [1, 2], np.array(3)])
def test_seed_refuses_everything_else_saying_what_to_pass(bad):
    with pytest.raises((TypeError, ValueError), match=r"seed must be a whole number >= 0 \(e\.g\. seed=0\)"):
        _validate.seed(bad)


@pytest.mark.parametrize("bad", ["False", "", 1, 0, None, np.array([True])])
def test_boolean_refuses_truthy_values(bad):
    with pytest.raises(TypeError, match="flag must be True or False"):
        _validate.boolean(bad, "flag")
    assert _validate.boolean(np.bool_(True), "flag") is True


def test_iou_cutoff_takes_a_number_or_a_0d_array_alike():
    assert _validate.iou_cutoff(np.array(0.5)) == _validate.iou_cutoff(0.5) == 0.5
    assert _validate.iou_cutoff(np.float32(0.75)) == 0.75
    for bad in ("0.5", [0.5], np.array([0.5, 0.6]), [[1, 2], [3]], True, 1.5, float("nan")):
        with pytest.raises((TypeError, ValueError), match="threshold"):
            _validate.iou_cutoff(bad)


def test_iou_cutoffs_take_one_or_many():
    assert _validate.iou_cutoffs(0.5) == [0.5]
    assert _validate.iou_cutoffs(np.array(0.5)) == [0.5]
    assert _validate.iou_cutoffs((0.5, np.float64(0.75))) == [0.5, 0.75]
    with pytest.raises(ValueError, match="must include 0.5"):
        _validate.iou_cutoffs([0.6, 0.7], need_half=True)
    for bad in ("0.5", [], [[0.5], [0.6, 0.7]], [0.5, "0.6"], [[0.5, 0.6]]):
        with pytest.raises((TypeError, ValueError), match="thresholds"):
            _validate.iou_cutoffs(bad)


def test_array_like_words_ragged_input_itself():
    with pytest.raises(ValueError, match=r"points must be one rectangular array .* e\.g\. points=\[\[1, 2\]\]"):
        _validate.array_like([[1, 2], [3]], "points", example="points=[[1, 2]]")
    np.testing.assert_array_equal(_validate.array_like([[1, 2]], "points"), [[1, 2]])


def test_output_size_refuses_before_allocating():
    assert _validate.output_size(10, what="x", hint="pass less") == 10
    with pytest.raises(ValueError, match=r"would need 8 GiB.*pass a smaller shape"):
        _validate.output_size(2**30, what="an image", hint="pass a smaller shape")
