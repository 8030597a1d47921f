"""The science package stays pure: importing it loads none of the course machinery."""

import subprocess
import sys

COURSE_ONLY = ("cellseg_course", "IPython", "ipywidgets", "myst_nb", "jupyterquiz", "matplotlib")
#: what only the experiment modules (cellseg.plate, cellseg.experiment) need: never loaded by import cellseg
EXPERIMENT_ONLY = ("dask", "distributed", "dask_image", "zarr", "pandas", "tifffile")


def _loaded_by_import_cellseg(modules):
    """Which of ``modules`` a fresh interpreter has loaded after ``import cellseg``.

    A fresh interpreter: this test session has imported plenty already.
    """
    code = f"import sys, cellseg\nprint(','.join(m for m in {modules!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return loaded.stdout.strip()


def test_import_cellseg_loads_no_course_machinery():
    assert _loaded_by_import_cellseg(COURSE_ONLY) == ""


def test_science_package_never_names_the_course_package(root):
    offenders = [
        str(path.relative_to(root)) for path in (root / "cellseg").rglob("*.py")
        if "cellseg_course" in path.read_text(encoding="utf-8").replace("``cellseg_course``", "")
    ]
    assert offenders == []


def test_every_module_lists_what_it_defines_in_all(root):
    """Each public function or class defined in a module is in that module's __all__."""
    import importlib
    import inspect

    import cellseg

    for module in cellseg.MODULES:
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if obj.__module__ == module.__name__:
                assert name in module.__all__, f"{module.__name__}.{name} is public but not in __all__"
    modules = {p.stem for p in (root / "cellseg").glob("*.py") if not p.stem.startswith("_")}
    modules |= {p.name for p in (root / "cellseg").iterdir() if (p / "__init__.py").exists()}
    lazy = set(getattr(cellseg, "LAZY_MODULES", ()))
    assert modules - lazy == {m.__name__.split(".")[-1] for m in cellseg.MODULES}, (
        "a module of cellseg is neither in cellseg.MODULES nor in cellseg.LAZY_MODULES")
    for name in lazy:
        importlib.import_module(f"cellseg.{name}")


def test_every_public_name_has_a_top_level_name_and_one_home():
    """Both directions: each module's public name is cellseg.NAME, and no name has two homes."""
    import cellseg

    homes = {}
    for module in cellseg.MODULES:
        for name in module.__all__:
            assert name not in homes, f"{name} is public in {homes[name]} and {module.__name__}"
            homes[name] = module.__name__
            assert getattr(cellseg, name) is getattr(module, name), f"cellseg.{name} is not {module.__name__}.{name}"
    assert set(cellseg.__all__) == set(homes), "cellseg.__all__ lists a name no module makes public"


def test_import_cellseg_loads_no_dask_zarr_or_pandas():
    """cellseg.experiment and cellseg.plate are imported with cellseg: they load Dask only when they run."""
    import importlib.util

    # Every name checked is installed, so the test could fail (no typo hides a module).
    assert all(importlib.util.find_spec(m) is not None for m in EXPERIMENT_ONLY)
    assert _loaded_by_import_cellseg(EXPERIMENT_ONLY) == ""
