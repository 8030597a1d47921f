"""The cheat sheet (book/cheatsheet.md): every formula agrees with cellseg, every call exists."""

import inspect
import math
import re

import numpy as np
import pytest

import cellseg
from cellseg import labels as cl
from cellseg import metrics, theory

RNG = np.random.default_rng(2024)


def _random_pairs(n=6):
    """Pairs of small random label images (blocks of random ids), some objects shifted."""
    for _ in range(n):
        y_true = np.kron(RNG.integers(0, 5, size=(6, 6)), np.ones((4, 4), int))
        y_pred = np.roll(y_true, RNG.integers(-2, 3, size=2), axis=(0, 1))
        y_pred[RNG.random(y_pred.shape) < 0.05] = 0
        yield y_true, y_pred


def _pixel(check):
    def run():
        for y_true, y_pred in _random_pairs():
            tp, fp, fn, _ = metrics.confusion_counts(y_true, y_pred)
            assert check(tp, fp, fn, metrics.pixel_scores(y_true, y_pred), y_true, y_pred), (
                y_true, y_pred)
    return run


def _object(check):
    def run():
        for y_true, y_pred in _random_pairs():
            m = metrics.matching(y_true, y_pred, iou_threshold=0.5)
            assert check(m.tp, m.fp, m.fn, m), (y_true, y_pred)
    return run


def _average_precision():
    for y_true, y_pred in _random_pairs():
        ts = [0.5 + 0.05 * k for k in range(10)]
        ratios = [(lambda m: m.tp / (m.tp + m.fp + m.fn))(metrics.matching(y_true, y_pred, iou_threshold=t))
                  for t in ts]
        assert metrics.average_precision(y_true, y_pred) == pytest.approx(sum(ratios) / 10)


def _dice_from_iou():
    for y_true, y_pred in _random_pairs():
        iou = cellseg.jaccard(y_true, y_pred)
        assert cellseg.dice(y_true, y_pred) == pytest.approx(2 * iou / (1 + iou))


def _over(values, function, formula):
    for kwargs in values:
        assert function(**kwargs) == pytest.approx(formula(**kwargs)), kwargs


def _volume_scene():
    scene = cellseg.make_volume()
    return scene.labels, scene.spacing


def _in_voxels():
    labels, (dz, dy, dx) = _volume_scene()
    in_um = cellseg.measure_objects(labels, spacing=(dz, dy, dx))["volume"]
    in_voxels = cellseg.measure_objects(labels, spacing=(1, 1, 1))["volume"]
    assert np.allclose(in_voxels, in_um / (dz * dy * dx))
    assert np.allclose(in_voxels, np.bincount(labels.ravel())[1:])  # the plain voxel count


def _sphericity():
    labels, spacing = _volume_scene()
    for k in range(1, int(labels.max()) + 1):
        mask = labels == k
        v, a = cellseg.volume(mask, spacing=spacing), cellseg.surface_area(mask, spacing=spacing)
        assert cellseg.sphericity(mask, spacing=spacing) == pytest.approx(np.pi ** (1 / 3) * (6 * v) ** (2 / 3) / a)


SHAPES = [dict(brightness=b, cell_sigma=s, sigma=ss)
          for b, s, ss in [(1.0, 6.0, 2.0), (0.4, 3.0, 1.5), (2.0, 8.0, 4.0)]]

