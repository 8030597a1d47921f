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
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if isinstance(image, (str, bytes, dict, set)) or image is None:
        raise TypeError(
            f"{name} must be a {_dims(allowed)} NumPy array of intensities, got {image!r}; pass "
            "an image such as cellseg.read_image(path) or skimage.io.imread(path)."
        )
    arr = array_like(image, name, example=f"{name}=np.zeros((64, 64))")
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


def iou_threshold(value, *, strict=False, name="iou_threshold"):
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


def _sequence(value):
    """A flat list, tuple or 1-D array (its items are checked one by one afterwards)."""
    if isinstance(value, np.ndarray):
        return value.ndim == 1
    return isinstance(value, (list, tuple))


def _per_axis(value, name, ndim, *, unit, example):
    """One real number per axis, as a float array: from one number (for every axis) or a sequence.

    The shared parsing of :func:`spacing` and :func:`widths`; their ranges are theirs to check.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or isinstance(value, numbers.Real):
        values = [value] * ndim
    elif not _sequence(value):
        raise TypeError(
            f"{name} must be one number or one per axis (z first), e.g. {example}; got {value!r}."
        )
    else:
        values = list(value)
    if len(values) != ndim:
        raise ValueError(
            f"{name} has {len(values)} values but the array has {ndim} axes; pass one "
            f"value per axis, z first, e.g. {example}, or one number for all."
        )
    for item in values:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Real):
            raise TypeError(f"{name} must contain numbers{unit}, got {item!r}.")
    return np.asarray(values, dtype=float)


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
    arr = _per_axis(value, name, ndim, unit=" (micrometres)", example=f"{name}={example}")
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
    arr = _per_axis(value, name, ndim, unit="", example=f"{name}=" + str(tuple([1.0] * ndim)))
    op = "> 0" if strict else ">= 0"
    if not np.isfinite(arr).all() or (arr < 0).any() or (strict and (arr == 0).any()):
        raise ValueError(f"every value of {name} must be finite and {op}, got {value!r}.")
    return arr


def image(value, name="image"):
    """A 2-D image or a 3-D stack of intensities as float (float32 kept), or a clear error."""
    return image_nd(value, name, ndim=(2, 3), keep_float32=True)


def pixel_budget(shape, name="shape"):
    """Refuse, before anything is allocated, an image of ``shape`` over the output budget."""
    total = math.prod(int(n) for n in shape)
    output_size(total, what=f"an image of {name} {tuple(shape)} ({total:.3g} pixels)",
                hint=f"pass a smaller {name}, or work on tiles (see the lesson on whole experiments)")
    return shape


def rng(value, name="seed"):
    """A NumPy random generator: from a seed (:func:`seed`'s rule), or a Generator to reuse."""
    if isinstance(value, np.random.Generator):
        return value
    return np.random.default_rng(seed(value, name))


# --------------------------------------------------------------------------- shared rules, one per kind of value
# (seeds, booleans, IoU thresholds, array-like input, output sizes): every helper
# calls these, so one kind of value is judged by one rule everywhere.

#: Largest result (in bytes) a helper builds; anything bigger is refused before it is allocated.
OUTPUT_BUDGET = 2**30


def seed(value, name="seed"):
    """A random seed: a whole number >= 0 (Python or NumPy integer; not a bool, float or string).

    NumPy would take ``seed=-1`` or ``seed=[1, 2]`` with its own error or, for
    ``True`` and lists, silently; the course's images must be reproducible from
    one number, so only that is taken.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a whole number >= 0 (e.g. {name}=0), got {value!r} "
            f"({type(value).__name__}); the same seed gives the same random draws."
        )
    value = int(value)
    if value < 0:
        raise ValueError(f"{name} must be a whole number >= 0 (e.g. {name}=0), got {value}.")
    return value


def boolean(value, name):
    """``True`` or ``False`` (Python or NumPy bool) only: ``"False"`` is a truthy string, 1 a number."""
    if not isinstance(value, (bool, np.bool_)):
        hint = " (any non-empty string counts as true)" if isinstance(value, str) else ""
        raise TypeError(f"{name} must be True or False, got {value!r}{hint}; pass {name}=True or {name}=False.")
    return bool(value)


def _unwrap_0d(value):
    """A 0-d array or NumPy scalar as the Python number it holds (anything else unchanged)."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, np.generic) and not isinstance(value, np.bool_):
        value = value.item()
    return value


def iou_cutoff(value, *, strict=False, name="iou_threshold"):
    """One IoU threshold: a number or a 0-d array, in [0, 1] (0 only with ``strict``).

    The rule of every function that takes one IoU threshold, so that
    ``np.array(0.5)`` and ``0.5`` are the same everywhere.
    """
    if isinstance(value, str):
        raise TypeError(f"{name} must be a number between 0 and 1 (e.g. {name}=0.5), got the string {value!r}.")
    if isinstance(value, (list, tuple)):
        value = array_like(value, name, example=f"{name}=0.5")
    value = _unwrap_0d(value)
    if np.ndim(value) != 0:
        raise TypeError(
            f"{name} must be one number between 0 and 1 (e.g. {name}=0.5), got {value!r}; "
            "to score several thresholds, call once per threshold."
        )
    return iou_threshold(value, strict=strict, name=name)


def iou_cutoffs(values, *, strict=False, name="iou_thresholds", need_half=False):
    """A non-empty list of IoU thresholds (one number, a 0-d array or a 1-D sequence), each checked.

    With ``need_half``, 0.5 must be among them (F1 and panoptic quality are reported there).
    """
    if isinstance(values, (str, bytes)):
        raise TypeError(
            f"{name} must be numbers between 0 and 1 (e.g. {name}=[0.5, 0.75]), got the string {values!r}."
        )
    arr = array_like(values, name, example=f"{name}=[0.5, 0.75]")
    if arr.ndim > 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty list of IoU thresholds (e.g. {name}=[0.5, 0.75]), "
            f"got shape {arr.shape}."
        )
    out = [iou_cutoff(v, strict=strict, name=name) for v in arr.reshape(-1).tolist()]
    if need_half and not np.isclose(out, 0.5).any():
        raise ValueError(
            f"{name} must include 0.5: F1 and panoptic quality are reported at IoU 0.5 "
            f"(got {out}); pass e.g. cellseg.metrics.DSB_THRESHOLDS."
        )
    return out


