"""Tie a notebook's numbers to the book's prose.

:func:`glue` stores a value under a name so that the lesson's text can quote it
with ``{glue:text}`name:.2f` ``; the book then can never disagree with its own
code. It is myst-nb's ``glue`` when myst-nb is installed (the course
environment) and a plain ``display`` elsewhere (for example on Google Colab).
"""

__all__ = ["glue"]


def glue(name, value, display=True):
    """Store ``value`` under ``name`` for the book's text; show it when ``display``.

    Examples
    --------
    >>> glue("answer", 42, display=False)
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # not building the book: nothing to store
        if display:
            from IPython.display import display as show

            show(value)
        return
    myst_glue(name, value, display=display)
