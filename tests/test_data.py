"""The real images shipped with the package (cellseg.data)."""

import hashlib

import numpy as np
import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

from cellseg.data import nuclei_2d, nuclei_2d_path

# sha256 of array.tobytes() of the arrays as published in StarDist 0.9.2's test data
# (stardist/data/images/img2d.tif and mask2d.tif); see cellseg/data/README.md.
IMAGE_SHA256 = "8952cab7611450bd761f81e14b95bdd197d5b17487ed98f6814fd35720e65963"
LABELS_SHA256 = "13ef0db2a960a93cf97cc419d9e02aa90038feb4b143fe6e0623bcfcc10ad5f4"


def _sha(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def test_nuclei_2d_arrays_are_the_published_ones():
    image, labels = nuclei_2d()
    assert image.dtype == np.uint16 and image.dtype.byteorder in "=<|"
    assert labels.dtype == np.uint16
    assert image.shape == labels.shape == (512, 512)
    assert _sha(image) == IMAGE_SHA256
    assert _sha(labels) == LABELS_SHA256


def test_nuclei_2d_has_125_nuclei_with_non_consecutive_ids():
    image, labels = nuclei_2d()
    ids = np.unique(labels)
    assert ids[0] == 0
    assert len(ids) - 1 == 125
    assert ids[-1] == 183  # ids kept as published, not renumbered 1..125
    assert not np.array_equal(ids[1:], np.arange(1, 126))
    assert int(image.max()) == 235 and int(image.min()) == 0


def test_nuclei_2d_returns_copies_the_caller_may_change():
    image, labels = nuclei_2d()
    assert image.flags.writeable and labels.flags.writeable
    image[:] = 0
    labels[:] = 0
    image2, labels2 = nuclei_2d()
    assert _sha(image2) == IMAGE_SHA256
    assert _sha(labels2) == LABELS_SHA256
    assert not np.shares_memory(image2, nuclei_2d()[0])


def test_nuclei_2d_is_installed_as_package_data(root):
    config = tomllib.loads((root / "pyproject.toml").read_text())
    setuptools = config["tool"]["setuptools"]
    assert "cellseg.data" in setuptools["packages"]
    patterns = setuptools["package-data"]["cellseg.data"]
    assert any(p in ("*.npz", "nuclei_2d.npz") for p in patterns)
    assert any(p in ("*.tif", "nuclei_2d.tif") for p in patterns)


def test_the_tiff_file_is_the_published_image_without_a_pixel_size():
    import cellseg

    path = nuclei_2d_path()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == (
        "84dcc623b1b68e9c7624afc4922dec27c44cc12b92c9bf608811df210fc90c1b")  # cellseg/data/README.md
    with pytest.raises(ValueError, match="records no pixel size.*pixel_size="):
        cellseg.read_image(path)
    image, pixel_size = cellseg.read_image(path, pixel_size=0.5)
    assert _sha(image) == IMAGE_SHA256 and image.dtype == np.uint16 and pixel_size == (0.5, 0.5)


def test_the_package_data_stays_small(root):
    data = root / "cellseg" / "data"
    assert sum(p.stat().st_size for p in data.iterdir() if p.is_file()) < 5 * 2**20
    assert (root / "cellseg" / "data" / "nuclei_2d.npz").is_file()


@pytest.mark.parametrize("name", ["Caicedo", "BBBC038", "CC0", "StarDist"])
def test_nuclei_2d_provenance_is_recorded(root, name):
    assert name in nuclei_2d.__doc__
    assert name in (root / "cellseg" / "data" / "README.md").read_text()
