"""Checkers for the exercise of the lesson "Cells in 3-D": measure nuclei in micrometres.

The exercise's stack is ``cellseg.make_volume(**EXERCISE_STACK)``; every checker
rebuilds it and computes the expected answer with :mod:`cellseg`, never from a
typed-in number. Besides right and wrong, the checkers recognise the usual
spacing mistakes (voxel units, the spacing in the order (x, y, z), the z factor
left out, ...) by computing what each mistake would have given, and say which
one it looks like. They never raise and never show the expected values.
"""

import functools

import numpy as np

import cellseg
from .feedback import Feedback, _NOT_ANSWERED, is_placeholder, never_raises, number_problem, scalar, too_long

__all__ = ["EXERCISE_STACK", "check_volumes", "check_surface_areas", "check_voxel_factor"]

#: The exercise's stack: ``cellseg.make_volume(**EXERCISE_STACK)``.
EXERCISE_STACK = {
    "shape": (28, 112, 112),
    "spacing": (1.5, 0.3, 0.3),
    "n_cells": 4,
    "radius": (3.5, 5.0),
    "height": (3.0, 4.0),
    "seed": 2031,
}

VOLUME_TOLERANCE = 0.005  #: relative; a volume is a voxel count, so it is exact
AREA_TOLERANCE = 0.03  #: relative; leaves room for a different smoothing width


@functools.lru_cache(maxsize=1)
def _scene():
    return cellseg.make_volume(**EXERCISE_STACK)


@functools.lru_cache(maxsize=None)
def _table(spacing, method="smooth"):
    return cellseg.measure_objects(_scene().labels, spacing=spacing, method=method)


def _per_nucleus(answer, what, unit):
    """``(values, None)`` for one finite number per nucleus, else ``(None, Feedback)``."""
    n = int(_scene().labels.max())
    if is_placeholder(answer):
        return None, Feedback(None, _NOT_ANSWERED)
    want = f"{what} should be {n} numbers, one per nucleus in label order (1 to {n}), in {unit}"
    if isinstance(answer, (str, bytes, dict, set)):
        return None, Feedback(False, f"{want}; it is a {type(answer).__name__}.")
    if too_long(answer):
        return None, Feedback(False, f"{want}; it has {len(answer):,} values.")
    try:
        raw = np.asarray(answer)
    except (TypeError, ValueError, OverflowError) as error:
        return None, Feedback(False, f"{want}; NumPy cannot read it as an array ({error}).")
    if raw.dtype.kind not in "iuf":
        kind = "True/False values" if raw.dtype.kind == "b" else f"values of type {raw.dtype}"
        return None, Feedback(False, f"{want}; it holds {kind}.")
    if raw.ndim == 0:
        return None, Feedback(False, f"{want}, not a single number (a total or one nucleus).")
    if raw.shape != (n,):
        return None, Feedback(False, f"{want}; it has shape {raw.shape}.")
    values = raw.astype(float)
    if not np.isfinite(values).all():
        return None, Feedback(False, f"{what} contains NaN or infinite values; every {unit[:-1]} "
                                     "value must be a finite number.")
    if (values <= 0).any():
        return None, Feedback(False, f"{what} contains zero or negative values; a nucleus has a "
                                     f"positive size in {unit}.")
    return values, None


def _close(values, expected, tolerance):
    return bool(np.all(np.abs(values / expected - 1) <= tolerance))


def _diagnose(values, expected, mistakes, tolerance, what):
    """Feedback for an answer of the right form: right, a known mistake, or wrong."""
    if _close(values, expected, tolerance):
        return Feedback(True, f"{what}: all {len(values)} values are right.")
    if _close(np.sort(values), np.sort(expected), tolerance):
        return Feedback(False, f"{what} has the right values in the wrong order: give them in "
                               "label order, nucleus 1 first.")
    for wrong, message in mistakes:
        if _close(values, wrong, tolerance):
            return Feedback(False, message)
    dz, dy, dx = EXERCISE_STACK["spacing"]
    return Feedback(False, f"{what}: not right. Use the labels of the stack and its voxel size, "
                           f"spacing = ({dz:g}, {dy:g}, {dx:g}) µm (z, y, x), with the functions "
                           "of cellseg.measure.")


