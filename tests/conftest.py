"""Shared fixtures for the test suite."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

#: Where the one build of the book of a test run goes. `python3 course.py test` leaves it
#: unset (a fresh directory per run, so every notebook executes anew). A developer may set
#: it to reuse a finished build while working on tests/browser/ (see CONTRIBUTING.md).
BOOK_BUILD_ENV = "CELLSEG_BOOK_BUILD"
BUILD_TIMEOUT = 60 * 60  # seconds a worker waits for another worker's build


@pytest.fixture(scope="session")
def root():
    return ROOT


def _jupyter_book():
    exe = Path(sys.executable).with_name("jupyter-book.exe" if os.name == "nt" else "jupyter-book")
    return str(exe) if exe.exists() else "jupyter-book"


def _build_book(out):
    result = subprocess.run(
        [_jupyter_book(), "build", str(ROOT), "--builder", "html",
         "-W", "-n", "--keep-going", "--path-output", str(out)],
        capture_output=True, text=True, cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"},
    )
    return {"returncode": result.returncode, "log": result.stdout + result.stderr}


@pytest.fixture(scope="session")
def book_build(tmp_path_factory, worker_id):
    """The book, built once per test run with warnings as errors, whichever tests need it.

    Returns a dict: ``html`` (the built HTML folder), ``returncode`` and ``log`` of
    ``jupyter-book build``. Under pytest-xdist the first worker that needs the book builds
    it and the others wait for that build (a directory shared by the run's workers), so the
    book build tests (tests/course/test_book.py) and the browser tests (tests/browser/)
    look at the same build.
    """
    if os.environ.get(BOOK_BUILD_ENV):
        out = Path(os.environ[BOOK_BUILD_ENV]).resolve()
    else:
        base = tmp_path_factory.getbasetemp()
        out = (base.parent if worker_id != "master" else base) / "book"
    out.mkdir(parents=True, exist_ok=True)
    result_file = out / "build-result.json"
    if not result_file.exists():
        try:
            (out / "building").mkdir()  # atomic: exactly one worker gets to build
        except FileExistsError:
            deadline = time.monotonic() + BUILD_TIMEOUT
            while not result_file.exists():
                if time.monotonic() > deadline:
                    pytest.fail(f"waited {BUILD_TIMEOUT} s for the book build in {out} "
                                "(delete that folder if an earlier build was interrupted)")
                time.sleep(2)
        else:
            tmp = out / "build-result.json.tmp"
            tmp.write_text(json.dumps(_build_book(out)))
            tmp.replace(result_file)
    result = json.loads(result_file.read_text())
    return {"html": out / "_build" / "html", **result}
