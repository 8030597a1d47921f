"""The live-coding scripts (instructor/live/<episode>.py): one per episode, at most 30 lines,
each runs and prints a value that agrees with what the episode teaches.

Every expected value is derived here by another route (the synthetic truth, a formula written
out, plain NumPy/SciPy), never typed in.
"""

import math
import re
import runpy
import sys

import matplotlib
import numpy as np
import pandas
import pytest

import cellseg

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2] / "tools"))
import notebooks  # noqa: E402

LIVE = notebooks.ROOT / "instructor" / "live"
MAX_LINES = 30
EPISODES = [lesson["name"] for lesson, _ in notebooks.course_structure()]


def _numbers(pattern, out):
    match = re.search(pattern, out)
    assert match, f"the script printed no line matching {pattern!r}:\n{out}"
    return [float(g) for g in match.groups()]


def _n_annotated():
    _, truth = cellseg.nuclei_2d()
    return len(np.unique(truth)) - 1


def _images_and_labels(out):
    assert f"\n{len(cellseg.make_image(seed=7).centers)} cells" in out


def _image_qc(out):
    assert f"full scale {2**12 - 1}" in out and "saturated" in out  # the bright image is flagged
    good, bright = out.split("\n\n", 1)
    assert "no problem found" in good and "WARNING" not in good  # and the good one is not


def _image_model(out):
    peak = 1.0 * 4.0**2 / (4.0**2 + 3.0**2)  # B sigma^2 / (sigma^2 + sigma_s^2)
    assert "formula: peak 0.900" not in out  # never the answer of the exercise that follows
    assert f"formula: peak {peak:.3f}" in out
    assert f"peak after smoothing  {peak:.3f}" in out  # the measured peak agrees with it


def _noise_and_merging(out):
    for d in (14, 24):
        midpoint = 2 * math.exp(-(d**2) / (8 * 6.0**2))  # 2B exp(-d^2 / 8 sigma^2)
        assert f"d = {d}: midpoint {midpoint:.2f}, {1 if midpoint > 0.5 else 2} objects" in out


def _pipeline(out):
    assert f"{len(cellseg.make_image().centers)} cells found" in out


def _choosing_a_threshold(out):
    assert re.search(rf"Otsu's threshold [\d.]+: {len(cellseg.make_image().centers)} cells", out)


def _splitting(out):
    before, = _numbers(r"(\d+) objects before splitting", out)
    split, vo = _numbers(r"(\d+) after split_touching; (\d+) with Voronoi-Otsu", out)
    n = len(cellseg.make_crowded_field(n_cells=20, shape=128, seed=1).centers)
    assert f"{n} cells" in out and before < split <= n and before < vo <= n


def _cleaning_labels(out):
    scene = cellseg.make_crowded_field(n_cells=20, shape=128, seed=1)
    labels = cellseg.voronoi_otsu_labeling(scene.image, spot_sigma=3, outline_sigma=2)
    sizes = np.bincount(labels.ravel())[1:]
    assert f"{int(np.sum(sizes >= 150))} objects of at least 150 px" in out
    assert np.sum(sizes >= 150) < np.sum(sizes > 0)  # the filter removes something


def _cells_from_nuclei(out):
    n = int(cellseg.make_cells_and_nuclei(seed=0).cells.max())
    assert f"{n} nuclei, {n} cells" in out and f"tp={n}," in out


def _visual_qc(out):
    n = len(cellseg.make_image().centers)
    rows = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert rows.count("correct") == n - 3 and rows.count("merge") == 1 and rows.count("missed") == 1


def _correct_by_hand(out):
    before, = _numbers(r"before: F1 ([\d.]+)", out)
    assert before < 1 and f"after: F1 {1:.2f}" in out and "True" in out


def _pixel_metrics(out):
    scene = cellseg.make_image(noise_scale=0.35, seed=11)
    a = cellseg.ground_truth_labels(scene.centers, shape=scene.image.shape) > 0
    b = cellseg.segment(cellseg.smooth(scene.image, sigma=2.0), threshold=0.5) > 0
    both = np.sum(a & b)
    assert f"Dice {2 * both / (a.sum() + b.sum()):.3f}, IoU {both / np.sum(a | b):.3f}" in out


def _object_metrics(out):
    n = len(cellseg.make_image().centers)
    assert f"TP {n - 1}, FP 0, FN 1" in out
    f1 = _numbers(r"iou_threshold 0.5: F1 ([\d.]+)", out)[0]
    assert _numbers(r"iou_threshold 0.7: F1 ([\d.]+)", out)[0] <= f1  # stricter, not better


