"""The feedback object returned by every exercise checker, and what checkers share.

- :class:`Feedback`: what a checker returns (right, wrong with a hint, not answered yet);
- :func:`is_placeholder`, :func:`number_problem`, :func:`whole_number`, :func:`check_number`,
  :func:`rounding_note`: the shared checks of a learner's answer;
- :func:`never_raises`: the decorator every checker wears, so that nothing a learner can type
  ever ends in a traceback;
- :func:`ready_to_plot`: the guard of the "look at your result" cells after a checker.
"""

import functools
import html
import math
import numbers

import numpy as np

_STYLES = {
    True: ("#e6f4ea", "#1e7b34", "\u2714 Correct."),
    False: ("#fdecea", "#b3261e", "\u2718 Not yet."),
    None: ("#f1f3f4", "#5f6368", "\u2026 Not answered yet."),
}


#: variable names that may start a message and must keep their spelling
_NAMES = {"labels", "predicted", "scores", "mean", "std"}


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
        #: True when the checker itself failed on this input (see :func:`never_raises`);
        #: the tests require that no input they try gets this fallback.
        self.unexpected = False

    def __bool__(self):
        return self.correct is True

    def __str__(self):
        return f"{_STYLES[self.correct][2]} {self._sentence()}"

    def _sentence(self):
        first = self.message.split(" ", 1)[0]
        plain = first.isalpha() and first.islower() and first not in _NAMES
        return self.message[:1].upper() + self.message[1:] if plain else self.message

    __repr__ = __str__

    def _repr_html_(self):
        background, colour, head = _STYLES[self.correct]
        return (
            f'<div style="background:{background};border-left:6px solid {colour};'
            f'padding:0.5em 1em;margin:0.5em 0;color:#202124">'
            f'<strong style="color:{colour}">{html.escape(head)}</strong> '
            f"{html.escape(self._sentence())}</div>"
        )


def is_placeholder(answer):
    """True when ``answer`` is still the exercise's placeholder (``...`` or ``None``)."""
    return answer is Ellipsis or answer is None


_NOT_ANSWERED = "Replace the ... with your answer and run the cell again."


def _short(answer, limit=60):
    """``repr(answer)``, shortened for a message (an array can be huge)."""
    if isinstance(answer, np.ndarray):
        return f"an array of shape {answer.shape} and dtype {answer.dtype}"
    if isinstance(answer, np.generic):
        answer = answer.item()  # 0, not np.int64(0)
    try:
        text = " ".join(repr(answer).split())
    except Exception:  # noqa: BLE001 - an object whose repr fails
        text = f"a {type(answer).__name__}"
    return text if len(text) <= limit else text[: limit - 5] + " ...)"


def too_long(answer, limit=10**7):
    """True for a sequence (not an array) longer than ``limit``: converting it would exhaust memory."""
    try:
        return not isinstance(answer, np.ndarray) and hasattr(answer, "__len__") and len(answer) > limit
    except Exception:  # noqa: BLE001 - a len() that fails is no sequence either
        return False


def ndim(answer):
    """``np.ndim(answer)``, or -1 for a ragged sequence that is no array at all."""
    try:
        return np.ndim(answer)
    except Exception:  # noqa: BLE001 - ragged nesting, odd objects
        return -1


def scalar(answer):
    """A 0-d or one-element array becomes its single value; anything else is returned as is."""
    if isinstance(answer, np.ndarray) and answer.size == 1 and answer.dtype != object:
        return answer.reshape(()).item()
    return answer


