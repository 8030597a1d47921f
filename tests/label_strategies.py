"""Hypothesis strategies for label images of every integer dtype, ids up to the dtype's maximum."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]


@st.composite
def label_images(draw, shape=(4, 5), max_objects=4, background=None, dtype=None):
    """A label image of a random integer dtype whose ids reach the dtype's maximum.

    ``background``: True always has some 0 pixels possible, False none at all,
    None either. Ids are drawn from the whole range, the top of the range and 1..3.
    """
    dtype = np.dtype(draw(st.sampled_from(INT_DTYPES)) if dtype is None else dtype)
    top = int(np.iinfo(dtype).max)
    one_id = st.one_of(st.integers(1, top), st.integers(max(1, top - 3), top), st.integers(1, 3))
    ids = draw(st.lists(one_id, min_size=1, max_size=max_objects, unique=True))
    with_background = draw(st.booleans()) if background is None else background
    index = draw(arrays(np.intp, shape, elements=st.integers(0 if with_background else 1, len(ids))))
    return np.array([0] + ids, dtype=object).astype(dtype)[index]


def ranks(labels):
    """The same objects numbered 1, 2, ... in id order (0 stays 0): a small-id twin."""
    present, inverse = np.unique(labels, return_inverse=True)
    offset = 0 if present[0] == 0 else 1
    return (inverse.reshape(labels.shape) + offset).astype(np.int64)
