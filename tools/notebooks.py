"""Keep the course consistent: pair the notebooks, generate the exercises and the book's structure.

The MyST-markdown files (``.md``) are the sources, and each notebook's front
matter says what it is: a lesson (an episode) has ``course: {kind: lesson, part,
teaching, questions, objectives, keypoints}``, an exercise ``course: {kind: exercise,
lesson, minutes, summary, position}`` (see CONTRIBUTING.md). This script

1. writes every ``exercises/NAME.md`` from ``solutions/NAME.md`` (the solution is
   the single source of an exercise; see CONTRIBUTING.md for the markers);
2. writes every ``.ipynb`` from its ``.md`` twin, without outputs;
3. writes, from the front matter, the generated blocks of the book's structure:
   the lesson parts of ``_toc.yml`` (each lesson with its exercises and their
   solutions), the learning path on the landing page, the timings and workshop plans
   in the instructor notes, each episode's overview (teaching and exercise minutes,
   questions, objectives), key points and list of exercises, and ``book/keypoints.md``;
4. writes the first code cell of every notebook, the set-up cell, from the
   repository's address in ``_config.yml`` (see :func:`setup_cell`).

Run it after editing any notebook::

    .venv/bin/python tools/notebooks.py          # rewrite what is out of date
    .venv/bin/python tools/notebooks.py --check  # only report (exit 1 if out of date)
    .venv/bin/python tools/notebooks.py solutions/do-the-math.md   # only this notebook's files

Unlike ``jupytext --sync`` it never looks at modification times: the ``.md``
always wins, so an edit of a ``.md`` can never be silently reverted.
"""

import argparse
import copy
import hashlib
import re
import sys
import textwrap
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("lessons", "exercises", "solutions")
FORMATS = "ipynb,md:myst"

SOLUTION_TITLE = re.compile(r"^# Solution: ", re.MULTILINE)
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
INLINE = re.compile(r"^(?P<indent>\s*)(?P<lhs>[^=#]+?)\s*=\s*.*?#\s*SOLUTION\s*$")


