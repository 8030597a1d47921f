"""Workshop plans computed from the lessons' and exercises' own timings.

``plans(structure)`` returns the markdown that ``tools/notebooks.py`` writes into the
instructor notes; ``structure`` is ``notebooks.course_structure()``:

- the **tracks** (:data:`TRACKS`): a 3-hour, a one-day and a two-day workshop, each a
  selection of lessons and exercises, scheduled with clock times and breaks;
- the **whole course** as a workshop, day by day.

Each item (a lesson, then each of its exercises) starts at the first free time of the day
and takes the minutes of its front matter; breaks are taken at the first item boundary at
or after their planned time, and a day ends when the next item would run past its end.

``prerequisites(root)`` returns the checked list of what Python the exercises need: it
reads the code of every worked answer, so the list cannot fall out of step with them.
"""

import ast
import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

START = 9 * 60  #: 09:00
DAY_END = 17 * 60 + 30  #: 17:30
BREAKS = ((10 * 60 + 30, 15, "Coffee break"), (12 * 60 + 30, 60, "Lunch"), (15 * 60 + 15, 15, "Coffee break"))

#: The workshop tracks: which lessons and exercises each one takes (by name), when it ends
#: and its breaks. Every minute comes from the notebooks' front matter.
TRACKS = {
    "three-hours": {
        "title": "A 3-hour workshop: segment, then check",
        "end": 12 * 60,
        "breaks": ((10 * 60 + 15, 15, "Break"),),
        "lessons": ["pipeline", "visual-qc", "pixel-metrics", "object-metrics"],
        # count-range: hands-on segmentation with the pipeline's sliders
        "exercises": ["count-range", "name-the-errors", "iou-range", "match-threshold"],
        # lessons participants read before the workshop: every lesson a taken one builds on
        # (lesson_prerequisites) must be taken or listed here; track_note says so
        "beforehand": ["images-and-labels", "image-model"],
    },
    "one-day": {
        "title": "A one-day workshop",
        "end": DAY_END,
        "breaks": BREAKS,
        "lessons": ["images-and-labels", "image-model", "pipeline", "noise-and-merging", "splitting",
                    "visual-qc", "pixel-metrics", "object-metrics", "real-nuclei"],
        "exercises": ["label-bit-depth", "do-the-math", "count-range", "smooth-away-noise", "watershed",
                      "name-the-errors", "metrics-by-hand", "iou-range", "match-threshold", "tune-voronoi-otsu"],
        "beforehand": [],
    },
    "two-days": {
        "title": "A two-day workshop",
        "end": DAY_END,
        "days": 2,
        "breaks": BREAKS,
        "lessons": ["images-and-labels", "image-qc", "image-model", "noise-and-merging", "pipeline",
                    "choosing-a-threshold", "splitting", "cleaning-labels", "visual-qc", "pixel-metrics",
                    "object-metrics", "error-measures", "real-nuclei", "score-uncertainty", "making-a-reference",
                    "good-enough", "cells-in-3d", "measuring-in-3d", "experiment"],
        "exercises": ["label-bit-depth", "exposure-check", "smooth-away-noise", "count-range", "intensity-classes",
                      "watershed", "adaptive-threshold", "name-the-errors", "metrics-by-hand", "iou-range",
                      "match-threshold", "tune-voronoi-otsu", "beat-the-baseline", "measure-in-3d", "slice-spacing",
                      "bad-wells"],
        "beforehand": [],
    },
}

#: a track may leave at most this many minutes of a day unused (after its last item, or before a
#: day's end when the next item no longer fits)
SLACK = 20

