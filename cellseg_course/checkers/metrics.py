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

import math

import numpy as np

from cellseg import metrics
from cellseg.errors import inject_error
from cellseg.synthetic import ground_truth_labels
from .feedback import (
    Feedback,
    _NOT_ANSWERED,
    check_number,
    is_placeholder,
    never_raises,
    number_problem,
    rounding_note,
    scalar,
    whole_number,
)

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


def _check_counts(names, answers, expected, hint, slips=(), explain=None):
    """Whole-number counts; ``slips`` maps a tuple of answers to what went wrong.

    ``explain(values)``, if given, may return a message for a wrong answer that is no slip.
    """
    if not _all_answered(*answers):
        return Feedback(None, _NOT_ANSWERED)
    values = []
    for name, answer in zip(names, answers):
        value, problem = whole_number(answer, name)
        if problem is not None:
            return Feedback(False, f"{problem.message} Counts are whole numbers of "
                                   f"{'pixels' if len(names) == 4 else 'objects'}.")
        if value < 0:
            return Feedback(False, f"{name} = {value}: a count cannot be negative.")
        values.append(value)
    wrong = [n for n, v, e in zip(names, values, expected) if v != e]
    if not wrong:
        return Feedback(True, ", ".join(f"{n} = {v}" for n, v in zip(names, expected)) + ".")
    for slip, message in slips:
        if tuple(values) == tuple(slip):
            return Feedback(False, message)
    message = explain(values) if explain is not None else None
    return Feedback(False, message or f"Check {', '.join(wrong)}. {hint}")


def _check_scores(names, answers, expected, hint, slips=()):
    """Scores to three decimals; ``slips`` maps a tuple of values to what went wrong."""
    if not _all_answered(*answers):
        return Feedback(None, _NOT_ANSWERED)
    for n, a in zip(names, answers):
        problem = number_problem(a, n)
        if problem is not None:
            return problem  # not a number at all: say so first
    results = [check_number(a, e, decimals=3, what=n) for n, a, e in zip(names, answers, expected)]
    wrong = [n for n, r in zip(names, results) if not r]
    if not wrong:
        return Feedback(True, ", ".join(f"{n} = {e:.3f}" for n, e in zip(names, expected)) + ".")
    values = [float(scalar(a)) for a in answers]
    if any(v > 1 for v in values) and all(v <= 100 for v in values):
        return Feedback(False, "give each score as a fraction between 0 and 1, not as a percentage.")
    for slip, message in slips:
        if all(abs(v - e) <= 0.0005 + 1e-12 for v, e in zip(values, slip)):
            return Feedback(False, message)
    rounded = [rounding_note(v, e, 3, n) for n, v, e, r in zip(names, values, expected, results) if not r]
    if all(rounded):  # every wrong score is a right one rounded too far
        return Feedback(False, " ".join(rounded[:1]) + (f" The same holds for {', '.join(wrong[1:])}."
                                                        if len(wrong) > 1 else ""))
    return Feedback(False, f"Check {', '.join(wrong)} (to three decimals). {hint}")


@never_raises("Pass four whole numbers: check_pixel_counts(tp, fp, fn, tn).")
def check_pixel_counts(tp, fp, fn, tn):
    """Check the pixel TP, FP, FN and TN of :func:`hand_example`.

    Examples
    --------
    >>> check_pixel_counts(1, 2, 3, 4).message
    'your four counts add up to 10, but the image has 48 pixels: every pixel is exactly one of TP, FP, FN and TN.'
    >>> check_pixel_counts(..., 1, 2, 3).correct is None
    True
    """
    y_true, y_pred = hand_example()
    expected = metrics.confusion_counts(y_true, y_pred)
    answers = [tp, fp, fn, tn]

    def explain(values):
        if sum(values) != y_true.size:
            return (f"your four counts add up to {sum(values)}, but the image has {y_true.size} "
                    "pixels: every pixel is exactly one of TP, FP, FN and TN.")
        return None

    e_tp, e_fp, e_fn, e_tn = expected
    same_id = int(np.sum((y_true == y_pred) & (y_true > 0)))
    slips = [
        ((e_tp, e_fn, e_fp, e_tn), "you swapped FP and FN: a false positive is foreground in the "
         "segmentation (y_pred) only, a false negative in the reference (y_true) only."),
        ((same_id, e_fp + e_tp - same_id, e_fn + e_tp - same_id, e_tn),
         "at the pixel level the ids do not matter: a pixel is foreground when its label is not 0, "
         "so pixels of object 2 labelled 5 in the segmentation are true positives too."),
    ]
    return _check_counts(
        ["TP", "FP", "FN", "TN"], answers, expected,
        "A pixel is foreground when its label is not 0, whatever the id.", slips, explain,
    )


