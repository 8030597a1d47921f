"""The checkers of the exercise "Measure nuclei in 3-D" (lesson "Cells in 3-D")."""

import numpy as np
import pytest

import cellseg
from cellseg_course.checkers import (
    EXERCISE_STACK,
    check_surface_areas,
    check_volumes,
    check_voxel_factor,
)

SCENE = cellseg.make_volume(**EXERCISE_STACK)
SPACING = SCENE.spacing
DZ, DY, DX = SPACING
TABLE = cellseg.measure_objects(SCENE.labels, spacing=SPACING)
VOXELS = cellseg.measure_objects(SCENE.labels, spacing=(1, 1, 1))
N = int(SCENE.labels.max())


def test_the_stack_is_anisotropic_and_has_several_nuclei():
    assert N >= 3 and DZ / DX >= 4
    # every nucleus spans at least four slices, so its surface can be measured
    for k in range(1, N + 1):
        assert np.count_nonzero((SCENE.labels == k).any(axis=(1, 2))) >= 4


# --------------------------------------------------------------------------- right


@pytest.mark.parametrize("convert", [np.asarray, list, tuple, lambda a: a.astype(np.float32)])
def test_right_volumes_in_any_container(convert):
    assert check_volumes(convert(TABLE["volume"]))


def test_right_volumes_one_by_one():
    answer = [cellseg.volume(SCENE.labels == k, spacing=SPACING) for k in range(1, N + 1)]
    assert check_volumes(answer)


def test_right_areas_and_a_little_tolerance():
    assert check_surface_areas(TABLE["surface_area"])
    assert check_surface_areas(TABLE["surface_area"] * 1.02)
    sigma = cellseg.measure_objects(SCENE.labels, spacing=SPACING, sigma=1.5)["surface_area"]
    assert check_surface_areas(sigma)  # another reasonable smoothing width


def test_right_factor():
    assert check_voxel_factor(1 / (DZ * DY * DX))
    assert check_voxel_factor(np.float64(VOXELS["volume"][0] / TABLE["volume"][0]))


# --------------------------------------------------------------------------- placeholders


@pytest.mark.parametrize("check", [check_volumes, check_surface_areas, check_voxel_factor])
@pytest.mark.parametrize("answer", [..., None])
def test_placeholders_are_not_answered_yet(check, answer):
    assert check(answer).correct is None


# --------------------------------------------------------------------------- known mistakes


@pytest.mark.parametrize(
    "answer, words",
    [
        (VOXELS["volume"], "voxel counts"),
        (VOXELS["volume"] * DX**3, "in-plane pixel size"),
        (VOXELS["volume"] * DZ**3, "slice spacing"),
        (VOXELS["volume"] * DY * DX, "z factor"),
        (VOXELS["volume"] * DZ, "only the slice spacing"),
        (TABLE["volume"][::-1], "wrong order"),
    ],
)
def test_volume_mistakes_are_named(answer, words):
    result = check_volumes(answer)
    assert result.correct is False and words in result.message


@pytest.mark.parametrize(
    "spacing, method, words",
    [
        (SPACING, "binary", "staircase"),
        ((1, 1, 1), "smooth", "voxel faces"),
        (SPACING[::-1], "smooth", "(x, y, z)"),
        ((1.0, DY, DX), "smooth", "slice spacing is missing"),
        ((DX, DY, DX), "smooth", "pixel area"),
    ],
)
def test_area_mistakes_are_named(spacing, method, words):
    answer = cellseg.measure_objects(SCENE.labels, spacing=spacing, method=method)["surface_area"]
    result = check_surface_areas(answer)
    assert result.correct is False and words in result.message


def test_voxel_area_times_pixel_area_is_named():
    result = check_surface_areas(VOXELS["surface_area"] * DX**2)
    assert result.correct is False and "pixel area" in result.message


def test_inverted_factor_is_named():
    result = check_voxel_factor(DZ * DY * DX)
    assert result.correct is False and "one voxel" in result.message


# --------------------------------------------------------------------------- junk


JUNK = [
    "12.5",
    b"bytes",
    {"volume": 1.0},
    {1, 2},
    [1.0, "2", 3.0, 4.0],
    [[1.0, 2.0], [3.0]],  # ragged
    [True] * N,
    np.ones((N, 1)),
    np.ones(N + 1),
    np.ones((2, N)),
    [],
    1.5,
    np.float64(3.0),
    np.full(N, np.nan),
    np.full(N, np.inf),
    np.full(N, 1e300),
    -TABLE["volume"],
    np.zeros(N),
    np.ones(N, dtype=complex),
    object(),
    print,
]


@pytest.mark.parametrize("check", [check_volumes, check_surface_areas])
@pytest.mark.parametrize("answer", JUNK, ids=lambda a: type(a).__name__)
def test_junk_gets_feedback_never_an_exception(check, answer):
    result = check(answer)
    assert result.correct is False
    assert result.message


@pytest.mark.parametrize("answer", ["7.4", [7.4], True, float("nan"), float("inf"),
                                    1e308, -7.4, {"f": 1}, object()])
def test_factor_junk(answer):
    assert check_voxel_factor(answer).correct is False


def test_factor_as_a_one_element_array_is_read_as_its_number():
    # like every checker of the course: np.array([x]) and np.array(x) count as x
    factor = 1 / (DZ * DY * DX)
    assert check_voxel_factor(np.array([factor])).correct is True


@pytest.mark.parametrize("check, right", [(check_volumes, TABLE["volume"]),
                                          (check_surface_areas, TABLE["surface_area"])])
def test_feedback_never_reveals_the_answer(check, right):
    for answer in [right * 1.3, right * 0.5, np.ones(N), VOXELS["volume"]] + JUNK:
        message = check(answer).message
        for value in right:
            for shown in {f"{value:.0f}", f"{value:.1f}", f"{value:.2f}", f"{value:g}"}:
                assert shown not in message
    factor = 1 / (DZ * DY * DX)
    for answer in [1.0, 2.0, DZ * DY * DX, "x"]:
        message = check_voxel_factor(answer).message
        assert f"{factor:.2f}" not in message and f"{factor:.1f}" not in message


def test_voxel_factor_rounded_to_a_whole_number_is_told_so_once():
    factor = 1 / (DZ * DY * DX)
    assert round(factor) != factor
    fb = check_voxel_factor(round(factor))
    assert fb.correct is False and "rounded to a whole number" in fb.message
    other = check_voxel_factor(factor * 3)
    assert other.correct is False and not other.message.startswith("Not yet")  # the box already says so
    assert str(other).count("Not yet") == 1
