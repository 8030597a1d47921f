"""The explorers: static frames are the update function's output, the grid holds every prompt's
values, the HTML needs nothing from outside, and the live explorer updates one picture in place."""

import base64
import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from cellseg_course.explorers import encode_frame, live_explorer, prompt, static_explorer


def update(brightness, size, name="square"):
    """A grey square of `size` pixels with a magenta corner when name is 'corner'."""
    frame = np.zeros((16, 16, 3))
    frame[:size, :size] = brightness
    if name == "corner":
        frame[0, 0] = (1.0, 0.0, 1.0)
    return frame, f"{name}: {size * size} pixels at {brightness:.2f}"


GRID = {"brightness": [0.25, 0.5], "size": [2, 8], "name": ["square", "corner"]}


def decode(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_every_frame_and_readout_is_the_update_functions():
    explorer = static_explorer(update, GRID, name="t", prompts=[prompt("Try the full square.", size=16)])
    for flat, (b, s, n) in enumerate((b, s, n) for b in explorer.grid["brightness"]
                                     for s in explorer.grid["size"] for n in explorer.grid["name"]):
        frame, text = update(brightness=b, size=s, name=n)
        assert explorer.position(brightness=b, size=s, name=n) == flat
        assert explorer.texts[flat] == text
        expected = np.round(frame * 255).astype(np.uint8)
        np.testing.assert_array_equal(decode(explorer.frames[explorer.index[flat]]), expected)


def test_grid_holds_every_prompted_value_in_order():
    prompts = [prompt("Lower it.", brightness=0.1), prompt("Grow it.", size=16), prompt("Again.", size=8)]
    explorer = static_explorer(update, GRID, name="t", prompts=prompts)
    assert explorer.grid == {"brightness": [0.1, 0.25, 0.5], "size": [2, 8, 16], "name": ["square", "corner"]}
    assert len(explorer.texts) == 3 * 3 * 2
    for p in prompts:
        for key, value in p.values.items():
            assert value in explorer.grid[key]


def test_region_shows_a_detail_of_each_frame():
    explorer = static_explorer(update, GRID, name="t", region=np.s_[:4, 2:10])
    frame, _ = update(brightness=0.5, size=8, name="corner")
    flat = explorer.position(brightness=0.5, size=8, name="corner")
    expected = np.round(frame[:4, 2:10] * 255).astype(np.uint8)
    np.testing.assert_array_equal(decode(explorer.frames[explorer.index[flat]]), expected)


def test_identical_frames_are_stored_once():
    explorer = static_explorer(lambda level: (np.zeros((4, 4, 3)), f"{level}"), {"level": [1, 2, 3]}, name="t")
    assert len(explorer.frames) == 1 and explorer.index == [0, 0, 0]
    assert explorer.texts == ["1", "2", "3"]


def test_html_is_self_contained_and_keeps_the_contract():
    explorer = static_explorer(update, GRID, name="My explorer", start={"size": 8},
                               prompts=[prompt("Make it bright.", brightness=0.5)],
                               alt="a square of {size} pixels: {text}")
    page = explorer._repr_html_()
    assert page.count('class="cellseg-explorer"') == 1 and 'id="cellseg-explorer-my-explorer"' in page
    assert len(re.findall(r'<input type="range"', page)) == len(GRID)
    assert 'class="cellseg-explorer-readout"' in page
    # nothing fetched: no external script, style, image or font
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "require(" not in page and "<link" not in page
    # the first frame shown is the start point's, with its alt text and readout
    first = explorer.position()
    assert explorer.position() == explorer.position(brightness=0.25, size=8, name="square")
    src = re.search(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"', page)
    assert base64.b64decode(src[1]) == explorer.frames[explorer.index[first]]
    assert src[2] == "a square of 8 pixels: square: 64 pixels at 0.25"
    data = json.loads(re.search(r'<script type="application/json">(.*?)</script>', page, re.S)[1])
    assert data["sizes"] == [2, 2, 2]
    assert data["readouts"][first] == "brightness = 0.25, size = 8, name = square: square: 64 pixels at 0.25"
    # every slider move changes the readout, even where the update's text stays the same
    assert len(set(data["readouts"])) == len(data["readouts"])
    assert len(data["frames"]) == len(explorer.frames)
    # every slider is labelled
    for k in range(len(GRID)):
        assert f'<label for="cellseg-explorer-my-explorer-s{k}"' in page
    # a prompt's button sets its values and puts the other sliders at their start
    button = json.loads(re.search(r'data-set="([^"]+)"', page)[1].replace("&quot;", '"'))
    assert button == [1, 1, 0]


def test_budget_is_enforced():
    noisy = np.random.default_rng(0).random((64, 64, 3))
    with pytest.raises(ValueError, match="MB of frames"):
        static_explorer(lambda k: (np.roll(noisy, k, axis=0), str(k)), {"k": list(range(10))}, name="t",
                        max_bytes=50_000)


@pytest.mark.parametrize(
    "grid, prompts, message",
    [
        ({}, [], "grid must be a dict"),
        ({"size": []}, [], "is empty"),
        ({"size": [2]}, [prompt("Try.", width=3)], "not a slider"),
    ],
)
def test_bad_grids_and_prompts_are_explained(grid, prompts, message):
    with pytest.raises(ValueError, match=message):
        static_explorer(lambda size: (np.zeros((2, 2, 3)), ""), grid, name="t", prompts=prompts)


def test_bad_update_results_are_explained():
    with pytest.raises(ValueError, match="RGB image"):
        static_explorer(lambda size: (np.zeros((2, 2)), ""), {"size": [1]}, name="t")


def test_palette_png_is_lossless_and_smaller():
    rng = np.random.default_rng(1)
    grey = rng.integers(0, 200, (64, 64))
    frame = np.repeat(grey[..., None], 3, axis=2).astype(np.uint8)
    frame[10, :] = (255, 0, 255)
    png = encode_frame(frame)
    np.testing.assert_array_equal(decode(png), frame)
    rgb_png = io.BytesIO()
    Image.fromarray(frame).save(rgb_png, "png", optimize=True)
    assert len(png) < len(rgb_png.getvalue())


def test_figure_frames_are_rendered():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def draw(level):
        fig, ax = plt.subplots(figsize=(1, 1), dpi=32)
        ax.imshow(np.full((4, 4), level), vmin=0, vmax=1)
        return fig, f"level {level}"

    explorer = static_explorer(draw, {"level": [0.0, 1.0]}, name="t")
    assert len(explorer.frames) == 2 and decode(explorer.frames[0]).shape == (32, 32, 3)
    assert not plt.get_fignums()  # every figure closed after use


def test_live_explorer_updates_one_picture_in_place():
    widgets = pytest.importorskip("ipywidgets")
    slider = widgets.IntSlider(value=2, min=1, max=16)
    live = live_explorer(lambda size: update(0.5, size), {"size": slider})
    image = live.image
    first = image.value
    slider.value = 8
    assert live.image is image and image.value != first  # the same widget, new data
    assert live.readout.value == "square: 64 pixels at 0.50"
    assert decode(image.value).shape == (16, 16, 3)
    assert live.refresh() < 1.0


def test_live_explorer_explains_bad_controls():
    with pytest.raises(TypeError, match="ipywidgets control"):
        live_explorer(lambda size: update(0.5, size), {"size": 3})
