"""The slider exercises' checkers: right, wrong, placeholder and junk answers; truths recomputed
independently from the data; rules that never give the answer away; live sliders that show their frame
(their speed is measured in benchmarks/bench_slider_exercises.py)."""

import html
import json
import re

import numpy as np
import pytest

import cellseg
from cellseg_course.answer_box import answer_box, live_exercise
from cellseg_course.checkers import sliders
from cellseg_course.checkers.feedback import Feedback
from cellseg_course.checkers.sliders import (
    SLIDER_EXERCISES,
    check_count_range,
    check_error_names,
    check_iou_range,
    check_noise_sigma,
    check_slice_spacing,
    check_vo_setting,
)



def _junk():
    """The junk list of the junk test (tests/course/test_checkers_junk.py), read from its file."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("_junk", Path(__file__).with_name("test_checkers_junk.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.JUNK


JUNK = _junk()

CHECKS = {
    "count-range": check_count_range,
    "smooth-away-noise": check_noise_sigma,
    "name-the-errors": check_error_names,
    "tune-voronoi-otsu": check_vo_setting,
    "slice-spacing": check_slice_spacing,
    "iou-range": check_iou_range,
}


def _ok_values(name):
    """Every answer the rules accept, read from the first accepting rule (one value per field)."""
    rule = next(r for r in SLIDER_EXERCISES[name].rules if r["ok"])
    values = {}
    for c in rule["when"]:
        if c[0] == "range":
            lo, hi = c[2], c[3]
            values[c[1]] = round(hi - 1e-6, 4) if lo is None else round(lo + 1e-6 if hi is None else (lo + hi) / 2, 4)
        elif c[0] == "at":
            values.setdefault(c[1], [None] * 5)[c[2]] = c[3]
    return values


# --- the truths, computed a second way -----------------------------------------------------


def test_count_range_truth_is_where_each_cell_is_one_object():
    scene = cellseg.make_image()
    smoothed = cellseg.smooth(scene.image, sigma=cellseg.SMOOTH_SIGMA)

    def each_cell_one_object(t):
        labels = cellseg.segment(smoothed, threshold=t, min_size=cellseg.MIN_CELL_SIZE)
        per_cell = [np.unique(labels[scene.labels == c]) for c in range(1, scene.labels.max() + 1)]
        per_object = [np.unique(scene.labels[labels == o]) for o in range(1, labels.max() + 1)]
        return (labels.max() == len(scene.centers) and all(len(u[u > 0]) == 1 for u in per_cell)
                and all(len(u[u > 0]) == 1 for u in per_object))

    rule = SLIDER_EXERCISES["count-range"].rules[0]
    lo = round(rule["when"][0][3], 2)  # the lowest threshold on the slider that is accepted
    hi = round(rule["when"][1][2], 2)  # and the highest
    assert all(each_cell_one_object(t) for t in np.arange(lo, hi + 0.001, 0.01))
    assert not each_cell_one_object(lo - 0.01) and not each_cell_one_object(hi + 0.01)
    assert lo < cellseg.THRESHOLD < hi
    assert check_count_range(lo, hi)
    assert not check_count_range(lo - 0.01, hi) and not check_count_range(lo, hi + 0.01)
    assert "still does at lower thresholds" in check_count_range(lo + 0.01, hi).message


def test_count_range_above_the_range_blames_the_size_filter_only_where_it_is_the_cause():
    scene = cellseg.make_image()
    smoothed = cellseg.smooth(scene.image, sigma=cellseg.SMOOTH_SIGMA)
    hi = round(SLIDER_EXERCISES["count-range"].rules[0]["when"][1][2], 2)
    blamed = 0
    for t in np.round(np.arange(hi + 0.01, 0.999, 0.01), 2):
        message = check_count_range(0.31, t).message
        unfiltered = cellseg.segment(smoothed, threshold=t, min_size=0)
        # the filter is blamed exactly where, without it, every cell is still one object
        whole = unfiltered.max() == len(scene.centers) and all(
            np.unique(unfiltered[scene.labels == c]).size == 2
            for c in range(1, scene.labels.max() + 1))
        assert ("the filter removes them" in message) == whole, (t, message)
        assert str(cellseg.MIN_CELL_SIZE) in message and "dimmest" not in message
        blamed += whole
    assert blamed >= 3  # the first thresholds above the range lose cells to the filter alone


def test_noise_sigma_truth_is_the_first_width_without_extra_objects():
    scene = cellseg.make_image()
    counts = {s: cellseg.segment(cellseg.smooth(scene.image, sigma=s), threshold=0.5, min_size=0).max()
              for s in sliders.NOISE_SIGMAS}
    first = min(s for s in sliders.NOISE_SIGMAS if all(counts[t] == 8 for t in sliders.NOISE_SIGMAS if t >= s))
    assert check_noise_sigma(first)
    assert not check_noise_sigma(round(first - 0.05, 2))
    assert "a smaller width already does it" in check_noise_sigma(round(first + 0.5, 2)).message


def test_gallery_names_are_what_classify_errors_finds():
    rule = SLIDER_EXERCISES["name-the-errors"].rules[0]
    names = [c[3] for c in rule["when"]]
    assert sorted(names) == sorted(sliders.ERROR_NAMES)  # one of each kind
    assert check_error_names(names)
    assert check_error_names([n.upper() + " " for n in names])  # case and spaces do not matter
    swapped = names[1:2] + names[0:1] + names[2:]
    feedback = check_error_names(swapped)
    assert not feedback and f"panel 1 is not a {names[1]} error" in feedback.message


def test_vo_truth_is_the_best_dsb_on_the_grid():
    image, truth = cellseg.nuclei_2d()
    image, truth = image[sliders.VO_REGION], truth[sliders.VO_REGION]
    grid = cellseg.BASELINES["Voronoi-Otsu"].grid
    scores = {(s, o): cellseg.average_precision(truth, cellseg.voronoi_otsu_labeling(image, spot_sigma=s,
                                                                                        outline_sigma=o))
              for s in grid["spot_sigma"] for o in grid["outline_sigma"]}
    best = max(scores, key=scores.get)
    worst = min(scores, key=scores.get)
    assert check_vo_setting(*best)
    feedback = check_vo_setting(*worst)
    assert not feedback and f"{scores[worst]:.3f}" in feedback.message
    accepted = {k for k in scores if check_vo_setting(*k)}
    assert accepted == {k for k, v in scores.items() if v >= scores[best] - sliders.VO_TOLERANCE}


def _slice_errors(dz):
    """Relative errors (volume, surface) of the exercise's nucleus at each offset, from cellseg."""
    axes = sliders.NUCLEUS_AXES
    spacing = (dz, sliders.PLANE_SPACING, sliders.PLANE_SPACING)
    rows = []
    for f in sliders.SLICE_OFFSETS:
        mask = cellseg.ellipsoid_mask(axes, spacing=spacing, offset=(f * dz, 0, 0))
        rows.append((cellseg.volume(mask, spacing=spacing) / cellseg.ellipsoid_volume(axes) - 1,
                     cellseg.surface_area(mask, spacing=spacing) / cellseg.ellipsoid_surface_area(axes) - 1))
    return np.abs(rows)


