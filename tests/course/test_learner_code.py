"""The book shows only the learner's code (cellseg_course.learner_code), in lines that fit."""

import re

import jupytext
import pytest

from cellseg_course.learner_code import MAX_LINE, learner_source, learner_sources, needs_a_kernel

HIDDEN = {"remove-cell", "remove_cell", "remove-input", "remove_input"}
MACHINERY = re.compile(r"\bglue\(|^\s*assert\b|#\s*(BEGIN|END)\s+SOLUTION\b|#\s*SOLUTION\s*$")


def test_a_glue_call_over_several_lines_goes_whole_with_its_comment():
    source = ("x = 2\n"
              "# for the prose\n"
              "glue(\"x\",\n"
              "     x)\n"
              "y = x + 1")
    assert learner_source(source) == "x = 2\ny = x + 1"


def test_asserts_and_explorer_building_go_the_learners_code_stays():
    source = ("n = count(cells)\n"
              "assert n == 8, n\n"
              "explorer = static_explorer(update, {'t': [1, 2]}, name='e',\n"
              "                           prompts=[prompt('Try 2', t=2)])\n"
              "print(n)")
    assert learner_source(source) == "n = count(cells)\nprint(n)"


def test_a_loop_of_glue_calls_goes_a_loop_that_also_computes_keeps_its_work():
    source = ("for k, v in d.items():\n"
              "    glue(k, v)\n"
              "for k in d:\n"
              "    total += d[k]\n"
              "    assert total > 0\n")
    assert learner_source(source) == "for k in d:\n    total += d[k]"


def test_imports_only_machinery_used_go_the_others_stay():
    cells = ["import numpy as np\nfrom cellseg_course import glue\nfrom math import pi, tau",
             "r = np.sqrt(2) * pi\nglue('r', r)\nassert tau > 0"]
    # tau was used only by the assert: it goes from the import, pi stays
    assert learner_sources(cells) == ["import numpy as np\nfrom math import pi", "r = np.sqrt(2) * pi"]


def test_a_cell_of_machinery_only_is_empty():
    assert learner_sources(["from cellseg_course import glue\nglue('a', 1)\nassert True"]) == [""]


def test_solution_markers_never_show():
    source = "# BEGIN SOLUTION\nlabels = watershed(image)\n# END SOLUTION\nn = labels.max()  # SOLUTION"
    assert learner_source(source) == "labels = watershed(image)\nn = labels.max()"


def test_long_lines_are_laid_out_again_the_rest_is_untouched():
    long_call = "result = some_function(" + ", ".join(f"argument_{i}" for i in range(12)) + ")"
    source = f"a = 1  # short\n{long_call}\nb = [1,2]"
    shown = learner_source(source)
    assert max(map(len, shown.split("\n"))) <= MAX_LINE
    assert shown.startswith("a = 1  # short\n") and shown.endswith("\nb = [1,2]")
    compile(shown, "<shown>", "exec")


def test_cells_that_need_a_kernel_are_recognised():
    assert needs_a_kernel("import ipywidgets as widgets\nlive_explorer(f, {'t': widgets.IntSlider()})")
    assert not needs_a_kernel("static = 1")


def _shown_code(path):
    nb = jupytext.read(path)
    cells = [c for c in nb.cells if c.cell_type == "code" and not HIDDEN & set(c.metadata.get("tags", []))]
    return learner_sources([c.source for c in cells])


@pytest.fixture(scope="module")
def notebooks(root):
    paths = sorted(p for folder in ("lessons", "exercises", "solutions") for p in (root / folder).glob("*.md"))
    assert paths
    return {str(p.relative_to(root)): _shown_code(p) for p in paths}


def test_no_shown_code_line_is_longer_than_88_characters(notebooks):
    long = {name: [line for cell in cells for line in cell.split("\n") if len(line) > MAX_LINE]
            for name, cells in notebooks.items()}
    long = {name: lines for name, lines in long.items() if lines}
    assert not long, f"shown code lines over {MAX_LINE} characters: {long}"


def test_no_shown_code_line_is_machinery(notebooks):
    found = {name: [line for cell in cells for line in cell.split("\n") if MACHINERY.search(line)]
             for name, cells in notebooks.items()}
    found = {name: lines for name, lines in found.items() if lines}
    assert not found, f"glue, build asserts or solution markers shown: {found}"


def test_shown_code_is_still_python(notebooks):
    for name, cells in notebooks.items():
        for cell in cells:
            if cell and not re.search(r"^\s*[%!]", cell, re.M):
                compile(cell, name, "exec")


def test_importing_the_live_explorer_beside_learner_code_does_not_fold_the_cell():
    assert not needs_a_kernel("from cellseg_course.explorers import live_explorer\ndef swipe(c):\n    return c")
