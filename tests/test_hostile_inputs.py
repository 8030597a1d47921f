"""Every public function of cellseg, called with hostile arguments, answers with a clear error.

The calls, the classes of their outcomes and what "clear" means are defined in
``tests/hostile_calls.py``: each function is called with a valid baseline and then
with one argument at a time replaced by None, strings, ragged lists, booleans, NaN,
infinities, negative, zero and huge sizes, huge ids, 0-d arrays, arrays of the wrong
dimension or dtype, each call in a worker process capped at +2 GiB and 10 s. A module
fails when any of its calls is obscure (an exception from inside NumPy/SciPy or an
AttributeError...), silently accepts a bad value, tries to allocate more than the cap,
hangs or crashes, or has no working baseline. ``benchmarks/hostile_sweep.py`` prints
the whole table.
"""

import pkgutil

import pytest

import cellseg
import hostile_calls

MODULES = sorted(m.name for m in pkgutil.iter_modules(cellseg.__path__) if not m.name.startswith("_"))


@pytest.fixture(scope="module")
def sweep():
    return hostile_calls.sweep(n_workers=2)


@pytest.mark.parametrize("module", MODULES)
def test_hostile_inputs_get_clear_errors(sweep, module):
    failing = [r for r in sweep if r["function"].split(".")[0] == module
               and r["class"] in hostile_calls.FAILING]
    assert not failing, f"{len(failing)} hostile calls of cellseg.{module} failed:\n" + "\n".join(
        hostile_calls.describe(r) for r in failing[:60])


def test_every_public_function_is_swept(sweep):
    swept = {r["function"] for r in sweep}
    assert swept == set(hostile_calls.public_functions())
    assert len(sweep) > 20 * len(swept)  # many hostile values per function, not just baselines


def test_the_classifier_tells_clear_errors_from_obscure_ones():
    import numpy as np

    from cellseg import _validate

    def outcome(func, *args, param="value", **kwargs):
        try:
            func(*args, **kwargs)
        except Exception as err:  # noqa: BLE001 - classified below
            return hostile_calls.classify_exception(err, param)[0]
        return "accepted"

    # a cellseg check naming the argument and saying what to pass
    assert outcome(_validate.seed, -1, param="seed") == "clear"
    # NumPy's own wording from inside a cellseg line (np.asarray of a ragged list)
    assert outcome(lambda value: np.asarray(value, dtype=float), [[1, 2], [3]]) == "obscure"
    # an AttributeError is never clear, whatever it says
    assert outcome(lambda value: value.legend(), None) == "obscure"
    # a clear type raised from cellseg whose message does not name the argument
    assert outcome(_validate.seed, -1, param="n_cells") == "obscure"
    assert outcome(lambda: np.zeros(2**62), param=None) == "memory"


def test_a_bad_value_accepted_is_a_failure_and_a_valid_one_refused_is_reported():
    assert hostile_calls.judge("accepted", "bad") == "silent"
    assert hostile_calls.judge("accepted", "either") == "ok-accepted"
    assert hostile_calls.judge("clear", "valid") == "refused-valid"
    assert "silent" in hostile_calls.FAILING and "refused-valid" not in hostile_calls.FAILING
    # the verdicts of the shared rules
    assert hostile_calls.verdict("seed", "neg1", 0) == "bad"
    assert hostile_calls.verdict("seed", "pow62", 0) == "valid"
    assert hostile_calls.verdict("flag", "truthy_str", False) == "bad"
    assert hostile_calls.verdict("iou", "zero_d", 0.5) == "valid"
    assert hostile_calls.verdict("labels", "u64_ids", hostile_calls.inspect.Parameter.empty) == "valid"
