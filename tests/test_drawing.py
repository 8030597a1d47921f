"""Tests of cellseg.drawing: overlays and the pixel error map."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import cellseg  # noqa: E402
from cellseg.drawing import (  # noqa: E402
    ERROR_COLORS,
    error_map,
    overlay_boundaries,
    overlay_comparison,
    overlay_labels,
)
from cellseg.synthetic import ground_truth_labels  # noqa: E402
from cellseg.drawing import object_error_map  # noqa: E402


def _truth_and_prediction():
    """Four cells on 128x128; the prediction misses cell 1 and shifts cell 2."""
    truth = ground_truth_labels([(20, 20), (20, 60), (60, 20), (60, 60)], shape=128, cell_sigma=6)
    pred = cellseg.inject_error(truth, "missed", label=1)
    return truth, cellseg.inject_error(pred, "shift", label=2, amount=3)


def test_error_map_colours_and_checks():
    truth = np.array([[1, 1, 0, 0]])
    pred = np.array([[0, 2, 2, 0]])
    rgb = error_map(None, truth, pred)
    assert rgb[0, 0].tolist() == ERROR_COLORS["fn"].tolist()
    assert rgb[0, 1].tolist() == ERROR_COLORS["tp"].tolist()
    assert rgb[0, 2].tolist() == ERROR_COLORS["fp"].tolist()
    assert rgb[0, 3].tolist() == [0, 0, 0]
    image = np.array([[0.0, 1.0, 2.0, 3.0]])
    blended = error_map(image, truth, pred, alpha=0.5)
    assert blended[0, 3].tolist() == [1.0, 1.0, 1.0]  # brightest pixel, not an error: grey
    # three colours that differ in brightness too (readable in greyscale)
    lum = {k: float(v @ [0.2126, 0.7152, 0.0722]) for k, v in ERROR_COLORS.items()}
    assert min(abs(lum["tp"] - lum["fp"]), abs(lum["fp"] - lum["fn"]), abs(lum["tp"] - lum["fn"])) > 0.05
    with pytest.raises(ValueError, match="field of view"):
        error_map(None, truth, pred[:, :3])
    with pytest.raises(ValueError, match="integer dtype"):
        error_map(None, truth.astype(float), pred)


def test_overlays_keep_their_contract():
    truth, pred = _truth_and_prediction()
    image = np.random.default_rng(0).random(truth.shape)
    assert overlay_labels(image, truth).shape == (128, 128, 3)
    rgb = overlay_boundaries(image, truth)
    assert rgb[20, 20].tolist() != [1.0, 0.0, 1.0]  # centre of a cell is not an outline
    both = overlay_comparison(image, truth, pred)
    edge = np.argwhere(truth == 4)[0]  # first pixel of cell 4 (unchanged): on its outline in both
    assert both[tuple(edge)].tolist() == ERROR_COLORS["tp"].tolist()
    assert cellseg.drawing.label_colors(3).shape == (4, 3)


def test_show_comparison_draws_four_panels():
    truth, pred = _truth_and_prediction()
    image = np.random.default_rng(1).random(truth.shape)
    fig = cellseg.drawing.show_comparison(image, truth, pred)
    try:
        assert len(fig.axes) == 4
        assert [ax.get_title() for ax in fig.axes] == ["image", "reference", "prediction", "errors"]
        assert fig.axes[3].get_legend() is not None
    finally:
        plt.close(fig)


def test_overlay_boundaries_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="mode must be"):
        overlay_boundaries(np.zeros((4, 4)), np.eye(4, dtype=int), mode="bogus")


def test_label_rgb_gives_the_colour_table_of_each_id_for_any_dtype():
    from hypothesis import given, settings

    from label_strategies import label_images

    @settings(max_examples=60, deadline=None)
    @given(label_images())
    def check(labels):
        rgb = cellseg.drawing.label_rgb(labels)
        ids = labels.astype(object)
        expected = [[[0.0] * 3 if i == 0 else cellseg.drawing.OKABE_ITO[(i - 1) % 7].tolist()
                     for i in row] for row in ids]
        np.testing.assert_array_equal(rgb, np.array(expected))
        assert overlay_labels(None, labels).shape == labels.shape + (3,)

    check()


@pytest.mark.parametrize("big", [10**8, 2**31 - 1, 2**63 + 5])
def test_overlay_labels_memory_follows_the_image_not_the_largest_id(big):
    import tracemalloc

    labels = np.zeros((8, 8), np.uint64)
    labels[2:5, 2:5] = big
    tracemalloc.start()
    rgb = overlay_labels(np.zeros((8, 8)), labels, alpha=1.0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100_000  # bytes; a colour table up to the id would be 24 * big
    assert rgb[3, 3].tolist() == cellseg.drawing.OKABE_ITO[(big - 1) % 7].tolist()


def test_label_colors_refuses_a_table_too_big_to_build():
    with pytest.raises(ValueError, match="label_rgb"):
        cellseg.drawing.label_colors(2**31 - 1)


# --- reproducers of issue 18: memory follows the image, never the largest id; bad input refused


def _peak_bytes(call):
    import tracemalloc

    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _two(dtype=np.int64, scale=1):
    two = np.zeros((6, 6), dtype)
    two[:2, :2] = 1 * scale
    two[3:, 3:] = 9 * scale
    return two


@pytest.mark.parametrize("scale", [10**9, 2**60])
def test_object_error_map_memory_does_not_follow_the_largest_id(scale):
    two = _two()
    big = _two(np.uint64, np.uint64(scale)) if scale >= 2**60 else two * scale
    rgb, peak = _peak_bytes(lambda: object_error_map(None, two, big))
    assert peak < 2**20  # the old code built tables of max id entries: 67 GiB for 9 * 10**9
    # ids renamed, same objects: the same colours as with small ids
    np.testing.assert_array_equal(rgb, object_error_map(None, two, two))


def test_object_error_map_takes_a_0d_threshold_like_a_number():
    two = _two()
    np.testing.assert_array_equal(object_error_map(None, two, two, iou_threshold=np.array(0.5)),
                                  object_error_map(None, two, two, iou_threshold=0.5))
    with pytest.raises(TypeError, match="threshold must be one number"):
        object_error_map(None, two, two, iou_threshold=np.array([0.5, 0.6]))


@pytest.mark.parametrize("legend", [cellseg.drawing.add_error_legend, cellseg.drawing.add_object_error_legend])
def test_legends_refuse_what_is_not_an_axes(legend):
    with pytest.raises(TypeError, match="matplotlib"):
        legend(None)


@pytest.mark.parametrize("size", [-1, 0, float("nan"), True, "3", 1e6])
def test_show_comparison_refuses_a_bad_size_before_matplotlib(size):
    two = _two()
    with pytest.raises((TypeError, ValueError), match="size"):
        cellseg.show_comparison(np.zeros((6, 6)), two, two, size=size)


def test_ragged_input_gets_the_course_message():
    with pytest.raises(ValueError, match="y_true must be one rectangular array"):
        cellseg.error_map(None, [[1, 2], [3]], [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="image must be one rectangular array"):
        overlay_labels([[1.0, 2.0], [3.0]], [[1, 2], [3, 4]])
