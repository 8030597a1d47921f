"""End-to-end time of one slider move in each live explorer of the lessons, on 512 x 512 images.

For each explorer the benchmark takes the update function's source from the
lesson itself (the ``def`` in ``lessons/NAME.md``, so it times exactly the
lesson's code), runs it on a 512 x 512 scene of the same kind, and times:

- ``update``: the update function alone (segmentation and the RGB picture);
- ``live move``: :meth:`cellseg_course.explorers.LiveExplorer.refresh`, what one
  slider move costs in the kernel: the update, the JPEG encoding and the hand-over
  to the ipywidgets ``Image`` that stays on screen (the browser then swaps one
  image, a few milliseconds);
- ``new figure``: what the explorers did before, a new matplotlib figure per move
  (``plt.subplots``, ``imshow``, title, PNG as the inline backend writes it).

Target: a live move well under 100 ms (best of the runs). Run::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_explorers.py

The best time is the usual measure of what the code costs (slower runs are other
processes interfering); the median shows how much a busy machine adds.
"""

import ast
import io
import statistics
import timeit
from pathlib import Path

import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import cellseg  # noqa: E402
from cellseg import splitting, synthetic  # noqa: E402
from cellseg.metrics import matching  # noqa: E402
from cellseg_course.explorers import live_explorer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZE, N_CELLS, SEED = 512, 125, 2026  # the course's density of cells on 512 x 512
TARGET_MS = 100


def lesson_function(lesson, name, namespace):
    """Define function ``name`` from ``lessons/LESSON.md`` in ``namespace`` and return it."""
    source = (ROOT / "lessons" / f"{lesson}.md").read_text(encoding="utf-8")
    for block in source.split("```{code-cell} ipython3")[1:]:
        code = block.split("\n```", 1)[0]
        code = "\n".join(line for line in code.splitlines() if not line.startswith(":tags:"))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                exec(compile(ast.Module([node], []), f"lessons/{lesson}.md", "exec"), namespace)
                return namespace[name]
    raise LookupError(f"no function {name} in lessons/{lesson}.md")


def times(func, repeat=30):
    runs = timeit.Timer(func).repeat(repeat=repeat, number=1)
    return 1e3 * min(runs), 1e3 * statistics.median(runs)


def new_figure_per_move(update, params):
    """The old way: a new figure for every move, drawn to PNG as the inline backend does."""
    picture, text = update(**params)
    fig, ax = plt.subplots(figsize=(7, 7))
    ax.imshow(picture, interpolation="nearest")
    ax.set_title(text)
    ax.set_axis_off()
    fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    plt.close(fig)


def explorers():
    """(name, update, controls) for each lesson explorer, on 512 x 512 scenes."""
    rng = np.random.default_rng(SEED)
    centers = synthetic.place_cells(N_CELLS, shape=SIZE, min_separation=cellseg.MIN_SEPARATION, seed=rng)
    signal = synthetic.render_cells(centers, shape=SIZE, cell_sigma=cellseg.CELL_SIGMA,
                                    brightness=cellseg.CELL_BRIGHTNESS)
    image = synthetic.add_noise(signal, noise_scale=cellseg.NOISE_SCALE, seed=rng)
    noise = cellseg.make_pure_noise(shape=SIZE).image
    pipeline_ns = {"cellseg": cellseg, "scenes": {"cells": image, "pure noise": noise},
                   "true_counts": {"cells": len(centers), "pure noise": 0}}
    yield ("pipeline (smooth, threshold, label, filter, overlay)",
           lesson_function("choosing-a-threshold", "explorer_update", pipeline_ns),
           {"scene": widgets.Dropdown(options=["cells", "pure noise"]),
            "smooth_sigma": widgets.FloatSlider(value=cellseg.SMOOTH_SIGMA, min=0, max=6, step=0.5),
            "threshold": widgets.FloatSlider(value=cellseg.THRESHOLD, min=0.02, max=1, step=0.01),
            "min_size": widgets.IntSlider(value=cellseg.MIN_CELL_SIZE, min=0, max=300, step=5)})

    field = synthetic.make_crowded_field()
    plus = np.array([[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]])
    in_crop = (field.centers[:, 0] < 160) & (field.centers[:, 1] < 160)
    split_ns = {"cellseg": cellseg, "splitting": splitting, "matching": matching, "field": field.image,
                "field_truth": field.labels, "field_centers": field.centers,
                "crosses": np.clip(np.round(field.centers[in_crop]).astype(int)[:, None] + plus, 0, 159).reshape(-1, 2)}
    yield ("splitting (Voronoi-Otsu labelling, matching, outlines)",
           lesson_function("splitting", "voronoi_otsu_update", split_ns),
           {"spot_sigma": widgets.FloatSlider(value=3, min=0.5, max=8, step=0.5),
            "outline_sigma": widgets.FloatSlider(value=2, min=0.5, max=8, step=0.5)})

    labels = cellseg.segment(cellseg.smooth(image))
    truth = synthetic.ground_truth_labels(centers, shape=SIZE)
    swipe_ns = {"left": cellseg.drawing.overlay_labels(image, truth, alpha=0.5),
                "right": cellseg.drawing.overlay_labels(image, labels, alpha=0.5)}
    yield ("visual QC swipe (array slicing)", lesson_function("visual-qc", "swipe", swipe_ns),
           {"column": widgets.IntSlider(value=256, min=1, max=SIZE - 1)})


def main():
    rows, missed = [], []
    for name, update, controls in explorers():
        params = {key: control.value for key, control in controls.items()}
        picture, _ = update(**params)
        assert np.asarray(picture).shape[:2] == (SIZE, SIZE), "the benchmark must time a 512 x 512 picture"
        live = live_explorer(update, controls)
        update_ms = times(lambda: update(**params))
        live_ms = times(live.refresh)
        old_ms = times(lambda: new_figure_per_move(update, params), repeat=10)
        rows.append((name, update_ms, live_ms, old_ms))
        if live_ms[0] >= TARGET_MS:
            missed.append(name)
    print(f"one slider move on {SIZE} x {SIZE}, best / median of the runs (ms)\n")
    print(f"| {'explorer':<56} | {'update':>13} | {'live move':>13} | {'new figure':>13} |")
    print(f"|{'-' * 58}|{'-' * 15}|{'-' * 15}|{'-' * 15}|")
    for name, *cols in rows:
        print(f"| {name:<56} | " + " | ".join(f"{b:5.1f} / {m:5.1f}" for b, m in cols) + " |")
    print(f"\ntarget: a live move under {TARGET_MS} ms (best): " + ("met" if not missed else f"MISSED for {missed}"))
    if missed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
