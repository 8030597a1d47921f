"""A pytest plugin: keep nbval's executions, so the book build need not run the notebooks again.

With the environment variable ``CELLSEG_NB_CACHE`` set to a folder, every notebook that nbval
ran without an error is stored, with its outputs, in a jupyter-cache at that folder, the cache
that myst-nb reads when the book is built with ``execute_notebooks: cache``. The test command
then builds the book from these executions: each notebook runs once per test run.

Load it with ``-p cellseg_course.nbcache``.
"""

import copy
import os
import time
from pathlib import Path

import pytest

_ENV = "CELLSEG_NB_CACHE"


def _is_nbval_cell(item):
    return type(item).__name__ == "IPyNbCell"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if not os.environ.get(_ENV) or not _is_nbval_cell(item) or call.when != "call":
        return
    notebook = item.parent
    report = outcome.get_result()
    if report.failed:
        notebook._cellseg_failed = True
    else:
        outputs = getattr(notebook, "_cellseg_outputs", {})
        outputs[item.cell_num] = item.test_outputs or []
        notebook._cellseg_outputs = outputs


def pytest_runtest_teardown(item, nextitem):
    folder = os.environ.get(_ENV)
    if not folder or not _is_nbval_cell(item):
        return
    notebook = item.parent
    if nextitem is not None and nextitem.parent is notebook:
        return  # not the notebook's last cell yet
    if getattr(notebook, "_cellseg_failed", False):
        return  # the book build will run it again and report the error itself
    _store(Path(folder), Path(str(notebook.fspath)), notebook.nb, notebook._cellseg_outputs)


def _store(folder, path, nb, outputs):
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    nb = copy.deepcopy(nb)
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        skipped = "skip-execution" in cell.get("metadata", {}).get("tags", [])
        cell.outputs = [] if skipped else outputs.get(count - 1, [])  # as myst-nb would leave it
        for out in cell.outputs:
            if out.get("output_type") == "execute_result":
                out["execution_count"] = count
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / ".lock"
    for _ in range(600):  # two test workers may store at once: one sqlite writer at a time
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL)
            break
        except FileExistsError:
            time.sleep(0.05)
    else:
        raise RuntimeError(f"could not lock {lock}; delete it if no test run is active")
    try:
        cache = get_cache(str(folder))
        cache.cache_notebook_bundle(CacheBundleIn(nb, uri=str(path)), check_validity=False, overwrite=True)
    finally:
        os.close(fd)
        os.remove(lock)