#: row name -> (the formula exactly as the page writes it, the check of that formula)
FORMULAS = {
    "Pixel precision": (r"\frac{TP}{TP + FP}",
                        _pixel(lambda tp, fp, fn, s, *_: s.precision == pytest.approx(tp / (tp + fp)))),
    "Pixel recall": (r"\frac{TP}{TP + FN}",
                     _pixel(lambda tp, fp, fn, s, *_: s.recall == pytest.approx(tp / (tp + fn)))),
    "Dice": (r"\frac{2\,TP}{2\,TP + FP + FN}",
             _pixel(lambda tp, fp, fn, s, a, b:
                    s.dice == pytest.approx(2 * tp / (2 * tp + fp + fn)) == cellseg.dice(a, b))),
    "IoU (Jaccard)": (r"\frac{TP}{TP + FP + FN}",
                      _pixel(lambda tp, fp, fn, s, a, b: cellseg.jaccard(a, b) == pytest.approx(tp / (tp + fp + fn)))),
    "Object precision": (r"\frac{TP}{TP + FP}",
                         _object(lambda tp, fp, fn, m: m.precision == pytest.approx(tp / (tp + fp)))),
    "Object recall": (r"\frac{TP}{TP + FN}", _object(lambda tp, fp, fn, m: m.recall == pytest.approx(tp / (tp + fn)))),
    "F1": (r"\frac{2\,TP}{2\,TP + FP + FN}",
           _object(lambda tp, fp, fn, m: m.f1 == pytest.approx(2 * tp / (2 * tp + fp + fn)))),
    "Average precision (DSB)": (r"\frac{1}{10}\sum_{t = 0.5, 0.55, \ldots, 0.95} \frac{TP_t}{TP_t + FP_t + FN_t}",
                                _average_precision),
    "Objects in a label type of $b$ bits": (
        r"2^b - 1",
        lambda: [cl.label_capacity(np.dtype(f"uint{b}")) == 2**b - 1 or pytest.fail(b) for b in (8, 16, 32, 64)]),
    "Peak after smoothing": (r"B\,\frac{\sigma^2}{\sigma^2 + \sigma_s^2}", lambda: _over(
        SHAPES, theory.smoothed_peak,
        lambda brightness, cell_sigma, sigma: brightness * cell_sigma**2 / (cell_sigma**2 + sigma**2))),
    "Width after smoothing": (r"\sqrt{\sigma^2 + \sigma_s^2}", lambda: _over(
        [dict(cell_sigma=s["cell_sigma"], sigma=s["sigma"]) for s in SHAPES], theory.smoothed_sigma,
        lambda cell_sigma, sigma: math.hypot(cell_sigma, sigma))),
    "Area of a cell above a threshold $t$": (r"2\pi\sigma^2 \ln\frac{B}{t}", lambda: _over(
        [dict(threshold=0.5, peak=0.9, cell_sigma=6.0), dict(threshold=0.2, peak=0.36, cell_sigma=4.0)],
        theory.area_at_threshold,
        lambda threshold, peak, cell_sigma: 2 * math.pi * cell_sigma**2 * math.log(peak / threshold))),
    "Intensity halfway between two cells $d$ apart": (r"2B\,e^{-d^2 / (8\sigma^2)}", lambda: _over(
        [dict(distance=d, brightness=1.0, cell_sigma=6.0) for d in (14.0, 24.0)], theory.midpoint_intensity,
        lambda distance, brightness, cell_sigma: 2 * brightness * math.exp(-(distance**2) / (8 * cell_sigma**2)))),
    "Mean of noise clipped at zero": (r"\frac{\sigma_n}{\sqrt{2\pi}}", lambda: _over(
        [dict(noise_scale=s) for s in (0.15, 1.0)],
        lambda noise_scale: theory.smoothed_noise_mean(noise_scale=noise_scale, clipped=True),
        lambda noise_scale: noise_scale / math.sqrt(2 * math.pi))),
    "Volume in voxels of a volume $V$ in µm³": (r"\frac{V}{d_z\,d_y\,d_x}", lambda: _in_voxels()),
    "Sphericity of a volume $V$ with surface $A$": (r"\frac{\pi^{1/3}\,(6V)^{2/3}}{A}", lambda: _sphericity()),
}
#: formulas in the running text, each with its check
INLINE = {r"\text{Dice} = \frac{2\,\text{IoU}}{1 + \text{IoU}}": _dice_from_iou}
#: symbols and conditions that are not formulas to check
SYMBOLS = {"B", r"\sigma", r"\sigma_s", r"\sigma_n", "b", "t", "d", r"\geq t", "t = 0.5", "V", "A"}