def array_like(value, name, *, dtype=None, example=None):
    """``np.asarray(value)``, with the course's message when NumPy cannot make one array of it.

    Ragged nested lists (rows of different lengths), strings where numbers go
    and other shapes NumPy refuses get a ``ValueError`` that names the argument
    instead of NumPy's own wording.
    """
    try:
        return np.asarray(value, dtype=dtype)
    except (ValueError, TypeError, OverflowError):
        pass
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    raise ValueError(
        f"{name} must be one rectangular array of numbers (every row as long as the others), "
        f"got {text}; pass a NumPy array"
        + (f", e.g. {example}." if example else ", e.g. np.asarray(...) of a list of equal-length rows.")
    )


def output_size(n_elements, *, what, itemsize=8, hint, budget=None):
    """Refuse, before allocating, a result of ``n_elements`` items bigger than the budget.

    ``what`` names the result and ``hint`` says what to pass instead.
    """
    budget = OUTPUT_BUDGET if budget is None else budget
    nbytes = float(n_elements) * itemsize
    if nbytes > budget:
        raise ValueError(
            f"{what} would need {nbytes / 2**30:.3g} GiB, more than the {budget / 2**30:g} GiB "
            f"a helper may allocate; {hint}."
        )
    return int(n_elements)


def has_method(value, method, name, *, what):
    """Raise a ``TypeError`` unless ``value`` has a callable attribute ``method`` (e.g. an axes' ``legend``)."""
    if not callable(getattr(value, method, None)):
        raise TypeError(f"{name} must be {what}, got {value!r} ({type(value).__name__}).")
    return value


def real_array(value, name, *, example):
    """Real numbers as a float array (any shape): no strings, booleans, complex or ragged lists.

    ``example`` (e.g. ``"brightness=[1.0, 0.5]"``) is quoted in the message. Shapes and
    ranges are the caller's to check.
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be numbers, e.g. {example}; got {value!r}.")
    arr = array_like(value, name, example=example)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be real numbers (not {arr.dtype}), e.g. {example}; got {value!r}.")
    arr = arr.astype(float)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity), e.g. {example}.")
    return arr


def choice(value, name, options):
    """Return ``value`` if it is one of the strings ``options``; raise a clear error otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}.")
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}.")
    return value
