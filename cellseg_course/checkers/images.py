"""Checkers for the exercises of the lessons "Images, masks and label images" and
"Check the image before you segment".

- Bit depth: :func:`check_label_dtype` (the smallest unsigned type for ``n``
  objects) and :func:`check_label_capacity` (how many objects a type holds).
- Exposure: :func:`exposure_batch` makes a small batch of camera images, some
  clipped, some under-exposed; :func:`check_clipped` and
  :func:`check_underexposed` compare the learner's flags with how the images
  were made.
"""

import math
import numbers
import re

import numpy as np

from cellseg import labels as _labels
from cellseg.acquisition import acquire, full_scale
from cellseg.image_qc import MIN_RANGE
from cellseg.synthetic import MIN_SEPARATION, NOISE_SCALE, SEED, place_cells, render_cells
from .feedback import (Feedback, _NOT_ANSWERED, _short, check_number, is_placeholder, ndim, never_raises, scalar,
                       too_long)

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
    answer = scalar(answer)
    if isinstance(answer, (bool, np.bool_)):
        return None
    if isinstance(answer, str) and answer.strip().isdecimal():  # not isdigit: int("²") fails
        answer = int(answer)
    if isinstance(answer, numbers.Integral) or (isinstance(answer, numbers.Real) and math.isfinite(answer)
                                                 and float(answer).is_integer()):
        bits = int(answer)
        return np.dtype(f"uint{bits}") if bits in (8, 16, 32, 64) else None
    try:
        dt = np.dtype(answer)
    except Exception:  # noqa: BLE001 - NumPy raises several kinds of errors for non-types
        return None
    return dt if np.issubdtype(dt, np.integer) else None


_DTYPE_USAGE = "Answer with a type such as np.uint8, its name 'uint8' or its number of bits, 8."


@never_raises(_DTYPE_USAGE)
def check_label_dtype(answer, n_objects):
    """Check the smallest unsigned integer type for a label image of ``n_objects`` objects.

    ``answer`` may be a type (``np.uint8``), its name (``"uint8"``) or its
    number of bits (``8``); the byte order does not matter.

    Examples
    --------
    >>> bool(check_label_dtype(np.uint64, 5_000_000_000))
    True
    >>> check_label_dtype("int64", 5_000_000_000).correct
    False
    >>> check_label_dtype(..., 5_000_000_000).correct is None
    True
    """
    if is_placeholder(answer):
        return Feedback(None, _NOT_ANSWERED)
    expected = _labels.smallest_label_dtype(n_objects)
    dt = _as_dtype(answer)
    note = ""
    if dt is None:
        dt, note = _spelling(answer)
    if dt is None:
        if isinstance(answer, numbers.Real) and not isinstance(answer, bool):
            return Feedback(False, f"{_short(answer)} bits is not a type: NumPy's integer types have 8, 16, 32 "
                            "or 64 bits.")
        kind = "a floating-point type: a label is a whole number" if _is_float_type(answer) else "not an integer type"
        return Feedback(False, f"{_short(answer)} is {kind}. {_DTYPE_USAGE}")
    feedback = _judge_dtype(dt, expected, n_objects)
    if note:
        feedback.message = f"{feedback.message} ({note})"
    return feedback


def _judge_dtype(dt, expected, n_objects):
    capacity = _labels.label_capacity(dt)
    if dt.kind == expected.kind and dt.itemsize == expected.itemsize:
        return Feedback(
            True,
            f"{dt.name} holds labels up to {capacity:,}, enough for {n_objects:,} objects, and no "
            "smaller unsigned type does.",
        )
    if capacity < n_objects:
        return Feedback(
            False,
            f"{dt.name} holds labels only up to {capacity:,}: objects beyond that would wrap around "
            "and share ids with others. Take a larger type.",
        )
    if dt.kind == "i":
        return Feedback(
            False,
            f"{dt.name} works, but it is signed: half of its values are negative numbers that a "
            "label image never uses. Which unsigned type is the smallest that fits?",
        )
    return Feedback(
        False,
        f"{dt.name} works, but it is not the smallest: labels 0..{n_objects:,} fit in a type with "
        "fewer bits, which takes less memory and disk space.",
    )


_PREFIX = re.compile(r"^(?:np|numpy)\.", re.IGNORECASE)


