"""The simulated camera (cellseg.acquisition)."""

import numpy as np
import pytest

from cellseg.acquisition import (
    acquire,
    default_offset,
    digitize,
    full_scale,
    illumination_field,
    storage_dtype,
)
from cellseg.synthetic import render_cells


@pytest.mark.parametrize("bits", [1, 8, 10, 12, 14, 16, 32])
def test_full_scale_is_all_bits_set(bits):
    assert full_scale(bits) == int("1" * bits, 2)


def test_storage_types_worked_by_hand():
    assert storage_dtype(8) == np.uint8
    assert storage_dtype(12) == np.uint16  # 4095 does not fit in 0..255
    assert storage_dtype(16) == np.uint16
    assert storage_dtype(17) == np.uint32


def test_bad_bit_depths():
    with pytest.raises(ValueError, match="at least 1"):
        full_scale(0)
    with pytest.raises(ValueError, match="between 1 and 32"):
        full_scale(33)
    with pytest.raises(TypeError):
        full_scale(12.5)


def test_default_offset_is_a_32nd_of_the_range():
    assert default_offset(8) == 256 // 32
    assert default_offset(12) == 4096 // 32


def test_digitize_rounds_and_clips_worked_by_hand():
    out = digitize([[-7.2, 0.49, 0.51], [17.5, 18.5, 1e6]], 8)
    assert out.dtype == np.uint8
    assert out.tolist() == [[0, 0, 1], [18, 18, 255]]  # halves go to the even neighbour


def test_digitize_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        digitize([np.nan], 8)


def test_acquire_without_noise_worked_by_hand():
    signal = np.array([[0.0, 0.5], [1.0, 2.0]])
    img = acquire(signal, 100, bit_depth=8, offset=10)
    assert img.dtype == np.uint8
    assert img.tolist() == [[10, 60], [110, 210]]
    img = acquire(signal, 200, bit_depth=8, offset=10)
    assert img.tolist() == [[10, 110], [210, 255]]  # 410 is clipped to the full scale
    img12 = acquire(signal, 200, bit_depth=12, offset=10)
    assert img12.dtype == np.uint16 and img12.tolist() == [[10, 110], [210, 410]]


def test_acquire_default_offset():
    img = acquire(np.zeros((2, 2)), 50, bit_depth=12)
    assert (img == default_offset(12)).all()


def test_acquire_is_reproducible_and_the_seed_matters():
    signal = np.full((32, 32), 0.5)
    a = acquire(signal, 300, noise_scale=0.1, shot_noise=True, seed=1)
    b = acquire(signal, 300, noise_scale=0.1, shot_noise=True, seed=1)
    c = acquire(signal, 300, noise_scale=0.1, shot_noise=True, seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_shot_noise_variance_equals_mean():
    mean_counts = 400 * 0.5
    img = acquire(np.full((200, 200), 0.5), 400, bit_depth=16, offset=100, shot_noise=True)
    counts = img.astype(float) - 100
    assert counts.mean() == pytest.approx(mean_counts, rel=0.01)
    # Poisson: variance = mean (rounding adds nothing: the counts are already integers)
    assert counts.var() == pytest.approx(mean_counts, rel=0.05)


def test_model_noise_is_scaled_by_the_exposure():
    exposure, noise_scale = 200, 0.15
    img = acquire(np.full((200, 200), 1.0), exposure, bit_depth=16, noise_scale=noise_scale)
    # sd of exposure * N(0, noise_scale), plus the rounding error's variance 1/12
    expected = np.sqrt((exposure * noise_scale) ** 2 + 1 / 12)
    assert img.astype(float).std() == pytest.approx(expected, rel=0.03)


def test_overexposure_flattens_the_peak_exactly_where_predicted():
    signal = render_cells([[32, 32]], shape=64, cell_sigma=6, brightness=1)
    exposure, offset = 1000, 10
    img = acquire(signal, exposure, bit_depth=8, offset=offset)
    top = full_scale(8)
    # saturated where exposure * exp(-d^2 / (2 sigma^2)) + offset >= top - 0.5
    r, c = np.mgrid[:64, :64]
    d2 = (r - 32) ** 2 + (c - 32) ** 2
    predicted = exposure * np.exp(-d2 / 72) + offset >= top - 0.5
    np.testing.assert_array_equal(img == top, predicted)
    assert predicted.sum() > 100  # a flat top, not a single pixel


def test_underexposure_uses_few_grey_levels():
    signal = render_cells([[32, 32]], shape=64)
    img = acquire(signal, 5, bit_depth=8, offset=3)
    # 0..5 counts above the offset: exactly six grey levels
    assert np.unique(img).tolist() == [3, 4, 5, 6, 7, 8]


def test_acquire_rejects_bad_input():
    with pytest.raises(ValueError, match="negative"):
        acquire(np.array([[-0.1, 1.0]]), 10)
    with pytest.raises(ValueError, match="greater than 0"):
        acquire(np.ones((2, 2)), 0)
    with pytest.raises(ValueError, match="2-D"):
        acquire(np.ones((2, 2, 2)), 10)
    with pytest.raises(TypeError, match="shot_noise"):
        acquire(np.ones((2, 2)), 10, shot_noise="yes")
    with pytest.raises(ValueError, match="at least 0"):
        acquire(np.ones((2, 2)), 10, offset=-1)


def test_illumination_field_centre_and_corners():
    field = illumination_field((21, 31), falloff=0.4)
    assert field[10, 15] == pytest.approx(1.0)
    for corner in [(0, 0), (0, 30), (20, 0), (20, 30)]:
        assert field[corner] == pytest.approx(0.6)
    assert field.min() == pytest.approx(0.6) and field.max() == pytest.approx(1.0)
    np.testing.assert_allclose(field, field[::-1, ::-1])


def test_illumination_field_off_centre_and_flat():
    field = illumination_field(16, falloff=0.5, center=(0, 0))
    assert field[0, 0] == 1.0 and field[15, 15] == pytest.approx(0.5)
    np.testing.assert_array_equal(illumination_field(8, falloff=0), 1.0)
    with pytest.raises(ValueError, match="below 1"):
        illumination_field(8, falloff=1)
