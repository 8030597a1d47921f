"""Tie a notebook's numbers to the book's prose.

:func:`glue` stores a value under a name so that the lesson's text can quote it
with ``{glue:text}`name:.2f` ``; the book then can never disagree with its own
code. It is myst-nb's ``glue`` when myst-nb is installed (the course
environment); elsewhere (for example on Google Colab) it does nothing unless
asked to show the value.
"""

__all__ = ["glue"]


def glue(name, value, *, display=False):
    """Store ``value`` under ``name`` for the book's text; show it too when ``display``.

    NumPy scalars and 0-d arrays are stored as plain Python numbers, so that a
    format such as ``{glue:text}`name:.2f``` works on them (NumPy 2 would
    otherwise store the text ``np.float64(...)``).

    Examples
    --------
    >>> import numpy as np
    >>> glue("answer", np.int64(42))
    """
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()  # NumPy scalar or 0-d array -> Python number
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # not building the book: nothing to store
        if display:
            from IPython.display import display as show

            show(value)
        return
    myst_glue(name, value, display=display)