def toc_entries(root=ROOT):
    """Every page listed in ``_toc.yml`` (the root first), as paths without suffix."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                yield node["file"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return [toc["root"], *walk(toc)]


def read(path):
    return jupytext.read(path)


def _tags(cell):
    return list(cell.get("metadata", {}).get("tags", []))


def exercise_from_solution(solution, name):
    """Return the exercise notebook made from a solution notebook.

    - The first line ``# Solution: X`` becomes ``# Exercise: X`` followed by a
      pointer to the solution page.
    - Cells tagged ``solution`` are dropped.
    - In code cells, the lines between ``# BEGIN SOLUTION`` and
      ``# END SOLUTION`` become ``...  # your code here``, and a line
      ``name = expression  # SOLUTION`` becomes ``name = ...  # your answer``.
    """
    nb = copy.deepcopy(solution)
    cells = []
    titled = False
    for cell in nb.cells:
        if "solution" in _tags(cell):
            continue
        if cell.cell_type == "markdown" and not titled:
            if not SOLUTION_TITLE.match(cell.source):
                raise ValueError(
                    f"solutions/{name}.md: the first markdown cell must start with "
                    "'# Solution: <title>' (the exercise gets '# Exercise: <title>')."
                )
            minutes = nb.metadata.get("course", {}).get("minutes")
            cell.source = (
                SOLUTION_TITLE.sub("# Exercise: ", cell.source, count=1).rstrip()
                + (f"\n\n**Time:** about {minutes} minutes." if minutes else "")
                + f"\n\n*When you have finished, compare with the "
                f"[worked solution](../solutions/{name}.md).*"
            )
            titled = True
        elif cell.cell_type == "code":
            cell.source = _strip_code(cell.source, name)
        cells.append(cell)
    nb.cells = cells
    return nb


def _strip_code(source, name):
    out, inside = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"solutions/{name}.md: nested '{BEGIN}'.")
            inside = True
            out.append(line[: len(line) - len(line.lstrip())] + "...  # your code here")
            continue
        if stripped == END:
            if not inside:
                raise ValueError(f"solutions/{name}.md: '{END}' without '{BEGIN}'.")
            inside = False
            continue
        if inside:
            continue
        match = INLINE.match(line)
        if match:
            out.append(f"{match['indent']}{match['lhs'].strip()} = ...  # your answer")
        elif re.search(r"#\s*SOLUTION\s*$", line):
            raise ValueError(
                f"solutions/{name}.md: '# SOLUTION' only marks an assignment line "
                f"'name = expression  # SOLUTION', not: {line.strip()!r}"
            )
        else:
            out.append(line)
    if inside:
        raise ValueError(f"solutions/{name}.md: '{BEGIN}' without '{END}'.")
    last = max((i for i, line in enumerate(out) if line.strip()), default=None)
    if last is not None and out[last] == CODE_HERE:
        # A cell that ends with ``...`` would show "Ellipsis" when run untouched: say what to do.
        out[last] = FILL_IN
    return "\n".join(out)


CODE_HERE = "...  # your code here"
#: the last line of an exercise cell whose code is all the learner's (instead of ``...``)
FILL_IN = 'print("Fill in this cell: replace this line with your code, then run the cell again.")'


def _set_formats(nb):
    nb.metadata.setdefault("jupytext", {})["formats"] = FORMATS
    return nb


def ipynb_text(nb):
    """The .ipynb text for a notebook: no outputs, no execution counts."""
    nb = copy.deepcopy(nb)
    seen = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        # Stable ids (jupytext makes random ones): a hash of the cell's text.
        cell_id = hashlib.sha1(cell.source.encode("utf-8")).hexdigest()[:8]
        while cell_id in seen:
            cell_id = hashlib.sha1(cell_id.encode()).hexdigest()[:8]
        seen.add(cell_id)
        cell.id = cell_id
    return jupytext.writes(_set_formats(nb), fmt="ipynb")


def md_text(nb):
    return jupytext.writes(_set_formats(copy.deepcopy(nb)), fmt="md:myst")


# --------------------------------------------------------------------------- structure


def front_matter(path):
    """The ``course`` block of a notebook's front matter, with its name and title."""
    nb = read(path)
    course = dict(nb.metadata.get("course") or {})
    if not course:
        raise ValueError(f"{path.relative_to(ROOT)}: the front matter has no 'course:' block (see CONTRIBUTING.md).")
    title = next(
        (c.source.split("\n", 1)[0][2:].strip() for c in nb.cells
         if c.cell_type == "markdown" and c.source.startswith("# ")),
        path.stem,
    )
    course.update(name=path.stem, title=re.sub(r"^Solution: ", "", title))
    return course


def lesson_order(root=ROOT):
    """The lessons, in the order of the "Lessons" part of ``_toc.yml``."""
    return [page.split("/", 1)[1] for page in toc_entries(root) if page.startswith("lessons/")]


def course_structure(root=ROOT):
    """``[(lesson, [exercise, ...]), ...]`` in book order, each a dict of its front matter."""
    lessons = {p.stem: front_matter(p) for p in (root / "lessons").glob("*.md")}
    exercises = [front_matter(p) for p in sorted((root / "solutions").glob("*.md"))]
    order = lesson_order(root)
    missing = sorted(set(lessons) - set(order))
    if missing:
        raise ValueError(f"lessons not in the lesson parts of _toc.yml: {missing}; add their lines there.")
    for info in [*lessons.values(), *exercises]:
        kind = "lesson" if info["name"] in lessons else "exercise"
        need = {"lesson": LESSON_KEYS, "exercise": ("kind", "lesson", "minutes", "summary")}[kind]
        absent = [k for k in need if k not in info]
        if absent or info["kind"] != kind:
            raise ValueError(f"{info['name']}: its 'course:' front matter needs kind: {kind} and {', '.join(need)}"
                             f" (missing: {', '.join(absent) or 'kind: ' + kind}; see CONTRIBUTING.md).")
        if kind == "lesson":
            _check_episode(info)
            info["minutes"] = info["teaching"]  # what the schedules and tables call a lesson's minutes
        if kind == "exercise" and info["lesson"] not in lessons:
            raise ValueError(f"exercise {info['name']} belongs to lesson {info['lesson']!r}, which does not exist.")
    by_lesson = {name: [] for name in order}
    for info in sorted(exercises, key=lambda e: (e.get("position", 99), e["name"])):
        by_lesson[info["lesson"]].append(info)
    for name, exs in by_lesson.items():
        lessons[name]["exercise_minutes"] = sum(e["minutes"] for e in exs)
    return [(lessons[name], by_lesson[name]) for name in order]


