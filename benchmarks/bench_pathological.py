"""Memory and time of `matching` and `overlay_labels` on inputs that used to blow up.

Each case runs in its own subprocess (so that its peak resident memory, from
``resource.getrusage``, is its own) with the address space capped at 8 GiB, so
that a case that asks for more fails with a MemoryError instead of taking the
machine down.

- ``matching`` at ``threshold=0.1`` on a tiling of square objects against the
  same tiling shifted by half an object: every object overlaps four others with
  IoU 1/7, and all candidates form one connected group (6,400 and 102,400 objects).
- ``overlay_labels`` of an 8 x 8 image holding one object with a huge id
  (10**8 and 2**31 - 1).

Run::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_pathological.py
"""

import subprocess
import sys

CASES = {
    "matching, 6,400 objects, threshold 0.1": ("matching", 80),
    "matching, 102,400 objects, threshold 0.1": ("matching", 320),
    "overlay_labels, 8x8, one id 10**8": ("overlay", 10**8),
    "overlay_labels, 8x8, one id 2**31-1": ("overlay", 2**31 - 1),
}

CHILD = r"""
import resource, sys, time
import numpy as np
resource.setrlimit(resource.RLIMIT_AS, (8 * 2**30, 8 * 2**30))
kind, n = sys.argv[1], int(sys.argv[2])
import cellseg
if kind == "matching":
    s = 8
    ids = np.arange(1, n * n + 1).reshape(n, n)
    truth = np.kron(ids, np.ones((s, s), int))
    pred = np.roll(truth, (s // 2, s // 2), axis=(0, 1))
    start = time.perf_counter()
    try:
        m = cellseg.matching(truth, pred, iou_threshold=0.1)
        result = f"tp={m.tp}"
    except MemoryError:
        result = "MemoryError"
else:
    lab = np.zeros((8, 8), np.int64); lab[2:5, 2:5] = n
    start = time.perf_counter()
    try:
        cellseg.overlay_labels(np.zeros((8, 8)), lab)
        result = "ok"
    except MemoryError:
        result = "MemoryError"
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{result}\t{seconds:.3f}\t{peak:.0f}")
"""


def main():
    print(f"{'case':45s} {'result':>12s} {'seconds':>8s} {'peak MB':>8s}")
    for name, (kind, n) in CASES.items():
        out = subprocess.run([sys.executable, "-c", CHILD, kind, str(n)], capture_output=True, text=True)
        if out.returncode:
            print(f"{name:45s} failed: {out.stderr.strip().splitlines()[-1]}")
            continue
        result, seconds, peak = out.stdout.split()
        print(f"{name:45s} {result:>12s} {float(seconds):8.3f} {float(peak):8.0f}")


if __name__ == "__main__":
    main()
