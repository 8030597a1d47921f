"""Checker for the exercise of the lesson "From one image to an experiment": find the bad wells.

:func:`bad_wells_plate` writes the exercise's plate (4 x 12 wells, one field each)
with faults at wells the learner does not see; :func:`check_bad_wells` compares
the learner's list of wells with the truth of :func:`cellseg.plate.plate_layout`,
and says how many bad wells were missed, of which kind, and how many good
wells were flagged, never which.
"""

import functools
import numbers
import re
from typing import NamedTuple

import numpy as np

from cellseg import plate as _plate
from .feedback import Feedback, _NOT_ANSWERED, _short, is_placeholder, too_long, never_raises

__all__ = ["BAD_WELLS_PLATE", "ExercisePlate", "bad_wells_plate", "check_bad_wells"]

#: the exercise's plate: one field per well, one field of each single-field fault, and a drift
BAD_WELLS_PLATE = dict(rows=4, cols=12, faults={name: 1 for name in _plate.DEFAULT_FAULTS}, drift=0.5,
                       drift_start=0.75, seed=20261204, name="screen")
_MIN_SCORE = 0.9  #: precision and recall both at least this count as right (the lesson's standard)


class ExercisePlate(NamedTuple):
    """The exercise's plate as a learner gets it: the images and their layout, without the truth."""

    folder: object
    layout: object  #: plate, well, row, col, field, order, path
    threshold: float


def bad_wells_plate(folder):
    """Write the exercise's plate into ``folder`` and return it without its truth.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     plate = bad_wells_plate(tmp)
    >>> len(plate.layout), "fault" in plate.layout
    (48, False)
    """
    plate = _plate.make_plate(folder, **BAD_WELLS_PLATE)
    return ExercisePlate(plate.folder, plate.layout.drop(columns=["fault", "light"]), plate.threshold)


@functools.lru_cache(maxsize=1)
def _truth():
    """``{well: fault}`` of the exercise's bad wells, from how the plate is made (no file written)."""
    layout = _plate.plate_layout(**BAD_WELLS_PLATE)
    bad = layout[layout["fault"] != ""]
    return dict(zip(bad["well"], bad["fault"])), tuple(layout["well"])


def _well(text, rows, cols):
    """``"b3"``, ``"B03"`` -> ``"B03"``; None if it names no well of the plate."""
    match = re.fullmatch(r"\s*([A-Za-z])\s*0*(\d{1,2})\s*", text)
    if not match:
        return None
    row, col = ord(match[1].upper()) - 65, int(match[2]) - 1
    return _plate.well_name(row, col) if 0 <= row < rows and 0 <= col < cols else None


def _as_wells(answer, wells):
    """The learner's answer as a set of well names, or a Feedback saying what is wrong with it."""
    rows, cols = BAD_WELLS_PLATE["rows"], BAD_WELLS_PLATE["cols"]
    if hasattr(answer, "columns"):  # a DataFrame: probably the whole flagged table
        return Feedback(False, "that is a table; pass the names of the bad wells, e.g. "
                        "list(table.loc[table['flagged'], 'well']).")
    if isinstance(answer, str):
        return Feedback(False, f"give a list of well names such as ['A03', 'C11'], not one text "
                        f"{_short(answer)}.")
    if isinstance(answer, (dict, bytes)) or not hasattr(answer, "__iter__") or too_long(answer, 10_000):
        return Feedback(False, f"give a list of well names such as ['A03', 'C11']; got {_short(answer)}.")
    try:
        items = list(np.ravel(answer)) if isinstance(answer, np.ndarray) else list(answer)
    except Exception:  # noqa: BLE001 - an iterable that fails while it is read
        return Feedback(False, f"give a list of well names such as ['A03', 'C11']; got {_short(answer)}.")
    if len(items) == len(wells) and items and all(isinstance(x, (bool, np.bool_)) for x in items):
        return {w for w, x in zip(wells, items) if x}  # one True/False per well, in the layout's order
    if not all(isinstance(x, (str, np.str_)) for x in items):
        odd = next(x for x in items if not isinstance(x, (str, np.str_)))
        hint = " (a row number? use the 'well' column)" if isinstance(odd, numbers.Number) else ""
        return Feedback(False, f"every item must be a well name such as 'B07'; {_short(odd)} is not{hint}.")
    names = [_well(str(x), rows, cols) for x in items]
    if None in names:
        bad = items[names.index(None)]
        return Feedback(False, f"{_short(bad)} is no well of this plate: rows A to {chr(64 + rows)}, "
                        f"columns 01 to {cols:02d}.")
    return set(names)


@never_raises("Pass a list of well names, for example check_bad_wells(['A03', 'C11']).")
def check_bad_wells(answer):
    """Check the learner's list of bad wells against the faults the plate was made with.

    Right when precision and recall are both at least 0.9. Wrong answers learn
    how many bad wells they missed and of which kind, and how many good wells
    they flagged.

    Examples
    --------
    >>> check_bad_wells("A03").correct, check_bad_wells(["Z9"]).message
    (False, "'Z9' is no well of this plate: rows A to D, columns 01 to 12.")
    >>> check_bad_wells(...).correct is None
    True
    """
    if is_placeholder(answer):
        return Feedback(None, _NOT_ANSWERED)
    truth, wells = _truth()
    flagged = _as_wells(answer, wells)
    if isinstance(flagged, Feedback):
        return flagged
    found = flagged & set(truth)
    precision = len(found) / len(flagged) if flagged else 0.0
    recall = len(found) / len(truth)
    scores = f"precision {precision:.2f}, recall {recall:.2f}"
    if precision >= _MIN_SCORE and recall >= _MIN_SCORE:
        return Feedback(True, f"{len(flagged)} wells flagged: {scores}.")
    parts = []
    missed = [truth[w] for w in sorted(set(truth) - flagged)]
    if missed:
        kinds = ", ".join(f"{missed.count(k)} {k}" for k in dict.fromkeys(missed))
        parts.append(f"you missed {len(missed)} bad well(s) ({kinds})")
    extra = len(flagged - set(truth))
    if extra:
        parts.append(f"{extra} of your wells {'is' if extra == 1 else 'are'} fine")
    hint = ""
    if "drift" in missed:
        hint = (" A drift dims the wells little by little along the acquisition: compare each well's "
                "brightness with the plate's, not with its neighbours'.")
    return Feedback(False, f"{'; '.join(parts)} ({scores}).{hint}")