#: the front matter of a lesson page (an episode): ``course: {kind: lesson, ...}``
LESSON_KEYS = ("kind", "part", "teaching", "questions", "objectives", "keypoints")


def _check_episode(info):
    """Refuse an episode's front matter whose values are not what the generated blocks need."""
    name = info["name"]
    if "minutes" in info:  # teaching minutes are defined once, as teaching:
        raise ValueError(f"lessons/{name}.md: a lesson states its time as 'teaching:', not 'minutes:' "
                         "(minutes: is an exercise's time); remove 'minutes:'.")
    if not isinstance(info["teaching"], int) or isinstance(info["teaching"], bool) or info["teaching"] <= 0:
        raise ValueError(f"lessons/{name}.md: 'teaching:' is the whole number of minutes the page takes "
                         f"(got {info['teaching']!r}).")
    for key in ("questions", "objectives", "keypoints"):
        value = info[key]
        if not (isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)):
            raise ValueError(f"lessons/{name}.md: '{key}:' is a list of sentences (YAML '- ...' lines), "
                             f"got {value!r}.")


def _links(exercises, folder="../exercises"):
    return ", ".join(f"[{e['title']}]({folder}/{e['name']}.md)" for e in exercises)


def _learning_path(structure):
    rows = ["| Part | Lesson | Teaching (minutes) | Exercises (minutes) |", "|---|---|---|---|"]
    part = None
    for lesson, exercises in structure:
        shown = lesson["part"] if lesson["part"] != part else ""
        part = lesson["part"]
        ex = ", ".join(f"[{e['title']}](../exercises/{e['name']}.md) ({e['minutes']})" for e in exercises)
        rows.append(f"| {shown} | [{lesson['title']}](../lessons/{lesson['name']}.md) | {lesson['minutes']} | {ex} |")
    return "\n".join(rows)


def _lesson_exercises(exercises):
    if not exercises:
        return ""
    lines = ["## Exercises", ""]
    lines += [f"- [{e['title']}](../exercises/{e['name']}.md) ({e['minutes']} min): {e['summary']}"
              for e in exercises]
    return "\n".join(lines)


def _toc_parts(structure):
    """The lessons, one sidebar caption per part: each with its exercises, each exercise with its solution.

    A learner's path: "next" after a lesson opens its first exercise, and after its last
    exercise the next lesson; the sidebar shows the lessons, each exercise (with its time)
    folded under its lesson and each solution under its exercise. The book's build takes the
    solutions out of the "next" chain (cellseg_course.learner_book): a solution is reached
    from its exercise.
    """
    lines, part = [], None
    for lesson, exercises in structure:
        if lesson["part"] != part:  # the sidebar's parts, from the lessons' front matter
            part = lesson["part"]
            lines += [f"  - caption: \"{part}\"", "    chapters:"]
        lines.append(f"      - file: lessons/{lesson['name']}")
        if exercises:
            lines.append("        sections:")
        for e in exercises:
            lines += [f"          - file: exercises/{e['name']}",
                      f"            title: \"Exercise: {e['title']} ({e['minutes']} min)\"",
                      "            sections:",
                      f"              - file: solutions/{e['name']}"]
    return "\n".join(lines)


def _markers(name, comment):
    """The begin and end lines of a generated block: ``% ...`` (MyST), ``# ...`` (YAML) or ``<!-- ... -->``."""
    begin = f"BEGIN GENERATED {name} (tools/notebooks.py writes this block; do not edit it)"
    end = f"END GENERATED {name}"
    if comment == "html":  # invisible in the book and in a notebook opened in Jupyter alike
        return f"<!-- {begin} -->", f"<!-- {end} -->"
    return f"{comment} {begin}", f"{comment} {end}"


def _replace_block(text, name, body, path, comment="%"):
    begin, end = _markers(name, comment)
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"{path.relative_to(ROOT)}: missing the block markers\n{begin}\n{end}")
    return pattern.sub(lambda m: f"{begin}\n{body}\n{end}" if body else f"{begin}\n{end}", text)


