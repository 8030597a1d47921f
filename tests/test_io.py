"""Reading TIFF/OME-TIFF files and their pixel size, on files these tests write."""

import numpy as np
import pytest
import tifffile

import cellseg
from cellseg.io import read_folder, read_image


@pytest.fixture
def stack():
    rng = np.random.default_rng(0)
    return rng.integers(0, 4000, size=(5, 24, 40), dtype=np.uint16)


def test_ome_stack_anisotropic(tmp_path, stack):
    path = tmp_path / "stack.ome.tif"
    tifffile.imwrite(path, stack, ome=True, metadata={
        "axes": "ZYX", "PhysicalSizeZ": 2.0, "PhysicalSizeY": 0.25, "PhysicalSizeX": 0.3})
    image, pixel_size = read_image(path)
    np.testing.assert_array_equal(image, stack)
    assert image.dtype == stack.dtype
    assert pixel_size == (2.0, 0.25, 0.3)


def test_ome_units_are_converted(tmp_path, stack):
    path = tmp_path / "nm.ome.tif"
    tifffile.imwrite(path, stack, ome=True, metadata={
        "axes": "ZYX", "PhysicalSizeZ": 0.0015, "PhysicalSizeZUnit": "mm",
        "PhysicalSizeY": 250, "PhysicalSizeYUnit": "nm",
        "PhysicalSizeX": 250, "PhysicalSizeXUnit": "nm"})
    assert read_image(path)[1] == pytest.approx((1.5, 0.25, 0.25))


def test_ome_2d_and_singleton_axes_dropped(tmp_path):
    plane = np.arange(12 * 16, dtype=np.uint8).reshape(1, 1, 12, 16)
    path = tmp_path / "plane.ome.tif"
    tifffile.imwrite(path, plane, ome=True, metadata={
        "axes": "TCYX", "PhysicalSizeY": 0.65, "PhysicalSizeX": 0.65})
    image, pixel_size = read_image(path)
    assert image.shape == (12, 16)
    np.testing.assert_array_equal(image, plane[0, 0])
    assert pixel_size == (0.65, 0.65)


def test_ome_without_z_size_is_refused_with_the_fix(tmp_path, stack):
    path = tmp_path / "noz.ome.tif"
    tifffile.imwrite(path, stack, ome=True, metadata={
        "axes": "ZYX", "PhysicalSizeY": 0.25, "PhysicalSizeX": 0.25})
    with pytest.raises(ValueError, match="PhysicalSizeZ.*pixel_size=\\(2.0, 0.65, 0.65\\)"):
        read_image(path)
    assert read_image(path, pixel_size=(1.0, 0.25, 0.25))[1] == (1.0, 0.25, 0.25)


def test_imagej_stack(tmp_path, stack):
    path = tmp_path / "fiji.tif"
    tifffile.imwrite(path, stack, imagej=True, resolution=(1 / 0.4, 1 / 0.5),
                     metadata={"spacing": 1.75, "unit": "micron", "axes": "ZYX"})
    image, pixel_size = read_image(path)
    np.testing.assert_array_equal(image, stack)
    # resolution is (x, y) in pixels per unit; the pixel size comes back (z, y, x)
    assert pixel_size == pytest.approx((1.75, 0.5, 0.4))


def test_imagej_escaped_micro_sign_and_nm(tmp_path):
    plane = np.ones((10, 10), np.uint8)
    for unit, expected in (("\\u00B5m", 0.2), ("nm", 0.2e-3)):
        path = tmp_path / "ij.tif"
        tifffile.imwrite(path, plane, imagej=True, resolution=(5.0, 5.0),
                         metadata={"unit": unit})
        assert read_image(path)[1] == pytest.approx((expected, expected))


def test_imagej_in_pixels_is_refused(tmp_path):
    path = tmp_path / "uncalibrated.tif"
    tifffile.imwrite(path, np.ones((10, 10), np.uint8), imagej=True)
    with pytest.raises(ValueError, match="in pixels.*pixel_size=0.65"):
        read_image(path)


def test_imagej_stack_without_spacing_is_refused(tmp_path, stack):
    path = tmp_path / "nospacing.tif"
    tifffile.imwrite(path, stack, imagej=True, resolution=(2.0, 2.0),
                     metadata={"unit": "um", "axes": "ZYX"})
    with pytest.raises(ValueError, match="z step"):
        read_image(path)


