"""Workshop schedules computed from the lessons' and exercises' own timings.

``plans(structure)`` returns the markdown of the schedule tables that
``tools/notebooks.py`` writes into the instructor notes; ``structure`` is
``notebooks.course_structure()``. Each item (a lesson, then each of its
exercises) starts at the first free time of the day; breaks are taken at the
first item boundary at or after their planned time, and a day ends when the
next item would run past its end.
"""

START = 9 * 60  #: 09:00
DAY_END = 17 * 60 + 30  #: 17:30
BREAKS = ((10 * 60 + 30, 15, "Coffee break"), (12 * 60 + 30, 60, "Lunch"), (15 * 60 + 15, 15, "Coffee break"))


def _clock(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _items(structure):
    for lesson, exercises in structure:
        yield "Lesson", f"[{lesson['title']}](../lessons/{lesson['name']}.md)", lesson["minutes"]
        for e in exercises:
            yield "Exercise", f"[{e['title']}](../exercises/{e['name']}.md)", e["minutes"]


def schedule(structure):
    """``[[(start, end, what, title), ...] per day]`` for the whole course."""
    days, day, now, pending = [], [], START, list(BREAKS)
    for kind, title, minutes in _items(structure):
        while pending and now >= pending[0][0]:
            _, length, name = pending.pop(0)
            day.append((now, now + length, "Break", name))
            now += length
        if day and now + minutes > DAY_END:
            days.append(day)
            day, now, pending = [], START, list(BREAKS)
        day.append((now, now + minutes, kind, title))
        now += minutes
    if day:
        days.append(day)
    return days


def plans(structure):
    """Markdown tables of the full course as a workshop, one table per day."""
    out = []
    for number, day in enumerate(schedule(structure), start=1):
        teaching = sum(end - start for start, end, kind, _ in day if kind != "Break")
        out += [f"**Day {number}** ({teaching} minutes of lessons and exercises)", "",
                "| Time | | |", "|---|---|---|"]
        out += [f"| {_clock(s)}–{_clock(e)} | {kind} | {title} |" for s, e, kind, title in day]
        out.append("")
    return "\n".join(out).rstrip()
