"""Checkers for the exercises of the lesson "A model of a fluorescence image"."""

import math

from cellseg import theory
from cellseg.synthetic import CELL_BRIGHTNESS, CELL_SIGMA
from cellseg.pipeline import SMOOTH_SIGMA
from .feedback import check_number, never_raises

__all__ = ["check_smoothed_peak"]


@never_raises("Pass the smoothed peak as one number, for example check_smoothed_peak(0.42).")
def check_smoothed_peak(answer):
    """Check the "Do the math" answer: the smoothed peak, to two decimals.

    The cell has ``B = CELL_BRIGHTNESS``, ``sigma = CELL_SIGMA`` and is smoothed
    with ``SMOOTH_SIGMA``. Common slips get their own hint.

    Examples
    --------
    >>> check_smoothed_peak(1.5).message
    'the smoothed peak = 1.5 is not right: smoothing spreads the light out, so the peak can only go down.'
    >>> check_smoothed_peak(...).correct is None
    True
    """
    b, s, s_s = CELL_BRIGHTNESS, CELL_SIGMA, SMOOTH_SIGMA
    expected = theory.smoothed_peak(brightness=b, cell_sigma=s, sigma=s_s)
    slips = [
        (b * s**2 / (s + s_s) ** 2, "you added the widths; add their squares, sigma^2 + sigma_s^2."),
        (b * s / (s + s_s), "you added the widths (add their squares, sigma^2 + sigma_s^2) and "
         "took the 1-D ratio: in 2-D the ratio is squared."),
        (b * s / math.sqrt(s**2 + s_s**2), "the ratio of the widths is squared in 2-D: "
         "sigma^2 / (sigma^2 + sigma_s^2)."),
        (100 * expected, "give the brightness in the image's units, not as a percentage."),
        (b * s_s**2 / (s**2 + s_s**2), "the cell's own width belongs in the numerator."),
    ]
    if isinstance(answer, (int, float)) and not isinstance(answer, bool) and answer > b:
        slips.append((answer, "smoothing spreads the light out, so the peak can only go down."))
    return check_number(
        answer,
        expected,
        decimals=2,
        what="the smoothed peak",
        slips=slips,
        hint=(
            "The peak is multiplied by sigma^2 / (sigma^2 + sigma_s^2): square the widths "
            "before you add them, and round to two decimals."
        ),
    )