def _error_measures(out):
    sq, rq, pq = _numbers(r"SQ ([\d.]+) x RQ ([\d.]+) = PQ ([\d.]+)", out)
    assert pq == pytest.approx(sq * rq, abs=2e-3)
    tp, _, fn = _numbers(r"TP (\d+), FP (\d+), FN (\d+)", out)
    assert tp + fn == 12  # the n_cells the script asks make_image for


def _shape_and_neighbours(out):
    n = int(cellseg.make_cells_and_nuclei(seed=0).cells.max())
    assert f"reference: {n} cells" in out and f"one merge: {n - 1} cells" in out


def _real_nuclei(out):
    n = _n_annotated()
    assert f"{n} annotated nuclei" in out
    n_pred, tp, fp, fn = _numbers(r"(\d+) objects: TP (\d+), FP (\d+), FN (\d+)", out)
    assert tp + fn == n and tp + fp == n_pred  # the count on screen adds up


def _score_uncertainty(out):
    _, truth = cellseg.nuclei_2d()
    tiles = (truth.shape[0] // 64) * (truth.shape[1] // 64)
    pooled, = _numbers(rf"{tiles} tiles, pooled DSB score ([\d.]+)", out)
    low, high = _numbers(r"95 % interval ([\d.]+) \.\.\. ([\d.]+)", out)
    assert low < pooled < high


def _carry_over(out):
    half, one, two = (_numbers(rf"x{f}: typical radius ([\d.]+) px", out)[0] for f in ("0.5", "1", "2"))
    assert two / one == pytest.approx(2, rel=0.05) and one / half == pytest.approx(2, rel=0.05)
    assert f"annotated: {_n_annotated()}" in out


def _making_a_reference(out):
    _, truth = cellseg.nuclei_2d()
    corner = len(np.unique(truth[352:512, 32:192])) - 1
    assert f"{corner} annotated nuclei in the corner, {_n_annotated()} in all" in out
    lenient, strict = (_numbers(rf"IoU {t}: F1 ([\d.]+)", out)[0] for t in ("0.5", "0.9"))
    assert strict < lenient


def _good_enough(out):
    n = _n_annotated()
    assert f"annotation: {n} nuclei" in out and f"one merge: {n - 1} nuclei" in out


def _cells_in_3d(out):
    scene = cellseg.make_volume()
    n = int(scene.labels.max())
    assert f"{n} objects for {n} nuclei" in out
    nz, ny, nx = scene.image.shape
    dz, _, dx = scene.spacing
    assert f"resampled: ({round(nz * dz / dx)}, {ny}, {nx})" in out


def _measuring_in_3d(out):
    scene = cellseg.make_volume()
    assert f"tp={int(scene.labels.max())}, fp=0, fn=0" in out
    um3, voxels = _numbers(r"nucleus 1: ([\d.]+) µm³, (\d+) voxels", out)
    assert voxels == pytest.approx(um3 / np.prod(scene.spacing), rel=1e-3)  # one voxel is dz dy dx µm³


def _your_own_images(out):
    assert "refused: nuclei_2d.tif records no pixel size" in out
    radius, n, flagged = _numbers(r"radius ([\d.]+) µm, (\d+) nuclei, (\d+) flagged", out)
    _, truth = cellseg.nuclei_2d()
    annotated = cellseg.measure_objects(truth, spacing=0.5)["equivalent_diameter"].median() / 2
    assert radius == pytest.approx(annotated, rel=0.15)  # the estimate the episode checks
    assert 0.8 * _n_annotated() < n <= _n_annotated() and 0 < flagged < n
    assert len(pandas.read_csv("nuclei.csv")) == n  # the CSV it wrote (in the test's folder)


def _experiment(out):
    assert f"{4 * 6} fields measured" in out  # rows x cols of the plate it makes


CHECKS = {name[1:].replace("_", "-"): check for name, check in dict(globals()).items()
          if name.startswith("_") and callable(check) and name[1:].replace("_", "-") in EPISODES}


def test_every_episode_has_a_live_script_and_a_check():
    scripts = {p.stem for p in LIVE.glob("*.py")}
    assert scripts == set(EPISODES), (
        f"episodes without a script: {sorted(set(EPISODES) - scripts)}; scripts without an episode: "
        f"{sorted(scripts - set(EPISODES))}")
    assert set(CHECKS) == set(EPISODES)


@pytest.mark.parametrize("name", EPISODES)
def test_live_script_is_short_runs_and_agrees_with_its_episode(name, tmp_path, monkeypatch, capsys):
    path = LIVE / f"{name}.py"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_LINES, f"{path.name}: {len(lines)} lines; an instructor types at most {MAX_LINES}"
    assert max(map(len, lines)) <= 88, f"{path.name}: a line longer than 88 characters"
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)  # files a script writes land here
    runpy.run_path(str(path), run_name="__main__")
    import matplotlib.pyplot as plt

    plt.close("all")
    CHECKS[name](capsys.readouterr().out)
