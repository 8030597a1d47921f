"""Checks and small utilities for label images.

A *label image* is an integer array of the same shape as the image it
describes: 0 marks background and every other value is the identifier of one
object. The numbers themselves carry no meaning beyond "same number, same
object"; they need not be consecutive.

This module checks label images and stores them safely. What scikit-image and
NumPy already do is used, not rewritten: :func:`skimage.measure.label` numbers
connected components, :func:`skimage.segmentation.relabel_sequential` closes
gaps in the numbering and :func:`numpy.min_scalar_type` finds the smallest type
for a value. What is added here:

- :func:`check_label_image`: is this a valid label image?
- :func:`label_capacity` and :func:`smallest_label_dtype`: how many objects fit
  in a type, and which unsigned type is the smallest that holds ``n`` objects;
- :func:`cast_labels`: change the type of a label image, refusing to wrap
  around (``np.uint8(300)`` is 44, which silently merges objects);
- :func:`describe_labels`: number of objects, largest label, type and memory;
- :func:`save_labels` and :func:`load_labels`: a lossless TIFF round trip that
  keeps the dtype.
"""

import os

import numpy as np

from . import _validate

__all__ = [
    "check_label_image",
    "check_label_pair",
    "label_capacity",
    "smallest_label_dtype",
    "cast_labels",
    "describe_labels",
    "save_labels",
    "load_labels",
]


def check_label_image(labels, *, name="labels", ndim=None):
    """Check that ``labels`` is a valid label image and return it as an array.

    A valid label image has an integer dtype (or is boolean, which counts as a
    single object labelled 1) and no negative values. Floating-point arrays are
    rejected even when every value happens to be a whole number ("a float in
    disguise"): such arrays usually come from interpolation, resizing or a lossy
    file format, where label values can be blended into ids that belong to no
    object.

    Parameters
    ----------
    labels : array_like
        The candidate label image.
    name : str, optional
        Name used in error messages.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions (for example ``(2, 3)``). Any by default.

    Returns
    -------
    labels : ndarray
        The same data as an integer array (booleans become ``uint8``).

    Raises
    ------
    ValueError
        If the array is a float array, has negative values, has the wrong number
        of dimensions, or is empty.
    TypeError
        If the array is not numeric.

    Examples
    --------
    >>> import numpy as np
    >>> check_label_image(np.array([[0, 1], [2, 2]])).dtype.kind
    'i'
    >>> check_label_image(np.array([[0.0, 1.0]]))
    Traceback (most recent call last):
    ...
    ValueError: labels has floating-point dtype float64, but a label image must ... integer dtype ...
    """
    if labels is None or isinstance(labels, (str, bytes)):
        raise TypeError(
            f"{name} must be a label image (an integer array), got {labels!r}; pass e.g. "
            "the output of skimage.measure.label."
        )
    arr = _validate.array_like(labels, name, example="skimage.measure.label(mask)")
    if arr.dtype == bool:
        arr = arr.astype(np.uint8)
    if np.issubdtype(arr.dtype, np.floating):
        whole = arr.size > 0 and np.isfinite(arr).all() and np.array_equal(arr, np.round(arr))
        hint = (
            f" Its values are all whole numbers, so convert it with {name}.astype(np.int32)"
            " (and check why it was stored as a float)."
            if whole
            else " It has fractional values, so it is probably an intensity image or a "
            "label image that was resized or interpolated; labels must be integers."
        )
        raise ValueError(
            f"{name} has floating-point dtype {arr.dtype}, but a label image must have "
            f"an integer dtype (0 = background, 1, 2, ... = objects).{hint}"
        )
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{name} must be an integer array, got dtype {arr.dtype}. "
            "Pass a label image such as the output of skimage.measure.label."
        )
    if ndim is not None:
        allowed = _allowed_ndim(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}; got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); pass a non-empty label image.")
    if np.issubdtype(arr.dtype, np.signedinteger) and arr.min() < 0:
        raise ValueError(
            f"{name} has negative values (minimum {arr.min()}); label images use 0 for "
            "background and positive integers for objects."
        )
    if arr.ndim == 0:
        raise ValueError(
            f"{name} is a single number ({arr.item()}), not an image; pass a 2-D or 3-D array."
        )
    return arr


def _allowed_ndim(ndim):
    """``ndim`` (a whole number or a tuple of them, each >= 1) as a tuple of ints."""
    values = ndim if isinstance(ndim, (tuple, list)) else (ndim,)
    try:
        out = tuple(_validate.whole_number(d, "ndim", minimum=1) for d in values) or _no_ndim()
    except (TypeError, ValueError) as err:
        raise type(err)(
            f"ndim must be a whole number of dimensions >= 1 or a tuple of them (e.g. ndim=(2, 3)), "
            f"got {ndim!r}."
        ) from None
    if max(out) > 64:
        raise ValueError(f"ndim must be at most 64 (NumPy's limit), got {ndim!r}; pass e.g. ndim=(2, 3).")
    return out


def _no_ndim():
    raise ValueError("ndim is empty; pass a whole number of dimensions or a tuple of them, e.g. ndim=(2, 3).")