def test_slice_spacing_truth_is_the_first_spacing_more_than_ten_percent_off():
    worst = {dz: _slice_errors(dz).max() for dz in sliders.SLICE_SPACINGS}
    first = next(dz for dz in sliders.SLICE_SPACINGS if worst[dz] > 0.10)
    assert check_slice_spacing(first)
    assert not check_slice_spacing(first - 0.25) and not check_slice_spacing(first + 0.25)
    assert [dz for dz in sliders.SLICE_SPACINGS if check_slice_spacing(dz)] == [first]
    # the lesson's point: the nucleus (4 um tall) is then only two or three slices thick
    assert 2 <= 2 * sliders.NUCLEUS_AXES[0] / first <= 3


def test_slice_offsets_never_graze_a_tip_of_the_nucleus():
    """A slice exactly through a tip keeps one voxel: a freak that doubles the surface."""
    top = sliders.NUCLEUS_AXES[0]
    for dz in sliders.SLICE_SPACINGS:
        for f in sliders.SLICE_OFFSETS:
            for tip in (top / dz + f, top / dz - f):  # slices at k dz - f dz, tips at +-top
                assert abs(tip - round(tip)) > 1e-6, (dz, f)
            mask = sliders.slice_spacing_sweep()[dz, f][0]
            per_slice = mask.sum(axis=(1, 2))
            assert per_slice[per_slice > 0].min() >= 10, (dz, f)  # no speck of a slice


