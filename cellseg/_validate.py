"""Argument checks shared by every helper.

Each function either returns a cleaned-up version of its argument or raises a
``ValueError`` (``TypeError`` for a wrong kind of object) whose message says what
was wrong *and what to pass instead*. The helpers call these first, so a learner
who passes a colour image, a NaN threshold or a negative size finds out at once
instead of getting a silently wrong answer.
"""

import math
import numbers

import numpy as np


def image_2d(image, name="image"):
    """Return ``image`` as a 2-D float array, or raise a clear error.

    Booleans and integers are converted to float. NaN or infinite pixels are
    rejected because every filter would spread them over their neighbours.
    """
    return image_nd(image, name, ndim=2)


def image_nd(image, name="image", *, ndim, keep_float32=False):
    """Return ``image`` as an ``ndim``-D float array (float32 kept if asked), or raise a clear error."""
    arr = np.asarray(image)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise TypeError(
            f"{name} must be a numeric array, got dtype {arr.dtype}. "
            f"Pass a {ndim}-D NumPy array of intensities, e.g. skimage.io.imread(path)."
        )
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real-valued, got dtype {arr.dtype}.")
    if arr.ndim != ndim:
        axes = "(rows, cols)" if ndim == 2 else "(z, y, x)"
        hint = ""
        if ndim == 2 and arr.ndim == 3 and arr.shape[-1] in (3, 4):
            hint = (
                " It looks like an RGB(A) image: pass one channel, "
                f"e.g. {name}[..., 0], or skimage.color.rgb2gray({name})."
            )
        elif ndim == 2 and arr.ndim == 3:
            hint = f" For a stack, pass one plane at a time, e.g. {name}[0], or use cellseg.pipeline3d."
        elif ndim == 3 and arr.ndim == 2:
            hint = " For a single plane use the 2-D functions of cellseg.pipeline."
        raise ValueError(
            f"{name} must be a {ndim}-D array {axes}; got shape {arr.shape}.{hint}"
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); pass a non-empty image.")
    if not (keep_float32 and arr.dtype == np.float32):
        arr = arr.astype(float, copy=False)
    if not np.isfinite(arr).all():
        raise ValueError(
            f"{name} contains NaN or infinite values; replace them first, "
            f"e.g. np.nan_to_num({name})."
        )
    return arr


def real_number(value, name, *, minimum=None, strict=False, allow_none=False):
    """Return ``value`` as a float after checking it is a finite real number.

    ``minimum`` (with ``strict``) gives a lower bound: ``value >= minimum``, or
    ``value > minimum`` when ``strict`` is true.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__}).")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    if minimum is not None:
        if strict and not value > minimum:
            raise ValueError(f"{name} must be greater than {minimum:g}, got {value:g}.")
        if not strict and not value >= minimum:
            raise ValueError(f"{name} must be at least {minimum:g}, got {value:g}.")
    return value


def sigma(value, name="sigma", *, image=None):
    """A Gaussian width in pixels: finite and >= 0 (0 means no smoothing).

    With ``image``, also at most its largest side: a wider Gaussian flattens the
    image to about its mean, and its kernel (8 sigma wide) would take minutes.
    """
    value = real_number(value, name, minimum=0.0)
    if image is not None and value > max(np.shape(image)):
        raise ValueError(
            f"{name}={value:g} is wider than the image ({np.shape(image)}); a Gaussian that "
            "wide flattens it to its mean. Pass a width in pixels about the size of the "
            "detail to keep (1 to 3 against pixel noise, below the cell radius), or use "
            "image.mean() if the mean is what you want."
        )
    return value


def whole_number(value, name, *, minimum=0):
    """Return ``value`` as an ``int`` after checking it is a whole number >= minimum."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a whole number, got {value!r}.")
    if isinstance(value, numbers.Integral):
        value = int(value)
    elif isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
        value = int(value)
    else:
        raise TypeError(f"{name} must be a whole number, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return value


def same_shape(first, second, names, *, hint):
    """Raise a ``ValueError`` unless two arrays have the same shape.

    ``names`` are the two arguments' names and ``hint`` says what to pass instead.
    """
    if np.shape(first) != np.shape(second):
        raise ValueError(
            f"{names[0]} has shape {np.shape(first)} but {names[1]} has shape "
            f"{np.shape(second)}; {hint}."
        )


def flag(value, name):
    """Return ``value`` if it is a bool (Python or NumPy); raise a ``TypeError`` otherwise."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def iou_threshold(value, *, strict=False, name="threshold"):
    """An IoU threshold in [0, 1]; 0 only with ``strict`` (IoU > 0), else every pair would match."""
    value = real_number(value, name, minimum=0)
    if value > 1:
        raise ValueError(f"{name} is an IoU and must be between 0 and 1, got {value:g}.")
    if value == 0 and not strict:
        raise ValueError(
            f"{name}=0 would count every pair as a match, even objects that do not touch "
            "(IoU >= 0 always holds); pass strict=True to count any overlap (IoU > 0) as a "
            "match, or a threshold above 0."
        )
    return value


def choice(value, name, options):
    """Return ``value`` if it is one of the strings ``options``; raise a clear error otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}.")
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}.")
    return value