@never_raises("Pass three numbers: check_pixel_scores(precision, recall, dice).")
def check_pixel_scores(precision, recall, dice):
    """Check the pixel precision, recall and Dice of :func:`hand_example` (3 decimals).

    Examples
    --------
    >>> check_pixel_scores(0.5, "0.5", 0.5).message
    "recall should be a number, but it is the text '0.5': remove the quotes."
    """
    s = metrics.pixel_scores(*hand_example())
    tp, fp, fn, _ = metrics.confusion_counts(*hand_example())
    slips = [
        ((s.recall, s.precision, s.dice), "you swapped precision and recall: precision divides by "
         "what was predicted (TP + FP), recall by what is there (TP + FN)."),
        ((s.precision, s.recall, tp / (tp + fp + fn)), "precision and recall are right, but "
         "TP / (TP + FP + FN) is the IoU (Jaccard index); Dice counts TP twice: 2 TP / (2 TP + FP + FN)."),
    ]
    return _check_scores(
        ["precision", "recall", "Dice"], [precision, recall, dice], [s.precision, s.recall, s.dice],
        "Precision divides by what was predicted (TP + FP), recall by what is there (TP + FN); "
        "Dice = 2 TP / (2 TP + FP + FN).", slips,
    )


@never_raises("Pass three whole numbers: check_object_counts(tp, fp, fn).")
def check_object_counts(tp, fp, fn):
    """Check the object TP, FP, FN of :func:`hand_example` at IoU >= 0.5.

    Examples
    --------
    >>> check_object_counts(1, -1, 0).message
    'FP = -1: a count cannot be negative.'
    """
    y_true, y_pred = hand_example()
    m = metrics.matching(y_true, y_pred, iou_threshold=0.5)
    n_true, n_pred = len(np.unique(y_true)) - 1, len(np.unique(y_pred)) - 1
    overlapping = int(np.sum(metrics.overlap_table(y_true, y_pred).iou > 0))
    slips = [
        ((m.tp, m.fp - 1, m.fn + 1), "a split object is not a miss: its larger piece still matches "
         "(IoU >= 0.5), and the smaller piece is an extra, unmatched predicted object."),
        ((m.tp, m.fn, m.fp), "you swapped FP and FN: an unmatched predicted object is a false "
         "positive, an unmatched reference object a false negative."),
    ]
    if overlapping != m.tp:
        tp_slip = min(overlapping, n_true, n_pred)
        slips.append(((tp_slip, n_pred - tp_slip, n_true - tp_slip),
                      "overlapping is not enough: a pair matches only when its IoU is at least 0.5, "
                      "and each object can match only once."))
    return _check_counts(
        ["TP", "FP", "FN"], [tp, fp, fn], [m.tp, m.fp, m.fn],
        "Compute the IoU of every overlapping pair; a pair matches when IoU >= 0.5, and each "
        "object can match only once. Every predicted object that is not matched is a FP.", slips,
    )


