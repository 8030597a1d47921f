"""`course.py page` reports a notebook that failed to run as a failure (myst-nb only warns)."""

import sys
import types

import pytest

NOTEBOOK = """\
---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A page whose code fails

```{code-cell} ipython3
1 / 0
```
"""


@pytest.mark.book
@pytest.mark.own_build
def test_a_failed_notebook_is_found_in_a_real_build_log(course, tmp_path):
    """A one-page book whose notebook raises: the build 'succeeds', and failed_notebooks names the page."""
    (tmp_path / "_config.yml").write_text("title: t\nexecute:\n  execute_notebooks: force\n")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: broken\n")
    (tmp_path / "broken.md").write_text(NOTEBOOK)
    code = course.build_book(tmp_path, tmp_path, strict=False)
    log = (tmp_path / "_build" / "build.log").read_text()
    assert code == 0 and "build succeeded" in log  # what page used to report as success
    assert course.failed_notebooks(log, tmp_path) == ["broken.md (CellExecutionError)"]
    assert "Notebook exception traceback saved in: " in log  # page() names that file


def test_page_fails_in_one_line_on_a_failed_notebook(root, course, tmp_path, monkeypatch, capsys):
    log = tmp_path / "_build" / "build.log"

    def build_book(source, output, *, strict=True, execute=True):
        log.parent.mkdir(parents=True)
        log.write_text(f"{root}/lessons/pipeline.md: WARNING: Executing notebook failed: CellExecutionError "
                       "[mystnb.exec]\nlessons/pipeline.md: WARNING: Notebook exception traceback saved in: "
                       "/b/reports/pipeline.err.log [mystnb.exec]\nbuild succeeded, 2 warnings.\n")
        page = course.page_address(root / "lessons" / "pipeline.md", output)
        page.parent.mkdir(parents=True)
        page.write_text("<html></html>")
        return 0

    monkeypatch.setattr(course, "build_book", build_book)
    monkeypatch.setattr(course, "ensure_environment", lambda **kwargs: sys.executable)
    args = types.SimpleNamespace(file="lessons/pipeline.md", output=str(tmp_path), no_execute=False)
    with pytest.raises(SystemExit) as stopped:
        course.page(args)
    assert stopped.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["[course] ERROR: 1 notebook(s) failed to run: lessons/pipeline.md (CellExecutionError); the "
                   "first traceback is in /b/reports/pipeline.err.log."]


def test_failed_notebooks_ignores_other_warnings(course):
    log = "x.md: WARNING: glue target not found\nbuild succeeded, 1 warning.\n"
    assert course.failed_notebooks(log) == []
