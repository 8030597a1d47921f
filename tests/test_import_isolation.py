"""The science package stays pure: importing it loads none of the course machinery."""

import subprocess
import sys

COURSE_ONLY = ("cellseg_course", "IPython", "ipywidgets", "myst_nb", "jupyterquiz", "matplotlib")
#: what only the experiment modules (cellseg.plate, cellseg.experiment) need: never loaded by import cellseg
EXPERIMENT_ONLY = ("dask", "distributed", "dask_image", "zarr", "pandas", "tifffile")


def test_import_cellseg_loads_no_course_machinery():
    # A fresh interpreter: this test session has imported plenty already.
    code = (
        "import sys, cellseg\n"
        f"print(','.join(m for m in {COURSE_ONLY!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "", f"import cellseg loaded: {loaded.stdout.strip()}"


def test_science_package_never_names_the_course_package(root):
    offenders = [
        str(path.relative_to(root)) for path in (root / "cellseg").rglob("*.py")
        if "cellseg_course" in path.read_text(encoding="utf-8").replace("``cellseg_course``", "")
    ]
    assert offenders == []


def test_every_public_function_has_one_home_and_a_top_level_name():
    import inspect

    import cellseg

    for name in cellseg.__all__:
        obj = getattr(cellseg, name)
        if inspect.isfunction(obj):
            module = sys.modules[obj.__module__]
            assert getattr(module, name) is obj
            assert name in module.__all__, f"{name} is not in {obj.__module__}.__all__"


def test_import_cellseg_loads_no_dask_zarr_or_pandas():
    code = (
        "import sys, cellseg\n"
        f"print(','.join(m for m in {EXPERIMENT_ONLY!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "", f"import cellseg loaded: {loaded.stdout.strip()}"


def test_even_the_experiment_modules_load_dask_only_when_they_run():
    import importlib.util

    # Every name checked is installed, so the test above could fail (no typo hides a module).
    assert all(importlib.util.find_spec(m) is not None for m in EXPERIMENT_ONLY)
    code = (
        "import sys, cellseg.experiment, cellseg.plate\n"
        f"print(','.join(m for m in {EXPERIMENT_ONLY!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "", f"import cellseg.experiment loaded: {loaded.stdout.strip()}"
