"""Checkers of the exercises of the two opening lessons (cellseg_course.checkers.images)."""

import ast
import re

import numpy as np
import pytest

from cellseg.acquisition import full_scale
from cellseg_course.checkers.images import (
    BATCH_BIT_DEPTH,
    check_clipped,
    check_label_capacity,
    check_label_dtype,
    check_underexposed,
    exposure_batch,
    exposure_truth,
)
from cellseg.image_qc import batch_report

# ---------------------------------------------------------------- bit depth


@pytest.mark.parametrize("answer", [np.uint8, "uint8", np.dtype("uint8"), 8])
def test_label_dtype_right_for_100_objects(answer):
    assert check_label_dtype(answer, 100).correct is True


@pytest.mark.parametrize("answer", [np.uint16, "uint16", 16])
def test_label_dtype_right_for_1000_objects(answer):
    assert check_label_dtype(answer, 1000).correct is True


def test_label_dtype_wrong_answers_get_specific_hints():
    too_small = check_label_dtype(np.uint8, 1000)
    assert too_small.correct is False and "wrap around" in too_small.message
    signed = check_label_dtype(np.int16, 1000)
    assert signed.correct is False and "signed" in signed.message
    too_big = check_label_dtype(np.uint32, 1000)
    assert too_big.correct is False and "not the smallest" in too_big.message
    for nonsense in ("float32", 12, 3.5, True, "banana"):
        fb = check_label_dtype(nonsense, 100)
        assert fb.correct is False


def test_label_dtype_placeholder():
    assert check_label_dtype(..., 100).correct is None
    assert check_label_dtype(None, 100).correct is None


def test_label_capacity():
    assert check_label_capacity(65535, np.uint16).correct is True
    off_by_one = check_label_capacity(65536, np.uint16)
    assert off_by_one.correct is False and "background" in off_by_one.message
    assert check_label_capacity(32767, np.uint16).correct is False
    assert check_label_capacity("65535", np.uint16).correct is False
    assert check_label_capacity(..., np.uint16).correct is None


# ---------------------------------------------------------------- exposure batch


def test_batch_is_reproducible_twelve_bit_data():
    a, b = exposure_batch(), exposure_batch()
    assert len(a) == 8
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
        assert x.dtype == np.uint16 and x.max() <= full_scale(BATCH_BIT_DEPTH)


def test_truth_has_both_kinds_and_some_good_images():
    clipped, under = exposure_truth()
    assert clipped and under
    assert not set(clipped) & set(under)
    assert len(clipped) + len(under) < 8


def test_truth_is_visible_in_the_images():
    images = exposure_batch()
    clipped, under = exposure_truth()
    top = full_scale(BATCH_BIT_DEPTH)
    for i, img in enumerate(images):
        at_top = np.mean(img == top)
        assert (at_top > 0.01) == (i in clipped)
        assert (img.max() < 0.2 * top) == (i in under)


def test_image_report_agrees_with_the_truth():
    clipped, under = exposure_truth()
    report = batch_report(exposure_batch(), bit_depth=BATCH_BIT_DEPTH)
    assert [i for i, r in enumerate(report.reports) if r.clipped_high] == clipped
    assert [i for i, r in enumerate(report.reports) if r.underexposed] == under
    good = set(range(8)) - set(clipped) - set(under)
    assert all(report.reports[i].ok for i in good)


def test_flag_checkers_right_wrong_and_placeholder():
    clipped, under = exposure_truth()
    assert check_clipped(clipped).correct is True
    assert check_clipped(list(reversed(clipped)) + clipped).correct is True  # order and repeats
    as_bools = [i in clipped for i in range(8)]
    assert check_clipped(as_bools).correct is True
    assert check_underexposed(under).correct is True
    missed = check_clipped(clipped[:1])
    assert missed.correct is False and "missed 1" in missed.message
    extra = check_underexposed(under + clipped)
    assert extra.correct is False and "are not under-exposed" in extra.message
    assert check_clipped([99]).correct is False
    assert check_clipped("2, 4").correct is False
    assert check_clipped(3).correct is False
    assert check_clipped(...).correct is None
    assert check_underexposed(None).correct is None


@pytest.mark.parametrize("typed", ["np.uint8", "numpy.uint8", "UInt8", "uint8 ", " Uint8"])
def test_label_dtype_text_spelled_otherwise_is_judged_and_the_spelling_explained(typed):
    fb = check_label_dtype(typed, 100)
    assert fb.correct is True and not fb.unexpected
    assert "is not an integer type" not in fb.message
    assert "write np.uint8 without quotes, or the text 'uint8'" in fb.message
    assert repr(typed) in fb.message  # it quotes what the learner typed
    wrong = check_label_dtype(typed, 1000)  # the same spelling, the wrong size: judged as uint8
    assert wrong.correct is False and "wrap around" in wrong.message and "without quotes" in wrong.message


def test_label_dtype_a_value_instead_of_a_type_is_named_as_such():
    fb = check_label_dtype(np.uint8(100), 100)
    assert "bits is not a type" not in fb.message
    assert "a value, np.uint8(100), not the type" in fb.message and fb.correct is True
    fb = check_label_dtype(np.uint16(100), 100)
    assert fb.correct is False and "not the smallest" in fb.message and "not the type" in fb.message
    assert check_label_dtype(np.float32(2.5), 100).correct is False  # a float value is no integer type
    assert "floating-point" in check_label_dtype("np.float32", 100).message


def test_a_badly_formatted_list_hears_an_example_that_is_neither_answer():
    clipped, under = exposure_truth()
    for checker in (check_clipped, check_underexposed):
        for unreadable in ("1, 6", {"a": 1}, [0.5, 2], "[3, 5]"):
            message = checker(unreadable).message
            shown = re.search(r"e\.g\. (\[[\d, ]*\])", message)
            assert shown, message
            example = ast.literal_eval(shown.group(1))
            # not an answer, and not a hint either: it shares no image with either answer
            assert not set(example) & (set(clipped) | set(under)), message
        for text in (checker.usage, checker.__doc__):
            for answer in (clipped, under):
                assert str(answer) not in text and str(answer)[1:-1] not in text, text
