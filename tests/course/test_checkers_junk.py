"""Every checker answers anything a learner can type with feedback: never a traceback.

Each answer slot of every checker gets a list of junk (and then whatever hypothesis
invents) while the other slots hold plausible values. The checker must return a
Feedback that its own code produced: the ``never_raises``
safety net (``feedback.unexpected``) must not have been needed.
"""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cellseg import synthetic
from cellseg_course import checkers
from cellseg_course.checkers import Feedback
from cellseg_course.checkers import splitting

_PAIR = synthetic.make_pair(distance=splitting.PAIR_DISTANCE).labels
_BRIGHT_DIM = synthetic.make_bright_dim()
_UNEVEN = synthetic.make_uneven_illumination().labels

#: name -> (checker, plausible values of its answer slots). A checker that carries its own
#: plausible values (``@never_raises(..., example=(...))``) needs no entry: it is added below.
CHECKERS = {
    "check_smoothed_peak": (checkers.check_smoothed_peak, [0.5]),
    "check_label_dtype": (lambda a: checkers.check_label_dtype(a, 1000), [np.uint8]),
    "check_label_capacity": (lambda a: checkers.check_label_capacity(a, np.uint16), [10]),
    "check_clipped": (checkers.check_clipped, [[0]]),
    "check_underexposed": (checkers.check_underexposed, [[0]]),
    "check_pixel_counts": (checkers.check_pixel_counts, [1, 1, 1, 1]),
    "check_pixel_scores": (checkers.check_pixel_scores, [0.5, 0.5, 0.5]),
    "check_object_counts": (checkers.check_object_counts, [1, 1, 1]),
    "check_object_scores": (checkers.check_object_scores, [0.5, 0.5, 0.5]),
    "check_last_threshold": (checkers.check_last_threshold, [0.5]),
    "check_shift_limit": (checkers.check_shift_limit, [1]),
    "check_pair_split": (checkers.check_pair_split, [_PAIR]),
    "check_intensity_classes": (
        checkers.check_intensity_classes,
        [_BRIGHT_DIM.labels, list(_BRIGHT_DIM.classes), {"bright": (0.5, 0.5), "dim": (0.5, 0.5)}],
    ),
    "check_count_statistics": (checkers.check_count_statistics, [[8.0] * 5, [0.0] * 5]),
    "check_failure_level": (checkers.check_failure_level, [0.05]),
    "check_global_count": (checkers.check_global_count, [3]),
    "check_adaptive_labels": (checkers.check_adaptive_labels, [_UNEVEN > 0]),
    "check_volumes": (checkers.check_volumes, [[100.0]]),
    "check_surface_areas": (checkers.check_surface_areas, [[100.0]]),
    "check_voxel_factor": (checkers.check_voxel_factor, [10.0]),
    "check_beat_the_baseline": (checkers.check_beat_the_baseline, [lambda image: image > 0]),
    "check_bad_wells": (checkers.check_bad_wells, [["A01"]]),
}

CHECKERS.update({
    name: (getattr(checkers, name), getattr(checkers, name).example)
    for name in checkers.__all__
    if name.startswith("check_") and getattr(getattr(checkers, name), "example", None) is not None
})

JUNK = [
    None, ..., "", "0.5", "uint16", "²", "[1, 2]", [], [1, 2], [[1, 2], [3, 4]], [None], ["a", "b"],
    (), (1, 2), {}, {1: "bright"}, {"bright": 1}, {"bright": (1, 2, 3), "dim": None}, set(), {1, 2},
    True, False, np.True_, 0, -1, 3, 2**70, 10**400, -(10**400), 0.5, -0.5, 1e308, 1e-320,
    float("nan"), float("inf"), -float("inf"), 1 + 2j, np.float32(0.5), np.int8(-3), np.uint64(2**63),
    np.array(3), np.array(0.5), np.array([]), np.array([np.nan]), np.zeros(5), np.zeros((5, 50)),
    np.zeros((2, 2)), np.zeros((64, 64)), np.zeros((64, 64), bool), np.zeros((128, 128), np.uint8),
    np.full((128, 128), 2**40, np.int64), np.full((64, 64), -1), np.zeros((128, 128, 3), np.uint8),
    np.zeros((128, 128), complex), np.array(["bright", "dim"]), np.array([object(), None]),
    np.dtype(">u4"), np.dtype("float32"), np.int16, float, int, str, object(), lambda x: x,
    range(10**12), iter([1, 2]), b"bytes", slice(1, 2), (np.zeros((64, 64), int), 2),
]


def _calls():
    for name, (checker, plausible) in CHECKERS.items():
        for slot in range(len(plausible)):
            yield pytest.param(checker, plausible, slot, id=f"{name}-{slot}")