def test_plain_tiff_needs_the_pixel_size(tmp_path):
    plane = np.arange(100, dtype=np.uint16).reshape(10, 10)
    path = tmp_path / "plain.tiff"
    tifffile.imwrite(path, plane)
    with pytest.raises(ValueError, match="records no pixel size.*pass the pixel size yourself"):
        read_image(path)
    image, pixel_size = read_image(path, pixel_size=0.5)
    np.testing.assert_array_equal(image, plane)
    assert pixel_size == (0.5, 0.5)
    assert read_image(path, pixel_size=[0.5, 0.4])[1] == (0.5, 0.4)


def test_plain_tiff_with_centimetre_resolution(tmp_path):
    path = tmp_path / "cm.tif"
    tifffile.imwrite(path, np.ones((8, 8), np.uint8), resolution=(1e4 / 0.65, 1e4 / 0.8),
                     resolutionunit="CENTIMETER")
    assert read_image(path)[1] == pytest.approx((0.8, 0.65))


def test_screen_resolution_is_not_a_pixel_size(tmp_path):
    path = tmp_path / "screenshot.tif"
    tifffile.imwrite(path, np.ones((8, 8), np.uint8), resolution=(72, 72),
                     resolutionunit="INCH")
    with pytest.raises(ValueError, match="353 um.*image editor"):
        read_image(path)


def test_passed_pixel_size_wins_over_metadata(tmp_path, stack):
    path = tmp_path / "stack.ome.tif"
    tifffile.imwrite(path, stack, ome=True, metadata={
        "axes": "ZYX", "PhysicalSizeZ": 2.0, "PhysicalSizeY": 0.25, "PhysicalSizeX": 0.25})
    assert read_image(path, pixel_size=(3, 1, 1))[1] == (3.0, 1.0, 1.0)


@pytest.mark.parametrize(
    "bad, error, match",
    [
        ("0.5", TypeError, "micrometres"),
        (True, TypeError, "micrometres"),
        (-1.0, ValueError, "greater than 0"),
        (float("nan"), ValueError, "greater than 0"),
        ((0.5, None), TypeError, "numbers"),
        ((1, 2, 3, 4), ValueError, "pass 2 for a 2-D image"),
        (np.ones((2, 2)), TypeError, "one number per axis"),
    ],
)
def test_bad_pixel_size(tmp_path, bad, error, match):
    path = tmp_path / "plain.tif"
    tifffile.imwrite(path, np.ones((8, 8), np.uint8))
    with pytest.raises(error, match=match):
        read_image(path, pixel_size=bad)


def test_pixel_size_must_match_the_axes(tmp_path, stack):
    path = tmp_path / "plain_stack.tif"
    tifffile.imwrite(path, stack, metadata={"axes": "ZYX"})
    with pytest.raises(ValueError, match="one number cannot be its pixel size"):
        read_image(path, pixel_size=0.5)
    with pytest.raises(ValueError, match="2 values but the image has 3 axes"):
        read_image(path, pixel_size=(0.5, 0.5))
    # the resolution tags cannot hold a z step
    with pytest.raises(ValueError, match="records no pixel size"):
        read_image(path)


