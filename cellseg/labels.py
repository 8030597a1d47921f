"""Checks and small utilities for label images.

A *label image* is an integer array of the same shape as the image it
describes: 0 marks background and every other value is the identifier of one
object. The numbers themselves carry no meaning beyond "same number, same
object"; they need not be consecutive.
"""

import numpy as np

__all__ = ["check_label_image"]


def check_label_image(labels, name="labels", *, ndim=None):
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
    arr = np.asarray(labels)
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
        allowed = (ndim,) if np.isscalar(ndim) else tuple(ndim)
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
    return arr