def check_label_pair(y_true, y_pred, *, ndim=(2, 3)):
    """Check a reference and a prediction: two label images of the same shape.

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Reference and predicted label images (see :func:`check_label_image`).
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.

    Returns
    -------
    y_true, y_pred : ndarray
        Both as integer arrays.

    Examples
    --------
    >>> a, b = check_label_pair([[0, 1]], [[2, 0]])
    >>> check_label_pair([[0, 1]], [[2, 0, 0]])
    Traceback (most recent call last):
    ...
    ValueError: y_true has shape (1, 2) but y_pred has shape (1, 3); ...
    """
    a = check_label_image(y_true, name="y_true", ndim=ndim)
    b = check_label_image(y_pred, name="y_pred", ndim=ndim)
    _validate.same_shape(
        a, b, ("y_true", "y_pred"),
        hint="pass the segmentation of exactly the field of view that the reference describes",
    )
    return a, b


def _integer_dtype(dtype, name="dtype"):
    """Return ``np.dtype(dtype)`` after checking it is an integer (or boolean) type."""
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"{name} must be a NumPy dtype such as np.uint16, got {dtype!r}.") from err
    if dt == np.dtype(bool):
        return dt
    if not np.issubdtype(dt, np.integer):
        raise ValueError(
            f"{name} must be an integer type (e.g. np.uint8, np.uint16, np.uint32) to hold "
            f"labels, got {dt}. Floating-point and other types are not label types."
        )
    return dt


def label_capacity(dtype):
    """Return the largest number of objects a label image of type ``dtype`` can hold.

    Labels are ``1, 2, ..., n`` with 0 for the background, so the capacity is
    the largest value of the type, ``np.iinfo(dtype).max`` (1 for booleans,
    which can only say "object" or "background"). Signed types lose half their
    range to negative numbers that a label image never uses.

    Parameters
    ----------
    dtype : numpy dtype or type
        An integer or boolean type, e.g. ``np.uint8``.

    Returns
    -------
    capacity : int

    Raises
    ------
    ValueError
        If ``dtype`` is not an integer or boolean type.

    Examples
    --------
    >>> label_capacity(np.uint8), label_capacity(np.int8), label_capacity(np.uint16)
    (255, 127, 65535)
    """
    dt = _integer_dtype(dtype)
    if dt == np.dtype(bool):
        return 1
    return int(np.iinfo(dt).max)


def smallest_label_dtype(n_labels):
    """Return the smallest unsigned integer type that can hold labels ``0 .. n_labels``.

    This is :func:`numpy.min_scalar_type` applied to the largest label, with a
    check that ``n_labels`` is a whole number >= 0.

    Parameters
    ----------
    n_labels : int
        The largest label to store (the number of objects when they are
        numbered ``1 .. n`` without gaps).

    Returns
    -------
    dtype : numpy.dtype
        ``uint8``, ``uint16``, ``uint32`` or ``uint64``.

    Raises
    ------
    ValueError
        If ``n_labels`` is negative or too large for ``uint64``.

    Examples
    --------
    >>> smallest_label_dtype(100), smallest_label_dtype(1000)
    (dtype('uint8'), dtype('uint16'))
    >>> smallest_label_dtype(label_capacity(np.uint8) + 1)
    dtype('uint16')
    """
    n_labels = _validate.whole_number(n_labels, "n_labels")
    largest = label_capacity(np.uint64)
    if n_labels > largest:
        raise ValueError(
            f"n_labels = {n_labels} does not fit in any integer type (uint64 holds up to "
            f"{largest}); split the data into smaller label images."
        )
    return np.dtype(np.min_scalar_type(n_labels))


def cast_labels(labels, *, dtype=None):
    """Convert a label image to another integer type without wrapping around.

    ``labels.astype(np.uint8)`` turns label 300 into 44 (300 - 256) without a
    word, so two objects can end up with the same id. This function checks
    first and raises instead.

    Parameters
    ----------
    labels : array_like of int
        A valid label image (see :func:`check_label_image`).
    dtype : numpy dtype, optional
        Target integer type. By default the smallest unsigned type that holds
        the largest label (:func:`smallest_label_dtype`).

    Returns
    -------
    converted : ndarray
        Same labels, new type (a new array).

    Raises
    ------
    ValueError
        If the largest label does not fit in ``dtype``, or ``dtype`` is not an
        integer type.

    Examples
    --------
    >>> lab = np.array([[0, 1], [300, 2]])
    >>> cast_labels(lab).dtype
    dtype('uint16')
    >>> cast_labels(lab, dtype=np.uint8)
    Traceback (most recent call last):
    ...
    ValueError: labels has labels up to 300, but uint8 holds at most 255: ...
    """
    arr = check_label_image(labels)
    largest = int(arr.max())
    if dtype is None:
        dt = smallest_label_dtype(largest)
    else:
        dt = _integer_dtype(dtype)
        capacity = label_capacity(dt)
        if largest > capacity:
            raise ValueError(
                f"labels has labels up to {largest}, but {dt} holds at most {capacity}: "
                f"the conversion would wrap around and merge objects. Use "
                f"{smallest_label_dtype(largest)} (or larger), or renumber first with "
                "skimage.segmentation.relabel_sequential if there are gaps."
            )
    return arr.astype(dt)


