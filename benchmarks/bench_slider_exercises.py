"""Time of one slider move in each slider exercise, and what the precomputation costs.

Each slider exercise (:mod:`cellseg_course.checkers.sliders`) computes its sweep once, on first
use: every frame's segmentation and the rules of its checker. A live move then only looks up
that frame (drawing it on its first showing) and hands a JPEG to the picture. For each
exercise this prints:

- ``sweep``: the one-off precomputation (segmentations over the whole grid, scores, rules);
- ``live move``: :meth:`cellseg_course.explorers.LiveExplorer.refresh` after a slider moves
  to a value not shown before (draw, encode, hand over), and again for a value shown before;
- ``static``: building the book's explorer (every frame as a PNG) and its size.

Target: a live move well under 100 ms. Run::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_slider_exercises.py

Best of five is the cost of the code; the median shows what a busy machine adds.
"""

import statistics
import time

from cellseg_course.answer_box import live_exercise, static_exercise
from cellseg_course.checkers.sliders import SLIDER_EXERCISES


def main():
    print(f"{'exercise':<20} {'sweep s':>8} {'new frame ms':>13} {'move ms best':>13} {'median':>7} "
          f"{'static s':>9} {'static MB':>10}")
    for name, exercise in SLIDER_EXERCISES.items():
        tic = time.perf_counter()
        exercise.build()
        sweep = time.perf_counter() - tic
        live = live_exercise(name)
        control, values = next(iter(live.controls.values())), next(iter(exercise.grid.values()))
        firsts = []
        for value in values[:5]:  # moves to values not shown before
            control.value = value  # the observer refreshes once; time one more refresh of a new value
        for value in values[-5:]:
            tic = time.perf_counter()
            control.value = value
            firsts.append(time.perf_counter() - tic)
        again = [live.refresh() for _ in range(5)]
        tic = time.perf_counter()
        static = static_exercise(name)
        built = time.perf_counter() - tic
        print(f"{name:<20} {sweep:8.2f} {1000 * max(firsts):13.1f} {1000 * min(again):13.1f} "
              f"{1000 * statistics.median(again):7.1f} {built:9.2f} {static.nbytes / 1e6:10.2f}")


if __name__ == "__main__":
    main()
