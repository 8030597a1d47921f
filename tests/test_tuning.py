"""Classical baselines and the parameter sweep (cellseg.tuning)."""

import numpy as np
import pytest

from cellseg import metrics, scoring, tuning
from cellseg.data import nuclei_2d
from cellseg.tuning import BASELINES, Baseline, parameter_grid, sweep


@pytest.fixture(scope="module")
def nuclei():
    image, truth = nuclei_2d()
    return image.astype(float), truth


def test_the_grids_hold_at_least_100_settings_and_every_default():
    grids = [parameter_grid(b.grid) for b in BASELINES.values()]
    assert sum(len(g) for g in grids) >= 100
    for baseline, grid in zip(BASELINES.values(), grids):
        defaults = {k: v for k, v in baseline.default.items() if k in baseline.grid}
        assert any(all(setting[k] == v for k, v in defaults.items()) for setting in grid)


@pytest.mark.parametrize("name", list(BASELINES))
def test_every_baseline_finds_nuclei_on_the_real_image(nuclei, name):
    image, truth = nuclei
    labels = BASELINES[name](image)
    assert labels.shape == truth.shape and np.issubdtype(labels.dtype, np.integer)
    n = len(np.unique(labels)) - 1
    assert 20 < n < 250
    assert metrics.matching(truth, labels, iou_threshold=0.5).tp > 10


@pytest.mark.parametrize("name", list(BASELINES))
def test_every_baseline_survives_a_blank_image(name):
    labels = BASELINES[name](np.full((40, 40), 7.0))
    assert labels.shape == (40, 40) and labels.max() <= 1


def test_fixed_threshold_and_otsu():
    image = np.zeros((20, 20))
    image[3:8, 3:8] = 100
    image[12:18, 10:16] = 60
    assert tuning.threshold_components(image, sigma=0, threshold=50, min_size=5).max() == 2
    assert tuning.threshold_components(image, sigma=0, threshold=80, min_size=5).max() == 1
    assert tuning.threshold_components(image, sigma=0, min_size=5).max() >= 1  # Otsu


def test_watershed_splits_two_touching_discs():
    rr, cc = np.mgrid[:24, :40]
    image = 100.0 * (((rr - 12) ** 2 + (cc - 12) ** 2 < 64) | ((rr - 12) ** 2 + (cc - 26) ** 2 < 64))
    assert tuning.threshold_components(image, sigma=0).max() == 1
    assert tuning.threshold_watershed(image, sigma=0).max() == 2


def test_local_threshold_follows_a_ramp():
    image = np.tile(np.linspace(0, 60, 40), (40, 1))
    image[5:10, 5:10] += 30
    image[30:35, 30:35] += 30
    labels = tuning.local_threshold_components(image, sigma=0, size=11, offset=15, min_size=5)
    assert labels.max() == 2


def test_parameter_grid():
    assert parameter_grid({"a": [1, 2], "b": [0.5, 1.5, 2.5]})[:2] == [{"a": 1, "b": 0.5}, {"a": 1, "b": 1.5}]
    assert len(parameter_grid({"a": [1, 2], "b": [0.5, 1.5, 2.5]})) == 6
    assert parameter_grid({"a": 3}) == [{"a": 3}]
    for bad in ({}, [1, 2], None):
        with pytest.raises(TypeError):
            parameter_grid(bad)


def test_sweep_scores_every_setting_by_region(nuclei):
    image, truth = nuclei
    methods = {"fixed": Baseline(tuning.threshold_components, {"sigma": 1.0}, {"threshold": [30.0, 45.0]})}
    halves = scoring.grid_regions(truth.shape, tile_shape=(256, 512))
    results = sweep(image, truth, regions=halves, methods=methods)
    assert [r.params for r in results] == [{"sigma": 1.0, "threshold": 30.0}, {"sigma": 1.0, "threshold": 45.0}]
    for r in results:
        labels = tuning.threshold_components(image, **r.params)
        assert np.isclose(r.counts.pooled()["dsb"], metrics.average_precision(truth, labels))
        assert r.counts.n_regions == 2
        assert len(r.best_iou) == 125
        assert np.isclose(r.best_iou.mean(), metrics.jaccard_index_sparse(truth, labels))


def test_sweep_rejects_a_bad_image(nuclei):
    _, truth = nuclei
    with pytest.raises(ValueError):
        sweep(np.zeros((4, 4, 3)), truth, regions=np.zeros(truth.shape, int))


# --- reproducers of issue 18


def test_sweep_refuses_methods_that_are_not_baselines_before_segmenting():
    image = np.zeros((16, 16))
    truth = np.zeros((16, 16), int)
    with pytest.raises(TypeError, match="methods must be a non-empty dict"):
        sweep(image, truth, regions=np.zeros((16, 16), int), methods={"x": 5})


@pytest.mark.parametrize("thresholds", ["0.5", [0.5, "0.6"], [[0.5], [0.6, 0.7]]])
def test_sweep_thresholds_follow_the_rule_of_matching(thresholds):
    image = np.zeros((16, 16))
    truth = np.zeros((16, 16), int)
    with pytest.raises((TypeError, ValueError), match="thresholds"):
        sweep(image, truth, regions=np.zeros((16, 16), int), iou_thresholds=thresholds)


def test_parameter_grid_refuses_a_grid_too_large_to_sweep_at_once():
    with pytest.raises(ValueError, match="combinations"):
        parameter_grid({"a": list(range(10**4)), "b": list(range(10**4))})
