"""Checkers for the exercises of the lessons on measuring segmentation quality.

- "Metrics by hand": :func:`hand_example` gives a small reference and
  prediction; :func:`check_pixel_counts`, :func:`check_pixel_scores`,
  :func:`check_object_counts` and :func:`check_object_scores` check what the
  learner counted and computed.
- "When does a match stop matching?": :func:`shifted_cell` gives one cell and
  a shifted prediction; :func:`check_last_threshold` and
  :func:`check_shift_limit` check the answers.

Every expected value is computed with :mod:`cellseg.metrics`.
"""

import numbers

import numpy as np

from cellseg import metrics
from cellseg.errors import inject_error
from cellseg.synthetic import ground_truth_labels
from .feedback import Feedback, _NOT_ANSWERED, check_number, is_placeholder

__all__ = [
    "hand_example",
    "check_pixel_counts",
    "check_pixel_scores",
    "check_object_counts",
    "check_object_scores",
    "shifted_cell",
    "SHIFT",
    "check_last_threshold",
    "check_shift_limit",
]

SHIFT = 2  #: shift (pixels) of the prediction in :func:`shifted_cell`


def hand_example():
    """The 6 x 8 reference and prediction of the "metrics by hand" exercise.

    Reference: objects 1 (3 x 3), 2 (3 x 4) and 3 (2 x 4). Prediction: object 1
    too narrow, object 2 cut in two (ids 2 and 5), object 3 missed, and a
    spurious object 7.

    Examples
    --------
    >>> y_true, y_pred = hand_example()
    >>> y_true.shape, sorted(np.unique(y_pred).tolist())
    ((6, 8), [0, 1, 2, 5, 7])
    """
    y_true = np.zeros((6, 8), dtype=np.int32)
    y_true[0:3, 0:3] = 1
    y_true[0:3, 4:8] = 2
    y_true[4:6, 0:4] = 3
    y_pred = np.zeros_like(y_true)
    y_pred[0:3, 0:2] = 1
    y_pred[0:3, 4:5] = 2
    y_pred[0:3, 5:8] = 5
    y_pred[4:6, 6:8] = 7
    return y_true, y_pred


def _all_answered(*answers):
    return not any(is_placeholder(a) for a in answers)


def _check_counts(names, answers, expected, hint):
    if not _all_answered(*answers):
        return Feedback(None, _NOT_ANSWERED)
    wrong = []
    for name, answer, value in zip(names, answers, expected):
        ok = (
            isinstance(answer, (numbers.Integral, np.integer))
            and not isinstance(answer, (bool, np.bool_))
            and int(answer) == value
        )
        if not ok:
            wrong.append(name)
    if not wrong:
        return Feedback(True, ", ".join(f"{n} = {v}" for n, v in zip(names, expected)) + ".")
    return Feedback(False, f"Check {', '.join(wrong)} (whole numbers). {hint}")


def _check_scores(names, answers, expected, hint):
    if not _all_answered(*answers):
        return Feedback(None, _NOT_ANSWERED)
    results = [check_number(a, e, decimals=3, what=n) for n, a, e in zip(names, answers, expected)]
    wrong = [n for n, r in zip(names, results) if not r]
    if not wrong:
        return Feedback(True, ", ".join(f"{n} = {e:.3f}" for n, e in zip(names, expected)) + ".")
    return Feedback(False, f"Check {', '.join(wrong)} (to three decimals). {hint}")


def check_pixel_counts(tp, fp, fn, tn):
    """Check the pixel TP, FP, FN and TN of :func:`hand_example`.

    Examples
    --------
    >>> bool(check_pixel_counts(18, 4, 11, 15))
    True
    >>> check_pixel_counts(..., 4, 11, 15).correct is None
    True
    """
    expected = metrics.confusion_counts(*hand_example())
    return _check_counts(
        ["TP", "FP", "FN", "TN"], [tp, fp, fn, tn], expected,
        "A pixel is foreground when its label is not 0, whatever the id; TP + FP + FN + TN must "
        "be the number of pixels (48).",
    )