def _clock(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _items(structure, track=None):
    """``(kind, markdown title, minutes)`` of every item, in book order; only the track's if given."""
    for lesson, exercises in structure:
        if track is not None and lesson["name"] not in track["lessons"]:
            continue
        yield "Lesson", f"[{lesson['title']}](../lessons/{lesson['name']}.md)", lesson["minutes"]
        for e in exercises:
            if track is None or e["name"] in track["exercises"]:
                yield "Exercise", f"[{e['title']}](../exercises/{e['name']}.md)", e["minutes"]


def lesson_prerequisites(structure, root=ROOT):
    """``{lesson: [earlier lessons it builds on]}``, from the lessons themselves.

    A lesson's front matter may list them (``course: {prerequisites: [...]}``); otherwise they
    are the earlier lessons its opening (the text before its objectives, first code cell or
    first section) links to, as in "the synthetic image of [the previous lesson](image-model.md)".
    """
    order = [lesson["name"] for lesson, _ in structure]
    found = {}
    for index, (lesson, _) in enumerate(structure):
        if "prerequisites" in lesson:
            found[lesson["name"]] = list(lesson["prerequisites"])
            continue
        text = (Path(root) / "lessons" / f"{lesson['name']}.md").read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[-1]
        opening = re.split(r"\n```\{code-cell\}|\n## |\n:::\{admonition\}", body, maxsplit=1)[0]
        links = re.findall(r"\]\((?:\.\./lessons/|\./)?([\w-]+)\.md(?:#[^)]*)?\)", opening)
        found[lesson["name"]] = [n for n in dict.fromkeys(links) if n in order[:index]]
    return found


def _link(info, folder):
    return f"[{info['title']}](../{folder}/{info['name']}.md)"


def _and(items):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def track_note(structure, name, root=ROOT):
    """The sentences under a track's title, all from the data: which exercises it takes and which it
    leaves, which lessons it leaves out, and what participants read beforehand (and why)."""
    track = TRACKS[name]
    lessons = {lesson["name"]: lesson for lesson, _ in structure}
    exercises = [e for _, ex in structure for e in ex]
    taken = [e for e in exercises if e["name"] in track["exercises"]]
    sentences = [f"It takes {len(taken)} of the {len(exercises)} exercises "
                 f"({_and([_link(e, 'exercises') for e in taken])}); participants can do the other "
                 f"{len(exercises) - len(taken)} afterwards." if taken else
                 f"It takes none of the {len(exercises)} exercises."]
    sentences.append(f"It teaches {len(track['lessons'])} of the {len(lessons)} lessons.")
    needs = lesson_prerequisites(structure, root)
    before = [lessons[n] for n in track.get("beforehand", [])]
    if before:
        why = [f"{_and(['*' + u['title'] + '*' for u in users])} builds on *{b['title']}*" for b in before
               if (users := [lessons[n] for n in track["lessons"] if b["name"] in needs[n]])]
        sentences.append(f"Participants read {_and([_link(b, 'lessons') for b in before])} beforehand"
                         + (f" ({'; '.join(why)})." if why else "."))
    return " ".join(sentences)


def check_track(structure, name, root=ROOT):
    """Raise ValueError when a track names something that does not exist, leaves out a lesson one of
    its lessons builds on (without having it read beforehand), or does not fit its day."""
    track = TRACKS[name]
    lessons = {lesson["name"]: [e["name"] for e in ex] for lesson, ex in structure}
    unknown = [n for n in [*track["lessons"], *track.get("beforehand", [])] if n not in lessons]
    orphans = [e for e in track["exercises"] if not any(e in lessons[n] for n in track["lessons"] if n in lessons)]
    if unknown or orphans:
        raise ValueError(f"track {name}: no such lesson {unknown}, or exercises {orphans} whose lesson it leaves out "
                         "(tools/workshop.py, TRACKS).")
    needs = lesson_prerequisites(structure, root)
    unmet = sorted({(n, p) for n in track["lessons"] for p in needs[n]
                    if p not in track["lessons"] and p not in track.get("beforehand", [])})
    if unmet:
        raise ValueError(f"track {name}: " + "; ".join(f"{n} builds on {p}" for n, p in unmet) + ", which the "
                         "track neither teaches nor has read beforehand (tools/workshop.py, TRACKS: add it to "
                         "'lessons' or 'beforehand').")
    days = schedule(structure, name)
    wanted = track.get("days", 1)
    if len(days) != wanted or days[-1][-1][1] > track["end"]:
        end = _clock(days[-1][-1][1])
        raise ValueError(f"track {name} does not fit: it would end at {end} on day {len(days)}, after "
                         f"{_clock(track['end'])} on day {wanted}; take something out of it in tools/workshop.py "
                         "(TRACKS).")
    return days if wanted > 1 else days[0]


def unused(structure, name):
    """Minutes of each day of a track left unused: from its last item to the track's end."""
    track = TRACKS[name]
    return [track["end"] - day[-1][1] for day in schedule(structure, name)]

def schedule(structure, track=None):
    """``[[(start, end, kind, title, minutes), ...] per day]``: the whole course, or one track."""
    spec = TRACKS[track] if track else {"end": DAY_END, "breaks": BREAKS}
    days, day, now, pending = [], [], START, list(spec["breaks"])
    for kind, title, minutes in _items(structure, TRACKS[track] if track else None):
        while pending and now >= pending[0][0]:
            _, length, name = pending.pop(0)
            day.append((now, now + length, "Break", name, length))
            now += length
        if day and now + minutes > spec["end"]:
            days.append(day)
            day, now, pending = [], START, list(spec["breaks"])
        day.append((now, now + minutes, kind, title, minutes))
        now += minutes
    if day:
        days.append(day)
    return days


def _table(day):
    rows = ["| Time | Part | Session | Minutes |", "|---|---|---|---|"]
    rows += [f"| {_clock(s)}–{_clock(e)} | {kind} | {title} | {minutes} |" for s, e, kind, title, minutes in day]
    return rows


def _teaching(day):
    return sum(minutes for _, _, kind, _, minutes in day if kind != "Break")


def plans(structure, root=ROOT):
    """Markdown of the tracks and of the whole course as a workshop."""
    out = []
    for name, track in TRACKS.items():
        result = check_track(structure, name, root)
        days = result if track.get("days", 1) > 1 else [result]
        items = [item for day in days for item in day]
        breaks = sum(minutes for _, _, kind, _, minutes in items if kind == "Break")
        span = (f"{_clock(days[0][0][0])} to {_clock(days[-1][-1][1])}" if len(days) == 1
                else f"{len(days)} days, {_clock(days[0][0][0])} to {_clock(track['end'])}")
        out += [f"### {track['title']}", "",
                f"{span}: {_teaching(items)} minutes of lessons and exercises and {breaks} minutes of "
                f"breaks. {track_note(structure, name, root)}", ""]
        for number, day in enumerate(days, start=1):
            if len(days) > 1:
                out += [f"**Day {number}** ({_teaching(day)} minutes of lessons and exercises)", ""]
            out += _table(day) + [""]
    out += ["### The whole course", "", "Every lesson and exercise in book order, with breaks:", ""]
    for number, day in enumerate(schedule(structure), start=1):
        out += [f"**Day {number}** ({_teaching(day)} minutes of lessons and exercises)", ""]
        out += _table(day) + [""]
    return "\n".join(out).rstrip()


# --------------------------------------------------------------------------- prerequisites

#: Python a learner writes in the answers: (what, how it looks, how to find it in a tree)
FEATURES = [
    ("variables and arithmetic", "`peak = 0.4 * 36 / 40`", (ast.BinOp,)),
    ("lists and indexing", "`[1, 6]`, `values[0]`", (ast.List,)),
    ("dicts", '`{"bright": (1.0, 0.5)}`', (ast.Dict, ast.DictComp)),
    ("tuples and unpacking", "`rows, cols = image.shape`", (ast.Tuple,)),
    ("for loops", "`for level in NOISE_LEVELS: ...`", (ast.For,)),
    ("list comprehensions", "`[f(i) for i in range(50)]`", (ast.ListComp, ast.GeneratorExp, ast.SetComp)),
    ("comparisons and conditions", "`np.mean(img == top) > 0.001`", (ast.Compare,)),
    ("writing a small function", "`def precision_recall(c): ...`", (ast.FunctionDef, ast.Lambda)),
    ("f-strings", '`print(f"{n} cells")`', (ast.JoinedStr,)),
    ("NumPy indexing with masks and slices", "`labels[centers[:, 0], centers[:, 1]]`", (ast.Subscript,)),
]


def answer_code(solution_text):
    """The code a learner writes in one exercise: answer lines and solution blocks of the solution."""
    pieces, block = [], None
    for cell in re.findall(r"```\{code-cell\} ipython3\n(.*?)\n```", solution_text, re.S):
        if re.search(r"^:tags: \[.*solution", cell, re.M):
            continue  # worked explanation, not what the learner is asked to write
        for line in cell.split("\n"):
            if line.strip() == "# BEGIN SOLUTION":
                block = []
            elif line.strip() == "# END SOLUTION":
                pieces.append(textwrap.dedent("\n".join(block)))
                block = None
            elif block is not None:
                block.append(line)
            elif re.search(r"#\s*SOLUTION\s*$", line):
                pieces.append(line.split("#")[0].strip())
    return "\n".join(pieces)


def _dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


_BUILTINS = {"print", "range", "len", "round", "sum", "min", "max", "sorted", "list", "enumerate", "int", "float",
             "abs", "set", "dict", "tuple", "zip", "str"}


def analyse(code):
    """``(features, calls)`` of ``code``: names of :data:`FEATURES` it uses, dotted names it calls.

    Calls of built-ins and of functions the code defines itself are left out.

    >>> analyse("d = {c: f(c) for c in 'ab'}\\nm = ndi.mean(x, labels)")
    (['dicts'], ['f', 'ndi.mean'])
    """
    tree = ast.parse(code)
    features = [name for name, _, types in FEATURES if any(isinstance(n, types) for n in ast.walk(tree))]
    local = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    calls = {_dotted(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return features, sorted(c for c in calls - {None} - local - _BUILTINS if c.split(".")[0] not in local)


def _imported_names(text):
    """The names a notebook's imports bind (``np``, ``ndi``, ``peak_local_max``, ...)."""
    names = set()
    for match in re.finditer(r"^\s*import ([\w.]+)(?: as (\w+))?", text, re.M):
        names.add(match[2] or match[1].split(".")[0])
    for match in re.finditer(r"^\s*from [\w.]+ import \(?([^)]+?)\)?$", text, re.M | re.S):
        for item in match[1].replace("\n", " ").split(","):
            if item.strip():
                names.add(item.split(" as ")[-1].strip())
    return names


def _exercise_page(solution, name):
    from notebooks import exercise_from_solution, md_text, read  # tools/notebooks.py

    return md_text(exercise_from_solution(read(solution), name))


def prerequisites(structure, root):
    """Markdown: the Python the exercises need, and per exercise the functions its answer calls.

    A function is marked *new* when neither the exercise page nor its lesson mentions it: the
    learner has to look it up.
    """
    used, rows = {}, ["| Exercise | Python the answer uses | Functions the answer calls |", "|---|---|---|"]
    for lesson, exercises in structure:
        taught = (root / "lessons" / f"{lesson['name']}.md").read_text(encoding="utf-8")
        for e in exercises:
            code = answer_code((root / "solutions" / f"{e['name']}.md").read_text(encoding="utf-8"))
            # the exercise page as tools/notebooks.py makes it from the solution: a new
            # exercise has no page yet when this first runs
            page = _exercise_page(root / "solutions" / f"{e['name']}.md", e["name"])
            features, calls = analyse(code)
            calls = [c for c in calls if c.split(".")[0] in _imported_names(page)]  # not methods of arrays
            for f in features:
                used.setdefault(f, []).append(e["title"])
            shown = [f"`{c}`" + ("" if re.search(rf"\b{re.escape(c.split('.')[-1])}\b", taught + page) else " (new)")
                     for c in calls]
            rows.append(f"| [{e['title']}](../exercises/{e['name']}.md) | {', '.join(features)} | {', '.join(shown)} |")
    listed = [f"- **{name}**, for example {example} ({len(used[name])} of the exercises)"
              for name, example, _ in FEATURES if name in used]
    return "\n".join(listed + ["", *rows])