def number_problem(answer, what="your answer"):
    """Why ``answer`` cannot be checked as a number, as a Feedback; None if it can.

    Placeholders give "not answered yet"; anything that is not a finite real
    number gives a "not yet" that says what was written instead.

    Examples
    --------
    >>> number_problem(0.5) is None
    True
    >>> number_problem("0.5").message
    "your answer should be a number, but it is the text '0.5': remove the quotes."
    """
    if is_placeholder(answer):
        return Feedback(None, _NOT_ANSWERED)
    answer = scalar(answer)
    if isinstance(answer, (bool, np.bool_)):
        return Feedback(False, f"{what} should be a number, but it is {answer}, a truth value.")
    if isinstance(answer, str):
        return Feedback(False, f"{what} should be a number, but it is the text {_short(answer)}: remove the quotes.")
    if isinstance(answer, (list, tuple, np.ndarray)):
        return Feedback(False, f"{what} should be one number, but it is {_short(answer)}.")
    if getattr(answer, "ndim", 0) and hasattr(answer, "__len__"):  # a pandas Series or DataFrame, a tensor
        return Feedback(False, f"{what} should be one number, but it is a {type(answer).__name__} of "
                        f"{len(answer)} values: pick one, e.g. with [0] or .iloc[0].")
    if isinstance(answer, numbers.Complex) and not isinstance(answer, numbers.Real):
        return Feedback(False, f"{what} should be a real number, but it is the complex number {answer}.")
    if not isinstance(answer, (numbers.Real, np.number)):
        return Feedback(False, f"{what} should be a number, but it is {_short(answer)} ({type(answer).__name__}).")
    try:
        value = float(answer)
    except OverflowError:
        return Feedback(False, f"{what} is a number with {len(str(abs(int(answer))))} digits; that cannot be right.")
    if not math.isfinite(value):
        return Feedback(False, f"{what} is {value}; it should be a finite number (a division by zero?).")
    return None


def whole_number(answer, what="your answer"):
    """``(int, None)`` for a whole number (``3``, ``np.int64(3)``, ``3.0``), else ``(None, Feedback)``.

    Examples
    --------
    >>> whole_number(4.0)
    (4, None)
    >>> whole_number(2.5)[1].message
    'your answer should be a whole number, but it is 2.5.'
    """
    problem = number_problem(answer, what)
    if problem is not None:
        return None, problem
    value = scalar(answer)
    if float(value) != math.floor(float(value)):
        return None, Feedback(False, f"{what} should be a whole number, but it is {float(value):g}.")
    return int(value), None


def never_raises(usage, *, example=None):
    """Decorate a checker so that whatever it receives, it returns a :class:`Feedback`.

    The checkers handle every kind of input they can foresee with a precise
    message; this is the last line of defence. Should a checker still fail on
    some input, the learner reads ``usage`` (what to pass) and the reason,
    never a traceback. Such feedback has ``unexpected = True``.

    ``example`` is a tuple of plausible answers, one per argument, kept on the
    checker as ``checker.example``: the junk test (``tests/course/test_checkers_junk.py``)
    puts junk into each slot in turn while the others hold these values.
    """

    def decorate(checker):
        @functools.wraps(checker)
        def wrapper(*args, **kwargs):
            try:
                with np.errstate(all="ignore"):
                    return checker(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - a learner must never see a traceback
                feedback = Feedback(False, f"this answer could not be checked ({type(error).__name__}: "
                                    f"{str(error)[:120]}). {usage}")
                feedback.unexpected = True
                return feedback

        wrapper.example = example
        wrapper.usage = usage
        return wrapper

    return decorate


def ready_to_plot(*answers, shape=None, length=None, values=None):
    """True when the answers can be drawn; otherwise print one line saying why and return False.

    The cells that show a learner's result after its checker start with
    ``if ready_to_plot(labels, shape=image.shape):``, so a wrong type gives
    one line instead of a traceback.

    Parameters
    ----------
    *answers : object
        The learner's values.
    shape : tuple of int, optional
        Each answer must be a label image (integers >= 0) of this shape.
    length : int, optional
        Each answer must be a sequence of this many finite numbers (or, with
        ``values``, of this many items taken from ``values``).
    values : collection, optional
        The items allowed in each answer (for example class names).

    Examples
    --------
    >>> ready_to_plot(np.zeros((2, 2), int), shape=(2, 2))
    True
    >>> ready_to_plot(..., shape=(2, 2))
    Nothing to show yet: answer the cell above first.
    False
    >>> ready_to_plot([1, 2], length=3)
    Nothing to show: expected 3 numbers, got [1, 2].
    False
    """
    for answer in answers:
        if is_placeholder(answer):
            print("Nothing to show yet: answer the cell above first.")
            return False
        why = None
        try:
            arr = np.asarray(None) if too_long(answer) else np.asarray(answer)
        except Exception:  # noqa: BLE001 - anything that is not array-like
            arr = np.asarray(None)
        if shape is not None:
            if arr.dtype == bool:
                arr = arr.astype(np.uint8)
            if not np.issubdtype(arr.dtype, np.integer) or arr.shape != tuple(shape):
                why = f"expected a label image (integers) of shape {tuple(shape)}, got {_short(answer)}"
            elif arr.min() < 0:
                why = "a label image has no negative values"
            elif arr.max() > arr.size:
                why = "its ids are far larger than its number of pixels; number the objects 1, 2, 3, ..."
        if length is not None and why is None and values is not None:
            if arr.shape != (length,) or not all(isinstance(v, str) and v in values for v in arr.tolist()):
                why = f"expected {length} items, each one of {sorted(values)}, got {_short(answer)}"
        elif length is not None and why is None:
            if (not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating)
                    or arr.shape != (length,) or not np.isfinite(arr).all()):
                why = f"expected {length} numbers, got {_short(answer)}"
        if why is not None:
            print(f"Nothing to show: {why}.")
            return False
    return True