def check_pixel_scores(precision, recall, dice):
    """Check the pixel precision, recall and Dice of :func:`hand_example` (3 decimals).

    Examples
    --------
    >>> bool(check_pixel_scores(18 / 22, 18 / 29, 36 / 51))
    True
    """
    s = metrics.pixel_scores(*hand_example())
    return _check_scores(
        ["precision", "recall", "Dice"], [precision, recall, dice], [s.precision, s.recall, s.dice],
        "Precision divides by what was predicted (TP + FP), recall by what is there (TP + FN); "
        "Dice = 2 TP / (2 TP + FP + FN).",
    )


def check_object_counts(tp, fp, fn):
    """Check the object TP, FP, FN of :func:`hand_example` at IoU >= 0.5.

    Examples
    --------
    >>> bool(check_object_counts(2, 2, 1))
    True
    """
    m = metrics.matching(*hand_example(), threshold=0.5)
    return _check_counts(
        ["TP", "FP", "FN"], [tp, fp, fn], [m.tp, m.fp, m.fn],
        "Compute the IoU of every overlapping pair; a pair matches when IoU >= 0.5, and each "
        "object can match only once. Every predicted object that is not matched is a FP.",
    )


def check_object_scores(precision, recall, f1):
    """Check the object precision, recall and F1 of :func:`hand_example` at IoU >= 0.5.

    Examples
    --------
    >>> bool(check_object_scores(0.5, 2 / 3, 4 / 7))
    True
    """
    m = metrics.matching(*hand_example(), threshold=0.5)
    return _check_scores(
        ["precision", "recall", "F1"], [precision, recall, f1], [m.precision, m.recall, m.f1],
        "Use the object counts: precision = TP / (TP + FP), recall = TP / (TP + FN), "
        "F1 = 2 TP / (2 TP + FP + FN).",
    )


def shifted_cell(shift=SHIFT):
    """One synthetic cell (the FWHM disc of a sigma = 4 blob) and its prediction shifted right.

    Examples
    --------
    >>> y_true, y_pred = shifted_cell()
    >>> int((y_true == 1).sum()) == int((y_pred == 1).sum())
    True
    """
    y_true = ground_truth_labels([[16, 16]], shape=32, sigma=4)
    return y_true, inject_error(y_true, "shift", label=1, amount=shift)


def check_last_threshold(answer):
    """Check the largest IoU threshold at which the prediction of :func:`shifted_cell` still matches.

    Examples
    --------
    >>> y_true, y_pred = shifted_cell()
    >>> bool(check_last_threshold(metrics.overlap_table(y_true, y_pred).iou[0]))
    True
    """
    expected = float(metrics.overlap_table(*shifted_cell()).iou[0])
    return check_number(
        answer, expected, decimals=3, what="the last matching threshold",
        hint="With the default rule IoU >= thresh, the pair matches up to a threshold equal to "
        "its IoU: count the shared pixels and the pixels of the union.",
    )


def check_shift_limit(answer):
    """Check the smallest shift (pixels) at which the shifted cell no longer matches at IoU 0.5.

    Examples
    --------
    >>> bool(check_shift_limit(3))
    True
    """
    shift = 0
    while metrics.matching(*shifted_cell(shift), threshold=0.5).tp == 1:
        shift += 1
    if is_placeholder(answer):
        return Feedback(None, _NOT_ANSWERED)
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (numbers.Integral, np.integer)):
        return Feedback(False, f"the shift should be a whole number of pixels, but it is {answer!r}.")
    if int(answer) == shift:
        return Feedback(True, f"At a shift of {shift} pixels the IoU falls below 0.5.")
    return Feedback(
        False,
        f"{answer} pixels is not right. Compute the IoU for shifts 1, 2, 3, ... (for example "
        "with cellseg.metrics.matching and shifted_cell(shift)) and find the first below 0.5.",
    )
