#!/usr/bin/env python3
"""Set up, build and test the course, one command each.

    python3 course.py build    # set up .venv/, build the HTML book, print the page to open
    python3 course.py test     # set up .venv/ if needed, then run every test

and, for working with the notebooks:

    python3 course.py lab      # open the notebooks in JupyterLab, in the course's environment
    python3 course.py page lessons/pipeline.md   # rebuild and show one page quickly

On Windows type ``py`` instead of ``python3``. Only the standard library is used
here, so this file runs with any Python 3.10 or newer; everything else is
installed into ``.venv/`` at the exact versions of ``constraints.txt``.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "cellseg-course-installed.txt"
CONSTRAINTS = ROOT / "constraints.txt"
MIN_PYTHON = (3, 10)


def say(message):
    print(f"[course] {message}", flush=True)


def fail(message):
    print(f"[course] ERROR: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def venv_bin(name):
    folder = VENV / ("Scripts" if os.name == "nt" else "bin")
    suffix = ".exe" if os.name == "nt" else ""
    return folder / f"{name}{suffix}"


def run(cmd, **kwargs):
    """Run a command with the course environment; return its exit code."""
    env = dict(os.environ)
    # Prefer the environment's own Jupyter kernel over any kernel a user has
    # installed elsewhere, so notebooks always run with this environment's packages.
    share = str(VENV / "share" / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH")) if p)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silence a debugger warning in kernels
    # Notebook kernels must use matplotlib's inline backend to show figures: never
    # force a backend on them (MPLBACKEND=Agg would silently drop every figure).
    env.pop("MPLBACKEND", None)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env, **kwargs)


def wanted_stamp():
    """What the environment must have been built from: our dependency files and Python."""
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", CONSTRAINTS):
        digest.update(path.read_bytes())
    return f"{digest.hexdigest()} python {sys.version_info[0]}.{sys.version_info[1]}\n"


def ensure_environment():
    """Create .venv/ and install the course into it, unless it is already up to date."""
    if sys.version_info < MIN_PYTHON:
        fail(f"Python {sys.version.split()[0]} is too old; install Python 3.10 or newer.")
    python = venv_bin("python")
    if not python.exists():
        say(f"creating the environment in {VENV.relative_to(ROOT)}/")
        if VENV.exists():
            shutil.rmtree(VENV)
        code = subprocess.call([sys.executable, "-m", "venv", str(VENV)])
        if code != 0 or not python.exists():
            fail(
                "could not create a virtual environment. On Debian or Ubuntu install the "
                "venv module first: sudo apt install python3-venv"
            )
    stamp = wanted_stamp()
    if STAMP.exists() and STAMP.read_text() == stamp:
        return python
    say("installing the course's packages (a few minutes the first time)")
    code = run(
        [python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
         "--constraint", CONSTRAINTS, "--editable", ".[course]"]
    )
    if code != 0:
        fail("installing the packages failed (see pip's message above).")
    STAMP.write_text(stamp)
    say("environment ready")
    return python


def build(args):
    ensure_environment()
    say("building the book (each notebook runs the first time, then only when it changes)")
    code = run([venv_bin("jupyter-book"), "build", ".", "--builder", "html",
                "-W", "-n", "--keep-going"])
    if code != 0:
        fail("the book did not build cleanly (see the warnings above).")
    index = ROOT / "_build" / "html" / "index.html"
    say(f"done. Open this page in your web browser:\n\n    {index.as_uri()}\n")


def find_chromium():
    """The system's Chromium for the browser tests (tests/browser/), or None."""
    given = os.environ.get("CELLSEG_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return next((path for path in map(shutil.which, names) if path), None)


def test(args):
    """Every test, each notebook run once: nbval runs the notebooks and keeps their outputs,
    then the book is built from those outputs (and checked)."""
    python = ensure_environment()
    out = ROOT / "_build" / "test"
    if out.exists():
        shutil.rmtree(out)  # nothing is reused from an earlier run
    os.environ["CELLSEG_NB_CACHE"] = str(out / "executions")
    os.environ["CELLSEG_BOOK_DIR"] = str(out / "book")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "tools"), os.environ.get("PYTHONPATH")) if p
    )
    workers = ["-n", "auto", "--dist", "loadfile"]
    chromium = find_chromium()
    if chromium:
        os.environ["CELLSEG_CHROMIUM"] = chromium
        browser = ""
    else:
        say("no Chromium found: skipping the browser tests of the book (install Chromium to run them)")
        browser = " and not browser"
    say("1/2: unit tests, doctests and every notebook (lessons, exercises, solutions)")
    code = run(
        [python, "-m", "pytest", *workers, "-p", "nbcache", "-m", "not book" + browser,
         "--doctest-modules", "cellseg", "cellseg_course", "tests",
         "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=600",
         "lessons", "exercises", "solutions", *args.pytest_args]
    )
    say("2/2: the book, built from those runs, with warnings as errors")
    book = run([python, "-m", "pytest", "-m", "book" + browser, "tests", *args.pytest_args])
    sys.exit(code or book)


def lab(args):
    ensure_environment()
    sys.exit(run([venv_bin("jupyter"), "lab", *args.lab_args]))


def page(args):
    ensure_environment()
    path = (ROOT / args.file).resolve()
    if path.suffix != ".md" or not path.exists():
        fail(f"{args.file} is not a page of the book; pass a .md file such as lessons/pipeline.md")
    code = run([venv_bin("jupyter-book"), "build", path])
    if code != 0:
        fail("the page did not build.")
    out = path.parent / "_build" / "_page" / path.stem / "html" / f"{path.stem}.html"
    say(f"done. Open:\n\n    {out.as_uri()}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="set up and build the HTML book").set_defaults(func=build)
    sub.add_parser("test", help="set up if needed and run every test (extra arguments go to pytest)").set_defaults(func=test)
    sub.add_parser("lab", help="open JupyterLab in the course environment").set_defaults(func=lab)
    p = sub.add_parser("page", help="rebuild one page")
    p.add_argument("file")
    p.set_defaults(func=page)
    args, extra = parser.parse_known_args()
    if extra and args.command not in ("test", "lab"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = args.lab_args = extra
    args.func(args)


if __name__ == "__main__":
    main()