@pytest.fixture(scope="module")
def sheet(root):
    return (root / "book" / "cheatsheet.md").read_text()


def _rows(sheet):
    return {cells[0]: cells[1] for cells in
            ([c.strip() for c in line.strip("|").split("|")] for line in sheet.splitlines() if line.startswith("| "))
            if len(cells) >= 3 and cells[1].startswith("$")}


def test_every_formula_on_the_sheet_is_checked(sheet):
    rows = _rows(sheet)
    assert set(rows) == set(FORMULAS), "a row of the cheat sheet has no check here, or a check has no row"
    for name, (latex, _) in FORMULAS.items():
        assert rows[name] == f"${latex}$", f"{name}: the page says {rows[name]}; update its check"
    written = set(re.findall(r"\$([^$]+)\$", sheet))
    unchecked = written - {latex for latex, _ in FORMULAS.values()} - set(INLINE) - SYMBOLS
    assert not unchecked, f"formulas on the cheat sheet without a check: {unchecked}"


@pytest.mark.parametrize("name", [*FORMULAS, *INLINE])
def test_formula_agrees_with_cellseg(name):
    check = FORMULAS[name][1] if name in FORMULAS else INLINE[name]
    check()


def test_every_call_on_the_sheet_exists_with_these_options(sheet):
    calls = re.findall(r"cellseg\.(\w+)\(([^`]*)\)`", sheet)
    assert len(calls) >= 15
    for name, args in calls:
        function = getattr(cellseg, name, None)
        assert callable(function), f"cellseg.{name} does not exist"
        parameters = inspect.signature(function).parameters
        for keyword in re.findall(r"(\w+)=", args):
            assert keyword in parameters, f"cellseg.{name} has no option {keyword}"


def test_the_cheat_sheet_is_in_the_reference_part(root):
    toc = (root / "_toc.yml").read_text()
    reference = toc[toc.index("caption: Reference"):]
    assert "file: book/cheatsheet" in reference


def _section(sheet, title):
    start = sheet.index(f"## {title}")
    end = sheet.find("\n## ", start + 1)
    return sheet[start:end if end > 0 else None]


def test_the_3d_rows_run_as_written(sheet):
    """Every call of the 3-D table runs, in order, on a synthetic stack, with its spacing."""
    scene = cellseg.make_volume()
    space = {"cellseg": cellseg, "np": np, "stack": scene.image, "truth": scene.labels}
    calls = re.findall(r"`((?:\w+(?:, \w+)* = )?cellseg\.\w+\([^`]*\))`", _section(sheet, "In 3-D"))
    assert len(calls) >= 8
    for call in calls:
        exec(call, space)  # noqa: S102 - the sheet's own code
        assert "(1.0, 0.25, 0.25)" not in call or tuple(scene.spacing) == (1.0, 0.25, 0.25), call
    assert space["labels"].max() == scene.labels.max()  # the rows segment every nucleus
    assert space["voxel"] == (0.25, 0.25, 0.25) and space["cubic"].shape[0] == 4 * scene.image.shape[0]
    assert set(space["table"].columns) >= {"volume", "surface_area", "sphericity"}


def test_the_slips_name_what_the_lessons_warn_about(sheet):
    slips = _section(sheet, "Common slips")
    for words in ("*smoothed* values", "spacing", "own range", "`iou_threshold`", "clipped", "squares"):
        assert words in slips, words
    # the smoothed values it points to are the model's: the peak drops and the width grows
    assert cellseg.smoothed_peak(brightness=1.0, cell_sigma=6.0, sigma=2.0) < 1.0
    assert cellseg.smoothed_sigma(cell_sigma=6.0, sigma=2.0) > 6.0