def describe_labels(labels):
    """Summarise a label image: how many objects, the largest label, type and memory.

    The number of objects is the number of distinct non-zero values; it equals
    the largest label only when the labels are ``1 .. n`` without gaps
    (``sequential``). Gaps appear when objects are removed or images are
    cropped; :func:`skimage.segmentation.relabel_sequential` closes them.

    Parameters
    ----------
    labels : array_like of int
        A valid label image (see :func:`check_label_image`).

    Returns
    -------
    summary : dict
        ``n_objects``, ``max_label``, ``sequential`` (bool), ``dtype`` (str),
        ``nbytes`` (memory of the array in bytes) and ``smallest_dtype`` (str,
        the smallest unsigned type that holds ``max_label``).

    Examples
    --------
    >>> lab = np.array([[0, 1, 1], [0, 0, 5], [7, 0, 5]], dtype=np.int64)
    >>> s = describe_labels(lab)
    >>> s["n_objects"], s["max_label"], s["sequential"], s["nbytes"], s["smallest_dtype"]
    (3, 7, False, 72, 'uint8')
    """
    arr = check_label_image(labels)
    values = np.unique(arr)
    n_objects = int(np.count_nonzero(values))
    max_label = int(values[-1])
    return {
        "n_objects": n_objects,
        "max_label": max_label,
        "sequential": n_objects == max_label,
        "dtype": str(arr.dtype),
        "nbytes": int(arr.nbytes),
        "smallest_dtype": str(smallest_label_dtype(max_label)),
    }


_TIFF_SUFFIXES = (".tif", ".tiff")


def _tiff_path(path):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name (str or pathlib.Path) ending in .tif, got {path!r}.")
    path = os.fspath(path)
    if not isinstance(path, str):
        raise TypeError(f"path must be a file name (str or pathlib.Path) ending in .tif, got {path!r}.")
    if not path.lower().endswith(_TIFF_SUFFIXES):
        raise ValueError(
            f"path must name a TIFF file: label images are saved as TIFF, which stores integers "
            f"of every size exactly; got {path!r}. Use a name ending in .tif (never .jpg: JPEG is lossy and "
            "blends neighbouring labels into ids that belong to no object)."
        )
    return path


def save_labels(path, labels, *, compact=False):
    """Save a label image to a TIFF file so that values and dtype survive.

    TIFF stores integer arrays of any size without loss (the data are
    compressed with zlib, which is lossless). Reading the file back with
    :func:`load_labels` gives the same array with the same dtype.

    Parameters
    ----------
    path : str or path-like
        File name ending in ``.tif`` or ``.tiff``.
    labels : array_like of int
        A valid label image (2-D, 3-D, ...).
    compact : bool, optional
        If true, first convert to the smallest unsigned type that holds the
        largest label (:func:`cast_labels`), to save space.

    Raises
    ------
    ValueError
        If ``labels`` is not a valid label image or ``path`` is not a TIFF name.

    Examples
    --------
    >>> import os, tempfile
    >>> lab = np.zeros((4, 5), dtype=np.uint16); lab[1:3, 1:4] = 1000
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "labels.tif")
    ...     save_labels(path, lab)
    ...     back = load_labels(path)
    >>> back.dtype, bool(np.array_equal(back, lab))
    (dtype('uint16'), True)
    """
    path = _tiff_path(path)
    arr = check_label_image(labels)
    if arr.ndim < 2:
        raise ValueError(f"labels must be an image (2-D or more) to be saved as TIFF, got shape {arr.shape}; "
                         "pass e.g. labels[None] for one row.")
    if _validate.boolean(compact, "compact"):
        arr = cast_labels(arr)
    import tifffile

    # photometric="minisblack": a stack of 3 or 4 planes is labels, not an RGB(A) picture.
    tifffile.imwrite(path, arr, photometric="minisblack", compression="zlib")


def load_labels(path, *, ndim=None):
    """Read a label image saved with :func:`save_labels` (or any integer TIFF).

    Parameters
    ----------
    path : str or path-like
        A ``.tif`` / ``.tiff`` file.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions, checked as in :func:`check_label_image`.

    Returns
    -------
    labels : ndarray
        The stored array, with its stored dtype.

    Raises
    ------
    ValueError
        If the file does not hold a valid label image (for example a float
        image).

    Examples
    --------
    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "cells.tif")
    ...     save_labels(path, np.array([[0, 1], [2, 2]], dtype=np.uint8))
    ...     labels = load_labels(path, ndim=2)
    >>> labels.dtype, labels.tolist()
    (dtype('uint8'), [[0, 1], [2, 2]])
    """
    path = _tiff_path(path)
    if ndim is not None:
        _allowed_ndim(ndim)
    import tifffile

    return check_label_image(tifffile.imread(path), name=os.path.basename(path), ndim=ndim)
