"""Tests of cellseg.pipeline3d: the pipeline with lengths in micrometres."""

import numpy as np
import pytest

import cellseg
from cellseg import pipeline3d, synthetic3d
from cellseg.measure import volume
from cellseg.synthetic3d import ellipsoid_mask, make_volume


def test_smooth_converts_micrometres_per_axis():
    stack = np.zeros((21, 41, 41))
    stack[10, 20, 20] = 1.0
    out = pipeline3d.smooth(stack, sigma=1.0, spacing=(1.0, 0.25, 0.25))
    from scipy import ndimage as ndi

    assert np.allclose(out, ndi.gaussian_filter(stack, (1.0, 4.0, 4.0)))
    assert pipeline3d.smooth(stack.astype(np.float32), sigma=1.0, spacing=(1, 1, 1)).dtype == np.float32


def test_segment_connectivity_and_volume_filter():
    stack = np.zeros((4, 6, 6))
    stack[1, 1, 1] = stack[2, 2, 2] = 1.0  # corner neighbours
    stack[1, 4, 4] = stack[2, 4, 4] = 1.0  # face neighbours
    spacing = (2.0, 0.5, 0.5)
    assert pipeline3d.segment(stack, threshold=0.5, spacing=spacing)[1] == 3
    assert pipeline3d.segment(stack, threshold=0.5, spacing=spacing, connectivity=2)[1] == 3
    assert pipeline3d.segment(stack, threshold=0.5, spacing=spacing, connectivity=3)[1] == 2
    # one voxel is 0.5 um^3; the pair 1.0 um^3
    labels, n = pipeline3d.segment(stack, threshold=0.5, spacing=spacing, min_volume=0.75)
    assert n == 1 and labels[1, 4, 4] == 1 and labels[1, 1, 1] == 0
    with pytest.raises(ValueError, match="connectivity"):
        pipeline3d.segment(stack, threshold=0.5, spacing=spacing, connectivity=26)


def test_pipeline_finds_the_default_nuclei():
    scene = make_volume()
    smoothed = pipeline3d.smooth(scene.image, sigma=1.0, spacing=scene.spacing)
    labels, n = pipeline3d.segment(smoothed, threshold=0.4, spacing=scene.spacing, min_volume=10)
    assert n == synthetic3d.N_NUCLEI
    m = cellseg.matching(scene.labels, labels)
    assert m.tp == synthetic3d.N_NUCLEI


def test_filter_by_volume():
    labels = np.zeros((2, 4, 4), np.int32)
    labels[:, :2, :2] = 3
    labels[0, 3, 3] = 5
    out = pipeline3d.filter_by_volume(labels, spacing=(1, 1, 1), min_volume=2, max_volume=8)
    assert np.unique(out).tolist() == [0, 3]
    assert out.dtype == labels.dtype
    with pytest.raises(ValueError):
        pipeline3d.filter_by_volume(labels, spacing=(1, 1, 1), min_volume=3, max_volume=2)


def test_resample_isotropic_keeps_the_volume():
    spacing = (1.0, 0.25, 0.25)
    mask = ellipsoid_mask((3.0, 4.0, 4.0), spacing=spacing, offset=(0.3, 0.1, 0.05))
    iso, new = pipeline3d.resample_isotropic(mask.astype(np.uint8), spacing=spacing, order=0)
    assert new == pytest.approx((0.25, 0.25, 0.25), rel=0.05)
    assert volume(iso, spacing=new) == pytest.approx(volume(mask, spacing=spacing), rel=0.02)
    image, _ = pipeline3d.resample_isotropic(mask.astype(float), spacing=spacing)
    assert image.shape == iso.shape


@pytest.mark.parametrize("bad", [np.zeros((4, 4)), np.full((2, 2, 2), np.nan), np.array([[["x"]]])])
def test_pipeline3d_rejects_bad_stacks(bad):
    with pytest.raises((TypeError, ValueError)):
        pipeline3d.smooth(bad, sigma=1.0, spacing=(1, 1, 1))


def test_filter_by_volume_works_on_the_ids_present_of_any_dtype():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from label_strategies import label_images

    @settings(max_examples=60, deadline=None)
    @given(label_images(shape=(2, 3, 4)), st.floats(0, 10), st.floats(0, 20))
    def check(labels, low, extra):
        out = pipeline3d.filter_by_volume(labels, spacing=(1.0, 0.5, 0.5), min_volume=low,
                                          max_volume=low + extra)
        ids = [i for i in np.unique(labels) if i]
        kept = [i for i in ids if low <= np.sum(labels == i) * 0.25 <= low + extra]
        np.testing.assert_array_equal(out, np.where(np.isin(labels, kept), labels, 0))
        assert out.dtype == labels.dtype

    check()