def test_slice_spacing_feedback_is_true_at_every_slider_value():
    for dz in sliders.SLICE_SPACINGS:
        worst = _slice_errors(dz).max()
        feedback = check_slice_spacing(dz)
        quoted = [float(x) for x in re.findall(r"(\d+\.\d) %", feedback.message)]
        assert quoted and abs(quoted[-1] - 100 * worst) < 0.051, (dz, feedback.message)
        if "still fine" in feedback.message or "happens to give" in feedback.message:
            assert worst <= 0.10, (dz, feedback.message)
        else:
            assert worst > 0.10 and ("does go wrong" in feedback.message or feedback), feedback.message


def test_iou_range_truth_is_the_smallest_and_largest_iou():
    scene = cellseg.make_image()
    labels = cellseg.segment(cellseg.smooth(scene.image, sigma=2), threshold=0.6, min_size=30)
    iou = cellseg.overlap_table(scene.labels, labels).iou
    iou = np.sort(iou[iou > 0.1])
    last_all = np.floor(iou[0] * 100) / 100  # the slider's value just below the smallest IoU
    first_none = np.ceil(iou[-1] * 100) / 100
    assert check_iou_range(last_all, first_none)
    assert not check_iou_range(last_all + 0.01, first_none)
    assert not check_iou_range(last_all, first_none - 0.01)


def test_iou_range_refuses_values_on_the_wrong_side_of_the_ious_and_says_how_many_match():
    """A typed answer between the slider's step and the IoU it stands for is judged by the
    matching itself: just above the smallest IoU a cell is lost, at the largest some still match."""
    scene = cellseg.make_image()
    labels = cellseg.segment(cellseg.smooth(scene.image), threshold=sliders.IOU_SEGMENT_THRESHOLD)
    iou = np.sort(cellseg.matching(scene.labels, labels, iou_threshold=0.3).matched_scores)
    last_all, first_none = np.floor(iou[0] * 100) / 100, np.ceil(iou[-1] * 100) / 100
    assert check_iou_range(iou[0], iou[-1] + 1e-6)  # exactly: all up to the smallest, none above the largest
    for t in (iou[0] + 1e-6, (iou[0] + last_all + 0.01) / 2, iou[-1], iou[-1] - 1e-6):
        tp = cellseg.matching(scene.labels, labels, iou_threshold=float(t)).tp
        assert 0 < tp < len(iou)
        for answer in ((t, first_none), (last_all, t)):
            feedback = check_iou_range(*answer)
            assert not feedback and f"{tp} of {len(iou)} cells match" in feedback.message, (answer, feedback)


# --- what the checkers say ---------------------------------------------------------------


@pytest.mark.parametrize("call, says", [
    (lambda: check_count_range(0.06, 0.78), "they are not the cells"),
    (lambda: check_count_range(0.25, 0.78), "noise joins the cells"),
    (lambda: check_count_range(0.31, 0.79), "the filter removes them"),
    (lambda: check_count_range(0.31, 0.9), "only a few pixels at the cells' peaks"),
    (lambda: check_count_range(0.78, 0.31), "swapped"),
    (lambda: check_count_range(31, 78), "not as percentages"),
    (lambda: check_count_range("0.31", 0.78), "remove the quotes"),
    (lambda: check_noise_sigma(0), "Smooth more"),
    (lambda: check_noise_sigma(3), "Find the smallest"),
    (lambda: check_noise_sigma(-1), "cannot be negative"),
    (lambda: check_error_names(["split"] * 4), "give 5 names"),
    (lambda: check_error_names(["split", "merge", "hole", "missed", "boundary"]), "'hole' is not one of"),
    (lambda: check_error_names("split merge"), "give a list of 5 names"),
    (lambda: check_vo_setting(1.5, 0.5), "wider spot_sigma"),
    (lambda: check_vo_setting(6.0, 3.0), "spot_sigma is too wide"),
    (lambda: check_vo_setting(2.2, 1.0), "not a value of its slider"),
    (lambda: check_slice_spacing(0.5), "still fine"),
    (lambda: check_slice_spacing(3.0), "already does at a smaller spacing"),
    (lambda: check_slice_spacing(0), "positive length"),
    (lambda: check_slice_spacing(2.75), "happens to give"),
    (lambda: check_slice_spacing(1.1), "not a value of the slider"),
    (lambda: check_slice_spacing(3.5), "beyond the slider"),
    (lambda: check_iou_range(0.5, 0.73), "a higher threshold still keeps them all"),
    (lambda: check_iou_range(0.7, 0.73), "some matches already fail"),
    (lambda: check_iou_range(0.65, 0.7), "some still match there"),
    (lambda: check_iou_range(65, 73), "not as a percentage"),
])
def test_typical_wrong_answers_get_targeted_feedback(call, says):
    feedback = call()
    assert feedback.correct is False and says in feedback.message, feedback.message


