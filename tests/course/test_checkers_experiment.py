"""The checker of the exercise "Find the bad wells" (cellseg_course.checkers.experiment)."""

import numpy as np
import pytest

pytest.importorskip("pandas")

from cellseg import experiment as ex  # noqa: E402
from cellseg import plate as pl  # noqa: E402
from cellseg_course.checkers.experiment import BAD_WELLS_PLATE, bad_wells_plate, check_bad_wells  # noqa: E402


def _truth():
    layout = pl.plate_layout(**BAD_WELLS_PLATE)
    return layout, sorted(layout.loc[layout["fault"] != "", "well"])


def test_the_truth_is_right_in_any_spelling():
    layout, bad = _truth()
    assert check_bad_wells(bad).correct is True
    assert check_bad_wells(set(bad)).correct is True
    assert check_bad_wells([w.lower().replace("0", "", 1) if w[1] == "0" else w for w in bad]).correct is True
    assert check_bad_wells(np.array(bad)).correct is True
    assert check_bad_wells(list(layout["fault"] != "")).correct is True  # one True/False per well


def test_the_lessons_rules_pass_on_the_exercise_plate(tmp_path):
    plate = bad_wells_plate(tmp_path / "images")
    assert "fault" not in plate.layout and "light" not in plate.layout
    run = ex.run_experiment(plate.layout, plate.folder, tmp_path / "tables", sigma=2.0, threshold=plate.threshold,
                            min_size=30, bit_depth=12, progress=False)
    flagged = ex.flag_fields(run.fields)
    assert check_bad_wells(list(flagged.loc[flagged["flagged"], "well"])).correct is True


def test_wrong_answers_say_what_is_missing_without_naming_wells():
    layout, bad = _truth()
    drift = list(layout.loc[layout["fault"] == "drift", "well"])
    no_drift = [w for w in bad if w not in drift]
    feedback = check_bad_wells(no_drift)
    assert feedback.correct is False and f"missed {len(drift)} bad well(s) ({len(drift)} drift)" in feedback.message
    assert "brightness" in feedback.message
    assert not any(w in feedback.message for w in drift)
    everything = check_bad_wells(list(layout["well"]))
    assert everything.correct is False and f"{len(layout) - len(bad)} of your wells are fine" in everything.message
    assert "recall 1.00" in everything.message
    assert check_bad_wells([]).correct is False


@pytest.mark.parametrize("answer, words", [
    ("A03, B04", "not one text"),
    (["A03", "Q01"], "no well of this plate"),
    (["A03", "A13"], "no well of this plate"),
    ([3, 5], "row number"),
    (7, "list of well names"),
])
def test_junk_gets_a_precise_message(answer, words):
    feedback = check_bad_wells(answer)
    assert feedback.correct is False and words in feedback.message and not feedback.unexpected


def test_a_table_is_told_to_pass_the_well_names():
    layout, _ = _truth()
    feedback = check_bad_wells(layout)
    assert feedback.correct is False and "names of the bad wells" in feedback.message


def test_placeholders_are_not_answered_yet():
    assert check_bad_wells(...).correct is None and check_bad_wells(None).correct is None