def check_number(answer, expected, *, decimals=None, rel_tol=None, what="your answer", hint="", slips=()):
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
        Shown when the answer is wrong and matches none of ``slips``.
    slips : sequence of (float, str)
        Values that a common slip gives, each with what went wrong; when the
        answer equals one of them (same tolerance), its message is the hint.

    Returns
    -------
    Feedback

    Examples
    --------
    >>> bool(check_number(0.25, 0.25))
    True
    >>> check_number(25, 0.25, slips=[(25, "give a fraction, not a percentage.")]).message
    'your answer = 25 is not right: give a fraction, not a percentage.'
    >>> check_number(..., 0.25).correct is None
    True
    """
    problem = number_problem(answer, what)
    if problem is not None:
        return problem
    value = float(scalar(answer))
    if decimals is not None:
        tolerance = 0.5 * 10.0 ** (-decimals) + 1e-12
        same = lambda a, b: abs(a - b) <= tolerance  # noqa: E731
        shown = f"{expected:.{decimals}f}"
    else:
        rel_tol = 1e-6 if rel_tol is None else rel_tol
        same = lambda a, b: math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-12)  # noqa: E731
        shown = f"{expected:.6g}"
    if same(value, expected):
        return Feedback(True, f"{what} = {value:g} matches {shown}.")
    for slip, message in slips:
        if same(value, slip):
            return Feedback(False, f"{what} = {value:g} is not right: {message}")
    if decimals is not None:
        rounded = rounding_note(value, expected, decimals, what)
        if rounded:
            return Feedback(False, rounded)
    return Feedback(False, f"{what} = {value:g} is not right. {hint}".strip())


def rounding_note(value, expected, decimals, what="your answer"):
    """The message for an answer that is ``expected`` rounded to fewer than ``decimals`` decimals, else "".

    Examples
    --------
    >>> rounding_note(0.82, 0.8182, 3, "precision")
    'precision = 0.82 is rounded to 2 decimals: it lies within 0.005 of the right value, but the check needs 3
    decimals. Give 3 decimals, or type the fraction itself and let Python compute it.'
    >>> rounding_note(0.81, 0.8182, 3)
    ''
    """
    for places in range(decimals - 1, 0, -1):
        if round(value, places) == value and round(expected, places) == value:
            return (f"{what} = {value:g} is rounded to {places} decimal{'s' if places != 1 else ''}: it lies "
                    f"within {0.5 * 10.0 ** -places:g} of the right value, but the check needs {decimals} "
                    f"decimals. Give {decimals} decimals, or type the fraction itself and let Python compute it.")
    return ""
