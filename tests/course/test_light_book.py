"""The build's slimming of the book (cellseg_course/learner_book.py) changes bytes, never pixels."""

import io

import numpy as np
import pytest
from PIL import Image

from cellseg_course.learner_book import _drop_unused_icon_rules, slim_png


def png(pixels, mode):
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode).save(buffer, "PNG")
    return buffer.getvalue()


def rgba(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


@pytest.mark.parametrize("colours", [2, 256, 257, 5000])
@pytest.mark.parametrize("opaque", [True, False])
def test_slim_png_keeps_every_pixel(colours, opaque):
    rng = np.random.default_rng(colours)
    table = rng.integers(0, 256, (colours, 4), dtype=np.uint8)
    table[:, 3] = 255 if opaque else rng.integers(0, 256, colours, dtype=np.uint8)
    pixels = table[np.arange(120 * 90) % colours].reshape(120, 90, 4)
    data = png(pixels, "RGBA")
    slim = slim_png(data)
    assert np.array_equal(rgba(slim), pixels)
    assert len(slim) <= len(data)
    if colours <= 256:  # a palette holds them: at least a quarter lighter than RGBA
        assert Image.open(io.BytesIO(slim)).mode == "P" and len(slim) < 0.75 * len(data)


def test_slim_png_leaves_grey_images_alone():
    data = png(np.arange(64, dtype=np.uint8).reshape(8, 8), "L")
    assert slim_png(data) is data


def test_unused_icon_rules_leave_the_stylesheet(tmp_path):
    css = tmp_path / "theme.css"
    css.write_text('.a{color:red}.fa-search:before,.fa-magnifying-glass:before{content:"\\f002"}'
                   '.fa-bug:before{content:"\\f188"}.onthispage:after{content:"\\f107"}')
    _drop_unused_icon_rules(css, used={"fa-magnifying-glass"})
    assert css.read_text() == ('.a{color:red}.fa-search:before,.fa-magnifying-glass:before{content:"\\f002"}'
                               '.onthispage:after{content:"\\f107"}')
