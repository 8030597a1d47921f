"""The code as its next maintainer reads it: ruff clean, and every public function documented."""

import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cellseg

#: numpydoc's checks that the public API must pass: a docstring (GL08), every parameter
#: documented (PR01) and nothing documented that is not a parameter (PR02), a Returns
#: section (RT01), and an example (EX01).
REQUIRED = {"GL08", "PR01", "PR02", "RT01", "EX01"}


def test_ruff_finds_nothing(root):
    ruff = Path(sys.executable).with_name("ruff")
    ruff = str(ruff) if ruff.exists() else shutil.which("ruff")
    assert ruff, "ruff is part of the course environment (pyproject.toml, the course extra)"
    result = subprocess.run([ruff, "check", "--no-cache", "--output-format", "concise", "."],
                            cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def _public_functions():
    for name in cellseg.__all__:
        obj = getattr(cellseg, name)
        if inspect.isfunction(obj):
            yield f"{obj.__module__}.{name}"


@pytest.mark.parametrize("name", sorted(_public_functions()))
def test_public_function_docstring(name):
    from numpydoc.validate import validate

    errors = [f"{code}: {message}" for code, message in validate(name)["errors"] if code in REQUIRED]
    assert not errors, f"{name}: " + "; ".join(errors)
