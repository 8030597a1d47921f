"""Checkers for the exercises of the lessons "Images, masks and label images" and
"Check the image before you segment".

- Bit depth: :func:`check_label_dtype` (the smallest unsigned type for ``n``
  objects) and :func:`check_label_capacity` (how many objects a type holds).
- Exposure: :func:`exposure_batch` makes a small batch of camera images, some
  clipped, some under-exposed; :func:`check_clipped` and
  :func:`check_underexposed` compare the learner's flags with how the images
  were made.
"""

import numbers

import numpy as np

from cellseg import labels as _labels
from cellseg.acquisition import acquire, full_scale
from cellseg.image_qc import MIN_RANGE
from cellseg.synthetic import MIN_SEPARATION, NOISE_SCALE, SEED, place_cells, render_cells
from .feedback import Feedback, _NOT_ANSWERED, check_number, is_placeholder

__all__ = [
    "check_label_dtype",
    "check_label_capacity",
    "exposure_batch",
    "exposure_truth",
    "check_clipped",
    "check_underexposed",
]


# ---------------------------------------------------------------- bit depth


def _as_dtype(answer):
    """The learner's answer as a NumPy dtype (bits 8/16/32/64 mean unsigned), or None."""
    if isinstance(answer, (bool, np.bool_)):
        return None
    if isinstance(answer, numbers.Integral):
        bits = int(answer)
        return np.dtype(f"uint{bits}") if bits in (8, 16, 32, 64) else None
    try:
        dt = np.dtype(answer)
    except (TypeError, ValueError):
        return None
    return dt if np.issubdtype(dt, np.integer) else None


def check_label_dtype(answer, n_objects):
    """Check the smallest unsigned integer type for a label image of ``n_objects`` objects.

    ``answer`` may be a type (``np.uint16``), its name (``"uint16"``) or its
    number of bits (``16``).

    Examples
    --------
    >>> bool(check_label_dtype(np.uint8, 100)), bool(check_label_dtype("uint8", 1000))
    (True, False)
    >>> check_label_dtype(..., 100).correct is None
    True
    """
    if is_placeholder(answer):
        return Feedback(None, _NOT_ANSWERED)
    expected = _labels.smallest_label_dtype(n_objects)
    dt = _as_dtype(answer)
    if dt is None:
        return Feedback(
            False,
            f"{answer!r} is not an integer type. Answer with a type such as np.uint16, "
            "its name 'uint16' or its number of bits, 16.",
        )
    capacity = _labels.label_capacity(dt)
    if dt == expected:
        return Feedback(
            True,
            f"{dt} holds labels up to {capacity}, enough for {n_objects} objects, and no "
            "smaller unsigned type does.",
        )
    if capacity < n_objects:
        return Feedback(
            False,
            f"{dt} holds labels only up to {capacity}: objects beyond that would wrap around "
            "and share ids with others. Take a larger type.",
        )
    if dt.kind == "i":
        return Feedback(
            False,
            f"{dt} works, but it is signed: half of its values are negative numbers that a "
            "label image never uses. Which unsigned type is the smallest that fits?",
        )
    return Feedback(
        False,
        f"{dt} works, but it is not the smallest: labels 0..{n_objects} fit in a type with "
        "fewer bits, which takes less memory and disk space.",
    )


def check_label_capacity(answer, dtype):
    """Check the largest number of objects a label image of type ``dtype`` can hold.

    Examples
    --------
    >>> bool(check_label_capacity(255, np.uint8)), bool(check_label_capacity(256, np.uint8))
    (True, False)
    """
    if is_placeholder(answer):
        return Feedback(None, _NOT_ANSWERED)
    dt = np.dtype(dtype)
    expected = _labels.label_capacity(dt)
    hint = (
        "One value, 0, is the background, so count the values of the type and subtract one."
        if isinstance(answer, numbers.Real) and answer == expected + 1
        else f"A {dt.itemsize * 8}-bit unsigned type holds the values 0 .. 2**bits - 1; "
        "0 is the background."
    )
    return check_number(answer, expected, rel_tol=0, what=f"the number of objects {dt} holds", hint=hint)


# ---------------------------------------------------------------- exposure batch

BATCH_BIT_DEPTH = 12  #: the batch comes from a 12-bit camera (stored as uint16)
BATCH_OFFSET = 100  #: camera offset of the batch, in counts
BATCH_BACKGROUND = 0.6  #: background light of the scenes, model units (4 noise sd above 0)
# How far the noise-free brightest pixel reaches into the range above the offset:
# above 1 it is clipped; a few per cent is an under-exposure.
_FILLS = (0.6, 1.8, 0.45, 0.06, 0.7, 0.12, 1.2, 0.35)