def test_corrupt_file(tmp_path, stack):
    good = tmp_path / "good.tif"
    tifffile.imwrite(good, stack)
    data = good.read_bytes()
    truncated = tmp_path / "truncated.tif"
    truncated.write_bytes(data[: len(data) // 3])
    garbage = tmp_path / "garbage.tif"
    garbage.write_bytes(b"this is not a TIFF file at all" * 10)
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    for path in (truncated, garbage, empty):
        with pytest.raises(ValueError, match=f"{path.name} could not be read as a TIFF"):
            read_image(path, pixel_size=(1, 1, 1))


def test_missing_file_folder_and_other_formats(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file"):
        read_image(tmp_path / "nope.tif")
    with pytest.raises(ValueError, match="read_folder"):
        read_image(tmp_path)
    png = tmp_path / "image.png"
    png.write_bytes(b"\x89PNG")
    with pytest.raises(ValueError, match="not a TIFF.*skimage.io.imread"):
        read_image(png)
    with pytest.raises(TypeError, match="file name"):
        read_image(None)
    with pytest.raises(TypeError, match="file name"):
        read_image(np.zeros((4, 4)))


def test_channels_and_time(tmp_path):
    data = np.stack([np.full((6, 7), c, np.uint8) for c in range(3)])
    path = tmp_path / "channels.ome.tif"
    tifffile.imwrite(path, data, ome=True, metadata={
        "axes": "CYX", "PhysicalSizeY": 0.5, "PhysicalSizeX": 0.5})
    with pytest.raises(ValueError, match="3 channels; pass the one to read"):
        read_image(path)
    image, _ = read_image(path, channel=2)
    assert image.shape == (6, 7) and (image == 2).all()
    with pytest.raises(ValueError, match="channels 0 to 2"):
        read_image(path, channel=3)
    with pytest.raises(TypeError, match="whole number"):
        read_image(path, channel="1")
    rgb = tmp_path / "rgb.tif"
    tifffile.imwrite(rgb, np.zeros((6, 7, 3), np.uint8), photometric="rgb")
    with pytest.raises(ValueError, match="colour"):
        read_image(rgb, pixel_size=0.5)
    assert read_image(rgb, pixel_size=0.5, channel=1)[0].shape == (6, 7)
    movie = tmp_path / "movie.ome.tif"
    tifffile.imwrite(movie, np.zeros((4, 6, 7), np.uint8), ome=True,
                     metadata={"axes": "TYX"})
    with pytest.raises(ValueError, match="4 time points"):
        read_image(movie, pixel_size=0.5)
    plain = tmp_path / "single.tif"
    tifffile.imwrite(plain, np.zeros((6, 7), np.uint8))
    with pytest.raises(ValueError, match="single channel"):
        read_image(plain, pixel_size=0.5, channel=0)


def test_read_folder(tmp_path):
    for name, value in (("b.TIF", 2), ("a.tif", 1), ("c.tiff", 3)):
        tifffile.imwrite(tmp_path / name, np.full((4, 5), value, np.uint8), imagej=True,
                         resolution=(2.0, 2.0), metadata={"unit": "um"})
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "sub").mkdir()
    tifffile.imwrite(tmp_path / "sub" / "d.tif", np.zeros((4, 5), np.uint8))
    read = read_folder(tmp_path)
    assert [name for name, _, _ in read] == ["a.tif", "b.TIF", "c.tiff"]
    assert [int(image[0, 0]) for _, image, _ in read] == [1, 2, 3]
    assert all(size == (0.5, 0.5) for _, _, size in read)


def test_read_folder_errors(tmp_path):
    with pytest.raises(ValueError, match="holds no TIFF"):
        read_folder(tmp_path)
    with pytest.raises(ValueError, match="not a folder"):
        read_folder(tmp_path / "missing")
    tifffile.imwrite(tmp_path / "ok.tif", np.zeros((4, 5), np.uint8))
    (tmp_path / "zz_broken.tif").write_bytes(b"II*\x00garbage")
    with pytest.raises(ValueError, match="zz_broken.tif could not be read"):
        read_folder(tmp_path, pixel_size=1.0)


def test_top_level_names():
    assert cellseg.read_image is read_image
    assert cellseg.read_folder is read_folder
    assert {"read_image", "read_folder"} <= set(cellseg.__all__)


@pytest.mark.parametrize(
    "metadata, match",
    [
        ({"PhysicalSizeX": 0.5, "PhysicalSizeXUnit": "s", "PhysicalSizeY": 0.5},
         "unit 's', which is not a length"),
        ({"PhysicalSizeX": 0, "PhysicalSizeY": 0.5}, "a pixel size of 0.0"),
    ],
)
def test_wrong_ome_metadata_is_refused(tmp_path, metadata, match):
    path = tmp_path / "wrong.ome.tif"
    tifffile.imwrite(path, np.zeros((8, 8), np.uint8), ome=True,
                     metadata={"axes": "YX", **metadata})
    with pytest.raises(ValueError, match=match):
        read_image(path)
    assert read_image(path, pixel_size=0.5)[1] == (0.5, 0.5)
