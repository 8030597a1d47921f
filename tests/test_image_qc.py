"""image_report and batch_report flag what they should and stay quiet on good images."""

import numpy as np
import pytest

from cellseg.acquisition import acquire, full_scale, illumination_field
from cellseg.image_qc import BatchReport, batch_report, estimate_background, image_report
from cellseg.synthetic import make_image, place_cells, render_cells

SIZE = 128


def scene(seed, n_cells=8, background=0.5):
    """Noise-free model scene: cells on a flat background (model units, cell peak 1)."""
    rng = np.random.default_rng(seed)
    return render_cells(place_cells(n_cells, shape=SIZE, min_separation=24, seed=rng), shape=SIZE) + background


def record(signal, fill, bit_depth=12, seed=0, **kw):
    """Camera image whose noise-free brightest pixel reaches ``fill`` of the range above the offset."""
    exposure = fill * full_scale(bit_depth) / signal.max()
    return acquire(signal, exposure, bit_depth=bit_depth, noise_scale=0.1, seed=seed, offset=20, **kw)


# ---------------------------------------------------------------- quiet on good images


@pytest.mark.parametrize("bit_depth", [8, 12, 16])
@pytest.mark.parametrize("seed", range(4))
def test_good_images_get_no_warning(bit_depth, seed):
    img = record(scene(seed), 0.6, bit_depth, seed=seed)
    report = image_report(img, bit_depth=bit_depth)
    assert report.problems == () and report.warnings == () and report.ok
    assert "no problem found" in str(report)


def test_good_image_with_shot_noise_gets_no_warning():
    img = record(scene(5), 0.6, 12, seed=5, shot_noise=True)
    assert image_report(img, bit_depth=12).ok


# ---------------------------------------------------------------- clipping


@pytest.mark.parametrize("bit_depth", [8, 12])
def test_overexposed_image_is_clipped_at_the_top(bit_depth):
    img = record(scene(1), 1.5, bit_depth)
    report = image_report(img, bit_depth=bit_depth)
    assert report.clipped_high and "clipped high" in report.problems
    assert report.maximum == full_scale(bit_depth)
    assert report.fraction_at_max == pytest.approx(np.mean(img == full_scale(bit_depth)))
    assert any("saturated" in w for w in report.warnings)


def test_clipping_below_the_dtype_maximum_is_found_by_the_pile_up():
    # a 12-bit camera stored as uint16, checked without telling the bit depth
    img = record(scene(2), 1.5, 12)
    report = image_report(img)
    assert report.full_scale == np.iinfo(np.uint16).max
    assert report.clipped_high


def test_float_image_clipped_at_zero_is_clipped_low():
    image = make_image().image  # the model clips its noise at 0: many exact zeros
    report = image_report(image)
    assert report.clipped_low and not report.clipped_high
    assert report.used_range is None and not report.underexposed  # float: no full scale


def test_camera_without_offset_is_clipped_at_zero():
    signal = scene(3, background=0.0)
    img = acquire(signal, 1000, bit_depth=12, offset=0, noise_scale=0.1)
    report = image_report(img, bit_depth=12)
    assert report.clipped_low and report.minimum == 0


def test_few_pixels_at_the_top_are_not_clipping():
    img = record(scene(4), 0.6, 12).astype(np.int64)
    img[0, 0] = full_scale(12)  # one hot pixel at the full scale
    assert not image_report(img, bit_depth=12).clipped_high


# ---------------------------------------------------------------- under-exposure


@pytest.mark.parametrize("bit_depth", [8, 12])
def test_underexposed_image_is_flagged(bit_depth):
    img = record(scene(1), 0.08, bit_depth)
    report = image_report(img, bit_depth=bit_depth)
    assert report.problems == ("under-exposed",)
    assert report.used_range < 0.2
    assert report.n_levels == np.unique(img).size


def test_twelve_bit_data_in_uint16_needs_the_bit_depth():
    img = record(scene(6), 0.6, 12)
    assert img.dtype == np.uint16
    wrong = image_report(img)
    assert wrong.underexposed and "bit_depth=12" in wrong.warnings[0]
    assert image_report(img, bit_depth=12).ok


# ---------------------------------------------------------------- uneven illumination


@pytest.mark.parametrize("seed", range(3))
def test_vignetting_is_flagged_as_uneven(seed):
    signal = scene(seed, background=1.0) * illumination_field(SIZE, falloff=0.4)
    report = image_report(record(signal, 0.6, 12, seed=seed), bit_depth=12)
    assert report.problems == ("uneven background",)
    assert report.relative_trend > 0.1


def test_a_background_ramp_is_measured():
    ramp = np.linspace(0.4, 1.0, SIZE)[None, :]  # background rises by 0.6 from left to right
    signal = scene(7, background=0.0) + ramp
    exposure = 2000
    img = acquire(signal, exposure, bit_depth=16, offset=100, noise_scale=0.1)
    report = image_report(img, bit_depth=16)
    assert report.uneven
    assert report.trend == pytest.approx(0.6 * exposure, rel=0.1)


def test_flat_background_has_a_small_trend():
    reports = [image_report(record(scene(s), 0.6, 12, seed=s), bit_depth=12) for s in range(8)]
    assert max(r.relative_trend for r in reports) < 0.1


# ---------------------------------------------------------------- noise and SNR


def test_noise_estimate_on_gaussian_noise():
    rng = np.random.default_rng(11)
    img = 100 + rng.normal(0, 7, (256, 256))
    report = image_report(img)
    assert report.noise == pytest.approx(7, rel=0.03)
    assert report.background == pytest.approx(100, abs=0.2)
    assert report.low_snr  # nothing but noise: the 99th percentile is only ~2.3 sd up
    assert report.snr == pytest.approx(2.33, rel=0.1)