# --------------------------------------------------------------------------- episodes

#: cells with these tags show no code on the page: they take no teaching time
HIDDEN_CODE = {"remove-cell", "remove-input", "hide-input"}
WORDS_PER_MINUTE = 100  #: reading speed of the prose, words per minute
MINUTES_PER_CELL = 1  #: typing and running one shown code cell
GENERATED_HTML = re.compile(r"<!-- BEGIN GENERATED (\S+) .*?<!-- END GENERATED \1 -->", re.S)
GENERATED_MYST = re.compile(r"^% BEGIN GENERATED (\S+) .*?^% END GENERATED \1$", re.S | re.M)


def measure(nb):
    """``(words, shown code cells, minutes)`` of a lesson notebook: its measured teaching time.

    The prose is every markdown cell's words (the generated overview, key points and
    exercise list left out: they repeat the page); a code cell counts unless it is tagged
    to hide its code (``remove-cell``, ``remove-input``, ``hide-input``). Minutes are
    ``words / 100 + 1 per shown cell``, rounded.
    """
    words = cells = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            words += len(GENERATED_MYST.sub("", GENERATED_HTML.sub("", cell.source)).split())
        elif cell.cell_type == "code" and not HIDDEN_CODE & set(_tags(cell)):
            cells += 1
    return words, cells, round(words / WORDS_PER_MINUTE + cells * MINUTES_PER_CELL)


def _items(values):
    """A Markdown list, each item wrapped at 88 characters."""
    return "\n".join(textwrap.fill(" ".join(v.split()), 88, initial_indent="- ", subsequent_indent="  ",
                                    break_on_hyphens=False, break_long_words=False) for v in values)


def _overview(lesson):
    """The Carpentries overview under an episode's title: times, questions, objectives."""
    exercises = lesson.get("exercise_minutes", 0)
    return (f'<div class="cellseg-episode cellseg-overview">\n\n'
            f"**Overview.** Teaching: {lesson['teaching']} min · Exercises: {exercises} min\n\n"
            f"**Questions**\n\n{_items(lesson['questions'])}\n\n"
            f"**Objectives**\n\n{_items(lesson['objectives'])}\n\n</div>")


def _keypoints(lesson):
    """The key points at the end of an episode."""
    return (f'<div class="cellseg-episode cellseg-keypoints">\n\n'
            f"**Key points**\n\n{_items(lesson['keypoints'])}\n\n</div>")


def _with_block(text, name, body, path, where):
    """``text`` with its generated block ``name`` (HTML-comment markers) holding ``body``.

    A page that has no such block yet gets it at ``where(text)`` (a character offset).
    """
    begin, end = _markers(name, "html")
    if begin not in text:
        at = where(text)
        text = text[:at] + f"{begin}\n{end}\n\n" + text[at:]
    return _replace_block(text, name, body, path, comment="html")


def _under_title(text):
    """Just after the page's ``# Title`` line (and its blank line)."""
    match = re.search(r"^# .*\n\n?", text, re.M)
    return match.end() if match else 0


def _before_exercises(text):
    """Just before the generated list of exercises, or at the end of the page."""
    for comment in ("html", "%"):
        at = text.find(_markers("exercises", comment)[0])
        if at >= 0:
            return at
    return len(text.rstrip("\n")) + 1 if text.endswith("\n") else len(text)


def keypoints_page(structure):
    """``book/keypoints.md``: every episode's key points, in book order."""
    lines = ["# Key points", "",
             "The key points of every lesson, in the order of the book: a summary to review "
             "before an exercise or after a workshop.", ""]
    for lesson, _ in structure:
        if "keypoints" not in lesson:
            continue
        lines += [f"## [{lesson['title']}](../lessons/{lesson['name']}.md)", "", _items(lesson["keypoints"]), ""]
    return "\n".join(lines)

# --------------------------------------------------------------------------- practice (issue 20)

