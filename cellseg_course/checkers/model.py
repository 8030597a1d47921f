"""Checkers for the exercises of the lesson "A model of a fluorescence image"."""

from cellseg import theory
from cellseg.synthetic import CELL_BRIGHTNESS, CELL_SIGMA
from cellseg.pipeline import SMOOTH_SIGMA
from .feedback import check_number

__all__ = ["check_smoothed_peak"]


def check_smoothed_peak(answer):
    """Check the "Do the math" answer: the smoothed peak, to two decimals.

    The cell has ``B = CELL_BRIGHTNESS``, ``sigma = CELL_SIGMA`` and is smoothed
    with ``SMOOTH_SIGMA``.

    Examples
    --------
    >>> bool(check_smoothed_peak(0.9))
    True
    """
    expected = theory.smoothed_peak(brightness=CELL_BRIGHTNESS, sigma=CELL_SIGMA, smooth_sigma=SMOOTH_SIGMA)
    return check_number(
        answer,
        expected,
        decimals=2,
        what="the smoothed peak",
        hint=(
            "The peak is multiplied by sigma^2 / (sigma^2 + sigma_s^2): square the widths "
            "before you add them, and round to two decimals."
        ),
    )
