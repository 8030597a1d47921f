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
    """Return ``image`` as a float array of ``ndim`` dimensions, or raise a clear error.

    ``ndim`` is one number or a tuple of the allowed numbers of dimensions (the N-D
    helpers take ``(2, 3)``). float32 is kept when ``keep_float32`` (half the memory of
    a large stack); everything else becomes float64.
    """
    arr = np.asarray(image)
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise TypeError(
            f"{name} must be a numeric array, got dtype {arr.dtype}. "
            f"Pass a {_dims(allowed)} NumPy array of intensities, e.g. "
            "cellseg.read_image(path) or skimage.io.imread(path)."
        )
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real-valued, got dtype {arr.dtype}.")
    if 2 in allowed and arr.ndim == 3 and arr.shape[-1] in (3, 4) and arr.shape[-1] < min(arr.shape[:2]):
        # (rows, cols, 3) is a colour image, not a stack of planes 3 pixels wide.
        raise ValueError(
            f"{name} has shape {arr.shape}: it looks like an RGB(A) image (rows, cols, "
            f"channels). Pass one channel, e.g. {name}[..., 0], or "
            f"skimage.color.rgb2gray({name}); a z-stack has z first: (z, y, x)."
        )
    if arr.ndim not in allowed:
        hint = ""
        if arr.ndim == max(allowed) + 1 and arr.shape[-1] in (3, 4):
            hint = (
                " It looks like an RGB(A) image: pass one channel, "
                f"e.g. {name}[..., 0], or skimage.color.rgb2gray({name})."
            )
        elif 2 in allowed and arr.ndim == 3:
            hint = f" For a stack, pass one plane at a time, e.g. {name}[0]."
        elif arr.ndim > max(allowed):
            hint = f" Pass one channel or time point at a time, e.g. {name}[0]."
        raise ValueError(
            f"{name} must be a {_dims(allowed)} array; got shape {arr.shape}.{hint}"
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


def _dims(allowed):
    names = {2: "2-D (rows, cols)", 3: "3-D (z, y, x)"}
    return " or ".join(names.get(n, f"{n}-D") for n in allowed)


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


def spacing(value, ndim, *, name="spacing", required=False):
    """The physical size of a pixel (voxel) along each axis, as a float array of ``ndim``.

    One rule for every function that takes ``spacing``: a single number (the same
    size along every axis) or one number per axis, first axis first (``(dz, dy, dx)``
    in micrometres for a stack), each finite and greater than 0. ``None`` means
    pixel units and is returned as ``None``, unless ``required``.
    """
    example = "(2.0, 0.5, 0.5)" if ndim == 3 else str(tuple([0.5] * ndim))
    if value is None:
        if not required:
            return None
        raise TypeError(
            f"{name} is required: pass the pixel (voxel) size in micrometres, one value "
            f"per axis (z first), e.g. {name}={example}."
        )
    if isinstance(value, (bool, np.bool_)) or isinstance(value, numbers.Real):
        values = [value] * ndim
    elif isinstance(value, (str, bytes, dict, set)) or np.ndim(value) != 1:
        raise TypeError(
            f"{name} must be one number or one per axis (z first), e.g. {name}={example}; "
            f"got {value!r}."
        )
    else:
        values = list(value)
    if len(values) != ndim:
        raise ValueError(
            f"{name} has {len(values)} values but the array has {ndim} axes; pass one "
            f"size per axis, z first, e.g. {name}={example}, or one number for all."
        )
    for item in values:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Real):
            raise TypeError(f"{name} must contain numbers (micrometres), got {item!r}.")
    arr = np.asarray(values, dtype=float)
    if not np.isfinite(arr).all() or (arr <= 0).any():
        raise ValueError(
            f"every value of {name} must be a finite number greater than 0, got "
            f"{tuple(arr.tolist())}."
        )
    return arr


def widths(value, name, *, ndim, strict=False):
    """Gaussian widths (or semi-axes): one number for every axis, or one per axis.

    Returns a float array of length ``ndim``; each value finite and >= 0 (> 0 with
    ``strict``).
    """
    if isinstance(value, (bool, np.bool_)) or isinstance(value, numbers.Real):
        values = [value] * ndim
    elif isinstance(value, (str, bytes, dict, set)) or np.ndim(value) != 1:
        raise TypeError(
            f"{name} must be one number or one per axis ({ndim}, first axis first), "
            f"got {value!r}."
        )
    else:
        values = list(value)
    if len(values) != ndim:
        raise ValueError(
            f"{name} must be one number or one per axis ({ndim}, first axis first), "
            f"got {len(values)} values: {value!r}."
        )
    for item in values:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Real):
            raise TypeError(f"{name} must contain numbers, got {item!r}.")
    arr = np.asarray(values, dtype=float)
    op = "> 0" if strict else ">= 0"
    if not np.isfinite(arr).all() or (arr < 0).any() or (strict and (arr == 0).any()):
        raise ValueError(f"every value of {name} must be finite and {op}, got {value!r}.")
    return arr


def image(value, name="image"):
    """A 2-D image or a 3-D stack of intensities as float (float32 kept), or a clear error."""
    return image_nd(value, name, ndim=(2, 3), keep_float32=True)


def finite_array(value, name):
    """A real array (or number) with no NaN or infinity, as float."""
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}.")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a number or a rectangular array of numbers, got {value!r}."
        ) from None
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity).")
    return arr


#: most elements an array made by a helper may have (2**28: 2 GiB of float64).
MAX_ELEMENTS = 2**28


def pixel_budget(shape, name="shape", *, limit=MAX_ELEMENTS):
    """Refuse, before anything is allocated, an output of more than ``limit`` elements."""
    total = math.prod(int(n) for n in shape)
    if total > limit:
        raise ValueError(
            f"{name} {tuple(shape)} has {total:.3g} pixels, more than this helper makes "
            f"({limit:.3g}, about {limit * 8 / 2**30:.0f} GiB of float64); pass a smaller "
            f"{name}, or work on tiles (see the lesson on whole experiments)."
        )
    return shape


def rng(seed, name="seed"):
    """A NumPy random generator from a seed: a whole number >= 0, or a Generator to reuse.

    Booleans, floats, strings and negative numbers are refused with the course's own
    message (NumPy would raise its own, or silently accept some of them).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{name} must be a whole number >= 0 (or a numpy.random.Generator), got "
            f"{seed!r}; e.g. {name}=0. The same seed always gives the same result."
        )
    if seed < 0:
        raise ValueError(f"{name} must be >= 0, got {seed}; e.g. {name}=0.")
    return np.random.default_rng(int(seed))


def choice(value, name, options):
    """Return ``value`` if it is one of the strings ``options``; raise a clear error otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}.")
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}.")
    return value