def test_noise_estimate_ignores_the_cells():
    exposure, noise_scale = 2000, 0.1
    img = acquire(scene(8), exposure, bit_depth=16, offset=100, noise_scale=noise_scale)
    report = image_report(img, bit_depth=16)
    assert report.noise == pytest.approx(exposure * noise_scale, rel=0.05)
    assert report.background == pytest.approx(exposure * 0.5 + 100, rel=0.02)
    # signal: the 99th percentile lies inside the cells, a little below their peak of 1
    assert 0.7 * exposure < report.signal < 1.0 * exposure


def test_blank_image():
    report = image_report(np.full((32, 32), 7, dtype=np.uint8))
    assert "blank" in report.problems
    assert not report.clipped_high and not report.clipped_low


# ---------------------------------------------------------------- bad input


def test_bad_input():
    with pytest.raises(TypeError, match="mask"):
        image_report(np.zeros((8, 8), dtype=bool))
    with pytest.raises(ValueError, match="2-D"):
        image_report(np.zeros((2, 8, 8)))
    with pytest.raises(ValueError, match="NaN"):
        image_report(np.full((8, 8), np.nan))
    with pytest.raises(ValueError, match="above the full scale"):
        image_report(np.full((8, 8), 300, dtype=np.uint16), bit_depth=8)
    with pytest.raises(ValueError, match="greater than 0"):
        image_report(np.ones((8, 8)), clip_fraction=0)


def test_tiny_image_has_no_trend():
    report = image_report(np.arange(64, dtype=float).reshape(8, 8))
    assert np.isnan(report.trend) and not report.uneven


# ---------------------------------------------------------------- batch_report


def make_batch():
    images = [
        record(scene(0), 0.6, 12, seed=0),
        record(scene(1), 1.5, 12, seed=1),
        record(scene(2), 0.08, 12, seed=2),
    ]
    return images, ["good", "bright", "dark"]


def test_batch_report_flags_and_table():
    images, names = make_batch()
    report = batch_report(images, names=names, bit_depth=12)
    assert isinstance(report, BatchReport) and len(report) == 3
    assert report.flagged == ["bright", "dark"]
    text = str(report).splitlines()
    assert text[0].split()[:3] == ["image", "dtype", "min"]
    assert text[1].startswith("good") and text[1].endswith("ok")
    assert "clipped high" in text[2] and "under-exposed" in text[3]
    assert "<table>" in report._repr_html_()
    records = report.to_records()
    assert records[1]["image"] == "bright" and records[1]["clipped_high"] is True


def test_batch_report_accepts_a_stack_and_a_generator():
    images, _ = make_batch()
    stack = np.stack(images)
    a = batch_report(stack, bit_depth=12)
    b = batch_report((img for img in images), bit_depth=12)
    assert a.names == b.names == ["0", "1", "2"]
    assert [r.problems for r in a.reports] == [r.problems for r in b.reports]


def test_batch_report_progress_bar(capsys):
    images, _ = make_batch()
    batch_report(images * 7, bit_depth=12)  # 21 images: a bar by default
    assert "image QC" in capsys.readouterr().err
    batch_report(images, bit_depth=12)
    assert capsys.readouterr().err == ""


def test_batch_report_bad_input():
    images, names = make_batch()
    with pytest.raises(ValueError, match="one name per image"):
        batch_report(images, names=names[:2])
    with pytest.raises(ValueError, match="single 2-D image"):
        batch_report(images[0])


# ---------------------------------------------------------------- estimate_background


def test_estimate_background_recovers_a_vignetting_and_subtracting_it_fixes_the_image():
    exposure, offset, background = 2000, 100, 1.0
    field = illumination_field(SIZE, falloff=0.4)
    signal = scene(9, background=background) * field
    img = acquire(signal, exposure, bit_depth=16, offset=offset, noise_scale=0.05)
    assert image_report(img, bit_depth=16).uneven
    bg = estimate_background(img)
    truth = exposure * background * field + offset
    # within 5% of the background's own range everywhere (typically 2-4% on such images)
    assert np.abs(bg - truth).max() < 0.05 * (truth.max() - truth.min())
    flattened = img - bg + bg.mean()
    assert not image_report(flattened).uneven


def test_estimate_background_too_small():
    with pytest.raises(ValueError, match="too small"):
        estimate_background(np.ones((8, 8)))


def test_estimate_background_recovers_every_quadratic_term():
    rows, cols = 96, 128
    r = np.linspace(-1, 1, rows)[:, None]
    c = np.linspace(-1, 1, cols)[None, :]
    truth = 50 + 3 * r - 4 * c + 5 * r**2 + 6 * r * c - 7 * c**2
    noisy = truth + np.random.default_rng(2).normal(0, 0.5, truth.shape)
    # within the noise sd everywhere, although the surface spans more than 20 units
    np.testing.assert_allclose(estimate_background(noisy), truth, atol=0.5)


# --- reproducers of issue 18


@pytest.mark.parametrize("progress", ["False", 1, "yes"])
def test_batch_report_progress_is_a_real_bool(progress):
    with pytest.raises(TypeError, match="progress must be True or False"):
        batch_report([np.ones((8, 8))], progress=progress)


@pytest.mark.parametrize("images", [None, "a.tif", 3, np.array(2.0)])
def test_batch_report_refuses_what_is_not_a_list_of_images(images):
    with pytest.raises(TypeError, match="images must be a list of images"):
        batch_report(images)