#: one reference to the practice of an objective (``practice:`` in an episode's front matter)
PRACTICE_ITEM = re.compile(r"^(?:quiz (?P<quiz>\d+)|challenge: (?P<challenge>\S.*?)|exercise (?P<exercise>[\w-]+))$")
CHALLENGE = re.compile(r"^:{3,}\{admonition\} Challenge: (?P<title>.+?)\s*$", re.M)
QUIZ_CALL = re.compile(r"show_quiz\(\s*[\"']([\w-]+)[\"']")
HEADING = re.compile(r"^(#{1,6}) +(.+?)\s*$", re.M)


def _anchor(heading):
    """The id MyST gives a heading (``myst_heading_anchors``): its text and code, lower case, hyphens."""
    text = re.sub(r"\{[\w:-]+\}`[^`]*`|\$[^$]*\$", "", heading)  # roles and maths are not in the slug
    text = re.sub(r"[`*]", "", text).strip().lower().replace(" ", "-")
    return re.sub(r"[^\w\u4e00-\u9fff\- ]", "", text)


def _section_of(text, at):
    """The anchor of the section holding character ``at`` of a page (its last heading above it)."""
    headings = [m for m in HEADING.finditer(text[:at]) if m.group(1) in ("##", "###")]  # myst_heading_anchors: 3
    return _anchor(headings[-1].group(2)) if headings else ""


def _quiz_sizes(root):
    import json

    folder = root / "cellseg_course" / "quizzes"
    return {p.stem: len(json.loads(p.read_text(encoding="utf-8"))) for p in folder.glob("*.json")}


def lesson_practice(lesson, text, exercises, quiz_sizes):
    """``[(objective, [(label, target), ...]), ...]``: what practises each objective of an episode.

    ``lesson`` is its front matter (with ``name``), ``text`` the page's source, ``exercises``
    the exercises attached to it (front matters) and ``quiz_sizes`` the number of questions of
    every quiz. ``practice:`` has one list per objective (entry i practises objective i) of
    ``quiz N`` (question N of the quiz the page shows), ``challenge: TITLE`` (a ``:::{admonition}
    Challenge: TITLE`` block of the page) or ``exercise NAME`` (an exercise of this lesson).
    Raises ``ValueError`` naming the page and the objective when a reference does not resolve.
    """
    where = f"lessons/{lesson['name']}.md"
    objectives, practice = lesson["objectives"], lesson.get("practice")
    if not isinstance(practice, list) or len(practice) != len(objectives):
        raise ValueError(f"{where}: 'practice:' needs one list per objective ({len(objectives)} objectives), "
                         f"entry i the quiz questions, challenges or exercises that practise objective i; "
                         f"got {practice!r}.")
    quizzes = QUIZ_CALL.findall(text)
    challenges = {m.group("title"): m.start() for m in CHALLENGE.finditer(text)}
    attached = {e["name"]: e for e in exercises}
    page = f"../lessons/{lesson['name']}.md"
    rows = []
    for objective, items in zip(objectives, practice):
        said = f"{where}: objective {objective!r}"
        if not (isinstance(items, list) and items):
            raise ValueError(f"{said} has no practice: list at least one 'quiz N', 'challenge: TITLE' or "
                             f"'exercise NAME' (got {items!r}).")
        refs = []
        for item in items:
            match = PRACTICE_ITEM.match(item.strip()) if isinstance(item, str) else None
            if match is None:
                hint = (" (quote it: YAML reads an unquoted 'challenge: TITLE' as a mapping)"
                        if isinstance(item, dict) else "")
                raise ValueError(f"{said}: {item!r} is not 'quiz N', 'challenge: TITLE' or 'exercise NAME'{hint}.")
            if match.group("quiz"):
                k = int(match.group("quiz"))
                if not quizzes:
                    raise ValueError(f"{said}: {item!r}, but the page shows no quiz (show_quiz(...)).")
                size = quiz_sizes.get(quizzes[0], 0)
                if not 1 <= k <= size:
                    raise ValueError(f"{said}: {item!r}, but quiz {quizzes[0]!r} has {size} questions (1 to {size}).")
                section = _section_of(text, QUIZ_CALL.search(text).start())
                refs.append((f"Quiz, question {k}", f"{page}#{section}"))
            elif match.group("challenge"):
                title = match.group("challenge")
                if title not in challenges:
                    raise ValueError(f"{said}: no ':::{{admonition}} Challenge: {title}' in the page "
                                     f"(its challenges: {sorted(challenges)}).")
                refs.append((f"Challenge: {title}", f"{page}#{_section_of(text, challenges[title])}"))
            else:
                name = match.group("exercise")
                if name not in attached:
                    raise ValueError(f"{said}: exercise {name!r} is not one of this lesson's exercises "
                                     f"({sorted(attached)}; an exercise's front matter names its lesson).")
                refs.append((f"Exercise: {attached[name]['title']}", f"../exercises/{name}.md"))
        rows.append((objective, refs))
    return rows


