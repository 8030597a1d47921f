"""Measure the text of every figure the notebooks show, at the width the book shows it.

Runs each notebook (lessons and solutions by default, or the paths given) in a
Jupyter kernel with ``CELLSEG_FIGURE_CHECK=log:...`` so that every ``plt.show()``
records its figures' smallest text (``cellseg_course.figures``), then prints one
line per figure and the figures with text under 9 px. Exit status 1 if any.

    PYTHONPATH=$PWD .venv/bin/python tools/figure_text.py [lessons/pipeline.ipynb ...]
"""

import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def measure(path, log):
    os.environ["CELLSEG_FIGURE_CHECK"] = f"log:{log}"
    os.environ["CELLSEG_NOTEBOOK"] = str(path.relative_to(ROOT))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   allow_errors=True).execute()


def main(paths):
    paths = ([Path(p).resolve() for p in paths]
             or sorted(ROOT.glob("lessons/*.ipynb")) + sorted(ROOT.glob("solutions/*.ipynb")))
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "figures.jsonl"
        log.touch()
        for path in paths:
            measure(path, log)
            print(f"ran {path.relative_to(ROOT)}", file=sys.stderr)
        records = [json.loads(line) for line in log.read_text().splitlines()]
    small = [r for r in records if r["small"]]
    for r in records:
        print(f"{r['notebook']:40s} {r['width_px']:5d} px wide, smallest text {r['smallest_px']} px")
    print(f"\n{len(records)} figures, {len(small)} with text under 9 px at their displayed width")
    for r in small:
        print(f"  {r['notebook']}: {r['width_px']} px wide: {r['small']}")
    return 1 if small else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