@pytest.mark.parametrize("name", list(CHECKS))
def test_placeholders_are_not_answered_yet(name):
    n = len(SLIDER_EXERCISES[name].fields)
    assert CHECKS[name](*([...] * n)).correct is None
    assert CHECKS[name](*([None] * n)).correct is None


@pytest.mark.parametrize("name", list(CHECKS))
def test_the_rules_accept_their_own_answer_and_never_show_it(name):
    ok = _ok_values(name)
    args = [ok[f[0]] for f in SLIDER_EXERCISES[name].fields]
    assert CHECKS[name](*args), args
    if name in ("name-the-errors", "tune-voronoi-otsu"):
        return  # their wrong-answer messages name kinds or slider values, never which one is right
    wrong_texts = " ".join(r["say"] for r in SLIDER_EXERCISES[name].rules if not r["ok"])
    for value in args:
        for shown in {f"{value:g}", f"{value:.2f}"}:
            assert not re.search(rf"(?<![\d.]){re.escape(shown)}(?![\d])", wrong_texts), (name, shown)


@pytest.mark.parametrize("name", list(CHECKS))
def test_every_answer_slot_takes_junk(name):
    checker = CHECKS[name]
    for slot in range(len(checker.example)):
        for junk in JUNK:
            args = list(checker.example)
            args[slot] = junk
            feedback = checker(*args)
            assert isinstance(feedback, Feedback) and not feedback.unexpected, (junk, feedback.message)
            assert feedback.message and "Traceback" not in feedback.message


@pytest.mark.parametrize("name", list(CHECKS))
def test_the_answer_box_carries_the_same_rules(name):
    page = answer_box(name)._repr_html_()
    data = json.loads(re.search(r'<script type="application/json">(.*?)</script>', page, re.S).group(1))
    assert data["rules"] == json.loads(json.dumps(SLIDER_EXERCISES[name].rules))
    assert 'class="cellseg-answer-feedback" aria-live="polite"' in page and "<button" in page
    for field in SLIDER_EXERCISES[name].fields:
        assert f'name="{field[0]}' in page


@pytest.fixture(autouse=True)
def no_live_sliders():
    """No test sees the live explorer of another (a checker reads the last one's sliders)."""
    sliders.LIVE.clear()
    yield
    sliders.LIVE.clear()


@pytest.mark.parametrize("name", list(CHECKS))
def test_a_live_slider_move_shows_that_values_frame(name):
    """A move shows the update's frame and readout for the new value (timed in benchmarks/)."""
    explorer = live_exercise(name)
    control, values = next(iter(explorer.controls.items()))
    grid = SLIDER_EXERCISES[name].grid[control]
    before = (explorer.image.value, explorer.readout.value)
    values.value = grid[-1] if values.value != grid[-1] else grid[0]
    assert (explorer.image.value, explorer.readout.value) != before
    params = {p: c.value for p, c in explorer.controls.items()}
    assert explorer.readout.value == html.escape(SLIDER_EXERCISES[name].update(**params)[1])


def test_a_wrong_answer_hears_where_the_live_sliders_stand():
    before = check_count_range(0.06, 0.5).message
    explorer = live_exercise("count-range")
    explorer.controls["threshold"].value = 0.2
    feedback = check_count_range(0.06, 0.5)
    assert feedback.message.startswith(before) and "Your sliders now: threshold = 0.2;" in \
        feedback.message and explorer.update(threshold=0.2)[1] in feedback.message
    ok = _ok_values("count-range")
    assert "sliders" not in check_count_range(ok["lowest"], ok["highest"]).message  # a right answer: no note