def objectives_page(structure, root=ROOT):
    """The generated block of ``book/objectives.md``: each episode's objectives and their practice."""
    quiz_sizes = _quiz_sizes(root)
    lines = []
    for lesson, exercises in structure:
        if "objectives" not in lesson:
            continue
        text = (root / "lessons" / f"{lesson['name']}.md").read_text(encoding="utf-8")
        lines += [f"## [{lesson['title']}](../lessons/{lesson['name']}.md)", ""]
        lines += ["| Objective | Practice |", "|---|---|"]
        rows = (lesson_practice(lesson, text, exercises, quiz_sizes) if "practice" in lesson
                else [(objective, []) for objective in lesson["objectives"]])  # tests/course/test_objectives.py fails
        for objective, refs in rows:
            cell = "<br>".join(f"[{label}]({target})" for label, target in refs) or "none yet"
            lines.append(f"| {' '.join(objective.split())} | {cell} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


SETUP_CELL = '''\
# Set-up. In the course's environment this cell does nothing. Anywhere else (Colab, Binder,
# your own Jupyter) it first installs the course's packages from its repository (a minute).
import importlib.util
import subprocess
import sys

COURSE = "{url}"
if importlib.util.find_spec("cellseg_course") is None:
    print("Installing the course's packages (about a minute)...")
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                          f"cellseg[notebooks] @ {{COURSE}}/archive/refs/heads/{branch}.zip"],
                         capture_output=True, text=True)
    if pip.returncode != 0:
        said = [line for line in (pip.stderr + pip.stdout).splitlines()
                if line.strip() and "[notice]" not in line][-3:]
        print("pip's last lines:", *said, sep="\\n  ", file=sys.stderr)
        text = " ".join(said).lower()
        if any(word in text for word in ("connect", "resolve", "network", "timed out", "proxy",
                                         "ssl", "max retries", "no matching distribution")):
            todo = "pip could not download them: connect to the internet and run this cell again"
        elif "externally-managed" in text:
            todo = "this Python refuses installs: start Jupyter from a virtual environment"
        elif "permission" in text or "errno 13" in text:
            todo = "pip may not write here: add --user to the pip command above"
        else:
            todo = "pip's last lines above say why"

        class SetUpFirst(Exception):
            def _render_traceback_(self):  # IPython shows this sentence, not a traceback
                return [str(self)]

        raise SetUpFirst(f"The course's packages could not be installed ({{todo}}). Or set up the "
                         f"course on your computer as its README says, {{COURSE}}#readme")
    importlib.invalidate_caches()'''


def setup_cell(root=ROOT):
    """The source of the first code cell of every notebook, from ``_config.yml``.

    ``repository.url`` and ``repository.branch`` are the one place the course's
    address is written; this cell installs ``cellseg`` and ``cellseg_course``
    (one pip install of the repository, with its ``notebooks`` extra) when the
    kernel does not have them.
    """
    import yaml

    repo = yaml.safe_load((root / "_config.yml").read_text())["repository"]
    return SETUP_CELL.format(url=repo["url"].rstrip("/"), branch=repo.get("branch", "main"))


_FIRST_CODE_CELL = re.compile(r"```\{code-cell\} ipython3\n:tags: \[remove-cell\]\n\n(.*?)\n```\n", re.S)


def with_setup_cell(text, path, source):
    """``text`` (a notebook's MyST source) with its first code cell set to ``source``."""
    first = text.find("```{code-cell}")
    match = _FIRST_CODE_CELL.match(text, first) if first >= 0 else None
    if match is None:
        raise ValueError(
            f"{path.relative_to(ROOT)}: the first code cell must be the set-up cell, tagged remove-cell "
            "(copy it from another notebook; tools/notebooks.py then keeps it up to date)."
        )
    return text[: match.start(1)] + source + text[match.end(1):]


def structure_files(root=ROOT):
    """Map every file with a generated block to its expected text."""
    structure = course_structure(root)
    from workshop import plans, prerequisites  # tools/workshop.py: schedules from the same structure

    files = {}
    toc = root / "_toc.yml"
    files[toc] = _replace_block(toc.read_text(), "parts", _toc_parts(structure), toc, comment="#")
    intro = root / "book" / "intro.md"
    files[intro] = _replace_block(intro.read_text(), "learning-path", _learning_path(structure), intro)
    notes = root / "book" / "instructor-notes.md"
    text = _replace_block(notes.read_text(), "timings", _learning_path(structure), notes)
    text = _replace_block(text, "plans", plans(structure), notes)
    files[notes] = _replace_block(text, "prerequisites", prerequisites(structure, root), notes)
    files.update(_instructor_files(structure, root))
    setup = setup_cell(root)
    for path in sorted((root / "solutions").glob("*.md")):
        files[path] = with_setup_cell(path.read_text(), path, setup)
    for lesson, exercises in structure:
        path = root / "lessons" / f"{lesson['name']}.md"
        text = with_setup_cell(path.read_text(), path, setup)
        text = _with_block(text, "overview", _overview(lesson), path, _under_title)
        text = _with_block(text, "keypoints", _keypoints(lesson), path, _before_exercises)
        comment = "html" if _markers("exercises", "html")[0] in text else "%"
        files[path] = _replace_block(text, "exercises", _lesson_exercises(exercises), path, comment=comment)
    files[root / "book" / "keypoints.md"] = keypoints_page(structure) + "\n"
    objectives = root / "book" / "objectives.md"
    files[objectives] = _replace_block(objectives.read_text(), "objectives", objectives_page(structure, root),
                                       objectives)
    return files


def _instructor_files(structure, root):
    """The instructor notes per episode (tools/instructor_notes.py), from instructor/."""
    from instructor_notes import episode_notes

    page = root / "book" / "instructor-episodes.md"
    return {page: _replace_block(page.read_text(), "episodes", episode_notes(structure, root), page)}


def expected_files():
    """Map every generated path to its expected text."""
    files = structure_files()
    for path in sorted((ROOT / "solutions").glob("*.md")):
        solution = jupytext.reads(files[path], fmt="md:myst") if path in files else read(path)
        exercise = exercise_from_solution(solution, path.stem)
        files[ROOT / "exercises" / path.name] = md_text(exercise)
    sources = {p for folder in NOTEBOOK_DIRS for p in (ROOT / folder).glob("*.md")}
    for path in sorted(sources | {p for p in files if p.parent.name in NOTEBOOK_DIRS}):
        if path.suffix == ".md":
            text = files.get(path)
            nb = jupytext.reads(text, fmt="md:myst") if text is not None else read(path)
            files[path.with_suffix(".ipynb")] = ipynb_text(nb)
    return files


def _same(path, text):
    if not path.exists():
        return False
    current = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":  # compare content, not JSON formatting or jupytext version
        a, b = nbformat.reads(current, 4), nbformat.reads(text, 4)
        for nb in (a, b):
            nb.metadata.get("jupytext", {}).pop("text_representation", None)
        return a == b
    strip = lambda s: re.sub(r"\n\s*jupytext_version: .*", "", s)  # noqa: E731
    return strip(current) == strip(text)


def out_of_date():
    """Paths whose content differs from what this script would write."""
    return [path for path, text in expected_files().items() if not _same(path, text)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report only; exit 1 if anything is out of date")
    parser.add_argument("notebooks", nargs="*", help="limit to these notebooks (any of their files)")
    args = parser.parse_args(argv)
    stale = out_of_date()
    if args.notebooks:
        names = {Path(p).stem for p in args.notebooks}
        stale = [path for path in stale if path.stem in names]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}")
        if stale:
            print("run: .venv/bin/python tools/notebooks.py")
        return 1 if stale else 0
    expected = expected_files()
    for path in stale:
        path.write_text(expected[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    if not stale:
        print("all notebooks up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
