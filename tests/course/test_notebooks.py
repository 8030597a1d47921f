"""The notebooks are consistent: paired, generated, listed, and set up to run anywhere."""

import json
import re

import jupytext
import pytest
import yaml

import notebooks  # tools/notebooks.py

NOTEBOOK_DIRS = ("lessons", "exercises", "solutions")


def _all_md(root):
    return sorted(p for d in NOTEBOOK_DIRS for p in (root / d).glob("*.md"))


def _ids(paths, root):
    return [str(p.relative_to(root)) for p in paths]


def _cells(nb):
    return [
        (c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", [])))
        for c in nb.cells
    ]


def test_every_notebook_has_its_twin(root):
    md = {p.with_suffix("") for p in _all_md(root)}
    ipynb = {p.with_suffix("") for d in NOTEBOOK_DIRS for p in (root / d).glob("*.ipynb")}
    assert md == ipynb, f"unpaired: {sorted(str(p) for p in md ^ ipynb)}"


def test_pairs_have_the_same_cells(root):
    for md in _all_md(root):
        a = jupytext.read(md)
        b = jupytext.read(md.with_suffix(".ipynb"))
        assert _cells(a) == _cells(b), (
            f"{md.relative_to(root)} and its .ipynb differ: run .venv/bin/python tools/notebooks.py"
        )


def test_ipynb_files_are_committed_without_outputs(root):
    for md in _all_md(root):
        nb = json.loads(md.with_suffix(".ipynb").read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python3"
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, md


def test_generated_files_are_up_to_date(root):
    stale = notebooks.out_of_date()
    assert not stale, f"out of date: {[str(p.relative_to(root)) for p in stale]}; run tools/notebooks.py"


def test_every_solution_has_an_exercise_and_a_self_check(root):
    for sol in sorted((root / "solutions").glob("*.md")):
        assert (root / "exercises" / sol.name).exists()
        text = sol.read_text()
        assert re.search(r"assert check_\w+\(", text), f"{sol.name}: assert the solution passes its checker"


def test_the_exercise_generator_rules():
    nb = jupytext.reads(
        "# Solution: T\n\n```{code-cell} ipython3\nx = 1 + 1  # SOLUTION\n"
        "for i in range(3):\n    # BEGIN SOLUTION\n    y = i\n    # END SOLUTION\n"
        "check(x)\n```\n\n+++ {\"tags\": [\"solution\"]}\n\nsecret\n",
        fmt="md:myst",
    )
    ex = notebooks.exercise_from_solution(nb, "t")
    assert ex.cells[0].source.startswith("# Exercise: T")
    assert "../solutions/t.md" in ex.cells[0].source
    assert ex.cells[1].source == (
        "x = ...  # your answer\nfor i in range(3):\n    ...  # your code here\ncheck(x)"
    )
    assert len(ex.cells) == 2  # the solution-only cell is gone
    bad = jupytext.reads("# Solution: T\n\n```{code-cell} ipython3\nprint(1)  # SOLUTION\n```\n", fmt="md:myst")
    with pytest.raises(ValueError, match="only marks an assignment"):
        notebooks.exercise_from_solution(bad, "t")
    untitled = jupytext.reads("# T\n", fmt="md:myst")
    with pytest.raises(ValueError, match="# Solution:"):
        notebooks.exercise_from_solution(untitled, "t")


def test_an_exercise_cell_left_to_the_learner_says_fill_in_not_ellipsis(tmp_path):
    """A cell that is all the learner's code ends in a line that prints what to do: run untouched,
    it must not show ``Ellipsis``."""
    import subprocess
    import sys

    nb = jupytext.reads(
        "# Solution: T\n\n```{code-cell} ipython3\nimport math\n\n# BEGIN SOLUTION\nprint(math.pi)\n"
        "# END SOLUTION\n```\n",
        fmt="md:myst",
    )
    source = notebooks.exercise_from_solution(nb, "t").cells[1].source
    assert source.splitlines()[-1] == notebooks.FILL_IN and "..." not in source
    result = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().startswith("Fill in this cell: replace this line with your code")
    assert "Ellipsis" not in result.stdout + result.stderr


def test_every_notebook_is_in_the_table_of_contents(root):
    listed = set(notebooks.toc_entries(root))
    notebooks_ = {str(p.relative_to(root).with_suffix("")) for p in _all_md(root)}
    assert notebooks_ <= listed, f"not in _toc.yml: {sorted(notebooks_ - listed)}"
    for entry in listed:
        assert (root / f"{entry}.md").exists(), f"_toc.yml lists {entry} but {entry}.md is missing"


def test_first_code_cell_is_the_set_up_cell_from_the_configured_repository(root):
    config = yaml.safe_load((root / "_config.yml").read_text())["repository"]
    expected = notebooks.setup_cell(root)
    assert f'COURSE = "{config["url"]}"' in expected
    assert f"archive/refs/heads/{config['branch']}.zip" in expected
    for md in _all_md(root):
        nb = jupytext.read(md)
        first = next(c for c in nb.cells if c.cell_type == "code")
        assert first.source.strip() == expected, f"{md.relative_to(root)}: first code cell; run tools/notebooks.py"
        assert "remove-cell" in first.metadata.get("tags", []), md


def test_set_up_cell_does_nothing_in_the_course_environment(root, monkeypatch):
    import subprocess

    def no_install(*args, **kwargs):
        raise AssertionError(f"the set-up cell ran {args} although the course is installed")

    monkeypatch.setattr(subprocess, "run", no_install)
    exec(compile(notebooks.setup_cell(root), "set-up cell", "exec"), {})


def test_set_up_cell_without_network_says_in_one_sentence_how_to_set_up(root, tmp_path):
    """No course packages (-S hides them) and no network: one clear sentence, no install."""
    import os
    import subprocess
    import sys

    source = notebooks.setup_cell(root).replace(
        yaml.safe_load((root / "_config.yml").read_text())["repository"]["url"], "http://127.0.0.1:9/course"
    )
    env = {**os.environ, "PIP_RETRIES": "0", "PIP_TIMEOUT": "3", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    result = subprocess.run([sys.executable, "-I", "-S", "-c", source], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=120)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("SetUpFirst: The course's packages could not be installed"), result.stderr
    assert "connect to the internet" in last and "http://127.0.0.1:9/course#readme" in last
    assert "Installing the course's packages" in result.stdout
    # pip's own last lines come before it, so the real reason is on the screen
    said = result.stderr.split("pip's last lines:", 1)[1]
    assert "127.0.0.1" in said and "ERROR" in said, result.stderr


def test_set_up_cell_shows_pips_error_when_it_is_not_the_network(root, tmp_path):
    """An install that fails for another reason (here a broken archive) shows pip's last lines and
    does not guess the network."""
    import os
    import subprocess
    import sys

    archive = tmp_path / "course" / "archive" / "refs" / "heads"
    archive.mkdir(parents=True)
    branch = yaml.safe_load((root / "_config.yml").read_text())["repository"].get("branch", "main")
    (archive / f"{branch}.zip").write_bytes(b"this is no zip archive")
    url = (tmp_path / "course").as_uri()
    source = notebooks.setup_cell(root).replace(
        yaml.safe_load((root / "_config.yml").read_text())["repository"]["url"], url
    )
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    result = subprocess.run([sys.executable, "-I", "-S", "-c", source], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=120)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("SetUpFirst: The course's packages could not be installed (pip's last lines above"), last
    assert "internet" not in last and "network" not in last
    said = result.stderr.split("pip's last lines:", 1)[1].split("SetUpFirst:")[0]
    assert "not a zip file" in said, result.stderr  # pip's own reason


def test_first_cell_is_the_title(root):
    for md in _all_md(root):
        nb = jupytext.read(md)
        assert nb.cells[0].cell_type == "markdown"
        assert nb.cells[0].source.startswith("# "), md


def test_structure_comes_from_the_front_matter(root):
    structure = notebooks.course_structure(root)
    assert [lesson["name"] for lesson, _ in structure] == notebooks.lesson_order(root)
    exercises = [e["name"] for _, ex in structure for e in ex]
    assert sorted(exercises) == sorted(p.stem for p in (root / "solutions").glob("*.md"))
    for lesson, ex in structure:
        assert lesson["minutes"] > 0 and all(e["minutes"] > 0 and e["lesson"] == lesson["name"] for e in ex)
    # the generated blocks say what the front matter says
    intro = (root / "book" / "intro.md").read_text()
    for lesson, ex in structure:
        assert f"[{lesson['title']}](../lessons/{lesson['name']}.md) | {lesson['minutes']} |" in intro
        page = (root / "lessons" / f"{lesson['name']}.md").read_text()
        for e in ex:
            assert f"(../exercises/{e['name']}.md)" in page


def test_structure_rejects_incomplete_front_matter(root, tmp_path):
    import shutil

    for folder in ("lessons", "solutions"):
        shutil.copytree(root / folder, tmp_path / folder)
    shutil.copy(root / "_toc.yml", tmp_path / "_toc.yml")
    path = tmp_path / "solutions" / "watershed.md"
    path.write_text(path.read_text().replace("  lesson: splitting\n", "  lesson: no-such-lesson\n"))
    with pytest.raises(ValueError, match="no-such-lesson"):
        notebooks.course_structure(tmp_path)


def test_workshop_schedule_adds_up(root):
    import workshop

    structure = notebooks.course_structure(root)
    minutes = {**{les["title"]: les["minutes"] for les, _ in structure},
               **{e["title"]: e["minutes"] for _, ex in structure for e in ex}}
    days = workshop.schedule(structure)
    taught = sum(end - start for day in days for start, end, kind, *_ in day if kind != "Break")
    assert taught == sum(les["minutes"] + sum(e["minutes"] for e in ex) for les, ex in structure)
    for day in days:
        assert day[0][0] == workshop.START and day[-1][1] <= workshop.DAY_END
        assert all(a[1] == b[0] for a, b in zip(day, day[1:])), "items follow each other without gaps"
    for name, track in workshop.TRACKS.items():
        days = workshop.schedule(structure, name)
        assert len(days) == track.get("days", 1), name
        for day in days:
            assert day[0][0] == workshop.START and day[-1][1] <= track["end"], name
            # each day is full: at most SLACK minutes between its last item and the track's end
            assert track["end"] - day[-1][1] <= workshop.SLACK, (name, workshop.unused(structure, name))
            assert all(a[1] == b[0] for a, b in zip(day, day[1:])), name
        for start, end, kind, title, length in (item for day in days for item in day):
            assert end - start == length
            if kind != "Break":  # every item takes the minutes of its own front matter
                assert minutes[title.split("](")[0].lstrip("[")] == length
        names = {t.split("/")[-1].split(".md")[0] for day in days for _, _, kind, t, _ in day if kind != "Break"}
        assert names == set(track["lessons"]) | set(track["exercises"]), name
        workshop.check_track(structure, name, root)  # prerequisites respected
    assert workshop.TRACKS["three-hours"]["end"] - workshop.START == 180
    assert {track.get("days", 1) for track in workshop.TRACKS.values()} == {1, 2}


def test_the_three_hour_track_reaches_object_metrics_with_hands_on_segmentation():
    import workshop

    track = workshop.TRACKS["three-hours"]
    assert "object-metrics" in track["lessons"] and "count-range" in track["exercises"]
    assert workshop.TRACKS["one-day"]["end"] == workshop.TRACKS["two-days"]["end"] == workshop.DAY_END

def test_a_track_that_does_not_fit_is_refused(root, monkeypatch):
    import workshop

    structure = notebooks.course_structure(root)
    original = dict(workshop.TRACKS["three-hours"])
    longer = dict(original, lessons=[les["name"] for les, _ in structure])
    monkeypatch.setitem(workshop.TRACKS, "three-hours", longer)
    with pytest.raises(ValueError, match="does not fit"):
        workshop.check_track(structure, "three-hours")
    orphan = dict(original, exercises=["watershed"])
    monkeypatch.setitem(workshop.TRACKS, "three-hours", orphan)
    with pytest.raises(ValueError, match="watershed"):
        workshop.check_track(structure, "three-hours")


def test_track_notes_count_from_the_data_and_respect_prerequisites(root, monkeypatch):
    import workshop

    structure = notebooks.course_structure(root)
    exercises = [e for _, ex in structure for e in ex]
    notes = (root / "book" / "instructor-notes.md").read_text()
    needs = workshop.lesson_prerequisites(structure, root)
    for name, track in workshop.TRACKS.items():
        note = workshop.track_note(structure, name, root)
        assert note in notes  # the generated block holds it
        taken = [e for e in exercises if e["name"] in track["exercises"]]
        assert f"It takes {len(taken)} of the {len(exercises)} exercises" in note
        assert f"the other {len(exercises) - len(taken)} afterwards" in note
        assert all(f"(../exercises/{e['name']}.md)" in note for e in taken)
        assert f"It teaches {len(track['lessons'])} of the {len(structure)} lessons" in note
        for lesson in track["lessons"]:  # every lesson a taken one builds on is taught or read first
            for before in needs[lesson]:
                assert before in track["lessons"] or f"(../lessons/{before}.md)" in note, (name, lesson, before)
    # the data the prerequisites come from: a lesson's opening links to an earlier lesson
    assert any(needs.values()), "no lesson builds on another: the check below would test nothing"
    lesson, before = next((n, p[0]) for n, p in needs.items() if p)
    bare = {"title": "t", "end": 23 * 60, "breaks": (), "lessons": [lesson], "exercises": []}
    monkeypatch.setitem(workshop.TRACKS, "bare", bare)
    with pytest.raises(ValueError, match=f"{lesson} builds on {before}"):
        workshop.check_track(structure, "bare", root)
    monkeypatch.setitem(workshop.TRACKS, "bare", dict(bare, beforehand=[before]))
    workshop.check_track(structure, "bare", root)
    assert "Participants read [" in workshop.track_note(structure, "bare", root)


def test_prerequisites_name_what_the_answers_use(root):
    import workshop

    notes = (root / "book" / "instructor-notes.md").read_text()
    # the examples the issue found: a dict of scores, peak_local_max, ndi.mean
    assert "**dicts**" in notes and "`peak_local_max`" in notes and "`ndi.mean`" in notes
    features, calls = workshop.analyse("s = {c: [f(i) for i in x] for c in y}\nm = ndi.mean(a, b)\nfor k in z: pass")
    assert features == ["dicts", "for loops", "list comprehensions"] and calls == ["f", "ndi.mean"]
    code = workshop.answer_code((root / "solutions" / "watershed.md").read_text())
    assert "peak_local_max(" in code and "import" not in code


#: Words that would point a reader at material the course was written from and the reader
#: never has ("the slide", "lecture notes", "seed 004"): a common mistake is taught as a
#: common slip, never attributed.
_OUTSIDE_MATERIAL = re.compile(
    r"\b(?:the|a|this|that|our) slides?\b|\blecture|\bsource material|\bseeds?[ _-]?\d{3}\b|shared/seeds", re.I)


def test_nothing_points_at_material_the_reader_does_not_have(root):
    files = [p for folder in ("book", "lessons", "exercises", "solutions", "cellseg", "cellseg_course", "tools")
             for p in (root / folder).rglob("*") if p.suffix in (".md", ".py", ".json", ".yml")]
    files += [root / name for name in ("README.md", "CONTRIBUTING.md", "_config.yml", "_toc.yml")]
    assert len(files) > 50
    found = [f"{p.relative_to(root)}:{i}: {line.strip()[:80]}"
             for p in files for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if _OUTSIDE_MATERIAL.search(line)]
    assert not found, "\n".join(found)
