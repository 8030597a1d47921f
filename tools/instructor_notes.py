"""Instructor notes per episode, rendered from ``instructor/notes.yml`` and ``instructor/live/``.

``episode_notes(structure)`` returns the markdown that ``tools/notebooks.py`` writes into
``book/instructor-episodes.md``: for each episode, in book order and under its part, its
minutes (the front matter's ``teaching:`` and its exercises' ``minutes:``), the tracks that
take it (``tools/workshop.py``), its live-coding script, what to skip, where learners stall,
and what the checkers answer to common mistakes (each call in the notes is run, so the
quoted feedback is the checker's own).
"""

from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "instructor" / "notes.yml"
LIVE = ROOT / "instructor" / "live"
KEYS = {"live", "skip", "stall", "mistakes"}


def read_notes(path=NOTES):
    """``{episode: notes}`` from the YAML file, with every key checked."""
    notes = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for name, entry in notes.items():
        if not isinstance(entry, dict) or set(entry) != KEYS:
            raise ValueError(f"{Path(path).name}: {name} needs exactly the keys {sorted(KEYS)}.")
    return notes


def checker_says(call):
    """The message a checker gives to ``call`` (``c.check_...(answer)``); refuse a call it accepts."""
    from cellseg_course import checkers

    feedback = eval(call, {"c": checkers, "np": np})  # noqa: S307 - our own notes, not input
    if feedback.correct is not False:
        raise ValueError(f"instructor/notes.yml: {call} is listed as a mistake, but the checker answers "
                         f"{feedback.correct!r}: {feedback.message}")
    return feedback.message


def _tracks(name):
    from workshop import TRACKS

    return [track["title"].split(":")[0].removeprefix("A ") for track in TRACKS.values() if name in track["lessons"]]


def episode_notes(structure, root=ROOT):
    """Markdown of the notes of every episode."""
    notes = read_notes(Path(root) / "instructor" / "notes.yml")
    names = [lesson["name"] for lesson, _ in structure]
    if set(notes) - set(names):
        raise ValueError(f"instructor/notes.yml: notes without an episode {sorted(set(notes) - set(names))}; "
                         "rename them after their lesson or remove them.")
    out, part = [], None
    for lesson, exercises in structure:
        name, entry = lesson["name"], notes.get(lesson["name"])
        if lesson["part"] != part:
            part = lesson["part"]
            out += [f"## {part}", ""]
        live = Path(root) / "instructor" / "live" / f"{name}.py"
        practice = ", ".join(f"[{e['title']}](../exercises/{e['name']}.md) ({e['minutes']} min)" for e in exercises)
        tracks = _tracks(name)
        out += [f"### [{lesson['title']}](../lessons/{name}.md)", "",
                f"Teaching {lesson['teaching']} min. Exercises: {practice or 'none'}. "
                f"Tracks: {', '.join(tracks) if tracks else 'only the whole course'}.", ""]
        if entry is None or not live.exists():  # a new episode (course.py new lesson); the tests ask for both
            out += [f"*No notes yet: add `{name}:` to `instructor/notes.yml` and a live script "
                    f"`instructor/live/{name}.py`.*", ""]
            continue
        script = live.read_text(encoding="utf-8").rstrip()
        out += [f"**Live-code** (`instructor/live/{name}.py`, {len(script.splitlines())} lines). {entry['live']}",
                "", "```python", script, "```", ""]
        if entry["skip"]:
            out += ["**Skip when short of time:** " + "; ".join(entry["skip"]) + ".", ""]
        if entry["stall"]:
            out += ["**Where learners stall:**", ""] + [f"- {s}" for s in entry["stall"]] + [""]
        if entry["mistakes"]:
            out += ["**What the checkers answer to common mistakes:**", ""]
            out += [f"- {m['did']}: *{checker_says(m['call'])}*" for m in entry["mistakes"]] + [""]
    return "\n".join(out).rstrip()
