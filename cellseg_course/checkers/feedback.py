"""The feedback object returned by every exercise checker."""

import html
import math
import numbers

import numpy as np

_STYLES = {
    True: ("#e6f4ea", "#1e7b34", "\u2714 Correct."),
    False: ("#fdecea", "#b3261e", "\u2718 Not yet."),
    None: ("#f1f3f4", "#5f6368", "\u2026 Not answered yet."),
}


class Feedback:
    """Outcome of checking one answer.

    Parameters
    ----------
    correct : bool or None
        ``True`` right, ``False`` wrong, ``None`` not answered yet.
    message : str
        What was right or wrong and, when wrong, a hint.

    ``bool(feedback)`` is ``True`` only for a correct answer. In a notebook the
    object displays as a coloured box; ``str(feedback)`` gives plain text.
    """

    def __init__(self, correct, message):
        if correct not in (True, False, None):
            raise ValueError("correct must be True, False or None.")
        self.correct = correct
        self.message = message

    def __bool__(self):
        return self.correct is True

    def __str__(self):
        return f"{_STYLES[self.correct][2]} {self.message}"

    __repr__ = __str__

    def _repr_html_(self):
        background, colour, head = _STYLES[self.correct]
        return (
            f'<div style="background:{background};border-left:6px solid {colour};'
            f'padding:0.5em 1em;margin:0.5em 0;color:#202124">'
            f'<strong style="color:{colour}">{html.escape(head)}</strong> '
            f"{html.escape(self.message)}</div>"
        )


def is_placeholder(answer):
    """True when ``answer`` is still the exercise's placeholder (``...`` or ``None``)."""
    return answer is Ellipsis or answer is None


_NOT_ANSWERED = "Replace the ... with your answer and run the cell again."


def number_problem(answer, what="your answer"):
    """Why ``answer`` cannot be checked as a number, as a Feedback; None if it can.

    Placeholders give "not answered yet"; anything that is not a finite real
    number gives a "not yet" that says what was written instead.

    Examples
    --------
    >>> number_problem(0.5) is None
    True
    >>> number_problem("0.5").correct
    False
    """
    if is_placeholder(answer):
        return Feedback(None, _NOT_ANSWERED)
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (numbers.Real, np.generic)):
        return Feedback(False, f"{what} should be a number, but it is {answer!r}.")
    if not math.isfinite(float(answer)):
        return Feedback(False, f"{what} is {float(answer)}; it should be a finite number.")
    return None


def check_number(answer, expected, *, decimals=None, rel_tol=None, what="your answer", hint=""):
    """Compare a numeric answer with the expected value.

    Parameters
    ----------
    answer : object
        What the learner wrote.
    expected : float
        The right value, computed by the checker.
    decimals : int, optional
        The answer must equal ``expected`` rounded to this many decimals (a
        difference of up to half a unit in the last decimal is accepted).
    rel_tol : float, optional
        Otherwise, the largest accepted relative difference (default 1e-6).
    what : str
        Name of the quantity, used in the message.
    hint : str
        Shown when the answer is wrong.

    Returns
    -------
    Feedback

    Examples
    --------
    >>> bool(check_number(0.9, 0.9))
    True
    >>> check_number(..., 0.9).correct is None
    True
    """
    problem = number_problem(answer, what)
    if problem is not None:
        return problem
    value = float(answer)
    if decimals is not None:
        tolerance = 0.5 * 10.0 ** (-decimals) + 1e-12
        ok = abs(value - expected) <= tolerance
        shown = f"{expected:.{decimals}f}"
    else:
        rel_tol = 1e-6 if rel_tol is None else rel_tol
        ok = math.isclose(value, expected, rel_tol=rel_tol, abs_tol=1e-12)
        shown = f"{expected:.6g}"
    if ok:
        return Feedback(True, f"{what} = {value:g} matches {shown}.")
    return Feedback(False, f"{what} = {value:g} is not right. {hint}".strip())
