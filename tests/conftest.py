"""Shared fixtures for the test suite."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import settings as hypothesis_settings

# CI runs every property test on the same examples (a fixed seed), so that a red run can be
# reproduced and a green one does not hide a failure that another seed would show once.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="module")
def course(root):
    """``course.py`` loaded as a module (it is a script, not part of a package); one per test module."""
    spec = importlib.util.spec_from_file_location("course", root / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _jupyter_book():
    exe = Path(sys.executable).with_name("jupyter-book.exe" if os.name == "nt" else "jupyter-book")
    return str(exe) if exe.exists() else "jupyter-book"


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the whole book once per test session; return ``(html folder, build log)``.

    The test command (``course.py test``) first runs every notebook under nbval, which stores
    each successful execution in the jupyter-cache named by ``CELLSEG_NB_CACHE``; the build
    then takes the outputs from there instead of running the notebooks again. Without that
    variable (a plain ``pytest``), the build starts from an empty cache and runs them itself.
    ``CELLSEG_BOOK_DIR`` names the output folder (a temporary one by default).
    """
    out = Path(os.environ.get("CELLSEG_BOOK_DIR") or tmp_path_factory.mktemp("book"))
    cache = os.environ.get("CELLSEG_NB_CACHE") or str(out / ".jupyter_cache")
    config = out / "_config.yml"
    out.mkdir(parents=True, exist_ok=True)
    settings = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    settings["execute"]["cache"] = str(Path(cache).resolve())  # the tests' executions
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    result = subprocess.run(
        [_jupyter_book(), "build", str(ROOT), "--builder", "html", "--config", str(config),
         "-W", "-n", "--keep-going", "--path-output", str(out)],
        capture_output=True, text=True, cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"},
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    return out / "_build" / "html", log


# --- the browser tests' fixtures (tests/browser/); one conftest.py for the whole suite, so that
# --- --doctest-modules never meets two modules named conftest


@pytest.fixture(scope="session")
def book_pages(root, built_book):
    """Every page of the table of contents, and the search page: name -> file:// URL."""
    import notebooks  # tools/notebooks.py

    html, _ = built_book  # the one build of the test run
    pages = {name: (html / f"{name}.html").as_uri() for name in notebooks.toc_entries(root)}
    pages["search"] = (html / "search.html").as_uri() + "?q=threshold"  # a word every lesson uses
    return pages


@pytest.fixture(scope="session")
def walk(book_pages, built_book):
    """Every page opened in Chromium (desktop and phone): name -> book_browser.PageResult."""
    import book_browser

    chromium = book_browser.find_chromium()
    if chromium is None:
        pytest.fail("no Chromium found: install one (Debian: apt-get install chromium), set "
                    "CELLSEG_CHROMIUM to its path, or deselect these tests with -m 'not browser'")
    results = book_browser.walk_book(chromium, book_pages)
    report = built_book[0].parent.parent / "browser-report.txt"
    report.write_text(book_browser.summary(results) + "\n")
    return results