@never_raises("Pass three numbers: check_object_scores(precision, recall, f1).")
def check_object_scores(precision, recall, f1):
    """Check the object precision, recall and F1 of :func:`hand_example` at IoU >= 0.5.

    Examples
    --------
    >>> check_object_scores(50, 60, 70).message
    'give each score as a fraction between 0 and 1, not as a percentage.'
    """
    y_true, y_pred = hand_example()
    m = metrics.matching(y_true, y_pred, iou_threshold=0.5)
    s = metrics.pixel_scores(y_true, y_pred)
    slips = [
        ((m.recall, m.precision, m.f1), "you swapped precision and recall: precision divides by the "
         "predicted objects (TP + FP), recall by the reference objects (TP + FN)."),
        ((s.precision, s.recall, s.dice), "these are the pixel scores; use the object counts of part 3."),
    ]
    return _check_scores(
        ["precision", "recall", "F1"], [precision, recall, f1], [m.precision, m.recall, m.f1],
        "Use the object counts: precision = TP / (TP + FP), recall = TP / (TP + FN), "
        "F1 = 2 TP / (2 TP + FP + FN).", slips,
    )


def shifted_cell(shift=SHIFT):
    """One synthetic cell (the FWHM disc of a sigma = 4 blob) and its prediction shifted right.

    Examples
    --------
    >>> y_true, y_pred = shifted_cell()
    >>> int((y_true == 1).sum()) == int((y_pred == 1).sum())
    True
    """
    y_true = ground_truth_labels([[16, 16]], shape=32, cell_sigma=4)
    return y_true, inject_error(y_true, "shift", label=1, amount=shift)


@never_raises("Pass one number: check_last_threshold(0.42).")
def check_last_threshold(answer):
    """Check the largest IoU threshold at which the prediction of :func:`shifted_cell` still matches.

    Examples
    --------
    >>> check_last_threshold(150).message
    'the last matching threshold = 150 is not right: an IoU threshold lies between 0 and 1.'
    >>> check_last_threshold(...).correct is None
    True
    """
    y_true, y_pred = shifted_cell()
    expected = float(metrics.overlap_table(y_true, y_pred).iou[0])
    inter = np.sum((y_true == 1) & (y_pred == 1))
    slips = [
        (100 * expected, "give the threshold as a fraction between 0 and 1, not as a percentage."),
        (inter / np.sum(y_true == 1), "you divided the shared pixels by one object's pixels; the IoU "
         "divides them by the union, the pixels in either object."),
        (1 - expected, "that is one minus the IoU; the pair matches while the threshold is at most its IoU."),
    ]
    value = scalar(answer)
    if (number_problem(answer) is None and not 0 <= float(value) <= 1
            and not math.isclose(float(value), 100 * expected, abs_tol=0.05)):
        slips.append((float(value), "an IoU threshold lies between 0 and 1."))
    return check_number(
        answer, expected, decimals=3, what="the last matching threshold", slips=slips,
        hint="With the default rule IoU >= threshold, the pair matches up to a threshold equal to "
        "its IoU: count the shared pixels and the pixels of the union.",
    )


@never_raises("Pass a whole number of pixels: check_shift_limit(5).")
def check_shift_limit(answer):
    """Check the smallest shift (pixels) at which the shifted cell no longer matches at IoU 0.5.

    Examples
    --------
    >>> check_shift_limit(2.5).message
    'the shift should be a whole number, but it is 2.5.'
    """
    if is_placeholder(answer):
        return Feedback(None, _NOT_ANSWERED)
    value, problem = whole_number(answer, "the shift")
    if problem is not None:
        return problem
    shift = 0
    while metrics.matching(*shifted_cell(shift), iou_threshold=0.5).tp == 1:
        shift += 1
    if value == shift:
        return Feedback(True, f"At a shift of {shift} pixels the IoU falls below 0.5.")
    if value < 0:
        return Feedback(False, "a shift is a distance: give it as a positive number of pixels.")
    if value == shift - 1:
        return Feedback(False, f"at {value} pixels the prediction still matches (IoU >= 0.5); the "
                        "question asks for the first shift at which it no longer does.")
    if value < shift:
        return Feedback(False, f"at {value} pixels the IoU is still at least 0.5; shift further.")
    return Feedback(
        False,
        f"at {value} pixels the pair no longer matches, but it already stopped matching at a smaller "
        "shift. Compute the IoU for shifts 1, 2, 3, ... (cellseg.metrics.matching and "
        "shifted_cell(shift)) and take the first below 0.5.",
    )