def _spelling(answer):
    """``(dtype, note)`` for an integer type written in a way NumPy does not read, else ``(None, "")``.

    Covers a value instead of a type (``np.uint8(100)``), text with the module prefix
    (``'np.uint8'``), other capitals (``'UInt8'``, pandas' spelling) or spaces (``'uint8 '``).
    The note says how NumPy spells it; the type itself is judged as usual.
    """
    if isinstance(answer, np.generic) and not isinstance(answer, np.bool_):
        if not np.issubdtype(answer.dtype, np.integer):
            return None, ""
        return answer.dtype, (f"you wrote a value, np.{answer.dtype.name}({answer.item()}), not the type: "
                              f"the type is np.{answer.dtype.name}, without brackets.")
    if not isinstance(answer, str) or len(answer) > 40:
        return None, ""
    name = _PREFIX.sub("", answer.strip().strip("'\"").strip()).lower()
    try:
        dt = np.dtype(name)
    except Exception:  # noqa: BLE001 - NumPy raises several kinds of errors for non-types
        return None, ""
    if not np.issubdtype(dt, np.integer) or name != dt.name:  # 'int' or 'uint' depend on the platform
        return None, ""
    if _PREFIX.match(answer.strip()):
        why = f"the text {answer!r} is no type name for NumPy"
    elif answer != answer.strip():
        why = f"the text {answer!r} has spaces around the name"
    else:
        why = f"NumPy writes its type names in lower case, not {answer!r}"
    return dt, f"{why}: write np.{dt.name} without quotes, or the text {dt.name!r}."


def _is_float_type(answer):
    if isinstance(answer, str):
        answer = _PREFIX.sub("", answer.strip()).lower()
    try:
        return np.issubdtype(np.dtype(answer), np.floating)
    except Exception:  # noqa: BLE001
        return False


@never_raises("Pass a number of objects, for example check_label_capacity(100, np.uint32).")
def check_label_capacity(answer, dtype):
    """Check the largest number of objects a label image of type ``dtype`` can hold.

    Examples
    --------
    >>> check_label_capacity(8, np.uint8).message
    'the number of objects uint8 holds = 8 is not right: 8 is the number of bits; how many values do 8 bits make,
    and which one is the background?'
    >>> check_label_capacity(..., np.uint8).correct is None
    True
    """
    if is_placeholder(answer):
        return Feedback(None, _NOT_ANSWERED)
    dt = np.dtype(dtype)
    bits = dt.itemsize * 8
    expected = _labels.label_capacity(dt)
    slips = [
        (expected + 1, "one value, 0, is the background, so count the values of the type and subtract one."),
        (bits, f"{bits} is the number of bits; how many values do {bits} bits make, and which one is the background?"),
        (2 ** (bits - 1) - 1, f"that is the largest value of the signed int{bits}; {dt.name} has no negative "
         "values, so all of its values are available."),
        (2 ** (bits - 1), f"{bits} bits make 2**{bits} values, not 2**{bits - 1}."),
    ]
    return check_number(
        answer, expected, rel_tol=0, what=f"the number of objects {dt.name} holds", slips=slips,
        hint=f"A {bits}-bit unsigned type holds the values 0 .. 2**bits - 1; 0 is the background.",
    )


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
        centers = place_cells(8, shape=128, min_separation=MIN_SEPARATION, seed=rng)
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
    if isinstance(answer, (str, bytes, dict)) or ndim(answer) == 0 or too_long(answer, 10 * n):
        return None
    try:
        items = list(np.ravel(answer)) if isinstance(answer, np.ndarray) else list(answer)
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
    if too_long(answer):
        return Feedback(False, f"that is a very long sequence; give a short list of image numbers 0..{n - 1}.")
    answer = scalar(answer) if isinstance(answer, np.ndarray) and answer.ndim == 0 else answer
    if isinstance(answer, numbers.Integral) and not isinstance(answer, bool) and 0 <= answer < n:
        return Feedback(False, f"give a list, even for one image: [{answer}] (or [] for none).")
    flagged = _as_indices(answer, n)
    if flagged is None:
        outside = _outside(answer, n)
        if outside:
            return Feedback(False, f"the images are numbered 0..{n - 1}; there is no image {outside[0]}.")
        return Feedback(
            False,
            f"give the {what} images as a list of their numbers 0..{n - 1}, e.g. {_FLAGS_EXAMPLE}, "
            f"or as a list of {n} True/False values; got {_short(answer)}.",
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


def _outside(answer, n):
    if ndim(answer) == 0 or isinstance(answer, (str, bytes, dict)):
        return []
    try:
        return [int(x) for x in answer if isinstance(x, numbers.Integral) and not 0 <= x < n]
    except TypeError:
        return []


_FLAGS_EXAMPLE = [2, 4]  #: the format shown to a learner: a list that is neither answer
_FLAGS_USAGE = f"Give a list of image numbers, for example {_FLAGS_EXAMPLE}, or [] for none."


@never_raises(_FLAGS_USAGE)
def check_clipped(answer, seed=SEED):
    """Check which images of :func:`exposure_batch` the learner flagged as clipped.

    Examples
    --------
    >>> check_clipped("2, 4").message
    "give the clipped images as a list of their numbers 0..7, e.g. [2, 4], or as a list of 8 True/False values;
    got '2, 4'."
    >>> check_clipped(...).correct is None
    True
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


@never_raises(_FLAGS_USAGE)
def check_underexposed(answer, seed=SEED):
    """Check which images of :func:`exposure_batch` the learner flagged as under-exposed.

    Examples
    --------
    >>> check_underexposed([9]).message
    'the images are numbered 0..7; there is no image 9.'

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