def _batch_parameters(seed):
    """Noise-free scenes and exposures of the batch (shared by the images and the truth)."""
    rng = np.random.default_rng(seed)
    top = full_scale(BATCH_BIT_DEPTH)
    scenes, exposures = [], []
    for fill in _FILLS:
        centers = place_cells(8, shape=128, min_separation=MIN_SEPARATION, rng=rng)
        signal = render_cells(centers, shape=128) + BATCH_BACKGROUND
        scenes.append(signal)
        exposures.append(fill * (top - BATCH_OFFSET) / signal.max())
    return scenes, exposures


def exposure_batch(seed=SEED):
    """Return the exercise's batch: a list of 12-bit camera images (``uint16`` arrays).

    Examples
    --------
    >>> images = exposure_batch()
    >>> len(images), images[0].dtype, images[0].shape
    (8, dtype('uint16'), (128, 128))
    """
    scenes, exposures = _batch_parameters(seed)
    return [
        acquire(
            s, e, bit_depth=BATCH_BIT_DEPTH, offset=BATCH_OFFSET, noise_scale=NOISE_SCALE, seed=seed + i
        )
        for i, (s, e) in enumerate(zip(scenes, exposures))
    ]


def exposure_truth(seed=SEED):
    """Return ``(clipped, underexposed)``: sorted lists of the indices, from how the batch was made.

    An image is *clipped* when its noise-free brightest pixel already lies above
    the camera's full scale, and *under-exposed* when its noise-free image spans
    less than ``MIN_RANGE`` of the range (the threshold of
    :func:`cellseg.image_qc.image_report`).
    """
    scenes, exposures = _batch_parameters(seed)
    top = full_scale(BATCH_BIT_DEPTH)
    peaks = [e * s.max() + BATCH_OFFSET for s, e in zip(scenes, exposures)]
    spans = [e * (s.max() - s.min()) for s, e in zip(scenes, exposures)]
    clipped = [i for i, p in enumerate(peaks) if p > top]
    under = [i for i, span in enumerate(spans) if span < MIN_RANGE * top]
    return clipped, under


def _as_indices(answer, n):
    """Indices from a list of indices or a list of n booleans; None if neither."""
    try:
        items = list(answer)
    except TypeError:
        return None
    if len(items) == n and items and all(isinstance(x, (bool, np.bool_)) for x in items):
        return sorted(i for i, x in enumerate(items) if x)
    if all(isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_)) for x in items):
        idx = sorted({int(x) for x in items})
        if all(0 <= i < n for i in idx):
            return idx
    return None


def _check_flags(answer, truth, n, what, hint):
    if is_placeholder(answer):
        return Feedback(None, _NOT_ANSWERED)
    flagged = _as_indices(answer, n)
    if flagged is None:
        return Feedback(
            False,
            f"give the {what} images as a list of their numbers 0..{n - 1}, e.g. [2, 5], "
            f"or as a list of {n} True/False values; got {answer!r}.",
        )
    missed = sorted(set(truth) - set(flagged))
    extra = sorted(set(flagged) - set(truth))
    if not missed and not extra:
        return Feedback(True, f"exactly the {what} images: {flagged}.")
    parts = []
    if missed:
        parts.append(f"you missed {len(missed)} {what} image(s)")
    if extra:
        parts.append(f"image(s) {extra} are not {what}")
    return Feedback(False, "; ".join(parts) + ". " + hint)


def check_clipped(answer, seed=SEED):
    """Check which images of :func:`exposure_batch` the learner flagged as clipped.

    Examples
    --------
    >>> clipped, _ = exposure_truth()
    >>> bool(check_clipped(clipped)), bool(check_clipped([]))
    (True, False)
    """
    clipped, _ = exposure_truth(seed)
    return _check_flags(
        answer,
        clipped,
        len(_FILLS),
        "clipped",
        f"A clipped image has a pile of pixels at the camera's largest value, "
        f"{full_scale(BATCH_BIT_DEPTH)} for a {BATCH_BIT_DEPTH}-bit camera (not the largest "
        "value of uint16).",
    )


def check_underexposed(answer, seed=SEED):
    """Check which images of :func:`exposure_batch` the learner flagged as under-exposed.

    Examples
    --------
    >>> _, under = exposure_truth()
    >>> bool(check_underexposed(under))
    True
    """
    _, under = exposure_truth(seed)
    return _check_flags(
        answer,
        under,
        len(_FILLS),
        "under-exposed",
        "An under-exposed image uses only a small part of the range 0.."
        f"{full_scale(BATCH_BIT_DEPTH)}: compare the span of its values with the full scale.",
    )