def _assert_feedback(checker, plausible, slot, junk):
    args = list(plausible)
    args[slot] = junk
    feedback = checker(*args)
    assert isinstance(feedback, Feedback), type(feedback)
    assert not feedback.unexpected, (junk, feedback.message)
    assert feedback.message and len(feedback.message) < 600
    assert "Traceback" not in feedback.message


@pytest.mark.parametrize("checker, plausible, slot", list(_calls()))
def test_every_checker_answers_junk_with_feedback(checker, plausible, slot):
    for junk in JUNK:
        _assert_feedback(checker, plausible, slot, junk)


junk_values = st.one_of(
    st.none(), st.just(...), st.booleans(), st.integers(), st.floats(), st.complex_numbers(),
    st.text(max_size=20), st.binary(max_size=5),
    st.lists(st.one_of(st.integers(), st.floats(), st.text(max_size=3)), max_size=8),
    st.dictionaries(st.text(max_size=6), st.one_of(st.floats(), st.tuples(st.floats(), st.floats())), max_size=3),
    hnp.arrays(
        dtype=st.one_of(hnp.integer_dtypes(), hnp.unsigned_integer_dtypes(), hnp.floating_dtypes(),
                        hnp.boolean_dtypes()),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=6),
    ),
    hnp.arrays(dtype=hnp.integer_dtypes(), shape=st.sampled_from([(128, 128), (64, 64), (5,), (5, 50)])),
)


@pytest.mark.parametrize("checker, plausible, slot", list(_calls()))
@settings(max_examples=25, deadline=None)
@given(junk=junk_values)
def test_every_checker_answers_invented_junk_with_feedback(checker, plausible, slot, junk):
    _assert_feedback(checker, plausible, slot, junk)


def test_every_exported_checker_is_fed_junk():
    exported = {name for name in checkers.__all__ if name.startswith("check_") and name != "check_number"}
    assert exported == set(CHECKERS), "give the new checker example=(...) in its @never_raises"
    assert len(checkers.__all__) == len(set(checkers.__all__)), "two checker modules export one name"


def test_the_safety_net_catches_what_a_checker_did_not_foresee():
    @checkers.feedback.never_raises("Pass a number.")
    def broken(answer):
        return 1 / answer

    feedback = broken(0)
    assert feedback.correct is False and feedback.unexpected and "Pass a number." in feedback.message


@pytest.mark.parametrize(
    "options",
    [{"shape": (128, 128)}, {"length": 5}, {"length": 8, "values": {"bright", "dim"}}],
    ids=["label image", "numbers", "class names"],
)
def test_the_look_at_your_result_guard_prints_one_line_for_junk(options, capsys):
    from cellseg_course.checkers import ready_to_plot

    for junk in JUNK:
        shown = ready_to_plot(junk, **options)
        out = capsys.readouterr().out
        if not shown:
            assert out.count("\n") == 1 and out.startswith("Nothing to show"), (junk, out)
    assert ready_to_plot(_BRIGHT_DIM.labels, shape=(128, 128))
    assert ready_to_plot(list(_BRIGHT_DIM.classes), length=8, values={"bright", "dim"})
    assert ready_to_plot(np.arange(5.0), length=5)


def _shown_examples(name, usage):
    """The answers a usage message shows: the arguments of ``name(...)``, and what follows
    "e.g." or "for example"; placeholders such as ``check_volumes(volumes)`` are skipped."""
    texts = re.findall(rf"{name}\((.*?)\)(?=[.,;: ]|$)", usage)
    texts += [m.strip("()") for m in re.findall(
        r"(?:e\.g\.|for example) (\(.*?\)|\[.*?\]|-?\d+(?:\.\d+)?)(?=[,.;]? |[,.;]?$)", usage)]
    shown = []
    for text in texts:
        try:
            shown.append(eval(f"({text},)", {"__builtins__": {}, "np": np}))  # noqa: S307 - our own text
        except NameError:
            continue  # a placeholder name, not a value
    return shown


def test_no_usage_message_shows_a_right_answer():
    """The sentence a checker shows for an answer it cannot read ("for example [2, 4]") must
    not be the answer: the example it gives is checked, and must be wrong."""
    tried = 0
    for name in checkers.__all__:
        checker = getattr(checkers, name)
        if not name.startswith("check_") or name == "check_number":
            continue
        assert isinstance(checker.usage, str) and checker.usage, name
        for args in _shown_examples(name, checker.usage):
            assert checker(*args).correct is not True, (name, args, checker.usage)
            tried += 1
    assert tried >= 12  # the parser still finds the examples