@never_raises("Pass one volume in µm³ per nucleus, in label order: check_volumes(volumes).")
def check_volumes(answer):
    """Check the volumes (µm³) of the exercise's nuclei, one per label in label order.

    Examples
    --------
    >>> import cellseg
    >>> scene = cellseg.make_volume(**EXERCISE_STACK)
    >>> bool(check_volumes(cellseg.measure_objects(scene.labels, spacing=scene.spacing)["volume"]))
    True
    >>> check_volumes(...).correct is None
    True
    """
    values, feedback = _per_nucleus(answer, "Your volumes", "µm³")
    if feedback is not None:
        return feedback
    spacing = EXERCISE_STACK["spacing"]
    dz, dy, dx = spacing
    expected = _table(spacing)["volume"]
    voxels = _table((1.0, 1.0, 1.0))["volume"]
    mistakes = [
        (voxels, "These are voxel counts, a volume in 'voxels'. A voxel here is not 1 µm³: "
                 "multiply by the volume of one voxel, or pass spacing= to cellseg.volume."),
        (voxels * dx**3, "These volumes treat every voxel as a cube of the in-plane pixel size: "
                         "the voxels are deeper along z than they are wide. Use all three sizes."),
        (voxels * dz**3, "These volumes treat every voxel as a cube of the slice spacing: the voxels "
                         "are narrower across than they are deep. Use all three sizes."),
        (voxels * dy * dx, "These volumes leave out the z factor: a voxel's volume is dz x dy x dx, "
                           "not only its area in the plane."),
        (voxels * dz, "These volumes use only the slice spacing: a voxel's volume is dz x dy x dx."),
    ]
    return _diagnose(values, expected, mistakes, VOLUME_TOLERANCE, "Your volumes")


@never_raises("Pass one surface area in µm² per nucleus, in label order: check_surface_areas(areas).")
def check_surface_areas(answer):
    """Check the surface areas (µm²) of the exercise's nuclei, one per label in label order.

    Right means within 3 % of ``cellseg.measure_objects(labels, spacing=...)``.

    Examples
    --------
    >>> import cellseg
    >>> scene = cellseg.make_volume(**EXERCISE_STACK)
    >>> table = cellseg.measure_objects(scene.labels, spacing=scene.spacing)
    >>> bool(check_surface_areas(table["surface_area"]))
    True
    >>> bool(check_surface_areas(table["volume"]))
    False
    """
    values, feedback = _per_nucleus(answer, "Your surface areas", "µm²")
    if feedback is not None:
        return feedback
    spacing = EXERCISE_STACK["spacing"]
    dz, dy, dx = spacing
    expected = _table(spacing)["surface_area"]
    voxel_units = _table((1.0, 1.0, 1.0))["surface_area"]
    mistakes = [
        (_table(spacing, "binary")["surface_area"],
         "These areas come from marching cubes on the bare voxel mask (method='binary'), which "
         "follows the voxel staircase and comes out too large. Use the default method of "
         "cellseg.surface_area, which smooths the mask first."),
        (voxel_units, "These areas are in 'voxel faces': pass the voxel size, spacing=(dz, dy, dx), "
                      "to the measurement."),
        (voxel_units * dx**2, "These areas were measured in voxel units and then multiplied by the "
                              "pixel area (or with cubic voxels of the pixel size). That is right only "
                              "for faces that look along z; pass the spacing, (dz, dy, dx), to the "
                              "measurement instead of converting afterwards."),
        (_table(tuple(spacing[::-1]))["surface_area"],
         "The spacing is in the order (x, y, z): cellseg, like NumPy, puts z first, "
         f"spacing = (dz, dy, dx) = ({dz:g}, {dy:g}, {dx:g}) µm."),
        (_table((1.0, dy, dx))["surface_area"],
         "The slice spacing is missing: these areas use 1 for dz. Pass all three voxel sizes."),
    ]
    return _diagnose(values, expected, mistakes, AREA_TOLERANCE, "Your surface areas")


@never_raises("Pass one number: check_voxel_factor(factor).")
def check_voxel_factor(answer):
    """Check how many times larger a volume in 'voxels' is than the same volume in µm³.

    Examples
    --------
    >>> bool(check_voxel_factor(1 / (1.5 * 0.3 * 0.3)))
    True
    >>> check_voxel_factor(1.5 * 0.3 * 0.3).correct
    False
    """
    problem = number_problem(answer, "your factor")
    if problem is not None:
        return problem
    voxel_volume = float(np.prod(EXERCISE_STACK["spacing"]))
    expected = float(np.mean(_table((1.0, 1.0, 1.0))["volume"] / _table(EXERCISE_STACK["spacing"])["volume"]))
    value = float(scalar(answer))
    if abs(value / expected - 1) <= 0.01:
        return Feedback(True, f"A volume in 'voxels' is {value:.3g} times the volume in µm³ here: "
                              "the same for every nucleus, and different on every microscope.")
    if abs(value / voxel_volume - 1) <= 0.01:
        return Feedback(False, "That is the volume of one voxel. The voxel count is the larger "
                               "number here, since a voxel is smaller than 1 µm³: invert it.")
    if abs(value - expected) > 0.01 * expected and round(expected) == value:
        return Feedback(False, f"{value:g} is the factor rounded to a whole number; it lies within 0.5 of the "
                               "right value, but the check needs it within 1 %: give it unrounded.")
    return Feedback(False, "Divide a nucleus's volume in voxels by its volume in µm³; "
                           "the ratio depends only on the voxel size.")
